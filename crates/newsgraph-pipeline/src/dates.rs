//! Publication dates for articles whose source gives none.

use crate::DateResolver;
use newsgraph_model::NewArticle;

/// A publication date found for an undated article.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedDate {
    /// ISO 8601 date or date-time.
    pub value: String,
    /// True when guessed from the body text rather than read from a
    /// dateline the source printed.
    pub estimated: bool,
}

/// The default [`DateResolver`], built on `newsgraph-time`: first the
/// `dateline` the readers found (metadata `"dateline"`, a string), parsed
/// with the article language's date grammar; otherwise an estimate from the
/// text (a dated header line, else the latest date the text mentions),
/// marked `estimated`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TimeDateResolver;

impl DateResolver for TimeDateResolver {
    fn resolve(&self, article: &NewArticle) -> Option<ResolvedDate> {
        let lang = article.lang.as_str();
        if let Some(line) = article.metadata.get("dateline").and_then(|v| v.as_str())
            && let Some(value) = newsgraph_time::parse_date_line(line, lang)
        {
            return Some(ResolvedDate {
                value,
                estimated: false,
            });
        }
        newsgraph_time::estimate_publication_date(&article.text, lang).map(|value| ResolvedDate {
            value,
            estimated: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(text: &str, dateline: Option<&str>) -> NewArticle {
        let mut a = NewArticle {
            text: text.into(),
            lang: "de".into(),
            ..NewArticle::default()
        };
        if let Some(d) = dateline {
            a.metadata.insert("dateline".into(), serde_json::json!(d));
        }
        a
    }

    #[test]
    fn dateline_is_a_given_date() {
        let a = article(
            "Der Gipfel fand statt.",
            Some("Mittwoch, 13. September 2023"),
        );
        let d = TimeDateResolver.resolve(&a).expect("dated");
        assert!(d.value.starts_with("2023-09-13"), "{d:?}");
        assert!(!d.estimated);
    }

    #[test]
    fn text_dates_are_an_estimate() {
        let a = article(
            "Der Präsident traf am 14. September 2023 in Moskau ein. Die Gespräche dauerten lange.",
            None,
        );
        let d = TimeDateResolver.resolve(&a).expect("dated");
        assert!(d.value.starts_with("2023-09-14"), "{d:?}");
        assert!(d.estimated);
        assert_eq!(
            TimeDateResolver.resolve(&article("Ohne Datum.", None)),
            None
        );
    }
}
