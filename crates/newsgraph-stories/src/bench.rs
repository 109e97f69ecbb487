//! A synthetic but realistic stream for benchmarking the clusterer: real
//! news texts (the SemEval-2022 Task 8 pairs) recombined into events with
//! known labels, arriving day by day, scored with BCubed precision, recall
//! and F1, with throughput and engine memory.
//!
//! An event is based on one text, or on a pair of texts the gold rates as
//! the same event (Overall ≤ 1.5; often two languages). Each article of
//! the event keeps a random ~75 % of the base text's sentences (at least
//! two), in order, and gets one sentence of an unrelated text inserted. An
//! event runs for 1–3 days; base texts are reused only after the pool is
//! exhausted (weeks later, long after the cluster window).

use crate::cluster::{ArticleFeatures, ClusterConfig, Clusterer};
use crate::semeval::GoldPair;
use crate::similarity::SimilarityModel;
use serde::Serialize;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Deterministic splitmix64 generator.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        cur.push(c);
        if matches!(c, '.' | '!' | '?' | '。' | '！' | '？') && cur.trim().chars().count() > 20 {
            out.push(cur.trim().to_string());
            cur.clear();
        }
    }
    if cur.trim().chars().count() > 3 {
        out.push(cur.trim().to_string());
    }
    out
}

/// One base of an event: texts (lang, sentences) any article may draw from.
type Base = Vec<(String, Vec<String>)>;

/// Base pool from scored pairs: same-event pairs as two-text bases, and
/// every other text alone.
pub fn base_pool(pairs: &[GoldPair]) -> Vec<Base> {
    let mut seen = std::collections::HashSet::new();
    let mut pool: Vec<Base> = Vec::new();
    for p in pairs {
        let a = (p.lang1.clone(), sentences(&p.text1));
        let b = (p.lang2.clone(), sentences(&p.text2));
        let ka = p.text1.clone();
        let kb = p.text2.clone();
        if p.overall <= 1.5 && !seen.contains(&ka) && !seen.contains(&kb) {
            seen.insert(ka);
            seen.insert(kb);
            pool.push(vec![a, b]);
            continue;
        }
        for (k, t) in [(ka, a), (kb, b)] {
            if t.1.len() >= 2 && seen.insert(k) {
                pool.push(vec![t]);
            }
        }
    }
    pool.retain(|b| b.iter().all(|t| t.1.len() >= 2));
    pool
}

/// A generated article: label (event), day, language, text.
#[derive(Debug, Clone)]
pub struct GenArticle {
    pub label: u32,
    pub day: i64,
    pub lang: String,
    pub text: String,
}

/// Generate one day's articles (already in publication order).
pub struct Generator {
    pool: Vec<Base>,
    order: Vec<usize>,
    next: usize,
    rng: Rng,
    /// Live events: (label, base index, remaining articles, last day).
    events: Vec<(u32, usize, u32, i64)>,
    next_label: u32,
    per_day: usize,
}

impl Generator {
    pub fn new(pool: Vec<Base>, per_day: usize, seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let mut order: Vec<usize> = (0..pool.len()).collect();
        for i in (1..order.len()).rev() {
            let j = rng.below(i + 1);
            order.swap(i, j);
        }
        Generator {
            pool,
            order,
            next: 0,
            rng,
            events: Vec::new(),
            next_label: 0,
            per_day,
        }
    }

    fn article(&mut self, base: usize, label: u32, day: i64) -> GenArticle {
        let b = &self.pool[base];
        let (lang, sents) = &b[self.rng.below(b.len())];
        let mut parts: Vec<&str> = sents
            .iter()
            .filter(|_| self.rng.unit() < 0.75)
            .map(String::as_str)
            .collect();
        if parts.len() < 2 {
            parts = sents.iter().take(2).map(String::as_str).collect();
        }
        let other = &self.pool[self.rng.below(self.pool.len())];
        let noise_src = &other[0].1;
        let noise = noise_src[self.rng.below(noise_src.len())].clone();
        let pos = self.rng.below(parts.len() + 1).max(1);
        let mut text = String::new();
        for (i, p) in parts.iter().enumerate() {
            if i == pos {
                text.push_str(&noise);
                text.push(' ');
            }
            text.push_str(p);
            text.push(' ');
        }
        if pos >= parts.len() {
            text.push_str(&noise);
        }
        GenArticle {
            label,
            day,
            lang: lang.clone(),
            text,
        }
    }

    /// The articles of `day`.
    pub fn day(&mut self, day: i64) -> Vec<GenArticle> {
        let mut out = Vec::with_capacity(self.per_day);
        // event sizes: 1 + geometric, mean ≈ 8, spread over 1–3 days
        while out.len() < self.per_day {
            // continue live events first, then open new ones
            let live: Vec<usize> = (0..self.events.len())
                .filter(|&i| self.events[i].2 > 0 && self.events[i].3 >= day)
                .collect();
            let pick_new = live.is_empty() || self.rng.unit() < 0.15;
            let idx = if pick_new {
                let base = self.order[self.next % self.order.len()];
                self.next += 1;
                let mut size = 1u32;
                while size < 60 && self.rng.unit() < 0.88 {
                    size += 1;
                }
                let last = day + self.rng.below(3) as i64;
                self.events.push((self.next_label, base, size, last));
                self.next_label += 1;
                self.events.len() - 1
            } else {
                live[self.rng.below(live.len())]
            };
            let (label, base, _, _) = self.events[idx];
            self.events[idx].2 -= 1;
            let a = self.article(base, label, day);
            out.push(a);
        }
        self.events.retain(|e| e.2 > 0 && e.3 > day);
        out
    }
}

/// This thread's CPU time (Linux `schedstat`), else wall-clock time, so
/// throughput is measured per core even on a loaded machine.
struct Clock {
    cpu_ns: Option<u64>,
    wall: Instant,
}

impl Clock {
    fn now() -> Clock {
        let cpu_ns = std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next().and_then(|x| x.parse().ok()));
        Clock {
            cpu_ns,
            wall: Instant::now(),
        }
    }
    fn since(&self, earlier: &Clock) -> Duration {
        match (self.cpu_ns, earlier.cpu_ns) {
            (Some(a), Some(b)) => Duration::from_nanos(a.saturating_sub(b)),
            _ => self.wall - earlier.wall,
        }
    }
}

/// BCubed precision, recall, F1 of a clustering against labels.
pub fn bcubed(pred: &[u64], gold: &[u32]) -> (f64, f64, f64) {
    let n = pred.len().min(gold.len());
    if n == 0 {
        return (0.0, 0.0, 0.0);
    }
    let mut pc: HashMap<u64, usize> = HashMap::new();
    let mut gc: HashMap<u32, usize> = HashMap::new();
    let mut both: HashMap<(u64, u32), usize> = HashMap::new();
    for i in 0..n {
        *pc.entry(pred[i]).or_insert(0) += 1;
        *gc.entry(gold[i]).or_insert(0) += 1;
        *both.entry((pred[i], gold[i])).or_insert(0) += 1;
    }
    let (mut p, mut r) = (0.0, 0.0);
    for i in 0..n {
        let b = both[&(pred[i], gold[i])] as f64;
        p += b / pc[&pred[i]] as f64;
        r += b / gc[&gold[i]] as f64;
    }
    p /= n as f64;
    r /= n as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

/// What a benchmark run measured.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub articles: usize,
    pub days: i64,
    pub events: usize,
    pub clusters: usize,
    pub bcubed_precision: f64,
    pub bcubed_recall: f64,
    pub bcubed_f1: f64,
    /// Articles per second of assignment alone (features precomputed), per
    /// CPU second of the benchmark thread.
    pub assign_per_sec: f64,
    /// Articles per second of feature extraction (profiles) alone.
    pub features_per_sec: f64,
    /// Articles per second end to end (features + assignment).
    pub total_per_sec: f64,
    pub max_live_clusters: usize,
    pub max_index_postings: usize,
    pub max_df_keys: usize,
    /// Live clusters / index postings / DF keys at the end.
    pub final_live_clusters: usize,
    pub final_index_postings: usize,
    pub final_df_keys: usize,
}

/// Run the benchmark: `n` articles, `per_day` a day, one core.
pub fn run(
    pairs: &[GoldPair],
    n: usize,
    per_day: usize,
    cfg: ClusterConfig,
    model: SimilarityModel,
    seed: u64,
) -> BenchReport {
    let mut generator = Generator::new(base_pool(pairs), per_day.max(1), seed);
    let mut clusterer = Clusterer::new(cfg, model);
    let mut pred: Vec<u64> = Vec::with_capacity(n);
    let mut gold: Vec<u32> = Vec::with_capacity(n);
    // cluster ids can be merged: map member → final cluster after flush
    let mut feat_t = Duration::ZERO;
    let mut assign_t = Duration::ZERO;
    let (mut max_live, mut max_post, mut max_df) = (0, 0, 0);
    let mut day = 19_000i64;
    let mut id = 0i64;
    let mut labels_seen = std::collections::HashSet::new();
    let mut final_of: HashMap<i64, u64> = HashMap::with_capacity(n);
    while gold.len() < n {
        let mut arts = generator.day(day);
        arts.truncate(n - gold.len());
        let t0 = Clock::now();
        let feats: Vec<ArticleFeatures> = arts
            .iter()
            .enumerate()
            .map(|(i, a)| ArticleFeatures {
                id: id + 1 + i as i64,
                day: Some(day),
                lang: a.lang.clone(),
                source: None,
                profile: crate::profile::Profile::new(&a.lang, &a.text),
                entities: Vec::new(),
            })
            .collect();
        let t1 = Clock::now();
        let mut assigned = Vec::with_capacity(feats.len());
        for f in &feats {
            assigned.push(clusterer.add(f).cluster_id);
        }
        let t2 = Clock::now();
        feat_t += t1.since(&t0);
        assign_t += t2.since(&t1);
        for (a, c) in arts.iter().zip(assigned) {
            id += 1;
            pred.push(c);
            gold.push(a.label);
            labels_seen.insert(a.label);
        }
        for c in clusterer.take_finished() {
            for (m, _) in c.members {
                final_of.insert(m, c.id);
            }
        }
        let (post, dfk) = clusterer.index_size();
        max_live = max_live.max(clusterer.live_clusters());
        max_post = max_post.max(post);
        max_df = max_df.max(dfk);
        day += 1;
    }
    let (final_post, final_df) = clusterer.index_size();
    let final_live = clusterer.live_clusters();
    for c in clusterer.flush() {
        for (m, _) in c.members {
            final_of.insert(m, c.id);
        }
    }
    let pred: Vec<u64> = (1..=pred.len() as i64)
        .map(|i| final_of.get(&i).copied().unwrap_or(u64::MAX - i as u64))
        .collect();
    let clusters = pred.iter().collect::<std::collections::HashSet<_>>().len();
    let (p, r, f1) = bcubed(&pred, &gold);
    let secs = |d: Duration| d.as_secs_f64().max(1e-9);
    BenchReport {
        articles: gold.len(),
        days: day - 19_000,
        events: labels_seen.len(),
        clusters,
        bcubed_precision: p,
        bcubed_recall: r,
        bcubed_f1: f1,
        assign_per_sec: gold.len() as f64 / secs(assign_t),
        features_per_sec: gold.len() as f64 / secs(feat_t),
        total_per_sec: gold.len() as f64 / secs(feat_t + assign_t),
        max_live_clusters: max_live,
        max_index_postings: max_post,
        max_df_keys: max_df,
        final_live_clusters: final_live,
        final_index_postings: final_post,
        final_df_keys: final_df,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcubed_known_values() {
        let (p, r, f) = bcubed(&[1, 1, 2, 2], &[7, 7, 8, 8]);
        assert!((p - 1.0).abs() < 1e-12 && (r - 1.0).abs() < 1e-12 && (f - 1.0).abs() < 1e-12);
        let (p, r, _) = bcubed(&[1, 1, 1, 1], &[7, 7, 8, 8]);
        assert!((p - 0.5).abs() < 1e-12 && (r - 1.0).abs() < 1e-12);
        let (p, r, _) = bcubed(&[1, 2, 3, 4], &[7, 7, 8, 8]);
        assert!((p - 1.0).abs() < 1e-12 && (r - 0.5).abs() < 1e-12);
    }

    #[test]
    fn generator_is_deterministic_and_labelled() {
        let pairs = vec![
            GoldPair {
                id: "1".into(),
                lang1: "en".into(),
                lang2: "de".into(),
                text1: "First sentence about the summit here. Second sentence about the summit here. Third one follows now.".into(),
                text2: "Erster Satz über den Gipfel hier. Zweiter Satz über den Gipfel hier. Dritter Satz folgt jetzt.".into(),
                overall: 1.0,
            },
            GoldPair {
                id: "2".into(),
                lang1: "en".into(),
                lang2: "en".into(),
                text1: "Floods hit the coast of Libya today. Thousands are missing after dams burst.".into(),
                text2: "Football: the match ended in a draw yesterday. Fans were not happy at all.".into(),
                overall: 4.0,
            },
        ];
        let pool = base_pool(&pairs);
        assert_eq!(pool.len(), 3);
        let mut g1 = Generator::new(pool.clone(), 20, 7);
        let mut g2 = Generator::new(pool, 20, 7);
        let a = g1.day(1);
        let b = g2.day(1);
        assert_eq!(a.len(), 20);
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.text == y.text && x.label == y.label)
        );
    }
}
