//! Publication dates: normalising dates given by sources (RFC 3339,
//! RFC 2822, plain ISO), recognising dateline lines in a header block, and
//! parsing datelines through `newsgraph-time` ([`parse_dateline`]).
//!
//! Month and weekday names are not kept here: the line classifier reads the
//! `month`, `month_abbr` and `weekday` lexicons of every language's
//! `data/lang/<code>/time.toml` (the resource of `newsgraph-time`), and the
//! date itself is read by `newsgraph_time::parse_date_line` with the
//! article language's grammar.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::HashSet;
use std::sync::OnceLock;

/// Lower-cased month and weekday names of every language with a
/// `time.toml` (the lexicons `newsgraph-time` parses dates with).
struct Names {
    months: HashSet<String>,
    weekdays: HashSet<String>,
    /// Length in bytes of the longest month name (case folding can change
    /// a word's length by a few bytes; the margin covers it).
    month_max_bytes: usize,
}

fn names() -> &'static Names {
    static N: OnceLock<Names> = OnceLock::new();
    N.get_or_init(|| {
        let mut months = HashSet::new();
        let mut weekdays = HashSet::new();
        for lang in newsgraph_lang::languages() {
            let Some(src) = newsgraph_lang::resource(lang, newsgraph_time::RESOURCE) else {
                continue;
            };
            // A file that does not parse is reported by newsgraph-time; here
            // it only means fewer names.
            let Ok(doc) = src.parse::<toml::Table>() else {
                continue;
            };
            let Some(lex) = doc.get("lexicon").and_then(|v| v.as_table()) else {
                continue;
            };
            for (table, weekday) in [("month", false), ("month_abbr", false), ("weekday", true)] {
                if let Some(t) = lex.get(table).and_then(|v| v.as_table()) {
                    let set = if weekday { &mut weekdays } else { &mut months };
                    set.extend(t.keys().map(|k| k.to_lowercase()));
                }
            }
        }
        let month_max_bytes = months.iter().map(|m| m.len() + 8).max().unwrap_or(0);
        Names {
            months,
            weekdays,
            month_max_bytes,
        }
    })
}

/// ASCII words up to this length are lower-cased on the stack.
const STACK_WORD_BYTES: usize = 32;

fn is_month(tok: &str) -> bool {
    let t = tok.trim_end_matches('.');
    let n = names();
    if t.len() > n.month_max_bytes || t.is_empty() {
        return false;
    }
    if t.is_ascii() && t.len() <= STACK_WORD_BYTES {
        // Lower-cased on the stack: this runs on every word of a text.
        let mut buf = [0u8; STACK_WORD_BYTES];
        let b = &mut buf[..t.len()];
        b.copy_from_slice(t.as_bytes());
        b.make_ascii_lowercase();
        return std::str::from_utf8(b).is_ok_and(|s| n.months.contains(s));
    }
    n.months.contains(&t.to_lowercase())
}

/// True when `word` is a month name or abbreviation (a trailing `.`
/// ignored, any case) in any language with a `time.toml`.
pub fn is_month_name(word: &str) -> bool {
    is_month(word)
}

/// True when `tok` names a weekday (full names, or abbreviations of 3+ letters).
pub(crate) fn is_weekday(tok: &str) -> bool {
    let t = tok.trim_end_matches([',', '.']).to_lowercase();
    t.chars().count() >= 3 && names().weekdays.contains(&t)
}

/// Normalises a machine-readable date given by a source to ISO 8601
/// (`YYYY-MM-DD` or an RFC 3339 date-time); `None` when it is not one
/// (written dates such as "17. Januar 2024" need a language: see
/// [`parse_dateline`]).
pub fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.to_rfc3339());
    }
    if let Ok(d) = DateTime::parse_from_rfc2822(s) {
        return Some(d.to_rfc3339());
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
            return Some(d.format("%Y-%m-%dT%H:%M:%S").to_string());
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%z",
        "%Y-%m-%dT%H:%M%:z",
    ] {
        if let Ok(d) = DateTime::parse_from_str(s, f) {
            return Some(d.to_rfc3339());
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    None
}

fn tokens(s: &str) -> Vec<&str> {
    s.split(|c: char| c.is_whitespace() || c == ',' || c == '|')
        .map(|t| t.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '-' | '–' | '—')))
        .filter(|t| !t.is_empty())
        .collect()
}

fn parse_time(tok: &str) -> Option<NaiveTime> {
    let t = tok.trim_end_matches(['.', ',']);
    NaiveTime::parse_from_str(t, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(t, "%H:%M"))
        .or_else(|_| NaiveTime::parse_from_str(t, "%H.%M"))
        .ok()
}

fn parse_num(tok: &str) -> Option<u32> {
    let t = tok.trim_end_matches(['.', ',']);
    if t.is_empty() || t.len() > 4 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// What one token of a dateline is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Weekday,
    Month,
    Num(u32),
    Time(NaiveTime),
    Date(NaiveDate),
    Filler,
    Other,
}

fn classify(tok: &str) -> Tok {
    if is_weekday(tok) {
        return Tok::Weekday;
    }
    if is_month(tok) {
        return Tok::Month;
    }
    if let Some(n) = parse_num(tok) {
        return Tok::Num(n);
    }
    if let Some(t) = parse_time(tok) {
        return Tok::Time(t);
    }
    let t = tok.trim_end_matches(['.', ',']);
    for f in ["%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(t, f) {
            return Tok::Date(d);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(t.get(..10).unwrap_or(""), "%Y-%m-%d") {
        return Tok::Date(d);
    }
    let short = t.chars().count() <= 3 && t.chars().all(|c| c.is_alphabetic());
    if short || matches!(t, "" | ":" | "·" | "•") {
        Tok::Filler
    } else {
        Tok::Other
    }
}

/// True when a line is made only of date parts (weekday, month names,
/// numbers, times, short fillers such as "um", "kl.", "Uhr") and has at least
/// one strong date part.
pub(crate) fn is_dateline(line: &str) -> bool {
    let toks = tokens(line);
    if toks.is_empty() || toks.len() > 8 {
        return false;
    }
    let kinds: Vec<Tok> = toks.iter().map(|t| classify(t)).collect();
    if kinds.contains(&Tok::Other) {
        return false;
    }
    let strong = kinds
        .iter()
        .any(|k| matches!(k, Tok::Weekday | Tok::Month | Tok::Time(_) | Tok::Date(_)));
    let all_filler = kinds.iter().all(|k| matches!(k, Tok::Filler | Tok::Num(_)));
    strong && !all_filler
}

/// Parses a dateline such as "Mittwoch 17 Januar 2024 19:47:09",
/// "17. januar 2024 kl. 10.15", "January 17, 2024" or "17.01.2024" into
/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`, with `newsgraph-time`'s grammar of
/// `lang` first, then of every other language that has one (a dateline
/// need not be in the language of the text). Lines are joined with spaces.
pub fn parse_dateline(s: &str, lang: Option<&str>) -> Option<String> {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let found = match lang.and_then(|l| newsgraph_time::parse_date_line(&joined, l)) {
        Some(d) => Some(d),
        None => newsgraph_lang::languages()
            .into_iter()
            .filter(|l| Some(*l) != lang && newsgraph_time::supports(l))
            .find_map(|l| newsgraph_time::parse_date_line(&joined, l)),
    }?;
    // TIMEX values give minutes only ("…T10:15"); sources' date-times
    // are normalised with seconds.
    Some(
        match NaiveDateTime::parse_from_str(&found, "%Y-%m-%dT%H:%M") {
            Ok(dt) => dt.format("%Y-%m-%dT%H:%M:%S").to_string(),
            Err(_) => found,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines() {
        assert_eq!(
            parse_dateline("Mittwoch\n17 Januar 2024\n19:47:09", Some("de")).as_deref(),
            Some("2024-01-17T19:47:09")
        );
        assert_eq!(
            parse_dateline("17. januar 2024 kl. 10.15", Some("nb")).as_deref(),
            Some("2024-01-17T10:15:00")
        );
        assert_eq!(
            parse_dateline("January 17, 2024", None).as_deref(),
            Some("2024-01-17")
        );
        assert_eq!(
            parse_dateline("17.01.2024", Some("de")).as_deref(),
            Some("2024-01-17")
        );
        assert_eq!(parse_dateline("Putin sprach mit Kim", Some("de")), None);
        assert!(is_dateline("Mittwoch"));
        assert!(is_dateline("17 Januar 2024"));
        assert!(is_dateline("19:47:09"));
        assert!(!is_dateline("1430217"));
        assert!(!is_dateline("Moskau trifft Putin"));
    }

    #[test]
    fn source_dates() {
        assert_eq!(
            normalize_date("Wed, 17 Jan 2024 19:47:09 +0100").as_deref(),
            Some("2024-01-17T19:47:09+01:00")
        );
        assert_eq!(normalize_date("2024-01-17").as_deref(), Some("2024-01-17"));
        assert_eq!(
            normalize_date("2024-01-17 08:00:00").as_deref(),
            Some("2024-01-17T08:00:00")
        );
        assert_eq!(normalize_date("gestern"), None);
    }
}
