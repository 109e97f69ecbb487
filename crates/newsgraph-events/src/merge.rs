//! Cross-article: merge event mentions of the same happening, and line up
//! where sources differ.

use newsgraph_model::{Actor, ArticleId, Event, EventObject, Modality, Provenance, Quote};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One happening as reported by one or more articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MergedEvent {
    /// Stable id: hash of type, mode, actors and date.
    pub id: String,
    #[serde(rename = "type")]
    pub typ: String,
    pub cameo: String,
    pub mode: Option<String>,
    pub source: Vec<Actor>,
    pub target: Vec<Actor>,
    /// The most specific date any report gives.
    pub date: Option<String>,
    pub place: Option<Actor>,
    pub modality: Modality,
    /// Every article that reports it, ascending.
    pub article_ids: Vec<ArticleId>,
    /// The sentences that report it (one per event mention).
    pub sentences: Vec<Provenance>,
    /// The per-article event mentions merged here.
    pub reports: Vec<Event>,
}

/// What `differences` needs to know about an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ArticleMeta {
    pub id: ArticleId,
    /// Outlet name, when known.
    pub source: Option<String>,
    pub lang: String,
}

/// One source's version of a detail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Version {
    /// The detail as this source gives it ("1 glove", "2024-01-16", "negated").
    pub value: String,
    pub article_ids: Vec<ArticleId>,
    /// Outlet names of those articles.
    pub sources: Vec<String>,
    pub languages: Vec<String>,
    /// Who says so in those articles (speaker, then agencies).
    pub said_by: Vec<Actor>,
    /// The sentences that give this version.
    pub sentences: Vec<String>,
}

/// A detail on which sources differ, or a claim only one source makes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// `quantity`, `date`, `place`, `participants`, `assertion` or `single-source`.
    pub kind: String,
    /// Merged event ids concerned.
    pub event_ids: Vec<String>,
    /// One line for people ("glove: 1 vs 2").
    pub summary: String,
    pub versions: Vec<Version>,
}

/// Normalised name tokens of an actor (entity id when linked).
fn actor_tokens(a: &Actor) -> BTreeSet<String> {
    let name = a.canonical.as_deref().unwrap_or(&a.text);
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 2)
        .map(|w| fold(&w.to_lowercase()))
        .collect()
}

/// Fold spelling variants across languages (ö→o, w→v, sch→sh, ch→k …) so
/// "Peskow"/"Peskov" and "Schoigu"/"Shoigu" meet.
fn fold(w: &str) -> String {
    let mut s: String = w
        .chars()
        .map(|c| match c {
            'ä' | 'á' | 'à' | 'â' | 'å' => 'a',
            'ö' | 'ó' | 'ò' | 'ô' | 'ø' => 'o',
            'ü' | 'ú' | 'ù' | 'û' => 'u',
            'é' | 'è' | 'ê' => 'e',
            'w' => 'v',
            'j' => 'i',
            'y' => 'i',
            _ => c,
        })
        .collect();
    for (a, b) in [("sch", "sh"), ("tsch", "ch"), ("ij", "i"), ("ii", "i")] {
        s = s.replace(a, b);
    }
    s
}

/// Two actors are the same when their entity ids agree, or one's name
/// tokens are a subset of the other's ("Putin" ⊂ "Wladimir Putin").
pub fn same_actor(a: &Actor, b: &Actor) -> bool {
    if let (Some(x), Some(y)) = (&a.entity_id, &b.entity_id) {
        return x == y;
    }
    let (ta, tb) = (actor_tokens(a), actor_tokens(b));
    if ta.is_empty() || tb.is_empty() {
        return false;
    }
    ta.is_subset(&tb) || tb.is_subset(&ta)
}

fn all_actors(e: &Event) -> impl Iterator<Item = &Actor> {
    e.source.iter().chain(e.target.iter())
}

pub(crate) fn actors_overlap(a: &Event, b: &Event) -> bool {
    all_actors(a).any(|x| all_actors(b).any(|y| same_actor(x, y)))
}

fn dates_compatible(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => {
            x.starts_with(y.as_str())
                || y.starts_with(x.as_str())
                || day_in_week(x, y)
                || day_in_week(y, x)
        }
        _ => true,
    }
}

/// Whether `day` (`YYYY-MM-DD…`) lies in the ISO week `week` (`YYYY-Www`):
/// "last week" in one source and "on Tuesday" in another can be one day.
fn day_in_week(day: &str, week: &str) -> bool {
    use chrono::Datelike;
    let Some(d) = day
        .get(..10)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return false;
    };
    let Some((y, w)) = week.split_once("-W") else {
        return false;
    };
    let (Ok(y), Ok(w)) = (y.parse::<i32>(), w.get(..2).unwrap_or(w).parse::<u32>()) else {
        return false;
    };
    let iso = d.iso_week();
    iso.year() == y && iso.week() == w
}

/// Mode families. Meeting, hosting, phoning and mediating (and a bare
/// CONSULT) are one family: reported from either side, so they have no
/// direction. A visit (travel to a place: "reiste nach Russland", "ankom
/// Russland") is its own family: it is a different happening from the
/// meeting it leads to, and it has a direction (who travels where).
fn mode_family(m: Option<&str>) -> &str {
    match m {
        Some("meet" | "host" | "phone" | "mediate") | None => "meet",
        Some(x) => x,
    }
}

/// Whether reports of two families may be one happening: the same family,
/// or a visit and a meeting reported for the same full day ("Kim besuchte
/// Putin am 13. September" is that day's meeting).
fn families_match(a: &Event, b: &Event) -> bool {
    let (fa, fb) = (
        mode_family(a.mode.as_deref()),
        mode_family(b.mode.as_deref()),
    );
    if fa == fb {
        return true;
    }
    let visit_meet = matches!((fa, fb), ("visit", "meet") | ("meet", "visit"));
    let same_day = match (&a.date, &b.date) {
        (Some(x), Some(y)) => x.len() >= 10 && x == y,
        _ => false,
    };
    visit_meet && same_day
}

fn polarity(m: Modality) -> u8 {
    match m {
        Modality::Negated => 0,
        Modality::Asserted => 1,
        Modality::Intended | Modality::Possible => 2,
    }
}

pub(crate) fn mergeable(a: &Event, b: &Event) -> bool {
    a.typ == b.typ
        && families_match(a, b)
        && polarity(a.modality) == polarity(b.modality)
        && actors_overlap(a, b)
        && !conflict(a, b)
}

fn is_person(a: &Actor) -> bool {
    a.entity_id
        .as_deref()
        .is_some_and(|id| id.starts_with("per:"))
}

/// The people among `actors`.
fn persons(actors: &[Actor]) -> Vec<&Actor> {
    actors.iter().filter(|x| is_person(x)).collect()
}

/// Evidence that two reports are different happenings even though they
/// share an actor: different days; different people on the other side
/// ("Putin meets Kim" vs "Putin meets Choe": each names a person the other
/// lacks); or reversed roles of a directed event ("Kim invites Putin" vs
/// "Putin invites Kim").
fn conflict(a: &Event, b: &Event) -> bool {
    // Different days, or different years ("2000" vs "2023-09": the
    // earlier talks are not this summit) are different happenings.
    if !dates_compatible(&a.date, &b.date) {
        return true;
    }
    let persons =
        |e: &Event| -> Vec<Actor> { all_actors(e).filter(|x| is_person(x)).cloned().collect() };
    let (pa, pb) = (persons(a), persons(b));
    let a_only = pa.iter().any(|x| !pb.iter().any(|y| same_actor(x, y)));
    let b_only = pb.iter().any(|y| !pa.iter().any(|x| same_actor(x, y)));
    if a_only && b_only && pa.len() + pb.len() >= 3 {
        return true;
    }
    let meets = |xs: &[Actor], ys: &[Actor]| xs.iter().any(|x| ys.iter().any(|y| same_actor(x, y)));
    // Meetings, visits and talks are reported from either side; gifts,
    // invitations and the like have a direction.
    let directed =
        mode_family(a.mode.as_deref()) != "meet" && mode_family(b.mode.as_deref()) != "meet";
    // A report naming only the receiver ("Der Präsident erhielt … ein
    // Gewehr", "Putin mottok …") is reversed against one where that actor
    // gives to someone else ("Putin überreichte Kim …").
    let receiver_gives = |x: &Event, y: &Event| {
        x.source.is_empty()
            && !x.target.is_empty()
            && meets(&x.target, &y.source)
            && !meets(&x.target, &y.target)
    };
    directed
        && (!a.source.is_empty()
            && !b.source.is_empty()
            && !meets(&a.source, &b.source)
            && (meets(&a.source, &b.target) || meets(&b.source, &a.target))
            || receiver_gives(a, b)
            || receiver_gives(b, a))
}

fn find(p: &mut [usize], mut x: usize) -> usize {
    while p[x] != x {
        p[x] = p[p[x]];
        x = p[x];
    }
    x
}

fn push_actor(list: &mut Vec<Actor>, a: &Actor) {
    if let Some(i) = list.iter().position(|x| same_actor(x, a)) {
        // Keep the longer (more specific) name.
        let x = &list[i];
        if x.entity_id.is_none() && a.entity_id.is_some()
            || a.text.len() > x.text.len() && x.entity_id == a.entity_id
        {
            list[i] = a.clone();
        }
    } else {
        list.push(a.clone());
    }
}

/// FNV-1a over fields, each followed by a 0xff separator: stable across runs
/// and platforms.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf29ce484222325)
    }

    fn feed(&mut self, s: &str) {
        for b in s.bytes().chain(std::iter::once(0xff)) {
            self.0 ^= b as u64;
            self.0 = self.0.wrapping_mul(0x100000001b3);
        }
    }

    fn id(&self) -> String {
        format!("ev-{:016x}", self.0)
    }
}

fn stable_id(e: &MergedEvent) -> String {
    // The defining fields: type, mode, actors, date and polarity.
    let mut h = Fnv::new();
    h.feed(&e.typ);
    h.feed(e.mode.as_deref().unwrap_or(""));
    let mut keys: Vec<String> = e
        .source
        .iter()
        .chain(e.target.iter())
        .map(|a| {
            a.entity_id
                .clone()
                .unwrap_or_else(|| actor_tokens(a).into_iter().collect::<Vec<_>>().join(" "))
        })
        .collect();
    keys.sort();
    for k in &keys {
        h.feed(k);
    }
    h.feed(e.date.as_deref().unwrap_or(""));
    h.feed(&format!("{}", polarity(e.modality)));
    h.id()
}

/// Merge event mentions from many articles: same PLOVER type (and mode
/// family), same polarity, overlapping actors, compatible dates → one event
/// with all article ids and sentences. Output is ordered by date, then id.
pub fn merge_events(events: &[(ArticleId, Event)]) -> Vec<MergedEvent> {
    let n = events.len();
    let mut parent: Vec<usize> = (0..n).collect();
    // Bucket by type so the pairwise test stays within small groups.
    let mut by_type: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, (_, e)) in events.iter().enumerate() {
        by_type.entry(e.typ.as_str()).or_default().push(i);
    }
    // Single link on evidence (shared actor), complete link on conflict:
    // two groups join only when no member of one conflicts with a member
    // of the other, so an undated report cannot chain two different days.
    // Strongest evidence first (same date, more shared actors), so an
    // undated "Putin and Kim met" joins the dated Putin–Kim meeting before
    // a report that only shares Putin can claim it.
    let mut pairs: Vec<(usize, usize, usize)> = Vec::new();
    for idx in by_type.values() {
        for (k, &i) in idx.iter().enumerate() {
            for &j in &idx[k + 1..] {
                let (a, b) = (&events[i].1, &events[j].1);
                if mergeable(a, b) {
                    let shared = all_actors(a)
                        .filter(|x| all_actors(b).any(|y| same_actor(x, y)))
                        .count();
                    let same_day = usize::from(a.date.is_some() && a.date == b.date);
                    pairs.push((same_day * 100 + shared, i, j));
                }
            }
        }
    }
    pairs.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    for (_, i, j) in pairs {
        let (a, b) = (find(&mut parent, i), find(&mut parent, j));
        if a == b {
            continue;
        }
        let clash = members[a].iter().any(|&x| {
            members[b]
                .iter()
                .any(|&y| conflict(&events[x].1, &events[y].1))
        });
        if !clash {
            parent[b] = a;
            let moved = std::mem::take(&mut members[b]);
            members[a].extend(moved);
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        let r = find(&mut parent, i);
        groups.entry(r).or_default().push(i);
    }
    let mut out: Vec<MergedEvent> = groups
        .values()
        .map(|members| {
            let first = &events[members[0]].1;
            let mut m = MergedEvent {
                id: String::new(),
                typ: first.typ.clone(),
                cameo: first.cameo.clone(),
                mode: None,
                source: Vec::new(),
                target: Vec::new(),
                date: None,
                place: None,
                modality: first.modality,
                article_ids: Vec::new(),
                sentences: Vec::new(),
                reports: Vec::new(),
            };
            for &i in members {
                let (aid, e) = &events[i];
                if m.mode.is_none()
                    || e.mode.as_deref() == Some("meet") && m.mode.as_deref() != Some("meet")
                {
                    m.mode = e.mode.clone().or(m.mode.take());
                }
                for a in &e.source {
                    push_actor(&mut m.source, a);
                }
                for a in &e.target {
                    if !m.source.iter().any(|s| same_actor(s, a)) {
                        push_actor(&mut m.target, a);
                    }
                }
                if let Some(d) = &e.date
                    && m.date.as_ref().is_none_or(|x| d.len() > x.len())
                {
                    m.date = Some(d.clone());
                }
                if m.place.is_none() {
                    m.place = e.place.clone();
                }
                if !m.article_ids.contains(aid) {
                    m.article_ids.push(*aid);
                }
                let mut p = e.provenance.clone();
                p.article_id = *aid;
                m.sentences.push(p);
                let mut r = e.clone();
                r.provenance.article_id = *aid;
                // An anchor is dated within its own article.
                if let Some(p) = r.anchor.as_mut().and_then(|a| a.dated_by.as_mut()) {
                    p.article_id = *aid;
                }
                m.reports.push(r);
            }
            // A side named as source by one report and as target by an
            // earlier one (a meeting told from either side) is a source.
            let src = m.source.clone();
            m.target.retain(|t| !src.iter().any(|x| same_actor(x, t)));
            m.article_ids.sort_unstable();
            m.id = stable_id(&m);
            m
        })
        .collect();
    disambiguate_ids(&mut out);
    out.sort_by(|a, b| a.date.cmp(&b.date).then(a.id.cmp(&b.id)));
    out
}

/// Two events that share type, mode, actors, date and polarity but were not
/// merged (say, two undated exchanges without named actors) would get one
/// id. Each of them then takes its earliest sentence into the hash, which is
/// unique because a sentence's report belongs to exactly one merged event.
fn disambiguate_ids(out: &mut [MergedEvent]) {
    let mut count: BTreeMap<String, usize> = BTreeMap::new();
    for m in out.iter() {
        *count.entry(m.id.clone()).or_default() += 1;
    }
    for m in out.iter_mut() {
        if count.get(&m.id).copied().unwrap_or(0) < 2 {
            continue;
        }
        let first = m
            .sentences
            .iter()
            .map(|p| (p.article_id, p.start, p.end))
            .min()
            .unwrap_or_default();
        let mut h = Fnv::new();
        h.feed(&m.id);
        h.feed(&format!("{}:{}-{}", first.0, first.1, first.2));
        m.id = h.id();
    }
}

/// Two places reported for one event disagree when both are countries or
/// neither is: a country and a finer place ("Russia" vs "Fernen Osten",
/// "North Korea" vs "Pyongyang") may be the same place at two scales.
fn places_disagree(x: &Actor, y: &Actor) -> bool {
    let country = |a: &Actor| {
        a.entity_id
            .as_deref()
            .is_some_and(|id| id.starts_with("loc:iso:"))
    };
    !same_actor(x, y) && country(x) == country(y)
}

/// Which reports can answer a denial of the same topic: a denied visit is
/// contradicted by a visit or an accepted invitation, not by an invitation
/// (which may still be declined) or a meeting elsewhere. Other modes
/// contradict a denial of the same mode; an unmoded denial any report.
fn contradicts_denial(denied: Option<&str>, other: Option<&str>) -> bool {
    match (denied, other) {
        (Some("visit"), Some(o)) => matches!(o, "visit" | "accept-invitation"),
        (Some(d), Some(o)) => d == o,
        (Some(_), None) => false,
        (None, _) => true,
    }
}

fn meta_of(articles: &[ArticleMeta], id: ArticleId) -> Option<&ArticleMeta> {
    articles.iter().find(|a| a.id == id)
}

/// Who says so for one report: its attribution, else the speaker of a quote
/// on the same sentence.
fn said_by(e: &Event, quotes: &[(ArticleId, Quote)]) -> Vec<Actor> {
    if !e.attributed_to.is_empty() {
        return e.attributed_to.clone();
    }
    quotes
        .iter()
        .filter(|(a, q)| {
            *a == e.provenance.article_id && q.provenance.sentence == e.provenance.sentence
        })
        .flat_map(|(_, q)| q.speaker.iter().cloned().chain(q.via.iter().cloned()))
        .collect()
}

/// Group reports by a detail value into versions.
fn versions(
    items: Vec<(String, &Event)>,
    articles: &[ArticleMeta],
    quotes: &[(ArticleId, Quote)],
) -> Vec<Version> {
    let mut by: BTreeMap<String, Version> = BTreeMap::new();
    for (val, e) in items {
        let v = by.entry(val.clone()).or_insert_with(|| Version {
            value: val.clone(),
            article_ids: Vec::new(),
            sources: Vec::new(),
            languages: Vec::new(),
            said_by: Vec::new(),
            sentences: Vec::new(),
        });
        let aid = e.provenance.article_id;
        if !v.article_ids.contains(&aid) {
            v.article_ids.push(aid);
        }
        if let Some(m) = meta_of(articles, aid) {
            if let Some(s) = &m.source
                && !v.sources.contains(s)
            {
                v.sources.push(s.clone());
            }
            if !m.lang.is_empty() && !v.languages.contains(&m.lang) {
                v.languages.push(m.lang.clone());
            }
        }
        for a in said_by(e, quotes) {
            if !v.said_by.iter().any(|x| x.text == a.text) {
                v.said_by.push(a);
            }
        }
        if !v.sentences.contains(&e.provenance.sentence) {
            v.sentences.push(e.provenance.sentence.clone());
        }
    }
    by.into_values().collect()
}

fn fmt_qty(o: &EventObject) -> String {
    let q = o.quantity.map(|q| {
        if q.fract() == 0.0 {
            format!("{q:.0}")
        } else {
            format!("{q}")
        }
    });
    match (q, &o.concept) {
        (Some(q), Some(c)) => format!("{q} {c} ({})", o.text),
        (None, Some(c)) => format!("{c} ({})", o.text),
        _ => o.text.clone(),
    }
}

fn actor_list(v: &[Actor]) -> String {
    let mut names: Vec<String> = v
        .iter()
        .map(|a| a.canonical.clone().unwrap_or_else(|| a.text.clone()))
        .collect();
    names.sort();
    names.dedup();
    names.join(", ")
}

fn describe(m: &MergedEvent) -> String {
    let mut s = m.typ.to_string();
    if let Some(md) = &m.mode {
        s.push('/');
        s.push_str(md);
    }
    format!("{s} {} → {}", actor_list(&m.source), actor_list(&m.target))
}

/// Details that differ between sources within each merged event, negation
/// conflicts between merged events about the same thing, and claims only one
/// source makes (when more than one article is involved).
pub fn differences(
    merged: &[MergedEvent],
    quotes: &[(ArticleId, Quote)],
    articles: &[ArticleMeta],
) -> Vec<Difference> {
    let mut out = Vec::new();
    let all_articles: BTreeSet<ArticleId> = merged
        .iter()
        .flat_map(|m| m.article_ids.iter().copied())
        .collect();
    for m in merged {
        if m.article_ids.len() >= 2 {
            // Quantities of the same concept.
            let mut concepts: BTreeMap<String, Vec<(String, &Event)>> = BTreeMap::new();
            for r in &m.reports {
                for o in &r.objects {
                    if let (Some(c), Some(_)) = (&o.concept, o.quantity) {
                        concepts.entry(c.clone()).or_default().push((fmt_qty(o), r));
                    }
                }
            }
            for (c, items) in concepts {
                let qs: BTreeSet<String> = items
                    .iter()
                    .map(|(v, _)| v.split_whitespace().next().unwrap_or("").to_string())
                    .collect();
                let arts: BTreeSet<ArticleId> =
                    items.iter().map(|(_, e)| e.provenance.article_id).collect();
                if qs.len() >= 2 && arts.len() >= 2 {
                    let vs = versions(items, articles, quotes);
                    out.push(Difference {
                        kind: "quantity".into(),
                        event_ids: vec![m.id.clone()],
                        summary: format!(
                            "{}: how many {c}? {}",
                            describe(m),
                            vs.iter()
                                .map(|v| v.value.as_str())
                                .collect::<Vec<_>>()
                                .join(" vs ")
                        ),
                        versions: vs,
                    });
                }
            }
            // Dates.
            let dated: Vec<(String, &Event)> = m
                .reports
                .iter()
                .filter_map(|r| r.date.clone().map(|d| (d, r)))
                .collect();
            let ds: BTreeSet<&String> = dated.iter().map(|(d, _)| d).collect();
            let conflicting = ds.iter().any(|a| {
                ds.iter()
                    .any(|b| !a.starts_with(b.as_str()) && !b.starts_with(a.as_str()))
            });
            if conflicting {
                let vs = versions(dated, articles, quotes);
                out.push(Difference {
                    kind: "date".into(),
                    event_ids: vec![m.id.clone()],
                    summary: format!(
                        "{}: when? {}",
                        describe(m),
                        vs.iter()
                            .map(|v| v.value.as_str())
                            .collect::<Vec<_>>()
                            .join(" vs ")
                    ),
                    versions: vs,
                });
            }
            // Places.
            let placed: Vec<(String, &Event)> = m
                .reports
                .iter()
                .filter_map(|r| {
                    r.place
                        .as_ref()
                        .map(|p| (p.canonical.clone().unwrap_or_else(|| p.text.clone()), r))
                })
                .collect();
            let distinct = placed.iter().any(|(_, a)| {
                placed.iter().any(|(_, b)| match (&a.place, &b.place) {
                    (Some(x), Some(y)) => places_disagree(x, y),
                    _ => false,
                })
            });
            if distinct {
                let vs = versions(placed, articles, quotes);
                out.push(Difference {
                    kind: "place".into(),
                    event_ids: vec![m.id.clone()],
                    summary: format!(
                        "{}: where? {}",
                        describe(m),
                        vs.iter()
                            .map(|v| v.value.as_str())
                            .collect::<Vec<_>>()
                            .join(" vs ")
                    ),
                    versions: vs,
                });
            }
            // Participants: the people each article names on either side
            // of the event (so "Kim met Putin" and "Putin met Kim" agree).
            // Two articles that each name two or more people, not the same
            // ones, differ ("Putin and Kim" vs "Putin, Kim and Shoigu").
            // Only people count: "Pyongyang", "North Korea" and "Kim
            // Jong-un" are one side told by metonymy, not a disagreement.
            let mut people: BTreeMap<ArticleId, Vec<Actor>> = BTreeMap::new();
            for r in &m.reports {
                let list = people.entry(r.provenance.article_id).or_default();
                for a in persons(&r.source).into_iter().chain(persons(&r.target)) {
                    if !list.iter().any(|x| same_actor(x, a)) {
                        list.push(a.clone());
                    }
                }
            }
            let lacks =
                |a: &[Actor], b: &[Actor]| a.iter().any(|x| !b.iter().any(|y| same_actor(x, y)));
            let named: Vec<&Vec<Actor>> = people.values().filter(|p| p.len() >= 2).collect();
            let disjoint = named.iter().any(|a| named.iter().any(|b| lacks(a, b)));
            if disjoint {
                let items: Vec<(String, &Event)> = m
                    .reports
                    .iter()
                    .filter_map(|r| {
                        let p = people.get(&r.provenance.article_id)?;
                        (p.len() >= 2).then(|| (actor_list(p), r))
                    })
                    .collect();
                let vs = versions(items, articles, quotes);
                out.push(Difference {
                    kind: "participants".into(),
                    event_ids: vec![m.id.clone()],
                    summary: format!(
                        "{}: with whom? {}",
                        describe(m),
                        vs.iter()
                            .map(|v| v.value.as_str())
                            .collect::<Vec<_>>()
                            .join(" vs ")
                    ),
                    versions: vs,
                });
            }
        }
    }
    // Negated vs asserted/intended about the same thing (e.g. a visit).
    let topic = |m: &MergedEvent| -> String {
        match m.mode.as_deref() {
            Some("visit" | "invite" | "accept-invitation") => "visit".into(),
            Some("meet" | "host") | None if m.typ == "CONSULT" => "visit".into(),
            _ => m.typ.clone(),
        }
    };
    for (i, a) in merged.iter().enumerate() {
        if a.modality != Modality::Negated {
            continue;
        }
        let ev_a: Vec<&Event> = a.reports.iter().collect();
        for b in merged.iter().filter(|b| b.id != a.id) {
            if b.modality == Modality::Negated
                || topic(a) != topic(b)
                || !contradicts_denial(a.mode.as_deref(), b.mode.as_deref())
            {
                continue;
            }
            // The denied actor must be the one doing it in the other report:
            // "no plan for Putin to visit" is answered by Putin's visit or
            // his acceptance, not by Kim's visit to Russia.
            let overlap = ev_a.iter().any(|x| {
                b.reports.iter().any(|y| {
                    let px = persons(&x.source);
                    if px.is_empty() {
                        actors_overlap(x, y)
                    } else {
                        let py = persons(&y.source);
                        px.iter().any(|p| py.iter().any(|q| same_actor(p, q)))
                    }
                })
            });
            if !overlap {
                continue;
            }
            let mut items: Vec<(String, &Event)> = a
                .reports
                .iter()
                .map(|r| (format!("negated: {}", r.trigger), r))
                .collect();
            items.extend(b.reports.iter().map(|r| {
                let how = match r.modality {
                    Modality::Asserted => "asserted",
                    Modality::Intended => "intended",
                    Modality::Possible => "possible",
                    Modality::Negated => "negated",
                };
                (
                    format!("{how}: {}", r.mode.as_deref().unwrap_or(&r.trigger)),
                    r,
                )
            }));
            let vs = versions(items, articles, quotes);
            out.push(Difference {
                kind: "assertion".into(),
                event_ids: vec![a.id.clone(), b.id.clone()],
                summary: format!("{} denied vs {}", describe(a), describe(b)),
                versions: vs,
            });
            let _ = i;
        }
    }
    // Claims only one source makes.
    if all_articles.len() >= 2 {
        for m in merged {
            if m.article_ids.len() == 1
                && m.modality != Modality::Negated
                && !(m.source.is_empty() && m.target.is_empty())
            {
                let items: Vec<(String, &Event)> =
                    m.reports.iter().map(|r| (describe(m), r)).collect();
                out.push(Difference {
                    kind: "single-source".into(),
                    event_ids: vec![m.id.clone()],
                    summary: format!("only one source: {}", describe(m)),
                    versions: versions(items, articles, quotes),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_compatible_with_its_iso_week_only() {
        let d = |s: &str| Some(s.to_string());
        // 2024-01-16 is the Tuesday of ISO week 3 of 2024 (15–21 January).
        assert!(dates_compatible(&d("2024-01-16"), &d("2024-W03")));
        assert!(dates_compatible(&d("2024-W03"), &d("2024-01-21")));
        assert!(!dates_compatible(&d("2024-01-14"), &d("2024-W03")));
        assert!(!dates_compatible(&d("2024-01-16"), &d("2023-W03")));
        assert!(dates_compatible(&d("2024-01"), &d("2024-01-16")));
        assert!(!dates_compatible(&d("2023-09-12"), &d("2023-09-13")));
    }
}
