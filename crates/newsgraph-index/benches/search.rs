//! Latency of `SearchIndex::search` (one thread) on a realistic index:
//! 20,000 articles made of real sentences (GermEval 2014 German and NorNE
//! Norwegian, from `../shared/data/ner`) with their gold entities as the
//! indexed entities and stories of ~8 consecutive articles. Queries mix
//! common words, names, phrases, filters, date sorting and facets, as the
//! load test does. Target: the mean well under 5 ms, so that one core serves
//! 200 searches/s with p99 < 50 ms (`scripts/loadtest.sh`).
//!
//! Set `NEWSGRAPH_BENCH_INDEX=<db>.index` to measure an existing index
//! instead (e.g. the load test's 50,000-article store); it must have the
//! current schema. Run: `cargo bench -p newsgraph-index --bench search`.
use criterion::{Criterion, criterion_group, criterion_main};
use newsgraph_index::{
    AnalyzerConfig, IndexDoc, IndexedEntity, SearchIndex, SearchRequest, SortOrder,
};
use std::path::Path;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/ner");

/// Sentences of a token-per-line NER file with their entities (type, name).
fn sentences(path: &Path) -> Vec<(String, Vec<(String, String)>)> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let (mut words, mut ents): (Vec<&str>, Vec<(String, String)>) = (Vec::new(), Vec::new());
    for line in text.lines().chain(std::iter::once("")) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 3 {
            if !words.is_empty() {
                out.push((words.join(" "), std::mem::take(&mut ents)));
                words.clear();
            }
            continue;
        }
        let (tok, label) = (cols[1], cols[2]);
        if let Some(t) = label.strip_prefix("B-") {
            ents.push((t.to_lowercase(), tok.to_string()));
        } else if label.starts_with("I-")
            && let Some(last) = ents.last_mut()
        {
            last.1.push(' ');
            last.1.push_str(tok);
        }
        words.push(tok);
    }
    out
}

fn corpus(n: usize) -> Vec<IndexDoc> {
    let sets = [
        (
            "de",
            "germeval2014-de/train.tsv",
            ["Tagesschau", "Spiegel", "FAZ"],
        ),
        ("nb", "norne-nob/train.tsv", ["NRK", "VG", "Aftenposten"]),
    ];
    let pools: Vec<_> = sets
        .iter()
        .map(|(lang, file, sources)| (*lang, sentences(&Path::new(DATA).join(file)), sources))
        .filter(|(_, s, _)| !s.is_empty())
        .collect();
    let mut docs = Vec::with_capacity(n);
    if pools.is_empty() {
        return docs;
    }
    for i in 0..n {
        let (lang, pool, sources) = &pools[i % pools.len()];
        // A story = 8 consecutive articles drawing on overlapping sentence runs.
        let story = (i / (8 * pools.len())) as i64;
        let start = (story as usize * 5 + (i * 7) % 9) % pool.len().saturating_sub(12).max(1);
        let part = &pool[start..(start + 10).min(pool.len())];
        let mut entities: Vec<IndexedEntity> = Vec::new();
        for (_, ents) in part {
            for (t, name) in ents {
                let id = format!("{t}:{}", name.to_lowercase().replace(' ', "-"));
                if !entities.iter().any(|e| e.id == id) {
                    entities.push(IndexedEntity {
                        id,
                        canonical: name.clone(),
                    });
                }
            }
        }
        let day = 1 + (story * 37 % 360);
        docs.push(IndexDoc {
            id: i as i64 + 1,
            title: part[0].0.chars().take(90).collect(),
            text: part
                .iter()
                .map(|(s, _)| s.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            lang: lang.to_string(),
            source: Some(sources[i % sources.len()].to_string()),
            published: Some(format!(
                "2024-{:02}-{:02}T10:00:00Z",
                1 + (day / 31) % 12,
                1 + day % 28
            )),
            story_id: Some(story),
            entities,
            analysed: true,
        });
    }
    docs
}

fn requests() -> Vec<(&'static str, SearchRequest)> {
    let q = |text: &str| SearchRequest {
        query: text.into(),
        ..Default::default()
    };
    vec![
        ("word", q("Regierung")),
        ("common word", q("der")),
        ("two words", q("Berlin Polizei")),
        ("phrase", q("\"im Jahr\"")),
        ("nb word", q("regjeringen")),
        ("nb or", q("Oslo OR Bergen")),
        (
            "lang filter",
            SearchRequest {
                lang: Some("de".into()),
                ..q("Stadt")
            },
        ),
        (
            "dates + source",
            SearchRequest {
                from: Some("2024-03-01".into()),
                to: Some("2024-06-30".into()),
                source: Some("NRK".into()),
                ..q("Norge")
            },
        ),
        (
            "newest, no text",
            SearchRequest {
                sort: SortOrder::Newest,
                source: Some("Spiegel".into()),
                ..q("")
            },
        ),
        (
            "no facets",
            SearchRequest {
                facets: false,
                ..q("Regierung")
            },
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let index = match std::env::var_os("NEWSGRAPH_BENCH_INDEX") {
        Some(dir) => SearchIndex::open(Path::new(&dir)).expect("open the index"),
        None => {
            let (config, _) = AnalyzerConfig::from_resources();
            let idx = SearchIndex::in_memory(config).expect("in-memory index");
            let docs = corpus(20_000);
            // Several segments, as after incremental ingests.
            for chunk in docs.chunks(5_000) {
                idx.upsert(chunk, None).expect("index the corpus");
            }
            idx
        }
    };
    eprintln!("{} documents", index.num_docs());
    let mut g = c.benchmark_group("search");
    for (name, req) in requests() {
        let total = index.search(&req).map(|r| r.total).unwrap_or(0);
        eprintln!("{name}: {total} matches");
        g.bench_function(name, |b| b.iter(|| index.search(&req).expect("search")));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
