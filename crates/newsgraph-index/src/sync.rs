//! Keeping the index consistent with the store.

use crate::{IndexDoc, Result, SearchIndex};
use newsgraph_model::ArticleId;
use newsgraph_store::{ArticleFilter, ArticleOrder, Store, StoryFilter};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::time::Instant;

/// Articles read from the store per step of a rebuild.
const PAGE: usize = 500;

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReindexSummary {
    pub articles: usize,
    pub seconds: f64,
    /// The store stamp the index now reflects.
    pub stamp: String,
}

/// A fingerprint of the store's content: changes whenever articles,
/// analyses, entities, stories or storylines are added or removed, or an
/// ingest run is recorded. The index keeps the stamp it was built from, so a
/// differing stamp means the index may be stale.
pub fn store_stamp(store: &dyn Store) -> Result<String> {
    let s = store.stats()?;
    let last_run = store
        .list_runs(1)?
        .into_iter()
        .next()
        .map(|r| format!("{}@{}", r.id, r.finished_at.unwrap_or_default()))
        .unwrap_or_default();
    Ok(format!(
        "articles={};analyses={};entities={};mentions={};stories={};storylines={};run={}",
        s.articles, s.analyses, s.entities, s.mentions, s.stories, s.storylines, last_run
    ))
}

/// Article id → the story it belongs to (the lowest story id if several).
fn story_map(store: &dyn Store) -> Result<HashMap<ArticleId, i64>> {
    let mut map = HashMap::new();
    for rec in store.list_stories(&StoryFilter::default())? {
        for a in &rec.story.article_ids {
            map.entry(*a)
                .and_modify(|s: &mut i64| *s = (*s).min(rec.story.id))
                .or_insert(rec.story.id);
        }
    }
    Ok(map)
}

/// Builds the index documents of the given articles from the store
/// (article, its analysis if any, its story if any). Unknown ids are skipped.
pub fn docs_for_articles(store: &dyn Store, ids: &[ArticleId]) -> Result<Vec<IndexDoc>> {
    let mut docs = Vec::with_capacity(ids.len());
    for &id in ids {
        let Some(article) = store.get_article(id)? else {
            continue;
        };
        let analysis = store.get_analysis(id)?;
        let story = store
            .list_stories(&StoryFilter {
                article_id: Some(id),
                ..Default::default()
            })?
            .iter()
            .map(|r| r.story.id)
            .min();
        docs.push(IndexDoc::from_article(
            &article,
            analysis.as_ref().map(|a| &a.analysis),
            story,
        ));
    }
    Ok(docs)
}

/// Adds or updates the given articles after the store committed them (call
/// after each committed ingest batch, reanalysis or story update of these
/// articles). Records the store's current stamp.
pub fn index_articles(store: &dyn Store, index: &SearchIndex, ids: &[ArticleId]) -> Result<usize> {
    let docs = docs_for_articles(store, ids)?;
    let stamp = store_stamp(store)?;
    index.upsert(&docs, Some(&stamp))
}

/// Rebuilds the whole index from the store (`newsgraph reindex`).
pub fn reindex(store: &dyn Store, index: &SearchIndex) -> Result<ReindexSummary> {
    let t0 = Instant::now();
    let stamp = store_stamp(store)?;
    let stories = story_map(store)?;
    let mut after: Option<ArticleId> = None;
    let mut done = false;
    let batches = std::iter::from_fn(|| {
        if done {
            return None;
        }
        let page = store.list_articles(&ArticleFilter {
            after_id: after,
            limit: Some(PAGE),
            order: ArticleOrder::Id,
            ..Default::default()
        });
        let page = match page {
            Ok(p) => p,
            Err(e) => {
                done = true;
                return Some(Err(e.into()));
            }
        };
        if page.is_empty() {
            done = true;
            return None;
        }
        after = page.last().map(|a| a.id);
        let mut docs = Vec::with_capacity(page.len());
        for a in &page {
            let analysis = match store.get_analysis(a.id) {
                Ok(x) => x,
                Err(e) => {
                    done = true;
                    return Some(Err(e.into()));
                }
            };
            docs.push(IndexDoc::from_article(
                a,
                analysis.as_ref().map(|s| &s.analysis),
                stories.get(&a.id).copied(),
            ));
        }
        Some(Ok(docs))
    });
    let n = index.rebuild(batches, Some(&stamp))?;
    Ok(ReindexSummary {
        articles: n,
        seconds: t0.elapsed().as_secs_f64(),
        stamp,
    })
}

/// Rebuilds the index when its stamp differs from the store's (a new index,
/// one recreated after a schema change, or a store changed by a process that
/// did not update the index). Returns the rebuild's summary, or `None` when
/// the index was already fresh.
pub fn ensure_fresh(store: &dyn Store, index: &SearchIndex) -> Result<Option<ReindexSummary>> {
    let current = store_stamp(store)?;
    if index.stamp().as_deref() == Some(current.as_str()) {
        return Ok(None);
    }
    reindex(store, index).map(Some)
}

/// What [`update_index`] did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UpdateSummary {
    /// Articles (re)indexed.
    pub articles: usize,
    /// Of those, articles whose story membership or analysis changed
    /// (beyond the ids the caller named).
    pub changed_elsewhere: usize,
    /// Whether the whole index was rebuilt instead (a new or recreated
    /// index, or one that disagrees with the store in a way an update cannot
    /// explain).
    pub rebuilt: bool,
    pub seconds: f64,
    /// The store stamp the index now reflects.
    pub stamp: String,
}

/// Brings the index up to date after the store changed, indexing only what
/// changed (call after each committed ingest batch, with the ids it stored):
///
/// - the articles in `changed` (new, or otherwise known to have changed);
/// - every article whose story in the store differs from the indexed one
///   (re-clustering moves articles between stories and renumbers them);
/// - articles indexed without an analysis that have one now.
///
/// The cost is O(changed articles) for the documents plus one pass over the
/// store's story memberships and the index's fast fields (no texts are read
/// for unchanged articles). When the index is new, was recreated, or would
/// not hold exactly the store's articles afterwards (another process stored
/// articles without indexing them), it is rebuilt with [`reindex`] instead.
pub fn update_index(
    store: &dyn Store,
    index: &SearchIndex,
    changed: &[ArticleId],
) -> Result<UpdateSummary> {
    let t0 = Instant::now();
    let stamp = store_stamp(store)?;
    let rebuild = |t0: Instant| -> Result<UpdateSummary> {
        let s = reindex(store, index)?;
        Ok(UpdateSummary {
            articles: s.articles,
            changed_elsewhere: 0,
            rebuilt: true,
            seconds: t0.elapsed().as_secs_f64(),
            stamp: s.stamp,
        })
    };
    let Some(indexed_stamp) = index.stamp() else {
        return rebuild(t0);
    };
    if indexed_stamp == stamp && changed.is_empty() {
        return Ok(UpdateSummary {
            articles: 0,
            changed_elsewhere: 0,
            rebuilt: false,
            seconds: t0.elapsed().as_secs_f64(),
            stamp,
        });
    }
    // Another process may have committed to the index since our last reload.
    index.reload()?;
    let state = index.indexed_state()?;
    let stories = story_map(store)?;
    let mut ids: std::collections::BTreeSet<ArticleId> = changed.iter().copied().collect();
    let named = ids.len();
    // Story membership: articles whose story differs, on either side.
    for (id, s) in &state {
        if stories.get(id).copied() != s.story {
            ids.insert(*id);
        }
    }
    for id in stories.keys() {
        if !state.contains_key(id) {
            // In a story but not indexed: stored without being indexed.
            ids.insert(*id);
        }
    }
    // Analyses stored for articles indexed before they had one.
    let stats = store.stats()?;
    let analysed_in_index = state.values().filter(|s| s.analysed).count() as u64;
    if stats.analyses > analysed_in_index {
        for (id, s) in &state {
            if !s.analysed && !ids.contains(id) && store.get_analysis(*id)?.is_some() {
                ids.insert(*id);
            }
        }
    }
    let changed_elsewhere = ids.len() - named.min(ids.len());
    // When most documents change anyway (a re-clustering that renumbered
    // the stories), one rebuild is cheaper than deleting and re-adding each.
    if ids.len() > 1000 && ids.len() > state.len() / 2 {
        return rebuild(t0);
    }
    let ids: Vec<ArticleId> = ids.into_iter().collect();
    let docs = docs_with_stories(store, &ids, &stories)?;
    let added = docs.iter().filter(|d| !state.contains_key(&d.id)).count();
    if (state.len() + added) as u64 != stats.articles {
        return rebuild(t0);
    }
    index.upsert(&docs, Some(&stamp))?;
    Ok(UpdateSummary {
        articles: docs.len(),
        changed_elsewhere,
        rebuilt: false,
        seconds: t0.elapsed().as_secs_f64(),
        stamp,
    })
}

/// Index documents of the given articles, with stories from a precomputed map.
fn docs_with_stories(
    store: &dyn Store,
    ids: &[ArticleId],
    stories: &HashMap<ArticleId, i64>,
) -> Result<Vec<IndexDoc>> {
    let mut docs = Vec::with_capacity(ids.len());
    for &id in ids {
        let Some(article) = store.get_article(id)? else {
            continue;
        };
        let analysis = store.get_analysis(id)?;
        docs.push(IndexDoc::from_article(
            &article,
            analysis.as_ref().map(|a| &a.analysis),
            stories.get(&id).copied(),
        ));
    }
    Ok(docs)
}
