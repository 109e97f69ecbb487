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
    /// Index the new articles itself (and say so), as the CLI's ingestor does.
    index: Option<Arc<SearchIndex>>,
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
        let mut indexed = 0;
        if let Some(index) = &self.index {
            indexed = newsgraph_index::update_index(self.store.as_ref(), index, &ids)
                .map_err(|e| e.to_string())?
                .articles;
        }
        Ok(IngestReport {
            summary: json!({"ingested": ids.len(), "indexed": indexed}),
            article_ids: ids,
            index_updated: self.index.is_some(),
        })
    }
}

fn app(f: &Fixture, token: Option<&str>) -> Router {
    app_with(f, token, None)
}

/// The app over `f`; `ingest_index`: the ingestor updates this index itself.
fn app_with(f: &Fixture, token: Option<&str>, ingest_index: Option<Arc<SearchIndex>>) -> Router {
    let config = Config {
        token: token.map(String::from),
        max_ingest_bytes: 4096,
        ..Config::default()
    };
    let ingestor: Arc<dyn Ingestor> = Arc::new(TestIngestor {
        store: f.store.clone(),
        index: ingest_index,
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
    // The story detail's paging parameters are documented, each once.
    let names: Vec<&str> = v["paths"]["/api/stories/{id}"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "id",
            "limit",
            "offset",
            "lang",
            "timeline_limit",
            "timeline_offset",
            "events_limit",
            "events_offset"
        ]
    );
    assert!(v["components"]["schemas"]["StoryDetail"]["properties"]["pages"].is_object());
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

/// A story of `n` members (ids 4..) in de and nb, with a timeline of `n`
/// entries, one `why` per member and one event per member.
fn big_story(f: &Fixture, n: u32) -> Vec<i64> {
    let arts: Vec<PreparedArticle> = (0..n)
        .map(|i| {
            let (lang, src) = if i % 3 == 2 {
                ("nb", "NRK")
            } else {
                ("de", "ZDF")
            };
            prepared(
                1000 + i,
                &format!("Bericht {i}"),
                &format!("Bericht Nummer {i} über das Treffen."),
                lang,
                src,
                &format!("2024-02-{:02}", 1 + i % 28),
            )
        })
        .collect();
    let out = f
        .store
        .insert_batch(
            &Batch {
                articles: &arts,
                ..Default::default()
            },
            &NearDupPolicy::default(),
        )
        .unwrap();
    let ids: Vec<i64> = out
        .iter()
        .map(|o| match o {
            newsgraph_store::InsertOutcome::Inserted { id, .. } => *id,
            o => panic!("{o:?}"),
        })
        .collect();
    let analyses: Vec<(i64, Analysis)> = ids
        .iter()
        .enumerate()
        .map(|(i, &id)| {
            let sentence = format!("Bericht Nummer {i} über das Treffen.");
            let event: newsgraph_model::Event = serde_json::from_value(json!({
                "type": "CONSULT", "cameo": "04", "mode": "meet",
                "source": [{"text": format!("Minister{i}"), "entity_id": null, "canonical": null}],
                "target": [{"text": format!("Gast{i}"), "entity_id": null, "canonical": null}],
                "date": format!("2023-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
                "place": null, "modality": "asserted", "trigger": "Treffen",
                "attributed_to": [],
                "provenance": {"article_id": id, "start": 0, "end": sentence.len(), "sentence": sentence}
            }))
            .unwrap();
            (
                id,
                Analysis {
                    lang: "de".into(),
                    events: vec![event],
                    ..Default::default()
                },
            )
        })
        .collect();
    f.store.put_analyses(&analyses, "test").unwrap();
    let timeline: Vec<Value> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| json!({"date": format!("2024-02-{:02}", 1 + i % 28), "kind": "statement",
            "text": format!("Eintrag {i}"), "article_ids": [id], "languages": [if i % 3 == 2 {"nb"} else {"de"}],
            "sources": ["ZDF"]}))
        .collect();
    let why: Vec<Value> = ids
        .iter()
        .map(|id| {
            json!({"article_id": id, "join_score": 0.5, "closest": null,
            "shared_entities": [], "shared_dates": [], "shared_terms": [format!("t{id}")]})
        })
        .collect();
    let story = Story {
        id: 9,
        title: "Großes Treffen".into(),
        article_ids: ids.clone(),
        languages: vec!["de".into(), "nb".into()],
        sources: vec!["NRK".into(), "ZDF".into()],
        start: Some("2024-02-01".into()),
        end: Some("2024-02-28".into()),
        storyline_id: None,
        top_entities: vec![],
    };
    f.store
        .update_stories(
            &[],
            &[StoryRecord {
                story,
                extra: json!({"timeline": timeline, "why": why}),
            }],
            &[],
            &[],
            None,
        )
        .unwrap();
    ids
}

fn ids_of(v: &Value, key: &str) -> Vec<i64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x[key].as_i64().unwrap())
        .collect()
}

#[tokio::test]
async fn story_detail_is_paged() {
    let f = fixture();
    let ids = big_story(&f, 30);
    let app = app(&f, None);
    let (s, v) = get_json(&app, "/api/stories/9").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    // Defaults: 50 members, 100 timeline entries, 50 events: all of 30.
    assert_eq!(ids_of(&v["members"], "id"), ids);
    assert_eq!(
        v["pages"]["members"],
        json!({"total": 30, "offset": 0, "limit": 30})
    );
    assert_eq!(v["pages"]["timeline"]["total"], 30);
    assert_eq!(v["pages"]["events"]["total"], 30);
    assert_eq!(v["events"].as_array().unwrap().len(), 30);
    // The summary is complete: counts per language and outlet, span.
    assert_eq!(v["summary"]["articles"], 30);
    assert_eq!(
        v["summary"]["languages"],
        json!([{"value": "de", "count": 20}, {"value": "nb", "count": 10}])
    );
    assert_eq!(
        v["summary"]["sources"],
        json!([{"value": "ZDF", "count": 20}, {"value": "NRK", "count": 10}])
    );
    assert_eq!(v["summary"]["start"], "2024-02-01");
    assert_eq!(v["story"]["article_ids"].as_array().unwrap().len(), 30);

    // Members page: ascending id, totals, why follows the members shown.
    let (_, v) = get_json(&app, "/api/stories/9?limit=7&offset=7").await;
    assert_eq!(ids_of(&v["members"], "id"), ids[7..14].to_vec());
    assert_eq!(ids_of(&v["why"], "article_id"), ids[7..14].to_vec());
    assert_eq!(
        v["pages"]["members"],
        json!({"total": 30, "offset": 7, "limit": 7})
    );
    // Pages tile the list without gaps or repeats.
    let mut seen = Vec::new();
    for off in (0..30).step_by(8) {
        let (_, v) = get_json(&app, &format!("/api/stories/9?limit=8&offset={off}")).await;
        seen.extend(ids_of(&v["members"], "id"));
    }
    assert_eq!(seen, ids);
    // Past the end: an empty page, same totals.
    let (_, v) = get_json(&app, "/api/stories/9?offset=30").await;
    assert_eq!(v["members"], json!([]));
    assert_eq!(v["pages"]["members"]["total"], 30);
    // One language.
    let (_, v) = get_json(&app, "/api/stories/9?lang=nb&limit=4&offset=2").await;
    let nb: Vec<i64> = ids.iter().copied().skip(2).step_by(3).collect();
    assert_eq!(ids_of(&v["members"], "id"), nb[2..6].to_vec());
    assert!(
        v["members"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["lang"] == "nb")
    );
    assert_eq!(v["pages"]["members"]["total"], 10);
    assert_eq!(v["pages"]["lang"], "nb");
    let (_, v) = get_json(&app, "/api/stories/9?lang=fr").await;
    assert_eq!(v["members"], json!([]));
    assert_eq!(v["pages"]["members"]["total"], 0);

    // Timeline and events pages, in the order of the whole list.
    let (_, all) = get_json(&app, "/api/stories/9?timeline_limit=500&events_limit=500").await;
    let (_, v) = get_json(
        &app,
        "/api/stories/9?timeline_limit=5&timeline_offset=10&events_limit=3&events_offset=27",
    )
    .await;
    assert_eq!(
        v["timeline"].as_array().unwrap()[..],
        all["timeline"].as_array().unwrap()[10..15]
    );
    assert_eq!(
        v["events"].as_array().unwrap()[..],
        all["events"].as_array().unwrap()[27..30]
    );
    assert_eq!(
        v["pages"]["timeline"],
        json!({"total": 30, "offset": 10, "limit": 5})
    );
    assert_eq!(
        v["pages"]["events"],
        json!({"total": 30, "offset": 27, "limit": 3})
    );
    // Differences and entities stay complete on every page.
    assert_eq!(v["differences"], all["differences"]);
    // limit=0: the summary alone.
    let (_, v) = get_json(
        &app,
        "/api/stories/9?limit=0&timeline_limit=0&events_limit=0",
    )
    .await;
    assert_eq!(
        (
            v["members"].clone(),
            v["timeline"].clone(),
            v["events"].clone()
        ),
        (json!([]), json!([]), json!([]))
    );
    assert_eq!(v["summary"]["articles"], 30);
    // The CLI shape: everything on one page.
    let full =
        serde_json::to_value(newsgraph_server::story_detail_in(f.store.as_ref(), 9).unwrap())
            .unwrap();
    assert_eq!(ids_of(&full["members"], "id"), ids);
    assert_eq!(full["timeline"], all["timeline"]);
    assert_eq!(full["events"], all["events"]);

    // Bad values answer 400.
    for bad in [
        "limit=-1",
        "limit=501",
        "limit=x",
        "offset=-3",
        "timeline_limit=100000",
        "timeline_offset=z",
        "events_limit=1.5",
        "events_offset=-1",
        "lang=%3Cscript%3E",
        "page=2",
    ] {
        expect_error(
            &app,
            &format!("/api/stories/9?{bad}"),
            StatusCode::BAD_REQUEST,
        )
        .await;
    }
    // /api/events?story= gives the story's merged events.
    let (_, v) = get_json(&app, "/api/events?story=9").await;
    assert_eq!(v["total"], 30);
}

/// A story changed in the store is served changed: derived data is keyed by
/// the story's stamp.
#[tokio::test]
async fn story_detail_follows_store_changes() {
    let f = fixture();
    let ids = big_story(&f, 6);
    let app = app(&f, None);
    let (_, v) = get_json(&app, "/api/stories/9").await;
    assert_eq!(v["summary"]["articles"], 6);
    let mut rec = f.store.get_story(9).unwrap().unwrap();
    rec.story.article_ids = ids[..3].to_vec();
    rec.extra["timeline"] = json!([]);
    f.store.update_stories(&[], &[rec], &[], &[], None).unwrap();
    // The members page is read from the store at once; the summary is
    // recomputed in the background (the previous one meanwhile).
    let mut v = Value::Null;
    for _ in 0..200 {
        v = get_json(&app, "/api/stories/9").await.1;
        if v["summary"]["articles"] == 3 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_eq!(v["summary"]["articles"], 3, "{v}");
    assert_eq!(v["summary"]["timeline"], 0);
    assert_eq!(ids_of(&v["members"], "id"), ids[..3].to_vec());
    f.store.update_stories(&[], &[], &[9], &[], None).unwrap();
    expect_error(&app, "/api/stories/9", StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn story_page_is_paged_without_javascript() {
    let f = fixture();
    let ids = big_story(&f, 130);
    let app = app(&f, None);
    let (s, b) = get(&app, "/stories/9").await;
    assert_eq!(s, StatusCode::OK);
    // Summary counts, complete.
    assert!(b.contains("130 articles"), "{b}");
    assert!(b.contains("ZDF (87)") && b.contains("NRK (43)"));
    // A column per language with its first members and a link to the rest.
    assert!(b.contains("<div class=\"col\" lang=\"de\">"));
    assert!(b.contains("<div class=\"col\" lang=\"nb\">"));
    assert!(b.contains(&format!("href=\"/articles/{}\"", ids[0])));
    assert!(
        !b.contains(&format!(">Bericht {}<", 129)),
        "only the first members are listed"
    );
    assert!(b.contains("href=\"/stories/9?lang=de#articles\""));
    // Timeline: the first 100 entries, and a link to the next ones.
    assert!(b.contains("Eintrag 99<") && !b.contains("Eintrag 100<"));
    assert!(b.contains("Entries 1–100 of 130"));
    assert!(b.contains("href=\"/stories/9?timeline_offset=100#timeline\""));
    let (s, b) = get(&app, "/stories/9?timeline_offset=100").await;
    assert_eq!(s, StatusCode::OK);
    assert!(b.contains("Eintrag 100<") && b.contains("Eintrag 129<") && !b.contains("Eintrag 99<"));
    assert!(
        b.contains("href=\"/stories/9#timeline\""),
        "previous page link"
    );
    // One language, paged.
    let (_, b) = get(&app, "/stories/9?lang=de").await;
    assert!(!b.contains("lang=\"nb\"><h3>"));
    assert!(b.contains("Articles 1–50 of 87"));
    assert!(b.contains("href=\"/stories/9?lang=de&amp;offset=50#articles\""));
    let (_, b) = get(&app, "/stories/9?lang=de&offset=50").await;
    assert!(b.contains("Articles 51–87 of 87"));
    assert!(b.contains(&format!("href=\"/articles/{}\"", ids[129])));
    // Bad values: 400 pages.
    for bad in ["offset=-1", "timeline_offset=x", "limit=9999", "nope=1"] {
        let (s, _) = get(&app, &format!("/stories/9?{bad}")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
    }
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
    // Searchable at once, indexed exactly once, index and store agree.
    let (_, v) = get_json(&app, "/api/search?q=Genf").await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(v["hits"][0]["article_id"], 4);
    let (_, v) = get_json(&app, "/healthz").await;
    assert_eq!(
        (v["articles"].clone(), v["index"].clone()),
        (json!(4), json!(4))
    );
    assert_eq!(f.index.num_docs(), 4);
}

/// The server indexes only what the ingestor did not: an ingestor that
/// updates the index itself (as the CLI's does in `after_ingest`) is not
/// followed by a second indexing of the same articles.
#[tokio::test]
async fn ingest_indexes_once() {
    let f = fixture();
    // A second handle on the same index directory stands for the ingestor's.
    let app = app_with(&f, Some("t"), Some(f.index.clone()));
    let line = r#"{"title":"Gespräche in Oslo","text":"Delegasjonene møttes i Oslo til samtaler om Lavrov.","lang":"nb","source":"NRK","published":"2024-01-19"}"#;
    let (s, b, _) = send(&app, ingest_req(Some("t"), line)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let v: Value = serde_json::from_str(&b).unwrap();
    assert_eq!(v["article_ids"], json!([4]));
    assert_eq!(
        v["summary"]["indexed"], 1,
        "the ingestor indexed the new article: {v}"
    );
    let (_, v) = get_json(&app, "/api/search?q=Oslo").await;
    assert_eq!(v["total"], 1, "{v}");
    assert_eq!(f.index.num_docs(), 4);

    // An ingestor that says it updated the index is believed: the server
    // adds nothing (here it did not, so the article is not searchable).
    struct Claims(Arc<dyn Store>);
    impl Ingestor for Claims {
        fn ingest_jsonl(&self, jsonl: &[u8]) -> Result<IngestReport, String> {
            let mut r = TestIngestor {
                store: self.0.clone(),
                index: None,
            }
            .ingest_jsonl(jsonl)?;
            r.index_updated = true;
            Ok(r)
        }
    }
    let claims = newsgraph_server::router(AppState::new(
        f.store.clone(),
        Some(f.index.clone()),
        Some(Arc::new(Claims(f.store.clone()))),
        Config {
            token: Some("t".into()),
            ..Config::default()
        },
    ));
    let line = r#"{"title":"Treffen in Wien","text":"Die Minister trafen sich in Wien.","lang":"de","source":"ORF","published":"2024-01-20"}"#;
    let (s, b, _) = send(&claims, ingest_req(Some("t"), line)).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, v) = get_json(&claims, "/api/search?q=Wien").await;
    assert_eq!(
        v["total"], 0,
        "the server indexed although told not to: {v}"
    );
    assert_eq!(f.index.num_docs(), 4);
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
