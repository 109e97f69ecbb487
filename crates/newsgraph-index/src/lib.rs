//! Full-text search over stored articles: a tantivy index with per-language
//! analysers (stemming configured by `data/lang/<code>/search.toml`), phrase
//! queries, filters (language, entity id, source, date range, story) and
//! facets (counts by language, source and entity).
//!
//! The index lives next to the SQLite file (`<db>.index/`, see
//! [`index_dir_for`]) and is a derived copy of the store: [`reindex`] rebuilds
//! it from the store, [`index_articles`] updates it after a committed batch,
//! and [`ensure_fresh`] rebuilds it when the store changed behind its back
//! (the index remembers a [stamp](store_stamp) of the store it was built from).

mod analyzers;
mod doc;
mod facets;
mod search;
mod snippet;
mod sync;

pub use analyzers::{AnalyzerConfig, PLAIN};
pub use doc::{IndexDoc, IndexedEntity, parse_date};
pub use search::{
    DayCount, EntityFacet, FacetCount, Facets, SearchHit, SearchRequest, SearchResults, Snippet,
    SortOrder,
};
pub use sync::{
    ReindexSummary, UpdateSummary, docs_for_articles, ensure_fresh, index_articles, reindex,
    store_stamp, update_index,
};

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, NumericOptions,
    STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

/// Bumped whenever the schema or the document mapping changes; an index
/// built by another version is recreated (and must be refilled with [`reindex`]).
pub const SCHEMA_VERSION: u32 = 3;

/// Memory budget of the index writer (tantivy splits it across threads).
const WRITER_MEMORY: usize = 64 * 1024 * 1024;

/// Everything that can go wrong in the index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// tantivy reported an error.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index directory could not be opened or created.
    #[error("search index at {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    /// The index directory cannot be opened through tantivy.
    #[error("search index at {0}: {1}")]
    OpenDirectory(String, String),
    /// A request parameter is invalid (bad date, limit, …).
    #[error("invalid search request: {0}")]
    Invalid(String),
    /// The store failed while the index read from it.
    #[error("store: {0}")]
    Store(#[from] newsgraph_store::StoreError),
    /// The commit payload could not be (de)serialised.
    #[error("search index metadata: {0}")]
    Json(#[from] serde_json::Error),
}

/// Result alias of this crate.
pub type Result<T, E = IndexError> = std::result::Result<T, E>;

/// The index directory belonging to a SQLite store file: `<db>.index`.
pub fn index_dir_for(db: &Path) -> PathBuf {
    let mut s = db.as_os_str().to_os_string();
    s.push(".index");
    PathBuf::from(s)
}

/// The fields of the schema.
#[derive(Debug, Clone)]
pub(crate) struct Fields {
    pub id: Field,
    pub lang: Field,
    pub lang_key: Field,
    pub source: Field,
    pub source_key: Field,
    pub published: Field,
    pub published_text: Field,
    pub story: Field,
    pub entity_id: Field,
    pub entity_name: Field,
    pub entities_json: Field,
    /// Facet values (fast fields only): language and source as given.
    pub lang_facet: Field,
    pub source_facet: Field,
    /// 1 when the article had an analysis when indexed (fast field).
    pub analysed: Field,
    /// (analyser, title field, body field), `plain` first.
    pub text: Vec<(String, Field, Field)>,
}

impl Fields {
    fn build(config: &AnalyzerConfig) -> (Schema, Fields) {
        let mut b = Schema::builder();
        let id = b.add_i64_field("id", NumericOptions::default() | INDEXED | STORED | FAST);
        let lang = b.add_text_field("lang_display", STORED);
        let lang_key = b.add_text_field("lang", STRING | FAST);
        let source = b.add_text_field("source_display", STORED);
        let source_key = b.add_text_field("source", STRING);
        let published = b.add_date_field(
            "published",
            DateOptions::default()
                .set_indexed()
                .set_fast()
                .set_precision(DateTimePrecision::Seconds),
        );
        let published_text = b.add_text_field("published_display", STORED);
        let story = b.add_i64_field(
            facets::STORY_FACET,
            NumericOptions::default() | INDEXED | STORED | FAST,
        );
        let entity_id = b.add_text_field(facets::ENTITY_FACET, STRING | FAST);
        let plain_tok = analyzers::tokenizer_name(PLAIN);
        let entity_name = b.add_text_field(
            "entity_name",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(&plain_tok)
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            ),
        );
        let entities_json = b.add_text_field("entities_json", STORED);
        let lang_facet = b.add_text_field(facets::LANG_FACET, FAST);
        let source_facet = b.add_text_field(facets::SOURCE_FACET, FAST);
        let analysed = b.add_u64_field("analysed", FAST);
        let mut text = Vec::new();
        for analyser in config.analysers() {
            let tok = analyzers::tokenizer_name(&analyser);
            let opts = TextOptions::default()
                .set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(&tok)
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                )
                .set_stored();
            let t = b.add_text_field(&format!("title_{analyser}"), opts.clone());
            let body = b.add_text_field(&format!("body_{analyser}"), opts);
            text.push((analyser, t, body));
        }
        (
            b.build(),
            Fields {
                id,
                lang,
                lang_key,
                source,
                source_key,
                published,
                published_text,
                story,
                entity_id,
                entity_name,
                entities_json,
                lang_facet,
                source_facet,
                analysed,
                text,
            },
        )
    }

    /// Title and body fields for an analyser (falls back to `plain`).
    pub fn text_fields(&self, analyser: &str) -> (Field, Field) {
        self.text
            .iter()
            .find(|(a, _, _)| a == analyser)
            .or_else(|| self.text.first())
            .map(|(_, t, b)| (*t, *b))
            .unwrap_or((self.id, self.id))
    }
}

/// What the index holds about one article (see `SearchIndex::indexed_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexedState {
    pub story: Option<i64>,
    pub analysed: bool,
}

/// What the index remembers about its last commit.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
struct Payload {
    /// `SCHEMA_VERSION` and the analyser fingerprint at build time.
    schema: String,
    /// The store stamp the index is consistent with (see [`store_stamp`]).
    stamp: Option<String>,
}

/// A tantivy index of articles. Cheap to share between threads (`&self`
/// methods); writes are serialised internally and the writer is released
/// after each commit so another process (e.g. `newsgraph ingest` while
/// `newsgraph serve` runs) can write too.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    pub(crate) fields: Fields,
    pub(crate) config: AnalyzerConfig,
    schema_id: String,
    write_lock: Mutex<()>,
    dir: Option<PathBuf>,
    /// Entity id → canonical name, filled by facet lookups.
    pub(crate) names: Mutex<std::collections::HashMap<String, String>>,
    /// Global ordinals of the facet values (see `facets`).
    pub(crate) ords: std::sync::Arc<Mutex<facets::OrdTable>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.dir)
            .field("schema", &self.schema_id)
            .finish()
    }
}

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and the directory) when absent.
    /// An index built with another schema or other analysers is wiped and
    /// recreated empty; its stamp is then `None`, so [`ensure_fresh`] refills it.
    pub fn open(dir: &Path) -> Result<SearchIndex> {
        let (config, _problems) = AnalyzerConfig::from_resources();
        Self::open_with(dir, config)
    }

    /// Like [`Self::open`] with an explicit analyser configuration.
    pub fn open_with(dir: &Path, config: AnalyzerConfig) -> Result<SearchIndex> {
        let io = |source| IndexError::Io {
            path: dir.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        let (schema, fields) = Fields::build(&config);
        let schema_id = format!("v{SCHEMA_VERSION};{}", config.fingerprint());
        let mmap = tantivy::directory::MmapDirectory::open(dir)
            .map_err(|e| IndexError::OpenDirectory(dir.display().to_string(), e.to_string()))?;
        let exists = Index::exists(&mmap)
            .map_err(|e| IndexError::OpenDirectory(dir.display().to_string(), e.to_string()))?;
        let index = if exists {
            let index = Index::open(mmap)?;
            let payload = read_payload(&index);
            if payload.schema == schema_id && index.schema() == schema {
                index
            } else {
                drop(index);
                wipe_index_dir(dir).map_err(io)?;
                let mmap = tantivy::directory::MmapDirectory::open(dir).map_err(|e| {
                    IndexError::OpenDirectory(dir.display().to_string(), e.to_string())
                })?;
                Index::create(mmap, schema, Default::default())?
            }
        } else {
            Index::create(mmap, schema, Default::default())?
        };
        Self::finish(index, fields, config, schema_id, Some(dir.to_path_buf()))
    }

    /// An index held in memory (tests, one-off tools).
    pub fn in_memory(config: AnalyzerConfig) -> Result<SearchIndex> {
        let (schema, fields) = Fields::build(&config);
        let schema_id = format!("v{SCHEMA_VERSION};{}", config.fingerprint());
        let index = Index::create_in_ram(schema);
        Self::finish(index, fields, config, schema_id, None)
    }

    fn finish(
        index: Index,
        fields: Fields,
        config: AnalyzerConfig,
        schema_id: String,
        dir: Option<PathBuf>,
    ) -> Result<SearchIndex> {
        for analyser in config.analysers() {
            index.tokenizers().register(
                &analyzers::tokenizer_name(&analyser),
                AnalyzerConfig::build(&analyser),
            );
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .try_into()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            config,
            schema_id,
            write_lock: Mutex::new(()),
            dir,
            names: Mutex::new(Default::default()),
            ords: Default::default(),
        })
    }

    /// The directory of the index (`None` for an in-memory index).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// The analyser configuration in use.
    pub fn config(&self) -> &AnalyzerConfig {
        &self.config
    }

    /// The store stamp of the last commit (`None` for a new or recreated index).
    pub fn stamp(&self) -> Option<String> {
        let p = read_payload(&self.index);
        if p.schema == self.schema_id {
            p.stamp
        } else {
            None
        }
    }

    /// Number of indexed articles (as of the last reload).
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Makes the latest commit visible to searches now (commits become
    /// visible by themselves shortly after; tests and the CLI call this).
    pub fn reload(&self) -> Result<()> {
        Ok(self.reader.reload()?)
    }

    /// What the index holds per article (live documents of the current
    /// searcher): its story and whether it was analysed, read from fast
    /// fields (no stored documents are loaded).
    pub(crate) fn indexed_state(&self) -> Result<std::collections::HashMap<i64, IndexedState>> {
        let searcher = self.reader.searcher();
        let mut out = std::collections::HashMap::with_capacity(searcher.num_docs() as usize);
        for seg in searcher.segment_readers() {
            let ff = seg.fast_fields();
            let ids = ff.i64("id")?;
            let stories = ff.column_opt::<i64>(facets::STORY_FACET)?;
            let analysed = ff.column_opt::<u64>("analysed")?;
            let alive = seg.alive_bitset();
            for doc in 0..seg.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                let Some(id) = ids.first(doc) else { continue };
                out.insert(
                    id,
                    IndexedState {
                        story: stories.as_ref().and_then(|c| c.first(doc)),
                        analysed: analysed.as_ref().and_then(|c| c.first(doc)) == Some(1),
                    },
                );
            }
        }
        Ok(out)
    }

    fn writer(&self) -> Result<IndexWriter> {
        Ok(self.index.writer_with_num_threads(1, WRITER_MEMORY)?)
    }

    fn commit(&self, mut writer: IndexWriter, stamp: Option<&str>) -> Result<()> {
        let payload = Payload {
            schema: self.schema_id.clone(),
            stamp: stamp.map(str::to_string),
        };
        let mut prepared = writer.prepare_commit()?;
        prepared.set_payload(&serde_json::to_string(&payload)?);
        prepared.commit()?;
        writer.wait_merging_threads()?;
        self.reader.reload()?;
        Ok(())
    }

    /// Adds or replaces the given articles (matched by id) in one commit,
    /// recording `stamp` as the store state the index now reflects.
    pub fn upsert(&self, docs: &[IndexDoc], stamp: Option<&str>) -> Result<usize> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let writer = self.writer()?;
        for d in docs {
            writer.delete_term(tantivy::Term::from_field_i64(self.fields.id, d.id));
            writer.add_document(d.to_tantivy(&self.fields, &self.config))?;
        }
        self.commit(writer, stamp)?;
        Ok(docs.len())
    }

    /// Removes articles by id in one commit.
    pub fn delete(&self, ids: &[i64], stamp: Option<&str>) -> Result<()> {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let writer = self.writer()?;
        for id in ids {
            writer.delete_term(tantivy::Term::from_field_i64(self.fields.id, *id));
        }
        self.commit(writer, stamp)
    }

    /// Replaces the whole index with the documents `batches` yields, in one
    /// commit (searches see the old index until the rebuild is complete).
    /// The iterator yields batches so the caller can stream from the store.
    pub fn rebuild<I>(&self, batches: I, stamp: Option<&str>) -> Result<usize>
    where
        I: IntoIterator<Item = Result<Vec<IndexDoc>>>,
    {
        let _guard = self.write_lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut writer = self.writer()?;
        writer.delete_all_documents()?;
        let mut n = 0;
        for batch in batches {
            let batch = match batch {
                Ok(b) => b,
                Err(e) => {
                    writer.rollback()?;
                    return Err(e);
                }
            };
            for d in &batch {
                writer.add_document(d.to_tantivy(&self.fields, &self.config))?;
            }
            n += batch.len();
        }
        self.commit(writer, stamp)?;
        self.names.lock().unwrap_or_else(|p| p.into_inner()).clear();
        Ok(n)
    }
}

fn read_payload(index: &Index) -> Payload {
    index
        .load_metas()
        .ok()
        .and_then(|m| m.payload)
        .and_then(|p| serde_json::from_str(&p).ok())
        .unwrap_or_default()
}

/// Removes the files of an outdated index: only tantivy's own files (its
/// meta files, lock files and segment files), never anything else.
fn wipe_index_dir(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let tantivy_file = name == "meta.json"
            || name == ".managed.json"
            || name.starts_with(".tantivy")
            || is_segment_file(&name);
        if tantivy_file && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// Segment files are `<32 hex digits>.<ext>` (optionally `.<opstamp>.del`).
fn is_segment_file(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("");
    stem.len() == 32 && stem.bytes().all(|b| b.is_ascii_hexdigit()) && name.contains('.')
}
