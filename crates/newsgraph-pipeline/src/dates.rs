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
/// What a masked run is shortened to: masks enough that no rule of the
/// date grammar reads across it (a single mask let "13 March" and a
/// "2012" two sentences later make one date).
const GAP: &str = "\u{1}\u{1}\u{1}\u{1}\u{1}\u{1}\u{1}\u{1}";

/// The part of `text` a publication date can be estimated from, with the
/// same lines: the header lines as they are, and in the rest only the
/// sentences that can contribute to the estimate – those that write a
/// year (four digits), a numeric date ("14.09.", "9/14/2023", "2023-09"),
/// or a day with a month name ("am 14. September"); every other sentence
/// is replaced by an inert character (of the same byte length among the
/// first lines, where `estimate_publication_date` looks for a dated header
/// by line length; a single one after them), so the date grammar never
/// tries its rules on the words and numbers of sentences that cannot date
/// the text. `None` when the text has no digit at all: then no date can be
/// estimated.
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
        let in_header = !t.is_empty() && header < HEADER_LINES;
        if in_header {
            header += 1;
            if t.len() <= HEADER_LINE_BYTES {
                out.push_str(line);
                continue;
            }
        }
        // A masked sentence shrinks to one mask character and a dated one
        // to the words around its dates, so the grammar scans only what can
        // date the text. A long header line stays longer than a header line
        // can be (padded with masks), so the header windows are unchanged.
        let start = out.len();
        mask_sentences(line, true, &mut out);
        if in_header {
            let len = out[start..].trim().len();
            if len <= HEADER_LINE_BYTES {
                out.extend(std::iter::repeat_n(MASK, HEADER_LINE_BYTES + 1 - len));
            }
        }
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

/// Words kept on each side of a date part by [`push_date_windows`]: the
/// date expression itself and the context its rules read ("im Dezember
/// 2023", "both 1990 and 1991", "Sept. 14, 2023, at 10 a.m.").
const DATE_WINDOW_WORDS: usize = 4;

/// Whether word `i` of `words` writes a date part an estimate can use: a
/// year or a numeric date ([`dated`] on the word), or a month name with a
/// number within two words ("14. September", "Sept. 14"). A month name
/// without a day gives no full date and no month-day ("im Dezember").
fn date_word(words: &[(usize, &str)], i: usize) -> bool {
    let w = words[i].1;
    let digit = |w: &str| w.bytes().any(|b| b.is_ascii_digit());
    if digit(w) {
        return dated(w)
            || w.split(|c: char| !c.is_alphabetic())
                .any(|p| p.len() >= 3 && newsgraph_ingest::is_month_name(p));
    }
    w.split(|c: char| !c.is_alphabetic())
        .any(|p| p.len() >= 3 && newsgraph_ingest::is_month_name(p))
        && words[i.saturating_sub(2)..(i + 3).min(words.len())]
            .iter()
            .any(|(_, x)| digit(x))
}

/// Appends the parts of a dated sentence that can make a date: every date
/// word with [`DATE_WINDOW_WORDS`] words on each side, the gaps between
/// them replaced by one mask character. The rest of a long sentence (its
/// other numbers, its relative time words) could not change the estimate
/// but would cost the grammar a try at each of them. A sentence with
/// digits of other scripts is kept whole (the grammar decides).
fn push_date_windows(seg: &str, out: &mut String) {
    if !seg.bytes().any(|b| b.is_ascii_digit()) && seg.chars().any(char::is_numeric) {
        out.push_str(seg);
        return;
    }
    let words: Vec<(usize, &str)> = seg
        .split_whitespace()
        .map(|w| (w.as_ptr() as usize - seg.as_ptr() as usize, w))
        .collect();
    out.push_str(&seg[..seg.len() - seg.trim_start().len()]);
    let mut next = 0usize; // first word not yet written or skipped
    let mut i = 0;
    while i < words.len() {
        if !date_word(&words, i) {
            i += 1;
            continue;
        }
        let a = i.saturating_sub(DATE_WINDOW_WORDS).max(next);
        let mut b = (i + DATE_WINDOW_WORDS).min(words.len() - 1);
        // Extend over date words inside the window.
        let mut j = i + 1;
        while j <= b {
            if date_word(&words, j) {
                b = (j + DATE_WINDOW_WORDS).min(words.len() - 1);
            }
            j += 1;
        }
        if a > next && !out.ends_with(MASK) {
            out.push_str(GAP);
            out.push(' ');
        } else if a == next && next > 0 {
            out.push(' ');
        }
        let (start, _) = words[a];
        let (end_off, end_w) = words[b];
        out.push_str(&seg[start..end_off + end_w.len()]);
        next = b + 1;
        i = b + 1;
    }
    if next < words.len() {
        out.push(' ');
        out.push_str(GAP);
    }
}

/// Appends `line` with the sentences that write no date part masked. A
/// sentence ends at `.`, `!` or `?` followed by white space and an
/// upper-case letter, unless a digit precedes it (an ordinal: "am 14.
/// September"); the white space goes with the next sentence. A masked
/// sentence keeps its length, or with `compact` becomes its leading white
/// space and one mask character (none after another masked sentence).
fn mask_sentences(line: &str, compact: bool, out: &mut String) {
    let flush = |seg: &str, out: &mut String| {
        if dated(seg) {
            if compact {
                push_date_windows(seg, out);
            } else {
                out.push_str(seg);
            }
        } else if seg.trim().is_empty() {
            // Blank lines stay blank: the header windows skip them.
            out.push_str(seg);
        } else if compact {
            if !out.ends_with(MASK) {
                out.push_str(&seg[..seg.len() - seg.trim_start().len()]);
                out.push_str(GAP);
            }
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
    fn date_bearing_keeps_lines_and_dated_sentences() {
        assert!(date_bearing("Kein Datum hier. Auch nicht hier.").is_none());
        let text = "Kurz\n\nDer Gipfel begann. Am 14. September kam er an. Dann kamen 5 Leute wieder nach Hause zurück, weil es spät war und alle müde.\nEnde";
        let b = date_bearing(text).expect("has digits");
        // Same lines, blank ones blank; a long header line stays longer
        // than a header line can be.
        assert_eq!(b.lines().count(), text.lines().count());
        assert_eq!(b.lines().nth(1), Some(""));
        assert!(
            b.lines()
                .nth(2)
                .is_some_and(|l| l.len() > HEADER_LINE_BYTES)
        );
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
        // A long dated sentence keeps the words around its date only, and
        // a masked run is never a single character (no rule reads across).
        let long = "Nach langen Verhandlungen, die sich über viele Runden hinzogen, unterzeichneten die Minister am 14. September 2023 in Wladiwostok ein Abkommen, das nach Ansicht vieler Beobachter die Zusammenarbeit beider Länder auf eine neue Grundlage stellt.";
        let b = date_bearing(long).expect("digits");
        assert!(
            b.contains("Minister am 14. September 2023 in Wladiwostok"),
            "{b:?}"
        );
        assert!(
            !b.contains("Verhandlungen") && !b.contains("Beobachter"),
            "{b:?}"
        );
        assert!(b.len() < long.len() / 2 + HEADER_LINE_BYTES, "{b:?}");
        assert!(b.contains(GAP), "{b:?}");
        // Month names without a number make no estimate: not kept.
        let t = format!("Im Dezember war es kalt, sagte er. {long}");
        assert!(!date_bearing(&t).expect("digits").contains("Dezember"));
    }

    #[test]
    fn date_bearing_gives_the_estimate_of_the_whole_text() {
        let cases = [
            (
                "de",
                "Kurz\n\nDer Gipfel fand statt. Am 13. März war es kalt. Dann kam 2012 ein neuer Präsident ins Amt, und die Lage änderte sich.\n\nDie Minister unterzeichneten am 14. September 2023 in Wladiwostok ein Abkommen, das die Zusammenarbeit beider Länder auf eine neue Grundlage stellt.",
            ),
            (
                "en",
                "Moscow\n\nThe talks, which began on Sept. 12, 2023, ended two days later. Officials said the agreement signed on Wednesday, September 13, 2023, would be reviewed in 2024 by both sides.",
            ),
            (
                "nb",
                "Oslo\n\nMøtet ble holdt 17. januar 2024 i Moskva. Året før hadde landene ikke snakket sammen, og i 2022 var forholdet kaldt.",
            ),
        ];
        for (lang, text) in cases {
            let whole = newsgraph_time::estimate_publication_date(text, lang);
            let part = date_bearing(text)
                .and_then(|b| newsgraph_time::estimate_publication_date(&b, lang));
            assert!(whole.is_some(), "{text}");
            assert_eq!(whole, part, "{text}");
        }
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
