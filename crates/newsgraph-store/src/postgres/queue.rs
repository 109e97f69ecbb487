//! Worker mode's work queue (PostgreSQL only): several `newsgraph worker`
//! processes, on any machines, analyse stored articles in parallel, and one
//! assigner commits their results in article order.
//!
//! Life of an article in `work_queue`:
//!
//! ```text
//! (stored, no analysis) ──enqueue──► pending ──claim (lease)──► pending, leased
//!      leased ──finish──► analysed (pure analysis kept as JSON) | failed (error kept)
//!      leased, lease expired (worker killed) ──► claimable again (attempts + 1;
//!                                                 failed after `max_attempts`)
//!      analysed/failed, whole prefix complete ──assigner──► done (analysis in `analyses`)
//!      done, whole arrival unit done ──assigner──► through the stories step (`refreshed_upto`)
//! ```
//!
//! - Claims use `SELECT … FOR UPDATE SKIP LOCKED` and are committed at once:
//!   no row lock is held during the slow analysis; the lease (`lease_until`,
//!   renewed by the worker while it works) is what keeps others off, and a
//!   killed worker's articles come back when it runs out.
//! - Workers store the *pure* per-article analysis. The ordered part (the
//!   cross-article entity registry) and the stories are the assigner's: it
//!   takes the longest run of completed articles right after
//!   `assigned_upto`, resolves them in id order and writes analyses, queue
//!   states and the new `assigned_upto` in ONE transaction, fenced by the old
//!   `assigned_upto` (a second assigner can never commit the same prefix).
//!   One assigner per store is elected with a session-level advisory lock
//!   ([`AssignerLock`]).
//! - Stories are brought up to date once per *arrival unit*
//!   ([`PgStore::arrival_unit`]): the articles one ingest run stored (one
//!   `newsgraph ingest`, one `watch` round, one `POST /api/ingest`), exactly
//!   the unit `newsgraph ingest` runs the stories step on. The assigner may
//!   commit a unit's analyses chunk by chunk while it is being analysed, but
//!   runs the stories step only when the whole unit is analysed
//!   ([`PgStore::close_unit`], fenced by `refreshed_upto`), so the stories do
//!   not depend on how the work was split between workers.
//! - The queue has its own migration track (`queue_migrations`), so the
//!   main schema versions stay equal between the two backends.

use super::{ARTICLE_COLUMNS, PgStore, apply_migrations, article_from_row, put_analyses_tx};
use crate::{Result, StoreError, now_rfc3339};
use ::postgres::Client;
use newsgraph_model::{Analysis, Article, ArticleId};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Versioned migrations of the work queue: `(version, name, SQL)`.
/// Never edit a released migration: append a new one.
pub static QUEUE_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "work_queue",
        r#"
CREATE TABLE work_queue (
    article_id    BIGINT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    state         TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'analysed', 'failed', 'done')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    leased_by     TEXT,
    lease_until   TIMESTAMPTZ,
    model_version TEXT,
    analysis      TEXT,
    error         TEXT,
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX work_queue_pending ON work_queue (article_id) WHERE state = 'pending';
CREATE INDEX work_queue_open ON work_queue (article_id) WHERE state <> 'done';
CREATE TABLE work_queue_state (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    scanned_upto  BIGINT NOT NULL,
    assigned_upto BIGINT NOT NULL,
    assigned_at   TIMESTAMPTZ
);
INSERT INTO work_queue_state (id, scanned_upto, assigned_upto) VALUES (1, 0, 0);
"#,
    ),
    (
        2,
        "arrival units",
        r#"
-- Every queued article up to this id has been through the stories step, one
-- arrival unit (ingest run) at a time. Until now the assigner ran the stories
-- step right after each commit, so everything assigned counts as done.
ALTER TABLE work_queue_state ADD COLUMN refreshed_upto BIGINT;
UPDATE work_queue_state SET refreshed_upto = assigned_upto;
ALTER TABLE work_queue_state ALTER COLUMN refreshed_upto SET NOT NULL;
"#,
    ),
];

/// Applies the queue migrations not applied yet (under the migration lock).
pub(super) fn migrate_queue(c: &mut Client) -> Result<()> {
    apply_migrations(c, "queue_migrations", QUEUE_MIGRATIONS, i64::MAX)
}

/// Counts of the work queue (`newsgraph worker --status`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueStatus {
    /// Waiting for a worker (never claimed, or their lease ran out).
    pub pending: u64,
    /// Claimed by a worker whose lease is still running.
    pub leased: u64,
    /// Analysed, waiting for the assigner.
    pub analysed: u64,
    /// Analysis failed (the error is kept); assigned without an analysis.
    pub failed: u64,
    /// Analysed and assigned.
    pub done: u64,
    /// Stored articles not yet looked at by the queue (above `scanned_upto`).
    pub not_enqueued: u64,
    /// Queue rows after `refreshed_upto`: their analysis or their stories
    /// step is still to come.
    pub unassigned: u64,
    /// Articles claimed more than once (a lease ran out: a worker was
    /// killed, cut off, or slower than its lease).
    pub retried: u64,
    /// Every article up to this id has been considered for the queue.
    pub scanned_upto: ArticleId,
    /// Every queued article up to this id has its analysis committed, in order.
    pub assigned_upto: ArticleId,
    /// Every queued article up to this id has been through the stories step
    /// (whole arrival units; never above `assigned_upto`).
    #[serde(default)]
    pub refreshed_upto: ArticleId,
}

impl QueueStatus {
    /// Nothing left for workers: no article pending or leased, none unscanned.
    pub fn analysis_finished(&self) -> bool {
        self.pending == 0 && self.leased == 0 && self.not_enqueued == 0
    }

    /// Nothing left at all: analysis finished and everything assigned.
    pub fn all_finished(&self) -> bool {
        self.analysis_finished() && self.unassigned == 0
    }
}

/// One article of a completed prefix, as the assigner receives it.
#[derive(Debug, Clone, PartialEq)]
pub struct Completed {
    pub article_id: ArticleId,
    /// The worker's (pure, unresolved) analysis and its model version;
    /// `None` when the analysis failed (the article is assigned without one).
    pub analysis: Option<(Analysis, String)>,
}

/// The longest run of completed queue rows right after `assigned_upto`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Prefix {
    pub assigned_upto: ArticleId,
    pub items: Vec<Completed>,
}

/// The next arrival unit: the articles after `refreshed_upto` up to the end
/// of the first ingest run that finished storing (see
/// [`PgStore::arrival_unit`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArrivalUnit {
    /// Every article up to this id has been through the stories step.
    pub refreshed_upto: ArticleId,
    /// The unit's last article as far as stored now (`refreshed_upto` when
    /// nothing is waiting). Every article in `(refreshed_upto, end]` belongs
    /// to this unit, so its analyses may be committed before it is complete.
    pub end: ArticleId,
    /// The unit is complete: its runs finished storing, and every article in
    /// it has been considered for the queue.
    pub stored: bool,
    /// The run the unit waits for while it is not complete (still storing,
    /// or killed with no later run finished yet).
    pub waiting_for_run: Option<i64>,
}

/// An arrival unit whose stories step is due ([`PgStore::close_unit`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClosedUnit {
    /// The unit's queued articles, in id order (failed ones included, as
    /// `newsgraph ingest` passes every article it stored).
    pub ids: Vec<ArticleId>,
    /// How many of them have an analysis.
    pub analysed: u64,
    /// The unit: articles in `(from, to]`.
    pub from: ArticleId,
    pub to: ArticleId,
}

/// The assigner's election: a PostgreSQL session-level advisory lock held on
/// a dedicated connection for as long as this value lives (and the
/// connection does). Keyed by the store's schema, so stores in different
/// schemas of one database have independent assigners.
pub struct AssignerLock {
    client: Client,
}

impl AssignerLock {
    /// Whether the lock is still held: its connection is alive (a server
    /// restart or a cut connection releases it).
    pub fn is_held(&mut self) -> bool {
        !self.client.is_closed() && self.client.is_valid(Duration::from_secs(5)).is_ok()
    }
}

impl StoreError {
    /// Whether trying again later may succeed: the connection failed or was
    /// cut (server restart, network), the server is starting or shutting
    /// down, is out of connections, or asked for a retry (serialization
    /// failure, deadlock). Worker loops back off and retry on these.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Postgres(e) => {
                if e.is_closed() {
                    return true;
                }
                match e.code() {
                    Some(c) => {
                        let c = c.code();
                        c.starts_with("08")
                            || c.starts_with("57P")
                            || matches!(c, "40001" | "40P01" | "53300")
                    }
                    // No SQLSTATE: an I/O error or a timeout on the way.
                    None => true,
                }
            }
            _ => false,
        }
    }
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64().max(0.001)
}

impl PgStore {
    /// Adds every stored article without an analysis that the queue has not
    /// seen yet (ids above `scanned_upto`) as `pending`; returns how many.
    /// Cheap when nothing is new (an index range scan); safe to call from
    /// any number of processes at once.
    pub fn enqueue_unanalysed(&self) -> Result<u64> {
        self.write(|tx| {
            let lo: i64 = tx
                .query_one(
                    "SELECT scanned_upto FROM work_queue_state WHERE id = 1 FOR UPDATE",
                    &[],
                )?
                .try_get(0)?;
            // Batches commit in id order (insert_batch's table lock), so
            // every article up to the current maximum is visible now.
            let hi: i64 = tx
                .query_one("SELECT COALESCE(MAX(id), 0)::BIGINT FROM articles", &[])?
                .try_get(0)?;
            if hi <= lo {
                return Ok(0);
            }
            let n = tx.execute(
                "INSERT INTO work_queue (article_id)
                 SELECT a.id FROM articles a
                 WHERE a.id > $1 AND a.id <= $2
                   AND NOT EXISTS (SELECT 1 FROM analyses n WHERE n.article_id = a.id)
                 ON CONFLICT (article_id) DO NOTHING",
                &[&lo, &hi],
            )?;
            tx.execute(
                "UPDATE work_queue_state SET scanned_upto = $1 WHERE id = 1",
                &[&hi],
            )?;
            Ok(n)
        })
    }

    /// Claims up to `n` pending articles (lowest ids first) for `worker`,
    /// leased for `lease`, and returns them in id order. Articles whose
    /// lease ran out `max_attempts` times (a worker died on each) are marked
    /// `failed` instead of being handed out again.
    pub fn claim_work(
        &self,
        worker: &str,
        n: usize,
        lease: Duration,
        max_attempts: u32,
    ) -> Result<Vec<Article>> {
        let max_attempts = i32::try_from(max_attempts.max(1)).unwrap_or(i32::MAX);
        let ids: Vec<i64> = self.write(|tx| {
            tx.execute(
                "UPDATE work_queue SET state = 'failed', leased_by = NULL, lease_until = NULL,
                    error = 'gave up after ' || attempts || ' attempts: the lease ran out each \
                             time (worker killed, or slower than its lease)',
                    updated_at = now()
                 WHERE state = 'pending' AND lease_until < now() AND attempts >= $1",
                &[&max_attempts],
            )?;
            let rows = tx.query(
                "WITH c AS (
                     SELECT article_id FROM work_queue
                     WHERE state = 'pending' AND (lease_until IS NULL OR lease_until < now())
                     ORDER BY article_id LIMIT $2
                     FOR UPDATE SKIP LOCKED)
                 UPDATE work_queue w SET leased_by = $1,
                     lease_until = now() + make_interval(secs => $3),
                     attempts = w.attempts + 1, updated_at = now()
                 FROM c WHERE w.article_id = c.article_id
                 RETURNING w.article_id",
                &[&worker, &(n.min(i64::MAX as usize) as i64), &secs(lease)],
            )?;
            rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
        })?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.with(|c| {
            c.query(
                &format!("SELECT {ARTICLE_COLUMNS} FROM articles WHERE id = ANY($1) ORDER BY id"),
                &[&ids],
            )?
            .iter()
            .map(article_from_row)
            .collect()
        })
    }

    /// Extends `worker`'s lease on `ids` (those it still holds) to `lease`
    /// from now; returns how many it still holds.
    pub fn renew_lease(&self, worker: &str, ids: &[ArticleId], lease: Duration) -> Result<u64> {
        self.with(|c| {
            Ok(c.execute(
                "UPDATE work_queue SET lease_until = now() + make_interval(secs => $3)
                 WHERE article_id = ANY($2) AND leased_by = $1 AND state = 'pending'",
                &[&worker, &ids, &secs(lease)],
            )?)
        })
    }

    /// Records `worker`'s results in one transaction: pure analyses (state
    /// `analysed`) and failures (state `failed`, with the reason). Results
    /// for articles the worker no longer holds (its lease ran out and another
    /// worker claimed them) are ignored. Returns how many were recorded.
    pub fn finish_work(
        &self,
        worker: &str,
        model_version: &str,
        analysed: &[(ArticleId, Analysis)],
        failed: &[(ArticleId, String)],
    ) -> Result<u64> {
        let mut ok_ids = Vec::with_capacity(analysed.len());
        let mut ok_json = Vec::with_capacity(analysed.len());
        for (id, a) in analysed {
            ok_ids.push(*id);
            ok_json.push(serde_json::to_string(a)?);
        }
        let bad_ids: Vec<ArticleId> = failed.iter().map(|f| f.0).collect();
        let bad_why: Vec<&str> = failed.iter().map(|f| f.1.as_str()).collect();
        // One statement per kind (a batch is one round trip, not one per article).
        self.write(|tx| {
            let mut n = 0;
            if !ok_ids.is_empty() {
                n += tx.execute(
                    "UPDATE work_queue w SET state = 'analysed', analysis = r.analysis,
                        model_version = $4, error = NULL, leased_by = NULL,
                        lease_until = NULL, updated_at = now()
                     FROM unnest($1::BIGINT[], $2::TEXT[]) AS r(article_id, analysis)
                     WHERE w.article_id = r.article_id AND w.leased_by = $3
                       AND w.state = 'pending'",
                    &[&ok_ids, &ok_json, &worker, &model_version],
                )?;
            }
            if !bad_ids.is_empty() {
                n += tx.execute(
                    "UPDATE work_queue w SET state = 'failed', error = r.error,
                        model_version = $4, leased_by = NULL, lease_until = NULL,
                        updated_at = now()
                     FROM unnest($1::BIGINT[], $2::TEXT[]) AS r(article_id, error)
                     WHERE w.article_id = r.article_id AND w.leased_by = $3
                       AND w.state = 'pending'",
                    &[&bad_ids, &bad_why, &worker, &model_version],
                )?;
            }
            Ok(n)
        })
    }

    /// Gives `worker`'s unfinished claims back at once (clean shutdown), not
    /// counting them as attempts. Returns how many were released.
    pub fn release_work(&self, worker: &str, ids: &[ArticleId]) -> Result<u64> {
        self.with(|c| {
            Ok(c.execute(
                "UPDATE work_queue SET leased_by = NULL, lease_until = NULL,
                    attempts = GREATEST(attempts - 1, 0), updated_at = now()
                 WHERE article_id = ANY($2) AND leased_by = $1 AND state = 'pending'",
                &[&worker, &ids],
            )?)
        })
    }

    /// The queue's counts.
    pub fn queue_status(&self) -> Result<QueueStatus> {
        self.with(|c| {
            let st = c.query_one(
                "SELECT scanned_upto, assigned_upto, refreshed_upto FROM work_queue_state
                 WHERE id = 1",
                &[],
            )?;
            let (scanned_upto, assigned_upto, refreshed_upto): (i64, i64, i64) =
                (st.try_get(0)?, st.try_get(1)?, st.try_get(2)?);
            let r = c.query_one(
                "SELECT
                   COUNT(*) FILTER (WHERE state = 'pending'
                                      AND (lease_until IS NULL OR lease_until < now())),
                   COUNT(*) FILTER (WHERE state = 'pending' AND lease_until >= now()),
                   COUNT(*) FILTER (WHERE state = 'analysed'),
                   COUNT(*) FILTER (WHERE state = 'failed'),
                   COUNT(*) FILTER (WHERE state = 'done'),
                   COUNT(*) FILTER (WHERE article_id > $1),
                   COUNT(*) FILTER (WHERE attempts > 1)
                 FROM work_queue",
                &[&refreshed_upto],
            )?;
            let not_enqueued: i64 = c
                .query_one(
                    "SELECT COUNT(*) FROM articles WHERE id > $1",
                    &[&scanned_upto],
                )?
                .try_get(0)?;
            let n = |i: usize| -> Result<u64> { Ok(r.try_get::<_, i64>(i)?.max(0) as u64) };
            Ok(QueueStatus {
                pending: n(0)?,
                leased: n(1)?,
                analysed: n(2)?,
                failed: n(3)?,
                done: n(4)?,
                unassigned: n(5)?,
                retried: n(6)?,
                not_enqueued: not_enqueued.max(0) as u64,
                scanned_upto,
                assigned_upto,
                refreshed_upto,
            })
        })
    }

    /// The longest run (at most `limit`) of completed (analysed or failed)
    /// queue rows right after `assigned_upto`, in id order: what the
    /// assigner may commit next. Empty while the next article is pending.
    pub fn completed_prefix(&self, limit: usize) -> Result<Prefix> {
        self.completed_prefix_upto(limit, ArticleId::MAX)
    }

    /// [`Self::completed_prefix`] ending at article `upto` at the latest
    /// (the end of the current arrival unit).
    pub fn completed_prefix_upto(&self, limit: usize, upto: ArticleId) -> Result<Prefix> {
        self.with(|c| {
            let assigned_upto: i64 = c
                .query_one(
                    "SELECT assigned_upto FROM work_queue_state WHERE id = 1",
                    &[],
                )?
                .try_get(0)?;
            let rows = c.query(
                "SELECT article_id, state, analysis, model_version FROM work_queue
                 WHERE article_id > $1 AND article_id <= $3 AND state <> 'done'
                 ORDER BY article_id LIMIT $2",
                &[
                    &assigned_upto,
                    &(limit.min(i64::MAX as usize) as i64),
                    &upto,
                ],
            )?;
            let mut items = Vec::new();
            for r in &rows {
                let state: String = r.try_get(1)?;
                let article_id: i64 = r.try_get(0)?;
                let analysis = match state.as_str() {
                    "pending" => break,
                    "failed" => None,
                    "analysed" => {
                        let json: Option<String> = r.try_get(2)?;
                        let version: Option<String> = r.try_get(3)?;
                        match (json, version) {
                            (Some(j), Some(v)) => Some((serde_json::from_str(&j)?, v)),
                            _ => {
                                return Err(StoreError::Corrupt(format!(
                                    "work_queue: article {article_id} is analysed without an analysis"
                                )));
                            }
                        }
                    }
                    other => {
                        return Err(StoreError::Corrupt(format!(
                            "work_queue: article {article_id} in unknown state {other:?}"
                        )));
                    }
                };
                items.push(Completed {
                    article_id,
                    analysis,
                });
            }
            Ok(Prefix {
                assigned_upto,
                items,
            })
        })
    }

    /// Commits an assigned prefix in ONE transaction: the resolved analyses
    /// (in id order, as [`crate::Store::put_analyses`] would store them), the
    /// queue rows up to `new_upto` as `done`, and `assigned_upto = new_upto`,
    /// only if `assigned_upto` is still `expected_upto` (returns `false`,
    /// writing nothing, when another assigner got there first).
    pub fn commit_assigned(
        &self,
        expected_upto: ArticleId,
        new_upto: ArticleId,
        resolved: &[(ArticleId, Analysis, String)],
    ) -> Result<bool> {
        if new_upto < expected_upto
            || resolved
                .iter()
                .any(|(id, ..)| *id <= expected_upto || *id > new_upto)
        {
            return Err(StoreError::Invalid(format!(
                "assigned prefix ({expected_upto}, {new_upto}] does not hold every resolved article"
            )));
        }
        let now = now_rfc3339();
        self.write(|tx| {
            let fenced = tx.execute(
                "UPDATE work_queue_state SET assigned_upto = $2, assigned_at = now()
                 WHERE id = 1 AND assigned_upto = $1",
                &[&expected_upto, &new_upto],
            )?;
            if fenced == 0 {
                return Ok(false);
            }
            // Runs of one model version, in id order (entity names are
            // last-writer-wins, as with one process writing batch by batch).
            let mut start = 0;
            while start < resolved.len() {
                let version = &resolved[start].2;
                let end = resolved[start..]
                    .iter()
                    .position(|r| &r.2 != version)
                    .map_or(resolved.len(), |p| start + p);
                let items: Vec<(ArticleId, Analysis)> = resolved[start..end]
                    .iter()
                    .map(|(id, a, _)| (*id, a.clone()))
                    .collect();
                put_analyses_tx(tx, &items, version, &now)?;
                start = end;
            }
            tx.execute(
                "UPDATE work_queue SET state = 'done', analysis = NULL, updated_at = now()
                 WHERE article_id > $1 AND article_id <= $2 AND state = 'analysed'",
                &[&expected_upto, &new_upto],
            )?;
            Ok(true)
        })
    }

    /// The next arrival unit after `refreshed_upto`. Units follow the ingest
    /// runs that stored the articles (`article_runs`, in article order):
    ///
    /// - a run that finished storing ends a unit;
    /// - a run that has not finished is still storing, and the unit waits for
    ///   it, unless a later run has finished: then it was killed, and its
    ///   articles go with the next finished run's, as a killed
    ///   `newsgraph ingest` leaves its articles to the next run;
    /// - runs whose articles interleave (concurrent ingests) form one unit;
    /// - articles stored without a run each form a finished run of their own
    ///   span (stores from before migration 6).
    pub fn arrival_unit(&self) -> Result<ArrivalUnit> {
        self.with(|c| {
            let st = c.query_one(
                "SELECT refreshed_upto, scanned_upto FROM work_queue_state WHERE id = 1",
                &[],
            )?;
            let (from, scanned): (i64, i64) = (st.try_get(0)?, st.try_get(1)?);
            // One snapshot: a run seen finished has every article visible
            // (`finish_run` commits after the run's last batch).
            let groups = c.query(
                "WITH last_finished AS (
                     SELECT COALESCE(MAX(id), 0)::BIGINT AS id FROM ingest_runs
                     WHERE finished_at IS NOT NULL)
                 SELECT ar.run_id, MIN(a.id)::BIGINT, MAX(a.id)::BIGINT,
                        ar.run_id IS NULL OR BOOL_OR(r.finished_at IS NOT NULL),
                        COALESCE(ar.run_id < (SELECT id FROM last_finished), FALSE)
                 FROM articles a
                 LEFT JOIN article_runs ar ON ar.article_id = a.id
                 LEFT JOIN ingest_runs r ON r.id = ar.run_id
                 WHERE a.id > $1
                 GROUP BY ar.run_id ORDER BY 2",
                &[&from],
            )?;
            let mut unit = ArrivalUnit {
                refreshed_upto: from,
                end: from,
                stored: false,
                waiting_for_run: None,
            };
            // Whether the unit may end after the runs taken so far.
            let mut may_end = false;
            for g in &groups {
                let (run, min, max): (Option<i64>, i64, i64) =
                    (g.try_get(0)?, g.try_get(1)?, g.try_get(2)?);
                let (finished, superseded): (bool, bool) = (g.try_get(3)?, g.try_get(4)?);
                if may_end && min > unit.end {
                    break;
                }
                unit.end = unit.end.max(max);
                if finished {
                    may_end = true;
                } else {
                    may_end = false;
                    if !superseded {
                        // Still storing: the unit ends with this run or later.
                        unit.waiting_for_run = run;
                        break;
                    }
                }
            }
            if unit.waiting_for_run.is_none() && !may_end {
                // A killed run with no later finished run yet.
                unit.waiting_for_run = match groups.last() {
                    Some(g) => g.try_get(0)?,
                    None => None,
                };
            }
            unit.stored = may_end && unit.waiting_for_run.is_none() && scanned >= unit.end;
            Ok(unit)
        })
    }

    /// Closes the arrival unit `(expected_refreshed, end]` for the stories
    /// step: only if `refreshed_upto` is still `expected_refreshed` (another
    /// assigner did not close it) and every queued article in the unit has
    /// its analysis committed. Moves `refreshed_upto` (and `assigned_upto`) to
    /// `end` BEFORE the stories step runs: if the assigner dies before the
    /// step, the unit's analysed articles are in no story and the next
    /// step picks them up, as after a killed `newsgraph ingest`.
    /// `None` when the unit cannot be closed (yet).
    pub fn close_unit(
        &self,
        expected_refreshed: ArticleId,
        end: ArticleId,
    ) -> Result<Option<ClosedUnit>> {
        if end <= expected_refreshed {
            return Err(StoreError::Invalid(format!(
                "arrival unit ({expected_refreshed}, {end}] is empty"
            )));
        }
        self.write(|tx| {
            let st = tx.query_one(
                "SELECT assigned_upto, refreshed_upto FROM work_queue_state WHERE id = 1
                 FOR UPDATE",
                &[],
            )?;
            let (assigned, refreshed): (i64, i64) = (st.try_get(0)?, st.try_get(1)?);
            if refreshed != expected_refreshed {
                return Ok(None);
            }
            let open: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM work_queue
                                    WHERE article_id > $1 AND article_id <= $2)",
                    &[&assigned, &end],
                )?
                .try_get(0)?;
            if open {
                return Ok(None);
            }
            tx.execute(
                "UPDATE work_queue_state SET refreshed_upto = $1,
                     assigned_upto = GREATEST(assigned_upto, $1), assigned_at = now()
                 WHERE id = 1",
                &[&end],
            )?;
            let rows = tx.query(
                "SELECT article_id, state FROM work_queue
                 WHERE article_id > $1 AND article_id <= $2 ORDER BY article_id",
                &[&expected_refreshed, &end],
            )?;
            let mut unit = ClosedUnit {
                ids: Vec::with_capacity(rows.len()),
                analysed: 0,
                from: expected_refreshed,
                to: end,
            };
            for r in &rows {
                unit.ids.push(r.try_get(0)?);
                let state: &str = r.try_get(1)?;
                if state == "done" {
                    unit.analysed += 1;
                }
            }
            Ok(Some(unit))
        })
    }

    /// Tries to become this store's assigner: `Some` when this process now
    /// holds the advisory lock, `None` when another process does.
    pub fn try_assigner_lock(&self) -> Result<Option<AssignerLock>> {
        let mut client = self.connect(true)?;
        let got: bool = client
            .query_one(
                "SELECT pg_try_advisory_lock(
                     hashtextextended('newsgraph-assigner/' || current_schema(), 0))",
                &[],
            )?
            .try_get(0)?;
        Ok(got.then_some(AssignerLock { client }))
    }
}
