//! `newsgraph worker`: worker mode on PostgreSQL. Any number of worker
//! processes, on any machines, analyse the stored articles that have no
//! analysis yet (the store's work queue: leased claims with
//! `SELECT … FOR UPDATE SKIP LOCKED`), and ONE assigner (elected with an
//! advisory lock) resolves their results in article order and runs the
//! post-ingest chain (`refresh::after_ingest`: stories, then the index) once
//! per arrival unit (the articles one ingest run stored, see
//! `PgStore::arrival_unit`) with exactly that unit's articles, so the stored
//! result equals a single-process `newsgraph ingest` of the same input.
//!
//! Roles: by default a process analyses and also becomes the assigner if no
//! other process is; `--assign` only assigns (a standby waits for the lock);
//! `--no-assign` only analyses.
use crate::Ctx;
use crate::cmd::ingest::StoreAnalyser;
use anyhow::{Context, bail};
use clap::Args;
use newsgraph_model::{Analysis, ArticleId};
use newsgraph_pipeline::Analyser as _;
use newsgraph_store::{AssignerLock, PgStore, StoreError};
use rayon::prelude::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct WorkerArgs {
    /// Articles claimed (and analysed in parallel) per batch.
    #[arg(long, default_value_t = 32)]
    pub batch: usize,
    /// This worker's name in the queue (default: HOST-PID). Must be unique.
    #[arg(long)]
    pub id: Option<String>,
    /// Only assign: resolve analysed articles in order and update the
    /// stories (waits as a standby while another assigner holds the lock).
    #[arg(long, conflicts_with = "no_assign")]
    pub assign: bool,
    /// Only analyse; never become the assigner.
    #[arg(long)]
    pub no_assign: bool,
    /// Analysis threads (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Seconds a claim is leased for (renewed while the worker works); a
    /// killed worker's articles return to the queue when it runs out.
    #[arg(long, default_value_t = 120.0)]
    pub lease: f64,
    /// An article whose lease ran out this many times is marked failed.
    #[arg(long, default_value_t = 3)]
    pub max_attempts: u32,
    /// Seconds to wait before looking again when there is nothing to do.
    #[arg(long, default_value_t = 2.0)]
    pub poll: f64,
    /// Articles resolved per assigner transaction.
    #[arg(long, default_value_t = 256)]
    pub assign_batch: usize,
    /// Exit once there is nothing left (all analysed; for the assigner, all
    /// assigned) instead of waiting for new articles.
    #[arg(long)]
    pub exit_when_done: bool,
    /// Print the queue's counts as JSON and exit.
    #[arg(long)]
    pub status: bool,
    /// No log line per batch (start, stop, errors and retries are still logged).
    #[arg(long, short)]
    pub quiet: bool,
}

/// Opens the PostgreSQL store, waiting (with backoff) while the server is
/// unreachable.
pub(crate) fn open_pg(ctx: &Ctx, who: &str, stop: &AtomicBool) -> anyhow::Result<PgStore> {
    if !(ctx.db.starts_with("postgres://") || ctx.db.starts_with("postgresql://")) {
        bail!(
            "worker mode needs PostgreSQL: pass --db postgres://user:pass@host/db (or NEWSGRAPH_DB); \
             with a SQLite store, `newsgraph ingest` analyses in one process"
        );
    }
    let mut backoff = Backoff::new();
    loop {
        match PgStore::open(&ctx.db) {
            Ok(s) => return Ok(s),
            Err(e) if e.is_transient() && !stop.load(Ordering::Relaxed) => {
                backoff.wait(who, &e, stop);
            }
            Err(e) => return Err(e).with_context(|| format!("opening store {}", redact(&ctx.db))),
        }
    }
}

/// The URL without its password, for log lines.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.find(':') {
                Some(c) => format!("{}{}:***{}", &url[..s + 3], &creds[..c], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Exponential backoff between retries: 0.5 s doubling up to 30 s.
pub(crate) struct Backoff {
    next: Duration,
}

impl Backoff {
    pub(crate) fn new() -> Self {
        Backoff {
            next: Duration::from_millis(500),
        }
    }

    pub(crate) fn reset(&mut self) {
        self.next = Duration::from_millis(500);
    }

    /// Logs `err` and sleeps (waking early on `stop`).
    pub(crate) fn wait(&mut self, who: &str, err: &dyn std::fmt::Display, stop: &AtomicBool) {
        log(
            who,
            &format!(
                "database unavailable ({err}); retrying in {:.1} s",
                self.next.as_secs_f64()
            ),
        );
        sleep(self.next, stop);
        self.next = (self.next * 2).min(Duration::from_secs(30));
    }
}

/// Sleeps `d`, waking early when `stop` is set.
pub(crate) fn sleep(d: Duration, stop: &AtomicBool) {
    let until = Instant::now() + d;
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if now >= until {
            return;
        }
        std::thread::sleep((until - now).min(Duration::from_millis(100)));
    }
}

/// One log line on stderr: UTC time, who, what.
pub(crate) fn log(who: &str, msg: &str) {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    eprintln!("{h:02}:{m:02}:{s:02}Z {who}: {msg}");
}

/// SIGINT and SIGTERM set the returned flag (a second one kills at once).
pub(crate) fn stop_flag() -> anyhow::Result<Arc<AtomicBool>> {
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // The second signal terminates (exit code 1) while the first is handled.
        signal_hook::flag::register_conditional_shutdown(sig, 1, stop.clone())
            .context("installing the signal handler")?;
        signal_hook::flag::register(sig, stop.clone()).context("installing the signal handler")?;
    }
    Ok(stop)
}

/// Whether an error is worth retrying (a store error that says so,
/// anywhere in the chain).
pub(crate) fn transient(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<StoreError>()
            .is_some_and(|s| s.is_transient())
    })
}

fn default_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into());
    format!("{host}-{}", std::process::id())
}

/// The assigner's state: the analyser whose entity registry has seen every
/// article up to `upto` (in order), when it is in step with the store.
struct Assigner {
    analyser: Option<StoreAnalyser>,
    upto: ArticleId,
    lock: Option<AssignerLock>,
    waiting_logged: bool,
    /// The ingest run the last "waiting" line named (logged once per run).
    waiting_for: Option<i64>,
    /// No new election attempt (a fresh connection) before this.
    next_try: Instant,
}

impl Assigner {
    fn new() -> Self {
        Assigner {
            analyser: None,
            upto: -1,
            lock: None,
            waiting_logged: false,
            waiting_for: None,
            next_try: Instant::now(),
        }
    }

    /// Holds the lock, (re)taking it when free; `false` while another
    /// process is the assigner.
    fn ensure_lock(&mut self, store: &PgStore, who: &str) -> anyhow::Result<bool> {
        if let Some(l) = &mut self.lock {
            if l.is_held() {
                return Ok(true);
            }
            log(
                who,
                "lost the assigner lock (connection closed); taking it again",
            );
            self.lock = None;
            // Someone else may assign meanwhile: re-read the registry.
            self.analyser = None;
        }
        if Instant::now() < self.next_try {
            return Ok(false);
        }
        // A standby asks again every few seconds (each try is a connection).
        self.next_try = Instant::now() + Duration::from_secs(5);
        match store.try_assigner_lock()? {
            Some(l) => {
                self.lock = Some(l);
                self.waiting_logged = false;
                log(who, "is the assigner (holds the advisory lock)");
                Ok(true)
            }
            None => {
                if !self.waiting_logged {
                    log(who, "another process is the assigner; standing by");
                    self.waiting_logged = true;
                }
                Ok(false)
            }
        }
    }

    /// Commits the completed prefix of the current arrival unit (the
    /// articles one ingest run stored) chunk by chunk, and runs the
    /// post-ingest chain (`refresh::after_ingest`) once per unit when the
    /// whole unit is analysed, with exactly that unit's articles, as
    /// `newsgraph ingest` does at the end of its run. Returns how many
    /// articles were committed or went through the chain.
    fn step(
        &mut self,
        store: &PgStore,
        args: &WorkerArgs,
        who: &str,
        stop: &AtomicBool,
    ) -> anyhow::Result<usize> {
        let t0 = Instant::now();
        let mut done = 0;
        // Bounded, so that a process that also analyses gets back to it.
        while !stop.load(Ordering::Relaxed) && t0.elapsed() < Duration::from_secs(10) {
            let unit = store.arrival_unit()?;
            if unit.end <= unit.refreshed_upto {
                break;
            }
            let prefix = store.completed_prefix_upto(args.assign_batch.max(1), unit.end)?;
            if let Some(end) = prefix.items.last().map(|c| c.article_id) {
                let from = prefix.assigned_upto + 1;
                // A unit's first commit starts from the stored entities, as
                // each `newsgraph ingest` run loads its registry.
                let unit_start = prefix.assigned_upto <= unit.refreshed_upto;
                let Some(n) = self.commit(store, prefix, end, unit_start, who)? else {
                    break;
                };
                done += n;
                if !args.quiet {
                    log(
                        who,
                        &format!("committed the analyses of {n} articles ({from}–{end})"),
                    );
                }
                continue;
            }
            if !unit.stored {
                if let Some(run) = unit.waiting_for_run
                    && self.waiting_for != Some(run)
                {
                    self.waiting_for = Some(run);
                    if !args.quiet {
                        log(
                            who,
                            &format!(
                                "articles {}–{} are analysed; their stories wait for ingest run {run} \
                                 to finish storing (a killed run's articles go with the next run's)",
                                unit.refreshed_upto + 1,
                                unit.end
                            ),
                        );
                    }
                }
                break;
            }
            let Some(closed) = store.close_unit(unit.refreshed_upto, unit.end)? else {
                // Some article of the unit is still being analysed, or
                // another assigner closed it.
                break;
            };
            let t1 = Instant::now();
            let refreshed =
                crate::cmd::refresh::after_ingest(store, None, &closed.ids, closed.analysed)?;
            done += closed.ids.len();
            if !args.quiet {
                let stories = refreshed
                    .stories
                    .as_ref()
                    .map(|s| format!("; {} stories", s["stories"]))
                    .unwrap_or_default();
                log(
                    who,
                    &format!(
                        "stories step for arrival unit {}–{} ({} articles) in {:.1} s{stories}",
                        closed.from + 1,
                        closed.to,
                        closed.ids.len(),
                        t1.elapsed().as_secs_f64()
                    ),
                );
            }
        }
        Ok(done)
    }

    /// Resolves (in id order, through the entity registry) and commits one
    /// completed prefix ending at `end`; returns how many articles it held,
    /// `None` when another assigner committed first. `reload`: start the
    /// registry afresh from the stored entities.
    fn commit(
        &mut self,
        store: &PgStore,
        prefix: newsgraph_store::Prefix,
        end: ArticleId,
        reload: bool,
        who: &str,
    ) -> anyhow::Result<Option<usize>> {
        if reload || self.analyser.is_none() || self.upto != prefix.assigned_upto {
            // A new unit, the first step, or the store moved on without us:
            // the registry starts from the stored entities, as a new ingest
            // run does.
            self.analyser = Some(StoreAnalyser::for_store(store)?);
            self.upto = prefix.assigned_upto;
        }
        let Some(analyser) = &self.analyser else {
            return Ok(None);
        };
        let n = prefix.items.len();
        let mut resolved = Vec::with_capacity(prefix.items.len());
        for c in prefix.items {
            if let Some((mut a, version)) = c.analysis {
                analyser.resolve(c.article_id, &mut a);
                resolved.push((c.article_id, a, version));
            }
        }
        // The registry is now ahead of the store until the commit lands.
        self.upto = -1;
        if !store.commit_assigned(prefix.assigned_upto, end, &resolved)? {
            log(
                who,
                "another assigner committed first; re-reading the entity registry",
            );
            self.analyser = None;
            return Ok(None);
        }
        self.upto = end;
        Ok(Some(n))
    }
}

/// Analysis results waiting to be recorded (kept across a database outage).
struct Finished {
    analysed: Vec<(ArticleId, Analysis)>,
    failed: Vec<(ArticleId, String)>,
}

/// Claims, analyses (in parallel, renewing the lease meanwhile) and returns
/// the results; `None` when nothing was pending.
fn analyse_batch(
    store: &PgStore,
    analyser: &StoreAnalyser,
    pool: &rayon::ThreadPool,
    args: &WorkerArgs,
    who: &str,
) -> anyhow::Result<Option<Finished>> {
    let lease = Duration::from_secs_f64(args.lease.max(1.0));
    let t0 = Instant::now();
    let articles = store.claim_work(who, args.batch.max(1), lease, args.max_attempts)?;
    if articles.is_empty() {
        return Ok(None);
    }
    let ids: Vec<ArticleId> = articles.iter().map(|a| a.id).collect();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let results: Vec<(ArticleId, Result<Analysis, String>)> = std::thread::scope(|s| {
        // Heartbeat: keep the claim while the analysis runs; wakes at once
        // when the analysis ends (the sender is dropped).
        let ids = &ids;
        s.spawn(move || {
            let every = lease / 3;
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = finished.recv_timeout(every)
            {
                if let Err(e) = store.renew_lease(who, ids, lease) {
                    log(who, &format!("could not renew the lease: {e}"));
                }
            }
        });
        let r = pool.install(|| {
            articles
                .par_iter()
                .map(|a| {
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        analyser.analyse(a)
                    }))
                    .unwrap_or_else(|_| Err("the analyser panicked".to_string()));
                    (a.id, r)
                })
                .collect()
        });
        drop(done);
        r
    });
    let mut out = Finished {
        analysed: Vec::with_capacity(results.len()),
        failed: Vec::new(),
    };
    for (id, r) in results {
        match r {
            Ok(a) => out.analysed.push((id, a)),
            Err(reason) => {
                log(who, &format!("article {id}: analysis failed: {reason}"));
                out.failed.push((id, reason));
            }
        }
    }
    if !args.quiet {
        log(
            who,
            &format!(
                "analysed {} articles ({}–{}) in {:.1} s",
                ids.len(),
                ids[0],
                ids[ids.len() - 1],
                t0.elapsed().as_secs_f64()
            ),
        );
    }
    Ok(Some(out))
}

/// `newsgraph worker`.
pub fn worker(ctx: &Ctx, args: WorkerArgs) -> anyhow::Result<i32> {
    if !(args.lease.is_finite() && args.lease >= 1.0) {
        bail!("--lease must be at least 1 second");
    }
    if !(args.poll.is_finite() && args.poll > 0.0) {
        bail!("--poll must be a positive number of seconds");
    }
    let stop = stop_flag()?;
    let who = args.id.clone().unwrap_or_else(default_id);
    let store = open_pg(ctx, &who, &stop)?;
    if args.status {
        let st = store.queue_status()?;
        println!("{}", serde_json::to_string_pretty(&st)?);
        return Ok(0);
    }
    let role = if args.assign {
        "assigner"
    } else if args.no_assign {
        "analysis"
    } else {
        "analysis + assigner when elected"
    };
    log(&who, &format!("started ({role}) on {}", redact(&ctx.db)));
    let analyser = if args.assign {
        None
    } else {
        Some(StoreAnalyser::for_store(&store)?)
    };
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads {
        builder = builder.num_threads(n.max(1));
    }
    let pool = builder.build().context("starting the analysis threads")?;
    let poll = Duration::from_secs_f64(args.poll);
    let mut assigner = Assigner::new();
    let mut unsaved: Option<Finished> = None;
    let mut backoff = Backoff::new();
    let mut last_assign = Instant::now();
    let mut totals = (0u64, 0u64);
    while !stop.load(Ordering::Relaxed) {
        let round = (|| -> anyhow::Result<bool> {
            // Results of a batch whose recording failed are recorded first.
            if let Some(f) = &unsaved {
                store.finish_work(&who, &analyser_version(&analyser), &f.analysed, &f.failed)?;
                totals.0 += f.analysed.len() as u64 + f.failed.len() as u64;
                unsaved = None;
            }
            let mut worked = match &analyser {
                Some(analyser) => match analyse_batch(&store, analyser, &pool, &args, &who)? {
                    Some(f) => {
                        let f = unsaved.insert(f);
                        store.finish_work(
                            &who,
                            &analyser.model_version(),
                            &f.analysed,
                            &f.failed,
                        )?;
                        totals.0 += f.analysed.len() as u64 + f.failed.len() as u64;
                        unsaved = None;
                        true
                    }
                    // Nothing claimable: look for newly stored articles.
                    None => store.enqueue_unanalysed()? > 0,
                },
                None => store.enqueue_unanalysed()? > 0,
            };
            let may_assign = !args.no_assign
                && (args.assign || !worked || last_assign.elapsed() >= Duration::from_secs(10));
            if may_assign && assigner.ensure_lock(&store, &who)? {
                last_assign = Instant::now();
                let n = assigner.step(&store, &args, &who, &stop)?;
                totals.1 += n as u64;
                worked |= n > 0;
            }
            if !worked && args.exit_when_done {
                let st = store.queue_status()?;
                let holds = assigner.lock.is_some();
                let finished = if args.assign || holds {
                    st.all_finished()
                } else {
                    st.analysis_finished()
                };
                if finished {
                    return Ok(true);
                }
            }
            if !worked {
                sleep(poll, &stop);
            }
            Ok(false)
        })();
        match round {
            Ok(true) => break,
            Ok(false) => backoff.reset(),
            Err(e) if transient(&e) => backoff.wait(&who, &format!("{e:#}"), &stop),
            Err(e) => {
                return Err(e).context(format!("worker {who}"));
            }
        }
    }
    if let Some(f) = unsaved {
        // Stopping during an outage: the leases run out and others redo it.
        log(
            &who,
            &format!(
                "{} analysed articles could not be recorded; they return to the queue when their lease runs out",
                f.analysed.len() + f.failed.len()
            ),
        );
    }
    log(
        &who,
        &format!(
            "stopped ({} articles analysed, {} assigned)",
            totals.0, totals.1
        ),
    );
    Ok(0)
}

fn analyser_version(a: &Option<StoreAnalyser>) -> String {
    a.as_ref().map(|a| a.model_version()).unwrap_or_default()
}
