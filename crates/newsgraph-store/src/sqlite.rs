//! The embedded SQLite backend.
//!
//! One writer connection (behind a mutex) and a small pool of reader
//! connections: in WAL mode readers never block the writer and see only
//! committed transactions, so a reader can never observe half a batch.

use crate::schema;
use crate::{
    ArticleFilter, ArticleOrder, Batch, CacheEntry, EntityFilter, EntityMention, IngestRun,
    InsertOutcome, NearDupPolicy, NearDuplicate, RawView, RejectionRecord, Result, Store,
    StoreError, StoreStats, StoredAnalysis, StoryFilter, StoryMember, StoryRecord, StorylineRecord,
    now_rfc3339, parse_entity_type,
};
use newsgraph_model::{Analysis, Article, ArticleId, Entity, Variant};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// At most this many candidates are read per LSH band when looking for the
/// article an insert near-duplicates (bounds the cost of very common bands).
const MAX_CANDIDATES_PER_BAND: i64 = 64;
/// Idle reader connections kept open.
const MAX_IDLE_READERS: usize = 4;

/// The SQLite store. See the crate docs for the invariants.
pub struct SqliteStore {
    path: PathBuf,
    memory: bool,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
}

const ARTICLE_COLUMNS: &str = "id, path, url, external_id, title, lang, lang_confidence, \
     published, published_estimated, source, author, text, duplicate_of, duplicate_score, \
     format, metadata, ingested_at";

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave SQLite inconsistent (an
    // open transaction is rolled back when dropped), so poisoning is ignored.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn configure(conn: &Connection, memory: bool) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(60))?;
    if !memory {
        // journal_mode returns a row; query it rather than execute.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    }
    conn.execute_batch(
        "PRAGMA foreign_keys = ON;
         PRAGMA synchronous = NORMAL;
         PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -32000;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

fn article_from_row(r: &Row<'_>) -> rusqlite::Result<(Article, String)> {
    Ok((
        Article {
            id: r.get(0)?,
            path: r.get(1)?,
            url: r.get(2)?,
            external_id: r.get(3)?,
            title: r.get(4)?,
            lang: r.get(5)?,
            lang_confidence: r.get(6)?,
            published: r.get(7)?,
            published_estimated: r.get(8)?,
            source: r.get(9)?,
            author: r.get(10)?,
            text: r.get(11)?,
            duplicate_of: r.get(12)?,
            duplicate_score: r.get(13)?,
            format: r.get(14)?,
            metadata: serde_json::Map::new(),
            ingested_at: r.get(16)?,
        },
        r.get::<_, String>(15)?,
    ))
}

fn finish_article((mut a, meta): (Article, String)) -> Result<Article> {
    a.metadata = serde_json::from_str(&meta)?;
    Ok(a)
}

fn limit_sql(limit: Option<usize>) -> i64 {
    limit.map(|l| l.min(i64::MAX as usize) as i64).unwrap_or(-1)
}

fn like_pattern(q: &str) -> String {
    let mut s = String::from("%");
    for c in q.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` and brings its schema
    /// to the latest version. `:memory:` gives a private in-memory store.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_at_version(path, schema::latest_version())
    }

    /// Opens the store migrating only up to `version` (for migration tests).
    #[doc(hidden)]
    pub fn open_at_version(path: impl AsRef<Path>, version: i64) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let memory = path.as_os_str() == ":memory:";
        let mut conn = Connection::open(&path)?;
        configure(&conn, memory)?;
        schema::migrate_to(&mut conn, version)?;
        Ok(SqliteStore {
            path,
            memory,
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if self.memory {
            return f(&lock(&self.writer));
        }
        let conn = lock(&self.readers).pop();
        let conn = match conn {
            Some(c) => c,
            None => {
                let c = Connection::open(&self.path)?;
                configure(&c, false)?;
                c
            }
        };
        let out = f(&conn);
        let mut pool = lock(&self.readers);
        if pool.len() < MAX_IDLE_READERS {
            pool.push(conn);
        }
        out
    }

    fn write<T>(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn load_entity(conn: &Connection, id: &str) -> Result<Option<Entity>> {
        let head: Option<(String, String, String)> = conn
            .prepare_cached("SELECT id, canonical, type FROM entities WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let Some((id, canonical, typ)) = head else {
            return Ok(None);
        };
        let variants = conn
            .prepare_cached(
                "SELECT text, lang, count FROM entity_variants WHERE entity_id = ?1
                 ORDER BY count DESC, text, lang",
            )?
            .query_map([&id], |r| {
                Ok(Variant {
                    text: r.get(0)?,
                    lang: r.get(1)?,
                    count: r.get::<_, i64>(2)? as u64,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let article_ids = conn
            .prepare_cached(
                "SELECT DISTINCT article_id FROM mentions WHERE entity_id = ?1 ORDER BY article_id",
            )?
            .query_map([&id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<ArticleId>>>()?;
        if article_ids.is_empty() {
            // An entity with no mention left is not shown.
            return Ok(None);
        }
        Ok(Some(Entity {
            typ: parse_entity_type(&typ)?,
            id,
            canonical,
            variants,
            article_ids,
        }))
    }

    fn story_from(data: String, extra: String) -> Result<StoryRecord> {
        Ok(StoryRecord {
            story: serde_json::from_str(&data)?,
            extra: serde_json::from_str(&extra)?,
        })
    }

    fn storyline_from(data: String, extra: String) -> Result<StorylineRecord> {
        Ok(StorylineRecord {
            storyline: serde_json::from_str(&data)?,
            extra: serde_json::from_str(&extra)?,
        })
    }
}

/// Finds the earlier article `sig` near-duplicates best (highest score, then
/// lowest id) among the articles sharing an LSH band with it.
/// Bands inserted by one statement (the LSH signature has 32).
const BANDS_PER_INSERT: usize = 64;

/// `INSERT OR IGNORE` of `n` bands of one article: `?1` is the article id,
/// `?2…` the band keys.
fn band_insert_sql(n: usize) -> String {
    let mut sql = String::from("INSERT OR IGNORE INTO lsh_bands (band_key, article_id) VALUES ");
    for k in 0..n {
        if k > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(?{}, ?1)", k + 2));
    }
    sql
}

fn best_near_duplicate(
    tx: &Connection,
    bands: &[u64],
    sig: &[u32],
    policy: &NearDupPolicy,
) -> Result<Option<NearDuplicate>> {
    let mut seen = HashSet::new();
    let mut best: Option<NearDuplicate> = None;
    let mut cand_stmt = tx.prepare_cached(
        "SELECT article_id FROM lsh_bands WHERE band_key = ?1 ORDER BY article_id LIMIT ?2",
    )?;
    let mut sig_stmt = tx.prepare_cached("SELECT minhash FROM articles WHERE id = ?1")?;
    for band in bands {
        let ids = cand_stmt
            .query_map(params![*band as i64, MAX_CANDIDATES_PER_BAND], |r| {
                r.get::<_, ArticleId>(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for id in ids {
            if !seen.insert(id) {
                continue;
            }
            let blob: Vec<u8> = sig_stmt.query_row([id], |r| r.get(0))?;
            let score = (policy.similarity)(sig, &crate::bytes_to_sig(&blob));
            best = crate::better_near_duplicate(best, policy, id, score);
        }
    }
    Ok(best)
}

impl Store for SqliteStore {
    fn backend(&self) -> &'static str {
        "sqlite"
    }

    fn schema_version(&self) -> Result<i64> {
        self.read(schema::current_version)
    }

    fn begin_run(&self, inputs: &[String]) -> Result<i64> {
        let inputs = serde_json::to_string(inputs)?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO ingest_runs (started_at, inputs) VALUES (?1, ?2)",
                params![now_rfc3339(), inputs],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    fn finish_run(&self, run_id: i64, summary: &serde_json::Value) -> Result<()> {
        let summary = serde_json::to_string(summary)?;
        self.write(|tx| {
            tx.execute(
                "UPDATE ingest_runs SET finished_at = ?1, summary = ?2 WHERE id = ?3",
                params![now_rfc3339(), summary, run_id],
            )?;
            Ok(())
        })
    }

    fn list_runs(&self, limit: usize) -> Result<Vec<IngestRun>> {
        self.read(|c| {
            let rows = c
                .prepare_cached(
                    "SELECT id, started_at, finished_at, inputs, summary FROM ingest_runs
                     ORDER BY id DESC LIMIT ?1",
                )?
                .query_map([limit_sql(Some(limit))], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, Option<String>>(4)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter()
                .map(|(id, started_at, finished_at, inputs, summary)| {
                    Ok(IngestRun {
                        id,
                        started_at,
                        finished_at,
                        inputs: serde_json::from_str(&inputs)?,
                        summary: match summary {
                            Some(s) => serde_json::from_str(&s)?,
                            None => serde_json::Value::Null,
                        },
                    })
                })
                .collect()
        })
    }

    fn run_rejections(&self, run_id: i64) -> Result<Vec<RejectionRecord>> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT input, reason FROM rejections WHERE run_id = ?1 ORDER BY id",
            )?
            .query_map([run_id], |r| {
                Ok(RejectionRecord {
                    input: r.get(0)?,
                    reason: r.get(1)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn run_articles(&self, run_id: i64) -> Result<Vec<ArticleId>> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT article_id FROM article_runs WHERE run_id = ?1 ORDER BY article_id",
            )?
            .query_map([run_id], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn insert_batch(
        &self,
        batch: &Batch<'_>,
        policy: &NearDupPolicy,
    ) -> Result<Vec<InsertOutcome>> {
        let now = now_rfc3339();
        self.write(|tx| {
            let mut outcomes = Vec::with_capacity(batch.articles.len());
            for p in batch.articles {
                let existing: Option<ArticleId> = tx
                    .prepare_cached("SELECT id FROM articles WHERE content_hash = ?1")?
                    .query_row([&p.content_hash], |r| r.get(0))
                    .optional()?;
                if let Some(existing) = existing {
                    outcomes.push(InsertOutcome::Duplicate { existing });
                    continue;
                }
                let near = best_near_duplicate(tx, &p.bands, &p.minhash, policy)?;
                let a = &p.article;
                let removed = serde_json::to_string(&a.removed)?;
                let metadata = serde_json::to_string(&a.metadata)?;
                tx.prepare_cached(
                    "INSERT INTO articles (path, url, external_id, title, text, raw_text, removed,
                        lang, lang_confidence, published, published_estimated, source, author,
                        metadata, format, content_hash, minhash, duplicate_of, duplicate_score,
                        ingested_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                        ?16, ?17, ?18, ?19, ?20)",
                )?
                .execute(params![
                    a.path,
                    a.url,
                    a.external_id,
                    a.title,
                    a.text,
                    a.raw_text,
                    removed,
                    a.lang,
                    a.lang_confidence,
                    a.published,
                    a.published_estimated,
                    a.source,
                    a.author,
                    metadata,
                    a.format,
                    p.content_hash,
                    crate::sig_to_bytes(&p.minhash),
                    near.map(|n| n.of),
                    near.map(|n| n.score),
                    now,
                ])?;
                let id = tx.last_insert_rowid();
                if let Some(run) = batch.run_id {
                    tx.prepare_cached(
                        "INSERT INTO article_runs (article_id, run_id) VALUES (?1, ?2)",
                    )?
                    .execute([id, run])?;
                }
                // All bands of the article in one statement (one B-tree
                // pass instead of one statement execution per band).
                for chunk in p.bands.chunks(BANDS_PER_INSERT) {
                    let mut band_stmt = tx.prepare_cached(&band_insert_sql(chunk.len()))?;
                    band_stmt.raw_bind_parameter(1, id)?;
                    for (k, band) in chunk.iter().enumerate() {
                        band_stmt.raw_bind_parameter(k + 2, *band as i64)?;
                    }
                    band_stmt.raw_execute()?;
                }
                outcomes.push(InsertOutcome::Inserted {
                    id,
                    near_duplicate: near,
                });
            }
            put_cache(tx, batch.fetch_cache, &now)?;
            let mut rej = tx.prepare_cached(
                "INSERT INTO rejections (run_id, input, reason, at) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for r in batch.rejections {
                rej.execute(params![batch.run_id, r.input, r.reason, now])?;
            }
            Ok(outcomes)
        })
    }

    fn find_by_content_hash(&self, content_hash: &str) -> Result<Option<ArticleId>> {
        self.read(|c| {
            Ok(
                c.prepare_cached("SELECT id FROM articles WHERE content_hash = ?1")?
                    .query_row([content_hash], |r| r.get(0))
                    .optional()?,
            )
        })
    }

    fn get_article(&self, id: ArticleId) -> Result<Option<Article>> {
        self.read(|c| {
            let row = c
                .prepare_cached(&format!(
                    "SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ?1"
                ))?
                .query_row([id], article_from_row)
                .optional()?;
            row.map(finish_article).transpose()
        })
    }

    fn list_articles(&self, f: &ArticleFilter) -> Result<Vec<Article>> {
        let order = match f.order {
            ArticleOrder::Id => "id",
            ArticleOrder::Published => "published IS NULL, published, id",
        };
        let sql = format!(
            "SELECT {ARTICLE_COLUMNS} FROM articles
             WHERE (?1 IS NULL OR lang = ?1) AND (?2 IS NULL OR source = ?2)
               AND (?3 IS NULL OR id > ?3)
             ORDER BY {order} LIMIT ?4 OFFSET ?5"
        );
        self.read(|c| {
            let rows = c
                .prepare_cached(&sql)?
                .query_map(
                    params![
                        f.lang,
                        f.source,
                        f.after_id,
                        limit_sql(f.limit),
                        f.offset as i64
                    ],
                    article_from_row,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            rows.into_iter().map(finish_article).collect()
        })
    }

    fn count_articles(&self, f: &ArticleFilter) -> Result<u64> {
        self.read(|c| {
            let n: i64 = c
                .prepare_cached(
                    "SELECT COUNT(*) FROM articles
                     WHERE (?1 IS NULL OR lang = ?1) AND (?2 IS NULL OR source = ?2)",
                )?
                .query_row(params![f.lang, f.source], |r| r.get(0))?;
            Ok(n as u64)
        })
    }

    fn get_raw(&self, id: ArticleId) -> Result<Option<RawView>> {
        self.read(|c| {
            let row: Option<(String, String, String)> = c
                .prepare_cached(
                    "SELECT raw_text, removed, content_hash FROM articles WHERE id = ?1",
                )?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            row.map(|(raw_text, removed, content_hash)| {
                Ok(RawView {
                    id,
                    raw_text,
                    removed: serde_json::from_str(&removed)?,
                    content_hash,
                })
            })
            .transpose()
        })
    }

    fn set_published(
        &self,
        id: ArticleId,
        published: Option<&str>,
        estimated: bool,
    ) -> Result<bool> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE articles SET published = ?1, published_estimated = ?2 WHERE id = ?3",
                params![published, estimated, id],
            )?;
            Ok(n > 0)
        })
    }

    fn get_fetch_cache(&self, url: &str) -> Result<Option<CacheEntry>> {
        self.read(|c| {
            Ok(
                c.prepare_cached(
                    "SELECT url, etag, last_modified FROM fetch_cache WHERE url = ?1",
                )?
                .query_row([url], |r| {
                    Ok(CacheEntry {
                        url: r.get(0)?,
                        etag: r.get(1)?,
                        last_modified: r.get(2)?,
                    })
                })
                .optional()?,
            )
        })
    }

    fn put_fetch_cache(&self, entries: &[CacheEntry]) -> Result<()> {
        let now = now_rfc3339();
        self.write(|tx| put_cache(tx, entries, &now))
    }

    fn put_analyses(&self, items: &[(ArticleId, Analysis)], model_version: &str) -> Result<()> {
        let now = now_rfc3339();
        self.write(|tx| {
            for (id, analysis) in items {
                let json = serde_json::to_string(analysis)?;
                let n = tx
                    .prepare_cached(
                        "INSERT INTO analyses (article_id, analysis, model_version, analysed_at)
                         VALUES (?1, ?2, ?3, ?4)
                         ON CONFLICT(article_id) DO UPDATE SET analysis = excluded.analysis,
                            model_version = excluded.model_version,
                            analysed_at = excluded.analysed_at",
                    )?
                    .execute(params![id, json, model_version, now]);
                match n {
                    Err(rusqlite::Error::SqliteFailure(e, _))
                        if e.code == rusqlite::ErrorCode::ConstraintViolation =>
                    {
                        return Err(StoreError::Invalid(format!(
                            "analysis for article {id}, which is not stored"
                        )));
                    }
                    r => r?,
                };
                // Replace the article's mentions; remember which entities lose some.
                let old: Vec<String> = tx
                    .prepare_cached("SELECT DISTINCT entity_id FROM mentions WHERE article_id = ?1")?
                    .query_map([id], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                tx.prepare_cached("DELETE FROM mentions WHERE article_id = ?1")?
                    .execute([id])?;
                let lang: String = if analysis.lang.is_empty() {
                    tx.prepare_cached("SELECT lang FROM articles WHERE id = ?1")?
                        .query_row([id], |r| r.get(0))?
                } else {
                    analysis.lang.clone()
                };
                let mut ent = tx.prepare_cached(
                    "INSERT INTO entities (id, canonical, type) VALUES (?1, ?2, ?3)
                     ON CONFLICT(id) DO UPDATE SET canonical = excluded.canonical,
                        type = excluded.type",
                )?;
                let mut men = tx.prepare_cached(
                    "INSERT OR IGNORE INTO mentions (article_id, entity_id, start, \"end\", text,
                        sentence, sentence_text, kind, lang)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?;
                let sentence_text =
                    |i: usize| analysis.sentences.get(i).map(|s| s.text.as_str()).unwrap_or("");
                for m in &analysis.mentions {
                    ent.execute(params![m.entity_id, m.canonical, m.typ.as_str()])?;
                    men.execute(params![
                        id,
                        m.entity_id,
                        m.start as i64,
                        m.end as i64,
                        m.text,
                        m.sentence as i64,
                        sentence_text(m.sentence),
                        "mention",
                        lang
                    ])?;
                }
                for p in &analysis.places {
                    // A place relation of an entity never seen as a mention is a location.
                    tx.prepare_cached(
                        "INSERT OR IGNORE INTO entities (id, canonical, type) VALUES (?1, ?2, 'LOC')",
                    )?
                    .execute(params![p.entity_id, p.canonical])?;
                    let s = crate::sentence_index_at(analysis, p.start);
                    men.execute(params![
                        id,
                        p.entity_id,
                        p.start as i64,
                        p.end as i64,
                        p.text,
                        s as i64,
                        sentence_text(s),
                        p.kind,
                        lang
                    ])?;
                }
                let mut orphan = tx.prepare_cached(
                    "DELETE FROM entities WHERE id = ?1
                     AND NOT EXISTS (SELECT 1 FROM mentions WHERE entity_id = ?1)",
                )?;
                for e in old {
                    orphan.execute([e])?;
                }
            }
            Ok(())
        })
    }

    fn get_analysis(&self, id: ArticleId) -> Result<Option<StoredAnalysis>> {
        self.read(|c| {
            let row: Option<(String, String, String)> = c
                .prepare_cached(
                    "SELECT analysis, model_version, analysed_at FROM analyses WHERE article_id = ?1",
                )?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            row.map(|(a, model_version, analysed_at)| {
                Ok(StoredAnalysis {
                    article_id: id,
                    model_version,
                    analysed_at,
                    analysis: serde_json::from_str(&a)?,
                })
            })
            .transpose()
        })
    }

    fn pending_analysis(
        &self,
        model_version: Option<&str>,
        after: ArticleId,
        limit: usize,
    ) -> Result<Vec<ArticleId>> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT a.id FROM articles a LEFT JOIN analyses n ON n.article_id = a.id
                 WHERE a.id > ?2
                   AND (n.article_id IS NULL OR (?1 IS NOT NULL AND n.model_version <> ?1))
                 ORDER BY a.id LIMIT ?3",
            )?
            .query_map(params![model_version, after, limit_sql(Some(limit))], |r| {
                r.get(0)
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn unassigned_analysed(&self, limit: usize) -> Result<Vec<ArticleId>> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT n.article_id FROM analyses n
                 WHERE NOT EXISTS (SELECT 1 FROM story_members m WHERE m.article_id = n.article_id)
                 ORDER BY n.article_id LIMIT ?1",
            )?
            .query_map(params![limit_sql(Some(limit))], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn list_entities(&self, f: &EntityFilter) -> Result<Vec<Entity>> {
        let typ = f.typ.map(|t| t.as_str());
        let q = f.query.as_deref().map(like_pattern);
        self.read(|c| {
            let ids: Vec<String> = c
                .prepare_cached(
                    "SELECT e.id FROM entities e JOIN mentions m ON m.entity_id = e.id
                     WHERE (?1 IS NULL OR e.type = ?1) AND (?2 IS NULL OR m.lang = ?2)
                       AND (?3 IS NULL OR e.canonical LIKE ?3 ESCAPE '\\'
                            OR EXISTS (SELECT 1 FROM mentions v
                                       WHERE v.entity_id = e.id AND v.text LIKE ?3 ESCAPE '\\'))
                     GROUP BY e.id
                     ORDER BY COUNT(DISTINCT m.article_id) DESC, e.canonical, e.id
                     LIMIT ?4 OFFSET ?5",
                )?
                .query_map(
                    params![typ, f.lang, q, limit_sql(f.limit), f.offset as i64],
                    |r| r.get(0),
                )?
                .collect::<rusqlite::Result<_>>()?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(e) = Self::load_entity(c, &id)? {
                    out.push(e);
                }
            }
            Ok(out)
        })
    }

    fn get_entity(&self, id: &str) -> Result<Option<Entity>> {
        self.read(|c| Self::load_entity(c, id))
    }

    fn find_entities(&self, name: &str) -> Result<Vec<Entity>> {
        self.read(|c| {
            let ids: Vec<String> = c
                .prepare_cached(
                    "SELECT e.id FROM entities e
                     WHERE e.id = ?1 OR e.canonical = ?1 COLLATE NOCASE
                        OR EXISTS (SELECT 1 FROM mentions m
                                   WHERE m.entity_id = e.id AND m.text = ?1 COLLATE NOCASE)
                     ORDER BY e.id",
                )?
                .query_map([name], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let mut out = Vec::new();
            for id in ids {
                if let Some(e) = Self::load_entity(c, &id)? {
                    out.push(e);
                }
            }
            Ok(out)
        })
    }

    fn entity_mentions(&self, id: &str, limit: Option<usize>) -> Result<Vec<EntityMention>> {
        self.read(|c| {
            Ok(c.prepare_cached(
                "SELECT article_id, start, \"end\", text, sentence, sentence_text, kind
                 FROM mentions WHERE entity_id = ?1 ORDER BY article_id, start LIMIT ?2",
            )?
            .query_map(params![id, limit_sql(limit)], |r| {
                Ok(EntityMention {
                    article_id: r.get(0)?,
                    start: r.get::<_, i64>(1)? as usize,
                    end: r.get::<_, i64>(2)? as usize,
                    text: r.get(3)?,
                    sentence: r.get::<_, i64>(4)? as usize,
                    sentence_text: r.get(5)?,
                    kind: r.get(6)?,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    fn replace_stories(
        &self,
        storylines: &[StorylineRecord],
        stories: &[StoryRecord],
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute_batch(
                "DELETE FROM story_members; DELETE FROM stories; DELETE FROM storylines;",
            )?;
            upsert_stories(tx, storylines, stories)
        })
    }

    fn update_stories(
        &self,
        storylines: &[StorylineRecord],
        stories: &[StoryRecord],
        remove_stories: &[i64],
        remove_storylines: &[i64],
        state: Option<&[u8]>,
    ) -> Result<()> {
        self.write(|tx| {
            upsert_stories(tx, storylines, stories)?;
            let mut del = tx.prepare_cached("DELETE FROM stories WHERE id = ?1")?;
            for id in remove_stories {
                del.execute([id])?;
            }
            let mut del = tx.prepare_cached("DELETE FROM storylines WHERE id = ?1")?;
            for id in remove_storylines {
                del.execute([id])?;
            }
            if let Some(data) = state {
                tx.execute(
                    "INSERT INTO stories_state (id, data) VALUES (1, ?1)
                     ON CONFLICT(id) DO UPDATE SET data = excluded.data",
                    [data],
                )?;
            }
            Ok(())
        })
    }

    fn stories_state(&self) -> Result<Option<Vec<u8>>> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT data FROM stories_state WHERE id = 1", [], |r| {
                    r.get(0)
                })
                .optional()?,
            )
        })
    }

    fn list_stories(&self, f: &StoryFilter) -> Result<Vec<StoryRecord>> {
        self.read(|c| {
            let rows: Vec<(String, String)> = c
                .prepare_cached(
                    "SELECT s.data, s.extra FROM stories s
                     WHERE (?1 IS NULL OR EXISTS (SELECT 1 FROM story_members m
                                                  WHERE m.story_id = s.id AND m.article_id = ?1))
                       AND (?2 IS NULL OR s.storyline_id = ?2)
                     ORDER BY s.id LIMIT ?3 OFFSET ?4",
                )?
                .query_map(
                    params![
                        f.article_id,
                        f.storyline_id,
                        limit_sql(f.limit),
                        f.offset as i64
                    ],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?
                .collect::<rusqlite::Result<_>>()?;
            rows.into_iter()
                .map(|(d, e)| Self::story_from(d, e))
                .collect()
        })
    }

    fn get_story(&self, id: i64) -> Result<Option<StoryRecord>> {
        self.read(|c| {
            let row: Option<(String, String)> = c
                .prepare_cached("SELECT data, extra FROM stories WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            row.map(|(d, e)| Self::story_from(d, e)).transpose()
        })
    }

    fn story_stamp(&self, id: i64) -> Result<Option<i64>> {
        self.read(|c| {
            Ok(c.prepare_cached("SELECT stamp FROM stories WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?)
        })
    }

    fn story_members(
        &self,
        id: i64,
        lang: Option<&str>,
        offset: usize,
        limit: usize,
    ) -> Result<Vec<StoryMember>> {
        self.read(|c| {
            let rows = c
                .prepare_cached(
                    "SELECT a.id, a.title, a.lang, a.source, a.published
                     FROM story_members m JOIN articles a ON a.id = m.article_id
                     WHERE m.story_id = ?1 AND (?2 IS NULL OR a.lang = ?2)
                     ORDER BY m.article_id LIMIT ?3 OFFSET ?4",
                )?
                .query_map(
                    params![
                        id,
                        lang,
                        i64::try_from(limit).unwrap_or(i64::MAX),
                        i64::try_from(offset).unwrap_or(i64::MAX)
                    ],
                    |r| {
                        Ok(StoryMember {
                            id: r.get(0)?,
                            title: r.get(1)?,
                            lang: r.get(2)?,
                            source: r.get(3)?,
                            published: r.get(4)?,
                        })
                    },
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        })
    }

    fn list_storylines(&self) -> Result<Vec<StorylineRecord>> {
        self.read(|c| {
            let rows: Vec<(String, String)> = c
                .prepare_cached("SELECT data, extra FROM storylines ORDER BY id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            rows.into_iter()
                .map(|(d, e)| Self::storyline_from(d, e))
                .collect()
        })
    }

    fn get_storyline(&self, id: i64) -> Result<Option<StorylineRecord>> {
        self.read(|c| {
            let row: Option<(String, String)> = c
                .prepare_cached("SELECT data, extra FROM storylines WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            row.map(|(d, e)| Self::storyline_from(d, e)).transpose()
        })
    }

    fn stats(&self) -> Result<StoreStats> {
        self.read(|c| {
            let n = |sql: &str| -> Result<u64> {
                Ok(c.query_row(sql, [], |r| r.get::<_, i64>(0))? as u64)
            };
            Ok(StoreStats {
                articles: n("SELECT COUNT(*) FROM articles")?,
                near_duplicates: n("SELECT COUNT(*) FROM articles WHERE duplicate_of IS NOT NULL")?,
                lsh_bands: n("SELECT COUNT(*) FROM lsh_bands")?,
                analyses: n("SELECT COUNT(*) FROM analyses")?,
                entities: n("SELECT COUNT(*) FROM entities")?,
                mentions: n("SELECT COUNT(*) FROM mentions")?,
                stories: n("SELECT COUNT(*) FROM stories")?,
                storylines: n("SELECT COUNT(*) FROM storylines")?,
                fetch_cache: n("SELECT COUNT(*) FROM fetch_cache")?,
                ingest_runs: n("SELECT COUNT(*) FROM ingest_runs")?,
                rejections: n("SELECT COUNT(*) FROM rejections")?,
            })
        })
    }

    fn check_integrity(&self) -> Result<Vec<String>> {
        self.read(|c| {
            let mut problems = Vec::new();
            let rows: Vec<String> = c
                .prepare("PRAGMA integrity_check")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            if rows != ["ok"] {
                problems.extend(rows.into_iter().map(|r| format!("integrity_check: {r}")));
            }
            let fks: Vec<(String, i64)> = c
                .prepare("PRAGMA foreign_key_check")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            for (table, rowid) in fks {
                problems.push(format!("foreign key violation in {table} row {rowid}"));
            }
            let q = |sql: &str| -> Result<i64> { Ok(c.query_row(sql, [], |r| r.get(0))?) };
            let unbanded = q("SELECT COUNT(*) FROM articles a WHERE length(a.minhash) > 0
                  AND NOT EXISTS (SELECT 1 FROM lsh_bands b WHERE b.article_id = a.id)")?;
            if unbanded > 0 {
                problems.push(format!("{unbanded} articles without LSH bands"));
            }
            let bad_sig = q("SELECT COUNT(*) FROM articles WHERE length(minhash) % 4 <> 0")?;
            if bad_sig > 0 {
                problems.push(format!("{bad_sig} articles with a malformed signature"));
            }
            let bad_dup = q(
                "SELECT COUNT(*) FROM articles a WHERE a.duplicate_of IS NOT NULL
                  AND (a.duplicate_of >= a.id OR a.duplicate_score IS NULL
                       OR NOT EXISTS (SELECT 1 FROM articles o WHERE o.id = a.duplicate_of))",
            )?;
            if bad_dup > 0 {
                problems.push(format!("{bad_dup} articles with a bad duplicate_of link"));
            }
            let (count, max): (i64, i64) = c.query_row(
                "SELECT COUNT(*), COALESCE(MAX(id), 0) FROM articles",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            if count != max {
                problems.push(format!(
                    "article ids not dense: {count} articles, highest id {max}"
                ));
            }
            let bad_json = q("SELECT COUNT(*) FROM articles
                 WHERE json_valid(metadata) = 0 OR json_valid(removed) = 0")?;
            if bad_json > 0 {
                problems.push(format!("{bad_json} articles with invalid JSON columns"));
            }
            let orphans = q("SELECT COUNT(*) FROM entities e
                 WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id)")?;
            if orphans > 0 {
                problems.push(format!("{orphans} entities without mentions"));
            }
            let version = schema::current_version(c)?;
            if version != schema::latest_version() {
                problems.push(format!(
                    "schema version {version}, expected {}",
                    schema::latest_version()
                ));
            }
            Ok(problems)
        })
    }
}

fn put_cache(tx: &Connection, entries: &[CacheEntry], now: &str) -> Result<()> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO fetch_cache (url, etag, last_modified, updated_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,
            last_modified = excluded.last_modified, updated_at = excluded.updated_at",
    )?;
    for e in entries {
        stmt.execute(params![e.url, e.etag, e.last_modified, now])?;
    }
    Ok(())
}

/// Inserts or replaces storylines and stories by id (a story's members are
/// replaced by its `article_ids`).
fn upsert_stories(
    tx: &rusqlite::Transaction<'_>,
    storylines: &[StorylineRecord],
    stories: &[StoryRecord],
) -> Result<()> {
    let fk = |e: rusqlite::Error, what: String| match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            StoreError::Invalid(what)
        }
        e => StoreError::Sqlite(e),
    };
    let mut sl = tx.prepare_cached(
        "INSERT INTO storylines (id, title, data, extra) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title, data = excluded.data,
                                       extra = excluded.extra",
    )?;
    let mut seen = std::collections::HashSet::new();
    for s in storylines {
        let l = &s.storyline;
        if !seen.insert(l.id) {
            return Err(StoreError::Invalid(format!(
                "storyline {} (duplicate id?)",
                l.id
            )));
        }
        sl.execute(params![
            l.id,
            l.title,
            serde_json::to_string(l)?,
            serde_json::to_string(&s.extra)?
        ])
        .map_err(|e| fk(e, format!("storyline {} (duplicate id?)", l.id)))?;
    }
    let mut st = tx.prepare_cached(
        "INSERT INTO stories (id, title, storyline_id, data, extra, stamp)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(id) DO UPDATE SET title = excluded.title,
             storyline_id = excluded.storyline_id, data = excluded.data, extra = excluded.extra,
             stamp = excluded.stamp",
    )?;
    let mut clear = tx.prepare_cached("DELETE FROM story_members WHERE story_id = ?1")?;
    let mut mem = tx.prepare_cached(
        "INSERT OR IGNORE INTO story_members (story_id, article_id) VALUES (?1, ?2)",
    )?;
    let mut seen = std::collections::HashSet::new();
    for s in stories {
        let y = &s.story;
        if !seen.insert(y.id) {
            return Err(StoreError::Invalid(format!(
                "story {} (duplicate id or unknown storyline?)",
                y.id
            )));
        }
        let (data, extra) = (serde_json::to_string(y)?, serde_json::to_string(&s.extra)?);
        let stamp = crate::story_record_stamp(&data, &extra);
        st.execute(params![y.id, y.title, y.storyline_id, data, extra, stamp])
            .map_err(|e| {
                fk(
                    e,
                    format!("story {} (duplicate id or unknown storyline?)", y.id),
                )
            })?;
        clear.execute([y.id])?;
        for a in &y.article_ids {
            mem.execute(params![y.id, a])
                .map_err(|e| fk(e, format!("story {}: unknown article {a}", y.id)))?;
        }
    }
    Ok(())
}
