//! Temporal expressions in German, Norwegian and English: find them with
//! per-language resource rules and normalise them to TIMEX3 values anchored
//! to the document creation time.
//!
//! The crate is the engine only. All language knowledge (patterns, month and
//! weekday names, number words, units, tense cues, modifiers) lives in
//! `data/lang/<code>/time.toml`, merged with the language-neutral
//! `data/lang/xx/time.toml`; see `docs/time.md` for the format. A language
//! without a `time.toml` is tagged with the neutral rules only (ISO and
//! numeric dates, clock times).

mod engine;
mod estimate;
pub mod eval;
mod grammar;
mod resolve;

use newsgraph_model::{Span, Timex, TimexType};

pub use estimate::{Estimate, GroupMember, estimate_group, merge_estimates};
pub use grammar::{RESOURCE, base_lang, try_compile};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum TimeError {
    /// A resource file does not parse or a rule does not compile.
    #[error("resource {file}: {msg}")]
    Resource { file: String, msg: String },
    /// Gold data given to the scorer is malformed.
    #[error("gold data {input}: {msg}")]
    Gold { input: String, msg: String },
}

fn grammar_for(lang: &str) -> Option<std::sync::Arc<grammar::Grammar>> {
    grammar::grammar(lang).or_else(|| grammar::grammar("xx"))
}

/// Whether `lang` has its own temporal grammar (not only the neutral rules).
pub fn supports(lang: &str) -> bool {
    grammar::grammar(lang).is_some()
}

/// Find and normalise the temporal expressions of `text`.
///
/// `dct` is the document creation time (`YYYY-MM-DD` or a full ISO
/// date-time); when it is `None` or unparseable the date is estimated with
/// [`estimate_publication_date`], and failing that relative expressions get
/// underspecified values (`XXXX-09-14`, `XXXX-WXX-2`). `sentences` are the
/// sentence spans, e.g. from `newsgraph_lang::split_sentences` (used for
/// tense); when empty a cheap internal splitter is used. Offsets are byte
/// offsets into `text`.
pub fn annotate(text: &str, lang: &str, dct: Option<&str>, sentences: &[Span]) -> Vec<Timex> {
    let mut dct_date = dct.and_then(resolve::parse_dct);
    if dct_date.is_none() {
        dct_date = estimate_publication_date(text, lang)
            .as_deref()
            .and_then(resolve::parse_dct);
    }
    annotate_at(text, lang, dct_date, sentences)
}

fn annotate_at(
    text: &str,
    lang: &str,
    dct: Option<chrono::NaiveDate>,
    sentences: &[Span],
) -> Vec<Timex> {
    let Some(g) = grammar_for(lang) else {
        return Vec::new();
    };
    let owned;
    let sents: &[Span] = if sentences.is_empty() {
        owned = rough_sentences(text);
        &owned
    } else {
        sentences
    };
    engine::run(&g, text, dct, sents)
}

/// Cheap sentence spans for tense cues when the caller has none: breaks
/// at line ends and at `.`/`!`/`?` followed by a space and an upper-case
/// letter. (Ordinal dates "14. September" never break: the next word's case
/// is checked, and German nouns after ordinals are rare sentence starts in
/// practice compared to the cost of the full splitter.)
fn rough_sentences(text: &str) -> Vec<Span> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let brk = if c == b'\n'
            || matches!(c, b'.' | b'!' | b'?')
                && i > 0
                && !b[i - 1].is_ascii_digit()
                && text[i + 1..]
                    .trim_start_matches(['"', '\'', '”', '»', '“', '’'])
                    .starts_with(' ')
                && text[i + 1..]
                    .trim_start_matches(['"', '\'', '`', '“', '”', '„', '«', '»', '‘', '’', ' '])
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
        {
            Some(i + 1)
        } else {
            None
        };
        if let Some(e) = brk {
            if e > start {
                out.push(Span::new(start, e));
            }
            start = e;
        }
        i += 1;
    }
    if start < text.len() || out.is_empty() {
        out.push(Span::new(start, text.len()));
    }
    out
}

/// Parse a dated header line such as `Mittwoch 17 Januar 2024 19:47:09`
/// (several short lines may be joined with spaces) into `2024-01-17T19:47:09`
/// or `2024-01-17`. `None` when the line holds no full date or reads as
/// prose rather than a date line.
pub fn parse_date_line(line: &str, lang: &str) -> Option<String> {
    let line = line.trim();
    if line.is_empty() || line.len() > 200 {
        return None;
    }
    let g = grammar_for(lang)?;
    let tx = annotate_at(line, lang, None, &[Span::new(0, line.len())]);
    let mut date: Option<String> = None;
    let mut time: Option<String> = None;
    let mut covered = vec![false; line.len()];
    for t in &tx {
        let full = resolve::is_full_date(&t.value);
        if full && date.is_none() {
            date = Some(t.value.clone());
        } else if let Some(rest) = t.value.strip_prefix("XXXX-XX-XXT")
            && time.is_none()
        {
            time = Some(rest.to_string());
        } else {
            continue;
        }
        for c in covered.iter_mut().take(t.end).skip(t.start) {
            *c = true;
        }
    }
    let date = date?;
    // What is left must not be prose: few words outside the date.
    let mut leftover = 0;
    for (i, w) in line.split_word_bound_indices() {
        if covered.get(i).copied().unwrap_or(false) {
            continue;
        }
        if !w.chars().any(char::is_alphabetic) {
            continue;
        }
        let lw = w.to_lowercase();
        if g.dateline_words.binary_search(&lw).is_ok() || g.lookup("weekday", &lw).is_some() {
            continue;
        }
        leftover += 1;
    }
    if leftover > 3 {
        return None;
    }
    Some(match (date.contains('T'), time) {
        (false, Some(t)) => format!("{}T{t}", &date[..10]),
        _ => date,
    })
}

trait WordBounds {
    fn split_word_bound_indices(&self) -> Vec<(usize, &str)>;
}

impl WordBounds for str {
    /// Maximal runs of alphanumeric characters with their byte offsets.
    fn split_word_bound_indices(&self) -> Vec<(usize, &str)> {
        let mut out = Vec::new();
        let mut start = None;
        for (i, c) in self.char_indices() {
            if c.is_alphanumeric() {
                start.get_or_insert(i);
            } else if let Some(s) = start.take() {
                out.push((s, &self[s..i]));
            }
        }
        if let Some(s) = start {
            out.push((s, &self[s..]));
        }
        out
    }
}

/// Estimate when a text was published when the source does not say: a
/// dated header among the first lines, else the latest explicit full date
/// the text mentions outside future-tense clauses, else the latest day and
/// month given without a year, placed in the latest year the text mentions.
/// Callers mark the result `published_estimated`.
pub fn estimate_publication_date(text: &str, lang: &str) -> Option<String> {
    // 1. a header: windows of up to four consecutive short lines
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(14)
        .collect();
    for i in 0..lines.len() {
        for n in (1..=4).rev() {
            if i + n > lines.len() {
                continue;
            }
            let win = &lines[i..i + n];
            if win.iter().any(|l| l.len() > 80) {
                continue;
            }
            if let Some(d) = parse_date_line(&win.join(" "), lang) {
                return Some(d);
            }
        }
    }
    // 2. the body's own dates
    let tx = annotate_at(text, lang, None, &[]);
    let mut best_full: Option<&str> = None;
    let mut latest_year_month: Option<(i32, u32)> = None;
    let mut best_partial: Option<(u32, u32)> = None;
    for t in &tx {
        if t.typ != TimexType::Date && t.typ != TimexType::Time {
            continue;
        }
        let v = t.value.as_str();
        if resolve::is_full_date(v) {
            if best_full.is_none_or(|b| v[..10] > b[..10]) {
                best_full = Some(v);
            }
            continue;
        }
        if let Some(md) = v.strip_prefix("XXXX-")
            && md.len() >= 5
            && let (Ok(m), Ok(d)) = (md[..2].parse::<u32>(), md[3..5].parse::<u32>())
        {
            if best_partial.is_none_or(|b| (m, d) > b) {
                best_partial = Some((m, d));
            }
            continue;
        }
        if v.len() >= 4
            && let Ok(y) = v[..4].parse::<i32>()
        {
            let m = v.get(5..7).and_then(|s| s.parse::<u32>().ok()).unwrap_or(1);
            if latest_year_month.is_none_or(|b| (y, m) > b) {
                latest_year_month = Some((y, m));
            }
        }
    }
    if let Some(f) = best_full {
        return Some(f[..10].to_string());
    }
    // A day and month without a year ("am 14. September") only bounds the
    // date: the years a text mentions are mostly background ("seit 2019",
    // "im Dezember 2021"), so taking the next such day after the latest one
    // is wrong more often than right. Only a month-day whose year the text
    // itself states (a "September 2023" in the same text) is used.
    let (m, d) = best_partial?;
    let (y, lm) = latest_year_month?;
    if lm != m {
        return None;
    }
    chrono::NaiveDate::from_ymd_opt(y, m, d).map(|x| x.format("%Y-%m-%d").to_string())
}
