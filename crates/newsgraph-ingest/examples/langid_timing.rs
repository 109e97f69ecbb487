//! lingua cost on texts of several lengths and language-set sizes:
//! `cargo run --release -p newsgraph-ingest --example langid_timing`.
use lingua::{Language, LanguageDetectorBuilder};
use std::time::Instant;

fn main() {
    let base = "Der russische Präsident Wladimir Putin hat den nordkoreanischen Machthaber Kim Jong Un im Fernen Osten empfangen und über militärische Zusammenarbeit gesprochen. ";
    newsgraph_ingest::warm_up();
    let small = LanguageDetectorBuilder::from_languages(&[
        Language::German,
        Language::English,
        Language::Bokmal,
        Language::French,
    ])
    .with_preloaded_language_models()
    .with_low_accuracy_mode()
    .build();
    for len in [40usize, 150, 600, 3000] {
        let mut t = String::new();
        while t.len() < len {
            t.push_str(base);
        }
        let mut i = len.min(t.len());
        while !t.is_char_boundary(i) {
            i -= 1;
        }
        let t = &t[..i];
        let n = 50;
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(newsgraph_ingest::detect_language(t));
        }
        let ours = start.elapsed().as_secs_f64() * 1e6 / n as f64;
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(small.compute_language_confidence_values(t));
        }
        let four = start.elapsed().as_secs_f64() * 1e6 / n as f64;
        println!(
            "{len:>5} bytes: detect_language {ours:.0} µs; lingua with 4 languages {four:.0} µs"
        );
    }
}
