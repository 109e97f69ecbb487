//! Normalisation functions named in the rules' `value` templates, resolved
//! against the document creation time (DCT) and the sentence's tense.

use chrono::{Datelike, Duration, NaiveDate};

/// Tense of the clause around an expression, from the language's cue lexicons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tense {
    Past,
    Future,
    Unknown,
}

/// What a value is resolved against.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub dct: Option<NaiveDate>,
    pub tense: Tense,
}

/// Direction argument of `weekday`, `month`, `monthday`, `season`, `quarter`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    /// Strictly before the DCT ("last Monday").
    Last,
    /// Strictly after ("next Monday").
    Next,
    /// The one in the current unit ("this Monday", "this October").
    This,
    /// Decided by tense; nearest when unknown.
    Tense,
}

fn dir(s: &str) -> Option<Dir> {
    Some(match s.trim() {
        "-1" | "last" => Dir::Last,
        "+1" | "1" | "next" => Dir::Next,
        "0" | "this" => Dir::This,
        "" | "tense" => Dir::Tense,
        _ => return None,
    })
}

/// Evaluate a function call `name(args)`; `None` when the arguments are
/// not valid (the rule then does not apply).
pub fn call(name: &str, args: &[&str], ctx: &Ctx) -> Option<String> {
    let arg = |i: usize| args.get(i).map(|s| s.trim()).unwrap_or("");
    match name {
        "date" => date(arg(0), arg(1), arg(2), ctx),
        "year" => year_arg(arg(0), ctx).map(|y| format!("{y:04}")),
        "rel" => rel(arg(0), num_i(arg(1))?, ctx),
        "ago" => ago(arg(0), arg(1), -1, ctx),
        "later" => ago(arg(0), arg(1), 1, ctx),
        "weekday" => weekday(num_u(arg(0))?, dir(arg(1))?, ctx),
        "month" => month(num_u(arg(0))?, dir(arg(1))?, ctx),
        "season" => season(arg(0), dir(arg(1))?, ctx),
        "quarter" => part_of_year(num_u(arg(0))?, 4, "Q", dir(arg(1))?, ctx),
        "half" => part_of_year(num_u(arg(0))?, 2, "H", dir(arg(1))?, ctx),
        "dur" => dur(arg(0), arg(1)),
        "weekend" => {
            let Some(dct) = ctx.dct else {
                return Some("XXXX-WXX-WE".into());
            };
            let wd = dct.weekday().number_from_monday() as i64;
            let future = ctx.tense == Tense::Future || arg(0) == "next";
            let d = if wd >= 6 {
                dct
            } else if future {
                dct + Duration::days(6 - wd)
            } else {
                dct - Duration::days(wd + 1)
            };
            let w = d.iso_week();
            Some(format!("{:04}-W{:02}-WE", w.year(), w.week()))
        }
        "time" => time(arg(0), arg(1), arg(2), arg(3), ctx),
        // the time-of-day part alone, to follow a date call
        "clock" => time(arg(0), arg(1), arg(2), arg(3), ctx)
            .and_then(|v| v.find('T').map(|i| v[i..].to_string())),
        "decade" => decade(arg(0), ctx),
        "century" => {
            let n = num_u(arg(0))?;
            (1..=30).contains(&n).then(|| format!("{:02}", n - 1))
        }
        "weekofyear" => {
            let w = num_u(arg(0))?;
            let y = if arg(1).is_empty() {
                ctx.dct.map(|d| d.year())
            } else {
                year_arg(arg(1), ctx)
            };
            (1..=53).contains(&w).then(|| match y {
                Some(y) => format!("{y:04}-W{w:02}"),
                None => format!("XXXX-W{w:02}"),
            })
        }
        _ => None,
    }
}

fn num_i(s: &str) -> Option<i64> {
    s.trim().trim_start_matches('+').parse().ok()
}

fn num_u(s: &str) -> Option<u32> {
    s.trim().parse().ok()
}

/// A year argument: four digits, or two digits ('98, 05) expanded to the
/// century that puts it within 80 years before / 20 after the DCT.
fn year_arg(s: &str, ctx: &Ctx) -> Option<i32> {
    let t = s.trim().trim_start_matches(['\'', '’']);
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i32 = t.parse().ok()?;
    if t.len() == 4 {
        return Some(n);
    }
    if t.len() == 2 {
        let base = ctx.dct.map(|d| d.year()).unwrap_or(2000);
        let c = base / 100 * 100 + n;
        return Some(if c > base + 20 { c - 100 } else { c });
    }
    None
}

fn fmt_date(d: NaiveDate) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// `date(y, m, d)`: any part may be empty; a missing year is inferred.
fn date(y: &str, m: &str, d: &str, ctx: &Ctx) -> Option<String> {
    let mon = if m.is_empty() { None } else { Some(num_u(m)?) };
    let day = if d.is_empty() { None } else { Some(num_u(d)?) };
    if let Some(mm) = mon
        && !(1..=12).contains(&mm)
    {
        return None;
    }
    if let Some(dd) = day
        && !(1..=31).contains(&dd)
    {
        return None;
    }
    let year = if y.is_empty() {
        None
    } else {
        Some(year_arg(y, ctx)?)
    };
    match (year, mon, day) {
        (Some(y), Some(m), Some(d)) => NaiveDate::from_ymd_opt(y, m, d).map(fmt_date),
        (Some(y), Some(m), None) => Some(format!("{y:04}-{m:02}")),
        (Some(y), None, None) => Some(format!("{y:04}")),
        (None, Some(m), Some(d)) => {
            // validity in a leap year
            NaiveDate::from_ymd_opt(2000, m, d)?;
            let Some(dct) = ctx.dct else {
                return Some(format!("XXXX-{m:02}-{d:02}"));
            };
            let cands: Vec<NaiveDate> = (dct.year() - 1..=dct.year() + 1)
                .filter_map(|y| NaiveDate::from_ymd_opt(y, m, d))
                .collect();
            let near = |c: &NaiveDate| (*c - dct).num_days();
            let nearest = cands.iter().min_by_key(|c| near(c).abs()).copied();
            // Tense picks the side of the DCT, unless that puts the date
            // most of a year away while the other side is close (tense
            // cues are noisy; deadlines read "until Nov. 20").
            let by_tense = match ctx.tense {
                Tense::Past => cands.iter().rev().find(|c| near(c) <= 2).copied(),
                Tense::Future => cands.iter().find(|c| near(c) >= -2).copied(),
                Tense::Unknown => None,
            };
            let pick = match (by_tense, nearest) {
                (Some(t), Some(n)) if near(&t).abs() > 270 && near(&n).abs() <= 92 => n,
                (Some(t), _) => t,
                (None, Some(n)) => n,
                (None, None) => return None,
            };
            Some(fmt_date(pick))
        }
        (None, Some(m), None) => month(m, Dir::Tense, ctx),
        _ => None,
    }
}

/// Offset the DCT by `n` units and print at that unit's granularity.
fn rel(unit: &str, n: i64, ctx: &Ctx) -> Option<String> {
    let Some(dct) = ctx.dct else {
        return Some(match unit {
            "D" => "XXXX-XX-XX".into(),
            "W" | "WE" => "XXXX-WXX".into(),
            "M" => "XXXX-XX".into(),
            "Q" => "XXXX-QX".into(),
            "H" => "XXXX-HX".into(),
            "Y" => "XXXX".into(),
            "DE" => "XXX".into(),
            "CE" => "XX".into(),
            _ => return None,
        });
    };
    let n32 = i32::try_from(n).ok()?;
    Some(match unit {
        "D" => fmt_date(dct.checked_add_signed(Duration::days(n))?),
        "W" | "WE" => {
            // Said on a Sunday, "last week" is the week ending that day.
            let n = if n < 0 && dct.weekday() == chrono::Weekday::Sun {
                n + 1
            } else {
                n
            };
            let d = dct.checked_add_signed(Duration::weeks(n))?;
            let w = d.iso_week();
            let base = format!("{:04}-W{:02}", w.year(), w.week());
            if unit == "WE" {
                format!("{base}-WE")
            } else {
                base
            }
        }
        "M" => {
            let total = dct.year() * 12 + dct.month0() as i32 + n32;
            format!(
                "{:04}-{:02}",
                total.div_euclid(12),
                total.rem_euclid(12) + 1
            )
        }
        "Q" => {
            let total = dct.year() * 4 + (dct.month0() / 3) as i32 + n32;
            format!("{:04}-Q{}", total.div_euclid(4), total.rem_euclid(4) + 1)
        }
        "H" => {
            let total = dct.year() * 2 + (dct.month0() / 6) as i32 + n32;
            format!("{:04}-H{}", total.div_euclid(2), total.rem_euclid(2) + 1)
        }
        "Y" => format!("{:04}", dct.year() + n32),
        "DE" => format!("{:03}", dct.year() / 10 + n32),
        "CE" => format!("{:02}", dct.year() / 100 + n32),
        _ => return None,
    })
}

/// `ago(unit, n)`: "vor zwei Jahren", "two years ago"; an unknown count
/// ("several years ago") is `PAST_REF` / `FUTURE_REF`.
fn ago(unit: &str, n: &str, sign: i64, ctx: &Ctx) -> Option<String> {
    let unit = unit.trim();
    match n.trim().parse::<f64>() {
        Ok(v) if v.fract() == 0.0 => {
            let v = v as i64;
            match unit {
                "TH" | "TM" | "TS" => time_offset(unit, v * sign, ctx),
                _ => rel(unit, v * sign, ctx),
            }
        }
        Ok(v) if unit == "Y" => rel("M", (v * 12.0).round() as i64 * sign, ctx),
        _ => Some(if sign < 0 { "PAST_REF" } else { "FUTURE_REF" }.into()),
    }
}

fn time_offset(unit: &str, n: i64, ctx: &Ctx) -> Option<String> {
    // Without a DCT time of day we can only say which day it is.
    let dct = ctx.dct?;
    let hours = match unit {
        "TH" => n,
        "TM" => n / 60,
        _ => n / 3600,
    };
    let days = if hours.abs() >= 24 { hours / 24 } else { 0 };
    if days == 0 {
        return Some(if n < 0 { "PAST_REF" } else { "FUTURE_REF" }.into());
    }
    Some(fmt_date(dct.checked_add_signed(Duration::days(days))?))
}

fn weekday(n: u32, d: Dir, ctx: &Ctx) -> Option<String> {
    if !(1..=7).contains(&n) {
        return None;
    }
    let Some(dct) = ctx.dct else {
        return Some(format!("XXXX-WXX-{n}"));
    };
    let today = dct.weekday().number_from_monday() as i64;
    let target = n as i64;
    // offset to the same-week day, and to the previous / next occurrences
    let back = (today - target).rem_euclid(7); // 0..6 days back (0 = today)
    let fwd = (target - today).rem_euclid(7);
    let off = match d {
        Dir::Last => -(if back == 0 { 7 } else { back }),
        Dir::Next => {
            if fwd == 0 {
                7
            } else {
                fwd
            }
        }
        Dir::This => target - today,
        Dir::Tense => match ctx.tense {
            Tense::Past => -back,
            Tense::Future => {
                if fwd == 0 {
                    7
                } else {
                    fwd
                }
            }
            Tense::Unknown => {
                if back <= 3 {
                    -back
                } else {
                    fwd
                }
            }
        },
    };
    Some(fmt_date(dct.checked_add_signed(Duration::days(off))?))
}

fn month(m: u32, d: Dir, ctx: &Ctx) -> Option<String> {
    if !(1..=12).contains(&m) {
        return None;
    }
    let Some(dct) = ctx.dct else {
        return Some(format!("XXXX-{m:02}"));
    };
    let cur = dct.month() as i32;
    let m = m as i32;
    let y = dct.year();
    let year = match d {
        Dir::Last => {
            if m < cur {
                y
            } else {
                y - 1
            }
        }
        Dir::Next => {
            if m > cur {
                y
            } else {
                y + 1
            }
        }
        Dir::This => y,
        Dir::Tense => match ctx.tense {
            // as for dates: a month 9+ months back when the same month is
            // at most 3 ahead is more likely meant ahead
            Tense::Past => {
                if m <= cur || m - cur <= 3 {
                    y
                } else {
                    y - 1
                }
            }
            Tense::Future => {
                if m >= cur || cur - m <= 3 {
                    y
                } else {
                    y + 1
                }
            }
            Tense::Unknown => {
                let diff = m - cur;
                if diff > 6 {
                    y - 1
                } else if diff < -6 {
                    y + 1
                } else {
                    y
                }
            }
        },
    };
    Some(format!("{year:04}-{m:02}"))
}

fn season_index(code: &str) -> Option<i32> {
    Some(match code {
        "SP" => 0,
        "SU" => 1,
        "FA" => 2,
        "WI" => 3,
        _ => return None,
    })
}

fn season(code: &str, d: Dir, ctx: &Ctx) -> Option<String> {
    let s = season_index(code.trim())?;
    let Some(dct) = ctx.dct else {
        return Some(format!("XXXX-{}", code.trim()));
    };
    // current season: Mar–May SP, Jun–Aug SU, Sep–Nov FA, Dec–Feb WI
    // (January and February belong to the winter that began the year before)
    let m = dct.month();
    let (cur, cur_year) = match m {
        3..=5 => (0, dct.year()),
        6..=8 => (1, dct.year()),
        9..=11 => (2, dct.year()),
        12 => (3, dct.year()),
        _ => (3, dct.year() - 1),
    };
    let idx_now = cur_year * 4 + cur;
    let this = cur_year * 4 + s;
    let pick = match d {
        Dir::Last => {
            if this < idx_now {
                this
            } else {
                this - 4
            }
        }
        Dir::Next => {
            if this > idx_now {
                this
            } else {
                this + 4
            }
        }
        Dir::This => this,
        Dir::Tense => match ctx.tense {
            Tense::Past => {
                if this <= idx_now {
                    this
                } else {
                    this - 4
                }
            }
            Tense::Future => {
                if this >= idx_now {
                    this
                } else {
                    this + 4
                }
            }
            Tense::Unknown => this,
        },
    };
    Some(format!("{:04}-{}", pick.div_euclid(4), code.trim()))
}

fn part_of_year(n: u32, parts: u32, code: &str, d: Dir, ctx: &Ctx) -> Option<String> {
    if !(1..=parts).contains(&n) {
        return None;
    }
    let Some(dct) = ctx.dct else {
        return Some(format!("XXXX-{code}{n}"));
    };
    let cur = dct.month0() / (12 / parts) + 1;
    let y = dct.year();
    let year = match d {
        Dir::Last => {
            if n < cur {
                y
            } else {
                y - 1
            }
        }
        Dir::Next => {
            if n > cur {
                y
            } else {
                y + 1
            }
        }
        Dir::This => y,
        Dir::Tense => match ctx.tense {
            Tense::Future => {
                if n + 1 >= cur {
                    y
                } else {
                    y + 1
                }
            }
            // reported results: a later part of the year than now is last year's
            _ => {
                if n <= cur {
                    y
                } else {
                    y - 1
                }
            }
        },
    };
    Some(format!("{year:04}-{code}{n}"))
}

/// `dur(n, unit)`: ISO 8601 duration. Units: D W M Y Q DE CE (date part),
/// TH TM TS (time part: hours, minutes, seconds). `n` may be `X`.
fn dur(n: &str, unit: &str) -> Option<String> {
    let unit = unit.trim();
    let n = n.trim();
    let (time, u) = match unit {
        "TH" => (true, "H"),
        "TM" => (true, "M"),
        "TS" => (true, "S"),
        "D" | "W" | "M" | "Y" | "Q" | "DE" | "CE" => (false, unit),
        _ => return None,
    };
    let num = if n == "X" {
        "X".to_string()
    } else {
        let v: f64 = n.parse().ok()?;
        if v < 0.0 {
            return None;
        }
        if v.fract() == 0.0 {
            format!("{}", v as i64)
        } else {
            // half units: 1.5 years = 18 months, 0.5 hours = 30 minutes
            let (sub, factor) = match u {
                "Y" if !time => ("M", 12.0),
                "D" if !time => ("TH", 24.0),
                "H" => ("TM", 60.0),
                "M" if time => ("TS", 60.0),
                "W" => ("D", 7.0),
                _ => ("", 0.0),
            };
            let w = v * factor;
            if factor > 0.0 && w.fract() == 0.0 {
                return dur(&format!("{}", w as i64), sub);
            }
            format!("{v}")
        }
    };
    Some(if time {
        format!("PT{num}{u}")
    } else {
        format!("P{num}{u}")
    })
}

/// `time(h, m, s, ampm)` on the DCT day. `ampm` is `AM`, `PM` or empty.
fn time(h: &str, m: &str, s: &str, ampm: &str, ctx: &Ctx) -> Option<String> {
    let mut hh: u32 = h.trim().parse().ok()?;
    let mm: Option<u32> = if m.trim().is_empty() {
        None
    } else {
        Some(m.trim().parse().ok()?)
    };
    let ss: Option<u32> = if s.trim().is_empty() {
        None
    } else {
        Some(s.trim().parse().ok()?)
    };
    match ampm.trim() {
        "PM" => {
            if !(1..=12).contains(&hh) {
                return None;
            }
            if hh < 12 {
                hh += 12;
            }
        }
        "AM" => {
            if !(1..=12).contains(&hh) {
                return None;
            }
            if hh == 12 {
                hh = 0;
            }
        }
        _ => {}
    }
    if hh > 24 || mm.is_some_and(|v| v > 59) || ss.is_some_and(|v| v > 60) {
        return None;
    }
    let day = ctx.dct.map(fmt_date).unwrap_or_else(|| "XXXX-XX-XX".into());
    Some(match (mm, ss) {
        (Some(m), Some(s)) => format!("{day}T{hh:02}:{m:02}:{s:02}"),
        (Some(m), None) => format!("{day}T{hh:02}:{m:02}"),
        _ => format!("{day}T{hh:02}:00"),
    })
}

/// `decade(1990)` / `decade(90)` → `199`.
fn decade(s: &str, ctx: &Ctx) -> Option<String> {
    let t = s.trim().trim_start_matches(['\'', '’']);
    let n: i32 = t.parse().ok()?;
    let y = match t.len() {
        4 => n,
        2 => {
            let base = ctx.dct.map(|d| d.year()).unwrap_or(2000);
            let c = base / 100 * 100 + n;
            if c > base { c - 100 } else { c }
        }
        _ => return None,
    };
    (y % 10 == 0).then(|| format!("{:03}", y / 10))
}

/// Whether `v` is a fully specified calendar date `YYYY-MM-DD`.
pub fn is_full_date(v: &str) -> bool {
    v.len() >= 10 && NaiveDate::parse_from_str(&v[..10], "%Y-%m-%d").is_ok()
}

/// Parse a DCT given as `YYYY-MM-DD` or a full ISO date-time.
pub fn parse_dct(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    let head = t.get(..10)?;
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(d: &str, t: Tense) -> Ctx {
        Ctx {
            dct: parse_dct(d),
            tense: t,
        }
    }

    #[test]
    fn weekday_by_tense() {
        // 2024-01-17 is a Wednesday
        let p = ctx("2024-01-17", Tense::Past);
        assert_eq!(
            call("weekday", &["2", "tense"], &p).as_deref(),
            Some("2024-01-16")
        );
        assert_eq!(
            call("weekday", &["3", "tense"], &p).as_deref(),
            Some("2024-01-17")
        );
        let f = ctx("2024-01-17", Tense::Future);
        assert_eq!(
            call("weekday", &["1", "tense"], &f).as_deref(),
            Some("2024-01-22")
        );
        assert_eq!(
            call("weekday", &["1", "+1"], &p).as_deref(),
            Some("2024-01-22")
        );
        assert_eq!(
            call("weekday", &["3", "-1"], &p).as_deref(),
            Some("2024-01-10")
        );
        let u = ctx("2024-01-17", Tense::Unknown);
        assert_eq!(
            call("weekday", &["5", "tense"], &u).as_deref(),
            Some("2024-01-19")
        );
        assert_eq!(
            call("weekday", &["1", "tense"], &u).as_deref(),
            Some("2024-01-15")
        );
    }

    #[test]
    fn months_and_years() {
        let u = ctx("2023-09-20", Tense::Unknown);
        assert_eq!(
            call("month", &["10", "tense"], &u).as_deref(),
            Some("2023-10")
        );
        assert_eq!(call("month", &["9", "-1"], &u).as_deref(), Some("2022-09"));
        let j = ctx("2024-01-17", Tense::Unknown);
        assert_eq!(call("month", &["9", "-1"], &j).as_deref(), Some("2023-09"));
        assert_eq!(
            call("month", &["12", "tense"], &j).as_deref(),
            Some("2023-12")
        );
        let f = ctx("2024-01-17", Tense::Future);
        assert_eq!(call("month", &["1", "+1"], &f).as_deref(), Some("2025-01"));
        assert_eq!(
            call("date", &["", "9", "14"], &u).as_deref(),
            Some("2023-09-14")
        );
        let p = ctx("2024-01-17", Tense::Past);
        assert_eq!(
            call("date", &["", "9", "14"], &p).as_deref(),
            Some("2023-09-14")
        );
        assert_eq!(
            call("date", &["24", "4", "3"], &p).as_deref(),
            Some("2024-04-03")
        );
        assert_eq!(call("date", &["2023", "2", "30"], &p), None);
        assert_eq!(call("year", &["'98"], &p).as_deref(), Some("1998"));
    }

    #[test]
    fn relative_units() {
        let c = ctx("2024-01-17", Tense::Unknown);
        assert_eq!(call("rel", &["W", "-1"], &c).as_deref(), Some("2024-W02"));
        assert_eq!(call("rel", &["D", "-1"], &c).as_deref(), Some("2024-01-16"));
        assert_eq!(call("rel", &["Y", "-1"], &c).as_deref(), Some("2023"));
        assert_eq!(call("rel", &["M", "-1"], &c).as_deref(), Some("2023-12"));
        assert_eq!(call("rel", &["Q", "-1"], &c).as_deref(), Some("2023-Q4"));
        assert_eq!(call("rel", &["DE", "-1"], &c).as_deref(), Some("201"));
        assert_eq!(call("ago", &["Y", "2"], &c).as_deref(), Some("2022"));
        assert_eq!(call("ago", &["Y", "X"], &c).as_deref(), Some("PAST_REF"));
        assert_eq!(
            call("later", &["D", "3"], &c).as_deref(),
            Some("2024-01-20")
        );
    }

    #[test]
    fn seasons_quarters_decades() {
        let c = ctx("2024-01-17", Tense::Past);
        assert_eq!(
            call("season", &["SU", "tense"], &c).as_deref(),
            Some("2023-SU")
        );
        assert_eq!(
            call("season", &["SU", "next"], &c).as_deref(),
            Some("2024-SU")
        );
        assert_eq!(
            call("quarter", &["4", "tense"], &c).as_deref(),
            Some("2023-Q4")
        );
        assert_eq!(call("decade", &["1990"], &c).as_deref(), Some("199"));
        assert_eq!(call("decade", &["90"], &c).as_deref(), Some("199"));
        assert_eq!(call("century", &["20"], &c).as_deref(), Some("19"));
    }

    #[test]
    fn durations_and_times() {
        let c = ctx("2024-01-17", Tense::Past);
        assert_eq!(call("dur", &["18", "M"], &c).as_deref(), Some("P18M"));
        assert_eq!(call("dur", &["1.5", "Y"], &c).as_deref(), Some("P18M"));
        assert_eq!(call("dur", &["5", "TH"], &c).as_deref(), Some("PT5H"));
        assert_eq!(call("dur", &["0.5", "TH"], &c).as_deref(), Some("PT30M"));
        assert_eq!(call("dur", &["X", "Y"], &c).as_deref(), Some("PXY"));
        assert_eq!(
            call("time", &["7", "15", "", "PM"], &c).as_deref(),
            Some("2024-01-17T19:15")
        );
        assert_eq!(call("time", &["13", "", "", "PM"], &c), None);
    }
}
