//! Cross-validated Pearson of the similarity features on a SemEval-2022
//! Task 8 CSV, per feature and for the fitted model:
//! `cargo run --release -p newsgraph-stories --example similarity_cv -- FILE.csv [MODEL_OUT.json]`
//! (the same fit as `newsgraph train similarity`). With `ANALYSES=FILE.jsonl`
//! (written by the `semeval_analyses` example) the analysis layer is fitted
//! and cross-validated too.
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
    let analyses: Vec<(newsgraph_model::Analysis, newsgraph_model::Analysis)> =
        match std::env::var("ANALYSES") {
            Ok(f) => {
                let text = std::fs::read_to_string(&f).unwrap_or_default();
                let mut by_id = std::collections::HashMap::new();
                for line in text.lines() {
                    if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
                        let a1 = serde_json::from_value(v["a1"].clone());
                        let a2 = serde_json::from_value(v["a2"].clone());
                        if let (Some(id), Ok(a1), Ok(a2)) = (v["id"].as_str(), a1, a2) {
                            by_id.insert(id.to_string(), (a1, a2));
                        }
                    }
                }
                pairs
                    .iter()
                    .map(|p| by_id.get(&p.id).cloned().unwrap_or_default())
                    .collect()
            }
            Err(_) => Vec::new(),
        };
    let (rows, arows) = semeval::feature_rows_analysed(&pairs, &analyses);
    eprintln!("features of {} pairs in {:?}", pairs.len(), t.elapsed());
    for (i, name) in FEATURE_NAMES.iter().enumerate() {
        let col: Vec<f64> = rows.iter().map(|r| r[i]).collect();
        let r = semeval::report(&pairs, &col);
        println!("{name:>18}: {:.3}", r.pearson.unwrap_or(0.0));
    }
    for (i, name) in newsgraph_stories::ANALYSIS_FEATURE_NAMES.iter().enumerate() {
        let (p2, col): (Vec<semeval::GoldPair>, Vec<f64>) = pairs
            .iter()
            .zip(&arows)
            .filter_map(|(p, a)| a.as_ref().map(|a| (p.clone(), a[i])))
            .unzip();
        let r = semeval::report(&p2, &col);
        println!(
            "{name:>18}: {:.3} (n={})",
            r.pearson.unwrap_or(0.0),
            p2.len()
        );
    }
    let text_scores = semeval::cross_validated_scores(&pairs, &rows, &[], 10);
    let text = semeval::report(&pairs, &text_scores);
    // What the text score misses where analysis signals are shared.
    for (i, name) in newsgraph_stories::ANALYSIS_FEATURE_NAMES.iter().enumerate() {
        let mut bins = [(0usize, 0.0f64); 3];
        for ((p, a), s) in pairs.iter().zip(&arows).zip(&text_scores) {
            if let Some(a) = a {
                let b = if a[i] <= 0.0 {
                    0
                } else if a[i] < 0.3 {
                    1
                } else {
                    2
                };
                bins[b].0 += 1;
                bins[b].1 += semeval::target(p.overall) - s;
            }
        }
        let show: Vec<String> = bins
            .iter()
            .map(|(n, r)| format!("n={n} resid={:+.3}", r / (*n).max(1) as f64))
            .collect();
        println!("{name:>18} =0 | (0,0.3) | >=0.3: {}", show.join(" | "));
    }
    println!("10-fold CV text only: {:.4}", text.pearson.unwrap_or(0.0));
    let cv = semeval::report(
        &pairs,
        &semeval::cross_validated_scores(&pairs, &rows, &arows, 10),
    );
    println!("10-fold CV: {:.4}", cv.pearson.unwrap_or(0.0));
    if let Some(out) = std::env::args().nth(2) {
        let name = std::path::Path::new(&path)
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let m = semeval::train(&pairs, &rows, &arows, 10, &name);
        let json = serde_json::to_string_pretty(&m).unwrap_or_default() + "\n";
        if let Err(e) = std::fs::write(&out, json) {
            eprintln!("{out}: {e}");
        }
    }
    for (k, v) in &cv.per_lang_pair {
        let t = text
            .per_lang_pair
            .get(k)
            .and_then(|x| x.pearson)
            .unwrap_or(0.0);
        println!(
            "  {k}: n={} r={:.3} (text only {t:.3})",
            v.n,
            v.pearson.unwrap_or(0.0)
        );
    }
}
