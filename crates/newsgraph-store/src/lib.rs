//! Persistent storage of newsgraph: the [`Store`] trait every caller talks to,
//! and its embedded SQLite backend ([`SqliteStore`]: WAL, versioned schema
//! migrations, one transaction per batch).
//!
//! Callers hold a `Box<dyn Store>` / `Arc<dyn Store>` obtained from [`open`],
//! which picks the backend from the location string (a file path today; a
//! `postgres://` URL once that backend exists), so a new backend needs no
//! change in any caller.
//!
//! Invariants every backend keeps (checked by [`conformance`]):
//! - a batch of articles is written in one transaction: after a crash either
//!   every article of the batch is there (with its LSH bands) or none is;
//! - article ids are assigned in insert order, starting at 1;
//! - no two articles have the same `content_hash` (exact duplicates are
//!   reported as [`InsertOutcome::Duplicate`] and not stored);
//! - `duplicate_of` always points to an existing, earlier article;
//! - an article's analysis, mentions and entity links are replaced together.

use newsgraph_model::{
    Analysis, Article, ArticleId, Entity, EntityType, RemovedLine, Story, Storyline,
};
use serde::{Deserialize, Serialize};

pub mod conformance;
#[cfg(feature = "postgres")]
mod postgres;
mod schema;
mod sqlite;

#[cfg(feature = "postgres")]
pub use postgres::{
    ArrivalUnit, AssignerLock, ClosedUnit, Completed, Prefix, QUEUE_MIGRATIONS, QueueStatus,
};
#[cfg(feature = "postgres")]
pub use postgres::{PG_MIGRATIONS, PgStore};
pub use schema::MIGRATIONS;
pub use sqlite::SqliteStore;

/// Everything that can go wrong in a store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The SQLite backend reported an error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The PostgreSQL backend reported an error (connection, SQL, constraint).
    #[cfg(feature = "postgres")]
    #[error("postgres: {0}")]
    Postgres(#[from] ::postgres::Error),
    /// A JSON column could not be (de)serialised.
    #[error("json column: {0}")]
    Json(#[from] serde_json::Error),
    /// The database was written by a newer newsgraph than this one.
    #[error(
        "the store has schema version {found}, newer than this program knows ({known}); upgrade newsgraph"
    )]
    SchemaTooNew { found: i64, known: i64 },
    /// The location names a backend this build does not have.
    #[error("unsupported store location {0:?}")]
    Unsupported(String),
    /// Stored data violates an invariant (should never happen).
    #[error("corrupt store: {0}")]
    Corrupt(String),
    /// A caller passed something the store cannot accept.
    #[error("invalid request: {0}")]
    Invalid(String),
}

/// Result alias of this crate.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// An article ready to be stored: the ingest output plus its fingerprints.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedArticle {
    pub article: newsgraph_model::NewArticle,
    /// Hash of the normalised clean text; unique in the store.
    pub content_hash: String,
    /// MinHash signature of the clean text.
    pub minhash: Vec<u32>,
    /// LSH band keys of `minhash` (candidates share at least one key).
    pub bands: Vec<u64>,
}

/// Conditional-GET validators remembered for a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CacheEntry {
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// An input (or part of one) that could not be read, as logged with a batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectionRecord {
    pub input: String,
    pub reason: String,
}

/// One unit of writing: stored in a single transaction.
#[derive(Debug, Clone, Default)]
pub struct Batch<'a> {
    /// The ingest run this batch belongs to (see [`Store::begin_run`]), if any.
    pub run_id: Option<i64>,
    pub articles: &'a [PreparedArticle],
    /// Validators to remember, written with the articles they produced.
    pub fetch_cache: &'a [CacheEntry],
    pub rejections: &'a [RejectionRecord],
}

/// How near-duplicates are recognised at insert time.
#[derive(Debug, Clone, Copy)]
pub struct NearDupPolicy {
    /// Minimum estimated Jaccard similarity to link an article to an earlier one.
    pub threshold: f64,
    /// Similarity estimate of two MinHash signatures.
    pub similarity: fn(&[u32], &[u32]) -> f64,
}

impl Default for NearDupPolicy {
    fn default() -> Self {
        NearDupPolicy {
            threshold: 0.8,
            similarity: signature_similarity,
        }
    }
}

/// The standard MinHash estimate of Jaccard similarity: the fraction of
/// positions where two signatures agree (0 when lengths differ or are 0).
pub fn signature_similarity(a: &[u32], b: &[u32]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len() as f64
}

/// A near-duplicate link: this article copies `of` with estimated Jaccard `score`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NearDuplicate {
    pub of: ArticleId,
    pub score: f64,
}

/// What happened to one article of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum InsertOutcome {
    /// Stored under `id`; `near_duplicate` links it to the article it copies.
    Inserted {
        id: ArticleId,
        near_duplicate: Option<NearDuplicate>,
    },
    /// The same clean text is already stored as `existing`; nothing written.
    Duplicate { existing: ArticleId },
}

/// Order of [`Store::list_articles`]; both are total and stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArticleOrder {
    /// Ingest order (ascending id).
    #[default]
    Id,
    /// Publication date ascending (undated last), then id.
    Published,
}

/// Which articles to list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleFilter {
    pub lang: Option<String>,
    pub source: Option<String>,
    /// Only articles with an id greater than this (for paging by key).
    pub after_id: Option<ArticleId>,
    pub limit: Option<usize>,
    pub offset: usize,
    pub order: ArticleOrder,
}

/// The pre-cleaning view of an article (`newsgraph article ID --raw`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawView {
    pub id: ArticleId,
    pub raw_text: String,
    pub removed: Vec<RemovedLine>,
    pub content_hash: String,
}

/// A stored analysis with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAnalysis {
    pub article_id: ArticleId,
    pub model_version: String,
    /// RFC 3339 time the analysis was stored.
    pub analysed_at: String,
    pub analysis: Analysis,
}

/// Which entities to list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EntityFilter {
    pub typ: Option<EntityType>,
    /// Only entities mentioned in articles of this language.
    pub lang: Option<String>,
    /// Case-insensitive substring of the canonical name or of any variant.
    pub query: Option<String>,
    pub limit: Option<usize>,
    pub offset: usize,
}

/// One mention of an entity, with its context, for `newsgraph entity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityMention {
    pub article_id: ArticleId,
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Index of the sentence in the article's analysis.
    pub sentence: usize,
    /// The sentence text.
    pub sentence_text: String,
    /// `mention` for a named mention, otherwise the place-relation kind
    /// (`adjective`, `demonym`, …).
    pub kind: String,
}

/// A story as stored: the model type plus free-form extra data (e.g. `why`
/// explanations of membership) owned by the stories engine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryRecord {
    pub story: Story,
    #[serde(default)]
    pub extra: serde_json::Value,
}

/// A member article of a story, as a story's member list shows it (no text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryMember {
    pub id: ArticleId,
    pub title: String,
    pub lang: String,
    pub source: Option<String>,
    pub published: Option<String>,
}

/// A storyline as stored, plus free-form extra data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorylineRecord {
    pub storyline: Storyline,
    #[serde(default)]
    pub extra: serde_json::Value,
}

/// Which stories to list (ordered by id).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoryFilter {
    /// Only stories containing this article.
    pub article_id: Option<ArticleId>,
    pub storyline_id: Option<i64>,
    pub limit: Option<usize>,
    pub offset: usize,
}

/// Counts of what the store holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoreStats {
    pub articles: u64,
    /// Articles linked to an earlier one as near-duplicates.
    pub near_duplicates: u64,
    pub lsh_bands: u64,
    pub analyses: u64,
    pub entities: u64,
    pub mentions: u64,
    pub stories: u64,
    pub storylines: u64,
    pub fetch_cache: u64,
    pub ingest_runs: u64,
    pub rejections: u64,
}

/// A record of one `ingest` run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IngestRun {
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub inputs: Vec<String>,
    /// The run's summary as the pipeline reported it (null while running or
    /// when the run was interrupted).
    pub summary: serde_json::Value,
}

/// The storage interface. Object safe: callers hold `Box<dyn Store>` or
/// `Arc<dyn Store>`, and every backend is `Send + Sync` so one store can
/// serve many threads (the HTTP API).
pub trait Store: Send + Sync {
    /// Short backend name (`sqlite`, `postgres`).
    fn backend(&self) -> &'static str;
    /// The schema version the store is at (the latest migration applied).
    fn schema_version(&self) -> Result<i64>;

    // ---- ingest ----------------------------------------------------------
    /// Records the start of an ingest run; returns its id.
    fn begin_run(&self, inputs: &[String]) -> Result<i64>;
    /// Records the end of a run with its summary.
    fn finish_run(&self, run_id: i64, summary: &serde_json::Value) -> Result<()>;
    /// Lists recorded runs, newest first.
    fn list_runs(&self, limit: usize) -> Result<Vec<IngestRun>>;
    /// Rejections logged with a run.
    fn run_rejections(&self, run_id: i64) -> Result<Vec<RejectionRecord>>;
    /// The articles a run stored (its arrival batch: the batches given
    /// [`Batch::run_id`] = `run_id`), in id order. Worker mode runs the
    /// stories step once per run, as one `newsgraph ingest` does.
    fn run_articles(&self, run_id: i64) -> Result<Vec<ArticleId>>;
    /// Stores a batch in ONE transaction, in order: for each article, an
    /// exact duplicate (same `content_hash`, also within the batch) is not
    /// stored; otherwise it is inserted, linked to its most similar earlier
    /// article when that similarity reaches `policy.threshold` (candidates
    /// are found through shared LSH bands), and its bands are indexed.
    /// The fetch-cache entries and rejections of the batch are written in
    /// the same transaction. Returns one outcome per article, in order.
    fn insert_batch(&self, batch: &Batch<'_>, policy: &NearDupPolicy)
    -> Result<Vec<InsertOutcome>>;
    /// The id of the article with this content hash, if stored.
    fn find_by_content_hash(&self, content_hash: &str) -> Result<Option<ArticleId>>;

    // ---- articles ----------------------------------------------------------
    fn get_article(&self, id: ArticleId) -> Result<Option<Article>>;
    /// Articles matching `filter`, in a stable order.
    fn list_articles(&self, filter: &ArticleFilter) -> Result<Vec<Article>>;
    /// How many articles match `filter` (ignoring limit/offset/after_id).
    fn count_articles(&self, filter: &ArticleFilter) -> Result<u64>;
    /// Text before cleaning and the removed lines.
    fn get_raw(&self, id: ArticleId) -> Result<Option<RawView>>;
    /// Sets the publication date of an article (e.g. estimated later).
    fn set_published(
        &self,
        id: ArticleId,
        published: Option<&str>,
        estimated: bool,
    ) -> Result<bool>;

    // ---- fetch cache -------------------------------------------------------
    fn get_fetch_cache(&self, url: &str) -> Result<Option<CacheEntry>>;
    fn put_fetch_cache(&self, entries: &[CacheEntry]) -> Result<()>;

    // ---- analyses and entities ---------------------------------------------
    /// Stores analyses (replacing earlier ones of the same articles) in one
    /// transaction, with their mentions and entities.
    fn put_analyses(&self, items: &[(ArticleId, Analysis)], model_version: &str) -> Result<()>;
    fn get_analysis(&self, id: ArticleId) -> Result<Option<StoredAnalysis>>;
    /// Articles with an id above `after` (ascending, up to `limit`) that
    /// need analysis: those with none, and with `Some(version)` also those
    /// analysed by another model version.
    fn pending_analysis(
        &self,
        model_version: Option<&str>,
        after: ArticleId,
        limit: usize,
    ) -> Result<Vec<ArticleId>>;
    /// Entities ordered by number of articles (descending), then canonical name.
    fn list_entities(&self, filter: &EntityFilter) -> Result<Vec<Entity>>;
    fn get_entity(&self, id: &str) -> Result<Option<Entity>>;
    /// Entities whose canonical name or a variant equals `name` (case-insensitive).
    fn find_entities(&self, name: &str) -> Result<Vec<Entity>>;
    /// Mentions of an entity in article order.
    fn entity_mentions(&self, id: &str, limit: Option<usize>) -> Result<Vec<EntityMention>>;

    // ---- stories -----------------------------------------------------------
    /// Replaces every story and storyline in one transaction.
    fn replace_stories(
        &self,
        storylines: &[StorylineRecord],
        stories: &[StoryRecord],
    ) -> Result<()>;
    /// The incremental stories step, in one transaction: upserts
    /// `storylines` and `stories` by id (a story's members are replaced by
    /// its `article_ids`), deletes the stories `remove_stories` and the
    /// storylines `remove_storylines`, and, when given, replaces the
    /// stories engine's state blob.
    fn update_stories(
        &self,
        storylines: &[StorylineRecord],
        stories: &[StoryRecord],
        remove_stories: &[i64],
        remove_storylines: &[i64],
        state: Option<&[u8]>,
    ) -> Result<()>;
    /// The stories engine's state blob last saved by
    /// [`Store::update_stories`], if any.
    fn stories_state(&self) -> Result<Option<Vec<u8>>>;
    /// Analysed articles that belong to no story (ascending ids, up to
    /// `limit`): work a killed run analysed but never assigned, which the
    /// next stories step must pick up.
    fn unassigned_analysed(&self, limit: usize) -> Result<Vec<ArticleId>>;
    fn list_stories(&self, filter: &StoryFilter) -> Result<Vec<StoryRecord>>;
    fn get_story(&self, id: i64) -> Result<Option<StoryRecord>>;
    /// A stamp of story `id`'s stored record (its [`Story`] and extra data):
    /// it differs whenever the record's content differs, so that readers can
    /// key what they derive from a story by it without reading the record
    /// (`None` when there is no such story). Cheap: one indexed row, no JSON.
    fn story_stamp(&self, id: i64) -> Result<Option<i64>>;
    /// One page of story `id`'s members in ascending article id (only those
    /// in language `lang` when given): skips `offset`, returns at most
    /// `limit`. Reads only the page's articles (empty for an unknown story).
    fn story_members(
        &self,
        id: i64,
        lang: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<StoryMember>>;
    fn list_storylines(&self) -> Result<Vec<StorylineRecord>>;
    fn get_storyline(&self, id: i64) -> Result<Option<StorylineRecord>>;

    // ---- maintenance ---------------------------------------------------------
    fn stats(&self) -> Result<StoreStats>;
    /// Checks low-level integrity and the invariants above; returns the
    /// problems found (empty when the store is consistent).
    fn check_integrity(&self) -> Result<Vec<String>>;
}

/// Opens the store at `location`: a `postgres://`/`postgresql://` URL ([`PgStore`],
/// with the default cargo feature `postgres`) or a SQLite file path (created
/// with the schema if absent).
pub fn open(location: &str) -> Result<Box<dyn Store>> {
    if location.starts_with("postgres://") || location.starts_with("postgresql://") {
        #[cfg(feature = "postgres")]
        return Ok(Box::new(PgStore::open(location)?));
        #[cfg(not(feature = "postgres"))]
        return Err(StoreError::Unsupported(format!(
            "{location}: the PostgreSQL backend is not part of this build"
        )));
    }
    Ok(Box::new(SqliteStore::open(location)?))
}

/// Encodes a MinHash signature for storage (little-endian `u32`s); the same
/// bytes in every backend.
pub(crate) fn sig_to_bytes(sig: &[u32]) -> Vec<u8> {
    sig.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// Decodes [`sig_to_bytes`].
pub(crate) fn bytes_to_sig(b: &[u8]) -> Vec<u32> {
    b.chunks_exact(4)
        .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect()
}

/// Folds one near-duplicate candidate into the best so far: the highest
/// score at or above the policy's threshold wins, ties go to the earlier
/// article. Every backend chooses with this, so they link identically.
pub(crate) fn better_near_duplicate(
    best: Option<NearDuplicate>,
    policy: &NearDupPolicy,
    of: ArticleId,
    score: f64,
) -> Option<NearDuplicate> {
    if score < policy.threshold || !score.is_finite() {
        return best;
    }
    match best {
        Some(b) if !(score > b.score || (score == b.score && of < b.of)) => Some(b),
        _ => Some(NearDuplicate { of, score }),
    }
}

/// Index of the sentence of `analysis` that contains byte `offset` (0 when none does).
pub(crate) fn sentence_index_at(analysis: &Analysis, offset: usize) -> usize {
    analysis
        .sentences
        .iter()
        .position(|s| s.start <= offset && offset < s.end)
        .unwrap_or(0)
}

/// The stamp of a story record ([`Store::story_stamp`]): FNV-1a (64 bit)
/// over its stored `data` and `extra` JSON, the same in every backend.
/// Records stored before the stamp existed keep 0 until rewritten.
pub(crate) fn story_record_stamp(data: &str, extra: &str) -> i64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in data.bytes().chain([0xff]).chain(extra.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // 63 bits, never 0 (the stamp of records written before stamps existed).
    ((h >> 1) as i64).max(1)
}

/// Current time as RFC 3339 (UTC, seconds).
pub(crate) fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Parses an entity type stored as text.
pub(crate) fn parse_entity_type(s: &str) -> Result<EntityType> {
    EntityType::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown entity type {s:?}")))
}
