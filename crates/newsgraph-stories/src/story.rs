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

/// Features of a batch of articles in assignment order: by publication day
/// (`published`, else the analysis's `dct`), then id; an undated article
/// takes the day of its most similar dated article of the batch when that
/// pair scores as the same event (O(undated × dated) pairwise scores, IDF
/// over the batch); still undated ones come last, by id.
pub fn batch_features(
    items: &[(Article, Option<Analysis>)],
    cfg: &ClusterConfig,
    model: &SimilarityModel,
) -> Vec<ArticleFeatures> {
    let days: Vec<Option<i64>> = items
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
    let undated: Vec<usize> = (0..feats.len()).filter(|&i| days[i].is_none()).collect();
    let dated: Vec<usize> = (0..feats.len()).filter(|&i| days[i].is_some()).collect();
    if !undated.is_empty() && !dated.is_empty() {
        let mut df = DocFreq::new();
        for f in &feats {
            df.add(&f.profile);
        }
        let weighted: Vec<crate::profile::Weighted> = feats
            .iter()
            .map(|f| crate::profile::Weighted::new(&f.profile, &df))
            .collect();
        for &i in &undated {
            let best = dated
                .iter()
                .map(|&j| {
                    let s = crate::cluster::pair_score(model, cfg, &weighted[i], &weighted[j]);
                    (j, s)
                })
                .max_by(|x, y| x.1.total_cmp(&y.1).then(y.0.cmp(&x.0)));
            if let Some((j, s)) = best
                && s >= cfg.join_threshold
            {
                feats[i].day = days[j];
            }
        }
    }
    feats.sort_by_key(|f| (f.day.is_none(), f.day.unwrap_or(0), f.id));
    feats
}

/// What one incremental step changed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Update {
    /// Clusters whose stories must be (re)written, as they are now (a live
    /// cluster with the storyline it would join if finished now).
    pub clusters: Vec<ClusterOut>,
    /// Stories to delete: clusters merged into another or emptied.
    pub removed: Vec<u64>,
}

/// The incremental stories engine: the streaming [`Clusterer`] plus what was
/// last written for each live cluster, so that one step reports only the
/// stories that changed. Story ids are cluster ids and storyline ids the
/// clusterer's: stable while the cluster lives and after it is finished.
#[derive(Clone)]
pub struct StoryEngine {
    clusterer: Clusterer,
    /// Live cluster id → (members with join scores, storyline, merged) as
    /// last reported.
    written: BTreeMap<u64, Written>,
}

type Written = (Vec<(ArticleId, f64)>, u64, Vec<u64>);

fn written_of(c: &ClusterOut) -> Written {
    (c.members.clone(), c.storyline, c.merged.clone())
}

impl StoryEngine {
    /// A new, empty engine.
    pub fn new(cfg: ClusterConfig, model: SimilarityModel) -> Self {
        StoryEngine {
            clusterer: Clusterer::new(cfg, model),
            written: BTreeMap::new(),
        }
    }

    /// The clusterer.
    pub fn clusterer(&self) -> &Clusterer {
        &self.clusterer
    }

    /// The state as bytes (see [`Clusterer::save`]).
    pub fn save(&self) -> Vec<u8> {
        let c = self.clusterer.save();
        let w: Vec<(&u64, &Written)> = self.written.iter().collect();
        let w = serde_json::to_vec(&w).unwrap_or_default();
        let mut out = Vec::with_capacity(8 + c.len() + w.len());
        out.extend_from_slice(&(c.len() as u64).to_le_bytes());
        out.extend_from_slice(&c);
        out.extend_from_slice(&w);
        out
    }

    /// The engine of [`StoryEngine::save`]'s bytes.
    pub fn restore(bytes: &[u8], model: SimilarityModel) -> Result<Self, crate::StoriesError> {
        let bad = || crate::StoriesError::Input("stories engine state: truncated".into());
        let n = bytes
            .get(0..8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_le_bytes)
            .ok_or_else(bad)? as usize;
        let c = bytes.get(8..8usize.saturating_add(n)).ok_or_else(bad)?;
        let clusterer = Clusterer::restore(c, model)?;
        let w: Vec<(u64, Written)> = serde_json::from_slice(&bytes[8 + n..])
            .map_err(|e| crate::StoriesError::Input(format!("stories engine state: {e}")))?;
        Ok(StoryEngine {
            clusterer,
            written: w.into_iter().collect(),
        })
    }

    /// One step: take `changed` articles (already assigned, now re-dated or
    /// re-analysed) out of their live clusters, assign `feats` (new and
    /// changed articles, in assignment order, see [`batch_features`]), and
    /// report every cluster whose story differs from what was last
    /// reported. Cost: the batch and the live window, not the archive.
    pub fn step(&mut self, changed: &[ArticleFeatures], feats: &[ArticleFeatures]) -> Update {
        let mut up = Update::default();
        for f in changed {
            if let Some((cid, emptied)) = self.clusterer.remove(f)
                && emptied
            {
                up.removed.push(cid);
            }
        }
        // IDF over the store as it is after this batch (changed articles
        // were counted when they first came)
        let again: BTreeSet<ArticleId> = changed.iter().map(|c| c.id).collect();
        self.clusterer.prime_df(
            feats
                .iter()
                .filter(|f| !again.contains(&f.id))
                .map(|f| &f.profile),
        );
        let mut finished = Vec::new();
        for f in feats {
            let a = self.clusterer.add(f);
            if let Some(m) = a.merged {
                up.removed.push(m);
            }
            finished.extend(self.clusterer.take_finished());
        }
        for c in finished.into_iter().chain(self.clusterer.live_view()) {
            let w = written_of(&c);
            if self.written.get(&c.id) != Some(&w) {
                self.written.insert(c.id, w);
                up.clusters.push(c);
            }
        }
        // only live clusters can change again
        let live: BTreeSet<u64> = self.clusterer.live_ids().into_iter().collect();
        self.written.retain(|id, _| live.contains(id));
        up.removed.sort_unstable();
        up.removed.dedup();
        up.removed.retain(|id| !live.contains(id));
        up.clusters.sort_by_key(|c| c.id);
        up
    }
}

/// Re-cluster a whole archive: one [`StoryEngine`] step over every article
/// (in [`batch_features`] order). Returns the stories (ids = cluster ids),
/// storylines and the engine (to save, so that ingest goes on from it).
pub fn recluster(
    items: &[(Article, Option<Analysis>)],
    cfg: ClusterConfig,
    model: SimilarityModel,
) -> (Vec<BuiltStory>, Vec<Storyline>, StoryEngine) {
    let feats = batch_features(items, &cfg, &model);
    let mut engine = StoryEngine::new(cfg.clone(), model.clone());
    let up = engine.step(&[], &feats);
    let df = engine.clusterer().doc_freq().clone();
    let stories = build_stories(items, &feats, &df, &model, &cfg, &up.clusters);
    let storylines = storylines_of(stories.iter().map(|b| &b.story));
    (stories, storylines, engine)
}

/// Stories of clusters (ids = cluster ids, storyline ids = the
/// clusterer's, none for storyline 0), ordered by id. `items` and `feats`
/// must hold every member; `df` weighs the `why` scores.
pub fn build_stories(
    items: &[(Article, Option<Analysis>)],
    feats: &[ArticleFeatures],
    df: &DocFreq,
    model: &SimilarityModel,
    cfg: &ClusterConfig,
    outs: &[ClusterOut],
) -> Vec<BuiltStory> {
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
    let mut stories = Vec::with_capacity(outs.len());
    for c in outs {
        let id = c.id as i64;
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
            storyline_id: (c.storyline != 0).then_some(c.storyline as i64),
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
    stories.sort_by_key(|b| b.story.id);
    stories
}

/// Storylines of stories (each story counted in its `storyline_id`):
/// title of its first story, story ids, start, end, top entities.
pub fn storylines_of<'a>(stories: impl IntoIterator<Item = &'a Story>) -> Vec<Storyline> {
    let mut storylines: BTreeMap<i64, Storyline> = BTreeMap::new();
    let mut sorted: Vec<&Story> = stories.into_iter().collect();
    sorted.sort_by_key(|s| s.id);
    for b in sorted {
        let Some(sid) = b.storyline_id else {
            continue;
        };
        let s = storylines.entry(sid).or_insert_with(|| Storyline {
            id: sid,
            title: b.title.clone(),
            story_ids: Vec::new(),
            start: None,
            end: None,
            top_entities: Vec::new(),
        });
        s.story_ids.push(b.id);
        s.start = match (&s.start, &b.start) {
            (Some(x), Some(y)) => Some(x.min(y).clone()),
            (x, y) => x.clone().or(y.clone()),
        };
        s.end = match (&s.end, &b.end) {
            (Some(x), Some(y)) => Some(x.max(y).clone()),
            (x, y) => x.clone().or(y.clone()),
        };
        for e in &b.top_entities {
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
    storylines
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
        let (stories, storylines, _) = recluster(&items, ClusterConfig::default(), model);
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

    /// Articles of three events over two weeks, in publication order.
    fn stream() -> Vec<(Article, Option<Analysis>)> {
        let texts = [
            (
                "en",
                "2023-09-13",
                "Kim Jong Un met Vladimir Putin at the Vostochny cosmodrome. The North Korean leader arrived by armoured train in the Amur region.",
            ),
            (
                "de",
                "2023-09-13",
                "Kim Jong Un traf Wladimir Putin am Weltraumbahnhof Wostotschny. Der nordkoreanische Machthaber kam mit seinem Panzerzug in die Region Amur.",
            ),
            (
                "en",
                "2023-09-13",
                "Floods in Libya: thousands dead in Derna after two dams burst during storm Daniel, the Red Crescent said.",
            ),
            (
                "en",
                "2023-09-14",
                "Putin and Kim Jong Un held talks at the Vostochny cosmodrome; the North Korean leader toured the launch site in the Amur region.",
            ),
            (
                "en",
                "2023-09-14",
                "Derna floods: the death toll in Libya rises as rescuers search for thousands missing after the dams burst in storm Daniel.",
            ),
            (
                "de",
                "2023-09-15",
                "Libyen: Nach dem Dammbruch in Derna durch den Sturm Daniel werden Tausende Menschen vermisst, die Zahl der Toten steigt.",
            ),
            (
                "en",
                "2023-09-27",
                "The Bank of England held interest rates at 5.25 percent, its first pause after fourteen consecutive rises, governor Andrew Bailey said.",
            ),
            (
                "en",
                "2023-09-28",
                "Andrew Bailey defended the Bank of England decision to hold rates at 5.25 percent after fourteen rises in a row.",
            ),
        ];
        texts
            .iter()
            .enumerate()
            .map(|(i, (l, d, t))| (article(i as i64 + 1, l, Some(d), "", t), None))
            .collect()
    }

    fn partition(stories: &[BuiltStory]) -> Vec<(i64, Vec<i64>)> {
        let mut p: Vec<(i64, Vec<i64>)> = stories
            .iter()
            .map(|b| (b.story.id, b.story.article_ids.clone()))
            .collect();
        p.sort();
        p
    }

    /// Apply engine updates to a map of stories, as the store does.
    fn apply(
        items: &[(Article, Option<Analysis>)],
        engine: &StoryEngine,
        up: &Update,
        stories: &mut BTreeMap<i64, Vec<i64>>,
    ) {
        let cfg = engine.clusterer().config().clone();
        let model = SimilarityModel::embedded().unwrap();
        let feats = batch_features(items, &cfg, &model);
        let built = build_stories(
            items,
            &feats,
            engine.clusterer().doc_freq(),
            &model,
            &cfg,
            &up.clusters,
        );
        for id in &up.removed {
            stories.remove(&(*id as i64));
        }
        for b in built {
            stories.insert(b.story.id, b.story.article_ids);
        }
    }

    #[test]
    fn batches_give_the_stories_of_one_pass_with_stable_ids() {
        let items = stream();
        let model = SimilarityModel::embedded().unwrap();
        let (all, _, _) = recluster(&items, ClusterConfig::default(), model.clone());
        let whole = partition(&all);
        let of = |id: i64| whole.iter().find(|s| s.1.contains(&id)).map(|s| s.0);
        assert_eq!(of(1), of(2));
        assert_eq!(of(1), of(4));
        assert_eq!(of(3), of(5));
        assert_eq!(of(3), of(6));
        assert_eq!(of(7), of(8));
        assert_ne!(of(1), of(3));
        assert_ne!(of(1), of(7));
        // the same stream in three batches, the engine saved and restored
        // between them as ingest does
        let mut engine = StoryEngine::new(ClusterConfig::default(), model.clone());
        let mut stories: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        let mut ids_after_first = Vec::new();
        for (n, range) in [0..3, 3..5, 5..8].into_iter().enumerate() {
            let batch = &items[range];
            let feats = batch_features(batch, engine.clusterer().config(), &model);
            let up = engine.step(&[], &feats);
            apply(&items, &engine, &up, &mut stories);
            if n == 0 {
                ids_after_first = stories.keys().copied().collect();
            }
            engine = StoryEngine::restore(&engine.save(), model.clone()).unwrap();
        }
        let batched: Vec<(i64, Vec<i64>)> = stories.into_iter().collect();
        assert_eq!(batched, whole);
        // stories of the first batch kept their ids
        for id in ids_after_first {
            assert!(batched.iter().any(|s| s.0 == id), "story {id} lost its id");
        }
    }

    #[test]
    fn a_changed_article_is_reassigned() {
        let items = stream();
        let model = SimilarityModel::embedded().unwrap();
        let mut engine = StoryEngine::new(ClusterConfig::default(), model.clone());
        let feats = batch_features(&items[..6], engine.clusterer().config(), &model);
        let mut stories = BTreeMap::new();
        let up = engine.step(&[], &feats);
        apply(&items, &engine, &up, &mut stories);
        let flood = |s: &BTreeMap<i64, Vec<i64>>| s.values().find(|m| m.contains(&3)).cloned();
        assert_eq!(flood(&stories), Some(vec![3, 5, 6]));
        // article 5 turns out to be about the summit (say, re-analysed)
        let mut changed = items.clone();
        changed[4].0.text = items[3].0.text.replace("toured", "visited");
        let f = batch_features(&changed[4..5], engine.clusterer().config(), &model);
        let up = engine.step(&f, &f);
        apply(&changed, &engine, &up, &mut stories);
        assert_eq!(flood(&stories), Some(vec![3, 6]));
        let summit = stories.values().find(|m| m.contains(&1)).cloned();
        assert_eq!(summit, Some(vec![1, 2, 4, 5]));
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
            anchor: None,
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
