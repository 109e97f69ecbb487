//! HTTP JSON API and the embedded web UI (axum): one binary serves
//! `/api/*` (JSON, the same `newsgraph_model` shapes as the CLI's `--json`),
//! the server-rendered HTML pages (`/`, `/stories/{id}`, `/articles/{id}`,
//! `/entities/{id}`, `/search`) and their embedded stylesheet. Pages work
//! without JavaScript and escape every piece of article text.
//!
//! Store and index calls are blocking; handlers run them on tokio's blocking
//! pool (`spawn_blocking`), where the SQLite backend hands each call a pooled
//! reader connection. Nothing a request carries is used as a file path.

#![recursion_limit = "512"]

mod api;
mod data;
mod error;
mod html;
mod openapi;
mod params;
mod story;
mod ui;

pub use data::{ArticleDetail, EntityDetail, FrontStory};
pub use error::ApiError;
pub use story::{
    Member, PageInfo, StoryDetail, StoryPages, StoryQuery, StorySummary, ValueCount,
    story_detail_in, story_page_in,
};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};
use newsgraph_index::SearchIndex;
use newsgraph_model::ArticleId;
use newsgraph_store::Store;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// Runs an ingest of a JSONL body (one article object per line, as
/// `newsgraph ingest` reads JSONL). Implemented by the CLI over the ingest
/// pipeline (and its analyser and story steps).
pub trait Ingestor: Send + Sync {
    /// Ingests `jsonl`; returns the run's summary (any JSON), the ids of
    /// newly stored articles and whether the search index was brought up to
    /// date with everything the ingest changed ([`IngestReport::index_updated`]).
    fn ingest_jsonl(&self, jsonl: &[u8]) -> Result<IngestReport, String>;
}

/// What an ingest through the API did.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestReport {
    pub summary: serde_json::Value,
    /// Articles the ingest stored.
    pub article_ids: Vec<ArticleId>,
    /// `true` when the ingestor already updated the server's search index
    /// for every article the ingest changed (new ones, and those whose story
    /// or publication date changed): the server then leaves the index alone.
    /// `false`: the server updates it ([`newsgraph_index::update_index`]
    /// with `article_ids`, which also finds the articles whose story moved).
    pub index_updated: bool,
}

/// Server settings.
#[derive(Debug, Clone)]
pub struct Config {
    /// Bearer token required by `POST /api/ingest`; without one the endpoint is disabled.
    pub token: Option<String>,
    /// Largest request body accepted by `POST /api/ingest` (bytes).
    pub max_ingest_bytes: usize,
    /// Largest body accepted by every other route (bytes).
    pub max_body_bytes: usize,
    /// Time after which a request is answered `408` (ingest gets 10×).
    pub request_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            token: None,
            max_ingest_bytes: 32 * 1024 * 1024,
            max_body_bytes: 64 * 1024,
            request_timeout: Duration::from_secs(30),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) index: Option<Arc<SearchIndex>>,
    pub(crate) ingestor: Option<Arc<dyn Ingestor>>,
    pub(crate) config: Arc<Config>,
    pub(crate) cache: Arc<data::Cache>,
}

impl AppState {
    /// State over a store, its search index (search pages need it) and an
    /// optional ingestor (for `POST /api/ingest`).
    pub fn new(
        store: Arc<dyn Store>,
        index: Option<Arc<SearchIndex>>,
        ingestor: Option<Arc<dyn Ingestor>>,
        config: Config,
    ) -> AppState {
        AppState {
            store,
            index,
            ingestor,
            config: Arc::new(config),
            cache: Arc::new(data::Cache::default()),
        }
    }
}

/// Runs blocking store/index work off the async threads.
pub(crate) async fn blocking<T, F>(f: F) -> Result<T, ApiError>
where
    F: FnOnce() -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::internal(format!("worker failed: {e}")))?
}

/// The complete application: API, pages, assets, limits.
pub fn router(state: AppState) -> Router {
    let timeout = state.config.request_timeout;
    let ingest_limit = state.config.max_ingest_bytes;
    let body_limit = state.config.max_body_bytes;
    let ingest = Router::new()
        .route("/api/ingest", post(api::ingest))
        .layer(DefaultBodyLimit::max(ingest_limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout * 10,
        ));
    let rest = Router::new()
        .route("/healthz", get(api::healthz))
        .route("/api/openapi.json", get(openapi::openapi))
        .route("/api/articles", get(api::articles))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/stories", get(api::stories))
        .route("/api/stories/{id}", get(api::story))
        .route("/api/storylines", get(api::storylines))
        .route("/api/storylines/{id}", get(api::storyline))
        .route("/api/entities", get(api::entities))
        .route("/api/entities/{id}", get(api::entity))
        .route("/api/events", get(api::events))
        .route("/api/search", get(api::search))
        .route("/", get(ui::front))
        .route("/stories/{id}", get(ui::story))
        .route("/articles/{id}", get(ui::article))
        .route("/entities/{id}", get(ui::entity))
        .route("/search", get(ui::search))
        .route("/assets/style.css", get(ui::style))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ));
    ingest
        .merge(rest)
        .fallback(api::not_found)
        .with_state(state)
}

/// Errors of [`serve`].
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves `state` on `addr` until Ctrl-C / SIGTERM. `on_listen` is called
/// with the bound address (useful with port 0).
pub async fn serve(
    addr: SocketAddr,
    state: AppState,
    on_listen: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    on_listen(listener.local_addr()?);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
