//! Publication dates of undated articles, estimated from the article and
//! its related articles (its story and storyline siblings).
//!
//! A news text without a dateline still pins its date down: the days it
//! reports on ("am 14. September", "on Tuesday", "last week") resolve, for
//! a candidate publication date, to calendar days, and the right date is
//! the one under which those days coincide with what the related articles
//! date (the days a dated sibling reports, months and years the group names
//! explicitly: "im September 2023") and lie just before it (news is fresh).
//! Nothing here is language-specific: the resolution is the temporal
//! grammar's, so the same evidence works in every language it covers.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate};
use newsgraph_model::{Timex, TimexType};

/// One article of a group given to [`estimate_group`].
#[derive(Debug, Clone, Copy)]
pub struct GroupMember<'a> {
    /// The clean text.
    pub text: &'a str,
    /// Language code.
    pub lang: &'a str,
    /// The publication date (`YYYY-MM-DD` or full ISO) when the source gave
    /// it: a dated article is evidence for the others and is never
    /// re-dated. `None` (or unparseable) to estimate.
    pub published: Option<&'a str>,
}

/// An estimated publication date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// `YYYY-MM-DD`.
    pub date: NaiveDate,
    /// Evidence score: agreeing references minus staleness; above 0.
    pub score: f64,
}

/// Weight of a resolved day that a related article dates too.
const SAME_DAY: f64 = 1.0;
/// Weight of a resolved week holding a day a related article dates.
const SAME_WEEK: f64 = 0.5;
/// Weight of a resolved day or month in a month the group names.
const SAME_MONTH: f64 = 0.3;
/// Penalty per day between the latest reported day and the publication.
const STALE_PER_DAY: f64 = 0.02;
/// Penalty per day for a reported day just after the date.
const AHEAD_PER_DAY: f64 = 0.05;
/// Penalty per day between the earliest reported day (of the last 30) and
/// the date: the reported days cluster just before publication.
const SPREAD_PER_DAY: f64 = 0.005;
/// At most this many candidate days are scored per article.
const MAX_CANDIDATES: usize = 200;
/// At most this many undated members of one group are estimated (the
/// greedy rounds cost members² × candidates annotations).
const MAX_OPEN: usize = 24;

/// What the group dates: days (events and publication dates) and months.
#[derive(Debug, Default, Clone)]
struct Evidence {
    days: BTreeSet<NaiveDate>,
    months: BTreeSet<(i32, u32)>,
    years: BTreeSet<i32>,
}

impl Evidence {
    fn add_day(&mut self, d: NaiveDate) {
        self.days.insert(d);
        self.months.insert((d.year(), d.month()));
        self.years.insert(d.year());
    }
}

fn day_of(v: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(v.get(..10)?, "%Y-%m-%d").ok()
}

fn month_of(v: &str) -> Option<(i32, u32)> {
    let y: i32 = v.get(..4)?.parse().ok()?;
    let b = v.as_bytes();
    if b.get(4) != Some(&b'-') {
        return None;
    }
    let m: u32 = v.get(5..7)?.parse().ok()?;
    (1..=12).contains(&m).then_some((y, m))
}

fn week_of(v: &str) -> Option<(i32, u32)> {
    let (y, w) = v.split_once("-W")?;
    if y.len() != 4 || w.len() != 2 {
        return None;
    }
    Some((y.parse().ok()?, w.parse().ok()?))
}

fn dated(t: &Timex) -> bool {
    matches!(t.typ, TimexType::Date | TimexType::Time)
}

/// What a text says regardless of its date: explicit full dates, months
/// with their year ("September 2023") and years.
fn absolute_evidence(text: &str, lang: &str, ev: &mut Evidence) {
    for t in crate::annotate_at(text, lang, None, &[]) {
        if !dated(&t) || t.value.starts_with('X') {
            continue;
        }
        if let Some(d) = day_of(&t.value) {
            ev.add_day(d);
        } else if let Some(m) = month_of(&t.value) {
            ev.months.insert(m);
            ev.years.insert(m.0);
        } else if t.value.len() == 4
            && let Ok(y) = t.value.parse::<i32>()
        {
            ev.years.insert(y);
        }
    }
}

/// Score of publication date `d` for a text whose expressions resolve, at
/// `d`, to `tx`, against what the rest of the group dates.
/// Only a day or month the text names ("14. September", "im September")
/// gets credit for falling in a month the group names: starts of such
/// expressions in `named`. A weekday lands in some month whatever the date.
fn score(
    tx: &[Timex],
    d: NaiveDate,
    ev: &Evidence,
    named: &BTreeSet<usize>,
    weekdays: &BTreeSet<usize>,
) -> Option<f64> {
    let mut s = 0.0;
    let mut agree = 0;
    let mut latest: Option<NaiveDate> = None;
    let mut earliest: Option<NaiveDate> = None;
    for t in tx.iter().filter(|t| dated(t)) {
        let v = t.value.as_str();
        if let Some(mut day) = day_of(v) {
            // a weekday's week is a guess of the tense cues: the same
            // weekday a week off, still within a week of the date, counts
            if weekdays.contains(&t.start) && !ev.days.contains(&day) {
                for alt in [day - Duration::days(7), day + Duration::days(7)] {
                    if (alt - d).num_days().abs() <= 6 && ev.days.contains(&alt) {
                        day = alt;
                    }
                }
            }
            if day <= d {
                latest = latest.max(Some(day));
                if (d - day).num_days() <= 30 {
                    earliest = Some(earliest.map_or(day, |e: NaiveDate| e.min(day)));
                }
            } else if (day - d).num_days() <= 3 {
                // a day just after the date: usually a report of it
                s -= AHEAD_PER_DAY * (day - d).num_days() as f64;
            }
            if ev.days.contains(&day) {
                s += SAME_DAY;
                agree += 1;
            } else if named.contains(&t.start) && ev.months.contains(&(day.year(), day.month())) {
                s += SAME_MONTH;
                agree += 1;
            }
        } else if let Some((y, w)) = week_of(v) {
            let hit = ev.days.iter().any(|x| {
                let iw = x.iso_week();
                iw.year() == y && iw.week() == w
            });
            if hit {
                s += SAME_WEEK;
                agree += 1;
            }
        } else if let Some(m) = month_of(v)
            && v.len() == 7
            && named.contains(&t.start)
            && ev.months.contains(&m)
        {
            s += SAME_MONTH;
            agree += 1;
        }
    }
    if agree == 0 {
        return None;
    }
    let stale = latest.map_or(30, |l| (d - l).num_days().min(30));
    let spread = earliest.map_or(30, |e| (d - e).num_days().min(30));
    Some(s - STALE_PER_DAY * stale as f64 - SPREAD_PER_DAY * spread as f64)
}

/// Candidate publication days: around the group's days, in its months,
/// and the text's own year-less days placed in the group's years.
fn candidates(text: &str, lang: &str, ev: &Evidence) -> Vec<NaiveDate> {
    let mut c: BTreeSet<NaiveDate> = BTreeSet::new();
    for d in &ev.days {
        for k in -2..=10 {
            c.insert(*d + Duration::days(k));
        }
    }
    for &(y, m) in &ev.months {
        if let Some(first) = NaiveDate::from_ymd_opt(y, m, 1) {
            for k in 0..62 {
                c.insert(first + Duration::days(k));
            }
        }
    }
    // "am 14. September" with no year: that day (and a few after) in every
    // year the group mentions
    for t in crate::annotate_at(text, lang, None, &[]) {
        let Some(md) = t.value.strip_prefix("XXXX-") else {
            continue;
        };
        let (Some(m), Some(dd)) = (
            md.get(..2).and_then(|x| x.parse::<u32>().ok()),
            md.get(3..5).and_then(|x| x.parse::<u32>().ok()),
        ) else {
            continue;
        };
        for &y in &ev.years {
            if let Some(day) = NaiveDate::from_ymd_opt(y, m, dd) {
                for k in 0..=3 {
                    c.insert(day + Duration::days(k));
                }
            }
        }
    }
    let mut v: Vec<NaiveDate> = c.into_iter().collect();
    if v.len() > MAX_CANDIDATES {
        // keep the latest ones: the newest evidence is the most relevant
        v.drain(..v.len() - MAX_CANDIDATES);
    }
    v
}

/// Estimate the publication dates of the undated members of a group of
/// related articles (a story with its storyline). Returns one entry per
/// member: `None` for dated members and for those the evidence does not
/// pin down. Members are dated greedily, best evidence first, and each
/// one dated becomes evidence for the rest (its reported days join the
/// group's), so an article that only says "am Dienstag" is dated by the
/// sibling that says "am 12. September" in a year the group names.
pub fn estimate_group(members: &[GroupMember<'_>]) -> Vec<Option<Estimate>> {
    // what each member states outright, and what the dated members report
    let own: Vec<Evidence> = members
        .iter()
        .map(|m| {
            let mut e = Evidence::default();
            absolute_evidence(m.text, m.lang, &mut e);
            e
        })
        .collect();
    let published: Vec<Option<NaiveDate>> = members
        .iter()
        .map(|m| m.published.and_then(crate::resolve::parse_dct))
        .collect();
    // expressions that name their month
    let named: Vec<BTreeSet<usize>> = members
        .iter()
        .map(|m| {
            crate::annotate_at(m.text, m.lang, None, &[])
                .into_iter()
                .filter(|t| {
                    let b = t.value.as_bytes();
                    b.len() >= 7 && b[4] == b'-' && b[5].is_ascii_digit() && b[6].is_ascii_digit()
                })
                .map(|t| t.start)
                .collect()
        })
        .collect();
    // expressions that are a bare weekday ("am Dienstag")
    let weekdays: Vec<BTreeSet<usize>> = members
        .iter()
        .map(|m| {
            crate::annotate_at(m.text, m.lang, None, &[])
                .into_iter()
                .filter(|t| t.value.starts_with("XXXX-WXX-"))
                .map(|t| t.start)
                .collect()
        })
        .collect();
    let mut known = Evidence::default();
    for (m, p) in members.iter().zip(&published) {
        let Some(p) = *p else { continue };
        known.add_day(p);
        for t in crate::annotate_at(m.text, m.lang, Some(p), &[]) {
            if !dated(&t) {
                continue;
            }
            if let Some(d) = day_of(&t.value) {
                if d <= p {
                    known.add_day(d);
                }
            } else if let Some(mm) = month_of(&t.value)
                && t.value.len() == 7
            {
                known.months.insert(mm);
            }
        }
    }
    let mut out: Vec<Option<Estimate>> = vec![None; members.len()];
    let mut open: Vec<usize> = (0..members.len())
        .filter(|&i| published[i].is_none())
        .take(MAX_OPEN)
        .collect();
    while !open.is_empty() {
        let mut best: Option<(usize, Estimate, Vec<Timex>)> = None;
        for &i in &open {
            let m = &members[i];
            // a member's own statements do not vouch for itself
            let mut shared = known.clone();
            for (j, e) in own.iter().enumerate() {
                if j != i {
                    shared.days.extend(e.days.iter().copied());
                    shared.months.extend(e.months.iter().copied());
                    shared.years.extend(e.years.iter().copied());
                }
            }
            shared.years.extend(own[i].years.iter().copied());
            let mut local: Option<(Estimate, Vec<Timex>)> = None;
            for d in candidates(m.text, m.lang, &shared) {
                let tx = crate::annotate_at(m.text, m.lang, Some(d), &[]);
                let Some(s) = score(&tx, d, &shared, &named[i], &weekdays[i]) else {
                    continue;
                };
                if local.as_ref().is_none_or(|(b, _)| s > b.score) {
                    local = Some((Estimate { date: d, score: s }, tx));
                }
            }
            // members that name their days or months go first: weekday-only
            // evidence is ambiguous until the group's days are known
            let rank = |j: usize, s: f64| (!named[j].is_empty(), s);
            if let Some((e, tx)) = local
                && e.score > 0.0
                && best
                    .as_ref()
                    .is_none_or(|(j, b, _)| rank(i, e.score) > rank(*j, b.score))
            {
                best = Some((i, e, tx));
            }
        }
        let Some((i, e, tx)) = best else {
            break;
        };
        out[i] = Some(e);
        open.retain(|&j| j != i);
        // the dated member's reported days are evidence for the rest
        known.add_day(e.date);
        for t in tx.iter().filter(|t| dated(t)) {
            if let Some(d) = day_of(&t.value)
                && d <= e.date
            {
                known.add_day(d);
            }
        }
    }
    out
}

/// Merge estimates of the same article from several groups: the best score wins.
pub fn merge_estimates(all: impl IntoIterator<Item = (u64, Estimate)>) -> BTreeMap<u64, Estimate> {
    let mut out: BTreeMap<u64, Estimate> = BTreeMap::new();
    for (id, e) in all {
        let keep = out.get(&id).is_none_or(|b| e.score > b.score);
        if keep {
            out.insert(id, e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    fn near(e: Option<Estimate>, want: &str, tol: i64) {
        let e = e.unwrap_or_else(|| panic!("no estimate, want {want}"));
        let off = (e.date - day(want)).num_days().abs();
        assert!(off <= tol, "estimated {} want {want} ±{tol}", e.date);
    }

    #[test]
    fn german_weekday_and_last_week_from_a_dated_sibling() {
        let dated = "Die Außenministerin hat sich am Dienstag im Kreml mit Putin getroffen.";
        let undated = "Putin sei bereit, Pjöngjang zu besuchen, berichtete KCNA am Sonntag. \
                       Die Ministerin war letzte Woche in Moskau.";
        let out = estimate_group(&[
            GroupMember {
                text: dated,
                lang: "de",
                published: Some("2024-01-17"),
            },
            GroupMember {
                text: undated,
                lang: "de",
                published: None,
            },
        ]);
        assert!(out[0].is_none(), "dated members keep their date");
        near(out[1], "2024-01-21", 2);
    }

    #[test]
    fn norwegian_weekdays_match_a_sibling_s_days() {
        let dated = "Kim ankom Russland 12. september og møtte Putin 13. september.";
        let undated = "Kim kom fram tirsdag, og KCNA meldte torsdag at møtet var vellykket.";
        let out = estimate_group(&[
            GroupMember {
                text: dated,
                lang: "nb",
                published: Some("2023-09-14"),
            },
            GroupMember {
                text: undated,
                lang: "nb",
                published: None,
            },
        ]);
        // Tuesday 12 and Thursday 14 September 2023 are the sibling's days
        near(out[1], "2023-09-14", 0);
    }

    #[test]
    fn english_chain_year_from_a_named_month_then_weekdays() {
        let dated = "The agreements Putin and Kim reached in September 2023 are being implemented.";
        let a = "Kim arrived on Sept. 12. Peskov said on Sept. 14 that the leaders had met on Sept. 13.";
        let b = "The leader arrived on Tuesday, state media reported on Thursday.";
        let out = estimate_group(&[
            GroupMember {
                text: dated,
                lang: "en",
                published: Some("2024-01-17"),
            },
            GroupMember {
                text: a,
                lang: "en",
                published: None,
            },
            GroupMember {
                text: b,
                lang: "en",
                published: None,
            },
        ]);
        near(out[1], "2023-09-14", 1);
        // b is dated through a's days: Tuesday 12, Thursday 14 September
        near(out[2], "2023-09-14", 0);
    }

    #[test]
    fn no_evidence_no_estimate() {
        let out = estimate_group(&[GroupMember {
            text: "Der Gipfel war ein Erfolg, sagte er.",
            lang: "de",
            published: None,
        }]);
        assert_eq!(out, vec![None]);
        let out = estimate_group(&[
            GroupMember {
                text: "Am Dienstag traf er Putin.",
                lang: "de",
                published: None,
            },
            GroupMember {
                text: "Er reiste weiter.",
                lang: "de",
                published: None,
            },
        ]);
        assert_eq!(out, vec![None, None], "a weekday alone dates nothing");
    }

    #[test]
    fn merge_keeps_the_best_score() {
        let m = merge_estimates([
            (
                1,
                Estimate {
                    date: day("2023-09-14"),
                    score: 0.5,
                },
            ),
            (
                1,
                Estimate {
                    date: day("2023-09-20"),
                    score: 0.2,
                },
            ),
        ]);
        assert_eq!(m[&1].date, day("2023-09-14"));
    }
}
