//! The stories benchmark without the CLI (same code as `newsgraph bench stories`):
//! `cargo run --release -p newsgraph-stories --example bench_stories -- FILE.csv [ARTICLES] [PER_DAY]`
use newsgraph_stories::{ClusterConfig, SimilarityModel, bench, semeval};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: bench_stories FILE.csv [ARTICLES] [PER_DAY]");
        std::process::exit(2);
    };
    let n: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(200_000);
    let per_day: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let (pairs, _) = match semeval::read_pairs(std::path::Path::new(path)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let model = match SimilarityModel::embedded() {
        Ok(m) => m,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let r = bench::run(&pairs, n, per_day, ClusterConfig::default(), model, 42);
    println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
}
