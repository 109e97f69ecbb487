//! Per-stage cost on the seed texts: `cargo run --release --example stage_timing`.
use std::time::Instant;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/seeds");
    let mut texts = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if let Ok(t) = std::fs::read_to_string(e.path()) {
            texts.push(t);
        }
    }
    newsgraph_ingest::warm_up();
    let _ = newsgraph_ingest::clean("x", None);
    let n = 200;
    let t = Instant::now();
    for _ in 0..n {
        for s in &texts {
            std::hint::black_box(newsgraph_ingest::clean(s, None));
        }
    }
    let k = (n * texts.len()) as f64;
    println!(
        "clean: {:.1} µs/article",
        t.elapsed().as_secs_f64() * 1e6 / k
    );
    let t = Instant::now();
    for _ in 0..n {
        for s in &texts {
            std::hint::black_box(newsgraph_ingest::detect_language(s));
        }
    }
    println!(
        "detect_language: {:.1} µs/article",
        t.elapsed().as_secs_f64() * 1e6 / k
    );
    let t = Instant::now();
    for _ in 0..n {
        for s in &texts {
            std::hint::black_box(newsgraph_ingest::minhash(s));
            std::hint::black_box(newsgraph_ingest::content_hash(s));
        }
    }
    println!(
        "minhash+hash: {:.1} µs/article",
        t.elapsed().as_secs_f64() * 1e6 / k
    );
    let avg: usize = texts.iter().map(|t| t.len()).sum::<usize>() / texts.len();
    println!("average article {avg} bytes");
}
