//! Worker mode end to end (issue 8): three `newsgraph worker` processes and
//! one assigner on PostgreSQL yield exactly the stories (and entities) one
//! `newsgraph ingest` process yields on the same input, even when one worker
//! is killed with SIGKILL in the middle of a batch (its claimed articles
//! return to the queue when their lease runs out and another worker redoes
//! them). The input arrives in two ingest runs (two arrival units): the
//! assigner runs the stories step once per run, as each `ingest` does.
//!
//! Input: the five seed articles (run 1) plus 420 real news articles (run 2) (the texts of
//! SemEval-2022 Task 8 pairs, 10 languages, pairs sharing a date so the pairs
//! about one event can form stories). Needs `NEWSGRAPH_TEST_PG` (skipped
//! without, except under `CI=true`).

mod common;
use common::{bin, run, stdout_json};

use newsgraph_store::PgStore;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const PAIRS: usize = 210;

fn url() -> Option<String> {
    newsgraph_store::conformance::pg_test_url("the worker test")
}

use newsgraph_store::conformance::pg_url_in_schema as url_in_schema;

/// The inputs, in ingest order: the seeds, then a JSONL file of SemEval texts.
fn inputs(dir: &Path) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(root.join("examples/seeds"))
        .expect("examples/seeds")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    seeds.sort();
    assert_eq!(seeds.len(), 5);
    let csv_path = root.join("../shared/data/similarity/semeval2022-task8-sample-a.csv");
    let mut reader =
        csv::Reader::from_path(&csv_path).unwrap_or_else(|e| panic!("{}: {e}", csv_path.display()));
    let headers = reader.headers().expect("csv header").clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("no column {name}"))
    };
    let (l1, l2, t1, t2) = (col("lang1"), col("lang2"), col("text1"), col("text2"));
    let mut jsonl = String::new();
    for (i, rec) in reader.records().take(PAIRS).enumerate() {
        let rec = rec.expect("csv record");
        // Pairs spread over 10 weeks; both texts of a pair on the same day.
        let day = format!("2020-{:02}-{:02}", 3 + (i / 28) % 3, 1 + i % 28);
        for (t, l) in [(t1, l1), (t2, l2)] {
            let text = rec.get(t).unwrap_or("").trim();
            let title: String = text.chars().take(70).collect();
            let line = serde_json::json!({
                "title": title,
                "text": text,
                "lang": rec.get(l),
                "published": day,
                "source": format!("outlet-{}", i % 7),
            });
            jsonl.push_str(&line.to_string());
            jsonl.push('\n');
        }
    }
    let file = dir.join("semeval.jsonl");
    std::fs::write(&file, jsonl).expect("write jsonl");
    seeds
        .iter()
        .map(|p| p.display().to_string())
        .chain(std::iter::once(file.display().to_string()))
        .collect()
}

/// What a user sees of the result: stories, storylines, entities.
fn result(db: &str) -> Vec<serde_json::Value> {
    ["stories", "storylines", "entities"]
        .iter()
        .map(|cmd| stdout_json(&run(db, &[cmd, "--json"])))
        .collect()
}

fn spawn_worker(db: &str, args: &[&str]) -> Child {
    bin()
        .arg("--db")
        .arg(db)
        .arg("worker")
        .args(["--exit-when-done", "--poll", "0.3", "--lease", "3"])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a worker")
}

/// Collects a child's stderr lines on a thread; `on_line` sees each.
fn drain(child: &mut Child, tx: std::sync::mpsc::Sender<String>) -> std::thread::JoinHandle<()> {
    let err = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    })
}

fn wait_all(children: &mut [(&str, Child)], deadline: Instant) {
    for (name, c) in children.iter_mut() {
        loop {
            match c.try_wait().expect("try_wait") {
                Some(status) => {
                    assert!(status.success(), "{name} exited with {status}");
                    break;
                }
                None if Instant::now() > deadline => {
                    let _ = c.kill();
                    panic!("{name} did not finish in time");
                }
                None => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
}

#[test]
fn three_workers_and_an_assigner_equal_one_process_even_after_a_kill() {
    let Some(url) = url() else { return };
    let tmp = tempfile::tempdir().expect("tempdir");
    let inputs = inputs(tmp.path());
    let pid = std::process::id();
    let (single_schema, workers_schema) = (
        format!("ngtest_single_{pid}"),
        format!("ngtest_workers_{pid}"),
    );
    // Both schemas are dropped, with everything in them, at the end.
    let _single = PgStore::open_temporary(&url, &single_schema).expect("schema");
    let queue = PgStore::open_temporary(&url, &workers_schema).expect("schema");
    let (single_db, workers_db) = (
        url_in_schema(&url, &single_schema),
        url_in_schema(&url, &workers_schema),
    );
    let n_articles = (5 + 2 * PAIRS) as u64;

    // Two ingest runs: the seeds, then the JSONL file.
    let (seeds, jsonl) = inputs.split_at(inputs.len() - 1);
    let runs = [seeds, jsonl];

    // One process: store, analyse, cluster, run by run.
    let t0 = Instant::now();
    let mut stored = 0;
    for input in runs {
        let mut args = vec!["ingest", "--json", "--batch-size", "64"];
        args.extend(input.iter().map(String::as_str));
        let one = stdout_json(&run(&single_db, &args));
        let n = one["ingested"].as_u64().expect("ingested");
        assert_eq!(one["analysed"].as_u64(), Some(n), "{one}");
        assert!(one["stories"]["stories"].as_u64() > Some(0), "{one}");
        stored += n;
    }
    assert!(stored + 10 >= n_articles, "{stored}");
    let expected = result(&single_db);
    eprintln!(
        "one process: {stored} articles in {:.1} s",
        t0.elapsed().as_secs_f64()
    );

    // Workers: the same two runs, stored only; then three workers and one
    // assigner.
    let mut enqueued = 0;
    for input in runs {
        let mut args = vec!["ingest", "--json", "--no-analyse", "--batch-size", "64"];
        args.extend(input.iter().map(String::as_str));
        let enq = stdout_json(&run(&workers_db, &args));
        assert_eq!(enq["analysed"].as_u64(), Some(0), "{enq}");
        assert!(enq.get("stories").is_none(), "no stories step: {enq}");
        enqueued += enq["ingested"].as_u64().expect("ingested");
    }
    assert_eq!(enqueued, stored);

    let started = Instant::now();
    let common = ["--no-assign", "--threads", "1", "--batch", "12"];
    let mut victim = spawn_worker(&workers_db, &[&common[..], &["--id", "w1"]].concat());
    let (tx, rx) = std::sync::mpsc::channel();
    let victim_log = drain(&mut victim, tx);
    let mut others = vec![
        (
            "w2",
            spawn_worker(&workers_db, &[&common[..], &["--id", "w2"]].concat()),
        ),
        (
            "w3",
            spawn_worker(&workers_db, &[&common[..], &["--id", "w3"]].concat()),
        ),
        (
            "assigner",
            spawn_worker(&workers_db, &["--assign", "--id", "assigner"]),
        ),
    ];
    // Kill w1 in the middle of a batch: once it has finished one batch it
    // claims the next at once and analyses it for far longer than 150 ms.
    let mut victim_lines = Vec::new();
    loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("w1 never finished a batch: {victim_lines:#?}"));
        let batch_done = line.contains("analysed 12 articles");
        victim_lines.push(line);
        if batch_done {
            break;
        }
    }
    std::thread::sleep(Duration::from_millis(150));
    victim.kill().expect("SIGKILL w1");
    let _ = victim.wait();
    let _ = victim_log.join();
    let at_kill = queue.queue_status().expect("status");
    let at_kill_time = started.elapsed();
    assert!(
        at_kill.leased > 0,
        "w1 held a claim when killed: {at_kill:?} {victim_lines:#?}"
    );

    wait_all(&mut others, started + Duration::from_secs(100));
    eprintln!(
        "workers: killed w1 after {:.1} s, all done after {:.1} s",
        at_kill_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );
    let st = queue.queue_status().expect("status");
    assert_eq!(st.done, stored, "{st:?}");
    assert_eq!(
        (st.failed, st.pending, st.leased, st.unassigned),
        (0, 0, 0, 0),
        "{st:?}"
    );
    assert!(st.retried > 0, "w1's articles were claimed again: {st:?}");
    assert_eq!(st.assigned_upto, stored as i64, "{st:?}");
    assert_eq!(st.refreshed_upto, stored as i64, "{st:?}");

    let got = result(&workers_db);
    for (what, (a, b)) in ["stories", "storylines", "entities"]
        .iter()
        .zip(expected.iter().zip(&got))
    {
        assert!(
            a.as_array().is_some_and(|x| !x.is_empty()),
            "the reference has {what}"
        );
        if a != b {
            let (a, b) = (a.as_array().unwrap(), b.as_array().unwrap());
            let first = a.iter().zip(b).position(|(x, y)| x != y);
            panic!(
                "{what} differ ({} vs {}); first difference at {first:?}:\n{:#}\nvs\n{:#}",
                a.len(),
                b.len(),
                first.map(|i| &a[i]).unwrap_or(&serde_json::Value::Null),
                first.map(|i| &b[i]).unwrap_or(&serde_json::Value::Null)
            );
        }
    }
    let multi = expected[0]
        .as_array()
        .map(|s| {
            s.iter()
                .filter(|x| x["article_ids"].as_array().is_some_and(|a| a.len() > 1))
                .count()
        })
        .unwrap_or(0);
    assert!(
        multi >= 10,
        "the input forms real multi-article stories ({multi})"
    );
}
