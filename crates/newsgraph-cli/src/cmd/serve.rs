//! `serve`: the JSON API and the web UI over the store and its search index.
use crate::Ctx;
use anyhow::Context;
use clap::Args;
use newsgraph_index::SearchIndex;
use newsgraph_server::{AppState, Config, IngestReport, Ingestor};
use newsgraph_store::Store;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default; binding another address
    /// exposes the store to the network.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Bearer token that enables `POST /api/ingest` (without one the
    /// endpoint answers 403).
    #[arg(long, env = "NEWSGRAPH_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Largest accepted `POST /api/ingest` body, in MiB.
    #[arg(long, default_value_t = 32)]
    pub max_ingest_mib: usize,
    /// Seconds after which a request is answered 408 (ingest gets 10×).
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Worker threads of the HTTP runtime (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
}

/// Ingests API bodies with the same pipeline as `newsgraph ingest`.
struct PipelineIngestor {
    store: Arc<dyn Store>,
    index: Arc<SearchIndex>,
}

impl Ingestor for PipelineIngestor {
    fn ingest_jsonl(&self, jsonl: &[u8]) -> Result<IngestReport, String> {
        // The body goes to a private temporary file the server names itself;
        // nothing from the request chooses a path.
        let mut tmp = tempfile::Builder::new()
            .prefix("newsgraph-api-")
            .suffix(".jsonl")
            .tempfile()
            .map_err(|e| format!("temporary file: {e}"))?;
        tmp.write_all(jsonl)
            .and_then(|_| tmp.flush())
            .map_err(|e| format!("temporary file: {e}"))?;
        let path = tmp.path().to_string_lossy().into_owned();
        // Same chain as `newsgraph ingest`: store, analyse, then
        // `refresh::after_ingest` (stories, search index).
        let analyser = crate::cmd::ingest::StoreAnalyser::for_store(self.store.as_ref())
            .map_err(|e| format!("loading the analysis models: {e:#}"))?;
        let pipeline = newsgraph_pipeline::Pipeline::new(
            self.store.clone(),
            newsgraph_pipeline::IngestOptions::default(),
        )
        .with_analyser(Arc::new(analyser));
        let summary = pipeline
            .ingest(&[path], &mut |_| {})
            .map_err(|e| e.to_string())?;
        let mut report = serde_json::to_value(&summary).unwrap_or_default();
        let refreshed = crate::cmd::refresh::after_ingest(
            self.store.as_ref(),
            Some(&self.index),
            &summary.article_ids,
            summary.analysed,
        )
        .map_err(|e| format!("{e:#}"))?;
        if let Some(o) = report.as_object_mut() {
            if let Some(stories) = refreshed.stories {
                o.insert("stories".into(), stories);
            }
            // Documents (re)indexed by `after_ingest` (new articles and
            // those whose story or date changed); the server adds none.
            o.insert("indexed".into(), serde_json::json!(refreshed.indexed));
        }
        Ok(IngestReport {
            article_ids: summary.article_ids.clone(),
            summary: report,
            // `after_ingest` was given the server's index and updated it.
            index_updated: true,
        })
    }
}

/// `newsgraph serve [--addr 127.0.0.1:8080] [--token T]`.
pub fn serve(ctx: &Ctx, a: ServeArgs) -> anyhow::Result<i32> {
    let store: Arc<dyn Store> = Arc::from(
        newsgraph_store::open(&ctx.db).with_context(|| format!("opening store {}", ctx.db))?,
    );
    let index = Arc::new(SearchIndex::open(&newsgraph_index::index_dir_for(
        &ctx.db_path(),
    ))?);
    if let Some(s) = newsgraph_index::ensure_fresh(store.as_ref(), &index)? {
        eprintln!(
            "search index rebuilt: {} articles in {:.1}s",
            s.articles, s.seconds
        );
    }
    if !a.addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {} (not loopback): anyone who can reach it can read the store",
            a.addr
        );
    }
    let token = a.token.filter(|t| !t.trim().is_empty());
    let ingestor: Option<Arc<dyn Ingestor>> = token.as_ref().map(|_| {
        Arc::new(PipelineIngestor {
            store: store.clone(),
            index: index.clone(),
        }) as Arc<dyn Ingestor>
    });
    let config = Config {
        token,
        max_ingest_bytes: a.max_ingest_mib.max(1) * 1024 * 1024,
        request_timeout: Duration::from_secs(a.timeout.max(1)),
        ..Config::default()
    };
    let state = AppState::new(store, Some(index), ingestor, config);
    let mut rt = tokio::runtime::Builder::new_multi_thread();
    rt.enable_all();
    if a.threads > 0 {
        rt.worker_threads(a.threads);
    }
    let rt = rt.build()?;
    rt.block_on(newsgraph_server::serve(a.addr, state, |addr| {
        eprintln!("newsgraph: serving on http://{addr}/");
    }))?;
    Ok(0)
}
