//! Ingest orchestration, shared by the CLI and the HTTP API: read inputs with
//! the `newsgraph-ingest` readers, give undated articles a date
//! ([`DateResolver`]), fingerprint them, drop exact duplicates, link
//! near-duplicates (MinHash/LSH), store them one transaction per batch, and
//! run the per-article [`Analyser`] on what was stored.
//!
//! Crash safety: everything a batch produces (articles, their LSH bands, the
//! conditional-GET validators of the inputs they came from, the rejections)
//! is committed in one transaction, so a killed ingest leaves a consistent
//! store, and running it again stores exactly what is missing (stored
//! articles come back as exact duplicates). Analyses are committed per batch
//! after the articles; articles left without one are analysed by the next
//! run ([`Pipeline::analyse_pending`]).

use newsgraph_ingest::{FetchCache, Item, Reader, Validators};
use newsgraph_model::{Analysis, Article, ArticleId, NewArticle};
use newsgraph_store::{
    Batch, CacheEntry, InsertOutcome, NearDupPolicy, PreparedArticle, RejectionRecord, Store,
    StoreError,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Instant;

mod dates;
pub use dates::{ResolvedDate, TimeDateResolver, date_bearing};

/// Errors that stop an ingest (bad inputs never do: they are rejections).
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("invalid options: {0}")]
    Options(String),
    #[error("the reader thread stopped unexpectedly")]
    ReaderPanicked,
}

/// Gives an article without a publication date one, when it can.
///
/// Called for every article whose `published` is `None`, before it is
/// stored. The default, [`TimeDateResolver`], uses `newsgraph-time`: the
/// `dateline` metadata the readers found, else the dates the text gives.
pub trait DateResolver: Send + Sync {
    fn resolve(&self, article: &NewArticle) -> Option<ResolvedDate>;
}

/// The per-article analysis hook, run on each stored article.
pub trait Analyser: Send + Sync {
    /// Identifies the models; stored with each analysis so a model change
    /// can be detected (`newsgraph reanalyze`).
    fn model_version(&self) -> String;
    /// Analyses one article: the pure part, run in parallel. An error is
    /// reported and the article is left for a later run; it never stops the
    /// ingest.
    fn analyse(&self, article: &Article) -> Result<Analysis, String>;
    /// The ordered part, called for each successful analysis in ascending
    /// article id before it is stored (e.g. cross-article entity linking).
    /// Does nothing by default.
    fn resolve(&self, _article_id: ArticleId, _analysis: &mut Analysis) {}
}

/// How an ingest runs.
#[derive(Clone)]
pub struct IngestOptions {
    /// Articles per store transaction.
    pub batch_size: usize,
    /// Estimated Jaccard similarity from which an article is linked as a
    /// near-duplicate of an earlier one (0 < t ≤ 1).
    pub near_dup_threshold: f64,
    /// Reader options (link following, size cap, timeout, user agent).
    pub reader: newsgraph_ingest::Options,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            batch_size: 256,
            near_dup_threshold: 0.8,
            reader: newsgraph_ingest::Options::default(),
        }
    }
}

/// A rejected input, or part of one.
pub type Rejection = RejectionRecord;

/// An article whose analysis failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisFailure {
    pub article_id: ArticleId,
    pub reason: String,
}

/// What an ingest did. Serialised as the `ingest --json` summary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// The ingest run recorded in the store.
    pub run_id: Option<i64>,
    /// Articles the readers produced (stored + duplicates).
    pub read: u64,
    /// Newly stored articles (near-duplicates included).
    pub ingested: u64,
    /// Exact duplicates of stored articles: not stored again.
    pub duplicates: u64,
    /// Stored articles linked to an earlier one as near-duplicates.
    pub near_duplicates: u64,
    /// Inputs the server reported unchanged since the last fetch.
    pub unchanged: u64,
    /// Rejected inputs (or lines/records of inputs).
    pub rejected: u64,
    /// Each rejection: the input and the reason.
    pub rejections: Vec<Rejection>,
    /// Ids of the newly stored articles, in order.
    pub article_ids: Vec<ArticleId>,
    /// Articles analysed (this run's and earlier runs' left-overs).
    pub analysed: u64,
    pub analysis_failures: Vec<AnalysisFailure>,
    /// Undated articles that got a date from the [`DateResolver`].
    pub dates_resolved: u64,
    pub elapsed_ms: u64,
}

impl Summary {
    /// Whether the run processed anything at all (an article read, or an
    /// input reported unchanged). `false` means every input was rejected or
    /// there was nothing to read.
    pub fn processed_anything(&self) -> bool {
        self.read > 0 || self.unchanged > 0
    }
}

/// What a running ingest reports as it goes.
pub enum Event<'a> {
    /// An input (or part of one) was rejected.
    Rejected(&'a Rejection),
    /// An article was analysed unsuccessfully.
    AnalysisFailed(&'a AnalysisFailure),
    /// Counters after an item was handled or a batch committed.
    Progress(&'a Summary),
}

/// Buffers conditional-GET validators until the articles fetched with them
/// are committed, so a crash can never leave validators that would make a
/// re-run skip content that was not stored.
struct StoreCache {
    store: Arc<dyn Store>,
    /// Validators received during this run (also answered by `get`).
    seen: Mutex<HashMap<String, Validators>>,
    /// Validators not yet handed to the writer.
    pending: Mutex<Vec<CacheEntry>>,
}

impl FetchCache for StoreCache {
    fn get(&self, url: &str) -> Option<Validators> {
        if let Some(v) = lock(&self.seen).get(url) {
            return Some(v.clone());
        }
        // A store error here only costs a full fetch.
        match self.store.get_fetch_cache(url) {
            Ok(Some(e)) => Some(Validators {
                etag: e.etag,
                last_modified: e.last_modified,
            }),
            _ => None,
        }
    }

    fn put(&self, url: &str, v: &Validators) {
        lock(&self.seen).insert(url.to_string(), v.clone());
        lock(&self.pending).push(CacheEntry {
            url: url.to_string(),
            etag: v.etag.clone(),
            last_modified: v.last_modified.clone(),
        });
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Messages from the reader thread to the writer.
enum Msg {
    Item(Item),
    /// An input is fully read; its validators may be committed with the
    /// next batch (every item of the input was sent before this).
    InputDone(Vec<CacheEntry>),
}

/// The ingest pipeline over one store.
pub struct Pipeline {
    store: Arc<dyn Store>,
    opts: IngestOptions,
    dates: Option<Arc<dyn DateResolver>>,
    analyser: Option<Arc<dyn Analyser>>,
}

impl Pipeline {
    /// A pipeline writing to `store`, with the `newsgraph-time` date
    /// resolver ([`TimeDateResolver`]) and no analyser.
    pub fn new(store: Arc<dyn Store>, opts: IngestOptions) -> Self {
        Pipeline {
            store,
            opts,
            dates: Some(Arc::new(TimeDateResolver)),
            analyser: None,
        }
    }

    /// Replaces the date resolver (`None`: leave undated articles undated).
    pub fn with_date_resolver(mut self, r: Option<Arc<dyn DateResolver>>) -> Self {
        self.dates = r;
        self
    }

    /// Runs `a` on every stored article.
    pub fn with_analyser(mut self, a: Arc<dyn Analyser>) -> Self {
        self.analyser = Some(a);
        self
    }

    /// The store this pipeline writes to.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    fn policy(&self) -> NearDupPolicy {
        NearDupPolicy {
            threshold: self.opts.near_dup_threshold,
            similarity: newsgraph_ingest::jaccard,
        }
    }

    /// Reads `inputs` (anything the readers accept) into the store.
    /// Rejections are reported through `observer` as they happen and do not
    /// stop the run; only a store failure does.
    pub fn ingest(
        &self,
        inputs: &[String],
        observer: &mut dyn FnMut(Event<'_>),
    ) -> Result<Summary, PipelineError> {
        let t0 = Instant::now();
        if !(self.opts.near_dup_threshold > 0.0 && self.opts.near_dup_threshold <= 1.0) {
            return Err(PipelineError::Options(format!(
                "near-duplicate threshold {} is not in (0, 1]",
                self.opts.near_dup_threshold
            )));
        }
        let batch_size = self.opts.batch_size.max(1);
        let mut summary = Summary {
            run_id: Some(self.store.begin_run(inputs)?),
            ..Summary::default()
        };
        let cache = Arc::new(StoreCache {
            store: self.store.clone(),
            seen: Mutex::new(HashMap::new()),
            pending: Mutex::new(Vec::new()),
        });
        let (tx, rx) = sync_channel::<Msg>(batch_size * 2);
        let reader_opts = self.opts.reader.clone();
        let result = std::thread::scope(|scope| {
            let cache_for_reader = cache.clone();
            let handle = scope.spawn(move || read_all(inputs, reader_opts, cache_for_reader, tx));
            let r = self.consume(rx, &mut summary, batch_size, observer);
            // On a store error `rx` is dropped: the reader stops sending.
            let joined = handle.join();
            match (r, joined) {
                (Err(e), _) => Err(e),
                (Ok(()), Err(_)) => Err(PipelineError::ReaderPanicked),
                (Ok(()), Ok(())) => Ok(()),
            }
        });
        result?;
        if let Some(a) = &self.analyser {
            // Articles of this or earlier (interrupted) runs without analysis.
            self.analyse_pending_with(a.as_ref(), None, &mut summary, observer)?;
        }
        summary.elapsed_ms = t0.elapsed().as_millis() as u64;
        if let Some(run) = summary.run_id {
            let mut stored = serde_json::to_value(&summary).unwrap_or_default();
            if let Some(o) = stored.as_object_mut() {
                // Ids can be many; the run record keeps the counts.
                o.remove("article_ids");
            }
            self.store.finish_run(run, &stored)?;
        }
        Ok(summary)
    }

    fn consume(
        &self,
        rx: Receiver<Msg>,
        summary: &mut Summary,
        batch_size: usize,
        observer: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), PipelineError> {
        let mut articles: Vec<PreparedArticle> = Vec::with_capacity(batch_size);
        let mut cache_entries: Vec<CacheEntry> = Vec::new();
        let mut rejections: Vec<Rejection> = Vec::new();
        for msg in rx {
            match msg {
                Msg::Item(Item::Article(a)) => {
                    let mut a = *a;
                    if a.published.is_none()
                        && let Some(d) = self.dates.as_ref().and_then(|r| r.resolve(&a))
                    {
                        a.published = Some(d.value);
                        a.published_estimated = d.estimated;
                        summary.dates_resolved += 1;
                    }
                    articles.push(prepare(a));
                    summary.read += 1;
                }
                Msg::Item(Item::Rejected(r)) => {
                    let r = Rejection {
                        input: r.input,
                        reason: r.reason,
                    };
                    observer(Event::Rejected(&r));
                    summary.rejected += 1;
                    summary.rejections.push(r.clone());
                    rejections.push(r);
                }
                Msg::Item(Item::Unchanged { .. }) => summary.unchanged += 1,
                Msg::InputDone(entries) => cache_entries.extend(entries),
            }
            if articles.len() >= batch_size {
                self.flush(
                    &mut articles,
                    &mut cache_entries,
                    &mut rejections,
                    summary,
                    observer,
                )?;
            } else {
                observer(Event::Progress(summary));
            }
        }
        if !articles.is_empty() || !cache_entries.is_empty() || !rejections.is_empty() {
            self.flush(
                &mut articles,
                &mut cache_entries,
                &mut rejections,
                summary,
                observer,
            )?;
        }
        Ok(())
    }

    fn flush(
        &self,
        articles: &mut Vec<PreparedArticle>,
        cache_entries: &mut Vec<CacheEntry>,
        rejections: &mut Vec<Rejection>,
        summary: &mut Summary,
        observer: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), PipelineError> {
        let outcomes = self.store.insert_batch(
            &Batch {
                run_id: summary.run_id,
                articles,
                fetch_cache: cache_entries,
                rejections,
            },
            &self.policy(),
        )?;
        let mut new_ids = Vec::new();
        for o in outcomes {
            match o {
                InsertOutcome::Inserted { id, near_duplicate } => {
                    summary.ingested += 1;
                    if near_duplicate.is_some() {
                        summary.near_duplicates += 1;
                    }
                    summary.article_ids.push(id);
                    new_ids.push(id);
                }
                InsertOutcome::Duplicate { .. } => summary.duplicates += 1,
            }
        }
        articles.clear();
        cache_entries.clear();
        rejections.clear();
        if let Some(a) = &self.analyser {
            self.analyse_ids(a.as_ref(), &new_ids, summary, observer)?;
        }
        observer(Event::Progress(summary));
        Ok(())
    }

    fn analyse_ids(
        &self,
        analyser: &dyn Analyser,
        ids: &[ArticleId],
        summary: &mut Summary,
        observer: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), PipelineError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut articles = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(a) = self.store.get_article(*id)? {
                articles.push(a);
            }
        }
        let results: Vec<(ArticleId, Result<Analysis, String>)> = articles
            .par_iter()
            .map(|a| {
                let r =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| analyser.analyse(a)))
                        .unwrap_or_else(|_| Err("the analyser panicked".to_string()));
                (a.id, r)
            })
            .collect();
        let mut ok = Vec::with_capacity(results.len());
        for (id, r) in results {
            match r {
                Ok(mut an) => {
                    analyser.resolve(id, &mut an);
                    ok.push((id, an));
                }
                Err(reason) => {
                    let f = AnalysisFailure {
                        article_id: id,
                        reason,
                    };
                    observer(Event::AnalysisFailed(&f));
                    summary.analysis_failures.push(f);
                }
            }
        }
        self.store.put_analyses(&ok, &analyser.model_version())?;
        summary.analysed += ok.len() as u64;
        Ok(())
    }

    fn analyse_pending_with(
        &self,
        analyser: &dyn Analyser,
        model_version: Option<&str>,
        summary: &mut Summary,
        observer: &mut dyn FnMut(Event<'_>),
    ) -> Result<(), PipelineError> {
        let mut after = 0;
        loop {
            let ids =
                self.store
                    .pending_analysis(model_version, after, self.opts.batch_size.max(1))?;
            let Some(&last) = ids.last() else {
                return Ok(());
            };
            self.analyse_ids(analyser, &ids, summary, observer)?;
            observer(Event::Progress(summary));
            after = last;
        }
    }

    /// Analyses stored articles that need it: those without an analysis,
    /// and with `all_versions` also those analysed by another model version
    /// (`newsgraph reanalyze`). Does nothing without an analyser.
    pub fn analyse_pending(
        &self,
        all_versions: bool,
        observer: &mut dyn FnMut(Event<'_>),
    ) -> Result<Summary, PipelineError> {
        let t0 = Instant::now();
        let mut summary = Summary::default();
        if let Some(a) = &self.analyser {
            let version = a.model_version();
            let v = all_versions.then_some(version.as_str());
            self.analyse_pending_with(a.as_ref(), v, &mut summary, observer)?;
        }
        summary.elapsed_ms = t0.elapsed().as_millis() as u64;
        Ok(summary)
    }
}

/// Fingerprints an article for the store: content hash, MinHash, LSH bands.
pub fn prepare(article: NewArticle) -> PreparedArticle {
    let (content_hash, minhash) = newsgraph_ingest::fingerprint(&article.text);
    PreparedArticle {
        content_hash,
        bands: newsgraph_ingest::lsh_bands(&minhash),
        minhash,
        article,
    }
}

/// The reader thread: reads every input in order and sends what it finds.
fn read_all(
    inputs: &[String],
    opts: newsgraph_ingest::Options,
    cache: Arc<StoreCache>,
    tx: SyncSender<Msg>,
) {
    let reader = Reader::new(opts).with_cache(cache.clone());
    let mut closed = false;
    for input in inputs {
        reader.read(input, &mut |item| {
            if !closed && tx.send(Msg::Item(item)).is_err() {
                closed = true;
            }
        });
        if closed {
            return;
        }
        let entries = std::mem::take(&mut *lock(&cache.pending));
        if tx.send(Msg::InputDone(entries)).is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsgraph_store::SqliteStore;

    #[test]
    fn fetch_cache_defers_validators_until_committed() {
        let store: Arc<dyn Store> = Arc::new(SqliteStore::open(":memory:").unwrap());
        store
            .put_fetch_cache(&[CacheEntry {
                url: "https://a.test/old".into(),
                etag: Some("\"1\"".into()),
                last_modified: None,
            }])
            .unwrap();
        let cache = StoreCache {
            store: store.clone(),
            seen: Mutex::new(HashMap::new()),
            pending: Mutex::new(Vec::new()),
        };
        // Reads fall through to the store.
        assert_eq!(
            cache.get("https://a.test/old").unwrap().etag.as_deref(),
            Some("\"1\"")
        );
        let v = Validators {
            etag: Some("\"2\"".into()),
            last_modified: Some("Mon, 01 Jan 2024 00:00:00 GMT".into()),
        };
        cache.put("https://a.test/feed", &v);
        // Answered from memory during the run ...
        assert_eq!(cache.get("https://a.test/feed"), Some(v.clone()));
        // ... but not written to the store by `put` itself.
        assert_eq!(store.get_fetch_cache("https://a.test/feed").unwrap(), None);
        let pending = std::mem::take(&mut *lock(&cache.pending));
        assert_eq!(pending.len(), 1);
        assert_eq!(pending[0].etag, v.etag);
    }

    #[test]
    fn prepare_fingerprints_the_clean_text() {
        let a = NewArticle {
            text: "Ein kurzer Text über den Gipfel in Wladiwostok.".into(),
            ..NewArticle::default()
        };
        let p = prepare(a.clone());
        assert_eq!(p.content_hash, newsgraph_ingest::content_hash(&a.text));
        assert_eq!(p.minhash.len(), newsgraph_ingest::MINHASH_PERMUTATIONS);
        assert_eq!(p.bands.len(), newsgraph_ingest::LSH_BANDS);
    }
}
