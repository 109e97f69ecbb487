//! Killing an ingest at an arbitrary moment leaves a consistent store, and
//! running it again gives exactly what a clean run gives.

use newsgraph_model::Article;
use newsgraph_store::{ArticleFilter, SqliteStore, Store};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Real sentences of the seed corpus, recombined into `n` distinct articles
/// of about 1 KB (small, so the debug-build test stays quick).
fn generate(dir: &Path, n: usize) {
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/seeds");
    let mut sentences: Vec<String> = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(f).unwrap();
        for s in text.split_inclusive(['.', '!', '?']) {
            let s = s.trim();
            if s.len() > 40 && s.len() < 400 {
                sentences.push(s.to_string());
            }
        }
    }
    assert!(sentences.len() > 50);
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..n {
        let mut body = format!("Meldung {i}: Bericht aus dem Archiv\n\n");
        let mut para = 0;
        while body.len() < 1000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            body.push_str(&sentences[(x % sentences.len() as u64) as usize]);
            body.push(' ');
            para += 1;
            if para % 4 == 0 {
                body.push_str(&format!("(Absatz {i}.{para})\n"));
            }
        }
        std::fs::write(dir.join(format!("{i:05}.txt")), body).unwrap();
    }
}

fn ingest(db: &Path, input: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_newsgraph"));
    c.env_remove("NEWSGRAPH_DB")
        .arg("--db")
        .arg(db)
        .args(["ingest", "--batch-size", "25", "--json"])
        .arg(input)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn count(db: &Path) -> u64 {
    // The store may not exist yet, or be mid-creation.
    match SqliteStore::open(db) {
        Ok(s) => s.stats().map(|s| s.articles).unwrap_or(0),
        Err(_) => 0,
    }
}

/// Everything but the ingest time (and the language confidence beyond
/// 1e-6: lingua's float sums differ in the last digits between runs).
fn comparable(a: &Article) -> Article {
    Article {
        ingested_at: String::new(),
        lang_confidence: (a.lang_confidence * 1e6).round() / 1e6,
        ..a.clone()
    }
}

#[test]
fn killed_ingest_leaves_a_consistent_store_and_the_rerun_completes_it() {
    const N: usize = 2000;
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    generate(&input, N);

    let db = tmp.path().join("killed.db");
    let mut child = ingest(&db, &input).spawn().unwrap();
    let t0 = Instant::now();
    let mut killed_at = 0;
    while t0.elapsed() < Duration::from_secs(120) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let n = count(&db);
        if n >= 25 {
            child.kill().unwrap(); // SIGKILL
            killed_at = n;
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait().unwrap();
    assert!(killed_at > 0, "the ingest ended before it could be killed");

    let store = SqliteStore::open(&db).unwrap();
    assert_eq!(store.check_integrity().unwrap(), Vec::<String>::new());
    let stats = store.stats().unwrap();
    assert!(
        (stats.articles as usize) < N,
        "killed too late: {} articles",
        stats.articles
    );
    assert_eq!(
        stats.articles % 25,
        0,
        "a batch was half written: {stats:?}"
    );
    // Every stored article is whole: its text, signature bands and raw view.
    for a in store.list_articles(&ArticleFilter::default()).unwrap() {
        assert!(a.text.len() > 800, "article {} truncated", a.id);
        let raw = store.get_raw(a.id).unwrap().unwrap();
        assert!(!raw.raw_text.is_empty());
    }
    let runs = store.list_runs(10).unwrap();
    assert_eq!(runs.len(), 1);
    assert!(
        runs[0].finished_at.is_none(),
        "the killed run is unfinished"
    );
    drop(store);

    // Re-run: completes the work.
    let o = ingest(&db, &input).stdout(Stdio::piped()).output().unwrap();
    assert!(o.status.success());
    let summary: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        summary["ingested"].as_u64().unwrap() + stats.articles,
        N as u64
    );
    assert_eq!(summary["duplicates"].as_u64().unwrap(), stats.articles);

    // A clean run into a fresh store gives the same articles.
    let clean_db = tmp.path().join("clean.db");
    assert!(ingest(&clean_db, &input).status().unwrap().success());
    let resumed = SqliteStore::open(&db).unwrap();
    let clean = SqliteStore::open(&clean_db).unwrap();
    assert!(resumed.check_integrity().unwrap().is_empty());
    let a: Vec<Article> = resumed
        .list_articles(&ArticleFilter::default())
        .unwrap()
        .iter()
        .map(comparable)
        .collect();
    let b: Vec<Article> = clean
        .list_articles(&ArticleFilter::default())
        .unwrap()
        .iter()
        .map(comparable)
        .collect();
    assert_eq!(a.len(), N);
    if let Some((x, y)) = a.iter().zip(&b).find(|(x, y)| x != y) {
        panic!("the resumed store differs from a clean run:\n{x:?}\n{y:?}");
    }
    assert_eq!(
        resumed.stats().unwrap().lsh_bands,
        clean.stats().unwrap().lsh_bands
    );
}
