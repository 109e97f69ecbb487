//! Language-identification accuracy and cost on real multilingual news text:
//! `cargo run --release -p newsgraph-ingest --example langid_eval [--reference]`.
//!
//! Texts: both sides of every pair of the SemEval-2022 Task 8 sample
//! (`../shared/data/similarity`, real news in 10 languages, cut to about
//! 1,000 characters; gold = the pair's language columns), plus ~3 KB and
//! ~300-byte texts assembled from held-out sentences of the NER corpora
//! (German GermEval, Norwegian Bokmål NorNE dev, English WikiANN dev).
//! Prints accuracy per language and overall, and the CPU time per text of
//! `detect_language`. `--reference` also scores lingua's full
//! high-accuracy detector over all its languages on the whole text.
#[path = "../benches/support/measure.rs"]
mod measure;
use measure::cpu_time;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

/// Rows of a CSV file with quoted fields (RFC 4180: `""` inside quotes).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, '\r') => {}
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(field);
        rows.push(row);
    }
    rows
}

fn semeval() -> Vec<(String, String)> {
    let file = shared().join("similarity/semeval2022-task8-sample-a.csv");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let rows = csv_rows(&text);
    let head = &rows[0];
    let col = |n: &str| head.iter().position(|h| h == n).expect(n);
    let (l1, l2, t1, t2) = (col("lang1"), col("lang2"), col("text1"), col("text2"));
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for r in &rows[1..] {
        if r.len() <= t2.max(t1) {
            continue;
        }
        for (l, t) in [(l1, t1), (l2, t2)] {
            let t = r[t].trim();
            if t.len() > 20 && seen.insert(t.to_string()) {
                out.push((r[l].clone(), t.to_string()));
            }
        }
    }
    out
}

/// Texts of about `size` bytes from the sentences of a CoNLL-style file.
fn ner_texts(file: &Path, lang: &str, size: usize, max: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for sent in measure::ner_sentences(file) {
        if sent.len() > 30 {
            cur.push_str(&sent);
            cur.push(' ');
        }
        if cur.len() >= size {
            out.push((lang.to_string(), std::mem::take(&mut cur)));
            if out.len() >= max {
                break;
            }
        }
    }
    out
}

fn score(name: &str, set: &[(String, String)], f: &dyn Fn(&str) -> String) {
    let mut per: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut wrong: BTreeMap<(String, String), usize> = BTreeMap::new();
    let t0 = cpu_time();
    for (gold, text) in set {
        let got = f(text);
        let e = per.entry(gold.as_str()).or_default();
        e.1 += 1;
        if &got == gold {
            e.0 += 1;
        } else {
            *wrong.entry((gold.clone(), got)).or_default() += 1;
        }
    }
    let cpu = cpu_time() - t0;
    let (ok, n) = per.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "{name}: accuracy {:.4} ({ok}/{n}), {:.0} µs CPU per text",
        ok as f64 / n as f64,
        cpu.as_secs_f64() * 1e6 / n as f64
    );
    let per: Vec<String> = per
        .iter()
        .map(|(l, (ok, n))| format!("{l} {ok}/{n}"))
        .collect();
    println!("  {}", per.join(", "));
    if !wrong.is_empty() {
        let w: Vec<String> = wrong
            .iter()
            .map(|((g, s), n)| format!("{g}→{s} ×{n}"))
            .collect();
        println!("  errors: {}", w.join(", "));
    }
}

fn main() {
    let reference = std::env::args().any(|a| a == "--reference");
    let ner = shared().join("ner");
    let sets: Vec<(&str, Vec<(String, String)>)> = vec![
        ("semeval-2022 (10 languages, ~1 KB)", semeval()),
        ("NER corpora, ~3 KB (de, nb, en)", {
            let mut v = ner_texts(&ner.join("germeval2014-de/train.tsv"), "de", 3000, 150);
            v.extend(ner_texts(&ner.join("norne-nob/dev.tsv"), "nb", 3000, 150));
            v.extend(ner_texts(&ner.join("wikiann-en/dev.tsv"), "en", 3000, 150));
            v
        }),
        ("NER corpora, ~300 B (de, nb, en)", {
            let mut v = ner_texts(&ner.join("germeval2014-de/train.tsv"), "de", 300, 300);
            v.extend(ner_texts(&ner.join("norne-nob/dev.tsv"), "nb", 300, 300));
            v.extend(ner_texts(&ner.join("wikiann-en/dev.tsv"), "en", 300, 300));
            v
        }),
    ];
    newsgraph_ingest::warm_up();
    let full = reference.then(|| {
        lingua::LanguageDetectorBuilder::from_all_languages()
            .with_preloaded_language_models()
            .build()
    });
    for (name, set) in &sets {
        score(name, set, &|t| newsgraph_ingest::detect_language(t).0);
        if let Some(d) = &full {
            score(
                &format!("{name} [lingua, all languages, whole text]"),
                set,
                &|t| {
                    d.detect_language_of(t)
                        .map(|l| l.iso_code_639_1().to_string().to_lowercase())
                        .unwrap_or_else(|| "und".into())
                },
            );
        }
    }
}
