//! `search` and `reindex`: full-text search over the store's tantivy index
//! (`<db>.index/`, kept next to the SQLite file).
use crate::Ctx;
use anyhow::Context;
use clap::Args;
use newsgraph_index::{SearchIndex, SearchRequest, SearchResults, SortOrder};
use std::io::{IsTerminal, Write};

#[derive(Args, Debug)]
pub struct SearchArgs {
    /// Query: words (all must match), "quoted phrases", -excluded, a OR b.
    /// Empty (`""`) lists the articles that pass the filters, newest first.
    pub query: String,
    /// Only articles in this language (de, nb, en, …).
    #[arg(long)]
    pub lang: Option<String>,
    /// Only articles mentioning this entity id (repeat for all of several).
    #[arg(long = "entity")]
    pub entities: Vec<String>,
    /// Only articles from this source (case-insensitive exact name).
    #[arg(long)]
    pub source: Option<String>,
    /// Published on or after this date (YYYY-MM-DD, YYYY-MM or a date-time).
    #[arg(long)]
    pub from: Option<String>,
    /// Published on or before this date (a date includes its whole day).
    #[arg(long)]
    pub to: Option<String>,
    /// Only articles of this story id.
    #[arg(long)]
    pub story: Option<i64>,
    /// Sort: relevance, newest, oldest.
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Print the results as JSON (`SearchResults`: query, total, offset,
    /// limit, hits, facets, warnings).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ReindexArgs {
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Opens the store (which must exist) and its index, rebuilding the index
/// when it is not consistent with the store.
fn open(ctx: &Ctx) -> anyhow::Result<(Box<dyn newsgraph_store::Store>, SearchIndex)> {
    let path = ctx.db_path();
    if !path.exists() {
        anyhow::bail!(
            "no store at {} (ingest something first, or pass --db)",
            path.display()
        );
    }
    let store = newsgraph_store::open(&ctx.db).with_context(|| format!("opening {}", ctx.db))?;
    let dir = newsgraph_index::index_dir_for(&path);
    let index = SearchIndex::open(&dir)?;
    if let Some(s) = newsgraph_index::ensure_fresh(store.as_ref(), &index)? {
        eprintln!(
            "search index was out of date: rebuilt {} articles in {:.1}s",
            s.articles, s.seconds
        );
    }
    Ok((store, index))
}

/// `newsgraph search QUERY [filters] [--json]`.
pub fn search(ctx: &Ctx, a: SearchArgs) -> anyhow::Result<i32> {
    let sort = SortOrder::parse(&a.sort)
        .with_context(|| format!("--sort {:?}: expected relevance, newest or oldest", a.sort))?;
    let (_store, index) = open(ctx)?;
    let req = SearchRequest {
        query: a.query.clone(),
        lang: a.lang,
        entities: a.entities,
        source: a.source,
        from: a.from,
        to: a.to,
        story: a.story,
        limit: a.limit,
        offset: a.offset,
        sort,
        facets: true,
    };
    let res = index.search(&req)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if a.json {
        serde_json::to_writer_pretty(&mut out, &res)
            .map_err(std::io::Error::other)
            .and_then(|_| writeln!(out))
    } else {
        print_text(&mut out, &res, std::io::stdout().is_terminal())
    };
    match written.and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => return Err(e.into()),
        Ok(()) => {}
    }
    Ok(if res.total == 0 { 1 } else { 0 })
}

fn print_text(out: &mut dyn Write, res: &SearchResults, tty: bool) -> std::io::Result<()> {
    for w in &res.warnings {
        eprintln!("warning: {w}");
    }
    let langs: Vec<String> = res
        .facets
        .lang
        .iter()
        .map(|f| format!("{} {}", f.value, f.count))
        .collect();
    writeln!(
        out,
        "{} match{} for {:?}{}",
        res.total,
        if res.total == 1 { "" } else { "es" },
        res.query,
        if langs.is_empty() {
            String::new()
        } else {
            format!(" ({})", langs.join(", "))
        }
    )?;
    let (hl_on, hl_off) = if tty {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("«", "»")
    };
    for h in &res.hits {
        writeln!(
            out,
            "\n[{}] {} {} {}{}",
            h.article_id,
            h.published.as_deref().unwrap_or("undated"),
            h.lang,
            h.source.as_deref().unwrap_or("-"),
            h.story_id
                .map(|s| format!("  story {s}"))
                .unwrap_or_default()
        )?;
        writeln!(out, "    {}", h.title)?;
        let mut snippet = String::new();
        let mut pos = 0;
        for [s, e] in &h.snippet.highlights {
            if let (Some(before), Some(hit)) =
                (h.snippet.text.get(pos..*s), h.snippet.text.get(*s..*e))
            {
                snippet.push_str(before);
                snippet.push_str(hl_on);
                snippet.push_str(hit);
                snippet.push_str(hl_off);
                pos = *e;
            }
        }
        snippet.push_str(h.snippet.text.get(pos..).unwrap_or(""));
        writeln!(out, "    {}", snippet.replace('\n', " "))?;
    }
    if !res.facets.source.is_empty() {
        let s: Vec<String> = res
            .facets
            .source
            .iter()
            .take(8)
            .map(|f| format!("{} {}", f.value, f.count))
            .collect();
        writeln!(out, "\nsources: {}", s.join(", "))?;
    }
    if !res.facets.entity.is_empty() {
        let s: Vec<String> = res
            .facets
            .entity
            .iter()
            .take(8)
            .map(|f| format!("{} [{}] {}", f.canonical, f.id, f.count))
            .collect();
        writeln!(out, "entities: {}", s.join(", "))?;
    }
    Ok(())
}

/// `newsgraph reindex`: rebuilds the search index from the store.
pub fn reindex(ctx: &Ctx, a: ReindexArgs) -> anyhow::Result<i32> {
    let path = ctx.db_path();
    if !path.exists() {
        anyhow::bail!("no store at {}", path.display());
    }
    let store = newsgraph_store::open(&ctx.db).with_context(|| format!("opening {}", ctx.db))?;
    let index = SearchIndex::open(&newsgraph_index::index_dir_for(&path))?;
    let s = newsgraph_index::reindex(store.as_ref(), &index)?;
    if a.json {
        println!("{}", serde_json::to_string(&s)?);
    } else {
        println!(
            "indexed {} articles in {:.1}s into {}",
            s.articles,
            s.seconds,
            index
                .dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default()
        );
    }
    Ok(0)
}
