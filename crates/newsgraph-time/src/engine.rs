//! The matcher: finds rule matches left to right (leftmost, then longest),
//! renders their value templates and resolves them.

use chrono::NaiveDate;
use newsgraph_model::{Span, Timex, TimexType};
use regex::Captures;

use crate::grammar::{Grammar, Rule};
use crate::resolve::{self, Ctx, Tense};

/// Tag `text` with `g`. `sentences` must cover the text (used for tense).
pub fn run(g: &Grammar, text: &str, dct: Option<NaiveDate>, sentences: &[Span]) -> Vec<Timex> {
    let mut out: Vec<Timex> = Vec::new();
    let mut anaphors: Vec<(usize, Anaphor)> = Vec::new();
    let mut cache: Vec<Option<SentenceCues>> = vec![None; sentences.len()];
    let mut pos = 0;
    while pos < text.len() {
        let Some(m) = g.finder.find_at(text, pos) else {
            break;
        };
        let s = m.start();
        let mut best = best_at(g, text, s, dct, sentences, &mut cache);
        // A match starting inside this one that reaches further and is
        // longer wins ("in the past | the past three months").
        if let Some(b) = &best {
            let mut q = s + 1;
            while q < b.end {
                while q < text.len() && !text.is_char_boundary(q) {
                    q += 1;
                }
                let Some(m2) = g.finder.find_at(text, q) else {
                    break;
                };
                let s2 = m2.start();
                if s2 >= b.end {
                    break;
                }
                if let Some(b2) = best_at(g, text, s2, dct, sentences, &mut cache)
                    && b2.end > b.end
                    && b2.end - s2 > b.end - s
                {
                    best = Some(b2);
                    break;
                }
                q = s2 + 1;
            }
        }
        match best {
            Some(b) => {
                // continue after the expression, not after context a rule
                // read past it ("both 1990 and 1991")
                let stop = b.timex.as_ref().map_or(b.end, |t| t.end);
                if let Some(t) = b.timex {
                    if let Some(a) = b.anaphor {
                        anaphors.push((out.len(), a));
                    }
                    out.push(t);
                }
                pos = stop.max(s + 1);
            }
            None => {
                pos = s + text[s..].chars().next().map_or(1, char::len_utf8);
            }
        }
        while pos < text.len() && !text.is_char_boundary(pos) {
            pos += 1;
        }
    }
    resolve_anaphors(&mut out, &anaphors, dct);
    out
}

/// What an anaphoric rule refers back to (`anaphor = "…"` in the grammar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anaphor {
    /// "a year ago" after a quarter or half-year was named: that period a
    /// year before.
    YearBefore,
    /// "the latest period", "that quarter": the last named quarter or
    /// half-year; with a year of its own ("the 1988 period", "last year's
    /// quarter") that period in that year.
    Period,
    /// "the following year", "that day", "the next month": the last
    /// mentioned date of at least that granularity, shifted by `n` units.
    Ref(RefUnit, i32),
}

/// Granularity of an [`Anaphor::Ref`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefUnit {
    Year,
    Month,
    Day,
}

impl Anaphor {
    /// Parse `year-before`, `period`, `ref(Y,+1)`, `ref(M,0)`, `ref(D,-1)`.
    pub fn parse(s: &str) -> Option<Anaphor> {
        let s = s.trim();
        match s {
            "year-before" => return Some(Anaphor::YearBefore),
            "period" => return Some(Anaphor::Period),
            _ => {}
        }
        let inner = s.strip_prefix("ref(")?.strip_suffix(')')?;
        let (u, n) = inner.split_once(',')?;
        let unit = match u.trim() {
            "Y" => RefUnit::Year,
            "M" => RefUnit::Month,
            "D" => RefUnit::Day,
            _ => return None,
        };
        let n: i32 = n.trim().trim_start_matches('+').parse().ok()?;
        Some(Anaphor::Ref(unit, n))
    }
}

/// Re-anchor anaphoric expressions to the periods and dates named before
/// them. The antecedent is always a named (non-anaphoric) expression, never
/// another anaphor's result (which would step back a year per mention).
/// Without an antecedent the DCT-based value stays.
fn resolve_anaphors(out: &mut [Timex], anaphors: &[(usize, Anaphor)], dct: Option<NaiveDate>) {
    // kind of anaphor per timex; comparison periods ("a year ago") are
    // never the reporting period
    let mut kinds: Vec<Option<Anaphor>> = vec![None; out.len()];
    for &(i, k) in anaphors {
        kinds[i] = Some(k);
    }
    let year_before = |j: usize| kinds[j] == Some(Anaphor::YearBefore);
    for &(i, kind) in anaphors {
        let new = match kind {
            Anaphor::YearBefore => reporting_period(&out[..i], |j| kinds[j].is_none(), dct)
                .map(|(y, p)| format!("{:04}-{p}", y - 1)),
            Anaphor::Period => {
                let own = &out[i].value;
                let own_year = (own.len() == 4 && own.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| own.clone());
                reporting_period(&out[..i], |j| !year_before(j), dct).map(
                    |(y, p)| match &own_year {
                        Some(oy) => format!("{oy}-{p}"),
                        None => format!("{y:04}-{p}"),
                    },
                )
            }
            Anaphor::Ref(unit, n) => out[..i]
                .iter()
                .rev()
                .take(LOOKBACK)
                .find_map(|t| date_of(&t.value, unit))
                .and_then(|d| shift(d, unit, n)),
        };
        if let Some(v) = new {
            out[i].value = v;
        }
    }
}

/// How many expressions back an antecedent is looked for (keeps long
/// texts linear; a period named further back is no longer the topic).
const LOOKBACK: usize = 40;

/// The reporting period an anaphor refers back to: the last quarter or
/// half-year named before it (among the timexes `usable` admits) that was
/// over by the DCT ("will result in a fourth-quarter charge" is no result
/// period). A span of months named in between ("the first nine months")
/// is the period instead, so none is returned.
fn reporting_period(
    before: &[Timex],
    usable: impl Fn(usize) -> bool,
    dct: Option<NaiveDate>,
) -> Option<(i32, String)> {
    let from = before.len().saturating_sub(LOOKBACK);
    for (j, t) in before.iter().enumerate().skip(from).rev() {
        if !usable(j) {
            continue;
        }
        if t.typ == TimexType::Duration && months_span(&t.value) {
            return None;
        }
        if let Some((y, p)) = period_of(&t.value) {
            let over = dct.is_none_or(|d| period_end(y, &p).is_some_and(|e| e <= d));
            if over {
                return Some((y, p));
            }
        }
    }
    None
}

/// `P6M`, `P9M`: a span of several months (a reporting period).
fn months_span(v: &str) -> bool {
    v.strip_prefix('P')
        .and_then(|r| r.strip_suffix('M'))
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (2..12).contains(&n) && n != 3)
}

/// Last day of quarter/half `p` of year `y`.
fn period_end(y: i32, p: &str) -> Option<NaiveDate> {
    let n: u32 = p[1..].parse().ok()?;
    let last_month = if p.starts_with('Q') { n * 3 } else { n * 6 };
    let (ny, nm) = if last_month == 12 {
        (y + 1, 1)
    } else {
        (y, last_month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

/// The calendar prefix of a value at `unit` granularity: `1996-03-26` →
/// (1996, 3, 26) for days; a year or month value for coarser units.
fn date_of(v: &str, unit: RefUnit) -> Option<(i32, u32, u32)> {
    let b = v.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone())
            .is_some_and(|x| x.iter().all(u8::is_ascii_digit))
    };
    if !digits(0..4) || (b.len() > 4 && b[4] != b'-') {
        return None;
    }
    let y: i32 = v[..4].parse().ok()?;
    let month = (b.len() >= 7 && digits(5..7) && (b.len() == 7 || b[7] == b'-'))
        .then(|| v[5..7].parse::<u32>().ok())
        .flatten();
    let day =
        (b.len() >= 10 && month.is_some() && digits(8..10) && (b.len() == 10 || b[10] == b'T'))
            .then(|| v[8..10].parse::<u32>().ok())
            .flatten();
    match unit {
        RefUnit::Year => Some((y, 0, 0)),
        RefUnit::Month => Some((y, month?, 0)),
        RefUnit::Day => Some((y, month?, day?)),
    }
}

fn shift((y, m, d): (i32, u32, u32), unit: RefUnit, n: i32) -> Option<String> {
    Some(match unit {
        RefUnit::Year => format!("{:04}", y + n),
        RefUnit::Month => {
            let total = y * 12 + m as i32 - 1 + n;
            format!(
                "{:04}-{:02}",
                total.div_euclid(12),
                total.rem_euclid(12) + 1
            )
        }
        RefUnit::Day => {
            let date = NaiveDate::from_ymd_opt(y, m, d)?
                .checked_add_signed(chrono::Duration::days(n as i64))?;
            date.format("%Y-%m-%d").to_string()
        }
    })
}

/// `1989-Q3` → (1989, "Q3"); also half-years.
fn period_of(v: &str) -> Option<(i32, String)> {
    let (y, rest) = v.split_once('-')?;
    if y.len() != 4 || rest.len() != 2 || !(rest.starts_with('Q') || rest.starts_with('H')) {
        return None;
    }
    if !rest[1..].bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((y.parse().ok()?, rest.to_string()))
}

struct Best {
    end: usize,
    timex: Option<Timex>,
    anaphor: Option<Anaphor>,
}

/// The longest rule match at `s` whose value resolves (ties: earlier rule).
fn best_at(
    g: &Grammar,
    text: &str,
    s: usize,
    dct: Option<NaiveDate>,
    sentences: &[Span],
    cache: &mut [Option<SentenceCues>],
) -> Option<Best> {
    let hay = &text[s..];
    let mut cands: Vec<(usize, usize, Captures)> = Vec::new();
    for idx in g.set.matches(hay).iter() {
        if let Some(c) = g.rules[idx].re.captures(hay)
            && let Some(whole) = c.get(0)
            && !whole.is_empty()
        {
            cands.push((whole.end(), idx, c));
        }
    }
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (len, idx, caps) in &cands {
        let e = s + len;
        let rule = &g.rules[*idx];
        let (ss, se) = match caps.name("t") {
            Some(t) => (s + t.start(), s + t.end()),
            None => (s, e),
        };
        if ss >= se {
            continue;
        }
        // A rule with a `t` group may read context past the expression
        // ("the 1990 invasion"): the span, not the context, must sit on
        // word boundaries (and the context must start on one).
        let ok = if (ss, se) == (s, e) {
            boundary_ok(text, s, e)
        } else {
            boundary_ok(text, ss, se) && (s == ss || boundary_ok(text, s, ss))
        };
        if !ok {
            continue;
        }
        if let Some(re) = &rule.reject_after
            && re.is_match(&text[e..])
        {
            continue;
        }
        if rule.blocks {
            return Some(Best {
                end: e,
                timex: None,
                anaphor: None,
            });
        }
        let tense = tense_at(g, text, sentences, cache, ss, se);
        let ctx = Ctx { dct, tense };
        if let Some(t) = build(g, rule, caps, text, ss, se, &ctx) {
            return Some(Best {
                end: e,
                timex: Some(t),
                anaphor: rule.anaphor,
            });
        }
    }
    None
}

fn build(
    g: &Grammar,
    rule: &Rule,
    caps: &Captures,
    text: &str,
    ss: usize,
    se: usize,
    ctx: &Ctx,
) -> Option<Timex> {
    let rendered = render(&rule.value, caps, g)?;
    let value = evaluate(&rendered, ctx)?;
    let mut modifier = match &rule.modifier {
        Some(m) => {
            let r = render(m, caps, g)?;
            (!r.is_empty()).then_some(r)
        }
        None => None,
    };
    let mut start = ss;
    if rule.premod && modifier.is_none() {
        let lo = floor_boundary(text, ss.saturating_sub(48));
        let before = &text[lo..ss];
        let mut found = None;
        if rule.typ == TimexType::Duration
            && let Some(re) = &g.premod_duration
            && let Some(c) = re.captures(before)
            && let Some(m) = c.name("m")
        {
            found = g
                .lookup("premod_duration", m.as_str())
                .map(|v| (lo + m.start(), v.to_string()));
        }
        if found.is_none()
            && let Some(re) = &g.premod
            && let Some(c) = re.captures(before)
            && let Some(m) = c.name("m")
        {
            found = g
                .lookup("premod", m.as_str())
                .map(|v| (lo + m.start(), v.to_string()));
        }
        if let Some((st, v)) = found {
            start = st;
            modifier = Some(v);
        }
    }
    Some(Timex {
        start,
        end: se,
        text: text[start..se].to_string(),
        typ: rule.typ,
        value,
        modifier,
    })
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Unicode word boundaries at both ends, and no number continuing past them
/// ("3.4" inside "3.4.2024", "20" inside "1.20").
fn boundary_ok(text: &str, s: usize, e: usize) -> bool {
    let inner = &text[s..e];
    let (Some(first), Some(last)) = (inner.chars().next(), inner.chars().next_back()) else {
        return false;
    };
    let before = text[..s].chars().next_back();
    let after = text[e..].chars().next();
    if let Some(p) = before {
        if first.is_alphanumeric() && p.is_alphanumeric() {
            return false;
        }
        if first.is_ascii_digit() && matches!(p, '.' | ',' | ':' | '/' | '-') {
            let pp = text[..s - p.len_utf8()].chars().next_back();
            if pp.is_some_and(|c| c.is_ascii_digit()) {
                return false;
            }
        }
    }
    if let Some(n) = after {
        if last.is_alphanumeric() && n.is_alphanumeric() {
            return false;
        }
        if last.is_ascii_digit() && matches!(n, '.' | ',' | ':' | '/' | '-') {
            let nn = text[e + n.len_utf8()..].chars().next();
            if nn.is_some_and(|c| c.is_ascii_digit()) {
                return false;
            }
        }
        if last.is_ascii_digit() && n == '%' {
            return false;
        }
    }
    true
}

/// Render `{group}` / `{group:norm}` placeholders. `None` when a
/// normaliser cannot map the captured text.
fn render(tpl: &str, caps: &Captures, g: &Grammar) -> Option<String> {
    let mut out = String::with_capacity(tpl.len() + 8);
    let mut rest = tpl;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let inner = &after[..close];
        let (name, norm) = match inner.split_once(':') {
            Some((n, k)) => (n.trim(), Some(k.trim())),
            None => (inner.trim(), None),
        };
        let raw = if name == "0" {
            caps.get(0)
        } else {
            caps.name(name)
        }
        .map(|m| m.as_str())
        .unwrap_or("");
        if !raw.is_empty() {
            match norm {
                None => out.push_str(raw.trim()),
                Some(k) => out.push_str(&normalise(g, k, raw)?),
            }
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn normalise(g: &Grammar, norm: &str, raw: &str) -> Option<String> {
    match norm {
        "number" => number(g, raw).map(|v| {
            if v.fract() == 0.0 {
                format!("{}", v as i64)
            } else {
                format!("{v}")
            }
        }),
        "pad2" => {
            let n: u32 = raw.trim().parse().ok()?;
            Some(format!("{n:02}"))
        }
        "int" => {
            let n: u64 = raw.trim().parse().ok()?;
            Some(n.to_string())
        }
        "upper" => Some(raw.trim().to_uppercase()),
        // a year said in words: "nineteen ninety-six" (century word, then
        // the rest), "two thousand (and) eight"
        "yearword" => {
            let t = raw.trim().to_lowercase();
            let (head, rest) = t
                .split_once(|c: char| c.is_whitespace() || c == '-')
                .unwrap_or((t.as_str(), ""));
            let y = match (number(g, head), number(g, rest.trim())) {
                (Some(c), Some(r)) if (10.0..=20.0).contains(&c) && (1.0..100.0).contains(&r) => {
                    c * 100.0 + r
                }
                _ => number(g, &t)?,
            };
            (y.fract() == 0.0 && (1000.0..=2100.0).contains(&y)).then(|| format!("{}", y as i64))
        }
        lexs => lexs
            .split('|')
            .find_map(|lex| g.lookup(lex.trim(), raw))
            .map(str::to_string),
    }
}

/// Parse a number written in digits ("18", "1,5") or words ("achtzehn",
/// "twenty-four", "vierundzwanzig", "anderthalb") with the `numword`
/// lexicon and the language's joiners.
pub fn number(g: &Grammar, raw: &str) -> Option<f64> {
    let t = raw.trim();
    if let Ok(v) = t.replace(',', ".").parse::<f64>() {
        return Some(v);
    }
    for lex in ["numword", "article_one"] {
        if let Some(v) = g.lookup(lex, t).and_then(|v| v.parse::<f64>().ok()) {
            return Some(v);
        }
    }
    let lower = t.to_lowercase();
    let words = g.lexicons.get("numword")?;
    let mut total = 0.0;
    let mut current = 0.0;
    let mut any = false;
    for tok in lower.split(|c: char| c.is_whitespace() || c == '-') {
        let mut rest = tok;
        while !rest.is_empty() {
            if any
                && let Some(j) = g
                    .number_joiners
                    .iter()
                    .find(|j| rest.starts_with(j.as_str()) && rest.len() > j.len())
            {
                rest = &rest[j.len()..];
                continue;
            }
            if any && g.number_joiners.iter().any(|j| j == rest) {
                break;
            }
            // longest lexicon prefix
            let mut best: Option<(usize, f64)> = None;
            for (k, v) in words {
                if rest.starts_with(k.as_str())
                    && best.is_none_or(|(l, _)| k.len() > l)
                    && let Ok(x) = v.parse::<f64>()
                {
                    best = Some((k.len(), x));
                }
            }
            let (l, v) = best?;
            rest = &rest[l..];
            any = true;
            if v == 100.0 {
                current = if current == 0.0 {
                    100.0
                } else {
                    current * 100.0
                };
            } else if v >= 1000.0 {
                total += if current == 0.0 { v } else { current * v };
                current = 0.0;
            } else {
                current += v;
            }
        }
    }
    any.then_some(total + current)
}

/// `fn(args)suffix` → call; anything else is a literal value.
fn evaluate(s: &str, ctx: &Ctx) -> Option<String> {
    let s = s.trim();
    let Some(open) = s.find('(') else {
        return (!s.is_empty()).then(|| s.to_string());
    };
    let name = &s[..open];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Some(s.to_string());
    }
    let close = s[open..].find(')')? + open;
    let args: Vec<&str> = s[open + 1..close].split(',').collect();
    let v = resolve::call(name, &args, ctx)?;
    let rest = &s[close + 1..];
    // a second call composes: `weekday(3,tense)clock(10,,,PM)`
    let calls_next = rest.find('(').is_some_and(|o| {
        o > 0
            && rest[..o]
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_')
    });
    if calls_next {
        return Some(format!("{v}{}", evaluate(rest, ctx)?));
    }
    Some(format!("{v}{rest}"))
}

#[derive(Clone, Debug)]
struct SentenceCues {
    /// (start, end, kind): kind 0 past, 1 future, 2 weak past, 3 report (past)
    cues: Vec<(usize, usize, u8)>,
    /// clause boundaries (byte offsets of , ; : quotes dashes)
    breaks: Vec<usize>,
}

fn tense_at(
    g: &Grammar,
    text: &str,
    sentences: &[Span],
    cache: &mut [Option<SentenceCues>],
    ss: usize,
    se: usize,
) -> Tense {
    let i = sentences.partition_point(|sp| sp.end <= ss);
    let Some(sp) = sentences.get(i) else {
        return Tense::Unknown;
    };
    if sp.start > ss {
        return Tense::Unknown;
    }
    let sc = cache[i].get_or_insert_with(|| {
        let st = sp.slice(text);
        let mut cues = Vec::new();
        for (re, kind) in [
            (&g.past, 0u8),
            (&g.future, 1),
            (&g.past_weak, 2),
            (&g.report, 3),
        ] {
            if let Some(r) = re {
                // a cue inside a hyphenated compound is no verb
                // ("lower-than-expected earnings", "long-planned")
                cues.extend(
                    r.find_iter(st)
                        .filter(|m| {
                            !st[..m.start()].ends_with('-') && !st[m.end()..].starts_with('-')
                        })
                        .map(|m| (sp.start + m.start(), sp.start + m.end(), kind)),
                );
            }
        }
        let breaks = st
            .char_indices()
            .filter(|(_, c)| {
                matches!(
                    c,
                    ',' | ';' | ':' | '(' | ')' | '"' | '„' | '“' | '”' | '«' | '»' | '–' | '—'
                )
            })
            .map(|(j, _)| sp.start + j)
            .collect();
        SentenceCues { cues, breaks }
    });
    // the clause around the expression
    let lo = sc
        .breaks
        .iter()
        .rev()
        .find(|&&b| b < ss)
        .copied()
        .unwrap_or(0);
    let hi = sc
        .breaks
        .iter()
        .find(|&&b| b >= se)
        .copied()
        .unwrap_or(usize::MAX);
    let gap = |a: usize, b: usize| {
        if b <= ss {
            ss - b
        } else {
            a.saturating_sub(se)
        }
    };
    let pick = |in_clause: bool, weak: bool| -> Option<Tense> {
        let mut best: Option<(usize, usize, Tense)> = None;
        for &(a, b, kind) in &sc.cues {
            if a < se && ss < b {
                continue; // inside the expression
            }
            let inside = a >= lo && b <= hi;
            if in_clause != inside {
                continue;
            }
            let d = gap(a, b);
            let t = match kind {
                0 if !weak => Tense::Past,
                1 if !weak => Tense::Future,
                2 if weak && in_clause && d <= 12 => Tense::Past,
                3 if !weak && in_clause => Tense::Past,
                _ => continue,
            };
            // nearest cue; at equal distance the longer one, which
            // contains the other ("would be paid", "had been due")
            let len = b - a;
            if best.is_none_or(|(bd, bl, _)| d < bd || (d == bd && len > bl)) {
                best = Some((d, len, t));
            }
        }
        best.map(|(_, _, t)| t)
    };
    // Last resort: a weak past cue ("-ed") anywhere in the sentence.
    let weak = || {
        sc.cues
            .iter()
            .any(|&(a, b, kind)| kind == 2 && !(a < se && ss < b))
            .then_some(Tense::Past)
    };
    // A weak cue ("-ed": also adjectives, "unspecified date") only counts
    // when the clause has no strong one.
    pick(true, false)
        .or_else(|| pick(true, true))
        .or_else(|| pick(false, false))
        .or_else(weak)
        .unwrap_or(Tense::Unknown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries() {
        assert!(boundary_ok("am 3.4.2024 x", 3, 11));
        assert!(!boundary_ok("am 3.4.2024 x", 3, 6));
        assert!(!boundary_ok("Maiße", 0, 3));
        assert!(boundary_ok("Mai.", 0, 3));
        assert!(!boundary_ok("20%", 0, 2));
    }
}
