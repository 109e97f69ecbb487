//! `newsgraph watch` against a local HTTP server: the first poll stores the
//! feed's articles, the next one sends a conditional GET and stores nothing,
//! a failing feed backs off (polled less often than the good one), a restart
//! adds no duplicates, OPML lists work, and SIGTERM stops the service
//! cleanly. On SQLite, and on PostgreSQL when `NEWSGRAPH_TEST_PG` is set.

mod common;
use common::{bin, run, stdout_json};

use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ITEMS: [(&str, &str); 3] = [
    (
        "Storm closes ports along the northern coast",
        "A powerful storm forced the authorities to close several ports along the northern coast on Tuesday, stranding ferries and cargo ships. Officials said the ports would reopen once wind speeds drop below the safety limits, which forecasters expect by Thursday morning.",
    ),
    (
        "City council approves new tram line",
        "The city council approved a new tram line on Monday after two years of debate. The line will connect the central station with the university campus and the eastern suburbs, and construction is due to start next spring, the mayor told reporters after the vote.",
    ),
    (
        "Drought hits wheat harvest in the south",
        "Farmers in the southern provinces expect the smallest wheat harvest in a decade after months without rain, the agriculture ministry said on Wednesday. The government promised emergency aid for the worst affected regions and will decide on import quotas next week.",
    ),
];

fn rss() -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\"><channel><title>Test Wire</title><link>https://wire.invalid/</link><description>t</description>\n",
    );
    for (i, (title, text)) in ITEMS.iter().enumerate() {
        s.push_str(&format!(
            "<item><title>{title}</title><link>https://wire.invalid/{i}</link><guid>wire-{i}</guid><pubDate>Tue, 05 Mar 2024 0{i}:00:00 GMT</pubDate><description>{text}</description></item>\n"
        ));
    }
    s.push_str("</channel></rss>\n");
    s
}

/// A tiny HTTP server: `/good.rss` answers with the feed (ETag "v1", and 304
/// to `If-None-Match: "v1"`), `/broken.rss` with 500. Counts requests per
/// path and remembers whether each was conditional.
struct Server {
    base: String,
    log: Arc<Mutex<Vec<(String, bool)>>>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let log = Arc::new(Mutex::new(Vec::new()));
        let log2 = log.clone();
        let body = rss();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut s) = conn else { continue };
                let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") {
                    match s.read(&mut byte) {
                        Ok(1) => head.push(byte[0]),
                        _ => break,
                    }
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                let path = head.split_whitespace().nth(1).unwrap_or("").to_string();
                let conditional = head.contains("if-none-match: \"v1\"");
                log2.lock().unwrap().push((path.clone(), conditional));
                let resp = match (path.as_str(), conditional) {
                    ("/good.rss", true) => {
                        "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n"
                            .to_string()
                    }
                    ("/good.rss", false) => format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nETag: \"v1\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    ),
                    _ => "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        .to_string(),
                };
                let _ = s.write_all(resp.as_bytes());
            }
        });
        Server { base, log }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Requests so far per path: (all, conditional).
    fn counts(&self) -> HashMap<String, (usize, usize)> {
        let mut m: HashMap<String, (usize, usize)> = HashMap::new();
        for (p, c) in self.log.lock().unwrap().iter() {
            let e = m.entry(p.clone()).or_default();
            e.0 += 1;
            e.1 += usize::from(*c);
        }
        m
    }
}

/// Runs `watch` to completion; returns its JSON lines (one per round).
fn watch(db: &str, args: &[&str]) -> Vec<Value> {
    let out = run(db, &[&["watch", "--json"][..], args].concat());
    assert!(
        out.status.success(),
        "watch failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line per round"))
        .collect()
}

fn polled(round: &Value) -> Vec<String> {
    round["polled"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn scenario(db: &str, dir: &std::path::Path) {
    let server = Server::start();
    let (good, broken) = (server.url("/good.rss"), server.url("/broken.rss"));

    // Two rounds 2 s apart: the good feed is polled twice (the second time
    // conditionally, storing nothing), the broken one once (it backs off 4 s).
    let rounds = watch(
        db,
        &[
            &good,
            &broken,
            "--every",
            "2s",
            "--rounds",
            "2",
            "--no-analyse",
        ],
    );
    assert_eq!(rounds.len(), 2, "{rounds:#?}");
    assert_eq!(polled(&rounds[0]), vec![good.clone(), broken.clone()]);
    assert_eq!(rounds[0]["new"], 3, "{:#}", rounds[0]);
    let failed = &rounds[0]["failed"][0];
    assert_eq!(failed["feed"], broken.as_str(), "{failed}");
    assert_eq!(failed["failures"], 1, "{failed}");
    assert_eq!(failed["retry_in_s"], 4.0, "{failed}");
    assert_eq!(
        polled(&rounds[1]),
        vec![good.clone()],
        "broken is backing off"
    );
    assert_eq!(rounds[1]["new"], 0, "{:#}", rounds[1]);
    assert_eq!(rounds[1]["unchanged"], 1, "{:#}", rounds[1]);
    let c = server.counts();
    assert_eq!(c["/good.rss"], (2, 1), "{c:?}");
    assert_eq!(c["/broken.rss"], (1, 0), "{c:?}");

    // A restart (through an OPML list): nothing new, the good feed answers
    // 304 thanks to the validators in the store; the articles left without
    // analysis by --no-analyse are analysed now.
    let opml = dir.join("feeds.opml");
    std::fs::write(
        &opml,
        format!(
            "<?xml version=\"1.0\"?><opml version=\"2.0\"><head><title>t</title></head><body>\
             <outline text=\"wire\"><outline text=\"good\" type=\"rss\" xmlUrl=\"{good}\"/>\
             <outline text=\"broken\" type=\"rss\" xmlUrl=\"{broken}\"/></outline></body></opml>"
        ),
    )
    .expect("write opml");
    let again = watch(
        db,
        &[
            opml.to_str().expect("utf-8 path"),
            "--every",
            "1h",
            "--rounds",
            "1",
        ],
    );
    assert_eq!(polled(&again[0]), vec![good.clone(), broken.clone()]);
    assert_eq!(again[0]["new"], 0, "{:#}", again[0]);
    assert_eq!(again[0]["unchanged"], 1, "{:#}", again[0]);
    assert_eq!(again[0]["analysed"], 3, "{:#}", again[0]);
    assert_eq!(server.counts()["/good.rss"], (3, 2));
    let list = stdout_json(&run(db, &["articles", "--json"]));
    let titles: Vec<&str> = list
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert_eq!(titles, ITEMS.iter().map(|i| i.0).collect::<Vec<_>>());

    // As a service: SIGTERM ends it cleanly after the round in progress.
    let mut child = bin()
        .arg("--db")
        .arg(db)
        .args(["watch", "--json", "--every", "1h", "--no-analyse", &good])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start watch");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first: Value =
        serde_json::from_str(&lines.next().expect("a round").expect("read")).expect("json");
    assert_eq!(first["new"], 0, "{first}");
    let t = Instant::now();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(kill.success());
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "watch ignored SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut err = String::new();
    let _ = child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err);
    assert!(status.success(), "exit {status}: {err}");
    assert!(err.contains("stopped after 1 round"), "{err}");
}

#[test]
fn watch_polls_conditionally_backs_off_and_stops_on_sigterm_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("news.db");
    scenario(db.to_str().expect("utf-8 path"), dir.path());
}

#[test]
fn watch_on_postgres() {
    let Some(url) = newsgraph_store::conformance::pg_test_url("watch on PostgreSQL") else {
        return;
    };
    let schema = format!("ngtest_watch_{}", std::process::id());
    let _guard = newsgraph_store::PgStore::open_temporary(&url, &schema).expect("schema");
    let db = newsgraph_store::conformance::pg_url_in_schema(&url, &schema);
    let dir = tempfile::tempdir().expect("tempdir");
    scenario(&db, dir.path());
}
