//! Measures main-text extraction of the HTML backends on generated news
//! pages: shingle F1 against the known main text, and pages per second on
//! one core, by wall time and per CPU second (process CPU time: the cost
//! on one core whatever the machine's load; run it under `taskset -c 0`).
//! `cargo run --release -p newsgraph-ingest --example html_eval [N]`.
#[path = "../benches/support/pagegen.rs"]
mod pagegen;

#[path = "../benches/support/measure.rs"]
mod measure;
use measure::cpu_time;
use newsgraph_ingest::{HtmlBackend, extract_html_with};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(300);
    let pool = pagegen::paragraphs(&pagegen::corpus_texts());
    let pages = pagegen::generate(&pool, n, 42);
    let bytes: usize = pages.iter().map(|p| p.html.len()).sum();
    println!(
        "{} pages, {:.1} KB average, paragraph pool {}",
        n,
        bytes as f64 / n as f64 / 1024.0,
        pool.len()
    );
    // The whole pipeline as users get it: extraction + cleaning + language id.
    newsgraph_ingest::warm_up();
    let (t, c) = (Instant::now(), cpu_time());
    let opts = newsgraph_ingest::Options::default();
    let outs: Vec<String> = pages
        .iter()
        .map(|p| {
            newsgraph_ingest::extract_bytes("p.html", p.html.as_bytes(), &opts)
                .ok()
                .and_then(|v| v.into_iter().next())
                .map(|a| a.text)
                .unwrap_or_default()
        })
        .collect();
    let secs = t.elapsed().as_secs_f64();
    let cpu = (cpu_time() - c).as_secs_f64();
    let f: f64 = outs
        .iter()
        .zip(&pages)
        .map(|(o, p)| pagegen::shingle_f1(o, &p.gold).2)
        .sum::<f64>()
        / n as f64;
    println!(
        "pipeline (trafilatura + cleaning + langid): F1 {f:.3}, {:.0} pages/s wall, {:.0} pages per CPU second",
        n as f64 / secs,
        n as f64 / cpu
    );
    for backend in [HtmlBackend::Trafilatura, HtmlBackend::DomSmoothie] {
        let (t, c) = (Instant::now(), cpu_time());
        let outs: Vec<String> = pages
            .iter()
            .map(|p| extract_html_with(&p.html, None, backend).text)
            .collect();
        let secs = t.elapsed().as_secs_f64();
        let cpu = (cpu_time() - c).as_secs_f64();
        let (mut sp, mut sr, mut sf) = (0.0, 0.0, 0.0);
        for (o, p) in outs.iter().zip(&pages) {
            let (pr, re, f) = pagegen::shingle_f1(o, &p.gold);
            sp += pr;
            sr += re;
            sf += f;
        }
        let k = n as f64;
        println!(
            "{backend:?}: precision {:.3} recall {:.3} F1 {:.3}, {:.0} pages/s wall, {:.0} pages per CPU second ({:.2} ms CPU/page)",
            sp / k,
            sr / k,
            sf / k,
            k / secs,
            k / cpu,
            cpu * 1000.0 / k
        );
    }
}
