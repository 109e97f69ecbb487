//! What event extraction adds to the per-article analysis (issue target:
//! at most 30 %). The same seed texts go through the full analysis
//! (`newsgraph_analyse::Analyser::analyse`: sentences, tagger, linking,
//! time expressions, events, quotes) and through event + quote extraction
//! alone on the finished analysis; analysis without events is the
//! difference. Times are CPU time of the benchmarking thread (so other
//! processes on the machine do not inflate them), via criterion's
//! `iter_custom`; the share is printed at the end from a separate
//! CPU-time measurement of both steps.
//!
//! `nice taskset -c 0 cargo bench -p newsgraph-events --bench analysis_share`
use criterion::{Criterion, criterion_group};
use newsgraph_model::Analysis;
use std::hint::black_box;
use std::time::Duration;

fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn seeds() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    paths.sort();
    let mut v: Vec<(String, String)> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .map(|t| {
            let lang = if t.contains(" og ") { "nb" } else { "de" };
            (t, lang.to_string())
        })
        .collect();
    if v.is_empty() {
        v.push((
            "Kremlsprecher Dmitri Peskow sagte, Putin habe die Einladung angenommen. Putin traf Kim Jong-un am 13. September in Wostotschny.".into(),
            "de".into(),
        ));
    }
    v
}

struct Setup {
    analyser: &'static newsgraph_analyse::Analyser,
    arts: Vec<(String, String)>,
    /// Finished analyses without events and quotes.
    bare: Vec<Analysis>,
}

fn setup() -> Setup {
    let analyser = match newsgraph_analyse::Analyser::shared() {
        Ok(a) => a,
        Err(e) => panic!("analyser: {e}"),
    };
    let arts = seeds();
    let bare = arts
        .iter()
        .map(|(t, l)| {
            let mut a = analyser.analyse(t, l, Some("2023-09-14"), 1);
            a.events.clear();
            a.quotes.clear();
            a
        })
        .collect();
    Setup {
        analyser,
        arts,
        bare,
    }
}

fn full(s: &Setup) {
    for (t, l) in &s.arts {
        black_box(s.analyser.analyse(black_box(t), l, Some("2023-09-14"), 1));
    }
}

fn events_only(s: &Setup) {
    for ((t, l), a) in s.arts.iter().zip(&s.bare) {
        black_box(newsgraph_events::extract(black_box(t), l, a, 1));
    }
}

fn cpu_iter(iters: u64, f: impl Fn()) -> Duration {
    let t0 = thread_cpu();
    for _ in 0..iters {
        f();
    }
    thread_cpu() - t0
}

fn bench(c: &mut Criterion) {
    let s = setup();
    let n = s.arts.len();
    c.bench_function(
        &format!("full analysis incl. events ({n} seed articles)"),
        |b| b.iter_custom(|iters| cpu_iter(iters, || full(&s))),
    );
    c.bench_function(&format!("events + quotes only ({n} seed articles)"), |b| {
        b.iter_custom(|iters| cpu_iter(iters, || events_only(&s)))
    });
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // The share, from CPU time over enough rounds to be stable.
    let s = setup();
    let rounds = 40;
    full(&s);
    let t_full = cpu_iter(rounds, || full(&s)).as_secs_f64() / rounds as f64;
    let t_ev = cpu_iter(rounds, || events_only(&s)).as_secs_f64() / rounds as f64;
    let without = (t_full - t_ev).max(f64::EPSILON);
    println!(
        "{{\"articles\": {}, \"cpu_ms_per_article_full\": {:.3}, \"cpu_ms_per_article_events\": {:.3}, \"cpu_ms_per_article_without_events\": {:.3}, \"events_added_pct\": {:.1}}}",
        s.arts.len(),
        t_full * 1e3 / s.arts.len() as f64,
        t_ev * 1e3 / s.arts.len() as f64,
        without * 1e3 / s.arts.len() as f64,
        100.0 * t_ev / without
    );
}
