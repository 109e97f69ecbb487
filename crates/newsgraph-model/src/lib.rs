//! Shared data types of newsgraph: what flows between the pipeline stages
//! (ingest → analyse → stories → store/index → serve).
//!
//! This crate does no I/O and has no behaviour beyond small helpers on the
//! types. Every type serialises with serde; the JSON shapes printed by the CLI
//! (`--json`) and served by the API are these types, so changing a field here
//! is changing a public schema: update README.md's "JSON shapes" with it.
//!
//! Offsets are always **byte offsets into the article's clean text**
//! (`Article::text`), half-open `[start, end)`, on UTF-8 char boundaries.

use serde::{Deserialize, Serialize};

/// Store-assigned article id (1-based, dense, in ingest order).
pub type ArticleId = i64;

/// A half-open byte range `[start, end)` into an article's clean text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
    /// The covered text, or `""` if the span does not fit `text`.
    pub fn slice<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.start..self.end).unwrap_or("")
    }
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Where an extracted thing comes from: article, byte span, and the sentence
/// that contains it (its text, so a claim can be shown without a lookup).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub article_id: ArticleId,
    pub start: usize,
    pub end: usize,
    pub sentence: String,
}

/// A line that cleaning removed from the extracted text, kept for
/// `newsgraph article ID --raw` and for auditing the cleaner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemovedLine {
    /// 0-based line number in the extracted (pre-cleaning) text.
    pub line: usize,
    pub text: String,
    /// Short machine-readable reason, e.g. `"boilerplate-lexicon"`, `"repeated-title"`.
    pub reason: String,
}

/// A document as produced by ingest, before it has a store id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct NewArticle {
    /// Path of the input file (for file inputs).
    pub path: Option<String>,
    /// URL of the page or feed item (for web/feed/WARC/JSON inputs that give one).
    pub url: Option<String>,
    /// An id the source gave (JSON `id`, feed item guid, WARC record id).
    pub external_id: Option<String>,
    pub title: String,
    /// Clean body text, NFC, junk removed. Offsets of every analysis point here.
    pub text: String,
    /// Extracted text before cleaning (what `--raw` shows).
    pub raw_text: String,
    pub removed: Vec<RemovedLine>,
    /// BCP-47-ish code: `de`, `nb`, `nn`, `en`, … or `und`.
    pub lang: String,
    pub lang_confidence: f64,
    /// ISO 8601 date or date-time, when the source gives one (or it was estimated).
    pub published: Option<String>,
    /// True when `published` was estimated from the text rather than given.
    pub published_estimated: bool,
    /// Outlet / site name.
    pub source: Option<String>,
    pub author: Option<String>,
    /// Anything else the input carried (unknown JSON fields, feed categories,
    /// photo credits, bylines found by the cleaner, …).
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// Input format that produced it: `text`, `json`, `html`, `feed`, `warc`.
    pub format: String,
}

/// A stored article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: ArticleId,
    pub path: Option<String>,
    pub url: Option<String>,
    pub external_id: Option<String>,
    pub title: String,
    pub lang: String,
    pub lang_confidence: f64,
    pub published: Option<String>,
    pub published_estimated: bool,
    pub source: Option<String>,
    pub author: Option<String>,
    pub text: String,
    /// The article this one near-duplicates (syndication), if any.
    pub duplicate_of: Option<ArticleId>,
    /// Jaccard estimate against `duplicate_of`.
    pub duplicate_score: Option<f64>,
    pub format: String,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    /// RFC 3339 time of ingest.
    pub ingested_at: String,
}

/// Coarse entity types shared by every tagger and data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum EntityType {
    PER,
    ORG,
    LOC,
    MISC,
}

impl EntityType {
    pub const ALL: [EntityType; 4] = [
        EntityType::PER,
        EntityType::ORG,
        EntityType::LOC,
        EntityType::MISC,
    ];
    pub fn as_str(&self) -> &'static str {
        match self {
            EntityType::PER => "PER",
            EntityType::ORG => "ORG",
            EntityType::LOC => "LOC",
            EntityType::MISC => "MISC",
        }
    }
    pub fn parse(s: &str) -> Option<EntityType> {
        match s.to_ascii_uppercase().as_str() {
            "PER" => Some(EntityType::PER),
            "ORG" => Some(EntityType::ORG),
            "LOC" => Some(EntityType::LOC),
            "MISC" => Some(EntityType::MISC),
            _ => None,
        }
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A sentence of the clean text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

/// A named mention linked to a canonical entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub typ: EntityType,
    /// Stable canonical entity id (same across runs for the same entity).
    pub entity_id: String,
    pub canonical: String,
    /// Index into `Analysis::sentences`.
    pub sentence: usize,
}

/// A relation of the article to a place that is not a named mention, e.g.
/// an adjective of place ("nordkoreanische" → North Korea).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceRelation {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub entity_id: String,
    pub canonical: String,
    /// e.g. `"adjective"`, `"demonym"`, `"compound"`.
    pub kind: String,
}

/// A spelling of an entity in one language, with how often it was seen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Variant {
    pub text: String,
    pub lang: String,
    pub count: u64,
}

/// A canonical entity, as listed by `newsgraph entities`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub id: String,
    pub canonical: String,
    #[serde(rename = "type")]
    pub typ: EntityType,
    pub variants: Vec<Variant>,
    pub article_ids: Vec<ArticleId>,
}

/// TIMEX3 types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexType {
    Date,
    Time,
    Duration,
    Set,
}

impl TimexType {
    pub fn as_str(&self) -> &'static str {
        match self {
            TimexType::Date => "DATE",
            TimexType::Time => "TIME",
            TimexType::Duration => "DURATION",
            TimexType::Set => "SET",
        }
    }
}

/// A temporal expression normalised to TIMEX3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timex {
    pub start: usize,
    pub end: usize,
    pub text: String,
    #[serde(rename = "type")]
    pub typ: TimexType,
    /// TIMEX3 value: `2024-01-16`, `2023-09`, `2024-W02`, `P18M`, `PAST_REF`, …
    pub value: String,
    /// TIMEX3 `mod`: `START`, `END`, `APPROX`, `MORE_THAN`, …
    #[serde(rename = "mod")]
    pub modifier: Option<String>,
}

/// An actor of an event: the text as written and, where linked, the entity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub text: String,
    pub entity_id: Option<String>,
    pub canonical: Option<String>,
}

/// Whether the sentence asserts the event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    /// Asserted as fact.
    #[default]
    Asserted,
    /// Negated ("es gebe keinen Plan für einen Besuch").
    Negated,
    /// Possible / hypothetical ("könnte").
    Possible,
    /// Intended or planned, future ("werde … besuchen").
    Intended,
}

/// One event mention in one article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// PLOVER type, e.g. `CONSULT`.
    #[serde(rename = "type")]
    pub typ: String,
    /// CAMEO root code (two digits) for GDELT-style export.
    pub cameo: String,
    /// Finer mode: `meet`, `visit`, `host`, `invite`, `accept-invitation`, `give-gift`, …
    pub mode: Option<String>,
    pub source: Vec<Actor>,
    pub target: Vec<Actor>,
    /// Resolved date (TIMEX3 value), if any.
    pub date: Option<String>,
    pub place: Option<Actor>,
    pub modality: Modality,
    /// The trigger word(s).
    pub trigger: String,
    /// Who says so (speaker / source chain), when attributed.
    pub attributed_to: Vec<Actor>,
    pub provenance: Provenance,
    /// Things the event involves, with quantities as written ("ein
    /// Handschuh", "et par hansker"); compared across sources.
    #[serde(default)]
    pub objects: Vec<EventObject>,
    /// The happening this event took place at or during, when its own
    /// clause gives no date ("bei ihrem Treffen", "under bilaterale
    /// samtaler", "during the talks", or a continuation cue such as
    /// "außerdem" after an event of that scene). When both `date` and
    /// `anchor` are set, the date is inherited from the anchor event
    /// (`anchor.dated_by` is the report whose own clause dates it).
    #[serde(default)]
    pub anchor: Option<EventAnchor>,
}

/// Where an event happened in terms of another event of the same article
/// (see [`Event::anchor`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventAnchor {
    /// `at`: a cue in the event's clause names the happening ("bei ihrem
    /// Treffen"); `coordinated`: the event's clause is coordinated with one
    /// that has such a cue ("Under samtalene inviterte Kim Putin, og Putin
    /// gikk med på det"); `continues`: a continuation cue ("außerdem", "i
    /// tillegg", "in addition") after an event of that scene.
    pub kind: String,
    /// The cue as written.
    pub cue: String,
    /// Byte span of the cue in the article's clean text.
    pub start: usize,
    pub end: usize,
    /// The anchor event's trigger and its byte span (same article).
    pub trigger: String,
    pub event_start: usize,
    pub event_end: usize,
    /// The report whose own clause dates the anchor event (the anchor
    /// event itself, or another report of the same happening in the
    /// article); `None` when nothing dates it, and then `date` stays empty.
    pub dated_by: Option<Provenance>,
}

/// A thing an event involves (a gift, weapons, aid), with its quantity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventObject {
    /// The noun phrase as written.
    pub text: String,
    /// Language-neutral concept of the head noun (`glove`, `rifle`), when known.
    pub concept: Option<String>,
    /// Count as written (`1` for "ein", `2` for "et par"), when given.
    pub quantity: Option<f64>,
    pub start: usize,
    pub end: usize,
}

/// A direct or reported statement with its speaker and source chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// `direct` or `reported`.
    pub kind: String,
    pub speaker: Option<Actor>,
    /// Outlets/agencies the statement is attributed through ("berichtete KCNA", "ifølge TASS").
    pub via: Vec<Actor>,
    pub provenance: Provenance,
}

/// Everything the per-article analysis produces. Pure function of
/// (clean text, language, document creation time, models).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Analysis {
    pub lang: String,
    /// Document creation time used to resolve relative dates (ISO date).
    pub dct: Option<String>,
    pub sentences: Vec<Sentence>,
    pub mentions: Vec<Mention>,
    pub places: Vec<PlaceRelation>,
    pub timexes: Vec<Timex>,
    pub events: Vec<Event>,
    pub quotes: Vec<Quote>,
}

/// An event cluster: articles about the same happening.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: i64,
    pub title: String,
    pub article_ids: Vec<ArticleId>,
    pub languages: Vec<String>,
    pub sources: Vec<String>,
    /// Earliest / latest publication (or event) date, ISO.
    pub start: Option<String>,
    pub end: Option<String>,
    pub storyline_id: Option<i64>,
    pub top_entities: Vec<EntityRef>,
}

/// A short reference to an entity with a weight (e.g. mention count).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityRef {
    pub id: String,
    pub canonical: String,
    #[serde(rename = "type")]
    pub typ: EntityType,
    pub count: u64,
}

/// A storyline: event clusters that belong together over weeks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Storyline {
    pub id: i64,
    pub title: String,
    pub story_ids: Vec<i64>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub top_entities: Vec<EntityRef>,
}

/// Precision, recall and F1 from counts: `correct` of `predicted` system
/// items match one of `gold` items. Each is 0 when its denominator is 0.
/// The one definition every evaluator (`eval ner`, `eval timex`, …) uses.
pub fn precision_recall_f1(correct: usize, predicted: usize, gold: usize) -> (f64, f64, f64) {
    let ratio = |n: usize, d: usize| if d == 0 { 0.0 } else { n as f64 / d as f64 };
    let (p, r) = (ratio(correct, predicted), ratio(correct, gold));
    let f = if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    };
    (p, r, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precision_recall_f1_from_counts() {
        let (p, r, f) = precision_recall_f1(3, 4, 6);
        assert!((p - 0.75).abs() < 1e-12);
        assert!((r - 0.5).abs() < 1e-12);
        assert!((f - 0.6).abs() < 1e-12);
        assert_eq!(precision_recall_f1(0, 0, 5), (0.0, 0.0, 0.0));
        assert_eq!(precision_recall_f1(0, 3, 0), (0.0, 0.0, 0.0));
    }

    #[test]
    fn span_slice_is_safe_on_bad_offsets() {
        let s = "Pjöngjang";
        assert_eq!(Span::new(0, 4).slice(s), "Pj\u{f6}");
        // 3 is inside the two-byte 'ö' → not a char boundary → empty, no panic.
        assert_eq!(Span::new(0, 3).slice(s), "");
        assert_eq!(Span::new(0, 2).slice(s), "Pj");
        assert_eq!(Span::new(0, 100).slice(s), "");
    }

    #[test]
    fn timex_serialises_with_timex3_names() {
        let t = Timex {
            start: 0,
            end: 11,
            text: "am Dienstag".into(),
            typ: TimexType::Date,
            value: "2024-01-16".into(),
            modifier: None,
        };
        let v = serde_json::to_value(&t).unwrap();
        assert_eq!(v["type"], "DATE");
        assert_eq!(v["mod"], serde_json::Value::Null);
    }
}
