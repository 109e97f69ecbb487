//! URL reading against a tiny HTTP server on 127.0.0.1 spawned by the test:
//! user agent, size cap, timeout, conditional GET, unreachable hosts.
use newsgraph_ingest::{FetchCache, Item, Options, Reader, Validators};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const FEED: &str = include_str!("fixtures/feed.atom");

type Handler = Box<dyn Fn(&str) -> Option<Vec<u8>> + Send>;

/// Serves at most `max_conns` connections; records each request head.
fn serve(max_conns: usize, handler: Handler) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for _ in 0..max_conns {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let mut buf = Vec::new();
            let mut chunk = [0u8; 1024];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let head = String::from_utf8_lossy(&buf).to_string();
            seen2.lock().unwrap().push(head.clone());
            if let Some(resp) = handler(&head) {
                let _ = s.write_all(&resp);
            }
        }
    });
    (format!("http://{addr}"), seen)
}

fn ok(body: &[u8], extra: &str) -> Vec<u8> {
    let mut r = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/atom+xml\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    )
    .into_bytes();
    r.extend_from_slice(body);
    r
}

fn collect(reader: &Reader, url: &str) -> Vec<Item> {
    let mut items = Vec::new();
    reader.read(url, &mut |i| items.push(i));
    items
}

#[derive(Default)]
struct MemCache(Mutex<HashMap<String, Validators>>);
impl FetchCache for MemCache {
    fn get(&self, url: &str) -> Option<Validators> {
        self.0.lock().unwrap().get(url).cloned()
    }
    fn put(&self, url: &str, v: &Validators) {
        self.0.lock().unwrap().insert(url.to_string(), v.clone());
    }
}

#[test]
fn user_agent_and_conditional_get() {
    let (base, seen) = serve(
        2,
        Box::new(|head: &str| {
            if head.to_ascii_lowercase().contains("if-none-match: \"v1\"") {
                Some(
                    b"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\nConnection: close\r\n\r\n"
                        .to_vec(),
                )
            } else {
                Some(ok(
                    FEED.as_bytes(),
                    "ETag: \"v1\"\r\nLast-Modified: Tue, 05 Mar 2024 10:00:00 GMT\r\n",
                ))
            }
        }),
    );
    let cache = Arc::new(MemCache::default());
    let reader = Reader::new(Options::default()).with_cache(cache.clone());
    let url = format!("{base}/feed.atom");
    let first = collect(&reader, &url);
    assert!(matches!(&first[..], [Item::Article(a)] if a.lang == "en" && a.format == "feed"));
    let v = cache.get(&url).expect("validators stored");
    assert_eq!(v.etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        v.last_modified.as_deref(),
        Some("Tue, 05 Mar 2024 10:00:00 GMT")
    );
    let second = collect(&reader, &url);
    assert!(
        matches!(&second[..], [Item::Unchanged { input }] if *input == url),
        "{second:?}"
    );
    let heads = seen.lock().unwrap();
    let ua = heads[0]
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("user-agent:"))
        .unwrap_or("");
    assert!(
        ua.contains(&format!("newsgraph/{}", env!("CARGO_PKG_VERSION"))),
        "{ua}"
    );
    assert!(
        heads[1]
            .to_ascii_lowercase()
            .contains("if-modified-since: tue, 05 mar 2024")
    );
}

#[test]
fn size_cap() {
    let big = vec![b'a'; 50_000];
    let (base, _) = serve(
        2,
        Box::new(move |head: &str| {
            if head.contains("/declared") {
                Some(ok(&big, ""))
            } else {
                // No Content-Length: the body ends when the connection closes.
                let mut r =
                    b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
                        .to_vec();
                r.extend_from_slice(&big);
                Some(r)
            }
        }),
    );
    let reader = Reader::new(Options {
        max_bytes: 10_000,
        ..Options::default()
    });
    for path in ["/declared", "/streamed"] {
        let items = collect(&reader, &format!("{base}{path}"));
        match &items[..] {
            [Item::Rejected(r)] => assert!(r.reason.contains("size cap"), "{r}"),
            other => panic!("{path}: {other:?}"),
        }
    }
}

#[test]
fn timeout_and_unreachable() {
    let (base, _) = serve(
        1,
        Box::new(|_| {
            std::thread::sleep(Duration::from_secs(3));
            None
        }),
    );
    let reader = Reader::new(Options {
        timeout: Duration::from_millis(400),
        ..Options::default()
    });
    let t = Instant::now();
    let items = collect(&reader, &format!("{base}/slow"));
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert!(
        matches!(&items[..], [Item::Rejected(r)] if r.reason.contains("unreachable")),
        "{items:?}"
    );

    // A port nobody listens on.
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let items = collect(&reader, &format!("http://127.0.0.1:{port}/x"));
    assert!(
        matches!(&items[..], [Item::Rejected(r)] if r.reason.contains("unreachable")),
        "{items:?}"
    );
}

#[test]
fn follow_links_fetches_the_page() {
    let page = include_str!("fixtures/page.html").as_bytes().to_vec();
    let (base, _) = serve(
        2,
        Box::new(move |head: &str| {
            if head.starts_with("GET /feed") {
                None
            } else {
                let mut r = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    page.len()
                )
                .into_bytes();
                r.extend_from_slice(&page);
                Some(r)
            }
        }),
    );
    let feed = format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>T</title><item><title>Hafen</title><link>{base}/hafen</link><description>kurz</description></item></channel></rss>"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.rss");
    std::fs::write(&path, feed).unwrap();
    let reader = Reader::new(Options {
        follow_links: true,
        ..Options::default()
    });
    let items = collect(&reader, path.to_str().unwrap());
    match &items[..] {
        [Item::Article(a)] => {
            assert_eq!(a.url.as_deref(), Some(format!("{base}/hafen").as_str()));
            assert!(a.text.contains("Containerterminal Altenwerder"));
            assert_eq!(a.title, "Kanzler besucht Hafen in Hamburg");
        }
        other => panic!("{other:?}"),
    }
}
