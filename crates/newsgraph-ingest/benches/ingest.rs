//! Throughput of the ingest stages on one core:
//! - `html_extract`: HTML main-text extraction + cleaning + language id
//!   (generated news pages, see `support/pagegen.rs`), pages/s;
//! - `plain_text`: decoding, cleaning, language id, content hash and MinHash
//!   of ~3 KB plain-text articles, articles/s;
//! - `langid_3kb`: language identification alone on a 3 KB text.
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use newsgraph_ingest::{Options, content_hash, detect_language, extract_bytes, lsh_bands, minhash};

#[path = "support/pagegen.rs"]
mod pagegen;

fn texts_3kb(pool: &[String], n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let mut t = format!("Schlagzeile Nummer {i} über den Gipfel\n\n");
            let mut j = i * 7;
            while t.len() < 3000 {
                t.push_str(&pool[j % pool.len()]);
                t.push_str("\n\n");
                j += 1;
            }
            t.push_str("Teilen\nKommentar (0)\n");
            t
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    newsgraph_ingest::warm_up();
    let pool = pagegen::paragraphs(&pagegen::corpus_texts());
    let opts = Options::default();

    let pages = pagegen::generate(&pool, 64, 7);
    let mut g = c.benchmark_group("html_extract");
    g.throughput(Throughput::Elements(pages.len() as u64));
    g.sample_size(10);
    g.bench_function("64_pages", |b| {
        b.iter(|| {
            for p in &pages {
                let a = extract_bytes("page.html", p.html.as_bytes(), &opts);
                std::hint::black_box(a.ok());
            }
        })
    });
    g.finish();

    let texts = texts_3kb(&pool, 64);
    let mut g = c.benchmark_group("plain_text");
    g.throughput(Throughput::Elements(texts.len() as u64));
    g.sample_size(20);
    g.bench_function("64_articles_3kb", |b| {
        b.iter(|| {
            for t in &texts {
                if let Ok(v) = extract_bytes("a.txt", t.as_bytes(), &opts) {
                    for a in v {
                        let sig = minhash(&a.text);
                        std::hint::black_box((content_hash(&a.text), lsh_bands(&sig)));
                    }
                }
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("langid_3kb");
    g.throughput(Throughput::Elements(1));
    g.bench_function("detect_language", |b| {
        b.iter(|| detect_language(std::hint::black_box(&texts[3])))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
