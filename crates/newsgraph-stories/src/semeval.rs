//! Reading SemEval-2022 Task 8 pair files, evaluating the similarity score
//! (Pearson with the gold, overall and per language pair) and fitting the
//! model with honest k-fold cross-validation.

use crate::StoriesError;
use crate::profile::{DocFreq, Profile, Weighted};
use crate::similarity::{SimilarityModel, analysis_features, features_weighted, pearson};
use newsgraph_model::Analysis;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// One scored pair of the task's CSV.
#[derive(Debug, Clone)]
pub struct GoldPair {
    /// `pair_id` column.
    pub id: String,
    pub lang1: String,
    pub lang2: String,
    pub text1: String,
    pub text2: String,
    /// Gold `Overall`: 1 = same event … 4 = very different.
    pub overall: f64,
}

/// Read a SemEval-2022 Task 8 CSV (columns `pair_id`, `lang1`, `lang2`,
/// `text1`, `text2`, `Overall`). Rows with a missing/non-numeric gold are
/// skipped and counted in the second value.
pub fn read_pairs(path: &Path) -> Result<(Vec<GoldPair>, usize), StoriesError> {
    let ctx = |e: csv::Error| StoriesError::Input(format!("{}: {e}", path.display()));
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .map_err(ctx)?;
    let headers = rdr.headers().map_err(ctx)?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| StoriesError::Input(format!("{}: no column {name:?}", path.display())))
    };
    let (ci, c1, c2, t1, t2, co) = (
        col("pair_id")?,
        col("lang1")?,
        col("lang2")?,
        col("text1")?,
        col("text2")?,
        col("Overall")?,
    );
    let mut out = Vec::new();
    let mut skipped = 0;
    for rec in rdr.records() {
        let rec = rec.map_err(ctx)?;
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        match get(co).trim().parse::<f64>() {
            Ok(o) if o.is_finite() => out.push(GoldPair {
                id: get(ci),
                lang1: get(c1),
                lang2: get(c2),
                text1: get(t1),
                text2: get(t2),
                overall: o,
            }),
            _ => skipped += 1,
        }
    }
    Ok((out, skipped))
}

/// Target of the fit: gold mapped to [0, 1], 1 = same event.
pub fn target(overall: f64) -> f64 {
    ((4.0 - overall) / 3.0).clamp(0.0, 1.0)
}

/// Feature rows of pairs; IDF from all texts of the file (unsupervised).
pub fn feature_rows(pairs: &[GoldPair]) -> Vec<Vec<f64>> {
    feature_rows_analysed(pairs, &[]).0
}

/// Text feature rows and, for pairs with both analyses given
/// (`analyses[i]` for `pairs[i]`; an empty slice for none), analysis
/// feature rows; IDF from all texts and their analysis signals.
pub fn feature_rows_analysed(
    pairs: &[GoldPair],
    analyses: &[(Analysis, Analysis)],
) -> (Vec<Vec<f64>>, Vec<Option<Vec<f64>>>) {
    let profs: Vec<(Profile, Profile)> = pairs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut a = Profile::new(&p.lang1, &p.text1);
            let mut b = Profile::new(&p.lang2, &p.text2);
            if let Some((x, y)) = analyses.get(i) {
                a.add_analysis(x);
                b.add_analysis(y);
            }
            (a, b)
        })
        .collect();
    let mut df = DocFreq::new();
    for (a, b) in &profs {
        df.add(a);
        df.add(b);
    }
    profs
        .iter()
        .map(|(a, b)| {
            let (wa, wb) = (Weighted::new(a, &df), Weighted::new(b, &df));
            (features_weighted(&wa, &wb), analysis_features(&wa, &wb))
        })
        .unzip()
}

/// Pearson figures of a set of scores against the gold.
#[derive(Debug, Clone, Serialize)]
pub struct PearsonReport {
    /// Pairs scored.
    pub n: usize,
    /// Pearson of the score with −Overall (higher = better).
    pub pearson: Option<f64>,
    /// Per language pair (`de-en`, …).
    pub per_lang_pair: BTreeMap<String, PairFigure>,
}

/// One language pair's figure.
#[derive(Debug, Clone, Serialize)]
pub struct PairFigure {
    pub n: usize,
    pub pearson: Option<f64>,
}

/// Pearson of `scores` with −Overall, overall and per language pair.
pub fn report(pairs: &[GoldPair], scores: &[f64]) -> PearsonReport {
    let gold: Vec<f64> = pairs.iter().map(|p| -p.overall).collect();
    let mut groups: BTreeMap<String, (Vec<f64>, Vec<f64>)> = BTreeMap::new();
    for (p, (&s, &g)) in pairs.iter().zip(scores.iter().zip(&gold)) {
        let e = groups
            .entry(format!("{}-{}", p.lang1, p.lang2))
            .or_default();
        e.0.push(s);
        e.1.push(g);
    }
    PearsonReport {
        n: scores.len(),
        pearson: pearson(scores, &gold),
        per_lang_pair: groups
            .into_iter()
            .map(|(k, (s, g))| {
                (
                    k,
                    PairFigure {
                        n: s.len(),
                        pearson: pearson(&s, &g),
                    },
                )
            })
            .collect(),
    }
}

/// Deterministic fold of a pair (hash of its id, so folds do not depend on
/// row order).
fn fold_of(id: &str, k: usize) -> usize {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % k as u64) as usize
}

/// Regularisation used by `train similarity`.
pub const L2: f64 = 1.0;

/// k-fold cross-validated scores: for each fold, fit on the other folds
/// and score the held-out one. `arows` are the analysis feature rows (an
/// empty slice for a text-only model).
pub fn cross_validated_scores(
    pairs: &[GoldPair],
    rows: &[Vec<f64>],
    arows: &[Option<Vec<f64>>],
    k: usize,
) -> Vec<f64> {
    let k = k.max(2);
    let folds: Vec<usize> = pairs.iter().map(|p| fold_of(&p.id, k)).collect();
    let mut scores = vec![0.0; rows.len()];
    let arow = |i: usize| arows.get(i).cloned().flatten();
    for f in 0..k {
        let (mut x, mut ax, mut y) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..rows.len() {
            if folds[i] != f {
                x.push(rows[i].clone());
                ax.push(arow(i));
                y.push(target(pairs[i].overall));
            }
        }
        let m = SimilarityModel::fit_with_analysis(&x, &ax, &y, L2);
        for i in 0..rows.len() {
            if folds[i] == f {
                scores[i] = m.score_with(&rows[i], arow(i).as_deref());
            }
        }
    }
    scores
}

/// Fit on all pairs (with the analysis layer when `arows` are given); the
/// provenance records the CV figures.
pub fn train(
    pairs: &[GoldPair],
    rows: &[Vec<f64>],
    arows: &[Option<Vec<f64>>],
    k: usize,
    source: &str,
) -> SimilarityModel {
    let y: Vec<f64> = pairs.iter().map(|p| target(p.overall)).collect();
    let mut m = SimilarityModel::fit_with_analysis(rows, arows, &y, L2);
    let cv = report(pairs, &cross_validated_scores(pairs, rows, arows, k));
    let text_cv = report(pairs, &cross_validated_scores(pairs, rows, &[], k));
    m.provenance = serde_json::json!({
        "data": source,
        "pairs": pairs.len(),
        "command": "newsgraph train similarity FILE.csv --out data/models/similarity.json",
        "l2": L2,
        "cv_folds": k,
        "cv_pearson": cv.pearson,
        "cv_pearson_text_only": text_cv.pearson,
        "analysed_pairs": arows.iter().filter(|a| a.is_some()).count(),
    });
    m
}
