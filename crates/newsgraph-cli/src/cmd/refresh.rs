//! What follows storing and analysing new articles, in one place for every
//! way articles arrive (`newsgraph ingest`, `POST /api/ingest`, `watch`,
//! workers): the stories are brought up to date, then the estimated
//! publication dates (and the stories of re-dated articles), then the search
//! index.
//!
//! Each step is owned by its area's module; this file only fixes their order.
//! A step that adds to the chain adds one call here, so that the CLI, the API
//! and the workers can never drift apart.

use anyhow::{Context, Result};
use newsgraph_index::SearchIndex;
use newsgraph_model::ArticleId;
use newsgraph_store::Store;

/// At most this many left-over analysed articles are picked up per batch
/// (the rest by the next one).
const UNASSIGNED_BATCH: usize = 100_000;

/// What [`after_ingest`] did, for the `--json` summaries.
#[derive(Debug, Default)]
pub(crate) struct Refreshed {
    /// The stories step's summary (`None` when nothing was analysed).
    pub stories: Option<serde_json::Value>,
    /// Articles (re)indexed, when an index was given.
    pub indexed: Option<u64>,
}

/// Brings the derived views up to date after a batch.
///
/// `new_ids` are the articles this batch stored; `analysed` is how many
/// articles were analysed (this batch's and earlier left-overs). `index`,
/// when given, is the search index next to the store.
pub(crate) fn after_ingest(
    store: &dyn Store,
    index: Option<&SearchIndex>,
    new_ids: &[ArticleId],
    analysed: u64,
) -> Result<Refreshed> {
    let mut out = Refreshed::default();
    // New analyses change the stories: assign them so that `stories` is
    // current when ingest returns. Analysed articles in no story (a run
    // killed between storing analyses and assigning them) go along.
    let mut ids = store
        .unassigned_analysed(UNASSIGNED_BATCH)
        .context("listing unassigned articles")?;
    ids.extend_from_slice(new_ids);
    ids.sort_unstable();
    ids.dedup();
    // `new_ids` are distinct, so a longer list holds left-overs.
    let had_left_overs = ids.len() > new_ids.len();
    let mut touched = ids.clone();
    if analysed > 0 || had_left_overs {
        out.stories = Some(stories_step(store, &ids)?);
        // Publication dates of undated articles, estimated from their story
        // and storyline siblings; re-dated articles go through the stories
        // step again.
        let redated = crate::cmd::time::estimate_dates(store, &ids)
            .context("estimating publication dates")?;
        if !redated.is_empty() {
            out.stories = Some(stories_step(store, &redated)?);
            touched.extend(redated);
        }
    }
    // Keep the search index consistent with the store: index the new
    // articles and those whose story or analysis changed (found by comparing
    // the indexed story ids and analysis flags with the store); a full
    // rebuild only when the index cannot account for the store's articles.
    if let Some(index) = index
        && (!ids.is_empty() || analysed > 0)
    {
        let s = newsgraph_index::update_index(store, index, &touched)
            .context("updating search index")?;
        out.indexed = Some(s.articles as u64);
    }
    Ok(out)
}

/// The stories step for the articles `ids` (new, re-analysed or re-dated).
fn stories_step(store: &dyn Store, ids: &[ArticleId]) -> Result<serde_json::Value> {
    // Incremental: assigns `ids` (re-assigning those already in a story)
    // from the engine state saved in the store; `recluster` rebuilds all.
    crate::cmd::stories::update_store(store, ids).context("clustering stories")
}
