//! Cross-validated Pearson of the similarity features on a SemEval-2022
//! Task 8 CSV, per feature and for the fitted model:
//! `cargo run --release -p newsgraph-stories --example similarity_cv -- FILE.csv [MODEL_OUT.json]`
//! (the same fit as `newsgraph train similarity`).
use newsgraph_stories::{FEATURE_NAMES, semeval};

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: similarity_cv FILE.csv");
        std::process::exit(2);
    };
    let (pairs, _) = match semeval::read_pairs(std::path::Path::new(&path)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let t = std::time::Instant::now();
    let rows = semeval::feature_rows(&pairs);
    eprintln!("features of {} pairs in {:?}", pairs.len(), t.elapsed());
    for (i, name) in FEATURE_NAMES.iter().enumerate() {
        let col: Vec<f64> = rows.iter().map(|r| r[i]).collect();
        let r = semeval::report(&pairs, &col);
        println!("{name:>18}: {:.3}", r.pearson.unwrap_or(0.0));
    }
    let cv = semeval::report(&pairs, &semeval::cross_validated_scores(&pairs, &rows, 10));
    println!("10-fold CV: {:.4}", cv.pearson.unwrap_or(0.0));
    if let Some(out) = std::env::args().nth(2) {
        let name = std::path::Path::new(&path)
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let m = semeval::train(&pairs, &rows, 10, &name);
        let json = serde_json::to_string_pretty(&m).unwrap_or_default() + "\n";
        if let Err(e) = std::fs::write(&out, json) {
            eprintln!("{out}: {e}");
        }
    }
    for (k, v) in &cv.per_lang_pair {
        println!("  {k}: n={} r={:.3}", v.n, v.pearson.unwrap_or(0.0));
    }
}
