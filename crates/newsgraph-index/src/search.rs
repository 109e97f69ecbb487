//! Queries: free text with phrase support, filters, sorting, facets, snippets.

use crate::doc::{IndexedEntity, parse_date};
use crate::facets::{FacetCounter, FacetLimits};
use crate::snippet::Highlighter;
use crate::{IndexError, Result, SearchIndex};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ops::Bound;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, Query, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, Order, Searcher, TantivyDocument, Term};

/// The largest page a search returns.
pub const MAX_LIMIT: usize = 1000;
/// The deepest offset a search accepts (deep paging is what filters are for).
pub const MAX_OFFSET: usize = 100_000;
/// Length of a snippet, in characters.
const SNIPPET_CHARS: usize = 240;
/// How many values each facet lists.
const FACET_TOP: usize = 20;
/// How many stories the story facet lists.
const STORY_FACET_TOP: usize = 100;

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best match first (BM25); the default when there is a query text.
    #[default]
    Relevance,
    /// Latest publication first (undated last).
    Newest,
    /// Earliest publication first (undated last).
    Oldest,
}

impl SortOrder {
    /// Parses `relevance`, `newest`, `oldest`.
    pub fn parse(s: &str) -> Option<SortOrder> {
        match s {
            "relevance" => Some(SortOrder::Relevance),
            "newest" => Some(SortOrder::Newest),
            "oldest" => Some(SortOrder::Oldest),
            _ => None,
        }
    }
}

/// A search: query text plus filters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchRequest {
    /// Query text: words (all must match, in any indexed field), `"quoted
    /// phrases"`, `-excluded`, `a OR b`, `field:value`. Empty lists every
    /// article that passes the filters, newest first.
    pub query: String,
    /// Only articles in this language (also restricts the text fields searched
    /// to that language's analyser).
    pub lang: Option<String>,
    /// Only articles mentioning all of these entity ids.
    pub entities: Vec<String>,
    /// Only articles from this source (case-insensitive, exact name).
    pub source: Option<String>,
    /// Published on or after this ISO date / date-time.
    pub from: Option<String>,
    /// Published on or before this ISO date / date-time (a date includes its whole day).
    pub to: Option<String>,
    /// Only articles of this story.
    pub story: Option<i64>,
    pub limit: usize,
    pub offset: usize,
    pub sort: SortOrder,
    /// Compute facet counts over all matches.
    pub facets: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            query: String::new(),
            lang: None,
            entities: Vec::new(),
            source: None,
            from: None,
            to: None,
            story: None,
            limit: 20,
            offset: 0,
            sort: SortOrder::Relevance,
            facets: true,
        }
    }
}

/// A piece of article text around the matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Snippet {
    pub text: String,
    /// Byte ranges `[start, end)` of matched terms within `text`.
    pub highlights: Vec<[usize; 2]>,
}

/// One matching article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    pub article_id: i64,
    /// BM25 score (0 when sorted by date or without query text).
    pub score: f32,
    pub title: String,
    pub lang: String,
    pub source: Option<String>,
    pub published: Option<String>,
    pub story_id: Option<i64>,
    pub entities: Vec<IndexedEntity>,
    pub snippet: Snippet,
}

/// A facet value and how many matching articles have it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub count: u64,
}

/// An entity facet value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityFacet {
    pub id: String,
    pub canonical: String,
    pub count: u64,
}

/// Counts over all matches (not only the returned page), largest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Facets {
    pub lang: Vec<FacetCount>,
    pub source: Vec<FacetCount>,
    pub entity: Vec<EntityFacet>,
    /// Story ids (as strings) with their number of matching articles.
    pub story: Vec<FacetCount>,
}

/// Number of articles published on one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayCount {
    /// `YYYY-MM-DD` (UTC).
    pub date: String,
    pub count: u64,
}

/// The answer to a [`SearchRequest`] (the JSON of `newsgraph search --json`
/// and `GET /api/search`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    /// Number of matching articles.
    pub total: u64,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<SearchHit>,
    pub facets: Facets,
    /// Parts of the query that could not be understood and were ignored.
    pub warnings: Vec<String>,
}

impl SearchIndex {
    /// Runs a search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults> {
        if req.limit > MAX_LIMIT {
            return Err(IndexError::Invalid(format!(
                "limit {} is above the maximum {MAX_LIMIT}",
                req.limit
            )));
        }
        if req.offset > MAX_OFFSET {
            return Err(IndexError::Invalid(format!(
                "offset {} is above the maximum {MAX_OFFSET}",
                req.offset
            )));
        }
        let (query, warnings) = self.build_query(req)?;
        let searcher = self.reader.searcher();
        let f = &self.fields;

        let maps = if req.facets {
            self.ords
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .maps_for(&searcher)?
        } else {
            HashMap::new()
        };
        let facet_collector = FacetCounter {
            limits: FacetLimits {
                lang: FACET_TOP,
                source: FACET_TOP,
                entity: FACET_TOP,
                story: STORY_FACET_TOP,
            },
            maps,
            table: self.ords.clone(),
        };
        let text_query = !req.query.trim().is_empty();
        let sort = if text_query {
            req.sort
        } else if req.sort == SortOrder::Relevance {
            SortOrder::Newest
        } else {
            req.sort
        };
        let top = TopDocs::with_limit(req.limit.max(1)).and_offset(req.offset);
        let (mut hits_addr, total, facet_counts): (Vec<(f32, DocAddress)>, usize, _) = match sort {
            SortOrder::Relevance => {
                let collector = (top.order_by_score(), Count);
                if req.facets {
                    let (a, b) = (collector, facet_collector);
                    let ((h, c), fc) = searcher.search(&query, &(a, b))?;
                    (h, c, Some(fc))
                } else {
                    let (h, c) = searcher.search(&query, &collector)?;
                    (h, c, None)
                }
            }
            SortOrder::Newest | SortOrder::Oldest => {
                let order = if sort == SortOrder::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let collector = (
                    top.order_by_fast_field::<tantivy::DateTime>("published", order),
                    Count,
                );
                let to_scored = |v: Vec<(Option<tantivy::DateTime>, DocAddress)>| {
                    v.into_iter().map(|(_, a)| (0.0f32, a)).collect::<Vec<_>>()
                };
                if req.facets {
                    let ((h, c), fc) = searcher.search(&query, &(collector, facet_collector))?;
                    (to_scored(h), c, Some(fc))
                } else {
                    let (h, c) = searcher.search(&query, &collector)?;
                    (to_scored(h), c, None)
                }
            }
        };
        if req.limit == 0 {
            hits_addr.clear();
        }

        let mut highlighters: HashMap<Field, Option<Highlighter>> = HashMap::new();
        let mut hits = Vec::with_capacity(hits_addr.len());
        for (score, addr) in hits_addr {
            let doc: TantivyDocument = searcher.doc(addr)?;
            let text_of = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let (analyser, title_field, body_field) = f
                .text
                .iter()
                .find(|(_, t, _)| doc.get_first(*t).is_some())
                .or_else(|| f.text.first())
                .map(|(a, t, b)| (a.as_str(), *t, *b))
                .unwrap_or((crate::PLAIN, f.id, f.id));
            let body = doc
                .get_first(body_field)
                .and_then(|v| v.as_str())
                .unwrap_or_default();
            let highlighter = match highlighters.entry(body_field) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(if text_query {
                    Some(Highlighter::new(
                        &searcher,
                        &*query,
                        body_field,
                        analyser,
                        SNIPPET_CHARS,
                    )?)
                } else {
                    None
                }),
            };
            let snippet = make_snippet(highlighter.as_ref(), body);
            let entities: Vec<IndexedEntity> = text_of(f.entities_json)
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default();
            hits.push(SearchHit {
                article_id: doc.get_first(f.id).and_then(|v| v.as_i64()).unwrap_or(0),
                score,
                title: text_of(title_field).unwrap_or_default(),
                lang: text_of(f.lang).unwrap_or_default(),
                source: text_of(f.source),
                published: text_of(f.published_text),
                story_id: doc.get_first(f.story).and_then(|v| v.as_i64()),
                entities,
                snippet,
            });
        }
        // Stable order for equal scores: by article id.
        if sort == SortOrder::Relevance {
            hits.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then(a.article_id.cmp(&b.article_id))
            });
        }

        let facets = match facet_counts {
            Some(fc) => {
                let to_counts = |v: Vec<(String, u64)>| {
                    v.into_iter()
                        .map(|(value, count)| FacetCount { value, count })
                        .collect()
                };
                Facets {
                    lang: to_counts(fc.lang),
                    source: to_counts(fc.source),
                    entity: fc
                        .entity
                        .into_iter()
                        .map(|(id, count)| EntityFacet {
                            canonical: self.canonical_name(&searcher, &id).unwrap_or_default(),
                            id,
                            count,
                        })
                        .collect(),
                    story: to_counts(fc.story),
                }
            }
            None => Facets::default(),
        };

        Ok(SearchResults {
            query: req.query.clone(),
            total: total as u64,
            offset: req.offset,
            limit: req.limit,
            hits,
            facets,
            warnings,
        })
    }

    /// The canonical name of an entity as indexed with some article.
    fn canonical_name(&self, searcher: &Searcher, id: &str) -> Option<String> {
        if let Some(n) = self.names.lock().unwrap_or_else(|p| p.into_inner()).get(id) {
            return Some(n.clone());
        }
        let name = self.lookup_canonical(searcher, id)?;
        let mut names = self.names.lock().unwrap_or_else(|p| p.into_inner());
        if names.len() > 100_000 {
            names.clear();
        }
        names.insert(id.to_string(), name.clone());
        Some(name)
    }

    fn lookup_canonical(&self, searcher: &Searcher, id: &str) -> Option<String> {
        let q = TermQuery::new(
            Term::from_field_text(self.fields.entity_id, id),
            IndexRecordOption::Basic,
        );
        let top = searcher
            .search(&q, &TopDocs::with_limit(1).order_by_score())
            .ok()?;
        let (_, addr) = top.first()?;
        let doc: TantivyDocument = searcher.doc(*addr).ok()?;
        let json = doc
            .get_first(self.fields.entities_json)
            .and_then(|v| v.as_str())?
            .to_string();
        let list: Vec<IndexedEntity> = serde_json::from_str(&json).ok()?;
        list.into_iter().find(|e| e.id == id).map(|e| e.canonical)
    }

    pub(crate) fn build_query(&self, req: &SearchRequest) -> Result<(Box<dyn Query>, Vec<String>)> {
        let f = &self.fields;
        let mut warnings = Vec::new();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let text = req.query.trim();
        if !text.is_empty() {
            let mut default_fields = Vec::new();
            let mut boosts = Vec::new();
            match &req.lang {
                Some(lang) => {
                    let (t, b) = f.text_fields(self.config.analyser_for(lang));
                    default_fields.extend([t, b]);
                    boosts.push(t);
                }
                None => {
                    for (_, t, b) in &f.text {
                        default_fields.extend([*t, *b]);
                        boosts.push(*t);
                    }
                }
            }
            default_fields.push(f.entity_name);
            let mut parser = QueryParser::for_index(self.index_ref(), default_fields);
            parser.set_conjunction_by_default();
            for t in boosts {
                parser.set_field_boost(t, 2.0);
            }
            parser.set_field_boost(f.entity_name, 1.5);
            let (q, errors) = parser.parse_query_lenient(text);
            warnings.extend(errors.into_iter().map(|e| e.to_string()));
            clauses.push((Occur::Must, q));
        }
        let filter = |q: Box<dyn Query>| -> (Occur, Box<dyn Query>) {
            (Occur::Must, Box::new(ConstScoreQuery::new(q, 0.0)))
        };
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(lang) = req.lang.as_deref().filter(|l| !l.trim().is_empty()) {
            clauses.push(filter(term(f.lang_key, &lang.trim().to_lowercase())));
        }
        if let Some(src) = req.source.as_deref().filter(|s| !s.trim().is_empty()) {
            clauses.push(filter(term(f.source_key, &src.trim().to_lowercase())));
        }
        for e in req.entities.iter().filter(|e| !e.trim().is_empty()) {
            clauses.push(filter(term(f.entity_id, e.trim())));
        }
        if let Some(story) = req.story {
            clauses.push(filter(Box::new(TermQuery::new(
                Term::from_field_i64(f.story, story),
                IndexRecordOption::Basic,
            ))));
        }
        let bound = |s: &Option<String>, end: bool, name: &str| -> Result<Bound<Term>> {
            match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(Bound::Unbounded),
                Some(v) => {
                    let secs = parse_date(v, end).ok_or_else(|| {
                        IndexError::Invalid(format!(
                            "{name} {v:?} is not an ISO date (YYYY-MM-DD) or date-time"
                        ))
                    })?;
                    Ok(Bound::Included(Term::from_field_date_for_search(
                        f.published,
                        tantivy::DateTime::from_timestamp_secs(secs),
                    )))
                }
            }
        };
        let lower = bound(&req.from, false, "from")?;
        let upper = bound(&req.to, true, "to")?;
        if let (Bound::Included(a), Bound::Included(b)) = (&lower, &upper)
            && a.value().as_date() > b.value().as_date()
        {
            return Err(IndexError::Invalid(format!(
                "from {:?} is after to {:?}",
                req.from.as_deref().unwrap_or(""),
                req.to.as_deref().unwrap_or("")
            )));
        }
        if !matches!((&lower, &upper), (Bound::Unbounded, Bound::Unbounded)) {
            clauses.push(filter(Box::new(RangeQuery::new(lower, upper))));
        }
        let q: Box<dyn Query> = match clauses.len() {
            0 => Box::new(AllQuery),
            _ => {
                if text.is_empty() {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Box::new(BooleanQuery::new(clauses))
            }
        };
        Ok((q, warnings))
    }

    /// Matching articles per publication day (UTC), ascending; undated
    /// articles are not counted. Uses the request's query and filters only.
    pub fn histogram(&self, req: &SearchRequest) -> Result<Vec<DayCount>> {
        use tantivy::aggregation::AggregationCollector;
        use tantivy::aggregation::agg_req::Aggregations;
        use tantivy::aggregation::agg_result::AggregationResults;
        let (query, _) = self.build_query(req)?;
        let aggs: Aggregations = serde_json::from_value(serde_json::json!({
            "days": {"date_histogram": {"field": "published", "fixed_interval": "1d"}}
        }))?;
        let collector = AggregationCollector::from_aggs(aggs, Default::default());
        let searcher = self.reader.searcher();
        let res: AggregationResults = searcher.search(&query, &collector)?;
        let v = serde_json::to_value(&res)?;
        let mut out = Vec::new();
        if let Some(buckets) = v.pointer("/days/buckets").and_then(|b| b.as_array()) {
            for b in buckets {
                let count = b.get("doc_count").and_then(|c| c.as_u64()).unwrap_or(0);
                let ms = b.get("key").and_then(|k| k.as_f64()).unwrap_or(0.0);
                if count == 0 {
                    continue;
                }
                if let Some(dt) = chrono::DateTime::from_timestamp_millis(ms as i64) {
                    out.push(DayCount {
                        date: dt.format("%Y-%m-%d").to_string(),
                        count,
                    });
                }
            }
        }
        Ok(out)
    }

    fn index_ref(&self) -> &tantivy::Index {
        &self.index
    }
}

/// The snippet of a body: the best fragment around the query terms, or the
/// opening of the text when no term matches in the body.
fn make_snippet(highlighter: Option<&Highlighter>, body: &str) -> Snippet {
    if let Some(fragment) = highlighter.and_then(|h| h.best(body))
        && !fragment.highlights.is_empty()
    {
        return Snippet {
            text: fragment.text.to_string(),
            highlights: fragment.highlights,
        };
    }
    Snippet {
        text: opening(body, SNIPPET_CHARS),
        highlights: Vec::new(),
    }
}

/// The first `max_chars` characters of `text`, cut at a word boundary, with `…`.
fn opening(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max_chars) {
        None => text.to_string(),
        Some((cut, _)) => {
            let head = &text[..cut];
            let head = match head.rfind(char::is_whitespace) {
                Some(ws) if ws > cut / 2 => &head[..ws],
                _ => head,
            };
            format!("{}…", head.trim_end())
        }
    }
}
