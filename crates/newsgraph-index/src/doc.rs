//! The document indexed for one article.

use crate::{AnalyzerConfig, Fields};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use newsgraph_model::{Analysis, Article, ArticleId};
use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;

/// An entity mentioned in an article, as indexed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexedEntity {
    pub id: String,
    pub canonical: String,
}

/// What the index holds about one article.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IndexDoc {
    pub id: ArticleId,
    pub title: String,
    pub text: String,
    pub lang: String,
    pub source: Option<String>,
    pub published: Option<String>,
    pub story_id: Option<i64>,
    /// Distinct entities (named mentions and place relations), first-seen order.
    pub entities: Vec<IndexedEntity>,
    /// Whether the article had an analysis when indexed (incremental
    /// updates re-index articles analysed later).
    pub analysed: bool,
}

impl IndexDoc {
    /// The document for an article, with the entities of its analysis (if
    /// analysed) and the story it belongs to (if clustered).
    pub fn from_article(a: &Article, analysis: Option<&Analysis>, story_id: Option<i64>) -> Self {
        let mut entities: Vec<IndexedEntity> = Vec::new();
        if let Some(an) = analysis {
            let pairs = an
                .mentions
                .iter()
                .map(|m| (&m.entity_id, &m.canonical))
                .chain(an.places.iter().map(|p| (&p.entity_id, &p.canonical)));
            for (id, canonical) in pairs {
                if id.is_empty() || entities.iter().any(|e| &e.id == id) {
                    continue;
                }
                entities.push(IndexedEntity {
                    id: id.clone(),
                    canonical: canonical.clone(),
                });
            }
        }
        IndexDoc {
            id: a.id,
            title: a.title.clone(),
            text: a.text.clone(),
            lang: a.lang.clone(),
            source: a.source.clone().filter(|s| !s.trim().is_empty()),
            published: a.published.clone(),
            story_id,
            entities,
            analysed: analysis.is_some(),
        }
    }

    pub(crate) fn to_tantivy(&self, f: &Fields, config: &AnalyzerConfig) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_i64(f.id, self.id);
        d.add_u64(f.analysed, u64::from(self.analysed));
        let lang = if self.lang.trim().is_empty() {
            "und".to_string()
        } else {
            self.lang.trim().to_string()
        };
        d.add_text(f.lang, &lang);
        d.add_text(f.lang_key, lang.to_lowercase());
        d.add_text(f.lang_facet, &lang);
        if let Some(src) = &self.source {
            d.add_text(f.source, src);
            d.add_text(f.source_key, src.trim().to_lowercase());
            d.add_text(f.source_facet, src.trim());
        }
        if let Some(p) = &self.published {
            d.add_text(f.published_text, p);
            if let Some(secs) = parse_date(p, false) {
                d.add_date(f.published, tantivy::DateTime::from_timestamp_secs(secs));
            }
        }
        if let Some(s) = self.story_id {
            d.add_i64(f.story, s);
        }
        for e in &self.entities {
            d.add_text(f.entity_id, &e.id);
            d.add_text(f.entity_name, &e.canonical);
        }
        if !self.entities.is_empty()
            && let Ok(json) = serde_json::to_string(&self.entities)
        {
            d.add_text(f.entities_json, json);
        }
        let (title, body) = f.text_fields(config.analyser_for(&lang));
        d.add_text(title, &self.title);
        d.add_text(body, &self.text);
        d
    }
}

/// Parses an ISO 8601 date or date-time (`2024-01-16`, `2024-01-16T10:00`,
/// `2024-01-16T10:00:00+01:00`, `2024-01`, `2024`) to Unix seconds (UTC).
/// With `end_of_period`, a date without time gives the last second of its
/// day (month, year), so `--to 2024-01-16` includes that day.
pub fn parse_date(s: &str, end_of_period: bool) -> Option<i64> {
    let s = s.trim();
    if let Ok(dt) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(dt.timestamp());
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(dt.and_utc().timestamp());
        }
    }
    let day = |d: NaiveDate| {
        d.and_time(NaiveTime::MIN)
            .and_utc()
            .timestamp()
            .saturating_add(if end_of_period { 86_399 } else { 0 })
    };
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(day(d));
    }
    // A date-time with an unparsed tail (fractional seconds in odd formats):
    // fall back to its date.
    if s.len() > 10
        && let Some(prefix) = s.get(..10)
        && let Ok(d) = NaiveDate::parse_from_str(prefix, "%Y-%m-%d")
        && s.as_bytes()
            .get(10)
            .is_some_and(|b| *b == b'T' || *b == b' ')
    {
        return Some(day(d));
    }
    let (year, month) = match s.len() {
        7 => (
            s.get(..4)?.parse::<i32>().ok()?,
            s.get(5..7)?.parse::<u32>().ok()?,
        ),
        4 => (s.parse::<i32>().ok()?, 0),
        _ => return None,
    };
    if s.len() == 7 && s.as_bytes().get(4) != Some(&b'-') {
        return None;
    }
    let (first, last) = if month == 0 {
        (
            NaiveDate::from_ymd_opt(year, 1, 1)?,
            NaiveDate::from_ymd_opt(year, 12, 31)?,
        )
    } else {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        (first, next.pred_opt()?)
    };
    Some(if end_of_period { day(last) } else { day(first) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_usual_date_shapes() {
        let d = parse_date("2024-01-16", false).unwrap();
        assert_eq!(d, 1_705_363_200);
        assert_eq!(parse_date("2024-01-16", true).unwrap(), d + 86_399);
        assert_eq!(parse_date("2024-01-16T00:00:00Z", false), Some(d));
        assert_eq!(parse_date("2024-01-16T01:00:00+01:00", false), Some(d));
        assert_eq!(parse_date("2024-01-16T10:00", false), Some(d + 36_000));
        assert_eq!(
            parse_date("2024-01", false),
            parse_date("2024-01-01", false)
        );
        assert_eq!(parse_date("2024-01", true), parse_date("2024-01-31", true));
        assert_eq!(parse_date("2024", true), parse_date("2024-12-31", true));
        assert_eq!(parse_date("2024-13", false), None);
        assert_eq!(parse_date("yesterday", false), None);
        assert_eq!(parse_date("", false), None);
        assert_eq!(parse_date("2024-02-30", false), None);
    }
}
