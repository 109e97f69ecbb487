//! Every endpoint of the API and every page, in-process (tower `oneshot`),
//! over a real SQLite store and search index in a temporary directory.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use newsgraph_index::SearchIndex;
use newsgraph_model::{Analysis, EntityType, Mention, NewArticle, Sentence, Story};
use newsgraph_server::{AppState, Config, IngestReport, Ingestor};
use newsgraph_store::{Batch, NearDupPolicy, PreparedArticle, Store, StoryRecord};
use serde_json::{Value, json};
use std::sync::Arc;
use tower::ServiceExt;

const XSS: &str = "<script>alert('x')</script>";

fn prepared(
    n: u32,
    title: &str,
    text: &str,
    lang: &str,
    source: &str,
    date: &str,
) -> PreparedArticle {
    PreparedArticle {
        article: NewArticle {
            title: title.into(),
            text: text.into(),
            raw_text: text.into(),
            lang: lang.into(),
            lang_confidence: 0.99,
            published: Some(date.into()),
            source: Some(source.into()),
            format: "json".into(),
            ..Default::default()
        },
        content_hash: format!("h{n}-{}", text.len()),
        minhash: vec![n; 16],
        bands: vec![u64::from(n) * 1000],
    }
}

fn mention(text: &str, word: &str, id: &str, canonical: &str, typ: EntityType) -> Mention {
    let start = text.find(word).expect("word in text");
    Mention {
        start,
        end: start + word.len(),
        text: word.into(),
        typ,
        entity_id: id.into(),
        canonical: canonical.into(),
        sentence: 0,
    }
}

const DE: &str = "Kim Jong-un hat den russischen Außenminister Lawrow in Pjöngjang empfangen. Bei dem Besuch ging es um Raketen.";
const NB: &str =
    "Kim Jong-un tok imot Russlands utenriksminister Lavrov i Pyongyang. Besøket varte i to dager.";

struct Fixture {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    index: Arc<SearchIndex>,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let store: Arc<dyn Store> = Arc::from(newsgraph_store::open(db.to_str().unwrap()).unwrap());
    let xss_text = format!("Ein Text mit {XSS} darin und \"Anführungszeichen\".");
    let batch = [
        prepared(
            1,
            "Kim empfängt Lawrow",
            DE,
            "de",
            "Tagesschau",
            "2024-01-16",
        ),
        prepared(2, "Lavrov på besøk hos Kim", NB, "nb", "NRK", "2024-01-17"),
        prepared(
            3,
            &format!("Böse {XSS}"),
            &xss_text,
            "de",
            "Spiegel",
            "2024-01-17",
        ),
    ];
    store
        .insert_batch(
            &Batch {
                articles: &batch,
                ..Default::default()
            },
            &NearDupPolicy::default(),
        )
        .unwrap();
    let an = |text: &str, lang: &str, ms: Vec<Mention>| Analysis {
        lang: lang.into(),
        sentences: vec![Sentence {
            start: 0,
            end: text.len(),
            text: text.into(),
        }],
        mentions: ms,
        ..Default::default()
    };
    store
        .put_analyses(
            &[
                (
                    1,
                    an(
                        DE,
                        "de",
                        vec![
                            mention(
                                DE,
                                "Kim Jong-un",
                                "per:kim-jong-un",
                                "Kim Jong-un",
                                EntityType::PER,
                            ),
                            mention(
                                DE,
                                "Lawrow",
                                "per:sergey-lavrov",
                                "Sergey Lavrov",
                                EntityType::PER,
                            ),
                        ],
                    ),
                ),
                (
                    2,
                    an(
                        NB,
                        "nb",
                        vec![
                            mention(
                                NB,
                                "Kim Jong-un",
                                "per:kim-jong-un",
                                "Kim Jong-un",
                                EntityType::PER,
                            ),
                            mention(
                                NB,
                                "Lavrov",
                                "per:sergey-lavrov",
                                "Sergey Lavrov",
                                EntityType::PER,
                            ),
                        ],
                    ),
                ),
            ],
            "test",
        )
        .unwrap();
    let story = |id: i64, title: &str, ids: Vec<i64>, langs: Vec<&str>| Story {
        id,
        title: title.into(),
        article_ids: ids,
        languages: langs.into_iter().map(String::from).collect(),
        sources: vec!["Tagesschau".into(), "NRK".into()],
        start: Some("2024-01-16".into()),
        end: Some("2024-01-17".into()),
        storyline_id: None,
        top_entities: vec![],
    };
    store
        .replace_stories(
            &[],
            &[
                StoryRecord {
                    story: story(1, "Lawrow besucht Kim", vec![1, 2], vec!["de", "nb"]),
                    extra: json!({"timeline": [
                        {"date": "2024-01-16", "kind": "statement", "text": "Kim empfing Lawrow.", "article_ids": [1], "languages": ["de"], "sources": ["Tagesschau"]},
                        {"date": "2024-01-17", "kind": "statement", "text": "Besøket varte i to dager.", "article_ids": [2], "languages": ["nb"], "sources": ["NRK"]}
                    ]}),
                },
                StoryRecord {
                    story: story(2, &format!("Story {XSS}"), vec![3], vec!["de"]),
                    extra: json!({"timeline": [{"date": "2024-01-17", "kind": "statement", "text": XSS, "article_ids": [3], "languages": ["de"], "sources": [XSS]}]}),
                },
            ],
        )
        .unwrap();
    let index = Arc::new(SearchIndex::open(&dir.path().join("t.db.index")).unwrap());
    newsgraph_index::reindex(store.as_ref(), &index).unwrap();
    Fixture {
        _dir: dir,
        store,
        index,
    }
}

/// Stores JSONL lines ({"title","text","lang","source","published"}) directly.
struct TestIngestor {
    store: Arc<dyn Store>,
}

impl Ingestor for TestIngestor {
    fn ingest_jsonl(&self, jsonl: &[u8]) -> Result<IngestReport, String> {
        let text = std::str::from_utf8(jsonl).map_err(|e| e.to_string())?;
        let mut batch = Vec::new();
        for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            let v: Value =
                serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1))?;
            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            batch.push(prepared(
                100 + i as u32,
                &s("title"),
                &s("text"),
                &s("lang"),
                &s("source"),
                &s("published"),
            ));
        }
        let out = self
            .store
            .insert_batch(
                &Batch {
                    articles: &batch,
                    ..Default::default()
                },
                &NearDupPolicy::default(),
            )
            .map_err(|e| e.to_string())?;
        let ids = out
            .iter()
            .filter_map(|o| match o {
                newsgraph_store::InsertOutcome::Inserted { id, .. } => Some(*id),
                _ => None,
            })
            .collect::<Vec<_>>();
        Ok(IngestReport {
            summary: json!({"ingested": ids.len()}),
            article_ids: ids,
        })
    }
}

fn app(f: &Fixture, token: Option<&str>) -> Router {
    let config = Config {
        token: token.map(String::from),
        max_ingest_bytes: 4096,
        ..Config::default()
    };
    let ingestor: Arc<dyn Ingestor> = Arc::new(TestIngestor {
        store: f.store.clone(),
    });
    newsgraph_server::router(AppState::new(
        f.store.clone(),
        Some(f.index.clone()),
        Some(ingestor),
        config,
    ))
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, String, Option<String>) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let ctype = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(String::from);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&body).into_owned(), ctype)
}

async fn get(app: &Router, uri: &str) -> (StatusCode, String) {
    let (s, b, _) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    (s, b)
}

async fn get_json(app: &Router, uri: &str) -> (StatusCode, Value) {
    let (s, b, ctype) = send(app, Request::get(uri).body(Body::empty()).unwrap()).await;
    assert!(
        ctype
            .as_deref()
            .is_some_and(|c| c.starts_with("application/json")),
        "{uri}: content-type {ctype:?}"
    );
    (
        s,
        serde_json::from_str(&b).unwrap_or_else(|e| panic!("{uri}: {e}: {b}")),
    )
}

async fn expect_error(app: &Router, uri: &str, status: StatusCode) -> Value {
    let (s, v) = get_json(app, uri).await;
    assert_eq!(s, status, "{uri}: {v}");
    assert_eq!(v["error"]["status"], status.as_u16(), "{uri}: {v}");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    v
}

#[tokio::test]
async fn health_and_openapi() {
    let f = fixture();
    let app = app(&f, None);
    let (s, v) = get_json(&app, "/healthz").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["status"], "ok");
    assert_eq!(v["articles"], 3);
    assert_eq!(v["index"], 3);
    let (s, v) = get_json(&app, "/api/openapi.json").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["openapi"], "3.1.0");
    for p in [
        "/api/articles",
        "/api/articles/{id}",
        "/api/stories",
        "/api/stories/{id}",
        "/api/storylines",
        "/api/entities",
        "/api/entities/{id}",
        "/api/events",
        "/api/search",
        "/api/ingest",
        "/healthz",
    ] {
        assert!(v["paths"].get(p).is_some(), "openapi lacks {p}");
    }
    expect_error(&app, "/api/nope", StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn articles_list_filter_page_and_detail() {
    let f = fixture();
    let app = app(&f, None);
    let (s, v) = get_json(&app, "/api/articles").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 3);
    let ids: Vec<i64> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![1, 2, 3]);
    let (_, v) = get_json(&app, "/api/articles?lang=de&limit=1&offset=1").await;
    assert_eq!(v["total"], 2);
    assert_eq!(v["items"][0]["id"], 3);
    assert_eq!(v["limit"], 1);
    let (_, v) = get_json(&app, "/api/articles?source=NRK").await;
    assert_eq!(v["items"][0]["title"], "Lavrov på besøk hos Kim");
    let (s, v) = get_json(&app, "/api/articles/1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["id"], 1);
    assert_eq!(v["lang"], "de");
    assert_eq!(v["analysis"]["mentions"][0]["entity_id"], "per:kim-jong-un");
    assert_eq!(v["story_ids"], json!([1]));
    expect_error(&app, "/api/articles/999", StatusCode::NOT_FOUND).await;
    expect_error(&app, "/api/articles/abc", StatusCode::BAD_REQUEST).await;
    expect_error(&app, "/api/articles/0", StatusCode::BAD_REQUEST).await;
    expect_error(&app, "/api/articles?limit=abc", StatusCode::BAD_REQUEST).await;
    expect_error(&app, "/api/articles?limit=100000", StatusCode::BAD_REQUEST).await;
    expect_error(&app, "/api/articles?offset=-1", StatusCode::BAD_REQUEST).await;
    expect_error(&app, "/api/articles?order=random", StatusCode::BAD_REQUEST).await;
    expect_error(&app, "/api/articles?colour=red", StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn stories_storylines_and_events() {
    let f = fixture();
    let app = app(&f, None);
    let (s, v) = get_json(&app, "/api/stories?sort=size").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 2);
    assert_eq!(v["items"][0]["id"], 1, "biggest first");
    let (_, v) = get_json(&app, "/api/stories?article=3").await;
    assert_eq!(v["items"][0]["id"], 2);
    let (_, v) = get_json(&app, "/api/stories?sort=front").await;
    assert_eq!(v["items"][0]["story"]["id"], 1);
    assert!(v["items"][0]["recent"].as_u64().unwrap() >= 1);
    let (s, v) = get_json(&app, "/api/stories/1").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["story"]["id"], 1);
    assert_eq!(v["members"].as_array().unwrap().len(), 2);
    assert_eq!(v["timeline"].as_array().unwrap().len(), 2);
    assert!(v["events"].is_array());
    assert!(v["differences"].is_array());
    expect_error(&app, "/api/stories/77", StatusCode::NOT_FOUND).await;
    expect_error(&app, "/api/stories/x", StatusCode::BAD_REQUEST).await;
    expect_error(&app, "/api/stories?sort=weird", StatusCode::BAD_REQUEST).await;
    let (s, v) = get_json(&app, "/api/storylines").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 0);
    expect_error(&app, "/api/storylines/5", StatusCode::NOT_FOUND).await;
    let (s, v) = get_json(&app, "/api/events?story=1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(v["items"].is_array());
    let (s, _) = get_json(&app, "/api/events").await;
    assert_eq!(s, StatusCode::OK);
    expect_error(&app, "/api/events?story=99", StatusCode::NOT_FOUND).await;
    expect_error(&app, "/api/events?article=99", StatusCode::NOT_FOUND).await;
    expect_error(&app, "/api/events?story=x", StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn entities_list_and_detail() {
    let f = fixture();
    let app = app(&f, None);
    let (s, v) = get_json(&app, "/api/entities?type=PER").await;
    assert_eq!(s, StatusCode::OK);
    let ids: Vec<&str> = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"per:kim-jong-un"), "{v}");
    expect_error(&app, "/api/entities?type=XYZ", StatusCode::BAD_REQUEST).await;
    let (s, v) = get_json(&app, "/api/entities/per:kim-jong-un").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["entity"]["canonical"], "Kim Jong-un");
    assert_eq!(v["mentions"].as_array().unwrap().len(), 2);
    assert_eq!(v["timeline"].as_array().unwrap().len(), 2);
    assert_eq!(v["cooccurring"][0]["id"], "per:sergey-lavrov");
    assert_eq!(v["cooccurring"][0]["count"], 2);
    expect_error(&app, "/api/entities/per:nobody", StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn search_endpoint() {
    let f = fixture();
    let app = app(&f, None);
    let (s, v) = get_json(&app, "/api/search?q=Besuch").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["total"], 1);
    assert_eq!(v["hits"][0]["article_id"], 1);
    let (_, v) = get_json(&app, "/api/search?q=&entity=per:kim-jong-un&lang=nb").await;
    assert_eq!(v["total"], 1);
    assert_eq!(v["hits"][0]["article_id"], 2);
    let (_, v) = get_json(&app, "/api/search?q=Kim&from=2024-01-17&to=2024-01-17").await;
    assert_eq!(v["total"], 1);
    let (_, v) = get_json(&app, "/api/search?story=1&sort=oldest").await;
    let ids: Vec<i64> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["article_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![1, 2]);
    expect_error(
        &app,
        "/api/search?q=x&from=yesterday",
        StatusCode::BAD_REQUEST,
    )
    .await;
    expect_error(&app, "/api/search?q=x&limit=1000", StatusCode::BAD_REQUEST).await;
    expect_error(&app, "/api/search?q=x&sort=best", StatusCode::BAD_REQUEST).await;
    expect_error(
        &app,
        "/api/search?q=x&from=2024-02-01&to=2024-01-01",
        StatusCode::BAD_REQUEST,
    )
    .await;
}

fn ingest_req(token: Option<&str>, body: &str) -> Request<Body> {
    let mut r = Request::post("/api/ingest").header(header::CONTENT_TYPE, "application/x-ndjson");
    if let Some(t) = token {
        r = r.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    r.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn ingest_needs_the_configured_token() {
    let f = fixture();
    let line = r#"{"title":"Neue Gespräche in Genf","text":"Die Delegationen trafen sich in Genf zu Gesprächen.","lang":"de","source":"ORF","published":"2024-01-18"}"#;
    // No token configured: disabled.
    let open = app(&f, None);
    let (s, b, _) = send(&open, ingest_req(Some("anything"), line)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    assert!(b.contains("ingest_disabled"));

    let app = app(&f, Some("s3cret"));
    let (s, b, _) = send(&app, ingest_req(None, line)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    let (s, b, _) = send(&app, ingest_req(Some("wrong"), line)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{b}");
    let (s, b, _) = send(&app, ingest_req(Some("s3cre"), line)).await;
    assert_eq!(s, StatusCode::FORBIDDEN, "prefix of the token: {b}");
    let (s, b, _) = send(&app, ingest_req(Some("s3cret"), "")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{b}");
    let big = "x".repeat(10_000);
    let (s, _, _) = send(&app, ingest_req(Some("s3cret"), &big)).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    // Nothing was stored by the refused requests.
    assert_eq!(f.store.stats().unwrap().articles, 3);

    let (s, b, _) = send(&app, ingest_req(Some("s3cret"), line)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let v: Value = serde_json::from_str(&b).unwrap();
    assert_eq!(v["article_ids"], json!([4]));
    // Searchable at once.
    let (_, v) = get_json(&app, "/api/search?q=Genf").await;
    assert_eq!(v["hits"][0]["article_id"], 4);
}

#[tokio::test]
async fn pages_render_and_escape_untrusted_text() {
    let f = fixture();
    let app = app(&f, None);
    let (s, b) = get(&app, "/").await;
    assert_eq!(s, StatusCode::OK);
    assert!(b.contains("Lawrow besucht Kim"));
    assert!(b.contains("href=\"/stories/1\""));

    let (s, b) = get(&app, "/stories/1").await;
    assert_eq!(s, StatusCode::OK);
    assert!(b.contains("id=\"timeline\""));
    assert!(b.contains("<th scope=\"col\" lang=\"de\">de</th>"));
    assert!(b.contains("<th scope=\"col\" lang=\"nb\">nb</th>"));
    assert!(b.contains("Besøket varte i to dager."));
    assert!(b.contains("href=\"/articles/2\""));

    // Untrusted text in titles, bodies, timelines and sources is escaped everywhere.
    for uri in [
        "/",
        "/stories/2",
        "/articles/3",
        "/search?q=B%C3%B6se",
        "/search?q=%3Cscript%3E",
    ] {
        let (s, b) = get(&app, uri).await;
        assert_eq!(s, StatusCode::OK, "{uri}");
        assert!(!b.contains("<script>"), "{uri} contains a raw <script>");
        assert!(!b.contains("alert('x')"), "{uri} contains raw quotes");
    }
    let (_, b) = get(&app, "/articles/3").await;
    assert!(b.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    let (_, b) = get(&app, "/search?q=B%C3%B6se").await;
    assert!(b.contains("&lt;script&gt;"), "hit title escaped");

    let (s, b) = get(&app, "/entities/per:kim-jong-un").await;
    assert_eq!(s, StatusCode::OK);
    assert!(b.contains("<svg class=\"graph\""));
    assert!(b.contains("Sergey Lavrov"));
    assert!(b.contains("<svg class=\"chart\""));

    let (s, _) = get(&app, "/stories/999").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = get(&app, "/articles/x").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = get(&app, "/search?from=nonsense").await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, b, ctype) = send(
        &app,
        Request::get("/assets/style.css")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(ctype.unwrap().starts_with("text/css"));
    assert!(b.contains("body"));
    // Paths never reach the file system.
    let (s, _) = get(&app, "/assets/../Cargo.toml").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}
