//! `events`, `export events`, `eval events`: merged events of the store
//! (listed or exported GDELT-style) and PLOVER gold-standard scoring.
use crate::Ctx;
use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use newsgraph_events::{EventQuery, ExportArticle, MergedEvent};
use newsgraph_model::{ArticleId, Event};
use newsgraph_store::{ArticleFilter, Store};
use std::path::PathBuf;

/// Which articles' events to merge, and which merged events to keep.
#[derive(Args, Debug, Clone)]
pub struct Selection {
    /// Only events reported by this story's articles.
    #[arg(long)]
    pub story: Option<i64>,
    /// Only events with this canonical entity as source, target or place
    /// (e.g. `per:vladimir-putin`).
    #[arg(long)]
    pub entity: Option<String>,
    /// Only events of this PLOVER type (`CONSULT`), mode (`give-gift`) or
    /// CAMEO code prefix (`04`, `042`).
    #[arg(long = "type", value_name = "T")]
    pub typ: Option<String>,
    /// Without --story or --entity: merge the events of the newest N
    /// articles (0 = every article).
    #[arg(long, default_value_t = 1000)]
    pub limit: usize,
}

/// List events merged across articles.
#[derive(Args, Debug)]
pub struct EventsArgs {
    #[command(flatten)]
    pub sel: Selection,
    /// Print JSON: an array of merged events (`id`, `type`, `cameo`, `mode`,
    /// `source`, `target`, `date`, `place`, `modality`, `article_ids`,
    /// `sentences`, `reports`), the items of `GET /api/events`.
    #[arg(long)]
    pub json: bool,
}

/// Export format.
#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Jsonl,
}

/// Export events, one row per merged event with GDELT-like columns.
#[derive(Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub sel: Selection,
    #[arg(long, value_enum, default_value = "csv")]
    pub format: ExportFormat,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Opens the store when it exists (read commands never create one).
fn open_existing(ctx: &Ctx) -> Result<Box<dyn Store>> {
    if !ctx.db.contains("://") && !ctx.db_path().exists() {
        anyhow::bail!(
            "no store at {} (run `newsgraph ingest` first, or pass --db / NEWSGRAPH_DB)",
            ctx.db
        );
    }
    newsgraph_store::open(&ctx.db).with_context(|| format!("opening store {}", ctx.db))
}

/// The selected merged events and the articles they come from.
fn select(store: &dyn Store, sel: &Selection) -> Result<(Vec<MergedEvent>, Vec<ExportArticle>)> {
    let ids: Vec<ArticleId> = if let Some(s) = sel.story {
        store
            .get_story(s)?
            .with_context(|| format!("no story {s}"))?
            .story
            .article_ids
    } else if let Some(e) = &sel.entity {
        if store.get_entity(e)?.is_none() {
            anyhow::bail!("no entity {e:?} (see `newsgraph entities`)");
        }
        let mut ids: Vec<ArticleId> = store
            .entity_mentions(e, None)?
            .into_iter()
            .map(|m| m.article_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    } else {
        let total = store.count_articles(&ArticleFilter::default())? as usize;
        let n = if sel.limit == 0 {
            total
        } else {
            sel.limit.min(total)
        };
        store
            .list_articles(&ArticleFilter {
                offset: total - n,
                limit: Some(n),
                ..Default::default()
            })?
            .into_iter()
            .map(|a| a.id)
            .collect()
    };
    let mut reports: Vec<(ArticleId, Event)> = Vec::new();
    let mut articles = Vec::new();
    for id in ids {
        let Some(a) = store.get_article(id)? else {
            continue;
        };
        if let Some(an) = store.get_analysis(id)? {
            reports.extend(an.analysis.events.into_iter().map(|e| (id, e)));
        }
        articles.push(ExportArticle {
            id,
            url: a.url.or(a.path),
            source: a.source,
            lang: a.lang,
        });
    }
    // Name each entity as the store does now (see `CanonicalNames`).
    newsgraph_events::CanonicalNames::new(|id: &str| {
        store.get_entity(id).map(|e| e.map(|e| e.canonical))
    })
    .refresh_events(&mut reports)?;
    let q = EventQuery {
        entity: sel.entity.clone(),
        typ: sel.typ.clone(),
    };
    Ok((newsgraph_events::list_events(&reports, &q), articles))
}

fn actors(list: &[newsgraph_model::Actor]) -> String {
    list.iter()
        .map(|a| a.canonical.as_deref().unwrap_or(&a.text))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Write to stdout; a closed pipe (`| head`) ends output quietly.
fn emit(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => Ok(r?),
    }
}

/// `newsgraph events`.
pub fn events(ctx: &Ctx, a: EventsArgs) -> Result<i32> {
    let store = open_existing(ctx)?;
    let (events, _) = select(store.as_ref(), &a.sel)?;
    if a.json {
        return emit(&format!("{}\n", serde_json::to_string_pretty(&events)?)).map(|_| 0);
    }
    if events.is_empty() {
        eprintln!("no events (ingest articles first, or widen the filter)");
    }
    let mut buf = String::new();
    for e in &events {
        let kind = match &e.mode {
            Some(m) => format!("{}/{m}", e.typ),
            None => e.typ.clone(),
        };
        let modality = format!("{:?}", e.modality).to_lowercase();
        let place = e
            .place
            .as_ref()
            .map(|p| format!(" @ {}", p.canonical.as_deref().unwrap_or(&p.text)))
            .unwrap_or_default();
        let arts: Vec<String> = e.article_ids.iter().map(|i| i.to_string()).collect();
        buf.push_str(&format!(
            "{}  {:<10} {:<28} {:<9} {} -> {}{}  [articles {}]\n",
            e.id,
            e.date.as_deref().unwrap_or("-"),
            kind,
            modality,
            actors(&e.source),
            actors(&e.target),
            place,
            arts.join(",")
        ));
    }
    emit(&buf)?;
    Ok(0)
}

/// `newsgraph export events`.
pub fn export(ctx: &Ctx, a: ExportArgs) -> Result<i32> {
    let store = open_existing(ctx)?;
    let (events, articles) = select(store.as_ref(), &a.sel)?;
    let rows = newsgraph_events::export_rows(&events, &articles);
    let write = |w: &mut dyn std::io::Write| match a.format {
        ExportFormat::Csv => newsgraph_events::write_csv(&rows, w),
        ExportFormat::Jsonl => newsgraph_events::write_jsonl(&rows, w),
    };
    match &a.out {
        Some(path) => {
            let f = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            let mut w = std::io::BufWriter::new(f);
            write(&mut w).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("exported {} events to {}", rows.len(), path.display());
        }
        None => {
            let mut out = std::io::stdout().lock();
            match write(&mut out) {
                Err(newsgraph_events::ExportError::Io(e))
                    if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                r => r.context("writing standard output")?,
            }
        }
    }
    Ok(0)
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// PLOVER gold-standard JSON (an array of records with `text`, `event`,
    /// `source`, `target`), e.g. `plover-gsr-dev.json`.
    pub path: PathBuf,
    /// Language of the sentences.
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// Also print every record the extractor got wrong (type or actors).
    #[arg(long)]
    pub errors: bool,
    /// Also report the held-out estimate with K folds (records assigned by
    /// a hash of their id): each fold is scored with a lexicon from which
    /// every entry that fires only in that fold is removed. K >= the
    /// number of records is leave-one-out.
    #[arg(long, value_name = "K")]
    pub heldout: Option<usize>,
}

pub fn eval(a: EvalArgs) -> anyhow::Result<i32> {
    use anyhow::Context;
    let text = std::fs::read_to_string(&a.path)
        .with_context(|| format!("reading {}", a.path.display()))?;
    let gold = newsgraph_events::eval::read_gold(&text)
        .with_context(|| format!("parsing {}", a.path.display()))?;
    let pred = newsgraph_events::eval::predict(&gold, &a.lang);
    let scores = newsgraph_events::eval::score(&gold, &pred);
    let mut out = serde_json::json!({
        "file": a.path.display().to_string(),
        "matching": "actor match = Dice of content tokens >= 0.5, one-to-one; strict = identical content tokens",
        "scores": scores,
    });
    if let Some(k) = a.heldout {
        let lx = newsgraph_events::lexicon(&a.lang)
            .map_err(|e| anyhow::anyhow!("lexicon {}: {e}", a.lang))?;
        let h = newsgraph_events::eval::heldout(&gold, lx, k);
        out["heldout"] = serde_json::json!({
            "protocol": "k folds by FNV-1a hash of the record id; each fold scored with the lexicon minus every trigger pattern and actor noun that fires only in that fold",
            "k": h.k,
            "type_accuracy": h.held_out.type_accuracy,
            "actor_f1": h.held_out.actor.f1,
            "scores": h.held_out,
            "removed_per_fold": h.folds.iter().map(|(n, t, no)| serde_json::json!({"records": n, "triggers": t, "actor_nouns": no})).collect::<Vec<_>>(),
        });
    }
    if a.errors {
        let errs: Vec<serde_json::Value> = gold
            .iter()
            .zip(pred.iter())
            .filter(|(g, p)| {
                p.event.as_deref() != Some(g.event.as_str())
                    || newsgraph_events::eval::matches(&p.source, &g.source, 0.5) < g.source.len().max(p.source.len())
                    || newsgraph_events::eval::matches(&p.target, &g.target, 0.5) < g.target.len().max(p.target.len())
            })
            .map(|(g, p)| serde_json::json!({"id": g.id, "text": g.text, "gold": {"event": g.event, "source": g.source, "target": g.target}, "pred": p}))
            .collect();
        out["errors"] = serde_json::Value::Array(errs);
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(0)
}
