//! Main-text extraction on REAL web pages: the 100 pages of the trafilatura
//! 0.9.0 sdist's `tests/cache/` that the trafilatura crate 0.6's
//! `comparison-data/entries.json` annotates with "with" snippets (text of
//! the main content: found = true positive, missed = false negative) and
//! "without" snippets (boilerplate: found = false positive, absent = true
//! negative). This is the snippet evaluation of trafilatura / go-trafilatura,
//! not the Zyte shingle F1 of the target.
//!
//! Fetch the pages first (they are publishers' copyright and stay outside
//! the repository): `scripts/fetch_html_eval.sh` prints the cache directory.
//! Then, on one core:
//! `nice taskset -c 0 cargo run --release -p newsgraph-ingest --example html_real_eval [DIR]`
//! (`DIR` defaults to `$NEWSGRAPH_EVAL_CACHE`, else `~/.cache/newsgraph/html-eval`).
//!
//! Rows: the bare extractors (trafilatura with the published evaluation's
//! options and with ours, dom_smoothie), our extraction step
//! (`extract_html_with`), and the full pipeline users get
//! (`extract_bytes`: decoding, extraction, cleaning, language id). The pages
//! are split in two halves by file name (`dev`: the even positions of the
//! sorted list, `held-out`: the odd ones); cleaning rules are tuned on `dev`
//! only, and `held-out` is the honest figure. Snippets and texts are
//! compared with white space runs collapsed to one space (the published
//! results compare raw strings; `--raw` does the same, for checking this
//! harness against them). The published per-page results of the trafilatura
//! crate (`comparison-data/rust_results.jsonl`) are scored on the same pages.
//! `--show ROW` prints each miss and false positive of that row.

#[path = "../benches/support/measure.rs"]
mod measure;
use measure::cpu_time;
use newsgraph_ingest::{HtmlBackend, Options, extract_bytes, extract_html_with};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

struct Entry {
    file: String,
    url: String,
    with: Vec<String>,
    without: Vec<String>,
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fn_: usize,
    fp: usize,
    tn: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.tp += o.tp;
        self.fn_ += o.fn_;
        self.fp += o.fp;
        self.tn += o.tn;
    }
    fn prf(&self) -> (f64, f64, f64) {
        let (tp, fp, fn_) = (self.tp as f64, self.fp as f64, self.fn_ as f64);
        let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 0.0 };
        let r = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 0.0 };
        let f = if tp > 0.0 {
            2.0 * tp / (2.0 * tp + fp + fn_)
        } else {
            0.0
        };
        (p, r, f)
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn score(e: &Entry, text: &str, raw: bool, show: Option<&str>) -> Counts {
    let norm = |s: &str| if raw { s.to_string() } else { squash(s) };
    let t = norm(text);
    let mut c = Counts::default();
    for w in &e.with {
        if !t.is_empty() && t.contains(&norm(w)) {
            c.tp += 1;
        } else {
            c.fn_ += 1;
            if let Some(row) = show {
                println!("  [{row}] MISSED  {}: {w:?}", e.file);
            }
        }
    }
    for w in &e.without {
        if !t.is_empty() && t.contains(&norm(w)) {
            c.fp += 1;
            if let Some(row) = show {
                println!("  [{row}] KEPT    {}: {w:?}", e.file);
            }
        } else {
            c.tn += 1;
        }
    }
    c
}

/// The page as text: UTF-8, else the encoding chardetng guesses (what the
/// bare extractors get; the pipeline decodes the bytes itself).
fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let mut d = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            d.feed(bytes, true);
            d.guess(None, chardetng::Utf8Detection::Deny)
                .decode(bytes)
                .0
                .into_owned()
        }
    }
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn load(dir: &Path) -> (Vec<Entry>, PathBuf) {
    let pages = dir.join("trafilatura-0.9.0/tests/cache");
    let entries = dir.join("comparison-data/entries.json");
    let src = std::fs::read_to_string(&entries).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run scripts/fetch_html_eval.sh first)",
            entries.display()
        )
    });
    let all: Vec<Value> = serde_json::from_str(&src).expect("entries.json is a JSON array");
    let mut out: Vec<Entry> = all
        .iter()
        .filter_map(|v| {
            let file = v.get("file")?.as_str()?.to_string();
            pages.join(&file).is_file().then(|| Entry {
                url: v
                    .get("url")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                with: strings(v, "with"),
                without: strings(v, "without"),
                file,
            })
        })
        .collect();
    out.sort_by(|a, b| a.file.cmp(&b.file));
    out.dedup_by(|a, b| a.file == b.file);
    (out, pages)
}

/// The published per-page results of the trafilatura crate, by file.
fn published(dir: &Path, name: &str) -> HashMap<String, Counts> {
    let path = dir.join("comparison-data").join(name);
    let Ok(src) = std::fs::read_to_string(&path) else {
        return HashMap::new();
    };
    src.lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| {
            let n = |k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0) as usize;
            Some((
                v.get("file")?.as_str()?.to_string(),
                Counts {
                    tp: n("tp"),
                    fn_: n("fn"),
                    fp: n("fp"),
                    tn: n("tn"),
                },
            ))
        })
        .collect()
}

fn print_row(name: &str, halves: [Counts; 2], speed: Option<(f64, f64)>) {
    let mut all = halves[0];
    all.add(halves[1]);
    let (p, r, f) = all.prf();
    let (_, _, fd) = halves[0].prf();
    let (_, _, fh) = halves[1].prf();
    let speed = match speed {
        Some((cpu, wall)) => format!("{cpu:>8.0} {wall:>8.0}"),
        None => format!("{:>8} {:>8}", "-", "-"),
    };
    println!("{name:<44} {p:>6.3} {r:>6.3} {f:>6.3} {fd:>6.3} {fh:>6.3} {speed}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let raw = args.iter().any(|a| a == "--raw");
    let show = args
        .iter()
        .position(|a| a == "--show")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let dir = args
        .iter()
        .enumerate()
        .find(|(i, a)| !a.starts_with("--") && (*i == 0 || args[i - 1] != "--show"))
        .map(|(_, a)| PathBuf::from(a))
        .or_else(|| std::env::var_os("NEWSGRAPH_EVAL_CACHE").map(PathBuf::from))
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/newsgraph/html-eval")
        });
    let (entries, pages_dir) = load(&dir);
    let bytes: Vec<Vec<u8>> = entries
        .iter()
        .map(|e| std::fs::read(pages_dir.join(&e.file)).expect("read page"))
        .collect();
    let texts: Vec<String> = bytes.iter().map(|b| decode(b)).collect();
    let total: usize = bytes.iter().map(Vec::len).sum();
    println!(
        "{} real pages ({:.1} KB average), {} \"with\" and {} \"without\" snippets; matching {}",
        entries.len(),
        total as f64 / entries.len().max(1) as f64 / 1024.0,
        entries.iter().map(|e| e.with.len()).sum::<usize>(),
        entries.iter().map(|e| e.without.len()).sum::<usize>(),
        if raw {
            "raw strings"
        } else {
            "with white space collapsed"
        }
    );
    println!(
        "{:<44} {:>6} {:>6} {:>6} {:>6} {:>6} {:>8} {:>8}",
        "engine", "P", "R", "F1", "F1 dev", "F1 h-o", "pg/CPUs", "pg/s"
    );
    newsgraph_ingest::warm_up();

    type Run<'a> = Box<dyn Fn(usize) -> String + 'a>;
    let traf = |published_opts: bool| {
        let texts = &texts;
        let entries = &entries;
        move |i: usize| {
            let mut o = trafilatura::Options::default();
            o.original_url = url::Url::parse(&entries[i].url).ok();
            if published_opts {
                o.enable_fallback = true;
                o.exclude_comments = true;
                o.exclude_tables = false;
            }
            trafilatura::extract(&texts[i], &o)
                .map(|r| r.content_text)
                .unwrap_or_default()
        }
    };
    let opts = Options::default();
    let rows: Vec<(&str, Run)> = vec![
        (
            "trafilatura 0.6 bare (published options)",
            Box::new(traf(true)),
        ),
        (
            "trafilatura 0.6 bare (default options)",
            Box::new(traf(false)),
        ),
        (
            "dom_smoothie 0.19 bare",
            Box::new(|i: usize| {
                let url = Some(entries[i].url.as_str()).filter(|u| u.starts_with("http"));
                dom_smoothie::Readability::new(texts[i].as_str(), url, None)
                    .ok()
                    .and_then(|mut r| r.parse().ok())
                    .map(|a| a.text_content.to_string())
                    .unwrap_or_default()
            }),
        ),
        (
            "extract_html_with(Trafilatura)",
            Box::new(|i: usize| {
                extract_html_with(&texts[i], Some(&entries[i].url), HtmlBackend::Trafilatura).text
            }),
        ),
        (
            "extract_html_with(DomSmoothie)",
            Box::new(|i: usize| {
                extract_html_with(&texts[i], Some(&entries[i].url), HtmlBackend::DomSmoothie).text
            }),
        ),
        (
            "pipeline (extract_bytes: + cleaning, langid)",
            Box::new(|i: usize| {
                extract_bytes(&entries[i].file, &bytes[i], &opts)
                    .ok()
                    .and_then(|v| v.into_iter().next())
                    .map(|a| a.text)
                    .unwrap_or_default()
            }),
        ),
    ];
    for (name, run) in &rows {
        let (w0, c0) = (Instant::now(), cpu_time());
        let outs: Vec<String> = (0..entries.len()).map(run).collect();
        let wall = w0.elapsed().as_secs_f64();
        let cpu = (cpu_time() - c0).as_secs_f64();
        let mut halves = [Counts::default(); 2];
        let show_this = show.as_deref().filter(|s| name.contains(s));
        for (i, (e, o)) in entries.iter().zip(&outs).enumerate() {
            halves[i % 2].add(score(e, o, raw, show_this));
        }
        let n = entries.len() as f64;
        print_row(name, halves, Some((n / cpu, n / wall)));
    }
    for (name, file) in [
        ("published: trafilatura crate", "rust_results.jsonl"),
        (
            "published: trafilatura crate fast",
            "rust_fast_results.jsonl",
        ),
        ("published: Python trafilatura", "python_results.jsonl"),
    ] {
        let res = published(&dir, file);
        if res.is_empty() {
            continue;
        }
        let mut halves = [Counts::default(); 2];
        for (i, e) in entries.iter().enumerate() {
            if let Some(c) = res.get(&e.file) {
                halves[i % 2].add(*c);
            }
        }
        print_row(name, halves, None);
    }
}
