//! `stories`, `storylines`, `story`, `recluster`: event clusters and
//! storylines of the store, and re-clustering the whole store.

use crate::Ctx;
use anyhow::{Context, Result};
use clap::Args;
use newsgraph_model::{Analysis, Article, ArticleId, Story};
use newsgraph_store::{ArticleFilter, ArticleOrder, StoryFilter, StoryRecord, StorylineRecord};
use newsgraph_stories::story::{StoryEngine, batch_features};
use newsgraph_stories::{
    ArticleFeatures, BuiltStory, ClusterConfig, ClusterOut, SimilarityModel,
    recluster as run_recluster,
};
use std::collections::{BTreeMap, BTreeSet};

/// List event clusters.
#[derive(Args, Debug)]
pub struct StoriesArgs {
    /// Only stories of this storyline.
    #[arg(long)]
    pub storyline: Option<i64>,
    /// Only stories containing this article.
    #[arg(long)]
    pub article: Option<i64>,
    #[arg(long)]
    pub limit: Option<usize>,
    /// Print JSON (an array of Story objects).
    #[arg(long)]
    pub json: bool,
}

/// List storylines.
#[derive(Args, Debug)]
pub struct StorylinesArgs {
    /// Print JSON (an array of Storyline objects).
    #[arg(long)]
    pub json: bool,
}

/// Show one story: members, timeline, entities.
#[derive(Args, Debug)]
pub struct StoryArgs {
    pub id: i64,
    /// Also show, for each article, what tied it in.
    #[arg(long)]
    pub why: bool,
    #[arg(long)]
    pub json: bool,
}

/// Re-cluster every stored article into stories and storylines.
#[derive(Args, Debug)]
pub struct ReclusterArgs {
    /// Minimal similarity score to join a cluster (default from the engine).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Days without a new article after which a cluster is closed.
    #[arg(long)]
    pub window_days: Option<i64>,
    #[arg(long)]
    pub json: bool,
}

/// Append a formatted line to a buffer.
macro_rules! outln {
    ($buf:ident, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = writeln!($buf, $($arg)*);
    }};
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

fn open(ctx: &Ctx) -> Result<Box<dyn newsgraph_store::Store>> {
    newsgraph_store::open(&ctx.db).with_context(|| format!("opening store {}", ctx.db))
}

fn story_line(s: &Story) -> String {
    format!(
        "{:>5}  {:<10} {:<10} {:>3} art  [{}]  sl={}  {}",
        s.id,
        s.start.as_deref().unwrap_or("-"),
        s.end.as_deref().unwrap_or("-"),
        s.article_ids.len(),
        s.languages.join(","),
        s.storyline_id
            .map(|x| x.to_string())
            .unwrap_or_else(|| "-".into()),
        s.title.chars().take(80).collect::<String>()
    )
}

/// `newsgraph stories`.
pub fn stories(ctx: &Ctx, a: StoriesArgs) -> Result<i32> {
    let mut buf = String::new();
    let store = open(ctx)?;
    let recs = store.list_stories(&StoryFilter {
        article_id: a.article,
        storyline_id: a.storyline,
        limit: a.limit,
        offset: 0,
    })?;
    if a.json {
        let v: Vec<&Story> = recs.iter().map(|r| &r.story).collect();
        outln!(buf, "{}", serde_json::to_string_pretty(&v)?);
    } else {
        if recs.is_empty() {
            eprintln!("no stories (run `newsgraph recluster` after ingest)");
        }
        for r in &recs {
            outln!(buf, "{}", story_line(&r.story));
        }
    }
    emit(&buf)?;
    Ok(0)
}

/// `newsgraph storylines`.
pub fn storylines(ctx: &Ctx, a: StorylinesArgs) -> Result<i32> {
    let mut buf = String::new();
    let store = open(ctx)?;
    let recs = store.list_storylines()?;
    if a.json {
        let v: Vec<_> = recs.iter().map(|r| &r.storyline).collect();
        outln!(buf, "{}", serde_json::to_string_pretty(&v)?);
    } else {
        for r in &recs {
            let s = &r.storyline;
            let ents: Vec<&str> = s
                .top_entities
                .iter()
                .take(5)
                .map(|e| e.canonical.as_str())
                .collect();
            outln!(
                buf,
                "{:>5}  {:<10} {:<10} stories {:?}  {}  [{}]",
                s.id,
                s.start.as_deref().unwrap_or("-"),
                s.end.as_deref().unwrap_or("-"),
                s.story_ids,
                s.title.chars().take(70).collect::<String>(),
                ents.join(", ")
            );
        }
    }
    emit(&buf)?;
    Ok(0)
}

/// `newsgraph story ID`.
pub fn story(ctx: &Ctx, a: StoryArgs) -> Result<i32> {
    let mut buf = String::new();
    let store = open(ctx)?;
    let Some(rec) = store.get_story(a.id)? else {
        eprintln!("newsgraph story: no story {}", a.id);
        return Ok(1);
    };
    let mut members = Vec::new();
    for id in &rec.story.article_ids {
        if let Some(art) = store.get_article(*id)? {
            members.push(serde_json::json!({
                "id": art.id,
                "title": art.title,
                "lang": art.lang,
                "source": art.source,
                "published": art.published,
            }));
        }
    }
    let timeline = rec
        .extra
        .get("timeline")
        .cloned()
        .unwrap_or(serde_json::json!([]));
    let why = rec
        .extra
        .get("why")
        .cloned()
        .unwrap_or(serde_json::json!([]));
    if a.json {
        // The same shape as `GET /api/stories/{id}`: members, timeline,
        // entities, merged events and the differences between sources.
        let detail = newsgraph_server::story_detail_in(store.as_ref(), a.id)
            .map_err(|e| anyhow::anyhow!("story {}: {}", a.id, e.message))?;
        let mut out = serde_json::to_value(&detail)?;
        if !a.why
            && let Some(o) = out.as_object_mut()
        {
            o.remove("why");
        }
        outln!(buf, "{}", serde_json::to_string_pretty(&out)?);
        emit(&buf)?;
        return Ok(0);
    }
    outln!(buf, "{}", story_line(&rec.story));
    outln!(buf, "\nmembers:");
    for m in &members {
        outln!(
            buf,
            "  {:>5}  {:<3} {:<10} {:<20} {}",
            m["id"],
            m["lang"].as_str().unwrap_or(""),
            m["published"].as_str().unwrap_or("-"),
            m["source"].as_str().unwrap_or("-"),
            m["title"].as_str().unwrap_or("")
        );
    }
    outln!(buf, "\nentities:");
    for e in &rec.story.top_entities {
        outln!(
            buf,
            "  {:<40} {:<4} {}",
            e.canonical,
            e.typ.as_str(),
            e.count
        );
    }
    outln!(buf, "\ntimeline:");
    for t in timeline.as_array().into_iter().flatten() {
        outln!(
            buf,
            "  {:<10} {:?} {}",
            t["date"].as_str().unwrap_or(""),
            t["article_ids"].as_array().map(|v| v.len()).unwrap_or(0),
            t["text"]
                .as_str()
                .unwrap_or("")
                .chars()
                .take(160)
                .collect::<String>()
        );
    }
    if a.why {
        outln!(buf, "\nwhy:");
        for w in why.as_array().into_iter().flatten() {
            outln!(
                buf,
                "  article {}: joined at {:.3}; closest {}; entities {}; dates {}; names/numbers {}",
                w["article_id"],
                w["join_score"].as_f64().unwrap_or(0.0),
                w["closest"],
                w["shared_entities"],
                w["shared_dates"],
                w["shared_terms"]
            );
        }
    }
    emit(&buf)?;
    Ok(0)
}

/// Store records of built stories and storylines.
pub fn records(
    built: &[BuiltStory],
    storylines: &[newsgraph_model::Storyline],
) -> (Vec<StorylineRecord>, Vec<StoryRecord>) {
    let sl = storylines
        .iter()
        .map(|s| StorylineRecord {
            storyline: s.clone(),
            extra: serde_json::Value::Null,
        })
        .collect();
    let st = built
        .iter()
        .map(|b| StoryRecord {
            story: b.story.clone(),
            extra: serde_json::json!({"why": b.why, "timeline": b.timeline}),
        })
        .collect();
    (sl, st)
}

/// Every stored article with its analysis (if any), in id order.
pub fn load_all(store: &dyn newsgraph_store::Store) -> Result<Vec<(Article, Option<Analysis>)>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = store.list_articles(&ArticleFilter {
            after_id: after,
            limit: Some(1000),
            order: ArticleOrder::Id,
            ..Default::default()
        })?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for art in page {
            let an = store.get_analysis(art.id)?.map(|s| s.analysis);
            out.push((art, an));
        }
    }
    Ok(out)
}

/// Re-clusters every stored article into stories and storylines, replaces
/// them in the store and saves the engine state (so that ingest goes on
/// incrementally from it); returns a JSON summary.
pub fn recluster_store(
    store: &dyn newsgraph_store::Store,
    cfg: ClusterConfig,
) -> Result<serde_json::Value> {
    let items = load_all(store)?;
    let analysed = items.iter().filter(|x| x.1.is_some()).count();
    let (built, storylines, engine) = run_recluster(&items, cfg, SimilarityModel::embedded()?);
    let (sl, st) = records(&built, &storylines);
    store.replace_stories(&sl, &st)?;
    store.update_stories(&[], &[], &[], &[], Some(&engine.save()))?;
    Ok(serde_json::json!({
        "articles": items.len(),
        "analysed": analysed,
        "stories": st.len(),
        "storylines": sl.len(),
        "multi_article_stories": built.iter().filter(|b| b.story.article_ids.len() > 1).count(),
    }))
}

/// Articles with their analyses, in the order of `ids` (missing ones skipped).
fn load_items(
    store: &dyn newsgraph_store::Store,
    ids: impl IntoIterator<Item = ArticleId>,
) -> Result<Vec<(Article, Option<Analysis>)>> {
    let mut out = Vec::new();
    for id in ids {
        if let Some(a) = store.get_article(id)? {
            let an = store.get_analysis(id)?.map(|s| s.analysis);
            out.push((a, an));
        }
    }
    Ok(out)
}

/// The incremental stories step after a batch: restores the engine state
/// saved in the store, takes articles of `ids` that already belong to a
/// story out of it (they were re-dated or re-analysed), assigns `ids` in
/// publication order, and writes only the stories and storylines that
/// changed, with the new state, in one transaction. Cost: the batch, the
/// live window and the touched stories, not the archive. Without a saved
/// state (a store clustered by an older build) it re-clusters the store
/// once. Returns a JSON summary.
pub fn update_store(
    store: &dyn newsgraph_store::Store,
    ids: &[ArticleId],
) -> Result<serde_json::Value> {
    let model = SimilarityModel::embedded()?;
    let state = store.stories_state()?;
    let mut engine = match state
        .as_deref()
        .map(|b| StoryEngine::restore(b, model.clone()))
    {
        Some(Ok(e)) => e,
        Some(Err(e)) => {
            eprintln!("newsgraph: {e}; re-clustering the whole store once");
            return recluster_store(store, ClusterConfig::default());
        }
        None if store.stats()?.stories > 0 => {
            eprintln!("newsgraph: no saved stories state; re-clustering the whole store once");
            return recluster_store(store, ClusterConfig::default());
        }
        None => StoryEngine::new(ClusterConfig::default(), model.clone()),
    };
    let cfg = engine.clusterer().config().clone();
    let mut ids: Vec<ArticleId> = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let items = load_items(store, ids.iter().copied())?;
    // articles already in a story changed since they were assigned
    let live: BTreeSet<u64> = engine.clusterer().live_ids().into_iter().collect();
    let mut changed = Vec::new();
    let mut edited: BTreeMap<i64, StoryRecord> = BTreeMap::new();
    for (a, an) in &items {
        for rec in store.list_stories(&StoryFilter {
            article_id: Some(a.id),
            ..Default::default()
        })? {
            if live.contains(&(rec.story.id as u64)) {
                changed.push(ArticleFeatures::from_analysis(a, an.as_ref()));
            } else {
                let rec = edited.entry(rec.story.id).or_insert(rec);
                rec.story.article_ids.retain(|x| *x != a.id);
            }
        }
    }
    let feats = batch_features(&items, &cfg, &model);
    let up = engine.step(&changed, &feats);
    // every member of every story to write
    let mut need: BTreeSet<ArticleId> = up
        .clusters
        .iter()
        .flat_map(|c| c.members.iter().map(|m| m.0))
        .collect();
    need.extend(
        edited
            .values()
            .flat_map(|r| r.story.article_ids.iter().copied()),
    );
    let have: BTreeSet<ArticleId> = items.iter().map(|x| x.0.id).collect();
    let mut all = items;
    all.extend(load_items(store, need.difference(&have).copied())?);
    let mut all_feats: Vec<ArticleFeatures> = all
        .iter()
        .map(|(a, an)| {
            let mut f = ArticleFeatures::from_analysis(a, an.as_ref());
            f.day = newsgraph_stories::story::article_day(a, an.as_ref());
            f
        })
        .collect();
    // the days the engine used (an undated article may have taken one)
    let used: BTreeMap<ArticleId, Option<i64>> = feats.iter().map(|f| (f.id, f.day)).collect();
    for f in &mut all_feats {
        if f.day.is_none()
            && let Some(d) = used.get(&f.id)
        {
            f.day = *d;
        }
    }
    // finished stories that lost an article: rebuilt from their other members
    let mut outs = up.clusters.clone();
    let mut removed: Vec<i64> = up.removed.iter().map(|x| *x as i64).collect();
    for (id, rec) in &edited {
        if rec.story.article_ids.is_empty() {
            removed.push(*id);
        } else {
            outs.push(cluster_of_record(&rec.story, &rec.extra, &all_feats));
        }
    }
    let built = newsgraph_stories::story::build_stories(
        &all,
        &all_feats,
        engine.clusterer().doc_freq(),
        &model,
        &cfg,
        &outs,
    );
    // storylines touched: those of the new and old versions of each story
    let new_ids: BTreeSet<i64> = built.iter().map(|b| b.story.id).collect();
    let mut touched: BTreeSet<i64> = built.iter().filter_map(|b| b.story.storyline_id).collect();
    for id in new_ids.iter().chain(&removed) {
        if let Some(old) = store.get_story(*id)? {
            touched.extend(old.story.storyline_id);
        }
    }
    let gone: BTreeSet<i64> = removed.iter().copied().collect();
    let mut sl_records = Vec::new();
    let mut sl_removed = Vec::new();
    for sid in touched {
        let mut members: BTreeMap<i64, Story> = store
            .list_stories(&StoryFilter {
                storyline_id: Some(sid),
                ..Default::default()
            })?
            .into_iter()
            .filter(|r| !gone.contains(&r.story.id) && !new_ids.contains(&r.story.id))
            .map(|r| (r.story.id, r.story))
            .collect();
        for b in built.iter().filter(|b| b.story.storyline_id == Some(sid)) {
            members.insert(b.story.id, b.story.clone());
        }
        match newsgraph_stories::story::storylines_of(members.values()).pop() {
            Some(s) => sl_records.push(StorylineRecord {
                storyline: s,
                extra: serde_json::Value::Null,
            }),
            None => sl_removed.push(sid),
        }
    }
    let (_, st) = records(&built, &[]);
    store.update_stories(
        &sl_records,
        &st,
        &removed,
        &sl_removed,
        Some(&engine.save()),
    )?;
    Ok(serde_json::json!({
        "articles": ids.len(),
        "reassigned": changed.len() + edited.len(),
        "stories_written": st.len(),
        "stories_removed": removed.len(),
        "storylines_written": sl_records.len(),
        "live_clusters": engine.clusterer().live_clusters(),
        "stories": store.stats()?.stories,
        "storylines": store.stats()?.storylines,
    }))
}

/// A finished story as a cluster, to rebuild it after one of its articles
/// left it (join scores from its stored `why`).
fn cluster_of_record(
    s: &Story,
    extra: &serde_json::Value,
    feats: &[ArticleFeatures],
) -> ClusterOut {
    let join = |id: ArticleId| {
        extra["why"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|w| w["article_id"].as_i64() == Some(id))
            .and_then(|w| w["join_score"].as_f64())
            .unwrap_or(0.0)
    };
    let mine: Vec<&ArticleFeatures> = feats
        .iter()
        .filter(|f| s.article_ids.contains(&f.id))
        .collect();
    let mut entities: BTreeMap<String, u32> = BTreeMap::new();
    for f in &mine {
        for (e, n) in &f.entities {
            *entities.entry(e.clone()).or_insert(0) += n;
        }
    }
    let mut entities: Vec<(String, u32)> = entities.into_iter().collect();
    entities.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let langs: BTreeSet<String> = mine.iter().map(|f| f.lang.clone()).collect();
    let sources: BTreeSet<String> = mine.iter().filter_map(|f| f.source.clone()).collect();
    ClusterOut {
        id: s.id as u64,
        members: s.article_ids.iter().map(|a| (*a, join(*a))).collect(),
        first_day: mine.iter().filter_map(|f| f.day).min(),
        last_day: mine.iter().filter_map(|f| f.day).max(),
        languages: langs.into_iter().collect(),
        sources: sources.into_iter().collect(),
        entities,
        storyline: s.storyline_id.unwrap_or(0) as u64,
        merged: Vec::new(),
    }
}

/// `newsgraph recluster`.
pub fn recluster(ctx: &Ctx, a: ReclusterArgs) -> Result<i32> {
    let mut buf = String::new();
    let store = open(ctx)?;
    let mut cfg = ClusterConfig::default();
    if let Some(t) = a.threshold {
        cfg.join_threshold = t;
    }
    if let Some(w) = a.window_days {
        cfg.window_days = w;
    }
    let summary = recluster_store(store.as_ref(), cfg)?;
    if a.json {
        outln!(buf, "{summary}");
    } else {
        outln!(
            buf,
            "re-clustered {} articles ({} analysed): {} stories ({} with several articles), {} storylines",
            summary["articles"],
            summary["analysed"],
            summary["stories"],
            summary["multi_article_stories"],
            summary["storylines"]
        );
    }
    emit(&buf)?;
    Ok(0)
}

/// Benchmark the clusterer on a synthetic stream recombined from real texts.
#[derive(Args, Debug)]
pub struct BenchArgs {
    /// SemEval-2022 Task 8 CSV whose texts are recombined into events.
    #[arg(
        long,
        default_value = "../shared/data/similarity/semeval2022-task8-sample-a.csv"
    )]
    pub data: std::path::PathBuf,
    /// Articles to feed.
    #[arg(long, default_value_t = 200_000)]
    pub articles: usize,
    /// Articles per day.
    #[arg(long, default_value_t = 1000)]
    pub per_day: usize,
    /// Seed of the generator.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// `newsgraph bench stories`: prints a JSON report (BCubed P/R/F1,
/// articles per second, engine memory).
pub fn bench(a: BenchArgs) -> Result<i32> {
    let mut buf = String::new();
    let (pairs, _) = newsgraph_stories::semeval::read_pairs(&a.data)?;
    anyhow::ensure!(!pairs.is_empty(), "{}: no pairs", a.data.display());
    let r = newsgraph_stories::bench::run(
        &pairs,
        a.articles,
        a.per_day,
        ClusterConfig::default(),
        SimilarityModel::embedded()?,
        a.seed,
    );
    outln!(buf, "{}", serde_json::to_string_pretty(&r)?);
    emit(&buf)?;
    Ok(0)
}
