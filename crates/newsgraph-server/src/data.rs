//! What the API and the pages show, gathered from the store and the index
//! (blocking code; callers run it on the blocking pool).

use crate::story::{self, StoryCache, StoryDetail, StoryQuery};
use crate::{ApiError, AppState};
use newsgraph_events::MergedEvent;
use newsgraph_index::{DayCount, EntityFacet, SearchRequest, SortOrder};
use newsgraph_model::{Analysis, Article, ArticleId, Entity, Story};
use newsgraph_store::{EntityMention, StoryFilter};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long the list of all stories is reused between requests.
const STORY_CACHE_TTL: Duration = Duration::from_secs(5);

/// Caches shared by requests.
#[derive(Default)]
pub struct Cache {
    stories: Mutex<Option<(Instant, Arc<Vec<Story>>)>>,
    /// What is derived from all members of a story, per story version.
    pub details: StoryCache,
}

impl Cache {
    /// The cached story list (set to `None` to drop it).
    pub fn stories_guard(&self) -> std::sync::MutexGuard<'_, Option<(Instant, Arc<Vec<Story>>)>> {
        self.stories.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// `GET /api/articles/{id}`: the stored article, its analysis and stories.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArticleDetail {
    #[serde(flatten)]
    pub article: Article,
    pub analysis: Option<Analysis>,
    pub model_version: Option<String>,
    pub story_ids: Vec<i64>,
}

/// `GET /api/entities/{id}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntityDetail {
    pub entity: Entity,
    /// Mentions in article order (at most 200).
    pub mentions: Vec<EntityMention>,
    /// Articles mentioning it per publication day.
    pub timeline: Vec<DayCount>,
    /// Entities mentioned in the same articles, with the number of shared articles.
    pub cooccurring: Vec<EntityFacet>,
}

/// A story on the front page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FrontStory {
    pub story: Story,
    /// Member articles published in the 24 hours before the newest article.
    pub recent: u64,
}

pub fn article_detail(st: &AppState, id: ArticleId) -> Result<ArticleDetail, ApiError> {
    let article = st
        .store
        .get_article(id)?
        .ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
    let analysis = st.store.get_analysis(id)?;
    let story_ids = st
        .store
        .list_stories(&StoryFilter {
            article_id: Some(id),
            ..Default::default()
        })?
        .into_iter()
        .map(|r| r.story.id)
        .collect();
    Ok(ArticleDetail {
        article,
        model_version: analysis.as_ref().map(|a| a.model_version.clone()),
        analysis: analysis.map(|a| a.analysis),
        story_ids,
    })
}

/// A story's detail for `q` (derived data from the cache, the members'
/// page from the store).
pub fn story_detail(st: &AppState, id: i64, q: &StoryQuery) -> Result<StoryDetail, ApiError> {
    let p = st.cache.details.get(&st.store, id)?;
    story::render(st.store.as_ref(), &p, q)
}

/// Events: of one story (merged), of one article (merged), or of the newest
/// `limit` articles (merged).
pub fn events(
    st: &AppState,
    story: Option<i64>,
    article: Option<ArticleId>,
    limit: usize,
) -> Result<Vec<MergedEvent>, ApiError> {
    if let Some(s) = story {
        return Ok(st.cache.details.get(&st.store, s)?.events.clone());
    }
    let ids: Vec<ArticleId> = if let Some(a) = article {
        if st.store.get_article(a)?.is_none() {
            return Err(ApiError::not_found(format!("no article {a}")));
        }
        vec![a]
    } else {
        let total = st.store.stats()?.articles;
        let start = total.saturating_sub(limit as u64);
        st.store
            .list_articles(&newsgraph_store::ArticleFilter {
                after_id: Some(start as i64),
                limit: Some(limit),
                ..Default::default()
            })?
            .into_iter()
            .map(|a| a.id)
            .collect()
    };
    let mut events = Vec::new();
    for id in ids {
        if let Some(an) = st.store.get_analysis(id)? {
            events.extend(an.analysis.events.into_iter().map(|e| (id, e)));
        }
    }
    newsgraph_events::CanonicalNames::new(|id: &str| {
        st.store.get_entity(id).map(|e| e.map(|e| e.canonical))
    })
    .refresh_events(&mut events)?;
    Ok(newsgraph_events::merge_events(&events))
}

pub fn entity_detail(st: &AppState, id: &str) -> Result<EntityDetail, ApiError> {
    let entity = st
        .store
        .get_entity(id)?
        .ok_or_else(|| ApiError::not_found(format!("no entity {id:?}")))?;
    let mentions = st.store.entity_mentions(id, Some(200))?;
    let (timeline, cooccurring) = match &st.index {
        Some(index) => {
            let req = SearchRequest {
                entities: vec![id.to_string()],
                limit: 0,
                ..Default::default()
            };
            let timeline = index.histogram(&req)?;
            let co = index
                .search(&req)?
                .facets
                .entity
                .into_iter()
                .filter(|e| e.id != id)
                .collect();
            (timeline, co)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(EntityDetail {
        entity,
        mentions,
        timeline,
        cooccurring,
    })
}

/// Every story (cached for a few seconds).
pub fn all_stories(st: &AppState) -> Result<Arc<Vec<Story>>, ApiError> {
    let mut guard = st.cache.stories_guard();
    if let Some((at, list)) = guard.as_ref()
        && at.elapsed() < STORY_CACHE_TTL
    {
        return Ok(list.clone());
    }
    let list: Arc<Vec<Story>> = Arc::new(
        st.store
            .list_stories(&StoryFilter::default())?
            .into_iter()
            .map(|r| r.story)
            .collect(),
    );
    *guard = Some((Instant::now(), list.clone()));
    Ok(list)
}

/// Sorts stories: `id`, `size` (most articles first), `recent` (latest end
/// date first) — ties by id, so paging is stable.
pub fn sort_stories(list: &mut [Story], sort: &str) {
    match sort {
        "size" => list.sort_by(|a, b| {
            b.article_ids
                .len()
                .cmp(&a.article_ids.len())
                .then(a.id.cmp(&b.id))
        }),
        "recent" => list.sort_by(|a, b| b.end.cmp(&a.end).then(a.id.cmp(&b.id))),
        _ => list.sort_by_key(|s| s.id),
    }
}

/// The front page: stories active in the 24 hours before the newest
/// article, most new articles first, then biggest; other stories follow by
/// size. Returns the stories and the newest publication date seen.
pub fn front(st: &AppState, limit: usize) -> Result<(Vec<FrontStory>, Option<String>), ApiError> {
    let stories = all_stories(st)?;
    let mut recent: std::collections::HashMap<i64, u64> = Default::default();
    let mut newest: Option<String> = None;
    if let Some(index) = &st.index {
        let latest = index.search(&SearchRequest {
            limit: 1,
            sort: SortOrder::Newest,
            facets: false,
            ..Default::default()
        })?;
        newest = latest.hits.first().and_then(|h| h.published.clone());
        if let Some(secs) = newest
            .as_deref()
            .and_then(|p| newsgraph_index::parse_date(p, true))
        {
            let from = chrono::DateTime::from_timestamp(secs - 86_400, 0)
                .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
            let res = index.search(&SearchRequest {
                from,
                limit: 0,
                ..Default::default()
            })?;
            for f in res.facets.story {
                if let Ok(id) = f.value.parse::<i64>() {
                    recent.insert(id, f.count);
                }
            }
        }
    }
    let mut out: Vec<FrontStory> = stories
        .iter()
        .map(|s| FrontStory {
            recent: recent.get(&s.id).copied().unwrap_or(0),
            story: s.clone(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.recent
            .cmp(&a.recent)
            .then(b.story.article_ids.len().cmp(&a.story.article_ids.len()))
            .then(a.story.id.cmp(&b.story.id))
    });
    out.truncate(limit);
    Ok((out, newest))
}
