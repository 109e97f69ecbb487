//! `ingest`, `articles`, `article` (the store side of ingest) and `extract`.
use crate::Ctx;
use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use newsgraph_model::Article;
use newsgraph_pipeline::{Event, IngestOptions, Pipeline, Summary};
use newsgraph_store::{ArticleFilter, ArticleOrder, Store};
use std::io::{IsTerminal, Write};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Files, directories, globs, URLs, OPML lists, or `-` for JSONL on stdin.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// For feed items, fetch the linked page instead of using the item content.
    #[arg(long)]
    pub follow_links: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// MinHash Jaccard threshold above which an article is linked as a near-duplicate.
    #[arg(long, default_value_t = 0.8)]
    pub near_dup_threshold: f64,
    /// Articles stored per transaction.
    #[arg(long, default_value_t = 256)]
    pub batch_size: usize,
    /// Largest input read, in bytes (files, pages, records).
    #[arg(long)]
    pub max_bytes: Option<u64>,
    /// Network timeout in seconds.
    #[arg(long)]
    pub timeout: Option<u64>,
    /// No progress bar even on a terminal.
    #[arg(long, short)]
    pub quiet: bool,
    /// Only store the articles: no entity/time/event analysis and no story
    /// clustering (run `newsgraph reanalyze` and `newsgraph recluster` later).
    #[arg(long)]
    pub no_analyse: bool,
}

#[derive(Args, Debug)]
pub struct ArticlesArgs {
    /// Only articles in this language (`de`, `nb`, …, `und`).
    #[arg(long)]
    pub lang: Option<String>,
    /// Only articles from this source (outlet name as stored).
    #[arg(long)]
    pub source: Option<String>,
    /// At most this many (default: all with --json, 100 in the table).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Skip this many first.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Order by publication date (undated last) instead of ingest order.
    #[arg(long)]
    pub by_date: bool,
    /// A JSON array of article objects (see docs/ingest-store.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ArticleArgs {
    pub id: i64,
    /// Also show the text before cleaning and the removed lines with reasons.
    #[arg(long)]
    pub raw: bool,
    #[arg(long)]
    pub json: bool,
}

/// Opens the store for reading: it must exist (a read command never
/// creates an empty store by accident).
fn open_existing(ctx: &Ctx) -> anyhow::Result<Box<dyn Store>> {
    let is_url = ctx.db.contains("://");
    if !is_url && !ctx.db_path().exists() {
        anyhow::bail!(
            "no store at {} (run `newsgraph ingest` first, or pass --db / NEWSGRAPH_DB)",
            ctx.db
        );
    }
    newsgraph_store::open(&ctx.db).with_context(|| format!("opening store {}", ctx.db))
}

fn progress_bar(quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn progress_message(s: &Summary) -> String {
    format!(
        "{} read · {} new · {} duplicates · {} near-duplicates · {} rejected{}",
        s.read,
        s.ingested,
        s.duplicates,
        s.near_duplicates,
        s.rejected,
        if s.analysed > 0 {
            format!(" · {} analysed", s.analysed)
        } else {
            String::new()
        }
    )
}

/// One line per distinct reason, most frequent first (at most `max`).
fn reasons(s: &Summary, max: usize) -> Vec<(usize, String)> {
    let mut counts: std::collections::HashMap<&str, usize> = Default::default();
    for r in &s.rejections {
        *counts.entry(r.reason.as_str()).or_default() += 1;
    }
    let mut v: Vec<(usize, String)> = counts
        .into_iter()
        .map(|(r, n)| (n, r.to_string()))
        .collect();
    v.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    v.truncate(max);
    v
}

fn print_summary(s: &Summary) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "ingested {} article{} ({} near-duplicate{}), {} duplicate{} skipped, {} unchanged, {} rejected in {:.1} s",
        s.ingested,
        if s.ingested == 1 { "" } else { "s" },
        s.near_duplicates,
        if s.near_duplicates == 1 { "" } else { "s" },
        s.duplicates,
        if s.duplicates == 1 { "" } else { "s" },
        s.unchanged,
        s.rejected,
        s.elapsed_ms as f64 / 1000.0
    )?;
    for (n, reason) in reasons(s, 10) {
        writeln!(out, "  rejected {n} × {reason}")?;
    }
    if s.analysed > 0 || !s.analysis_failures.is_empty() {
        writeln!(
            out,
            "analysed {} article{}, {} failed",
            s.analysed,
            if s.analysed == 1 { "" } else { "s" },
            s.analysis_failures.len()
        )?;
    }
    if s.dates_resolved > 0 {
        writeln!(
            out,
            "dated {} undated article(s) from their text",
            s.dates_resolved
        )?;
    }
    Ok(())
}

pub fn ingest(ctx: &Ctx, a: IngestArgs) -> anyhow::Result<i32> {
    if !(a.near_dup_threshold > 0.0 && a.near_dup_threshold <= 1.0) {
        anyhow::bail!(
            "--near-dup-threshold must be in (0, 1], got {}",
            a.near_dup_threshold
        );
    }
    if a.batch_size == 0 {
        anyhow::bail!("--batch-size must be at least 1");
    }
    let store: Arc<dyn Store> = Arc::from(
        newsgraph_store::open(&ctx.db).with_context(|| format!("opening store {}", ctx.db))?,
    );
    let mut reader = newsgraph_ingest::Options {
        follow_links: a.follow_links,
        ..newsgraph_ingest::Options::default()
    };
    if let Some(b) = a.max_bytes {
        reader.max_bytes = b;
    }
    if let Some(t) = a.timeout {
        reader.timeout = Duration::from_secs(t);
    }
    let opts = IngestOptions {
        batch_size: a.batch_size,
        near_dup_threshold: a.near_dup_threshold,
        reader,
    };
    let mut pipeline = Pipeline::new(store.clone(), opts);
    if !a.no_analyse {
        pipeline = pipeline.with_analyser(Arc::new(StoreAnalyser::for_store(store.as_ref())?));
    }
    let bar = progress_bar(a.quiet);
    let mut last = Instant::now();
    let mut observer = |e: Event<'_>| match e {
        Event::Rejected(r) => bar.suspend(|| eprintln!("{}: {}", r.input, r.reason)),
        Event::AnalysisFailed(f) => {
            bar.suspend(|| eprintln!("article {}: analysis failed: {}", f.article_id, f.reason))
        }
        Event::Progress(s) => {
            if !bar.is_hidden() && last.elapsed() >= Duration::from_millis(100) {
                last = Instant::now();
                bar.set_message(progress_message(s));
            }
        }
    };
    let summary = pipeline.ingest(&a.inputs, &mut observer)?;
    bar.finish_and_clear();
    let index = if summary.ingested > 0 && !ctx.db.contains("://") {
        let dir = newsgraph_index::index_dir_for(&ctx.db_path());
        Some(
            newsgraph_index::SearchIndex::open(&dir)
                .with_context(|| format!("opening search index {}", dir.display()))?,
        )
    } else {
        None
    };
    let analysed = if a.no_analyse { 0 } else { summary.analysed };
    let refreshed = crate::cmd::refresh::after_ingest(
        store.as_ref(),
        index.as_ref(),
        &summary.article_ids,
        analysed,
    )?;
    let stories = refreshed.stories;
    if a.json {
        let mut v = serde_json::to_value(&summary)?;
        if let (Some(obj), Some(st)) = (v.as_object_mut(), &stories) {
            obj.insert("stories".into(), st.clone());
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        print_summary(&summary)?;
        if let Some(st) = &stories {
            println!(
                "stories: {} written, {} removed; the store now holds {} stories and {} storylines",
                st["stories_written"], st["stories_removed"], st["stories"], st["storylines"]
            );
        }
    }
    Ok(if summary.processed_anything() { 0 } else { 1 })
}

/// The per-article analysis (`newsgraph-analyse`) as the pipeline's hook.
/// Its entity registry starts from the entities already in the store, so a
/// short form in a new article links to the entity an earlier article named.
pub(crate) struct StoreAnalyser(newsgraph_analyse::Analyser);

impl StoreAnalyser {
    pub(crate) fn for_store(store: &dyn Store) -> anyhow::Result<Self> {
        let known = store.list_entities(&newsgraph_store::EntityFilter::default())?;
        let registry = newsgraph_link::EntityRegistry::from_entities(&known);
        Ok(StoreAnalyser(newsgraph_analyse::Analyser::with_registry(
            registry,
        )?))
    }
}

impl newsgraph_pipeline::Analyser for StoreAnalyser {
    fn model_version(&self) -> String {
        self.0.model_version()
    }
    fn analyse(&self, article: &Article) -> Result<newsgraph_model::Analysis, String> {
        Ok(self.0.analyse(
            &article.text,
            &article.lang,
            article.published.as_deref(),
            article.id,
        ))
    }
    fn resolve(
        &self,
        article_id: newsgraph_model::ArticleId,
        analysis: &mut newsgraph_model::Analysis,
    ) {
        self.0.resolve(analysis, article_id);
    }
}

/// `s` cut to at most `width` characters (with an ellipsis when cut).
fn cut(s: &str, width: usize) -> String {
    let s = s.replace(['\n', '\t'], " ");
    if s.chars().count() <= width {
        return s;
    }
    let mut out: String = s.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn pad(s: &str, width: usize) -> String {
    let s = cut(s, width);
    let n = s.chars().count();
    format!("{s}{}", " ".repeat(width.saturating_sub(n)))
}

pub fn articles(ctx: &Ctx, a: ArticlesArgs) -> anyhow::Result<i32> {
    let store = open_existing(ctx)?;
    let filter = ArticleFilter {
        lang: a.lang.clone(),
        source: a.source.clone(),
        limit: if a.json {
            a.limit
        } else {
            Some(a.limit.unwrap_or(100))
        },
        offset: a.offset,
        order: if a.by_date {
            ArticleOrder::Published
        } else {
            ArticleOrder::Id
        },
        ..ArticleFilter::default()
    };
    let list = store.list_articles(&filter)?;
    let mut out = std::io::stdout().lock();
    if a.json {
        serde_json::to_writer_pretty(&mut out, &list)?;
        writeln!(out)?;
        return Ok(0);
    }
    let total = store.count_articles(&filter)?;
    writeln!(
        out,
        "{:>6}  {:<4} {:<10}  {:<18} {:>5}  TITLE",
        "ID", "LANG", "PUBLISHED", "SOURCE", "DUP"
    )?;
    for art in &list {
        let date = art
            .published
            .as_deref()
            .map(|d| d.chars().take(10).collect::<String>())
            .unwrap_or_else(|| "-".into());
        let dup = art
            .duplicate_of
            .map(|d| format!("~{d}"))
            .unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{:>6}  {:<4} {:<10}  {} {:>5}  {}",
            art.id,
            art.lang,
            date,
            pad(art.source.as_deref().unwrap_or("-"), 18),
            dup,
            cut(&art.title, 70)
        )?;
    }
    let shown = list.len() as u64 + a.offset as u64;
    if shown < total {
        writeln!(
            out,
            "({} of {total} shown; --limit/--offset for more, --json for all)",
            list.len()
        )?;
    } else {
        writeln!(
            out,
            "({} article{})",
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        )?;
    }
    Ok(0)
}

fn print_article(out: &mut dyn Write, art: &Article) -> std::io::Result<()> {
    writeln!(out, "#{}  {}", art.id, art.title)?;
    let mut facts = vec![format!("lang {} ({:.2})", art.lang, art.lang_confidence)];
    match &art.published {
        Some(p) if art.published_estimated => facts.push(format!("published {p} (estimated)")),
        Some(p) => facts.push(format!("published {p}")),
        None => facts.push("undated".into()),
    }
    if let Some(s) = &art.source {
        facts.push(format!("source {s}"));
    }
    if let Some(a) = &art.author {
        facts.push(format!("by {a}"));
    }
    writeln!(out, "{}", facts.join(" · "))?;
    if let Some(p) = &art.path {
        writeln!(out, "path: {p}")?;
    }
    if let Some(u) = &art.url {
        writeln!(out, "url: {u}")?;
    }
    if let (Some(d), Some(s)) = (art.duplicate_of, art.duplicate_score) {
        writeln!(out, "near-duplicate of #{d} (Jaccard ≈ {s:.2})")?;
    }
    if !art.metadata.is_empty() {
        writeln!(
            out,
            "metadata: {}",
            serde_json::Value::Object(art.metadata.clone())
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{}", art.text)
}

pub fn article(ctx: &Ctx, a: ArticleArgs) -> anyhow::Result<i32> {
    let store = open_existing(ctx)?;
    let Some(art) = store.get_article(a.id)? else {
        eprintln!("newsgraph: no article {} in {}", a.id, ctx.db);
        return Ok(1);
    };
    let raw = if a.raw { store.get_raw(a.id)? } else { None };
    let mut out = std::io::stdout().lock();
    if a.json {
        let mut v = serde_json::to_value(&art)?;
        if let (Some(o), Some(r)) = (v.as_object_mut(), &raw) {
            o.insert(
                "raw_text".into(),
                serde_json::Value::String(r.raw_text.clone()),
            );
            o.insert("removed".into(), serde_json::to_value(&r.removed)?);
            o.insert(
                "content_hash".into(),
                serde_json::Value::String(r.content_hash.clone()),
            );
        }
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(0);
    }
    print_article(&mut out, &art)?;
    if let Some(r) = raw {
        writeln!(out, "\n──── raw text (before cleaning) ────")?;
        writeln!(out, "{}", r.raw_text)?;
        writeln!(out, "\n──── removed lines ({}) ────", r.removed.len())?;
        for l in &r.removed {
            writeln!(out, "{:>4}  [{}]  {}", l.line, l.reason, l.text)?;
        }
    }
    Ok(0)
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    #[arg(required = true)]
    pub files: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

/// `newsgraph extract FILE... [--json]`: extraction alone, no store. Each
/// input (file, directory, glob, URL, `-`) is read; every article found is
/// printed (with `--json`: one object per line with `path`, `url`, `title`,
/// `text`, `published`, `source`, `author`, `lang`, `lang_confidence`,
/// `format`); every rejected input gets one line on stderr. Exit 0 when at
/// least one article was extracted, 1 when none.
pub fn extract(a: ExtractArgs) -> anyhow::Result<i32> {
    use newsgraph_ingest::{Item, Options, Reader};
    use std::io::Write;
    let reader = Reader::new(Options::default());
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut ok, mut rejected) = (0usize, 0usize);
    let mut io_err: Option<std::io::Error> = None;
    for input in &a.files {
        reader.read(input, &mut |item| match item {
            Item::Article(art) => {
                ok += 1;
                let res = if a.json {
                    let v = serde_json::json!({
                        "path": art.path,
                        "url": art.url,
                        "title": art.title,
                        "text": art.text,
                        "published": art.published,
                        "source": art.source,
                        "author": art.author,
                        "lang": art.lang,
                        "lang_confidence": art.lang_confidence,
                        "format": art.format,
                    });
                    writeln!(out, "{v}")
                } else {
                    let origin = art.path.as_deref().or(art.url.as_deref()).unwrap_or("-");
                    writeln!(
                        out,
                        "== {origin}\ntitle: {}\nlang: {} ({:.2})\npublished: {}\nsource: {}\nauthor: {}\n\n{}\n",
                        art.title,
                        art.lang,
                        art.lang_confidence,
                        art.published.as_deref().unwrap_or("-"),
                        art.source.as_deref().unwrap_or("-"),
                        art.author.as_deref().unwrap_or("-"),
                        art.text
                    )
                };
                if let Err(e) = res {
                    io_err.get_or_insert(e);
                }
            }
            Item::Rejected(r) => {
                rejected += 1;
                eprintln!("rejected: {r}");
            }
            Item::Unchanged { input } => eprintln!("unchanged: {input}"),
        });
    }
    out.flush()?;
    if let Some(e) = io_err {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Ok(0);
        }
        return Err(e.into());
    }
    if ok == 0 {
        eprintln!("no article extracted ({rejected} inputs rejected)");
        return Ok(1);
    }
    Ok(0)
}
