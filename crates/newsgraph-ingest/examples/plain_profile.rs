//! Runs the plain-text pipeline in a loop (for `perf record`):
//! `cargo run --release -p newsgraph-ingest --example plain_profile [N]`.
#[path = "../benches/support/pagegen.rs"]
mod pagegen;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let pool = pagegen::paragraphs(&pagegen::corpus_texts());
    let texts: Vec<String> = (0..64)
        .map(|i| {
            let mut t = format!("Schlagzeile Nummer {i} über den Gipfel\n\n");
            let mut j = i * 7;
            while t.len() < 3000 {
                t.push_str(&pool[j % pool.len()]);
                t.push_str("\n\n");
                j += 1;
            }
            t
        })
        .collect();
    newsgraph_ingest::warm_up();
    let opts = newsgraph_ingest::Options::default();
    let t = Instant::now();
    for k in 0..n {
        let a = newsgraph_ingest::extract_bytes("a.txt", texts[k % 64].as_bytes(), &opts);
        std::hint::black_box(a.ok());
    }
    println!(
        "{:.0} µs/article",
        t.elapsed().as_secs_f64() * 1e6 / n as f64
    );
}
