//! Publication dates: normalising dates given by sources (RFC 3339,
//! RFC 2822, plain ISO) and parsing datelines written with month and
//! weekday names read from `data/lang/<code>/ingest-months.txt` and
//! `ingest-weekdays.txt` (all languages at once).

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime};
use std::collections::HashMap;
use std::sync::OnceLock;

struct Names {
    months: HashMap<String, u32>,
    weekdays: HashMap<String, u32>,
}

fn names() -> &'static Names {
    static N: OnceLock<Names> = OnceLock::new();
    N.get_or_init(|| {
        let mut months = HashMap::new();
        let mut weekdays = HashMap::new();
        for lang in newsgraph_lang::languages() {
            for (file, map) in [
                ("ingest-months.txt", &mut months),
                ("ingest-weekdays.txt", &mut weekdays),
            ] {
                for line in newsgraph_lang::lines(lang, file) {
                    let mut it = line.split_whitespace();
                    let Some(Ok(n)) = it.next().map(str::parse::<u32>) else {
                        continue;
                    };
                    for name in it {
                        map.entry(name.to_lowercase()).or_insert(n);
                    }
                }
            }
        }
        Names { months, weekdays }
    })
}

fn month_of(tok: &str) -> Option<u32> {
    names()
        .months
        .get(&tok.trim_end_matches('.').to_lowercase())
        .copied()
}

/// True when `tok` names a weekday (full names, or abbreviations of 3+ letters).
pub(crate) fn is_weekday(tok: &str) -> bool {
    let t = tok.trim_end_matches([',', '.']).to_lowercase();
    t.chars().count() >= 3 && names().weekdays.contains_key(&t)
}

/// Normalises a date given by a source to ISO 8601 (`YYYY-MM-DD` or an
/// RFC 3339 date-time); `None` when it cannot be read.
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
    parse_dateline(s)
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
    Month(u32),
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
    if let Some(m) = month_of(tok) {
        return Tok::Month(m);
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
    let strong = kinds.iter().any(|k| {
        matches!(
            k,
            Tok::Weekday | Tok::Month(_) | Tok::Time(_) | Tok::Date(_)
        )
    });
    let all_filler = kinds.iter().all(|k| matches!(k, Tok::Filler | Tok::Num(_)));
    strong && !all_filler
}

/// Parses a dateline such as "Mittwoch 17 Januar 2024 19:47:09",
/// "17. januar 2024 kl. 10.15", "January 17, 2024" or "17.01.2024" into
/// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`.
pub fn parse_dateline(s: &str) -> Option<String> {
    let kinds: Vec<Tok> = tokens(s).iter().map(|t| classify(t)).collect();
    let mut date: Option<NaiveDate> = kinds.iter().find_map(|k| match k {
        Tok::Date(d) => Some(*d),
        _ => None,
    });
    if date.is_none() {
        for (i, k) in kinds.iter().enumerate() {
            let Tok::Month(m) = *k else { continue };
            let num = |j: Option<usize>| match j.and_then(|j| kinds.get(j)) {
                Some(Tok::Num(n)) => Some(*n),
                _ => None,
            };
            let before = num(i.checked_sub(1));
            let after = num(Some(i + 1));
            let after2 = num(Some(i + 2));
            let (day, year) = match (before, after, after2) {
                (Some(d), Some(y), _) if (1..=31).contains(&d) && y >= 1900 => (d, y),
                (_, Some(d), Some(y)) if (1..=31).contains(&d) && y >= 1900 => (d, y),
                _ => continue,
            };
            date = NaiveDate::from_ymd_opt(year as i32, m, day);
            if date.is_some() {
                break;
            }
        }
    }
    let date = date?;
    let time = kinds.iter().find_map(|k| match k {
        Tok::Time(t) => Some(*t),
        _ => None,
    });
    Some(match time {
        Some(t) => date.and_time(t).format("%Y-%m-%dT%H:%M:%S").to_string(),
        None => date.format("%Y-%m-%d").to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines() {
        assert_eq!(
            parse_dateline("Mittwoch\n17 Januar 2024\n19:47:09").as_deref(),
            Some("2024-01-17T19:47:09")
        );
        assert_eq!(
            parse_dateline("17. januar 2024 kl. 10.15").as_deref(),
            Some("2024-01-17T10:15:00")
        );
        assert_eq!(
            parse_dateline("January 17, 2024").as_deref(),
            Some("2024-01-17")
        );
        assert_eq!(parse_dateline("17.01.2024").as_deref(), Some("2024-01-17"));
        assert_eq!(parse_dateline("Putin sprach mit Kim"), None);
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
