//! Streaming event clustering and storylines.
//!
//! Articles arrive in publication order. Each one is compared (with the
//! pairwise [`SimilarityModel`]) to the centroids of the live clusters that
//! share one of its rarest keys (names / entity ids, numbers and dates,
//! pivot terms) in an inverted index, joins the best one above
//! [`ClusterConfig::join_threshold`] or starts a new cluster. A second
//! candidate that is also very close to the article and to the chosen
//! cluster is merged into it. Clusters that saw no article for
//! [`ClusterConfig::window_days`] leave the live set: they are finished,
//! linked to a storyline (clusters sharing entities and terms over weeks),
//! and handed to the caller. Engine memory is bounded by the live window
//! (plus a capped document-frequency table), not by the archive.
//!
//! Deterministic: the same input order gives the same output.

use crate::profile::{DocFreq, KeyMap, Profile, Sparse, Weighted, dot, overlap};
use crate::similarity::SimilarityModel;
use newsgraph_model::{Analysis, Article, ArticleId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A set of pre-hashed keys (deterministic iteration for a given history).
type KeySet =
    std::collections::HashSet<u64, std::hash::BuildHasherDefault<crate::profile::IdHasher>>;

/// Tunables of the clusterer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterConfig {
    /// Minimal model score to join a cluster.
    pub join_threshold: f64,
    /// Minimal score of the runner-up (to the article) and of the two
    /// centroids (to each other) for a merge.
    pub merge_threshold: f64,
    /// A cluster without a new article for this many days is finished.
    pub window_days: i64,
    /// Keys of an article looked up in the inverted index.
    pub query_keys: usize,
    /// Clusters scored per article (best by shared keys).
    pub max_candidates: usize,
    /// Keys kept per bag in a cluster centroid.
    pub centroid_keys: usize,
    /// Keys of a cluster entered in the inverted index.
    pub index_keys: usize,
    /// Clusters with at most this many members are scored against each
    /// member (single link) instead of their centroid.
    pub small_cluster: usize,
    /// Keys whose posting list is longer than this retrieve nothing
    /// (they are too common to tell clusters apart).
    pub max_postings: usize,
    /// Minimal storyline score for a finished cluster to join a storyline.
    pub storyline_threshold: f64,
    /// A storyline without a new cluster for this many days is closed.
    pub storyline_window_days: i64,
    /// Document-frequency table size that triggers pruning of rare keys.
    pub df_cap: usize,
    /// Log-odds added per unit of event-signature cosine (the same PLOVER
    /// event type with the same actor entity ids, IDF-weighted) when both
    /// sides were analysed. A prior, not fitted: the SemEval sample has
    /// almost no extracted events to fit it on (see docs/stories.md).
    #[serde(default = "default_evidence_weight")]
    pub event_weight: f64,
    /// Log-odds added per unit of resolved-date cosine (full dates, months,
    /// month-days), when both sides were analysed. A prior, like
    /// `event_weight`.
    #[serde(default = "default_evidence_weight")]
    pub date_weight: f64,
}

fn default_evidence_weight() -> f64 {
    1.0
}

/// The clusterer's "same event?" score of two weighted profiles (articles
/// or cluster centroids): the similarity model's log-odds plus, when both
/// were analysed, the event-signature and date agreement terms of `cfg`.
pub fn pair_score(model: &SimilarityModel, cfg: &ClusterConfig, a: &Weighted, b: &Weighted) -> f64 {
    let mut z = model.logit_weighted(a, b);
    if a.analysed && b.analysed {
        z += cfg.event_weight * f64::from(dot(&a.events, &b.events))
            + cfg.date_weight * f64::from(dot(&a.dates, &b.dates));
    }
    crate::similarity::sigmoid(z)
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            join_threshold: 0.5,
            merge_threshold: 0.7,
            window_days: 4,
            query_keys: 24,
            max_candidates: 5,
            centroid_keys: 128,
            index_keys: 48,
            max_postings: 64,
            small_cluster: 3,
            storyline_threshold: 0.25,
            storyline_window_days: 180,
            df_cap: 4_000_000,
            event_weight: default_evidence_weight(),
            date_weight: default_evidence_weight(),
        }
    }
}

/// What the clusterer knows of one article.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFeatures {
    pub id: ArticleId,
    /// Publication day (days since 1970-01-01), if known.
    pub day: Option<i64>,
    pub lang: String,
    pub source: Option<String>,
    /// Text signals, and the analysis signals (entity ids, event
    /// signatures, resolved dates) when analysed.
    pub profile: Profile,
    /// Canonical entity ids with mention counts.
    pub entities: Vec<(String, u32)>,
}

/// Days since 1970-01-01 of an ISO date or date-time prefix (`2023-09-13`,
/// `2023-09-13T10:00:00Z`); `None` if it does not parse.
pub fn day_number(iso: &str) -> Option<i64> {
    let d = iso.get(0..10)?;
    let mut it = d.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let dd: i64 = it.next()?.parse().ok()?;
    if !(1..=12).contains(&m) || !(1..=31).contains(&dd) {
        return None;
    }
    // days from civil (Howard Hinnant)
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// ISO date of a day number.
pub fn iso_date(day: i64) -> String {
    let z = day + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

impl ArticleFeatures {
    /// Features from the text alone (no analysis).
    pub fn from_text(
        id: ArticleId,
        lang: &str,
        text: &str,
        published: Option<&str>,
        source: Option<&str>,
    ) -> Self {
        ArticleFeatures {
            id,
            day: published.and_then(day_number),
            lang: crate::text::base_lang(lang).to_string(),
            source: source.map(str::to_string),
            profile: Profile::new(lang, text),
            entities: Vec::new(),
        }
    }

    /// Features of a stored article and its analysis: the text profile of
    /// title and text, plus canonical entity ids (mentions and place
    /// relations) as name keys and resolved DATE values as number keys.
    pub fn from_analysis(article: &Article, analysis: Option<&Analysis>) -> Self {
        let text = if article.title.is_empty() || article.text.starts_with(&article.title) {
            article.text.clone()
        } else {
            format!("{}\n{}", article.title, article.text)
        };
        let mut f = Self::from_text(
            article.id,
            &article.lang,
            &text,
            article.published.as_deref(),
            article.source.as_deref(),
        );
        if let Some(a) = analysis {
            let mut counts: BTreeMap<String, u32> = BTreeMap::new();
            for m in &a.mentions {
                if !m.entity_id.is_empty() {
                    *counts.entry(m.entity_id.clone()).or_insert(0) += 1;
                }
            }
            for p in &a.places {
                if !p.entity_id.is_empty() {
                    *counts.entry(p.entity_id.clone()).or_insert(0) += 1;
                }
            }
            f.profile.add_analysis(a);
            f.entities = counts.into_iter().collect();
        }
        f
    }
}

/// A finished (or, after [`Clusterer::flush`], final) event cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterOut {
    pub id: u64,
    /// Members in arrival order with the score they joined with (1.0 for
    /// the article that opened the cluster).
    pub members: Vec<(ArticleId, f64)>,
    pub first_day: Option<i64>,
    pub last_day: Option<i64>,
    pub languages: Vec<String>,
    pub sources: Vec<String>,
    /// Entity ids by mention count.
    pub entities: Vec<(String, u32)>,
    pub storyline: u64,
    /// Ids of clusters merged into this one.
    pub merged: Vec<u64>,
}

/// Summed bags of a cluster.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Centroid {
    terms: KeyMap<f32>,
    pivot: KeyMap<f32>,
    lead: KeyMap<f32>,
    chars: KeyMap<f32>,
    names: KeyMap<f32>,
    numbers: KeyMap<f32>,
    entities: KeyMap<f32>,
    events: KeyMap<f32>,
    dates: KeyMap<f32>,
    /// Members with an analysis.
    analysed: u32,
    words: u64,
    docs: u32,
}

fn top(map: &KeyMap<f32>, k: usize) -> Sparse {
    let mut v: Vec<(u64, f32)> = map.iter().map(|(a, b)| (*a, *b)).collect();
    if v.len() > k {
        v.select_nth_unstable_by(k, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        v.truncate(k);
    }
    v.sort_unstable_by_key(|x| x.0);
    v
}

impl Centroid {
    /// Each summed bag with the same bag of an article.
    fn bags_with<'a>(&'a mut self, p: &'a Weighted) -> [(&'a mut KeyMap<f32>, &'a Sparse); 9] {
        [
            (&mut self.terms, &p.terms),
            (&mut self.pivot, &p.pivot),
            (&mut self.lead, &p.lead),
            (&mut self.chars, &p.chars),
            (&mut self.names, &p.names),
            (&mut self.numbers, &p.numbers),
            (&mut self.entities, &p.entities),
            (&mut self.events, &p.events),
            (&mut self.dates, &p.dates),
        ]
    }

    /// Add an article's weighted (TF-IDF, normalised, truncated) bags.
    fn add(&mut self, p: &Weighted) {
        for (m, v) in self.bags_with(p) {
            for (k, c) in v {
                *m.entry(*k).or_insert(0.0) += c;
            }
        }
        self.analysed += u32::from(p.analysed);
        self.words += u64::from(p.n_words);
        self.docs += 1;
    }

    /// Subtract an article's weighted bags (clamped at zero).
    fn subtract(&mut self, p: &Weighted) {
        for (m, v) in self.bags_with(p) {
            for (k, c) in v {
                if let Some(x) = m.get_mut(k) {
                    *x -= c;
                    if *x <= 1e-6 {
                        m.remove(k);
                    }
                }
            }
        }
        self.analysed = self.analysed.saturating_sub(u32::from(p.analysed));
        self.words = self.words.saturating_sub(u64::from(p.n_words));
        self.docs = self.docs.saturating_sub(1);
    }

    fn absorb(&mut self, o: Centroid) {
        for (m, v) in [
            (&mut self.terms, o.terms),
            (&mut self.pivot, o.pivot),
            (&mut self.lead, o.lead),
            (&mut self.chars, o.chars),
            (&mut self.names, o.names),
            (&mut self.numbers, o.numbers),
            (&mut self.entities, o.entities),
            (&mut self.events, o.events),
            (&mut self.dates, o.dates),
        ] {
            for (k, c) in v {
                *m.entry(k).or_insert(0.0) += c;
            }
        }
        self.analysed += o.analysed;
        self.words += o.words;
        self.docs += o.docs;
    }

    /// Keep the maps small: drop the weakest keys beyond `4 k`.
    fn compact(&mut self, k: usize) {
        for m in [
            &mut self.terms,
            &mut self.pivot,
            &mut self.lead,
            &mut self.chars,
            &mut self.names,
            &mut self.numbers,
            &mut self.entities,
            &mut self.events,
            &mut self.dates,
        ] {
            if m.len() > 4 * k {
                *m = top(m, 2 * k).into_iter().collect();
            }
        }
    }

    /// The centroid as a weighted profile: the `k` strongest keys of each
    /// summed bag, renormalised.
    fn weighted(&self, lang: &str, k: usize) -> Weighted {
        let norm = |m: &KeyMap<f32>| -> Sparse {
            let mut v = top(m, k);
            crate::profile::normalise(&mut v);
            v
        };
        Weighted {
            lang: lang.to_string(),
            terms: norm(&self.terms),
            pivot: norm(&self.pivot),
            lead: norm(&self.lead),
            chars: norm(&self.chars),
            names: norm(&self.names),
            numbers: norm(&self.numbers),
            n_words: (self.words / u64::from(self.docs.max(1))) as u32,
            entities: norm(&self.entities),
            events: norm(&self.events),
            dates: norm(&self.dates),
            // the analysis signals describe the cluster when most members have them
            analysed: 2 * self.analysed >= self.docs && self.analysed > 0,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Live {
    id: u64,
    members: Vec<(ArticleId, f64)>,
    first_day: Option<i64>,
    last_day: i64,
    langs: BTreeMap<String, u32>,
    sources: BTreeMap<String, u32>,
    entities: BTreeMap<String, u32>,
    centroid: Centroid,
    cached: Option<Weighted>,
    /// Members' weighted profiles while the cluster is small (single-link
    /// scoring; a small cluster's centroid is biased towards its topic).
    small: Vec<Weighted>,
    indexed: KeySet,
    merged: Vec<u64>,
}

impl Live {
    fn main_lang(&self) -> String {
        self.langs
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(l, _)| l.clone())
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct LiveStoryline {
    id: u64,
    last_day: i64,
    names: KeyMap<f32>,
    pivot: KeyMap<f32>,
    /// Weighted names and pivot bags, recomputed when a cluster joins.
    cached: Option<(Sparse, Sparse, Sparse)>,
    indexed: Vec<u64>,
}

/// The streaming clusterer. Feed articles in publication order with
/// [`Clusterer::add`], collect finished clusters with
/// [`Clusterer::take_finished`], and call [`Clusterer::flush`] at the end.
#[derive(Clone)]
pub struct Clusterer {
    cfg: ClusterConfig,
    model: SimilarityModel,
    df: DocFreq,
    live: BTreeMap<u64, Live>,
    index: KeyMap<Vec<u64>>,
    next_id: u64,
    now: i64,
    finished: Vec<ClusterOut>,
    storylines: BTreeMap<u64, LiveStoryline>,
    storyline_index: KeyMap<Vec<u64>>,
    next_storyline: u64,
    primed: bool,
}

const SNAPSHOT_MAGIC: &[u8; 4] = b"NGS1";
const SNAPSHOT_VERSION: u32 = 1;

#[derive(Serialize)]
struct SnapshotRef<'a> {
    version: u32,
    cfg: &'a ClusterConfig,
    live: Vec<&'a Live>,
    next_id: u64,
    now: i64,
    storylines: Vec<&'a LiveStoryline>,
    next_storyline: u64,
    primed: bool,
}

#[derive(Deserialize)]
struct Snapshot {
    version: u32,
    cfg: ClusterConfig,
    live: Vec<Live>,
    next_id: u64,
    now: i64,
    storylines: Vec<LiveStoryline>,
    next_storyline: u64,
    primed: bool,
}

/// Why an article joined the cluster it joined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub article_id: ArticleId,
    pub cluster_id: u64,
    /// Model score against the cluster (1.0 when it opened the cluster).
    pub score: f64,
    /// Clusters scored, with their scores.
    pub candidates: Vec<(u64, f64)>,
    /// A cluster merged into this one because of this article.
    pub merged: Option<u64>,
}

impl Clusterer {
    /// A clusterer with the given configuration and model.
    pub fn new(cfg: ClusterConfig, model: SimilarityModel) -> Self {
        Clusterer {
            cfg,
            model,
            df: DocFreq::new(),
            live: BTreeMap::new(),
            index: KeyMap::default(),
            next_id: 1,
            now: i64::MIN,
            finished: Vec::new(),
            storylines: BTreeMap::new(),
            storyline_index: KeyMap::default(),
            next_storyline: 1,
            primed: false,
        }
    }

    /// Count documents in the IDF table before assigning them (a batch
    /// just stored, or the whole store when re-clustering), so that the
    /// first articles of a batch are weighted like its last ones. From then
    /// on [`Clusterer::add`] does not count the articles it assigns: the
    /// caller primes every batch.
    pub fn prime_df<'a>(&mut self, profiles: impl IntoIterator<Item = &'a Profile>) {
        for p in profiles {
            self.df.add(p);
        }
        self.primed = true;
    }

    /// The engine's state as bytes (live clusters and storylines, ids,
    /// the IDF table): restore it with [`Clusterer::restore`] and go on
    /// adding articles exactly as if the engine had never stopped. Size:
    /// the live window plus 12 bytes per IDF key (capped by `df_cap`).
    /// Finished clusters not yet taken are not part of it.
    pub fn save(&self) -> Vec<u8> {
        let snap = SnapshotRef {
            version: SNAPSHOT_VERSION,
            cfg: &self.cfg,
            live: self.live.values().collect(),
            next_id: self.next_id,
            now: self.now,
            storylines: self.storylines.values().collect(),
            next_storyline: self.next_storyline,
            primed: self.primed,
        };
        let json = serde_json::to_vec(&snap).unwrap_or_default();
        let mut out = Vec::with_capacity(8 + json.len() + 12 * self.df.len());
        out.extend_from_slice(SNAPSHOT_MAGIC);
        out.extend_from_slice(&(json.len() as u64).to_le_bytes());
        out.extend_from_slice(&json);
        out.extend_from_slice(&self.df.to_bytes());
        out
    }

    /// An engine from [`Clusterer::save`]'s bytes, with the configuration
    /// it was saved with and `model`.
    pub fn restore(bytes: &[u8], model: SimilarityModel) -> Result<Clusterer, crate::StoriesError> {
        let bad = |why: &str| crate::StoriesError::Input(format!("stories engine state: {why}"));
        if bytes.get(0..4) != Some(SNAPSHOT_MAGIC) {
            return Err(bad("not a state"));
        }
        let n = bytes
            .get(4..12)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_le_bytes)
            .ok_or_else(|| bad("truncated"))? as usize;
        let json = bytes
            .get(12..12usize.saturating_add(n))
            .ok_or_else(|| bad("truncated"))?;
        let snap: Snapshot = serde_json::from_slice(json).map_err(|e| bad(&e.to_string()))?;
        if snap.version != SNAPSHOT_VERSION {
            return Err(bad(&format!(
                "version {} (this build reads {SNAPSHOT_VERSION})",
                snap.version
            )));
        }
        let df = DocFreq::from_bytes(&bytes[12 + n..]).ok_or_else(|| bad("bad IDF table"))?;
        let mut c = Clusterer::new(snap.cfg, model);
        c.df = df;
        c.next_id = snap.next_id;
        c.now = snap.now;
        c.next_storyline = snap.next_storyline;
        c.primed = snap.primed;
        for l in snap.live {
            for key in &l.indexed {
                c.index.entry(*key).or_default().push(l.id);
            }
            c.live.insert(l.id, l);
        }
        for s in snap.storylines {
            for key in &s.indexed {
                c.storyline_index.entry(*key).or_default().push(s.id);
            }
            c.storylines.insert(s.id, s);
        }
        // posting lists in cluster order, as a never-stopped engine has them
        for list in c.index.values_mut() {
            list.sort_unstable();
        }
        for list in c.storyline_index.values_mut() {
            list.sort_unstable();
        }
        Ok(c)
    }

    /// The configuration.
    pub fn config(&self) -> &ClusterConfig {
        &self.cfg
    }

    /// The IDF table.
    pub fn doc_freq(&self) -> &DocFreq {
        &self.df
    }

    /// The live clusters as they would be finished now, with the storylines
    /// they would join (a dry run of [`Clusterer::flush`] on a copy: the
    /// engine itself is unchanged). Ordered by cluster id.
    pub fn live_view(&self) -> Vec<ClusterOut> {
        let mut copy = self.clone();
        copy.finished.clear();
        let mut out = copy.flush();
        out.sort_by_key(|c| c.id);
        out
    }

    /// Take an article out of the live cluster holding it (before it is
    /// assigned again because its date or analysis changed): its member
    /// entry, languages, sources and entities go, and its weighted profile
    /// (under the current IDF; the one it joined with is not kept) is
    /// subtracted from the cluster profile. Returns the cluster and whether
    /// it is now empty (then it is dropped); `None` when no live cluster
    /// holds it (finished clusters are the caller's to edit).
    pub fn remove(&mut self, a: &ArticleFeatures) -> Option<(u64, bool)> {
        let cid = self
            .live
            .values()
            .find(|c| c.members.iter().any(|m| m.0 == a.id))
            .map(|c| c.id)?;
        let wa = Weighted::new(&a.profile, &self.df).truncated(self.cfg.centroid_keys);
        let c = self.live.get_mut(&cid)?;
        if let Some(i) = c.members.iter().position(|m| m.0 == a.id) {
            c.members.remove(i);
            if i < c.small.len() {
                c.small.remove(i);
            }
        }
        let dec = |m: &mut BTreeMap<String, u32>, k: &str, n: u32| {
            if let Some(v) = m.get_mut(k) {
                *v = v.saturating_sub(n);
                if *v == 0 {
                    m.remove(k);
                }
            }
        };
        dec(&mut c.langs, &a.lang, 1);
        if let Some(src) = &a.source {
            dec(&mut c.sources, src, 1);
        }
        for (e, n) in &a.entities {
            dec(&mut c.entities, e, *n);
        }
        c.centroid.subtract(&wa);
        c.cached = None;
        if c.members.is_empty() {
            if let Some(c) = self.live.remove(&cid) {
                self.unindex(&c);
            }
            return Some((cid, true));
        }
        Some((cid, false))
    }

    /// Ids of the live clusters.
    pub fn live_ids(&self) -> Vec<u64> {
        self.live.keys().copied().collect()
    }

    /// Number of live clusters.
    pub fn live_clusters(&self) -> usize {
        self.live.len()
    }

    /// Number of entries in the inverted index and the DF table (the
    /// engine's memory besides live clusters).
    pub fn index_size(&self) -> (usize, usize) {
        (self.index.values().map(Vec::len).sum(), self.df.len())
    }

    /// Assign one article. Articles must come in publication order (an
    /// article without a day is treated as published "now").
    pub fn add(&mut self, a: &ArticleFeatures) -> Assignment {
        let day = a
            .day
            .unwrap_or(if self.now == i64::MIN { 0 } else { self.now });
        if day > self.now {
            self.now = day;
            self.expire();
        }
        if !self.primed {
            self.df.add(&a.profile);
        }
        if self.df.len() > self.cfg.df_cap {
            self.df.prune(3);
        }
        // candidates from the inverted index
        let qkeys = self.query_keys(&a.profile);
        let mut hits: KeyMap<f32> = KeyMap::default();
        for (k, w) in &qkeys {
            if let Some(list) = self
                .index
                .get(k)
                .filter(|l| l.len() <= self.cfg.max_postings)
            {
                for c in list {
                    *hits.entry(*c).or_insert(0.0) += w;
                }
            }
        }
        let mut cands: Vec<(u64, f32)> = hits.into_iter().collect();
        cands.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        cands.truncate(self.cfg.max_candidates);
        let mut scored: Vec<(u64, f64)> = Vec::with_capacity(cands.len());
        let full = Weighted::new(&a.profile, &self.df);
        let wa = &full.truncated(self.cfg.centroid_keys);
        for (cid, _) in &cands {
            let k = self.cfg.centroid_keys;
            let Some(c) = self.live.get_mut(cid) else {
                continue;
            };
            if c.cached.is_none() {
                c.cached = Some(c.centroid.weighted(&c.main_lang(), k));
            }
            let Some(cp) = c.cached.as_ref() else {
                continue;
            };
            // Cluster level: the article against the cluster's profile
            // (summed members: shared entities, events and dates add up);
            // a small cluster also against each member (its profile is
            // still biased towards one article's topic).
            let s = c
                .small
                .iter()
                .map(|m| pair_score(&self.model, &self.cfg, &full, m))
                .fold(pair_score(&self.model, &self.cfg, wa, cp), f64::max);
            scored.push((*cid, s));
        }
        scored.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
        let best = scored
            .first()
            .copied()
            .filter(|(_, s)| *s >= self.cfg.join_threshold);
        let (cid, score) = match best {
            Some(b) => b,
            None => {
                let id = self.next_id;
                self.next_id += 1;
                self.live.insert(
                    id,
                    Live {
                        id,
                        members: Vec::new(),
                        first_day: a.day,
                        last_day: day,
                        langs: BTreeMap::new(),
                        sources: BTreeMap::new(),
                        entities: BTreeMap::new(),
                        centroid: Centroid::default(),
                        cached: None,
                        small: Vec::new(),
                        indexed: KeySet::default(),
                        merged: Vec::new(),
                    },
                );
                (id, 1.0)
            }
        };
        self.join(cid, a, wa, &full, score, day);
        // merge the runner-up if it is close to the article and to the winner
        let mut merged = None;
        if best.is_some()
            && let Some(&(other, s2)) = scored.get(1)
            && s2 >= self.cfg.merge_threshold
            && self.centroids_close(cid, other)
        {
            self.merge(cid, other);
            merged = Some(other);
        }
        Assignment {
            article_id: a.id,
            cluster_id: cid,
            score,
            candidates: scored,
            merged,
        }
    }

    /// The `n` best keys of a profile by `weight`: up to a third from the
    /// analysis bags (entity ids, event signatures, dates; the signals
    /// that cross languages exactly), the rest from names, numbers and
    /// pivot terms. Without an analysis every slot goes to the text bags.
    fn pick_keys(
        &self,
        p: &Profile,
        n: usize,
        weight: impl Fn(u64, f32) -> Option<f32>,
    ) -> Vec<(u64, f32)> {
        let best = |bags: [&Sparse; 3], n: usize| -> Vec<(u64, f32)> {
            let mut keys: Vec<(u64, f32)> = bags
                .iter()
                .flat_map(|v| v.iter())
                .filter_map(|(k, c)| weight(*k, *c).map(|w| (*k, w)))
                .collect();
            keys.sort_unstable_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            keys.dedup_by_key(|x| x.0);
            keys.truncate(n);
            keys
        };
        let mut keys = best([&p.entities, &p.events, &p.dates], n / 3);
        let rest = n - keys.len();
        keys.extend(best([&p.names, &p.numbers, &p.pivot], rest));
        keys
    }

    fn query_keys(&self, p: &Profile) -> Vec<(u64, f32)> {
        // keys seen in only this document carry nothing yet; very common
        // ones retrieve everything
        let limit = 0.05 * self.df.n_docs() as f32 + 50.0;
        self.pick_keys(p, self.cfg.query_keys, |k, _| {
            let df = self.df.df(k);
            (df >= 2 && (df as f32) < limit).then(|| self.df.idf(k))
        })
    }

    fn index_key_set(&self, p: &Profile, k: usize) -> Vec<u64> {
        // with a primed table, a key of one document can never be shared
        let min_df = if self.primed { 2 } else { 0 };
        self.pick_keys(p, k, |key, c| {
            (self.df.df(key) >= min_df).then(|| c * self.df.idf(key))
        })
        .into_iter()
        .map(|x| x.0)
        .collect()
    }

    fn join(
        &mut self,
        cid: u64,
        a: &ArticleFeatures,
        wa: &Weighted,
        full: &Weighted,
        score: f64,
        day: i64,
    ) {
        let k = self.cfg.centroid_keys;
        let idx_k = self.cfg.index_keys;
        let new_keys = self.index_key_set(&a.profile, idx_k);
        let Some(c) = self.live.get_mut(&cid) else {
            return;
        };
        c.members.push((a.id, score));
        if c.members.len() <= self.cfg.small_cluster {
            c.small.push(full.clone());
        } else {
            c.small.clear();
        }
        c.last_day = c.last_day.max(day);
        if c.first_day.is_none() {
            c.first_day = a.day;
        }
        *c.langs.entry(a.lang.clone()).or_insert(0) += 1;
        if let Some(s) = &a.source {
            *c.sources.entry(s.clone()).or_insert(0) += 1;
        }
        for (e, n) in &a.entities {
            *c.entities.entry(e.clone()).or_insert(0) += n;
        }
        c.centroid.add(wa);
        c.centroid.compact(k);
        c.cached = None;
        let mut added = Vec::new();
        for key in new_keys {
            if c.indexed.len() >= 4 * idx_k {
                break;
            }
            if c.indexed.insert(key) {
                added.push(key);
            }
        }
        for key in added {
            self.index.entry(key).or_default().push(cid);
        }
    }

    fn centroids_close(&mut self, a: u64, b: u64) -> bool {
        let k = self.cfg.centroid_keys;
        let w = |c: &Live| c.centroid.weighted(&c.main_lang(), k);
        let pa = self.live.get(&a).map(w);
        let pb = self.live.get(&b).map(w);
        match (pa, pb) {
            (Some(x), Some(y)) => {
                pair_score(&self.model, &self.cfg, &x, &y) >= self.cfg.merge_threshold
            }
            _ => false,
        }
    }

    fn unindex(&mut self, c: &Live) {
        for key in &c.indexed {
            if let Some(list) = self.index.get_mut(key) {
                list.retain(|x| *x != c.id);
                if list.is_empty() {
                    self.index.remove(key);
                }
            }
        }
    }

    fn merge(&mut self, into: u64, from: u64) {
        let Some(f) = self.live.remove(&from) else {
            return;
        };
        self.unindex(&f);
        let Some(c) = self.live.get_mut(&into) else {
            return;
        };
        c.members.extend(f.members);
        c.first_day = match (c.first_day, f.first_day) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        };
        c.last_day = c.last_day.max(f.last_day);
        for (l, n) in f.langs {
            *c.langs.entry(l).or_insert(0) += n;
        }
        for (l, n) in f.sources {
            *c.sources.entry(l).or_insert(0) += n;
        }
        for (l, n) in f.entities {
            *c.entities.entry(l).or_insert(0) += n;
        }
        c.centroid.absorb(f.centroid);
        if c.members.len() <= self.cfg.small_cluster {
            c.small.extend(f.small);
        } else {
            c.small.clear();
        }
        c.centroid.compact(self.cfg.centroid_keys);
        c.cached = None;
        c.merged.push(from);
        c.merged.extend(f.merged);
        let mut added = Vec::new();
        for key in f.indexed {
            if c.indexed.insert(key) {
                added.push(key);
            }
        }
        for key in added {
            self.index.entry(key).or_default().push(into);
        }
    }

    fn expire(&mut self) {
        let limit = self.now - self.cfg.window_days;
        let old: Vec<u64> = self
            .live
            .values()
            .filter(|c| c.last_day < limit)
            .map(|c| c.id)
            .collect();
        for id in old {
            self.finish(id);
        }
        let sl_limit = self.now - self.cfg.storyline_window_days;
        let closed: Vec<u64> = self
            .storylines
            .values()
            .filter(|s| s.last_day < sl_limit)
            .map(|s| s.id)
            .collect();
        for id in closed {
            if let Some(s) = self.storylines.remove(&id) {
                for key in &s.indexed {
                    if let Some(list) = self.storyline_index.get_mut(key) {
                        list.retain(|x| *x != id);
                        if list.is_empty() {
                            self.storyline_index.remove(key);
                        }
                    }
                }
            }
        }
    }

    fn finish(&mut self, id: u64) {
        let Some(c) = self.live.remove(&id) else {
            return;
        };
        self.unindex(&c);
        let storyline = self.link_storyline(&c);
        let mut entities: Vec<(String, u32)> = c.entities.into_iter().collect();
        entities.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let mut sources: Vec<(String, u32)> = c.sources.into_iter().collect();
        sources.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        self.finished.push(ClusterOut {
            id: c.id,
            members: c.members,
            first_day: c.first_day,
            last_day: Some(c.last_day),
            languages: c.langs.into_keys().collect(),
            sources: sources.into_iter().map(|x| x.0).collect(),
            entities,
            storyline,
            merged: c.merged,
        });
    }

    /// Storyline score: IDF-weighted cosine of the names/entity bags and of
    /// the pivot terms, and the overlap of the strongest names. Candidate
    /// storylines share one of the cluster's strongest names. A
    /// single-article cluster may join a storyline but does not open one
    /// (storyline 0 = none).
    fn link_storyline(&mut self, c: &Live) -> u64 {
        let k = self.cfg.centroid_keys;
        let p = c.centroid.weighted(&c.main_lang(), k);
        // names as written and canonical entity ids (different key spaces)
        let mut names: Sparse =
            crate::profile::bag(p.names.iter().chain(&p.entities).copied().collect());
        crate::profile::normalise(&mut names);
        let pivot = p.pivot.clone();
        let mut both = c.centroid.names.clone();
        both.extend(c.centroid.entities.iter().map(|(a, b)| (*a, *b)));
        let strong = top(&both, 12);
        let mut cands: Vec<u64> = strong
            .iter()
            .filter_map(|(key, _)| self.storyline_index.get(key))
            .flatten()
            .copied()
            .collect();
        cands.sort_unstable();
        cands.dedup();
        let mut best: Option<(u64, f64)> = None;
        for sid in cands {
            let Some(s) = self.storylines.get_mut(&sid) else {
                continue;
            };
            if s.cached.is_none() {
                let mut sn = top(&s.names, k);
                crate::profile::normalise(&mut sn);
                let mut sp = top(&s.pivot, k);
                crate::profile::normalise(&mut sp);
                s.cached = Some((sn, sp, top(&s.names, 12)));
            }
            let Some((sn, sp, st)) = s.cached.as_ref() else {
                continue;
            };
            let score = 0.5 * f64::from(dot(&names, sn))
                + 0.3 * f64::from(dot(&pivot, sp))
                + 0.2 * f64::from(overlap(&strong, st));
            if score >= self.cfg.storyline_threshold && best.is_none_or(|(_, b)| score > b) {
                best = Some((sid, score));
            }
        }
        let id = match best {
            Some((id, _)) => id,
            None if c.members.len() < 2 => return 0,
            None => {
                let id = self.next_storyline;
                self.next_storyline += 1;
                self.storylines.insert(
                    id,
                    LiveStoryline {
                        id,
                        last_day: c.last_day,
                        names: KeyMap::default(),
                        pivot: KeyMap::default(),
                        cached: None,
                        indexed: Vec::new(),
                    },
                );
                id
            }
        };
        let mut added = Vec::new();
        if let Some(s) = self.storylines.get_mut(&id) {
            s.last_day = s.last_day.max(c.last_day);
            s.cached = None;
            for (key, v) in &names {
                *s.names.entry(*key).or_insert(0.0) += v;
            }
            for (key, v) in &p.pivot {
                *s.pivot.entry(*key).or_insert(0.0) += v;
            }
            if s.names.len() > 4 * k {
                s.names = top(&s.names, 2 * k).into_iter().collect();
            }
            if s.pivot.len() > 4 * k {
                s.pivot = top(&s.pivot, 2 * k).into_iter().collect();
            }
            for (key, _) in &strong {
                if s.indexed.len() < 96 && !s.indexed.contains(key) {
                    s.indexed.push(*key);
                    added.push(*key);
                }
            }
        }
        for key in added {
            self.storyline_index.entry(key).or_default().push(id);
        }
        id
    }

    /// Finished clusters since the last call.
    pub fn take_finished(&mut self) -> Vec<ClusterOut> {
        std::mem::take(&mut self.finished)
    }

    /// Finish every live cluster (end of input) and return all finished
    /// clusters not yet taken, in order of finishing.
    pub fn flush(&mut self) -> Vec<ClusterOut> {
        let ids: Vec<u64> = self.live.keys().copied().collect();
        for id in ids {
            self.finish(id);
        }
        self.take_finished()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(day_number("1970-01-01"), Some(0));
        assert_eq!(
            day_number("2023-09-13T08:00:00Z").map(iso_date).as_deref(),
            Some("2023-09-13")
        );
        assert_eq!(iso_date(day_number("2024-02-29").unwrap()), "2024-02-29");
        assert_eq!(day_number("13.09.2023"), None);
    }

    fn art(id: i64, day: &str, lang: &str, text: &str) -> ArticleFeatures {
        ArticleFeatures::from_text(id, lang, text, Some(day), None)
    }

    #[test]
    fn same_event_clusters_and_others_do_not() {
        let model = SimilarityModel::embedded().unwrap();
        let mut c = Clusterer::new(ClusterConfig::default(), model);
        let docs = [
            art(
                1,
                "2023-09-13",
                "en",
                "Kim Jong Un met Vladimir Putin at the Vostochny cosmodrome on Wednesday. The North Korean leader arrived by armoured train in Russia's Amur region.",
            ),
            art(
                2,
                "2023-09-13",
                "en",
                "Floods in Libya: thousands dead in Derna after two dams burst during storm Daniel, the Red Crescent said.",
            ),
            art(
                3,
                "2023-09-13",
                "de",
                "Kim Jong Un und Wladimir Putin trafen sich am Mittwoch am Weltraumbahnhof Wostotschny. Der nordkoreanische Machthaber kam mit seinem Panzerzug in die Region Amur in Russland.",
            ),
            art(
                4,
                "2023-09-14",
                "en",
                "Derna floods: the death toll in Libya rises as rescuers search for thousands missing after the dams burst in storm Daniel.",
            ),
            art(
                5,
                "2023-09-14",
                "en",
                "Putin and Kim Jong Un held talks at Vostochny cosmodrome; the North Korean leader toured the launch site in the Amur region of Russia.",
            ),
        ];
        let mut assign = Vec::new();
        for d in &docs {
            assign.push(c.add(d).cluster_id);
        }
        assert_eq!(assign[0], assign[2], "{assign:?}");
        assert_eq!(assign[0], assign[4], "{assign:?}");
        assert_eq!(assign[1], assign[3], "{assign:?}");
        assert_ne!(assign[0], assign[1]);
        let out = c.flush();
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn clusters_expire_after_the_window() {
        let model = SimilarityModel::embedded().unwrap();
        let cfg = ClusterConfig {
            window_days: 2,
            ..ClusterConfig::default()
        };
        let mut c = Clusterer::new(cfg, model);
        let t = "Kim Jong Un met Vladimir Putin at the Vostochny cosmodrome in the Amur region.";
        let a = c.add(&art(1, "2023-09-13", "en", t)).cluster_id;
        assert_eq!(c.live_clusters(), 1);
        let b = c.add(&art(2, "2023-10-20", "en", t)).cluster_id;
        assert_ne!(a, b, "an old cluster must not take a new article");
        assert_eq!(c.take_finished().len(), 1);
    }
}
