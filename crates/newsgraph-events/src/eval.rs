//! Scoring against PLOVER gold-standard records (`plover-gsr-dev.json`):
//! event-type accuracy and source/target actor precision, recall and F1.
//!
//! Actor matching: both texts are cut into content tokens (lowercased
//! alphanumeric words, without articles, "of", "'s" and "…"); a predicted
//! actor matches a gold actor of the same role when the Dice coefficient of
//! their token sets is at least 0.5 ("Chadli Klibi" matches "Arab League
//! Secretary General Chadli Klibi"; "Israel" does not match "Israeli army").
//! Matching is one-to-one, greedy by Dice. Strict figures (identical token
//! sets) are reported as well.

use serde::{Deserialize, Serialize};

/// An error reading a gold file.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("not PLOVER gold JSON (an array of records): {0}")]
    Json(#[from] serde_json::Error),
}

/// One gold record: sentence, PLOVER type, actor texts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GoldRecord {
    pub id: String,
    pub text: String,
    pub event: String,
    pub source: Vec<String>,
    pub target: Vec<String>,
}

/// What the extractor predicted for one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Prediction {
    pub event: Option<String>,
    pub source: Vec<String>,
    pub target: Vec<String>,
}

fn actor_texts(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(a) => a
            .iter()
            .filter_map(|x| match x {
                serde_json::Value::Object(o) => o
                    .get("actorText")
                    .and_then(|t| t.as_str())
                    .map(str::to_string),
                serde_json::Value::String(s) => Some(s.clone()),
                _ => None,
            })
            .filter(|s| !s.trim().is_empty())
            .collect(),
        serde_json::Value::String(s) if !s.trim().is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// Read PLOVER gold records; records without text or event are skipped.
pub fn read_gold(json: &str) -> Result<Vec<GoldRecord>, EvalError> {
    let v: Vec<serde_json::Value> = serde_json::from_str(json)?;
    Ok(v.iter()
        .filter_map(|r| {
            let text = r.get("text")?.as_str()?.trim().to_string();
            let event = r.get("event")?.as_str()?.trim().to_uppercase();
            if text.is_empty() || event.is_empty() {
                return None;
            }
            Some(GoldRecord {
                id: r
                    .get("id")
                    .and_then(|x| x.as_str())
                    .unwrap_or("")
                    .to_string(),
                text,
                event,
                source: r.get("source").map(actor_texts).unwrap_or_default(),
                target: r.get("target").map(actor_texts).unwrap_or_default(),
            })
        })
        .collect())
}

const STOP: [&str; 9] = ["the", "a", "an", "of", "s", "its", "their", "and", "in"];

/// Content tokens of an actor text.
pub fn content_tokens(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .to_lowercase()
        .replace(['’', '\''], " ")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !STOP.contains(w))
        .map(str::to_string)
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Dice coefficient of the content-token sets.
pub fn dice(a: &str, b: &str) -> f64 {
    let (x, y) = (content_tokens(a), content_tokens(b));
    if x.is_empty() || y.is_empty() {
        return 0.0;
    }
    let inter = x.iter().filter(|w| y.contains(w)).count();
    2.0 * inter as f64 / (x.len() + y.len()) as f64
}

/// Number of one-to-one matches between predicted and gold actors with
/// `dice >= threshold`, greedy by score.
pub fn matches(pred: &[String], gold: &[String], threshold: f64) -> usize {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
    for (i, p) in pred.iter().enumerate() {
        for (j, g) in gold.iter().enumerate() {
            let d = dice(p, g);
            if d >= threshold {
                pairs.push((d, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
    let (mut up, mut ug) = (vec![false; pred.len()], vec![false; gold.len()]);
    let mut n = 0;
    for (_, i, j) in pairs {
        if !up[i] && !ug[j] {
            up[i] = true;
            ug[j] = true;
            n += 1;
        }
    }
    n
}

/// Precision / recall / F1 counts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
pub struct Prf {
    pub tp: usize,
    pub pred: usize,
    pub gold: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

impl Prf {
    fn add(&mut self, tp: usize, pred: usize, gold: usize) {
        self.tp += tp;
        self.pred += pred;
        self.gold += gold;
    }
    fn finish(mut self) -> Prf {
        self.precision = if self.pred == 0 {
            0.0
        } else {
            self.tp as f64 / self.pred as f64
        };
        self.recall = if self.gold == 0 {
            0.0
        } else {
            self.tp as f64 / self.gold as f64
        };
        self.f1 = if self.precision + self.recall == 0.0 {
            0.0
        } else {
            2.0 * self.precision * self.recall / (self.precision + self.recall)
        };
        self
    }
}

/// Scores over a set of records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Scores {
    pub records: usize,
    /// Records whose predicted PLOVER type equals the gold type.
    pub type_correct: usize,
    pub type_accuracy: f64,
    /// Records with no predicted event.
    pub no_event: usize,
    /// Source and target together (Dice ≥ 0.5).
    pub actor: Prf,
    pub source: Prf,
    pub target: Prf,
    /// Source and target together, identical content tokens.
    pub actor_strict: Prf,
    /// Per gold type: (records, correct).
    pub per_type: std::collections::BTreeMap<String, (usize, usize)>,
}

/// Score predictions (same order as gold).
pub fn score(gold: &[GoldRecord], pred: &[Prediction]) -> Scores {
    let mut s = Scores {
        records: gold.len(),
        ..Default::default()
    };
    for (g, p) in gold.iter().zip(pred.iter()) {
        let ok = p.event.as_deref() == Some(g.event.as_str());
        if ok {
            s.type_correct += 1;
        }
        if p.event.is_none() {
            s.no_event += 1;
        }
        let e = s.per_type.entry(g.event.clone()).or_default();
        e.0 += 1;
        if ok {
            e.1 += 1;
        }
        let ms = matches(&p.source, &g.source, 0.5);
        let mt = matches(&p.target, &g.target, 0.5);
        s.source.add(ms, p.source.len(), g.source.len());
        s.target.add(mt, p.target.len(), g.target.len());
        s.actor.add(
            ms + mt,
            p.source.len() + p.target.len(),
            g.source.len() + g.target.len(),
        );
        let strict = matches(&p.source, &g.source, 1.0) + matches(&p.target, &g.target, 1.0);
        s.actor_strict.add(
            strict,
            p.source.len() + p.target.len(),
            g.source.len() + g.target.len(),
        );
    }
    s.type_accuracy = if s.records == 0 {
        0.0
    } else {
        s.type_correct as f64 / s.records as f64
    };
    s.actor = s.actor.finish();
    s.source = s.source.finish();
    s.target = s.target.finish();
    s.actor_strict = s.actor_strict.finish();
    s
}

/// Run the extractor on each gold sentence (English cues).
pub fn predict(gold: &[GoldRecord], lang: &str) -> Vec<Prediction> {
    gold.iter()
        .map(|g| match crate::extract_sentence(&g.text, lang) {
            Some(e) => Prediction {
                event: Some(e.typ.clone()),
                source: e.source.iter().map(|a| a.text.clone()).collect(),
                target: e.target.iter().map(|a| a.text.clone()).collect(),
            },
            None => Prediction::default(),
        })
        .collect()
}
