//! From clusters to stories: re-clustering a whole archive, story titles,
//! top entities, per-member explanations (`why`) and timelines.

use crate::cluster::{ArticleFeatures, ClusterConfig, ClusterOut, Clusterer, day_number, iso_date};
use crate::profile::DocFreq;
use crate::similarity::SimilarityModel;
use crate::text::{fold, words};
use newsgraph_model::{
    Analysis, Article, ArticleId, EntityRef, EntityType, Story, Storyline, TimexType,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Why one article is in its story.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhyMember {
    pub article_id: ArticleId,
    /// Score it joined the cluster with (1.0 for the article that opened it).
    pub join_score: f64,
    /// The most similar other member and the pairwise score.
    pub closest: Option<(ArticleId, f64)>,
    /// Canonical entities it shares with other members.
    pub shared_entities: Vec<String>,
    /// Resolved dates it shares with other members.
    pub shared_dates: Vec<String>,
    /// Names and numbers (as written, folded) it shares with other members.
    pub shared_terms: Vec<String>,
}

/// One dated statement of a story's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// TIMEX3 value (`2023-09-13`, `2023-09`, `2024`).
    pub date: String,
    /// `statement` (a sentence with a resolved date) or `event`.
    pub kind: String,
    pub text: String,
    pub article_ids: Vec<ArticleId>,
    pub languages: Vec<String>,
    pub sources: Vec<String>,
}

/// A story with what `newsgraph story ID` shows besides the [`Story`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuiltStory {
    pub story: Story,
    pub why: Vec<WhyMember>,
    pub timeline: Vec<TimelineEntry>,
}

/// The publication day of an article: its `published` date, else the
/// analysis's document creation time.
pub fn article_day(a: &Article, an: Option<&Analysis>) -> Option<i64> {
    a.published
        .as_deref()
        .and_then(day_number)
        .or_else(|| an.and_then(|x| x.dct.as_deref()).and_then(day_number))
}

fn is_calendar_value(v: &str) -> bool {
    let b = v.as_bytes();
    let ok = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    match b.len() {
        4 => (0..4).all(ok),
        7 => (0..4).all(ok) && b[4] == b'-' && ok(5) && ok(6),
        10 => (0..4).all(ok) && b[4] == b'-' && ok(5) && ok(6) && b[7] == b'-' && ok(8) && ok(9),
        _ => false,
    }
}

fn name_strings(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for w in words(text) {
        if w.numeric {
            let d: String = w.lower.chars().filter(char::is_ascii_digit).collect();
            if d.len() >= 2 {
                out.insert(d);
            }
        } else if w.capitalised && !w.sentence_initial && w.lower.chars().count() > 2 {
            let f = fold(&w.lower);
            if f.len() > 2 {
                out.insert(f);
            }
        }
    }
    out
}

/// Re-cluster a whole archive: articles are sorted by publication day
/// (undated last, then by id), IDF is primed with every article, and the
/// streaming [`Clusterer`] runs over them. Returns stories (numbered from 1
/// by start date) and storylines (numbered from 1).
pub fn recluster(
    items: &[(Article, Option<Analysis>)],
    cfg: ClusterConfig,
    model: SimilarityModel,
) -> (Vec<BuiltStory>, Vec<Storyline>) {
    let mut days: Vec<Option<i64>> = items
        .iter()
        .map(|(a, an)| article_day(a, an.as_ref()))
        .collect();
    let mut feats: Vec<ArticleFeatures> = items
        .iter()
        .zip(&days)
        .map(|((a, an), d)| {
            let mut f = ArticleFeatures::from_analysis(a, an.as_ref());
            f.day = *d;
            f
        })
        .collect();
    let mut df = DocFreq::new();
    for f in &feats {
        df.add(&f.profile);
    }
    // An undated article takes the day of its most similar dated article
    // when that pair scores as the same event; otherwise it stays undated
    // (and is assigned last). O(undated × dated) pairwise scores.
    let weighted: Vec<crate::profile::Weighted> = feats
        .iter()
        .map(|f| crate::profile::Weighted::new(&f.profile, &df))
        .collect();
    let dated: Vec<usize> = (0..feats.len()).filter(|&i| days[i].is_some()).collect();
    let mut inferred = days.clone();
    for i in (0..feats.len()).filter(|&i| days[i].is_none()) {
        let best = dated
            .iter()
            .map(|&j| {
                let s = crate::cluster::pair_score(&model, &cfg, &weighted[i], &weighted[j]);
                (j, s)
            })
            .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
        if let Some((j, s)) = best
            && s >= cfg.join_threshold
        {
            inferred[i] = days[j];
        }
    }
    days = inferred;
    for (f, d) in feats.iter_mut().zip(&days) {
        f.day = *d;
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (days[i].is_none(), days[i].unwrap_or(0), items[i].0.id));
    let feats: Vec<ArticleFeatures> = order.iter().map(|&i| feats[i].clone()).collect();
    let mut clusterer = Clusterer::new(cfg.clone(), model.clone());
    clusterer.prime_df(feats.iter().map(|f| &f.profile));
    let mut outs: Vec<ClusterOut> = Vec::new();
    for f in &feats {
        clusterer.add(f);
        outs.extend(clusterer.take_finished());
    }
    outs.extend(clusterer.flush());
    build(items, &feats, &df, &model, &cfg, outs)
}

fn build(
    items: &[(Article, Option<Analysis>)],
    feats: &[ArticleFeatures],
    df: &DocFreq,
    model: &SimilarityModel,
    cfg: &ClusterConfig,
    mut outs: Vec<ClusterOut>,
) -> (Vec<BuiltStory>, Vec<Storyline>) {
    let by_id: HashMap<ArticleId, usize> = items
        .iter()
        .enumerate()
        .map(|(i, (a, _))| (a.id, i))
        .collect();
    let feat_of: HashMap<ArticleId, &ArticleFeatures> = feats.iter().map(|f| (f.id, f)).collect();
    // entity id → (canonical, type)
    let mut ent_names: HashMap<String, (String, EntityType)> = HashMap::new();
    for (_, an) in items {
        if let Some(an) = an {
            for m in &an.mentions {
                ent_names
                    .entry(m.entity_id.clone())
                    .or_insert((m.canonical.clone(), m.typ));
            }
            for p in &an.places {
                ent_names
                    .entry(p.entity_id.clone())
                    .or_insert((p.canonical.clone(), EntityType::LOC));
            }
        }
    }
    let start_of = |c: &ClusterOut| {
        c.members
            .iter()
            .filter_map(|(m, _)| feat_of.get(m).and_then(|f| f.day))
            .min()
    };
    outs.sort_by_key(|c| {
        let first = c.members.iter().map(|m| m.0).min().unwrap_or(0);
        (start_of(c).is_none(), start_of(c).unwrap_or(0), first)
    });
    // storyline numbering in order of first appearance
    let mut sl_num: BTreeMap<u64, i64> = BTreeMap::new();
    for c in &outs {
        if c.storyline != 0 && !sl_num.contains_key(&c.storyline) {
            let n = sl_num.len() as i64 + 1;
            sl_num.insert(c.storyline, n);
        }
    }
    let mut stories = Vec::with_capacity(outs.len());
    for (i, c) in outs.iter().enumerate() {
        let id = i as i64 + 1;
        let mut members: Vec<ArticleId> = c.members.iter().map(|m| m.0).collect();
        members.sort_unstable();
        let arts: Vec<&(Article, Option<Analysis>)> = members
            .iter()
            .filter_map(|m| by_id.get(m).map(|&i| &items[i]))
            .collect();
        // title: the earliest member's title, else its first words
        let title = arts
            .iter()
            .min_by_key(|(a, an)| (article_day(a, an.as_ref()).unwrap_or(i64::MAX), a.id))
            .map(|(a, _)| {
                if a.title.trim().is_empty() {
                    a.text
                        .chars()
                        .take(100)
                        .collect::<String>()
                        .trim()
                        .to_string()
                } else {
                    a.title.trim().to_string()
                }
            })
            .unwrap_or_default();
        let days: Vec<i64> = members
            .iter()
            .filter_map(|m| feat_of.get(m).and_then(|f| f.day))
            .collect();
        let top_entities: Vec<EntityRef> = c
            .entities
            .iter()
            .filter_map(|(e, n)| {
                ent_names.get(e).map(|(canon, typ)| EntityRef {
                    id: e.clone(),
                    canonical: canon.clone(),
                    typ: *typ,
                    count: u64::from(*n),
                })
            })
            .take(10)
            .collect();
        let story = Story {
            id,
            title,
            article_ids: members.clone(),
            languages: c.languages.clone(),
            sources: c.sources.clone(),
            start: days.iter().min().map(|d| iso_date(*d)),
            end: days.iter().max().map(|d| iso_date(*d)),
            storyline_id: sl_num.get(&c.storyline).copied(),
            top_entities,
        };
        let why = explain(c, &arts, &feat_of, df, model, cfg, &ent_names);
        let timeline = timeline(&arts);
        stories.push(BuiltStory {
            story,
            why,
            timeline,
        });
    }
    let mut storylines: BTreeMap<i64, Storyline> = BTreeMap::new();
    for b in &stories {
        let Some(sid) = b.story.storyline_id else {
            continue;
        };
        let s = storylines.entry(sid).or_insert_with(|| Storyline {
            id: sid,
            title: b.story.title.clone(),
            story_ids: Vec::new(),
            start: None,
            end: None,
            top_entities: Vec::new(),
        });
        s.story_ids.push(b.story.id);
        s.start = match (&s.start, &b.story.start) {
            (Some(x), Some(y)) => Some(x.min(y).clone()),
            (x, y) => x.clone().or(y.clone()),
        };
        s.end = match (&s.end, &b.story.end) {
            (Some(x), Some(y)) => Some(x.max(y).clone()),
            (x, y) => x.clone().or(y.clone()),
        };
        for e in &b.story.top_entities {
            match s.top_entities.iter_mut().find(|x| x.id == e.id) {
                Some(x) => x.count += e.count,
                None => s.top_entities.push(e.clone()),
            }
        }
    }
    let mut storylines: Vec<Storyline> = storylines.into_values().collect();
    for s in &mut storylines {
        s.top_entities
            .sort_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(&b.id)));
        s.top_entities.truncate(10);
    }
    (stories, storylines)
}

/// A member's id, entity ids, calendar dates and name/number strings.
type MemberSets = (
    ArticleId,
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeSet<String>,
);

fn explain(
    c: &ClusterOut,
    arts: &[&(Article, Option<Analysis>)],
    feat_of: &HashMap<ArticleId, &ArticleFeatures>,
    df: &DocFreq,
    model: &SimilarityModel,
    cfg: &ClusterConfig,
    ent_names: &HashMap<String, (String, EntityType)>,
) -> Vec<WhyMember> {
    let join: HashMap<ArticleId, f64> = c.members.iter().copied().collect();
    let per: Vec<MemberSets> = arts
        .iter()
        .map(|(a, an)| {
            let ents: BTreeSet<String> = an
                .iter()
                .flat_map(|x| x.mentions.iter().map(|m| m.entity_id.clone()))
                .collect();
            let dates: BTreeSet<String> = an
                .iter()
                .flat_map(|x| x.timexes.iter())
                .filter(|t| t.typ == TimexType::Date && is_calendar_value(&t.value))
                .map(|t| t.value.clone())
                .collect();
            (
                a.id,
                ents,
                dates,
                name_strings(&format!("{}\n{}", a.title, a.text)),
            )
        })
        .collect();
    let shared = |i: usize, pick: fn(&MemberSets) -> &BTreeSet<String>| -> Vec<String> {
        pick(&per[i])
            .iter()
            .filter(|x| {
                per.iter()
                    .enumerate()
                    .any(|(j, p)| j != i && pick(p).contains(*x))
            })
            .cloned()
            .collect()
    };
    let weighted: Vec<Option<crate::profile::Weighted>> = per
        .iter()
        .map(|p| {
            feat_of
                .get(&p.0)
                .map(|f| crate::profile::Weighted::new(&f.profile, df))
        })
        .collect();
    let limit = 60;
    (0..per.len())
        .map(|i| {
            let closest = if per.len() <= limit {
                (0..per.len())
                    .filter(|&j| j != i)
                    .filter_map(|j| match (&weighted[i], &weighted[j]) {
                        (Some(a), Some(b)) => {
                            Some((per[j].0, crate::cluster::pair_score(model, cfg, a, b)))
                        }
                        _ => None,
                    })
                    .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)))
            } else {
                None
            };
            let mut terms = shared(i, |p| &p.3);
            terms.truncate(20);
            WhyMember {
                article_id: per[i].0,
                join_score: join.get(&per[i].0).copied().unwrap_or(0.0),
                closest,
                shared_entities: shared(i, |p| &p.1)
                    .into_iter()
                    .map(|e| ent_names.get(&e).map(|x| x.0.clone()).unwrap_or(e))
                    .collect(),
                shared_dates: shared(i, |p| &p.2),
                shared_terms: terms,
            }
        })
        .collect()
}

/// Dated statements of a set of articles: every sentence holding a DATE
/// timex with a calendar value, and every event with a date; identical
/// (date, text) merged across articles, and within an article (a sentence
/// that is both a dated statement and a dated event is one entry of kind
/// `event`); ordered by date.
pub fn timeline(arts: &[&(Article, Option<Analysis>)]) -> Vec<TimelineEntry> {
    let mut map: BTreeMap<(String, String), TimelineEntry> = BTreeMap::new();
    for (a, an) in arts {
        let Some(an) = an else { continue };
        let mut add = |date: &str, kind: &str, text: &str| {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.is_empty() {
                return;
            }
            let e = map
                .entry((date.to_string(), text.clone()))
                .or_insert_with(|| TimelineEntry {
                    date: date.to_string(),
                    kind: kind.to_string(),
                    text,
                    article_ids: Vec::new(),
                    languages: Vec::new(),
                    sources: Vec::new(),
                });
            if kind == "event" {
                e.kind = "event".to_string();
            }
            if !e.article_ids.contains(&a.id) {
                e.article_ids.push(a.id);
            }
            if !e.languages.contains(&a.lang) {
                e.languages.push(a.lang.clone());
            }
            if let Some(s) = &a.source
                && !e.sources.contains(s)
            {
                e.sources.push(s.clone());
            }
        };
        for t in &an.timexes {
            if t.typ != TimexType::Date || !is_calendar_value(&t.value) {
                continue;
            }
            let sentence = an
                .sentences
                .iter()
                .find(|s| s.start <= t.start && t.end <= s.end)
                .map(|s| s.text.as_str())
                .unwrap_or(t.text.as_str());
            add(&t.value, "statement", sentence);
        }
        for ev in &an.events {
            if let Some(d) = ev.date.as_deref().filter(|d| is_calendar_value(d)) {
                add(d, "event", &ev.provenance.sentence);
            }
        }
    }
    map.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsgraph_model::{Mention, Sentence, Timex};

    fn article(id: i64, lang: &str, published: Option<&str>, title: &str, text: &str) -> Article {
        Article {
            id,
            path: None,
            url: None,
            external_id: None,
            title: title.into(),
            lang: lang.into(),
            lang_confidence: 1.0,
            published: published.map(str::to_string),
            published_estimated: false,
            source: Some(format!("src{id}")),
            author: None,
            text: text.into(),
            duplicate_of: None,
            duplicate_score: None,
            format: "text".into(),
            metadata: Default::default(),
            ingested_at: String::new(),
        }
    }

    #[test]
    fn calendar_values() {
        assert!(is_calendar_value("2023-09-13"));
        assert!(is_calendar_value("2023-09"));
        assert!(is_calendar_value("2023"));
        assert!(!is_calendar_value("PAST_REF"));
        assert!(!is_calendar_value("2024-W02"));
    }

    #[test]
    fn recluster_separates_events_in_time_and_links_a_storyline() {
        let summit = "Kim Jong Un met Vladimir Putin at the Vostochny cosmodrome. The North Korean leader arrived by armoured train. Putin accepted an invitation to visit Pyongyang.";
        let summit_de = "Kim Jong Un traf Wladimir Putin am Weltraumbahnhof Wostotschny. Der nordkoreanische Machthaber kam mit seinem Panzerzug. Putin nahm eine Einladung nach Pjöngjang an.";
        let visit = "North Korean foreign minister Choe Son Hui met Vladimir Putin in Moscow. Putin is ready to visit Pyongyang, Kim Jong Un's government said.";
        let visit2 = "Choe Son Hui held talks with Sergei Lavrov and Vladimir Putin in Moscow on North Korea and Russia relations with Kim Jong Un.";
        let flood = "Heavy floods hit Valencia in Spain; dozens of people died after torrential rain on Tuesday.";
        let items = vec![
            (article(1, "en", Some("2023-09-13"), "", summit), None),
            (article(2, "de", Some("2023-09-14"), "", summit_de), None),
            (article(3, "en", Some("2024-01-16"), "", visit), None),
            (article(4, "en", Some("2024-01-17"), "", visit2), None),
            (article(5, "en", Some("2024-01-16"), "", flood), None),
        ];
        let model = SimilarityModel::embedded().unwrap();
        let (stories, storylines) = recluster(&items, ClusterConfig::default(), model);
        let of = |id: i64| {
            stories
                .iter()
                .find(|s| s.story.article_ids.contains(&id))
                .map(|s| s.story.id)
        };
        assert_eq!(of(1), of(2));
        assert_eq!(of(3), of(4));
        assert_ne!(of(1), of(3));
        assert_ne!(of(5), of(3));
        let sl = |id: i64| {
            stories
                .iter()
                .find(|s| s.story.article_ids.contains(&id))
                .and_then(|s| s.story.storyline_id)
        };
        assert!(sl(1).is_some());
        assert_eq!(sl(1), sl(3), "{storylines:?}");
        let s1 = &stories[0].story;
        assert_eq!(s1.start.as_deref(), Some("2023-09-13"));
        assert_eq!(s1.languages, vec!["de".to_string(), "en".to_string()]);
    }

    #[test]
    fn timeline_orders_dated_sentences() {
        let text = "On 13 September they met. Yesterday it rained.";
        let a = article(1, "en", Some("2023-09-14"), "t", text);
        let an = Analysis {
            lang: "en".into(),
            dct: Some("2023-09-14".into()),
            sentences: vec![
                Sentence {
                    start: 0,
                    end: 26,
                    text: "On 13 September they met.".into(),
                },
                Sentence {
                    start: 27,
                    end: 47,
                    text: "Yesterday it rained.".into(),
                },
            ],
            mentions: vec![Mention {
                start: 0,
                end: 0,
                text: String::new(),
                typ: EntityType::PER,
                entity_id: "per:x".into(),
                canonical: "X".into(),
                sentence: 0,
            }],
            places: vec![],
            timexes: vec![
                Timex {
                    start: 27,
                    end: 36,
                    text: "Yesterday".into(),
                    typ: TimexType::Date,
                    value: "2023-09-13".into(),
                    modifier: None,
                },
                Timex {
                    start: 3,
                    end: 15,
                    text: "13 September".into(),
                    typ: TimexType::Date,
                    value: "2023-09-13".into(),
                    modifier: None,
                },
            ],
            events: vec![],
            quotes: vec![],
        };
        // The first sentence also reports a dated event: still one entry.
        let mut an = an;
        an.events.push(newsgraph_model::Event {
            typ: "CONSULT".into(),
            cameo: "04".into(),
            mode: Some("meet".into()),
            source: vec![],
            target: vec![],
            date: Some("2023-09-13".into()),
            place: None,
            modality: Default::default(),
            trigger: "met".into(),
            attributed_to: vec![],
            provenance: newsgraph_model::Provenance {
                article_id: 1,
                start: 21,
                end: 24,
                sentence: "On 13 September they met.".into(),
            },
            objects: vec![],
        });
        let items = [(a, Some(an))];
        let refs: Vec<&(Article, Option<Analysis>)> = items.iter().collect();
        let t = timeline(&refs);
        assert_eq!(t.len(), 2);
        assert!(
            t.iter()
                .all(|e| e.date == "2023-09-13" && e.article_ids == vec![1])
        );
        let met = t
            .iter()
            .find(|e| e.text.ends_with("met."))
            .map(|e| e.kind.as_str());
        assert_eq!(met, Some("event"));
    }
}
