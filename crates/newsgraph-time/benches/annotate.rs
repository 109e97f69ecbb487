//! Throughput of `annotate` on news text (seeds + the dev set), one core.
//! Target: ≥ 10 MB/s. Run: `cargo bench -p newsgraph-time --bench annotate`.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn corpus() -> Vec<(String, &'static str)> {
    let mut docs = Vec::new();
    let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/seeds");
    if let Ok(rd) = std::fs::read_dir(seeds) {
        let mut paths: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if let Ok(t) = std::fs::read_to_string(&p) {
                let lang = if t.contains(" og ") { "nb" } else { "de" };
                docs.push((t, lang));
            }
        }
    }
    let dev = include_str!("../tests/data/timex-dev.jsonl");
    for line in dev.lines() {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line)
            && let (Some(t), Some(l)) = (v["text"].as_str(), v["lang"].as_str())
        {
            let lang: &'static str = match l {
                "de" => "de",
                "nb" => "nb",
                "nn" => "nn",
                _ => "en",
            };
            docs.push((t.to_string(), lang));
        }
    }
    docs
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    // group by language into ~50 KB chunks so per-call overhead is realistic
    let mut by_lang: Vec<(String, &'static str)> = Vec::new();
    for lang in ["de", "nb", "nn", "en"] {
        let mut text = String::new();
        for (t, l) in &docs {
            if *l == lang {
                text.push_str(t);
                text.push_str("\n\n");
            }
        }
        if text.is_empty() {
            continue;
        }
        while text.len() < 50_000 {
            let t = text.clone();
            text.push_str(&t);
        }
        by_lang.push((text, lang));
    }
    let total: usize = by_lang.iter().map(|(t, _)| t.len()).sum();
    // warm the grammar cache
    for (t, l) in &by_lang {
        newsgraph_time::annotate(t, l, Some("2024-01-17"), &[]);
    }
    let mut g = c.benchmark_group("annotate");
    g.throughput(Throughput::Bytes(total as u64));
    g.bench_function("news-de-nb-nn-en", |b| {
        b.iter(|| {
            let mut n = 0;
            for (t, l) in &by_lang {
                n += newsgraph_time::annotate(t, l, Some("2024-01-17"), &[]).len();
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
