//! `newsgraph watch FEEDS.opml|URL|FILE… --every 10m`: feed polling as a
//! long-running service, on SQLite or PostgreSQL.
//!
//! Each round polls the feeds that are due (the OPML lists are re-read every
//! round, so edits take effect without a restart) through the same pipeline
//! as `newsgraph ingest`, then runs the post-ingest chain
//! (`refresh::after_ingest`). Repeated polls cost little and add nothing
//! twice: the store's fetch cache sends conditional GETs (`If-None-Match`,
//! `If-Modified-Since`), and exact duplicates are refused by content hash, also
//! across restarts. A feed that fails (unreachable, HTTP error, not a feed) is
//! retried after `--every × 2^failures` (at most `--max-backoff`); one success
//! resets it. SIGINT/SIGTERM stop after the current round (a second signal
//! stops at once; the store stays consistent either way: one transaction per
//! batch). With `--no-analyse` on PostgreSQL, `newsgraph worker` processes do
//! the analysis.
use crate::Ctx;
use crate::cmd::worker::{Backoff, log, sleep, stop_flag, transient};
use anyhow::{Context, bail};
use clap::Args;
use newsgraph_pipeline::{IngestOptions, Pipeline};
use newsgraph_store::Store;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct WatchArgs {
    /// Feed URLs, OPML lists of feeds (files or URLs), or other inputs `ingest` reads.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// Poll interval: `90s`, `10m`, `2h`, `1d` (a bare number is seconds).
    #[arg(long, default_value = "10m", value_parser = parse_duration)]
    pub every: Duration,
    /// Longest wait before retrying a failing feed.
    #[arg(long, default_value = "6h", value_parser = parse_duration)]
    pub max_backoff: Duration,
    /// Stop after this many rounds (default: run until SIGINT/SIGTERM).
    #[arg(long)]
    pub rounds: Option<u64>,
    /// Only store the articles (PostgreSQL: `newsgraph worker` analyses them).
    #[arg(long)]
    pub no_analyse: bool,
    /// For feed items, fetch the linked page instead of using the item content.
    #[arg(long)]
    pub follow_links: bool,
    /// Network timeout in seconds.
    #[arg(long)]
    pub timeout: Option<u64>,
    /// Print one JSON object per round on stdout.
    #[arg(long)]
    pub json: bool,
}

/// Parses `90s`, `10m`, `2h`, `1d`, `500ms` or a bare number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?}: expected a duration like 90s, 10m, 2h or 1d"))?;
    let secs = match unit.trim() {
        "" | "s" | "sec" | "secs" => n,
        "ms" => n / 1000.0,
        "m" | "min" | "mins" => n * 60.0,
        "h" | "hour" | "hours" => n * 3600.0,
        "d" | "day" | "days" => n * 86400.0,
        u => return Err(format!("{s:?}: unknown unit {u:?} (use s, m, h or d)")),
    };
    if !(secs.is_finite() && secs > 0.0 && secs < 1e9) {
        return Err(format!("{s:?}: must be positive"));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// The feeds an OPML list names (`xmlUrl` of every `outline`, nested ones
/// included), relative paths resolved against the list's directory.
fn opml_feeds(xml: &str, base: Option<&Path>) -> Vec<String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e))
                if AsRef::<str>::as_ref(&e.name()) == "outline" =>
            {
                for a in e.attributes().flatten() {
                    if AsRef::<str>::as_ref(&a.key).eq_ignore_ascii_case("xmlUrl")
                        && let Ok(v) = a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    {
                        let v = v.trim().to_string();
                        if v.is_empty() {
                            continue;
                        }
                        let v = match base {
                            Some(b) if !v.contains("://") => b.join(&v).display().to_string(),
                            _ => v,
                        };
                        out.push(v);
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

/// Expands the inputs into the feeds to poll: a local OPML file (by
/// extension or content) becomes the feeds it lists; anything else is polled
/// as given. An unreadable list is reported and skipped this round.
fn targets(inputs: &[String]) -> (Vec<String>, Vec<String>) {
    let mut feeds = Vec::new();
    let mut problems = Vec::new();
    for input in inputs {
        let path = Path::new(input);
        let looks_opml = input.to_ascii_lowercase().ends_with(".opml");
        if !input.contains("://") && path.is_file() {
            match std::fs::read_to_string(path) {
                Ok(text) if looks_opml || text.get(..1024).unwrap_or(&text).contains("<opml") => {
                    let list = opml_feeds(&text, path.parent());
                    if list.is_empty() {
                        problems.push(format!("{input}: OPML list names no feeds (no xmlUrl)"));
                    }
                    feeds.extend(list);
                }
                Ok(_) => feeds.push(input.clone()),
                Err(e) => problems.push(format!("{input}: cannot read: {e}")),
            }
        } else {
            feeds.push(input.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    feeds.retain(|f| seen.insert(f.clone()));
    (feeds, problems)
}

/// When a feed is polled next.
#[derive(Debug, Clone)]
struct FeedState {
    failures: u32,
    next: Instant,
    last_error: Option<String>,
}

/// `newsgraph watch`.
pub fn watch(ctx: &Ctx, a: WatchArgs) -> anyhow::Result<i32> {
    if a.max_backoff < a.every {
        bail!("--max-backoff must be at least --every");
    }
    let stop = stop_flag()?;
    let who = "watch";
    let store: Arc<dyn Store> = {
        let mut backoff = Backoff::new();
        loop {
            match newsgraph_store::open(&ctx.db) {
                Ok(s) => break Arc::from(s),
                Err(e) if e.is_transient() && !stop.load(Ordering::Relaxed) => {
                    backoff.wait(who, &e, &stop)
                }
                Err(e) => return Err(e).with_context(|| format!("opening store {}", ctx.db)),
            }
        }
    };
    let mut reader = newsgraph_ingest::Options {
        follow_links: a.follow_links,
        ..newsgraph_ingest::Options::default()
    };
    if let Some(t) = a.timeout {
        reader.timeout = Duration::from_secs(t);
    }
    let mut pipeline = Pipeline::new(
        store.clone(),
        IngestOptions {
            reader,
            ..IngestOptions::default()
        },
    );
    if !a.no_analyse {
        pipeline = pipeline.with_analyser(Arc::new(crate::cmd::ingest::StoreAnalyser::for_store(
            store.as_ref(),
        )?));
    }
    let index = if ctx.db.contains("://") {
        None
    } else {
        let dir = newsgraph_index::index_dir_for(&ctx.db_path());
        Some(
            newsgraph_index::SearchIndex::open(&dir)
                .with_context(|| format!("opening search index {}", dir.display()))?,
        )
    };
    log(
        who,
        &format!(
            "watching {} input(s) every {} (failing feeds back off up to {})",
            a.inputs.len(),
            human(a.every),
            human(a.max_backoff)
        ),
    );
    let mut state: HashMap<String, FeedState> = HashMap::new();
    let mut backoff = Backoff::new();
    let mut round = 0u64;
    let mut reported: BTreeMap<String, String> = BTreeMap::new();
    while !stop.load(Ordering::Relaxed) && a.rounds.is_none_or(|r| round < r) {
        let (feeds, problems) = targets(&a.inputs);
        for p in problems {
            if reported.insert(p.clone(), p.clone()).is_none() {
                log(who, &p);
            }
        }
        let now = Instant::now();
        let due: Vec<String> = feeds
            .iter()
            .filter(|f| state.get(*f).is_none_or(|s| s.next <= now))
            .cloned()
            .collect();
        if due.is_empty() {
            // Sleep until the next feed is due (a new list entry is due at once).
            let next = feeds
                .iter()
                .filter_map(|f| state.get(f).map(|s| s.next))
                .min()
                .unwrap_or(now + a.every);
            sleep(
                next.saturating_duration_since(now)
                    .min(Duration::from_secs(60)),
                &stop,
            );
            continue;
        }
        round += 1;
        let t0 = Instant::now();
        let result = pipeline
            .ingest(&due, &mut |_| {})
            .map_err(anyhow::Error::from)
            .and_then(|summary| {
                let analysed = if a.no_analyse { 0 } else { summary.analysed };
                crate::cmd::refresh::after_ingest(
                    store.as_ref(),
                    index.as_ref(),
                    &summary.article_ids,
                    analysed,
                )?;
                Ok(summary)
            });
        let summary = match result {
            Ok(s) => {
                backoff.reset();
                s
            }
            Err(e) if transient(&e) => {
                // The store is unreachable: nothing was lost (validators are
                // only remembered with the articles), so poll again later.
                round -= 1;
                backoff.wait(who, &format!("{e:#}"), &stop);
                continue;
            }
            Err(e) => return Err(e).context("polling feeds"),
        };
        // A feed failed when the feed itself was rejected (not one item).
        let mut failed: HashMap<&str, &str> = HashMap::new();
        for r in &summary.rejections {
            if due.contains(&r.input) {
                failed.insert(r.input.as_str(), r.reason.as_str());
            }
        }
        let after = Instant::now();
        let mut failed_report = Vec::new();
        for f in &due {
            let s = state.entry(f.clone()).or_insert(FeedState {
                failures: 0,
                next: after,
                last_error: None,
            });
            match failed.get(f.as_str()) {
                Some(reason) => {
                    s.failures = s.failures.saturating_add(1);
                    let factor = 2f64.powi(s.failures.min(30) as i32);
                    let wait = a.every.mul_f64(factor).min(a.max_backoff).max(a.every);
                    s.next = after + wait;
                    s.last_error = Some(reason.to_string());
                    log(
                        who,
                        &format!(
                            "{f}: {reason} (failure {}; next try in {})",
                            s.failures,
                            human(wait)
                        ),
                    );
                    failed_report.push(serde_json::json!({
                        "feed": f,
                        "reason": reason,
                        "failures": s.failures,
                        "retry_in_s": wait.as_secs_f64(),
                    }));
                }
                None => {
                    if s.failures > 0 {
                        log(who, &format!("{f}: back after {} failure(s)", s.failures));
                    }
                    s.failures = 0;
                    s.last_error = None;
                    s.next = after + a.every;
                }
            }
        }
        // Feeds gone from the lists are forgotten.
        state.retain(|f, _| feeds.contains(f));
        let secs = t0.elapsed().as_secs_f64();
        if a.json {
            println!(
                "{}",
                serde_json::json!({
                    "round": round,
                    "polled": due,
                    "new": summary.ingested,
                    "duplicates": summary.duplicates,
                    "unchanged": summary.unchanged,
                    "analysed": if a.no_analyse { 0 } else { summary.analysed },
                    "failed": failed_report,
                    "elapsed_s": secs,
                })
            );
        }
        log(
            who,
            &format!(
                "round {round}: polled {} feed(s) in {secs:.1} s: {} new, {} duplicate(s), {} unchanged, {} failed",
                due.len(),
                summary.ingested,
                summary.duplicates,
                summary.unchanged,
                failed_report.len()
            ),
        );
    }
    log(who, &format!("stopped after {round} round(s)"));
    Ok(0)
}

/// `600 s` as `10m`, etc.
fn human(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s >= 86400.0 && s % 86400.0 == 0.0 {
        format!("{}d", s / 86400.0)
    } else if s >= 3600.0 && s % 3600.0 == 0.0 {
        format!("{}h", s / 3600.0)
    } else if s >= 60.0 && s % 60.0 == 0.0 {
        format!("{}m", s / 60.0)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("1.5h"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert!(parse_duration("0s").is_err());
        assert!(parse_duration("10 parsecs").is_err());
        assert!(parse_duration("").is_err());
        assert_eq!(human(Duration::from_secs(600)), "10m");
        assert_eq!(human(Duration::from_secs(90)), "90s");
    }

    #[test]
    fn opml_lists_nested_and_relative() {
        let xml = r#"<?xml version="1.0"?><opml version="2.0"><body>
            <outline text="news"><outline text="a" xmlUrl="https://a.example/feed.xml"/>
            <outline text="b" XMLURL='local/b.rss' /></outline>
            <outline text="no feed"/><outline xmlUrl="https://c.example/?x=1&amp;y=2"/>
            </body></opml>"#;
        assert_eq!(
            opml_feeds(xml, Some(Path::new("/lists"))),
            vec![
                "https://a.example/feed.xml".to_string(),
                "/lists/local/b.rss".to_string(),
                "https://c.example/?x=1&y=2".to_string(),
            ]
        );
        assert!(opml_feeds("<opml><body></body>", None).is_empty());
        assert!(opml_feeds("not xml at all <<<", None).is_empty());
    }
}
