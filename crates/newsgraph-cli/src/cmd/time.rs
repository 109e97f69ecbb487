//! `eval timex`: score the temporal tagger against TimeML or JSONL gold;
//! the dates step after ingest: publication dates of undated articles
//! estimated from their story and storyline siblings.
use anyhow::Context;
use clap::Args;
use newsgraph_time::eval::{self, GoldDoc, Mismatch, Report};
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// A directory of TimeML `.tml` files, or a JSONL file of annotated sentences.
    pub path: PathBuf,
    /// Write every mismatch (missed, spurious, wrong value) as JSON lines here.
    #[arg(long)]
    pub errors: Option<PathBuf>,
    /// Language of TimeML documents (JSONL lines carry their own).
    #[arg(long, default_value = "en")]
    pub lang: String,
}

fn load(path: &Path, lang: &str) -> anyhow::Result<Vec<GoldDoc>> {
    let mut docs = Vec::new();
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("reading {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "tml"))
            .collect();
        files.sort();
        for f in files {
            let id = f
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let xml = match std::fs::read_to_string(&f) {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("skipping {}: {e}", f.display());
                    continue;
                }
            };
            match eval::parse_timeml(&id, &xml) {
                Ok(mut d) => {
                    d.lang = lang.to_string();
                    docs.push(d)
                }
                Err(e) => eprintln!("skipping {}: {e}", f.display()),
            }
        }
    } else {
        let src =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        for (i, line) in src.lines().enumerate() {
            if line.trim().is_empty() || line.trim_start().starts_with("//") {
                continue;
            }
            let id = format!("{}:{}", path.display(), i + 1);
            match eval::parse_jsonl_line(&id, line) {
                Ok(d) => docs.push(d),
                Err(e) => eprintln!("skipping line {}: {e}", i + 1),
            }
        }
    }
    if docs.is_empty() {
        anyhow::bail!("no gold documents in {}", path.display());
    }
    Ok(docs)
}

pub fn eval(a: EvalArgs) -> anyhow::Result<i32> {
    let docs = load(&a.path, &a.lang)?;
    let mut errs: Vec<Mismatch> = Vec::new();
    let (counts, secs) = eval::evaluate(&docs, a.errors.as_ref().map(|_| &mut errs));
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let report = Report::new(&counts, docs.len(), secs, bytes);
    if let Some(p) = &a.errors {
        let mut out = String::new();
        for e in &errs {
            out.push_str(&serde_json::to_string(e)?);
            out.push('\n');
        }
        std::fs::write(p, out).with_context(|| format!("writing {}", p.display()))?;
    }
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(0)
}

/// The dates step of `refresh::after_ingest`: estimates the publication
/// date of every undated (or estimated) article in the stories and
/// storylines that hold `ids`, from the whole group's evidence
/// (`newsgraph_time::estimate_group`), stores it with
/// `published_estimated = true` and re-resolves the article's timexes and
/// event dates against it. Returns the articles whose date changed (the
/// stories step must see them again).
pub(crate) fn estimate_dates(
    store: &dyn newsgraph_store::Store,
    ids: &[newsgraph_model::ArticleId],
) -> anyhow::Result<Vec<newsgraph_model::ArticleId>> {
    use newsgraph_store::StoryFilter;
    use std::collections::{BTreeMap, BTreeSet};
    /// Groups larger than this are cut (the estimator is quadratic).
    const MAX_GROUP: usize = 200;
    // the groups: a story with its storyline's other stories
    let mut groups: BTreeSet<Vec<i64>> = BTreeSet::new();
    let mut seen_stories: BTreeSet<i64> = BTreeSet::new();
    for &id in ids {
        let stories = store.list_stories(&StoryFilter {
            article_id: Some(id),
            ..Default::default()
        })?;
        for rec in stories {
            if !seen_stories.insert(rec.story.id) {
                continue;
            }
            let mut members: BTreeSet<i64> = rec.story.article_ids.iter().copied().collect();
            if let Some(sl) = rec.story.storyline_id {
                for sib in store.list_stories(&StoryFilter {
                    storyline_id: Some(sl),
                    ..Default::default()
                })? {
                    seen_stories.insert(sib.story.id);
                    members.extend(sib.story.article_ids.iter().copied());
                }
            }
            groups.insert(members.into_iter().take(MAX_GROUP).collect());
        }
    }
    let mut estimates: Vec<(u64, newsgraph_time::Estimate)> = Vec::new();
    let mut articles: BTreeMap<i64, newsgraph_model::Article> = BTreeMap::new();
    for g in &groups {
        let arts: Vec<newsgraph_model::Article> = g
            .iter()
            .filter_map(|id| match store.get_article(*id) {
                Ok(a) => a,
                Err(e) => {
                    eprintln!("newsgraph: dates: article {id}: {e}");
                    None
                }
            })
            .collect();
        if !arts
            .iter()
            .any(|a| a.published_estimated || a.published.is_none())
        {
            continue;
        }
        let members: Vec<newsgraph_time::GroupMember<'_>> = arts
            .iter()
            .map(|a| newsgraph_time::GroupMember {
                text: &a.text,
                lang: &a.lang,
                published: a.published.as_deref().filter(|_| !a.published_estimated),
            })
            .collect();
        for (a, e) in arts.iter().zip(newsgraph_time::estimate_group(&members)) {
            if let Some(e) = e {
                estimates.push((a.id as u64, e));
            }
        }
        for a in arts {
            articles.insert(a.id, a);
        }
    }
    let mut changed = Vec::new();
    for (id, e) in newsgraph_time::merge_estimates(estimates) {
        let id = id as i64;
        let Some(a) = articles.get(&id) else { continue };
        let date = e.date.to_string();
        if a.published_estimated && a.published.as_deref().and_then(|p| p.get(..10)) == Some(&date)
        {
            continue;
        }
        store
            .set_published(id, Some(&date), true)
            .with_context(|| format!("storing the estimated date of article {id}"))?;
        redate_analysis(store, a, &date)?;
        changed.push(id);
    }
    Ok(changed)
}

/// Re-resolve the stored analysis of `a` against its new date: timexes,
/// then events and quotes (their dates come from the timexes).
fn redate_analysis(
    store: &dyn newsgraph_store::Store,
    a: &newsgraph_model::Article,
    date: &str,
) -> anyhow::Result<()> {
    let Some(stored) = store.get_analysis(a.id)? else {
        return Ok(());
    };
    let mut an = stored.analysis;
    let spans: Vec<newsgraph_model::Span> = an
        .sentences
        .iter()
        .map(|s| newsgraph_model::Span::new(s.start, s.end))
        .collect();
    an.timexes = newsgraph_time::annotate(&a.text, &an.lang, Some(date), &spans);
    an.dct = Some(date.to_string());
    let (events, quotes) = newsgraph_events::extract(&a.text, &an.lang, &an, a.id);
    an.events = events;
    an.quotes = quotes;
    store
        .put_analyses(&[(a.id, an)], &stored.model_version)
        .with_context(|| format!("storing the re-dated analysis of article {}", a.id))
}
