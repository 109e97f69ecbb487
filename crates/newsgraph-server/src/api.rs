//! JSON handlers of `/api/*` and `/healthz`.

use crate::params::{DEFAULT_LIMIT, MAX_LIMIT, Params, date, path_id};
use crate::{ApiError, AppState, blocking, data, story};
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use newsgraph_index::{SearchRequest, SortOrder};
use newsgraph_store::{ArticleFilter, ArticleOrder, EntityFilter};
use serde::Serialize;
use serde_json::json;

/// A page of a list: `{"total": n|null, "offset", "limit", "items": [...]}`.
#[derive(Serialize)]
pub struct Page<T: Serialize> {
    /// Number of matching items (null where counting is not available).
    pub total: Option<u64>,
    pub offset: usize,
    pub limit: usize,
    pub items: Vec<T>,
}

type ApiResult = Result<Response, ApiError>;

fn ok<T: Serialize>(v: T) -> ApiResult {
    Ok(Json(v).into_response())
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("no such route")
}

pub async fn healthz(State(st): State<AppState>) -> ApiResult {
    let s = st.clone();
    let stats = blocking(move || Ok(s.store.stats()?)).await?;
    ok(json!({
        "status": "ok",
        "articles": stats.articles,
        "stories": stats.stories,
        "entities": stats.entities,
        "index": st.index.as_ref().map(|i| i.num_docs()),
    }))
}

pub async fn articles(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::parse(
        q.as_deref(),
        &["lang", "source", "limit", "offset", "order"],
    )?;
    let (limit, offset) = p.page(DEFAULT_LIMIT, MAX_LIMIT)?;
    let order = match p.choice("order", &["id", "published"], "id")?.as_str() {
        "published" => ArticleOrder::Published,
        _ => ArticleOrder::Id,
    };
    let filter = ArticleFilter {
        lang: p.str("lang"),
        source: p.str("source"),
        after_id: None,
        limit: Some(limit),
        offset,
        order,
    };
    let page = blocking(move || {
        let total = st.store.count_articles(&filter)?;
        let items = if limit == 0 {
            Vec::new()
        } else {
            st.store.list_articles(&filter)?
        };
        Ok(Page {
            total: Some(total),
            offset,
            limit,
            items,
        })
    })
    .await?;
    ok(page)
}

pub async fn article(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id = path_id("article", &id)?;
    ok(blocking(move || data::article_detail(&st, id)).await?)
}

pub async fn stories(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::parse(
        q.as_deref(),
        &["limit", "offset", "sort", "storyline", "article"],
    )?;
    let (limit, offset) = p.page(DEFAULT_LIMIT, MAX_LIMIT)?;
    let sort = p.choice("sort", &["id", "size", "recent", "front"], "id")?;
    let storyline = p.int("storyline", 1, i64::MAX)?;
    let article = p.int("article", 1, i64::MAX)?;
    let page = blocking(move || {
        if sort == "front" {
            let (list, _) = data::front(&st, offset + limit)?;
            let total = list.len() as u64;
            let items: Vec<data::FrontStory> = list.into_iter().skip(offset).collect();
            return Ok(serde_json::to_value(Page {
                total: Some(total),
                offset,
                limit,
                items,
            })
            .unwrap_or_default());
        }
        let all = data::all_stories(&st)?;
        let mut list: Vec<newsgraph_model::Story> = all
            .iter()
            .filter(|s| storyline.is_none_or(|l| s.storyline_id == Some(l)))
            .filter(|s| article.is_none_or(|a| s.article_ids.contains(&a)))
            .cloned()
            .collect();
        data::sort_stories(&mut list, &sort);
        let total = list.len() as u64;
        let items: Vec<_> = list.into_iter().skip(offset).take(limit).collect();
        Ok(serde_json::to_value(Page {
            total: Some(total),
            offset,
            limit,
            items,
        })
        .unwrap_or_default())
    })
    .await?;
    ok(page)
}

pub async fn story(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> ApiResult {
    let id = path_id("story", &id)?;
    let p = Params::parse(q.as_deref(), story::STORY_PARAMS)?;
    let query = story::StoryQuery::parse(&p)?;
    ok(blocking(move || data::story_detail(&st, id, &query)).await?)
}

pub async fn storylines(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::parse(q.as_deref(), &["limit", "offset"])?;
    let (limit, offset) = p.page(DEFAULT_LIMIT, MAX_LIMIT)?;
    let page = blocking(move || {
        let mut all: Vec<_> = st
            .store
            .list_storylines()?
            .into_iter()
            .map(|r| r.storyline)
            .collect();
        all.sort_by_key(|s| s.id);
        let total = all.len() as u64;
        let items: Vec<_> = all.into_iter().skip(offset).take(limit).collect();
        Ok(Page {
            total: Some(total),
            offset,
            limit,
            items,
        })
    })
    .await?;
    ok(page)
}

pub async fn storyline(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let id = path_id("storyline", &id)?;
    let rec = blocking(move || {
        st.store
            .get_storyline(id)?
            .ok_or_else(|| ApiError::not_found(format!("no storyline {id}")))
    })
    .await?;
    ok(json!({"storyline": rec.storyline, "extra": rec.extra}))
}

pub async fn entities(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::parse(q.as_deref(), &["type", "lang", "q", "limit", "offset"])?;
    let (limit, offset) = p.page(DEFAULT_LIMIT, MAX_LIMIT)?;
    let typ = match p.str("type") {
        None => None,
        Some(t) => Some(newsgraph_model::EntityType::parse(&t).ok_or_else(|| {
            ApiError::bad_param(format!("type={t:?}: expected PER, ORG, LOC or MISC"))
        })?),
    };
    let filter = EntityFilter {
        typ,
        lang: p.str("lang"),
        query: p.str("q"),
        limit: Some(limit),
        offset,
    };
    let page = blocking(move || {
        let items = if limit == 0 {
            Vec::new()
        } else {
            st.store.list_entities(&filter)?
        };
        Ok(Page {
            total: None,
            offset,
            limit,
            items,
        })
    })
    .await?;
    ok(page)
}

pub async fn entity(State(st): State<AppState>, Path(id): Path<String>) -> ApiResult {
    if id.is_empty() || id.len() > 512 {
        return Err(ApiError::bad_param("entity id must be 1 to 512 bytes"));
    }
    ok(blocking(move || data::entity_detail(&st, &id)).await?)
}

pub async fn events(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::parse(q.as_deref(), &["story", "article", "limit"])?;
    let story = p.int("story", 1, i64::MAX)?;
    let article = p.int("article", 1, i64::MAX)?;
    let limit = p
        .int("limit", 1, MAX_LIMIT as i64)?
        .unwrap_or(DEFAULT_LIMIT as i64) as usize;
    let items = blocking(move || data::events(&st, story, article, limit)).await?;
    ok(json!({"total": items.len(), "items": items}))
}

/// Parses the search parameters shared by `/api/search` and `/search`.
pub fn search_request(p: &Params, max_limit: usize) -> Result<SearchRequest, ApiError> {
    let (limit, offset) = p.page(20, max_limit)?;
    let sort = match p
        .choice("sort", &["relevance", "newest", "oldest"], "relevance")?
        .as_str()
    {
        "newest" => SortOrder::Newest,
        "oldest" => SortOrder::Oldest,
        _ => SortOrder::Relevance,
    };
    let query = p.str("q").unwrap_or_default();
    if query.len() > 1000 {
        return Err(ApiError::bad_param("q is longer than 1000 bytes"));
    }
    Ok(SearchRequest {
        query,
        lang: p.str("lang"),
        entities: p.all("entity"),
        source: p.str("source"),
        from: date("from", p.str("from"))?,
        to: date("to", p.str("to"))?,
        story: p.int("story", 1, i64::MAX)?,
        limit,
        offset,
        sort,
        facets: true,
    })
}

pub const SEARCH_PARAMS: &[&str] = &[
    "q", "lang", "entity", "source", "from", "to", "story", "limit", "offset", "sort",
];

pub async fn search(State(st): State<AppState>, RawQuery(q): RawQuery) -> ApiResult {
    let p = Params::parse(q.as_deref(), SEARCH_PARAMS)?;
    let req = search_request(&p, 100)?;
    let index = st.index.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_index",
            "this server has no search index",
        )
    })?;
    ok(blocking(move || Ok(index.search(&req)?)).await?)
}

/// Constant-time comparison of the presented token with the configured one.
fn token_matches(presented: &str, expected: &str) -> bool {
    let (a, b) = (presented.as_bytes(), expected.as_bytes());
    let mut diff = (a.len() ^ b.len()) as u8;
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

pub async fn ingest(State(st): State<AppState>, headers: HeaderMap, body: Bytes) -> ApiResult {
    let Some(expected) = st.config.token.clone() else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "ingest_disabled",
            "ingest over HTTP is disabled: start the server with --token or NEWSGRAPH_TOKEN",
        ));
    };
    let presented = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match presented {
        None => {
            let mut r = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing_token",
                "send Authorization: Bearer <token>",
            )
            .into_response();
            r.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
            return Ok(r);
        }
        Some(t) if !token_matches(t, &expected) => {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "bad_token",
                "the token is not valid",
            ));
        }
        Some(_) => {}
    }
    let Some(ingestor) = st.ingestor.clone() else {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_ingestor",
            "this server cannot ingest",
        ));
    };
    if body.is_empty() {
        return Err(ApiError::bad_param(
            "empty body: send JSONL, one article per line",
        ));
    }
    if std::str::from_utf8(&body).is_err() {
        return Err(ApiError::bad_param("the body is not UTF-8 JSONL"));
    }
    let st2 = st.clone();
    let report = blocking(move || {
        let report = ingestor
            .ingest_jsonl(&body)
            .map_err(|e| ApiError::internal(format!("ingest failed: {e}")))?;
        // Index once: the ingestor says whether it already did.
        if !report.index_updated
            && let Some(index) = &st2.index
        {
            newsgraph_index::update_index(st2.store.as_ref(), index, &report.article_ids)?;
        }
        *st2.cache.stories_guard() = None;
        Ok(report)
    })
    .await?;
    Ok((
        StatusCode::OK,
        Json(json!({"summary": report.summary, "article_ids": report.article_ids})),
    )
        .into_response())
}
