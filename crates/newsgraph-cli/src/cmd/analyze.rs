//! `analyze`, `entities`, `entity`, `reanalyze`.
use crate::Ctx;
use anyhow::Context;
use clap::Args;
use newsgraph_analyse::{Analyser, ArticleInput};
use newsgraph_link::EntityRegistry;
use newsgraph_model::{Analysis, Entity, EntityType};
use newsgraph_store::{ArticleFilter, EntityFilter, EntityMention, Store};
use serde::Serialize;
use std::io::Read;
use std::time::Instant;

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Language code; detected when absent.
    #[arg(long)]
    pub lang: Option<String>,
    /// Document creation time (YYYY-MM-DD) for resolving relative dates.
    #[arg(long)]
    pub dct: Option<String>,
    /// A text file, or `-` (default) for stdin.
    #[arg(default_value = "-")]
    pub file: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct EntitiesArgs {
    /// PER, ORG, LOC or MISC.
    #[arg(long = "type")]
    pub typ: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct EntityArgs {
    /// Entity id or a name (any variant).
    pub id_or_name: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ReanalyzeArgs {
    #[arg(long)]
    pub json: bool,
}

/// Opens the store when it exists (read commands never create one).
fn open_existing(ctx: &Ctx) -> anyhow::Result<Box<dyn Store>> {
    if !ctx.db.contains("://") && !ctx.db_path().exists() {
        anyhow::bail!(
            "no store at {} (run `newsgraph ingest` first, or pass --db / NEWSGRAPH_DB)",
            ctx.db
        );
    }
    newsgraph_store::open(&ctx.db).with_context(|| format!("opening store {}", ctx.db))
}

/// Every stored entity, in the store's stable order.
fn all_entities(store: &dyn Store, typ: Option<EntityType>) -> anyhow::Result<Vec<Entity>> {
    let filter = EntityFilter {
        typ,
        ..Default::default()
    };
    store.list_entities(&filter).context("listing entities")
}

fn print_json<T: Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

pub fn analyze(ctx: &Ctx, a: AnalyzeArgs) -> anyhow::Result<i32> {
    let mut bytes = Vec::new();
    if a.file == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("reading stdin")?;
    } else {
        bytes = std::fs::read(&a.file).with_context(|| format!("reading {}", a.file))?;
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if let Some(d) = &a.dct {
        let ok = d.len() >= 10
            && d.as_bytes()[4] == b'-'
            && d.as_bytes()[7] == b'-'
            && d[..4].bytes().all(|b| b.is_ascii_digit());
        if !ok {
            anyhow::bail!("--dct {d:?}: expected YYYY-MM-DD");
        }
    }
    let lang = match &a.lang {
        Some(l) => l.clone(),
        None => newsgraph_ingest::detect_language(&text).0,
    };
    // Link to the stored entities when a store is there (read only).
    let registry = if !ctx.db.contains("://") && ctx.db_path().exists() {
        match newsgraph_store::open(&ctx.db) {
            Ok(store) => EntityRegistry::from_entities(&all_entities(store.as_ref(), None)?),
            Err(e) => {
                eprintln!("newsgraph: warning: store {} not used: {e}", ctx.db);
                EntityRegistry::new()
            }
        }
    } else {
        EntityRegistry::new()
    };
    let analyser = Analyser::with_registry(registry)?;
    let analysis = analyser.analyse_and_resolve(&text, &lang, a.dct.as_deref(), 0);
    if a.json {
        print_json(&analysis)?;
    } else {
        print_analysis(&analysis);
    }
    Ok(0)
}

fn print_analysis(a: &Analysis) {
    println!(
        "lang {}  dct {}  {} sentences, {} mentions, {} place relations, {} time expressions, {} events, {} quotes",
        a.lang,
        a.dct.as_deref().unwrap_or("-"),
        a.sentences.len(),
        a.mentions.len(),
        a.places.len(),
        a.timexes.len(),
        a.events.len(),
        a.quotes.len()
    );
    if !a.mentions.is_empty() {
        println!("\nmentions:");
        for m in &a.mentions {
            println!(
                "  {:>6}-{:<6} {:<4} {:<28} → {} ({})",
                m.start, m.end, m.typ, m.text, m.canonical, m.entity_id
            );
        }
    }
    if !a.places.is_empty() {
        println!("\nplaces (adjectives, compounds):");
        for p in &a.places {
            println!(
                "  {:>6}-{:<6} {:<10} {:<28} → {} ({})",
                p.start, p.end, p.kind, p.text, p.canonical, p.entity_id
            );
        }
    }
    if !a.timexes.is_empty() {
        println!("\ntime expressions:");
        for t in &a.timexes {
            println!(
                "  {:>6}-{:<6} {:<8} {:<28} {}",
                t.start,
                t.end,
                t.typ.as_str(),
                t.text,
                t.value
            );
        }
    }
    if !a.events.is_empty() {
        println!("\nevents:");
        for e in &a.events {
            let names = |v: &[newsgraph_model::Actor]| {
                v.iter()
                    .map(|x| x.canonical.clone().unwrap_or_else(|| x.text.clone()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            println!(
                "  {:<10} {:<16} {} → {}  [{}] {}",
                e.typ,
                e.mode.as_deref().unwrap_or(""),
                names(&e.source),
                names(&e.target),
                e.trigger,
                e.date.as_deref().unwrap_or("")
            );
        }
    }
    if !a.quotes.is_empty() {
        println!("\nquotes:");
        for q in &a.quotes {
            let who = q
                .speaker
                .as_ref()
                .map(|s| s.canonical.clone().unwrap_or_else(|| s.text.clone()))
                .unwrap_or_else(|| "?".into());
            let mut t: String = q.text.chars().take(90).collect();
            if t.len() < q.text.len() {
                t.push('…');
            }
            println!("  {who}: {t}");
        }
    }
}

pub fn entities(ctx: &Ctx, a: EntitiesArgs) -> anyhow::Result<i32> {
    let typ = match &a.typ {
        None => None,
        Some(t) => Some(
            EntityType::parse(t)
                .with_context(|| format!("--type {t:?}: expected PER, ORG, LOC or MISC"))?,
        ),
    };
    let store = open_existing(ctx)?;
    let list = all_entities(store.as_ref(), typ)?;
    if a.json {
        print_json(&list)?;
        return Ok(0);
    }
    println!(
        "{:<34} {:<4} {:<28} {:>8}  variants",
        "id", "type", "canonical", "articles"
    );
    for e in &list {
        let variants: Vec<String> = e
            .variants
            .iter()
            .map(|v| format!("{} ({}, {})", v.text, v.lang, v.count))
            .collect();
        println!(
            "{:<34} {:<4} {:<28} {:>8}  {}",
            e.id,
            e.typ,
            e.canonical,
            e.article_ids.len(),
            variants.join("; ")
        );
    }
    Ok(0)
}

#[derive(Serialize)]
struct EntityView {
    entity: Entity,
    mentions: Vec<EntityMention>,
    /// Other entities the name also matched (when looked up by name).
    other_matches: Vec<String>,
}

pub fn entity(ctx: &Ctx, a: EntityArgs) -> anyhow::Result<i32> {
    let store = open_existing(ctx)?;
    let q = a.id_or_name.trim();
    let mut ids: Vec<String> = Vec::new();
    if let Some(e) = store.get_entity(q)? {
        ids.push(e.id);
    }
    if ids.is_empty() {
        ids.extend(store.find_entities(q)?.into_iter().map(|e| e.id));
    }
    if ids.is_empty() {
        // Any spelling: the linking rules ("Lavrov" finds "Sergej Lawrow").
        let all = all_entities(store.as_ref(), None)?;
        let reg = EntityRegistry::from_entities(&all);
        for lang in ["en", "de", "nb"] {
            for id in reg.lookup(q, lang) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    let Some(first) = ids.first().cloned() else {
        eprintln!("newsgraph: no entity {q:?}");
        return Ok(1);
    };
    let entity = store
        .get_entity(&first)?
        .with_context(|| format!("entity {first} vanished"))?;
    let mentions = store.entity_mentions(&first, None)?;
    let view = EntityView {
        entity,
        mentions,
        other_matches: ids[1..].to_vec(),
    };
    if a.json {
        print_json(&view)?;
        return Ok(0);
    }
    let e = &view.entity;
    println!("{}  {}  {}", e.id, e.typ, e.canonical);
    println!("articles: {:?}", e.article_ids);
    println!("variants:");
    for v in &e.variants {
        println!("  {:<30} {:<3} {}", v.text, v.lang, v.count);
    }
    println!("mentions:");
    for m in &view.mentions {
        println!(
            "  [{}] {:<10} {} | {}",
            m.article_id,
            m.kind,
            m.text,
            context_line(&m.sentence_text, &m.text)
        );
    }
    if !view.other_matches.is_empty() {
        println!("also matches: {}", view.other_matches.join(", "));
    }
    Ok(0)
}

/// The sentence, shortened around the mention.
fn context_line(sentence: &str, mention: &str) -> String {
    let s = sentence.replace('\n', " ");
    if s.chars().count() <= 160 {
        return s;
    }
    let at = s.find(mention).unwrap_or(0);
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let ci = chars.iter().position(|(b, _)| *b >= at).unwrap_or(0);
    let from = ci.saturating_sub(70);
    let to = (ci + 90).min(chars.len());
    let mut out: String = chars[from..to].iter().map(|(_, c)| c).collect();
    if from > 0 {
        out.insert(0, '…');
    }
    if to < chars.len() {
        out.push('…');
    }
    out
}

#[derive(Serialize)]
struct ReanalyzeSummary {
    articles: u64,
    analysed: u64,
    entities: u64,
    mentions: u64,
    model_version: String,
    elapsed_ms: u64,
}

pub fn reanalyze(ctx: &Ctx, a: ReanalyzeArgs) -> anyhow::Result<i32> {
    let t0 = Instant::now();
    let store = open_existing(ctx)?;
    // From scratch, in ingest order: the same store gives the same ids.
    let analyser = Analyser::new()?;
    let version = analyser.model_version();
    let mut after = 0;
    let mut articles = 0u64;
    let mut mentions = 0u64;
    const BATCH: usize = 256;
    loop {
        let batch = store.list_articles(&ArticleFilter {
            after_id: Some(after),
            limit: Some(BATCH),
            ..Default::default()
        })?;
        let Some(last) = batch.last().map(|x| x.id) else {
            break;
        };
        let inputs: Vec<ArticleInput<'_>> = batch
            .iter()
            .map(|x| ArticleInput {
                id: x.id,
                text: &x.text,
                lang: &x.lang,
                dct: x.published.as_deref(),
            })
            .collect();
        let results = analyser.analyse_batch(&inputs);
        let items: Vec<(i64, Analysis)> = batch.iter().map(|x| x.id).zip(results).collect();
        mentions += items
            .iter()
            .map(|(_, x)| x.mentions.len() as u64)
            .sum::<u64>();
        articles += items.len() as u64;
        store.put_analyses(&items, &version)?;
        if !a.json {
            eprintln!("reanalyze: {articles} articles");
        }
        after = last;
    }
    let summary = ReanalyzeSummary {
        articles,
        analysed: articles,
        entities: store.stats()?.entities,
        mentions,
        model_version: version,
        elapsed_ms: t0.elapsed().as_millis() as u64,
    };
    if a.json {
        print_json(&summary)?;
    } else {
        println!(
            "reanalysed {} articles: {} mentions of {} entities in {} ms (model {})",
            summary.articles,
            summary.mentions,
            summary.entities,
            summary.elapsed_ms,
            summary.model_version
        );
    }
    Ok(0)
}
