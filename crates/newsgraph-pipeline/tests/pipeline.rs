//! End-to-end behaviour of the ingest pipeline on files it writes itself.

use newsgraph_model::{Analysis, Article, NewArticle, Sentence};
use newsgraph_pipeline::{
    Analyser, DateResolver, Event, IngestOptions, Pipeline, ResolvedDate, Summary,
};
use newsgraph_store::{ArticleFilter, SqliteStore, Store};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

const SENTENCES: &[&str] = &[
    "Der russische Präsident hat den nordkoreanischen Machthaber am Mittwoch im Fernen Osten empfangen.",
    "Beide Seiten sprachen nach Angaben des Kremls über wirtschaftliche und humanitäre Zusammenarbeit.",
    "Ein Sprecher bestätigte, dass die Einladung zu einem Gegenbesuch angenommen worden sei.",
    "Die Gespräche dauerten nach offiziellen Angaben mehr als fünf Stunden und fanden auf dem Weltraumbahnhof statt.",
    "Beobachter im Westen zeigten sich besorgt über eine mögliche militärische Zusammenarbeit der beiden Länder.",
    "Der Außenminister soll im Oktober zu weiteren Gesprächen in die Hauptstadt reisen.",
    "Die staatliche Nachrichtenagentur berichtete von einer warmen und freundschaftlichen Atmosphäre.",
    "Zum Abschluss tauschten die beiden Staatschefs Geschenke aus, darunter zwei Gewehre.",
    "Die Regierung in Seoul warnte beide Staaten vor einer Verletzung der internationalen Sanktionen.",
    "Der Besuch war die erste Auslandsreise des Machthabers seit dem Beginn der Pandemie.",
];

/// Writes `n` distinct German articles (title line + 6 sentences) into `dir`.
fn write_articles(dir: &Path, n: usize, offset: usize) {
    for i in 0..n {
        let k = i + offset;
        let mut body = format!("Bericht Nummer {k} über den Gipfel\n\n");
        for j in 0..6 {
            body.push_str(SENTENCES[(k * 7 + j * 3) % SENTENCES.len()]);
            body.push_str(&format!(" (Meldung {k}-{j})\n"));
        }
        std::fs::write(dir.join(format!("a{k:04}.txt")), body).unwrap();
    }
}

fn store_in(dir: &Path) -> Arc<dyn Store> {
    Arc::new(SqliteStore::open(dir.join("news.db")).unwrap())
}

fn run(p: &Pipeline, inputs: &[&Path]) -> (Summary, Vec<String>) {
    let inputs: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
    let mut rejected = Vec::new();
    let s = p
        .ingest(&inputs, &mut |e| {
            if let Event::Rejected(r) = e {
                rejected.push(format!("{}: {}", r.input, r.reason));
            }
        })
        .unwrap();
    (s, rejected)
}

fn small_batches() -> IngestOptions {
    IngestOptions {
        batch_size: 4,
        ..IngestOptions::default()
    }
}

#[test]
fn ingests_a_directory_once() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    write_articles(&input, 10, 0);
    let store = store_in(tmp.path());
    let p = Pipeline::new(store.clone(), small_batches());
    let (s, rejected) = run(&p, &[&input]);
    assert!(rejected.is_empty(), "{rejected:?}");
    assert_eq!((s.read, s.ingested, s.duplicates), (10, 10, 0));
    assert_eq!(s.article_ids, (1..=10).collect::<Vec<_>>());
    assert!(s.processed_anything());
    let stored = store.list_articles(&ArticleFilter::default()).unwrap();
    assert_eq!(stored.len(), 10);
    assert!(stored.iter().all(|a| a.lang == "de"), "language identified");

    // Again: nothing new, everything counted as duplicate.
    let (s2, _) = run(&p, &[&input]);
    assert_eq!((s2.read, s2.ingested, s2.duplicates), (10, 0, 10));
    assert_eq!(store.stats().unwrap().articles, 10);
    // Both runs are recorded with their summaries.
    let runs = store.list_runs(5).unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].summary["duplicates"], 10);
    assert!(store.check_integrity().unwrap().is_empty());
}

#[test]
fn rejections_are_reported_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    write_articles(&input, 3, 0);
    std::fs::write(input.join("empty.txt"), "").unwrap();
    let missing = tmp.path().join("does-not-exist.txt");
    let store = store_in(tmp.path());
    let p = Pipeline::new(store.clone(), small_batches());
    let (s, rejected) = run(&p, &[&input, &missing]);
    assert_eq!(s.ingested, 3);
    assert_eq!(s.rejected, 2, "{rejected:?}");
    assert_eq!(rejected.len(), 2);
    assert!(rejected.iter().any(|r| r.contains("empty.txt")));
    assert!(rejected.iter().any(|r| r.contains("does-not-exist.txt")));
    // The rejections are logged in the store with the run.
    let run_id = s.run_id.unwrap();
    assert_eq!(store.run_rejections(run_id).unwrap().len(), 2);

    // Only bad inputs: nothing processed.
    let (s, _) = run(&p, &[&missing]);
    assert!(!s.processed_anything());
}

#[test]
fn near_duplicates_are_stored_and_linked() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let mut text = String::from("Gipfel im Fernen Osten\n");
    for s in SENTENCES {
        text.push_str(s);
        text.push('\n');
    }
    std::fs::write(input.join("a.txt"), &text).unwrap();
    // A syndicated copy: other title, one sentence changed at the end.
    let copy = text
        .replacen("Gipfel im Fernen Osten", "Kim und Putin treffen sich", 1)
        .replace(
            "seit dem Beginn der Pandemie.",
            "seit vier Jahren, meldete die Agentur.",
        );
    std::fs::write(input.join("b.txt"), &copy).unwrap();
    let unrelated = "Wetter\nMorgen wird es in ganz Norddeutschland regnerisch und kühl, \
        am Wochenende scheint dann wieder die Sonne bei bis zu zwanzig Grad.\n";
    std::fs::write(input.join("c.txt"), unrelated).unwrap();
    let store = store_in(tmp.path());
    let p = Pipeline::new(store.clone(), IngestOptions::default());
    let (s, _) = run(&p, &[&input]);
    assert_eq!((s.ingested, s.near_duplicates), (3, 1));
    let b = store.get_article(2).unwrap().unwrap();
    assert_eq!(b.duplicate_of, Some(1));
    assert!(b.duplicate_score.unwrap() >= 0.8);
    assert_eq!(store.get_article(3).unwrap().unwrap().duplicate_of, None);

    // With a threshold of 1.0 the copy is not linked.
    let tmp2 = tempfile::tempdir().unwrap();
    let store2 = store_in(tmp2.path());
    let strict = Pipeline::new(
        store2.clone(),
        IngestOptions {
            near_dup_threshold: 1.0,
            ..IngestOptions::default()
        },
    );
    let (s, _) = run(&strict, &[&input]);
    assert_eq!((s.ingested, s.near_duplicates), (3, 0));
}

#[test]
fn bad_threshold_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = Pipeline::new(
        store_in(tmp.path()),
        IngestOptions {
            near_dup_threshold: 1.5,
            ..IngestOptions::default()
        },
    );
    assert!(p.ingest(&["x".to_string()], &mut |_| {}).is_err());
}

struct FixedDate;
impl DateResolver for FixedDate {
    fn resolve(&self, a: &NewArticle) -> Option<ResolvedDate> {
        a.title.contains("Nummer 1 ").then(|| ResolvedDate {
            value: "2023-09-13".into(),
            estimated: true,
        })
    }
}

#[test]
fn undated_articles_go_through_the_date_resolver() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    write_articles(&input, 3, 0);
    let store = store_in(tmp.path());
    let p =
        Pipeline::new(store.clone(), small_batches()).with_date_resolver(Some(Arc::new(FixedDate)));
    let (s, _) = run(&p, &[&input]);
    assert_eq!(s.dates_resolved, 1);
    let dated: Vec<Article> = store
        .list_articles(&ArticleFilter::default())
        .unwrap()
        .into_iter()
        .filter(|a| a.published.is_some())
        .collect();
    assert_eq!(dated.len(), 1);
    assert_eq!(dated[0].published.as_deref(), Some("2023-09-13"));
    assert!(dated[0].published_estimated);
}

/// Splits the text into lines as "sentences"; fails on a marked article.
struct LineAnalyser {
    calls: AtomicUsize,
    resolved: std::sync::Mutex<Vec<i64>>,
}
impl Analyser for LineAnalyser {
    fn model_version(&self) -> String {
        "lines-1".into()
    }
    fn analyse(&self, a: &Article) -> Result<Analysis, String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if a.title.contains("Nummer 2 ") {
            return Err("cannot analyse this one".into());
        }
        let mut sentences = Vec::new();
        let mut start = 0;
        for line in a.text.split_inclusive('\n') {
            sentences.push(Sentence {
                start,
                end: start + line.trim_end().len(),
                text: line.trim_end().to_string(),
            });
            start += line.len();
        }
        Ok(Analysis {
            lang: a.lang.clone(),
            dct: a.published.clone(),
            sentences,
            ..Analysis::default()
        })
    }
    fn resolve(&self, id: i64, analysis: &mut Analysis) {
        self.resolved.lock().unwrap().push(id);
        analysis.dct = Some(format!("resolved-{id}"));
    }
}

#[test]
fn stored_articles_are_analysed_and_left_overs_caught_up() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    write_articles(&input, 6, 0);
    let store = store_in(tmp.path());
    // A first run without analyser (as if killed before analysis).
    let plain = Pipeline::new(store.clone(), small_batches());
    run(&plain, &[&input]);
    assert_eq!(store.stats().unwrap().analyses, 0);

    write_articles(&input, 2, 6);
    let analyser = Arc::new(LineAnalyser {
        calls: AtomicUsize::new(0),
        resolved: Default::default(),
    });
    let p = Pipeline::new(store.clone(), small_batches()).with_analyser(analyser.clone());
    let mut failures = 0;
    let s = p
        .ingest(&[input.display().to_string()], &mut |e| {
            if let Event::AnalysisFailed(_) = e {
                failures += 1;
            }
        })
        .unwrap();
    assert_eq!(s.ingested, 2);
    // The 2 new articles and the 6 earlier ones, one of which fails.
    assert_eq!(s.analysed, 7);
    assert_eq!(s.analysis_failures.len(), 1);
    assert_eq!(failures, 1);
    assert_eq!(store.stats().unwrap().analyses, 7);
    let a = store.get_analysis(1).unwrap().unwrap();
    assert_eq!(a.model_version, "lines-1");
    assert!(!a.analysis.sentences.is_empty());
    // The ordered step ran on every success, in article order, before storing.
    assert_eq!(a.analysis.dct.as_deref(), Some("resolved-1"));
    let order = analyser.resolved.lock().unwrap().clone();
    assert_eq!(order.len(), 7);
    // New articles (7, 8) first, then the catch-up of 1..6 (minus the failure).
    assert_eq!(order, vec![7, 8, 1, 2, 4, 5, 6]);
    // The failing one stays pending and is retried by the next run.
    let before = analyser.calls.load(Ordering::SeqCst);
    let again = p.analyse_pending(false, &mut |_| {}).unwrap();
    assert_eq!(again.analysis_failures.len(), 1);
    assert_eq!(analyser.calls.load(Ordering::SeqCst), before + 1);
}
