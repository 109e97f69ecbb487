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
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut sent = String::new();
    for line in text.lines() {
        match line.split('\t').nth(1) {
            Some(t) => {
                if !sent.is_empty() && !matches!(t, "." | "," | ":" | ";" | "!" | "?" | ")") {
                    sent.push(' ');
                }
                sent.push_str(t);
            }
            None => {
                if sent.len() > 30 {
                    cur.push_str(&sent);
                    cur.push(' ');
                }
                sent.clear();
                if cur.len() >= size {
                    out.push((lang.to_string(), std::mem::take(&mut cur)));
                    if out.len() >= max {
                        break;
                    }
                }
            }
        }
    }
    out
}

fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
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

/// A parameterised re-implementation of the two-stage identifier, to
/// compare sample sizes and first-pass settings (`--variants`).
struct Variant {
    name: String,
    sample: usize,
    decide: usize,
    allow: bool,
    /// Inside a close group: whatlang restricted to the group first, lingua
    /// only between its pick and the group languages whatlang lacks.
    narrow: bool,
    high: bool,
}

fn run_variant(v: &Variant, text: &str, tabs: &VTables) -> String {
    use lingua::Language;
    let letters = text.chars().filter(|c| c.is_alphabetic()).take(120).count();
    if letters < 120 {
        return newsgraph_ingest::detect_language(text).0;
    }
    let fl = |s: &str, i: usize| {
        let mut i = i.min(s.len());
        while i > 0 && !s.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let sample: std::borrow::Cow<str> = if text.len() <= v.sample + 200 {
        text.into()
    } else {
        let a = fl(text, v.sample / 2);
        let mid = fl(text, text.len() / 2);
        let b = fl(text, mid + v.sample / 2);
        format!("{}\n{}", &text[..a], &text[mid..b]).into()
    };
    let det = if v.allow { &tabs.allowed } else { &tabs.any };
    let Some(info) = det.detect(&sample) else {
        return "und".into();
    };
    let Some(first) = tabs.by3.get(info.lang().code()).copied() else {
        return "und".into();
    };
    let code = |l: Language| l.iso_code_639_1().to_string().to_lowercase();
    if info.is_reliable() && info.confidence() >= 0.9 && !tabs.close.contains(&first) {
        return code(first);
    }
    let mut langs = vec![first];
    if v.narrow && tabs.close.contains(&first) {
        let g = tabs
            .groups
            .iter()
            .find(|g| g.contains(&first) && g.iter().all(|l| tabs.close.contains(l)))
            .cloned()
            .unwrap_or_default();
        let wl: Vec<whatlang::Lang> = g
            .iter()
            .filter_map(|l| {
                whatlang::Lang::from_code(l.iso_code_639_3().to_string().to_lowercase())
            })
            .collect();
        let lacking: Vec<Language> = g
            .iter()
            .copied()
            .filter(|l| {
                whatlang::Lang::from_code(l.iso_code_639_3().to_string().to_lowercase()).is_none()
            })
            .collect();
        if wl.len() >= 2
            && let Some(i2) = whatlang::Detector::with_allowlist(wl).detect(&sample)
            && let Some(second) = tabs.by3.get(i2.lang().code()).copied()
        {
            if lacking.is_empty() {
                if i2.confidence() >= 0.5 {
                    return code(second);
                }
            } else {
                langs = vec![second];
                langs.extend(lacking);
                langs.sort();
                return decide(v, tabs, langs, text, &code);
            }
        }
    }
    for g in &tabs.groups {
        if g.contains(&first) {
            for l in g {
                if !langs.contains(l) {
                    langs.push(*l);
                }
            }
        }
    }
    if langs.len() < 2 {
        langs.push(if first == Language::English {
            Language::German
        } else {
            Language::English
        });
    }
    langs.sort();
    decide(v, tabs, langs, text, &code)
}

fn decide(
    v: &Variant,
    tabs: &VTables,
    langs: Vec<lingua::Language>,
    text: &str,
    code: &dyn Fn(lingua::Language) -> String,
) -> String {
    let fl = |s: &str, i: usize| {
        let mut i = i.min(s.len());
        while i > 0 && !s.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let d = tabs
        .dets
        .lock()
        .unwrap()
        .entry((v.high, langs.clone()))
        .or_insert_with(|| {
            let mut b = lingua::LanguageDetectorBuilder::from_languages(&langs);
            b.with_preloaded_language_models();
            if !v.high {
                b.with_low_accuracy_mode();
            }
            std::sync::Arc::new(b.build())
        })
        .clone();
    let w = &text[..fl(text, v.decide)];
    match d.compute_language_confidence_values(w).first() {
        Some((l, c)) if *c > 0.0 => code(*l),
        _ => "und".into(),
    }
}

type DetectorCache = std::sync::Mutex<
    std::collections::HashMap<
        (bool, Vec<lingua::Language>),
        std::sync::Arc<lingua::LanguageDetector>,
    >,
>;

struct VTables {
    by3: std::collections::HashMap<String, lingua::Language>,
    groups: Vec<Vec<lingua::Language>>,
    close: Vec<lingua::Language>,
    allowed: whatlang::Detector,
    any: whatlang::Detector,
    dets: DetectorCache,
}

fn vtables() -> VTables {
    use lingua::Language;
    let all: Vec<Language> = Language::all().into_iter().collect();
    let by1: std::collections::HashMap<String, Language> = all
        .iter()
        .map(|l| (l.iso_code_639_1().to_string().to_lowercase(), *l))
        .collect();
    let by3: std::collections::HashMap<String, Language> = all
        .iter()
        .map(|l| (l.iso_code_639_3().to_string().to_lowercase(), *l))
        .collect();
    let mut groups = Vec::new();
    let mut close = Vec::new();
    for line in newsgraph_lang::lines("xx", "ingest-langid-groups.txt") {
        let (strict, rest) = match line.strip_prefix('!') {
            Some(r) => (true, r),
            None => (false, line),
        };
        let g: Vec<Language> = rest
            .split_whitespace()
            .filter_map(|c| by1.get(c).copied())
            .collect();
        if strict {
            close.extend(g.iter().copied());
        }
        if !g.is_empty() {
            groups.push(g);
        }
    }
    let allow = whatlang::Lang::all()
        .iter()
        .copied()
        .filter(|l| by3.contains_key(l.code()))
        .collect();
    VTables {
        by3,
        groups,
        close,
        allowed: whatlang::Detector::with_allowlist(allow),
        any: whatlang::Detector::new(),
        dets: Default::default(),
    }
}

fn main() {
    let reference = std::env::args().any(|a| a == "--reference");
    let variants = std::env::args().any(|a| a == "--variants");
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
    if variants {
        let tabs = vtables();
        let mut vs = Vec::new();
        for (sample, decide, allow, narrow, high) in [
            (600, 260, true, false, false),
            (600, 260, true, true, false),
            (600, 160, true, true, false),
            (400, 160, true, true, false),
            (400, 160, true, true, true),
            (600, 260, true, false, true),
        ] {
            vs.push(Variant {
                name: format!(
                    "sample {sample} decide {decide} allow {allow} narrow {narrow} high {high}"
                ),
                sample,
                decide,
                allow,
                narrow,
                high,
            });
        }
        for (name, set) in &sets {
            for v in &vs {
                score(&format!("{name} [{}]", v.name), set, &|t| {
                    run_variant(v, t, &tabs)
                });
            }
        }
        return;
    }
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
