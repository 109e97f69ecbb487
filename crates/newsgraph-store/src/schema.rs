//! Versioned schema migrations of the SQLite backend.
//!
//! Each migration runs once, inside the same transaction that records it in
//! `schema_migrations`, so a crash mid-migration leaves the previous version.
//! Never edit a released migration: append a new one.

use crate::{Result, StoreError};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

/// `(version, name, SQL)`, in ascending version order.
pub static MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "articles",
        r#"
CREATE TABLE articles (
    id                  INTEGER PRIMARY KEY,
    path                TEXT,
    url                 TEXT,
    external_id         TEXT,
    title               TEXT NOT NULL,
    text                TEXT NOT NULL,
    raw_text            TEXT NOT NULL,
    removed             TEXT NOT NULL DEFAULT '[]',
    lang                TEXT NOT NULL,
    lang_confidence     REAL NOT NULL DEFAULT 0,
    published           TEXT,
    published_estimated INTEGER NOT NULL DEFAULT 0,
    source              TEXT,
    author              TEXT,
    metadata            TEXT NOT NULL DEFAULT '{}',
    format              TEXT NOT NULL,
    content_hash        TEXT NOT NULL UNIQUE,
    minhash             BLOB NOT NULL,
    duplicate_of        INTEGER REFERENCES articles(id),
    duplicate_score     REAL,
    ingested_at         TEXT NOT NULL,
    CHECK (duplicate_of IS NULL OR duplicate_of < id)
);
CREATE INDEX articles_lang ON articles(lang, id);
CREATE INDEX articles_published ON articles(published, id);
CREATE INDEX articles_duplicate_of ON articles(duplicate_of) WHERE duplicate_of IS NOT NULL;
CREATE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;

CREATE TABLE lsh_bands (
    band_key   INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band_key, article_id)
) WITHOUT ROWID;

CREATE TABLE fetch_cache (
    url           TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    updated_at    TEXT NOT NULL
);

CREATE TABLE ingest_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    inputs      TEXT NOT NULL,
    summary     TEXT
);

CREATE TABLE rejections (
    id      INTEGER PRIMARY KEY,
    run_id  INTEGER REFERENCES ingest_runs(id) ON DELETE CASCADE,
    input   TEXT NOT NULL,
    reason  TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX rejections_run ON rejections(run_id);
"#,
    ),
    (
        2,
        "analyses and entities",
        r#"
CREATE TABLE analyses (
    article_id    INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    analysis      TEXT NOT NULL,
    model_version TEXT NOT NULL,
    analysed_at   TEXT NOT NULL
);

CREATE TABLE entities (
    id        TEXT PRIMARY KEY,
    canonical TEXT NOT NULL,
    type      TEXT NOT NULL
);
CREATE INDEX entities_canonical ON entities(canonical COLLATE NOCASE);

CREATE TABLE mentions (
    article_id    INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    entity_id     TEXT NOT NULL REFERENCES entities(id),
    start         INTEGER NOT NULL,
    "end"         INTEGER NOT NULL,
    text          TEXT NOT NULL,
    sentence      INTEGER NOT NULL,
    sentence_text TEXT NOT NULL,
    kind          TEXT NOT NULL DEFAULT 'mention',
    lang          TEXT NOT NULL,
    PRIMARY KEY (article_id, start, "end", entity_id)
);
CREATE INDEX mentions_entity ON mentions(entity_id, article_id);
CREATE INDEX mentions_text ON mentions(text COLLATE NOCASE);

-- Spelling variants of an entity per language, with counts: derived from the
-- mentions so it can never disagree with them.
CREATE VIEW entity_variants AS
    SELECT entity_id, text, lang, COUNT(*) AS count
    FROM mentions GROUP BY entity_id, text, lang;
"#,
    ),
    (
        3,
        "stories and storylines",
        r#"
CREATE TABLE storylines (
    id    INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    data  TEXT NOT NULL,
    extra TEXT NOT NULL DEFAULT 'null'
);

CREATE TABLE stories (
    id           INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    storyline_id INTEGER REFERENCES storylines(id) ON DELETE SET NULL,
    data         TEXT NOT NULL,
    extra        TEXT NOT NULL DEFAULT 'null'
);
CREATE INDEX stories_storyline ON stories(storyline_id);

CREATE TABLE story_members (
    story_id   INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (story_id, article_id)
) WITHOUT ROWID;
CREATE INDEX story_members_article ON story_members(article_id);
"#,
    ),
    (
        4,
        "stories engine state",
        r#"
-- The incremental stories engine's state (live clusters, IDF table), one row.
CREATE TABLE stories_state (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    data BLOB NOT NULL
);
"#,
    ),
    (
        5,
        "entity variants are named mentions",
        r#"
-- An adjective of place ("nordkoreanische") links the place to the article
-- (mentions.kind <> 'mention') but is not a spelling of its name.
DROP VIEW entity_variants;
CREATE VIEW entity_variants AS
    SELECT entity_id, text, lang, COUNT(*) AS count
    FROM mentions WHERE kind = 'mention' GROUP BY entity_id, text, lang;
"#,
    ),
    (
        6,
        "articles record their ingest run",
        r#"
-- The ingest run (arrival batch) that stored each article, for articles
-- stored by a run: worker mode's assigner runs the stories step once per
-- run, as `newsgraph ingest` does.
CREATE TABLE article_runs (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    run_id     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX article_runs_run ON article_runs(run_id, article_id);
"#,
    ),
    (
        7,
        "story stamps",
        r#"
-- A hash of each story's stored data and extra, set on every write, so that
-- readers (the HTTP API) can tell whether a story changed without reading
-- it. 0: written before this migration (unchanged since).
ALTER TABLE stories ADD COLUMN stamp INTEGER NOT NULL DEFAULT 0;
"#,
    ),
];

/// The newest schema version this build knows.
pub fn latest_version() -> i64 {
    MIGRATIONS.last().map(|m| m.0).unwrap_or(0)
}

/// The version recorded in the database (0 for a new one).
pub fn current_version(conn: &Connection) -> Result<i64> {
    let has_table: Option<i64> = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_migrations'",
            [],
            |r| r.get(0),
        )
        .optional()?;
    if has_table.is_none() {
        return Ok(0);
    }
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
        [],
        |r| r.get(0),
    )?)
}

/// Applies every migration up to `target` that is not applied yet, each in
/// its own immediate transaction together with its bookkeeping row.
pub fn migrate_to(conn: &mut Connection, target: i64) -> Result<()> {
    let known = latest_version();
    let found = current_version(conn)?;
    if found > known {
        return Err(StoreError::SchemaTooNew { found, known });
    }
    if found >= target {
        return Ok(());
    }
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 <= target) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                name       TEXT NOT NULL,
                applied_at TEXT NOT NULL
            )",
        )?;
        // Re-read inside the write lock: another process may have migrated.
        let done: Option<i64> = tx
            .query_row(
                "SELECT version FROM schema_migrations WHERE version = ?1",
                [version],
                |r| r.get(0),
            )
            .optional()?;
        if done.is_some() {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
            params![version, name, crate::now_rfc3339()],
        )?;
        tx.commit()?;
    }
    Ok(())
}
