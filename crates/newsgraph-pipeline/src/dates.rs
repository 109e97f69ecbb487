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
        let text = date_bearing(&article.text)?;
        newsgraph_time::estimate_publication_date(&text, lang).map(|value| ResolvedDate {
            value,
            estimated: true,
        })
    }
}

/// Non-empty lines at the start that `estimate_publication_date` tries as
/// a dated header (it reads the first 14, windows of lines ≤ 80 bytes).
const HEADER_LINES: usize = 14;
const HEADER_LINE_BYTES: usize = 80;
/// What masked sentences are replaced with: not a word character, not
/// white space, never part of a date pattern.
const MASK: char = '\u{1}';

/// The part of `text` a publication date can be estimated from, with the
/// same line layout: the header lines as they are, and in the rest only the
/// sentences that can contribute to the estimate – those that write a
/// year (four digits), a numeric date ("14.09.", "9/14/2023", "2023-09"),
/// or a day with a month name ("am 14. September"); every other sentence
/// is overwritten with an inert character of the same byte length, so the
/// date grammar skips it at scanning speed instead of trying its rules on
/// every number and word. `None` when the text has no digit at all: then
/// no date can be estimated.
///
/// On real text this gives the same estimate as the whole text (measured
/// with `--example date_estimate_eval`, docs/ingest-store.md) at a fraction
/// of the cost.
pub fn date_bearing(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !text.chars().any(char::is_numeric) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut header = 0usize;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let t = line.trim();
        if !t.is_empty() && header < HEADER_LINES {
            header += 1;
            if t.len() <= HEADER_LINE_BYTES {
                out.push_str(line);
                continue;
            }
        }
        mask_sentences(line, &mut out);
    }
    Some(out.into())
}

/// Whether a sentence writes a date part a publication date can come from:
/// a year (a run of four digits), a numeric date with a two-digit year
/// ("14.09.23", "9/14/23"), or a number next to a month name ("am 14.
/// September", "Sept. 14"). Other numbers ("3,5 Prozent", "1.000
/// Menschen") never make a date, a year or a day of a month.
fn dated(seg: &str) -> bool {
    let b = seg.as_bytes();
    if !b.iter().any(u8::is_ascii_digit) {
        // Digits of other scripts: keep, the grammar decides.
        return seg.chars().any(char::is_numeric);
    }
    let run = |mut i: usize| {
        let s = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        (i, i - s)
    };
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let (e1, n1) = run(i);
        if n1 == 4 {
            return true;
        }
        // d{1,2} sep d{1,2} sep d{2}
        if n1 <= 2 && e1 + 1 < b.len() && matches!(b[e1], b'.' | b'/' | b'-') {
            let sep = b[e1];
            let (e2, n2) = run(e1 + 1);
            if (1..=2).contains(&n2) && e2 + 1 < b.len() && b[e2] == sep {
                let (_, n3) = run(e2 + 1);
                if n3 == 2 {
                    return true;
                }
            }
        }
        i = e1;
    }
    seg.split(|c: char| !c.is_alphabetic())
        .any(|w| w.len() >= 3 && newsgraph_ingest::is_month_name(w))
}

/// Appends `line` with the sentences that write no date part masked. A
/// sentence ends at `.`, `!` or `?` followed by white space and an
/// upper-case letter, unless a digit precedes it (an ordinal: "am 14.
/// September"); the white space goes with the next sentence.
fn mask_sentences(line: &str, out: &mut String) {
    let flush = |seg: &str, out: &mut String| {
        if dated(seg) {
            out.push_str(seg);
        } else {
            for c in seg.chars() {
                if c.is_whitespace() {
                    out.push(c);
                } else {
                    out.extend(std::iter::repeat_n(MASK, c.len_utf8()));
                }
            }
        }
    };
    let b = line.as_bytes();
    let mut start = 0;
    for (i, c) in line.char_indices() {
        if !matches!(c, '.' | '!' | '?') || i == 0 || b[i - 1].is_ascii_digit() {
            continue;
        }
        let rest = &line[i + 1..];
        let next = rest.trim_start();
        if next.len() == rest.len() || !next.chars().next().is_some_and(char::is_uppercase) {
            continue;
        }
        flush(&line[start..i + 1], out);
        start = i + 1;
    }
    flush(&line[start..], out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_bearing_keeps_layout_and_dated_sentences() {
        assert!(date_bearing("Kein Datum hier. Auch nicht hier.").is_none());
        let text = "Kurz\nDer Gipfel begann. Am 14. September kam er an. Dann kamen 5 Leute wieder nach Hause zurück, weil es spät war und alle müde.\nEnde";
        let b = date_bearing(text).expect("has digits");
        assert_eq!(b.len(), text.len());
        assert_eq!(b.lines().count(), text.lines().count());
        assert!(b.contains(" Am 14. September kam er an."), "{b:?}");
        // A number that is no date part does not keep its sentence.
        let t = "Es kamen 1.000 Menschen, 3,5 Prozent mehr, das ist eine Zahl ohne jeden Bezug zu einem Tag.";
        assert!(!date_bearing(t).expect("digits").contains("Menschen"));
        assert!(!b.contains("Gipfel") && !b.contains("Hause"), "{b:?}");
        for kept in [
            "Seit 2019 gilt das.",
            "Am 14. Sept. war es.",
            "Stand 9/14/23 kalt.",
        ] {
            let t = format!(
                "{kept} Kein Datum hier, und sonst steht in diesem langen Satz nichts über einen Tag."
            );
            let b = date_bearing(&t).expect("digits");
            assert!(b.contains(kept) && !b.contains("Kein"), "{b:?}");
        }
        // Short header lines stay as they are.
        assert!(b.starts_with("Kurz\n") && b.ends_with("\nEnde"));
    }

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
