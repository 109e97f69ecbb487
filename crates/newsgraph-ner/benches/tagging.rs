//! Tagging speed of the committed models (target: ≥ 300,000 tokens/s on one core).
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newsgraph_ner::Tagger;
use newsgraph_ner::conll;
use std::hint::black_box;
use std::path::Path;

fn dev_sentences(rel: &str, max: usize) -> Vec<Vec<String>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/ner")
        .join(rel);
    match conll::read_file(&path) {
        Ok(s) => s.into_iter().take(max).map(|s| s.tokens).collect(),
        Err(_) => {
            // Without the shared data: a fixed news-like sentence.
            let s = "Der russische Präsident Wladimir Putin hat am Mittwoch in Moskau den nordkoreanischen Machthaber Kim Jong-un empfangen , teilte der Kreml mit .";
            vec![s.split(' ').map(str::to_string).collect(); max.min(500)]
        }
    }
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("ner_tag");
    for (lang, file) in [
        ("de", "germeval2014-de/train.tsv"),
        ("nb", "norne-nob/dev.tsv"),
        ("en", "wikiann-en/dev.tsv"),
    ] {
        let tagger = match Tagger::load(lang) {
            Ok(t) => t,
            Err(e) => panic!("model {lang}: {e}"),
        };
        let sents = dev_sentences(file, 1000);
        let toks: Vec<Vec<&str>> = sents
            .iter()
            .map(|s| s.iter().map(String::as_str).collect())
            .collect();
        let n: usize = toks.iter().map(Vec::len).sum();
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(lang, |b| {
            b.iter(|| {
                let mut k = 0;
                for s in &toks {
                    k += tagger.tag(black_box(s)).len();
                }
                k
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
