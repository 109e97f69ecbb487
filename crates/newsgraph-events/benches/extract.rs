//! Extraction cost per article: events + quotes over seed-like articles
//! (sentences, mentions and timexes precomputed, as the analysis pipeline
//! gives them), against the cost of the segmentation step it follows.
use criterion::{Criterion, criterion_group, criterion_main};
use newsgraph_model::{Analysis, Sentence};
use std::hint::black_box;

fn seeds() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/seeds");
    let mut v = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        let mut paths: Vec<_> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for p in paths {
            if let Ok(t) = std::fs::read_to_string(&p) {
                let lang = if t.contains(" og ") { "nb" } else { "de" };
                v.push((t, lang.to_string()));
            }
        }
    }
    if v.is_empty() {
        v.push((
            "Kremlsprecher Dmitri Peskow sagte, Putin habe die Einladung angenommen. Putin traf Kim am 13. September.".to_string(),
            "de".to_string(),
        ));
    }
    v
}

fn analysis(text: &str, lang: &str) -> Analysis {
    let sentences = newsgraph_lang::split_sentences(text, lang)
        .into_iter()
        .map(|s| Sentence {
            start: s.start,
            end: s.end,
            text: text[s.start..s.end].to_string(),
        })
        .collect();
    Analysis {
        lang: lang.to_string(),
        sentences,
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    let arts = seeds();
    let prepared: Vec<(String, String, Analysis)> = arts
        .iter()
        .map(|(t, l)| (t.clone(), l.clone(), analysis(t, l)))
        .collect();
    // Warm the lexicon cache.
    let _ = newsgraph_events::extract(&prepared[0].0, &prepared[0].1, &prepared[0].2, 1);
    c.bench_function("segment (split_sentences + tokenize) per article", |b| {
        b.iter(|| {
            for (t, l) in &arts {
                let s = newsgraph_lang::split_sentences(black_box(t), l);
                let toks = newsgraph_lang::tokenize(black_box(t), l);
                black_box((s.len(), toks.len()));
            }
        })
    });
    c.bench_function("events::extract per article (seed set)", |b| {
        b.iter(|| {
            for (t, l, a) in &prepared {
                black_box(newsgraph_events::extract(black_box(t), l, a, 1));
            }
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
