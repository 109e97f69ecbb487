//! One story, served a page at a time: `GET /api/stories/{id}`, the story
//! page and `newsgraph story ID --json`.
//!
//! What needs every member of a story (the timeline, per-member
//! explanations, merged events, differences between sources, counts per
//! language and outlet) is computed once per version of the story, keyed by
//! the store's [`Store::story_stamp`], and kept in a bounded cache
//! ([`StoryCache`]). A request then costs one stamp lookup, one page of
//! members read from the store ([`Store::story_members`]) and copying the
//! requested slices, whatever the story's size.

use crate::ApiError;
use crate::params::{MAX_LIMIT, MAX_OFFSET, Params};
use newsgraph_events::{ArticleMeta, Difference, MergedEvent};
use newsgraph_model::{ArticleId, EntityRef, Story};
use newsgraph_store::{Store, StoryMember, StoryRecord};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A member article of a story (`members` of a story detail).
pub type Member = StoryMember;

/// Default page sizes of a story's lists.
pub const MEMBERS_DEFAULT: usize = 50;
pub const TIMELINE_DEFAULT: usize = 100;
pub const EVENTS_DEFAULT: usize = 50;

/// Stories whose derived data is kept at most.
const CACHE_MAX_STORIES: usize = 256;
/// Approximate bytes of derived data kept at most.
const CACHE_MAX_BYTES: usize = 512 * 1024 * 1024;
/// Derived data is recomputed after this long even with an unchanged stamp
/// (merged events also depend on the members' analyses, which a re-analysis
/// may change without rewriting the story).
const MAX_AGE: Duration = Duration::from_secs(600);

/// The query parameters of a story detail.
pub const STORY_PARAMS: &[&str] = &[
    "limit",
    "offset",
    "lang",
    "timeline_limit",
    "timeline_offset",
    "events_limit",
    "events_offset",
];

/// Which page of each of a story's lists to show.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryQuery {
    /// Members: page size, offset, only this language.
    pub limit: usize,
    pub offset: usize,
    pub lang: Option<String>,
    pub timeline_limit: usize,
    pub timeline_offset: usize,
    pub events_limit: usize,
    pub events_offset: usize,
}

impl Default for StoryQuery {
    fn default() -> Self {
        StoryQuery {
            limit: MEMBERS_DEFAULT,
            offset: 0,
            lang: None,
            timeline_limit: TIMELINE_DEFAULT,
            timeline_offset: 0,
            events_limit: EVENTS_DEFAULT,
            events_offset: 0,
        }
    }
}

impl StoryQuery {
    /// Everything on one page (`newsgraph story ID --json`).
    pub fn all() -> StoryQuery {
        StoryQuery {
            limit: usize::MAX,
            timeline_limit: usize::MAX,
            events_limit: usize::MAX,
            ..StoryQuery::default()
        }
    }

    /// Parses [`STORY_PARAMS`] (400 for anything else or out of range).
    pub fn parse(p: &Params) -> Result<StoryQuery, ApiError> {
        let d = StoryQuery::default();
        let n = |key: &str, max: usize, default: usize| -> Result<usize, ApiError> {
            Ok(p.int(key, 0, max as i64)?.map_or(default, |v| v as usize))
        };
        let lang = p.str("lang");
        if let Some(l) = &lang
            && (l.len() > 35 || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            return Err(ApiError::bad_param(format!(
                "lang={l:?} is not a language code"
            )));
        }
        Ok(StoryQuery {
            limit: n("limit", MAX_LIMIT, d.limit)?,
            offset: n("offset", MAX_OFFSET, 0)?,
            lang,
            timeline_limit: n("timeline_limit", MAX_LIMIT, d.timeline_limit)?,
            timeline_offset: n("timeline_offset", MAX_OFFSET, 0)?,
            events_limit: n("events_limit", MAX_LIMIT, d.events_limit)?,
            events_offset: n("events_offset", MAX_OFFSET, 0)?,
        })
    }
}

/// A value and how many times it occurs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueCount {
    pub value: String,
    pub count: u64,
}

/// What a whole story holds (always complete, whatever page is shown).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorySummary {
    /// Member articles.
    pub articles: u64,
    /// Members per language, most first (ties by code).
    pub languages: Vec<ValueCount>,
    /// Members per outlet, most first (ties by name; `unknown` for none).
    pub sources: Vec<ValueCount>,
    /// Date span (as the story gives it).
    pub start: Option<String>,
    pub end: Option<String>,
    /// Timeline entries, merged events and differences in the whole story.
    pub timeline: u64,
    pub events: u64,
    pub differences: u64,
}

/// Where a page of one list of a story starts, and how long the list is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PageInfo {
    pub total: u64,
    pub offset: usize,
    pub limit: usize,
}

/// The pages shown of a story's lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryPages {
    /// `members` (and `why`, which follows the members shown); `total`
    /// counts the members of `lang` when given.
    pub members: PageInfo,
    /// The language the members are filtered by.
    pub lang: Option<String>,
    pub timeline: PageInfo,
    pub events: PageInfo,
}

/// `GET /api/stories/{id}` and `newsgraph story ID --json`: the story, one
/// page each of its members (with why they belong), timeline and merged
/// events, and the complete entities, differences and summary.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoryDetail {
    pub story: Story,
    /// Member articles of the page, ascending id.
    pub members: Vec<Member>,
    /// The timeline page as the stories engine built it (dated statements
    /// and events with their articles, languages and sources), by date.
    pub timeline: Vec<Box<RawValue>>,
    pub entities: Vec<EntityRef>,
    /// Why each member of the page belongs (from the stories engine).
    pub why: Vec<Box<RawValue>>,
    /// The page of the members' events merged across articles.
    pub events: Vec<MergedEvent>,
    /// Details on which the sources differ (all of them).
    pub differences: Vec<Difference>,
    pub summary: StorySummary,
    pub pages: StoryPages,
}

/// What is derived from all members of one version of a story.
pub struct Prepared {
    pub story: Story,
    pub summary: StorySummary,
    timeline: Vec<Box<RawValue>>,
    why: HashMap<ArticleId, Box<RawValue>>,
    pub events: Vec<MergedEvent>,
    pub differences: Vec<Difference>,
    /// Approximate memory held.
    bytes: usize,
}

fn counts(values: impl Iterator<Item = String>) -> Vec<ValueCount> {
    let mut map: HashMap<String, u64> = HashMap::new();
    for v in values {
        *map.entry(v).or_default() += 1;
    }
    let mut out: Vec<ValueCount> = map
        .into_iter()
        .map(|(value, count)| ValueCount { value, count })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    out
}

fn raw(v: &serde_json::Value) -> Result<Box<RawValue>, ApiError> {
    serde_json::to_string(v)
        .and_then(RawValue::from_string)
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// Computes what needs every member of `rec` (reads each member's analysis
/// once; no article texts).
pub fn prepare(store: &dyn Store, rec: StoryRecord) -> Result<Prepared, ApiError> {
    let id = rec.story.id;
    let members = store.story_members(id, None, 0, usize::MAX)?;
    let mut events = Vec::new();
    let mut quotes = Vec::new();
    let mut metas = Vec::with_capacity(members.len());
    for m in &members {
        if let Some(an) = store.get_analysis(m.id)? {
            events.extend(an.analysis.events.into_iter().map(|e| (m.id, e)));
            quotes.extend(an.analysis.quotes.into_iter().map(|q| (m.id, q)));
        }
        metas.push(ArticleMeta {
            id: m.id,
            source: m.source.clone(),
            lang: m.lang.clone(),
        });
    }
    // One name per entity: the store's current canonical name, not the one
    // each member's analysis recorded when it was made.
    let mut names = newsgraph_events::CanonicalNames::new(|id: &str| {
        store.get_entity(id).map(|e| e.map(|e| e.canonical))
    });
    names.refresh_events(&mut events)?;
    names.refresh_quotes(&mut quotes)?;
    let merged = newsgraph_events::merge_events(&events);
    let differences = newsgraph_events::differences(&merged, &quotes, &metas);

    let list = |k: &str| -> Vec<serde_json::Value> {
        match rec.extra.get(k) {
            Some(serde_json::Value::Array(a)) => a.clone(),
            // `why` keyed by article id (an older shape).
            Some(serde_json::Value::Object(o)) => o
                .iter()
                .map(|(k, v)| serde_json::json!({"article_id": k.parse::<i64>().ok(), "why": v}))
                .collect(),
            _ => Vec::new(),
        }
    };
    let timeline = list("timeline")
        .iter()
        .map(raw)
        .collect::<Result<Vec<_>, _>>()?;
    let mut why = HashMap::new();
    for w in list("why") {
        if let Some(a) = w.get("article_id").and_then(serde_json::Value::as_i64) {
            why.insert(a, raw(&w)?);
        }
    }
    let summary = StorySummary {
        articles: members.len() as u64,
        languages: counts(members.iter().map(|m| m.lang.clone())),
        sources: counts(
            members
                .iter()
                .map(|m| m.source.clone().unwrap_or_else(|| "unknown".into())),
        ),
        start: rec.story.start.clone(),
        end: rec.story.end.clone(),
        timeline: timeline.len() as u64,
        events: merged.len() as u64,
        differences: differences.len() as u64,
    };
    let event_bytes: usize = merged
        .iter()
        .map(|e| 256 + e.sentences.iter().map(|s| s.sentence.len()).sum::<usize>() * 3)
        .sum();
    let bytes = timeline.iter().map(|t| t.get().len() + 32).sum::<usize>()
        + why.values().map(|w| w.get().len() + 48).sum::<usize>()
        + event_bytes
        + differences.len() * 512
        + rec.story.article_ids.len() * 8
        + 1024;
    Ok(Prepared {
        story: rec.story,
        summary,
        timeline,
        why,
        events: merged,
        differences,
        bytes,
    })
}

fn slice<T: Clone>(all: &[T], offset: usize, limit: usize) -> Vec<T> {
    all.iter().skip(offset).take(limit).cloned().collect()
}

/// The detail of a prepared story for `q`, reading the members' page from
/// the store.
pub fn render(store: &dyn Store, p: &Prepared, q: &StoryQuery) -> Result<StoryDetail, ApiError> {
    let members = if q.limit == 0 {
        Vec::new()
    } else {
        store.story_members(p.story.id, q.lang.as_deref(), q.offset, q.limit)?
    };
    let members_total = match &q.lang {
        None => p.summary.articles,
        Some(l) => p
            .summary
            .languages
            .iter()
            .find(|c| &c.value == l)
            .map_or(0, |c| c.count),
    };
    let why = members
        .iter()
        .filter_map(|m| p.why.get(&m.id).cloned())
        .collect();
    let clamp = |limit: usize, total: u64| limit.min(total as usize);
    Ok(StoryDetail {
        story: p.story.clone(),
        timeline: slice(&p.timeline, q.timeline_offset, q.timeline_limit),
        entities: p.story.top_entities.clone(),
        why,
        events: slice(&p.events, q.events_offset, q.events_limit),
        differences: p.differences.clone(),
        summary: p.summary.clone(),
        pages: StoryPages {
            members: PageInfo {
                total: members_total,
                offset: q.offset,
                limit: clamp(q.limit, members_total),
            },
            lang: q.lang.clone(),
            timeline: PageInfo {
                total: p.summary.timeline,
                offset: q.timeline_offset,
                limit: clamp(q.timeline_limit, p.summary.timeline),
            },
            events: PageInfo {
                total: p.summary.events,
                offset: q.events_offset,
                limit: clamp(q.events_limit, p.summary.events),
            },
        },
        members,
    })
}

/// One story's complete detail, every list on one page, computed without a
/// cache (`newsgraph story ID --json`).
pub fn story_detail_in(store: &dyn Store, id: i64) -> Result<StoryDetail, ApiError> {
    story_page_in(store, id, &StoryQuery::all())
}

/// One story's detail for `q`, computed without a cache.
pub fn story_page_in(store: &dyn Store, id: i64, q: &StoryQuery) -> Result<StoryDetail, ApiError> {
    let rec = store
        .get_story(id)?
        .ok_or_else(|| ApiError::not_found(format!("no story {id}")))?;
    render(store, &prepare(store, rec)?, q)
}

struct Entry {
    stamp: i64,
    made: Instant,
    prepared: Arc<Prepared>,
}

#[derive(Default)]
struct Slot {
    /// Held while the first version of the story is computed, so that
    /// concurrent first requests wait for one computation.
    compute: Mutex<()>,
    entry: Mutex<Option<Entry>>,
    /// A newer version is being computed in the background.
    refreshing: AtomicBool,
    /// When last used (ms since the cache started), for eviction.
    used: AtomicU64,
}

/// Derived story data by story id, each valid for one stamp.
pub struct StoryCache {
    slots: Mutex<HashMap<i64, Arc<Slot>>>,
    started: Instant,
}

impl Default for StoryCache {
    fn default() -> Self {
        StoryCache {
            slots: Mutex::default(),
            started: Instant::now(),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl StoryCache {
    fn slot(&self, id: i64) -> Arc<Slot> {
        let slot = lock(&self.slots).entry(id).or_default().clone();
        slot.used
            .store(self.started.elapsed().as_millis() as u64, Ordering::Relaxed);
        slot
    }

    /// The derived data of story `id`, current for the store's stamp.
    ///
    /// When the story changed since it was last computed, the previous
    /// version is answered while one background thread computes the new one
    /// (a big story takes a fraction of a second; requests must not queue
    /// behind it), so a page may show the previous version's summary for
    /// that long. The first request of a story computes it in place.
    pub fn get(&self, store: &Arc<dyn Store>, id: i64) -> Result<Arc<Prepared>, ApiError> {
        let stamp = store
            .story_stamp(id)?
            .ok_or_else(|| ApiError::not_found(format!("no story {id}")))?;
        let slot = self.slot(id);
        let stale = {
            let e = lock(&slot.entry);
            match e.as_ref() {
                Some(e) if e.stamp == stamp && e.made.elapsed() < MAX_AGE => {
                    return Ok(e.prepared.clone());
                }
                Some(e) => Some(e.prepared.clone()),
                None => None,
            }
        };
        if let Some(old) = stale {
            if !slot.refreshing.swap(true, Ordering::AcqRel) {
                let (store, slot2) = (store.clone(), slot.clone());
                let spawned = std::thread::Builder::new()
                    .name(format!("story-{id}"))
                    .spawn(move || {
                        // A failure leaves the old version; the next request retries.
                        if let Ok(Some((stamp, p))) = compute(store.as_ref(), id) {
                            *lock(&slot2.entry) = Some(Entry {
                                stamp,
                                made: Instant::now(),
                                prepared: Arc::new(p),
                            });
                        }
                        slot2.refreshing.store(false, Ordering::Release);
                    });
                if spawned.is_err() {
                    slot.refreshing.store(false, Ordering::Release);
                }
            }
            return Ok(old);
        }
        let _computing = lock(&slot.compute);
        if let Some(e) = lock(&slot.entry).as_ref() {
            return Ok(e.prepared.clone());
        }
        let (stamp, p) = compute(store.as_ref(), id)?
            .ok_or_else(|| ApiError::not_found(format!("no story {id}")))?;
        let p = Arc::new(p);
        *lock(&slot.entry) = Some(Entry {
            stamp,
            made: Instant::now(),
            prepared: p.clone(),
        });
        self.evict(id);
        Ok(p)
    }

    /// Drops the least recently used stories beyond the bounds (never `keep`).
    fn evict(&self, keep: i64) {
        let mut slots = lock(&self.slots);
        loop {
            let mut bytes = 0;
            let mut held = 0;
            let mut oldest: Option<(u64, i64)> = None;
            for (id, s) in slots.iter() {
                if let Some(e) = lock(&s.entry).as_ref() {
                    held += 1;
                    bytes += e.prepared.bytes;
                    let used = s.used.load(Ordering::Relaxed);
                    if *id != keep && oldest.is_none_or(|(u, _)| used < u) {
                        oldest = Some((used, *id));
                    }
                }
            }
            match oldest {
                Some((_, id)) if held > CACHE_MAX_STORIES || bytes > CACHE_MAX_BYTES => {
                    slots.remove(&id);
                }
                _ => break,
            }
        }
        // Slots whose computation failed hold nothing (those being computed
        // for the first time are kept).
        slots.retain(|id, s| {
            *id == keep || lock(&s.entry).is_some() || s.compute.try_lock().is_err()
        });
    }
}

/// Reads the stamp, then the record, and prepares it.
fn compute(store: &dyn Store, id: i64) -> Result<Option<(i64, Prepared)>, ApiError> {
    let Some(stamp) = store.story_stamp(id)? else {
        return Ok(None);
    };
    let Some(rec) = store.get_story(id)? else {
        return Ok(None);
    };
    Ok(Some((stamp, prepare(store, rec)?)))
}
