//! `newsgraph similarity`, `newsgraph train similarity`, `newsgraph eval similarity`:
//! the pairwise "same event?" score of two articles in any languages.

use anyhow::{Context, Result};
use clap::Args;
use newsgraph_stories::semeval;
use newsgraph_stories::{DocFreq, Profile, SimilarityModel};
use serde::Deserialize;
use std::io::{BufRead, Write};
use std::path::PathBuf;

/// Score article pairs read as JSONL on stdin.
#[derive(Args, Debug)]
pub struct SimilarityArgs {
    /// A similarity model file (default: the embedded `data/models/similarity.json`).
    #[arg(long)]
    pub model: Option<PathBuf>,
}

/// Fit the similarity model on a SemEval-2022 Task 8 CSV.
#[derive(Args, Debug)]
pub struct TrainArgs {
    /// The CSV with `pair_id`, `lang1`, `lang2`, `text1`, `text2`, `Overall`.
    pub file: PathBuf,
    /// Where to write the model JSON.
    #[arg(long, default_value = "data/models/similarity.json")]
    pub out: PathBuf,
    /// Folds of the cross-validation recorded in the model's provenance.
    #[arg(long, default_value_t = 10)]
    pub folds: usize,
}

/// Evaluate the similarity score against a SemEval-2022 Task 8 CSV.
#[derive(Args, Debug)]
pub struct EvalArgs {
    /// The CSV with `pair_id`, `lang1`, `lang2`, `text1`, `text2`, `Overall`.
    pub file: PathBuf,
    /// A similarity model file (default: the embedded one).
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Folds of the cross-validation (refit on folds, score held-out fold).
    #[arg(long, default_value_t = 10)]
    pub folds: usize,
}

#[derive(Deserialize)]
struct PairIn {
    id: serde_json::Value,
    #[serde(default)]
    lang1: String,
    #[serde(default)]
    lang2: String,
    text1: String,
    text2: String,
}

fn load_model(path: &Option<PathBuf>) -> Result<SimilarityModel> {
    Ok(match path {
        Some(p) => {
            let s =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            SimilarityModel::from_json(&s).with_context(|| format!("model {}", p.display()))?
        }
        None => SimilarityModel::embedded()?,
    })
}

/// `newsgraph similarity`: IDF comes from all texts of the input batch.
pub fn similarity(a: SimilarityArgs) -> Result<i32> {
    let model = load_model(&a.model)?;
    let stdin = std::io::stdin();
    let mut pairs = Vec::new();
    let mut bad = 0;
    for (i, line) in stdin.lock().lines().enumerate() {
        let line = line.context("reading stdin")?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<PairIn>(&line) {
            Ok(p) => pairs.push(p),
            Err(e) => {
                bad += 1;
                eprintln!("newsgraph similarity: stdin line {}: {e}", i + 1);
            }
        }
    }
    let profs: Vec<(Profile, Profile)> = pairs
        .iter()
        .map(|p| {
            (
                Profile::new(&p.lang1, &p.text1),
                Profile::new(&p.lang2, &p.text2),
            )
        })
        .collect();
    let mut df = DocFreq::new();
    for (x, y) in &profs {
        df.add(x);
        df.add(y);
    }
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    let mut write_all = || -> std::io::Result<()> {
        for (p, (x, y)) in pairs.iter().zip(&profs) {
            let s = model.score_pair(x, y, &df);
            writeln!(out, "{}", serde_json::json!({"id": p.id, "score": s}))?;
        }
        out.flush()
    };
    match write_all() {
        // a closed pipe (`| head`) ends output quietly
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r?,
    }
    Ok(if bad > 0 { 1 } else { 0 })
}

/// `newsgraph train similarity`.
pub fn train(a: TrainArgs) -> Result<i32> {
    let (pairs, skipped) = semeval::read_pairs(&a.file)?;
    anyhow::ensure!(
        pairs.len() >= 20,
        "{}: too few scored pairs",
        a.file.display()
    );
    let rows = semeval::feature_rows(&pairs);
    let name = a
        .file
        .file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let m = semeval::train(&pairs, &rows, &[], a.folds, &name);
    if let Some(dir) = a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&a.out, serde_json::to_string_pretty(&m)? + "\n")
        .with_context(|| format!("writing {}", a.out.display()))?;
    eprintln!(
        "trained on {} pairs ({} skipped); {}-fold CV Pearson {}; wrote {}",
        pairs.len(),
        skipped,
        a.folds,
        m.provenance["cv_pearson"],
        a.out.display()
    );
    Ok(0)
}

/// `newsgraph eval similarity`: the model as given (in-sample if it was
/// fitted on this file), k-fold cross-validated refits, and the character
/// n-gram TF-IDF baseline.
pub fn eval(a: EvalArgs) -> Result<i32> {
    let model = load_model(&a.model)?;
    let (pairs, skipped) = semeval::read_pairs(&a.file)?;
    let rows = semeval::feature_rows(&pairs);
    let scores: Vec<f64> = rows.iter().map(|r| model.score(r)).collect();
    let cv = semeval::cross_validated_scores(&pairs, &rows, &[], a.folds);
    let baseline: Vec<f64> = rows.iter().map(|r| r[0]).collect();
    let out = serde_json::json!({
        "file": a.file.display().to_string(),
        "pairs": pairs.len(),
        "skipped": skipped,
        "model": semeval::report(&pairs, &scores),
        "cross_validated": {
            "folds": a.folds,
            "report": semeval::report(&pairs, &cv),
        },
        "baseline_char_4gram_tfidf": semeval::report(&pairs, &baseline).pearson,
    });
    let text = serde_json::to_string_pretty(&out)? + "\n";
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        r => r?,
    }
    Ok(0)
}
