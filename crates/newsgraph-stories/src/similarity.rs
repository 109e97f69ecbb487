//! The pairwise "same event?" score: features of two profiles, combined
//! by a logistic model whose coefficients live in
//! `data/models/similarity.json` (fitted by `newsgraph train similarity`).

use crate::StoriesError;
use crate::profile::{DocFreq, Profile, Sparse, Weighted, dot, overlap};
use serde::{Deserialize, Serialize};

/// Names of the features, in the order of [`features`].
pub const FEATURE_NAMES: &[&str] = &[
    "char",
    "term",
    "pivot",
    "lead",
    "names",
    "names_overlap",
    "numbers",
    "numbers_overlap",
    "same_lang",
    "same_lang_x_term",
    "cross_x_pivot",
    "cross_x_char",
    "sqrt_pivot",
    "sqrt_names",
    "min_len_log",
];

/// The feature vector of a pair of profiles under document frequencies `df`.
pub fn features(a: &Profile, b: &Profile, df: &DocFreq) -> Vec<f64> {
    features_weighted(&Weighted::new(a, df), &Weighted::new(b, df))
}

/// The feature vector of two weighted profiles (see [`FEATURE_NAMES`]).
pub fn features_weighted(a: &Weighted, b: &Weighted) -> Vec<f64> {
    let cos = |x: &Sparse, y: &Sparse| f64::from(dot(x, y)).clamp(0.0, 1.0);
    let same = if a.lang == b.lang { 1.0 } else { 0.0 };
    let char_c = cos(&a.chars, &b.chars);
    let term_c = cos(&a.terms, &b.terms);
    let pivot_c = cos(&a.pivot, &b.pivot);
    let lead_c = cos(&a.lead, &b.lead);
    let names_c = cos(&a.names, &b.names);
    let names_o = f64::from(overlap(&a.names, &b.names));
    let num_c = cos(&a.numbers, &b.numbers);
    let num_o = f64::from(overlap(&a.numbers, &b.numbers));
    let min_len = f64::from(a.n_words.min(b.n_words));
    vec![
        char_c,
        term_c,
        pivot_c,
        lead_c,
        names_c,
        names_o,
        num_c,
        num_o,
        same,
        same * term_c,
        (1.0 - same) * pivot_c,
        (1.0 - same) * char_c,
        pivot_c.sqrt(),
        names_c.sqrt(),
        (1.0 + min_len).ln() / 6.0,
    ]
}

/// Names of the analysis features, in the order of [`analysis_features`].
pub const ANALYSIS_FEATURE_NAMES: &[&str] = &[
    "entity",
    "sqrt_entity",
    "entity_overlap",
    "event",
    "date",
    "no_entities",
];

/// The analysis features of two weighted profiles, `None` unless both were
/// analysed: IDF-weighted cosine of canonical entity ids (and its square
/// root), the overlap of the entity sets, the cosine of event signatures
/// and of resolved date keys, and a flag for a side without any entity.
pub fn analysis_features(a: &Weighted, b: &Weighted) -> Option<Vec<f64>> {
    if !(a.analysed && b.analysed) {
        return None;
    }
    let cos = |x: &Sparse, y: &Sparse| f64::from(dot(x, y)).clamp(0.0, 1.0);
    let ent = cos(&a.entities, &b.entities);
    Some(vec![
        ent,
        ent.sqrt(),
        f64::from(overlap(&a.entities, &b.entities)),
        cos(&a.events, &b.events),
        cos(&a.dates, &b.dates),
        if a.entities.is_empty() || b.entities.is_empty() {
            1.0
        } else {
            0.0
        },
    ])
}

/// `bias + Σ wᵢ (xᵢ − meanᵢ) / stdᵢ`.
fn standardised_logit(bias: f64, weights: &[f64], mean: &[f64], std: &[f64], x: &[f64]) -> f64 {
    let mut z = bias;
    for (((w, xi), m), sd) in weights.iter().zip(x).zip(mean).zip(std) {
        let s = if *sd > 1e-12 { *sd } else { 1.0 };
        z += w * (xi - m) / s;
    }
    z
}

/// A linear predictor over standardised features.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Linear {
    /// Feature names, in the order of the feature vector.
    pub features: Vec<String>,
    /// Per-feature mean used for standardisation.
    pub mean: Vec<f64>,
    /// Per-feature standard deviation used for standardisation.
    pub std: Vec<f64>,
    /// Coefficients on the standardised features.
    pub weights: Vec<f64>,
    /// Intercept.
    pub bias: f64,
}

impl Linear {
    /// `bias + Σ wᵢ (xᵢ − meanᵢ) / stdᵢ`.
    pub fn logit(&self, x: &[f64]) -> f64 {
        standardised_logit(self.bias, &self.weights, &self.mean, &self.std, x)
    }

    fn check(&self, names: &[&str]) -> Result<(), StoriesError> {
        let n = names.len();
        if self.features.len() != n
            || self.mean.len() != n
            || self.std.len() != n
            || self.weights.len() != n
            || self.features.iter().zip(names).any(|(a, b)| a != b)
        {
            return Err(StoriesError::Model(format!(
                "model features do not match this build's {n} features {names:?}"
            )));
        }
        Ok(())
    }

    /// L2-regularised logistic regression (Newton steps) of soft targets
    /// `y` ∈ [0, 1] on rows `x`, each row's log-odds shifted by its
    /// `offset` (0 for a plain fit; the text model's log-odds when fitting
    /// what the analysis adds to it).
    pub fn fit(names: &[&str], x: &[Vec<f64>], offset: &[f64], y: &[f64], l2: f64) -> Linear {
        let n = names.len();
        let rows = x.len().max(1) as f64;
        let mut mean = vec![0.0; n];
        let mut std = vec![0.0; n];
        for r in x {
            for i in 0..n {
                mean[i] += r[i] / rows;
            }
        }
        for r in x {
            for i in 0..n {
                std[i] += (r[i] - mean[i]).powi(2) / rows;
            }
        }
        for s in std.iter_mut() {
            *s = s.sqrt();
            if *s < 1e-9 {
                *s = 1.0;
            }
        }
        let z: Vec<Vec<f64>> = x
            .iter()
            .map(|r| {
                let mut v: Vec<f64> = (0..n).map(|i| (r[i] - mean[i]) / std[i]).collect();
                v.push(1.0);
                v
            })
            .collect();
        let d = n + 1;
        let mut w = vec![0.0; d];
        for _ in 0..30 {
            let mut g = vec![0.0; d];
            let mut h = vec![vec![0.0; d]; d];
            for ((zi, &yi), &oi) in z.iter().zip(y).zip(offset) {
                let p = sigmoid(oi + zi.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>());
                let r = p * (1.0 - p);
                for a in 0..d {
                    g[a] += (p - yi) * zi[a];
                    for b in 0..d {
                        h[a][b] += r * zi[a] * zi[b];
                    }
                }
            }
            for a in 0..n {
                g[a] += l2 * w[a];
                h[a][a] += l2;
            }
            h[n][n] += 1e-9;
            let Some(step) = solve(h, g) else { break };
            let mut change = 0.0;
            for a in 0..d {
                w[a] -= step[a];
                change += step[a].abs();
            }
            if change < 1e-8 {
                break;
            }
        }
        Linear {
            features: names.iter().map(|s| s.to_string()).collect(),
            mean,
            std,
            weights: w[..n].to_vec(),
            bias: w[n],
        }
    }
}

/// The "same event?" model: a logistic model over standardised text
/// features and, for two analysed articles, a second linear term over the
/// analysis features ([`analysis_features`]) added to its log-odds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarityModel {
    /// Feature names, must equal [`FEATURE_NAMES`].
    pub features: Vec<String>,
    /// Per-feature mean used for standardisation.
    pub mean: Vec<f64>,
    /// Per-feature standard deviation used for standardisation.
    pub std: Vec<f64>,
    /// Coefficients on the standardised features.
    pub weights: Vec<f64>,
    /// Intercept.
    pub bias: f64,
    /// What the analysis adds to the log-odds when both articles were
    /// analysed (features [`ANALYSIS_FEATURE_NAMES`]); fitted with the text
    /// model's log-odds as offset. Absent: text only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Linear>,
    /// How the model was made (free text: data, command, CV figures).
    #[serde(default)]
    pub provenance: serde_json::Value,
}

static DEFAULT_MODEL: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/models/similarity.json"
));

impl SimilarityModel {
    /// The committed model (`data/models/similarity.json`, embedded).
    pub fn embedded() -> Result<SimilarityModel, StoriesError> {
        Self::from_json(DEFAULT_MODEL)
    }

    /// Parse and check a model file's JSON.
    pub fn from_json(s: &str) -> Result<SimilarityModel, StoriesError> {
        let m: SimilarityModel =
            serde_json::from_str(s).map_err(|e| StoriesError::Model(e.to_string()))?;
        m.text().check(FEATURE_NAMES)?;
        if let Some(l) = &m.analysis {
            l.check(ANALYSIS_FEATURE_NAMES)?;
        }
        Ok(m)
    }

    fn text(&self) -> Linear {
        Linear {
            features: self.features.clone(),
            mean: self.mean.clone(),
            std: self.std.clone(),
            weights: self.weights.clone(),
            bias: self.bias,
        }
    }

    /// The linear predictor of the text features (log-odds of "same event").
    pub fn logit(&self, x: &[f64]) -> f64 {
        standardised_logit(self.bias, &self.weights, &self.mean, &self.std, x)
    }

    /// Score in [0, 1] (1 = same event) of a text feature vector.
    pub fn score(&self, x: &[f64]) -> f64 {
        sigmoid(self.logit(x))
    }

    /// Score of text features `x` and, when given, analysis features.
    pub fn score_with(&self, x: &[f64], analysis: Option<&[f64]>) -> f64 {
        let mut z = self.logit(x);
        if let (Some(l), Some(a)) = (&self.analysis, analysis) {
            z += l.logit(a);
        }
        sigmoid(z)
    }

    /// Score two weighted profiles: text features, plus the analysis
    /// features when both were analysed.
    pub fn score_weighted(&self, a: &Weighted, b: &Weighted) -> f64 {
        sigmoid(self.logit_weighted(a, b))
    }

    /// The log-odds of [`SimilarityModel::score_weighted`].
    pub fn logit_weighted(&self, a: &Weighted, b: &Weighted) -> f64 {
        let mut z = self.logit(&features_weighted(a, b));
        if let Some(l) = &self.analysis
            && let Some(af) = analysis_features(a, b)
        {
            z += l.logit(&af);
        }
        z
    }

    /// Score a pair of profiles.
    pub fn score_pair(&self, a: &Profile, b: &Profile, df: &DocFreq) -> f64 {
        self.score_weighted(&Weighted::new(a, df), &Weighted::new(b, df))
    }

    /// Fit the text model on feature rows `x` and soft targets `y` ∈ [0, 1]
    /// (1 = same event) by L2-regularised logistic regression (Newton steps).
    pub fn fit(x: &[Vec<f64>], y: &[f64], l2: f64) -> SimilarityModel {
        let l = Linear::fit(FEATURE_NAMES, x, &vec![0.0; x.len()], y, l2);
        SimilarityModel {
            features: l.features,
            mean: l.mean,
            std: l.std,
            weights: l.weights,
            bias: l.bias,
            analysis: None,
            provenance: serde_json::Value::Null,
        }
    }

    /// Fit the text model, then (on the rows with analysis features) what
    /// the analysis adds to its log-odds.
    pub fn fit_with_analysis(
        x: &[Vec<f64>],
        ax: &[Option<Vec<f64>>],
        y: &[f64],
        l2: f64,
    ) -> SimilarityModel {
        let mut m = Self::fit(x, y, l2);
        let (mut rows, mut off, mut ys) = (Vec::new(), Vec::new(), Vec::new());
        for ((xi, ai), yi) in x.iter().zip(ax).zip(y) {
            if let Some(a) = ai {
                rows.push(a.clone());
                off.push(m.logit(xi));
                ys.push(*yi);
            }
        }
        if rows.len() >= 20 {
            m.analysis = Some(Linear::fit(ANALYSIS_FEATURE_NAMES, &rows, &off, &ys, l2));
        }
        m
    }
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Solve `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Option<Vec<f64>> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n).max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))?;
        if a[p][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, p);
        b.swap(c, p);
        for r in c + 1..n {
            let f = a[r][c] / a[c][c];
            let (top, bottom) = a.split_at_mut(r);
            for (x, y) in bottom[0][c..n].iter_mut().zip(&top[c][c..n]) {
                *x -= f * y;
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for c in (0..n).rev() {
        let s: f64 = (c + 1..n).map(|k| a[c][k] * x[k]).sum();
        x[c] = (b[c] - s) / a[c][c];
    }
    Some(x)
}

/// Pearson correlation; `None` when either side has no variance.
pub fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for i in 0..n {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx).powi(2);
        syy += (y[i] - my).powi(2);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        return None;
    }
    Some(sxy / (sxx.sqrt() * syy.sqrt()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_basic() {
        assert!((pearson(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!((pearson(&[1.0, 2.0, 3.0], &[3.0, 2.0, 1.0]).unwrap() + 1.0).abs() < 1e-12);
        assert!(pearson(&[1.0, 1.0], &[1.0, 2.0]).is_none());
    }

    #[test]
    fn fit_learns_a_separable_signal() {
        let n = FEATURE_NAMES.len();
        let mut x = Vec::new();
        let mut y = Vec::new();
        for i in 0..200 {
            let mut r = vec![0.0; n];
            let v = (i % 10) as f64 / 10.0;
            r[0] = v;
            r[1] = ((i * 7) % 13) as f64; // noise
            x.push(r);
            y.push(if v > 0.45 { 0.9 } else { 0.1 });
        }
        let m = SimilarityModel::fit(&x, &y, 1.0);
        let mut hi = vec![0.0; n];
        hi[0] = 0.9;
        let mut lo = vec![0.0; n];
        lo[0] = 0.1;
        assert!(m.score(&hi) > 0.7 && m.score(&lo) < 0.3);
        assert!(m.weights[0] > 0.0);
    }

    #[test]
    fn embedded_model_scores_related_pairs_higher() {
        let m = SimilarityModel::embedded().unwrap();
        let mut df = DocFreq::new();
        let a = Profile::new(
            "en",
            "Kim Jong Un met Vladimir Putin at the Vostochny cosmodrome on 13 September 2023.",
        );
        let b = Profile::new(
            "de",
            "Kim Jong Un traf Wladimir Putin am 13. September 2023 am Weltraumbahnhof Wostotschny.",
        );
        let c = Profile::new(
            "de",
            "Der FC Bayern gewann das Spiel gegen Dortmund mit 3:1 im Olympiastadion.",
        );
        for p in [&a, &b, &c] {
            df.add(p);
        }
        assert!(m.score_pair(&a, &b, &df) > m.score_pair(&a, &c, &df));
        assert!(m.score_pair(&b, &c, &df) < 0.5);
    }
}
