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

/// Run the extractor on each gold sentence with the cues of `lang`.
pub fn predict(gold: &[GoldRecord], lang: &str) -> Vec<Prediction> {
    match crate::lexicon(lang) {
        Ok(lx) => predict_with(gold, lx),
        Err(_) => vec![Prediction::default(); gold.len()],
    }
}

/// Predictions with an explicit lexicon.
pub fn predict_with(gold: &[GoldRecord], lx: &crate::Lexicon) -> Vec<Prediction> {
    gold.iter()
        .map(|g| match crate::extract_sentence_with(&g.text, lx) {
            Some(e) => Prediction {
                event: Some(e.typ.clone()),
                source: e.source.iter().map(|a| a.text.clone()).collect(),
                target: e.target.iter().map(|a| a.text.clone()).collect(),
            },
            None => Prediction::default(),
        })
        .collect()
}

/// Deterministic fold of a record: FNV-1a of its id (its text when it has
/// no id) modulo `k`. Stable across runs, platforms and file order.
pub fn fold_of(r: &GoldRecord, k: usize) -> usize {
    let key = if r.id.is_empty() { &r.text } else { &r.id };
    let mut h: u64 = 0xcbf29ce484222325;
    for b in key.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    (h % k.max(1) as u64) as usize
}

/// The lexicon entries a record exercises: trigger indexes that match in
/// its sentence, and actor-noun atoms matching one of its tokens.
fn support(r: &GoldRecord, lx: &crate::Lexicon) -> (Vec<usize>, Vec<usize>) {
    let toks = crate::sentence::tokens(&r.text, 0, r.text.len(), &lx.lang);
    let mut trig: Vec<usize> = crate::sentence::match_triggers(&toks, lx)
        .into_iter()
        .map(|h| h.trig)
        .collect();
    trig.sort_unstable();
    trig.dedup();
    let nouns = lx
        .actor_nouns
        .atoms()
        .iter()
        .enumerate()
        .filter(|(_, a)| toks.iter().any(|t| a.matches(&t.lower)))
        .map(|(i, _)| i)
        .collect();
    (trig, nouns)
}

/// A copy of `lx` without the given triggers and actor-noun atoms.
fn ablate(lx: &crate::Lexicon, triggers: &[usize], nouns: &[usize]) -> crate::Lexicon {
    use crate::lexicon::{Atom, Elem, WordSet};
    let mut out = lx.clone();
    for &t in triggers {
        if let Some(tr) = out.triggers.get_mut(t) {
            // A first word no token can be: the index entries stay valid.
            tr.pattern = vec![Elem::Word(WordSet::new(vec![Atom::Exact("\u{1}".into())]))];
        }
    }
    out.actor_nouns = WordSet::new(
        lx.actor_nouns
            .atoms()
            .iter()
            .enumerate()
            .filter(|(i, _)| !nouns.contains(i))
            .map(|(_, a)| a.clone())
            .collect(),
    );
    out
}

/// The held-out estimate of [`heldout`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeldOut {
    /// Folds (records are assigned by [`fold_of`]).
    pub k: usize,
    /// Every record scored with the full lexicon (optimistic: the lexicon
    /// was written while reading these records).
    pub full_lexicon: Scores,
    /// Every record scored with its fold's ablated lexicon.
    pub held_out: Scores,
    /// Per fold: records, triggers removed, actor nouns removed.
    pub folds: Vec<(usize, usize, usize)>,
}

/// Held-out estimate for a hand-written lexicon that was written while
/// reading the gold file (so no record is unseen). For each fold `f` of
/// `k`, every lexicon entry whose entire support in the file lies inside
/// `f` (trigger patterns that match only sentences of `f`; actor nouns
/// that occur only there) is removed, as if the lexicon had been written
/// from the other folds alone; the records of `f` are then extracted with
/// that lexicon. Entries that also fire elsewhere stay: they would have
/// been written from the other folds too. This is pessimistic for entries
/// taken from the PLOVER definitions rather than the sentences, and
/// optimistic for entries that were tuned to two folds at once.
/// With `k >= records.len()` every record is its own fold
/// (leave-one-out).
pub fn heldout(gold: &[GoldRecord], lx: &crate::Lexicon, k: usize) -> HeldOut {
    let loo = k >= gold.len();
    let fold: Vec<usize> = gold
        .iter()
        .enumerate()
        .map(|(i, r)| if loo { i } else { fold_of(r, k) })
        .collect();
    let k = if loo { gold.len() } else { k.max(1) };
    let sup: Vec<(Vec<usize>, Vec<usize>)> = gold.iter().map(|r| support(r, lx)).collect();
    // Folds in which each entry fires.
    let mut trig_folds: std::collections::HashMap<usize, std::collections::BTreeSet<usize>> =
        Default::default();
    let mut noun_folds: std::collections::HashMap<usize, std::collections::BTreeSet<usize>> =
        Default::default();
    for (i, (t, n)) in sup.iter().enumerate() {
        for &x in t {
            trig_folds.entry(x).or_default().insert(fold[i]);
        }
        for &x in n {
            noun_folds.entry(x).or_default().insert(fold[i]);
        }
    }
    let mut pred = vec![Prediction::default(); gold.len()];
    let mut folds = Vec::with_capacity(k);
    for f in 0..k {
        let idx: Vec<usize> = (0..gold.len()).filter(|&i| fold[i] == f).collect();
        if idx.is_empty() {
            folds.push((0, 0, 0));
            continue;
        }
        let only_here =
            |m: &std::collections::HashMap<usize, std::collections::BTreeSet<usize>>| {
                let mut v: Vec<usize> = m
                    .iter()
                    .filter(|(_, fs)| fs.len() == 1 && fs.contains(&f))
                    .map(|(x, _)| *x)
                    .collect();
                v.sort_unstable();
                v
            };
        let (rt, rn) = (only_here(&trig_folds), only_here(&noun_folds));
        let ablated = ablate(lx, &rt, &rn);
        let recs: Vec<GoldRecord> = idx.iter().map(|&i| gold[i].clone()).collect();
        for (j, p) in predict_with(&recs, &ablated).into_iter().enumerate() {
            pred[idx[j]] = p;
        }
        folds.push((idx.len(), rt.len(), rn.len()));
    }
    HeldOut {
        k,
        full_lexicon: score(gold, &predict_with(gold, lx)),
        held_out: score(gold, &pred),
        folds,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: &str, text: &str, event: &str) -> GoldRecord {
        GoldRecord {
            id: id.into(),
            text: text.into(),
            event: event.into(),
            source: vec![],
            target: vec![],
        }
    }

    #[test]
    fn heldout_removes_entries_seen_only_in_the_held_out_fold() {
        let lx = crate::lexicon("en").unwrap();
        let gold = vec![
            rec(
                "a",
                "Police arrested three opposition leaders on Monday.",
                "COERCE",
            ),
            rec(
                "b",
                "Police arrested two journalists in the capital.",
                "COERCE",
            ),
            rec(
                "c",
                "Thousands of students demonstrated against the government.",
                "PROTEST",
            ),
        ];
        let h = heldout(&gold, lx, 100);
        assert_eq!(h.k, 3);
        assert_eq!(h.full_lexicon.type_correct, 3);
        // "arrested" fires in two records: it stays when either is held out;
        // "demonstrated" fires only in c: removed when c is held out.
        assert_eq!(h.held_out.type_correct, 2, "{h:?}");
        assert!(h.folds[2].1 >= 1);
        assert_eq!(fold_of(&gold[0], 5), fold_of(&gold[0].clone(), 5));
        assert!(fold_of(&gold[1], 5) < 5);
    }
}
