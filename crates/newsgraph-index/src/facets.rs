//! Facet counts from fast fields (columnar values), exact over all matches.
//!
//! Each segment counts term ordinals in a dense array while the query runs
//! (a few column reads per matching document, no string work). The per-segment
//! ordinals are then mapped to *global* ordinals: an [`OrdTable`] kept by the
//! index assigns one number per distinct value and remembers, per segment, the
//! mapping local → global (computed once per segment, when a search first
//! sees it). Merging segments is adding arrays; strings are only looked up for
//! the values that make the top-k.
//!
//! This replaces tantivy's `FacetCollector`, which streams the whole facet
//! dictionary of every segment on every search (O(distinct values) per query).

use rustc_hash::FxHashMap;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// Fast field names counted by [`FacetCounter`].
pub(crate) const LANG_FACET: &str = "lang_facet";
pub(crate) const SOURCE_FACET: &str = "source_facet";
pub(crate) const ENTITY_FACET: &str = "entity";
pub(crate) const STORY_FACET: &str = "story";

/// Largest story-id range counted in a dense array (else a hash map).
const DENSE_RANGE: u64 = 1 << 22;

/// How many values of each facet to return.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FacetLimits {
    pub lang: usize,
    pub source: usize,
    pub entity: usize,
    pub story: usize,
}

/// Counted values, largest count first, ties by value (byte order).
#[derive(Debug, Default)]
pub(crate) struct FacetValues {
    pub lang: Vec<(String, u64)>,
    pub source: Vec<(String, u64)>,
    pub entity: Vec<(String, u64)>,
    pub story: Vec<(String, u64)>,
}

/// The string facets, in the order of [`OrdTable`]'s fields.
const STR_FACETS: [&str; 3] = [LANG_FACET, SOURCE_FACET, ENTITY_FACET];

/// Collector computing [`FacetValues`] over every matching document.
pub(crate) struct FacetCounter {
    pub limits: FacetLimits,
    /// Local → global ordinals of every segment of the searcher, per string facet.
    pub maps: HashMap<SegmentId, [Arc<Vec<u32>>; 3]>,
    /// The global ordinal table (to size the counts and name the winners).
    pub table: Arc<Mutex<OrdTable>>,
}

/// Ordinal counts of one string column in one segment.
pub(crate) struct StrCounts {
    column: Option<StrColumn>,
    counts: Vec<u32>,
}

impl StrCounts {
    fn open(reader: &SegmentReader, field: &str) -> tantivy::Result<StrCounts> {
        let column = reader.fast_fields().str(field)?;
        let n = column.as_ref().map(|c| c.num_terms()).unwrap_or(0);
        Ok(StrCounts {
            column,
            counts: vec![0; n],
        })
    }

    #[inline]
    fn collect(&mut self, doc: DocId) {
        if let Some(c) = &self.column {
            for ord in c.ords().values_for_doc(doc) {
                if let Some(n) = self.counts.get_mut(ord as usize) {
                    *n += 1;
                }
            }
        }
    }
}

/// Story id counts of one segment.
enum StoryCounts {
    None,
    Dense {
        column: Column<i64>,
        min: i64,
        counts: Vec<u32>,
    },
    Sparse {
        column: Column<i64>,
        counts: FxHashMap<i64, u32>,
    },
}

impl StoryCounts {
    fn open(reader: &SegmentReader) -> tantivy::Result<StoryCounts> {
        let Some(column) = reader.fast_fields().column_opt::<i64>(STORY_FACET)? else {
            return Ok(StoryCounts::None);
        };
        let (min, max) = (column.min_value(), column.max_value());
        let range = max.abs_diff(min);
        Ok(if range < DENSE_RANGE {
            StoryCounts::Dense {
                column,
                min,
                counts: vec![0; range as usize + 1],
            }
        } else {
            StoryCounts::Sparse {
                column,
                counts: FxHashMap::default(),
            }
        })
    }

    #[inline]
    fn collect(&mut self, doc: DocId) {
        match self {
            StoryCounts::None => {}
            StoryCounts::Dense {
                column,
                min,
                counts,
            } => {
                if let Some(v) = column.first(doc)
                    && let Some(n) = counts.get_mut(v.abs_diff(*min) as usize)
                {
                    *n += 1;
                }
            }
            StoryCounts::Sparse { column, counts } => {
                if let Some(v) = column.first(doc) {
                    *counts.entry(v).or_default() += 1;
                }
            }
        }
    }

    fn into_pairs(self) -> Vec<(i64, u32)> {
        match self {
            StoryCounts::None => Vec::new(),
            StoryCounts::Dense { min, counts, .. } => counts
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n > 0)
                .map(|(i, n)| (min.saturating_add(i as i64), n))
                .collect(),
            StoryCounts::Sparse { counts, .. } => counts.into_iter().collect(),
        }
    }
}

/// Per-segment state of [`FacetCounter`].
pub(crate) struct SegmentFacetCounter {
    lang: StrCounts,
    source: StrCounts,
    entity: StrCounts,
    story: StoryCounts,
    maps: Option<[Arc<Vec<u32>>; 3]>,
}

/// What one segment counted: (global ordinal, count) per string facet, and story counts.
pub(crate) struct SegmentFacets {
    strs: [Vec<(u32, u32)>; 3],
    story: Vec<(i64, u32)>,
}

impl SegmentCollector for SegmentFacetCounter {
    type Fruit = SegmentFacets;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.lang.collect(doc);
        self.source.collect(doc);
        self.entity.collect(doc);
        self.story.collect(doc);
    }

    fn harvest(self) -> SegmentFacets {
        let global = |counts: StrCounts, i: usize| -> Vec<(u32, u32)> {
            let Some(map) = self.maps.as_ref().map(|m| &m[i]) else {
                return Vec::new();
            };
            counts
                .counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .filter_map(|(o, n)| map.get(o).map(|g| (*g, *n)))
                .collect()
        };
        SegmentFacets {
            strs: [
                global(self.lang, 0),
                global(self.source, 1),
                global(self.entity, 2),
            ],
            story: self.story.into_pairs(),
        }
    }
}

impl Collector for FacetCounter {
    type Fruit = FacetValues;
    type Child = SegmentFacetCounter;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentFacetCounter> {
        Ok(SegmentFacetCounter {
            lang: StrCounts::open(reader, LANG_FACET)?,
            source: StrCounts::open(reader, SOURCE_FACET)?,
            entity: StrCounts::open(reader, ENTITY_FACET)?,
            story: StoryCounts::open(reader)?,
            maps: self.maps.get(&reader.segment_id()).cloned(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<SegmentFacets>) -> tantivy::Result<FacetValues> {
        let mut strs: [FxHashMap<u32, u64>; 3] = Default::default();
        let mut story: FxHashMap<i64, u64> = FxHashMap::default();
        for s in segments {
            for (i, pairs) in s.strs.into_iter().enumerate() {
                for (g, n) in pairs {
                    *strs[i].entry(g).or_default() += u64::from(n);
                }
            }
            for (id, n) in s.story {
                *story.entry(id).or_default() += u64::from(n);
            }
        }
        let l = self.limits;
        let table = self.table.lock().unwrap_or_else(|p| p.into_inner());
        let [lang, source, entity] = strs;
        Ok(FacetValues {
            lang: top_k(lang, l.lang, |g| table.term(0, g)),
            source: top_k(source, l.source, |g| table.term(1, g)),
            entity: top_k(entity, l.entity, |g| table.term(2, g)),
            story: top_k(story, l.story, |id| id.to_string()),
        })
    }
}

/// The k values with the largest counts, ties by their string (byte order);
/// only the values that can make the cut are named.
fn top_k<K: Copy>(
    counts: FxHashMap<K, u64>,
    k: usize,
    name: impl Fn(K) -> String,
) -> Vec<(String, u64)> {
    if k == 0 || counts.is_empty() {
        return Vec::new();
    }
    let mut v: Vec<(K, u64)> = counts.into_iter().collect();
    if v.len() > k {
        v.select_nth_unstable_by(k - 1, |a, b| b.1.cmp(&a.1));
        let kth = v[k - 1].1;
        v.retain(|(_, n)| *n >= kth);
    }
    let mut out: Vec<(String, u64)> = v.into_iter().map(|(key, n)| (name(key), n)).collect();
    out.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out.truncate(k);
    out
}

/// Global ordinals of the string facets: one number per distinct value
/// (over every segment ever seen by this index handle), and per segment the
/// mapping from its local term ordinals.
#[derive(Default)]
pub(crate) struct OrdTable {
    fields: [OrdField; 3],
    segments: HashMap<SegmentId, [Arc<Vec<u32>>; 3]>,
}

#[derive(Default)]
struct OrdField {
    ids: HashMap<Box<str>, u32>,
    terms: Vec<Box<str>>,
}

impl OrdTable {
    /// The value of a global ordinal.
    fn term(&self, field: usize, g: u32) -> String {
        self.fields[field]
            .terms
            .get(g as usize)
            .map(|t| t.to_string())
            .unwrap_or_default()
    }

    /// The mappings of every segment of `searcher`, computing those of
    /// segments not seen before and forgetting those of vanished segments.
    pub fn maps_for(
        &mut self,
        searcher: &Searcher,
    ) -> tantivy::Result<HashMap<SegmentId, [Arc<Vec<u32>>; 3]>> {
        let live: Vec<SegmentId> = searcher
            .segment_readers()
            .iter()
            .map(|r| r.segment_id())
            .collect();
        if self.segments.len() > live.len() {
            self.segments.retain(|id, _| live.contains(id));
            // Values of merged-away segments stay numbered; start afresh when
            // most of the table is stale.
            let live_terms: usize = self.segments.values().map(|m| m[2].len()).sum();
            if self.fields[2].terms.len() > 4 * live_terms.max(1024) {
                *self = OrdTable::default();
            }
        }
        let mut out = HashMap::with_capacity(live.len());
        for reader in searcher.segment_readers() {
            let id = reader.segment_id();
            if !self.segments.contains_key(&id) {
                let maps = [0, 1, 2].map(|i| self.map_segment(reader, i));
                let [a, b, c] = maps;
                self.segments
                    .insert(id, [Arc::new(a?), Arc::new(b?), Arc::new(c?)]);
            }
            if let Some(m) = self.segments.get(&id) {
                out.insert(id, m.clone());
            }
        }
        Ok(out)
    }

    fn map_segment(&mut self, reader: &SegmentReader, field: usize) -> tantivy::Result<Vec<u32>> {
        let Some(column) = reader.fast_fields().str(STR_FACETS[field])? else {
            return Ok(Vec::new());
        };
        let f = &mut self.fields[field];
        let mut map = Vec::with_capacity(column.num_terms());
        let mut stream = column.dictionary().stream()?;
        while stream.advance() {
            let term = String::from_utf8_lossy(stream.key());
            let g = match f.ids.get(term.as_ref()) {
                Some(g) => *g,
                None => {
                    let g = f.terms.len() as u32;
                    let term: Box<str> = term.into();
                    f.terms.push(term.clone());
                    f.ids.insert(term, g);
                    g
                }
            };
            map.push(g);
        }
        Ok(map)
    }
}
