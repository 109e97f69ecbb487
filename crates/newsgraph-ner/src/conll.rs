//! Token-per-line files (`index<TAB>token<TAB>label`, blank line between
//! sentences) and CoNLL exact-span scoring.

use crate::NerError;
use crate::label::{Label, spans_of};
use newsgraph_model::EntityType;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// One sentence of a token-per-line file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// The index column as written in the file (generated when absent).
    pub ids: Vec<String>,
    /// The tokens.
    pub tokens: Vec<String>,
    /// The gold labels, when the file has a label column.
    pub labels: Option<Vec<Label>>,
}

/// Reads a token-per-line file. See [`parse`].
pub fn read_file(path: &Path) -> Result<Vec<Sentence>, NerError> {
    let text = std::fs::read_to_string(path).map_err(|e| NerError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    parse(&text, &path.display().to_string())
}

/// Parses token-per-line text. Accepted line shapes: `index<TAB>token<TAB>label`
/// (extra columns ignored, the label is the third), `index<TAB>token` (numeric
/// first column), `token<TAB>label`, or `token` alone. Blank lines separate
/// sentences; lines starting with `#` before a sentence are comments. `name`
/// is used in error messages.
pub fn parse(text: &str, name: &str) -> Result<Vec<Sentence>, NerError> {
    let mut out = Vec::new();
    let mut cur = Sentence {
        ids: Vec::new(),
        tokens: Vec::new(),
        labels: Some(Vec::new()),
    };
    let mut any_unlabelled = false;
    let flush = |cur: &mut Sentence, out: &mut Vec<Sentence>, unl: &mut bool| {
        if !cur.tokens.is_empty() {
            let mut s = std::mem::replace(
                cur,
                Sentence {
                    ids: Vec::new(),
                    tokens: Vec::new(),
                    labels: Some(Vec::new()),
                },
            );
            if *unl {
                s.labels = None;
            }
            out.push(s);
        }
        *unl = false;
    };
    for (lineno, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches(['\r', '\n']);
        if line.trim().is_empty() {
            flush(&mut cur, &mut out, &mut any_unlabelled);
            continue;
        }
        if cur.tokens.is_empty() && line.starts_with('#') && !line.contains('\t') {
            continue;
        }
        let cols: Vec<&str> = line.split('\t').collect();
        let (id, token, label) = match cols.len() {
            1 => (None, cols[0], None),
            2 => {
                if cols[0].trim().parse::<u64>().is_ok() && Label::parse(cols[1]).is_none() {
                    (Some(cols[0]), cols[1], None)
                } else {
                    (None, cols[0], Some(cols[1]))
                }
            }
            _ => (Some(cols[0]), cols[1], Some(cols[2])),
        };
        if token.is_empty() {
            return Err(NerError::Format {
                input: name.to_string(),
                line: lineno + 1,
                message: "empty token".into(),
            });
        }
        cur.ids.push(
            id.map(str::to_string)
                .unwrap_or_else(|| (cur.tokens.len() + 1).to_string()),
        );
        cur.tokens.push(token.to_string());
        match label {
            Some(l) => {
                let parsed = Label::parse(l).ok_or_else(|| NerError::Format {
                    input: name.to_string(),
                    line: lineno + 1,
                    message: format!("unknown label {l:?} (expected O, B-/I- PER, ORG, LOC, MISC)"),
                })?;
                if let Some(ls) = cur.labels.as_mut() {
                    ls.push(parsed);
                }
            }
            None => any_unlabelled = true,
        }
    }
    flush(&mut cur, &mut out, &mut any_unlabelled);
    Ok(out)
}

/// Writes sentences as `index<TAB>token<TAB>label` with the given labels.
pub fn write(sentences: &[Sentence], predicted: &[Vec<Label>], out: &mut String) {
    use std::fmt::Write;
    for (s, p) in sentences.iter().zip(predicted) {
        for (i, tok) in s.tokens.iter().enumerate() {
            let id = s.ids.get(i).map(String::as_str).unwrap_or("");
            let l = p.get(i).copied().unwrap_or(Label::O);
            let _ = writeln!(out, "{id}\t{tok}\t{l}");
        }
        out.push('\n');
    }
}

/// Precision, recall and F1 with the counts behind them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    /// Correct / predicted.
    pub precision: f64,
    /// Correct / gold.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Gold entity spans.
    pub gold: usize,
    /// Predicted entity spans.
    pub predicted: usize,
    /// Predicted spans equal to a gold span in start, end and type.
    pub correct: usize,
}

impl Prf {
    fn from_counts(gold: usize, predicted: usize, correct: usize) -> Prf {
        let (p, r, f) = newsgraph_model::precision_recall_f1(correct, predicted, gold);
        Prf {
            precision: p,
            recall: r,
            f1: f,
            gold,
            predicted,
            correct,
        }
    }
}

/// CoNLL exact-span scores: micro average and per type.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Scores {
    /// Micro average over all types.
    #[serde(flatten)]
    pub micro: Prf,
    /// Per entity type (`PER`, `ORG`, `LOC`, `MISC`).
    pub per_type: BTreeMap<String, Prf>,
}

/// Accumulates span counts over sentences.
#[derive(Debug, Clone, Default)]
pub struct Scorer {
    counts: BTreeMap<EntityType, (usize, usize, usize)>,
}

impl Scorer {
    /// A scorer with no counts.
    pub fn new() -> Scorer {
        Scorer::default()
    }

    /// Adds one sentence: gold and predicted labels of equal length (a
    /// shorter prediction is padded with `O`).
    pub fn add(&mut self, gold: &[Label], predicted: &[Label]) {
        let mut pred: Vec<Label> = predicted.iter().copied().take(gold.len()).collect();
        pred.resize(gold.len(), Label::O);
        let gs = spans_of(gold);
        let ps = spans_of(&pred);
        for &(_, _, t) in &gs {
            self.counts.entry(t).or_default().0 += 1;
        }
        for p in &ps {
            let c = self.counts.entry(p.2).or_default();
            c.1 += 1;
            if gs.contains(p) {
                c.2 += 1;
            }
        }
    }

    /// The scores so far.
    pub fn scores(&self) -> Scores {
        let (mut g, mut p, mut c) = (0, 0, 0);
        let mut per_type = BTreeMap::new();
        for t in EntityType::ALL {
            let (tg, tp, tc) = self.counts.get(&t).copied().unwrap_or_default();
            g += tg;
            p += tp;
            c += tc;
            if tg + tp > 0 {
                per_type.insert(t.as_str().to_string(), Prf::from_counts(tg, tp, tc));
            }
        }
        Scores {
            micro: Prf::from_counts(g, p, c),
            per_type,
        }
    }
}
