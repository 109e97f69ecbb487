//! Ingest: turns raw news from any source into clean, language-tagged
//! [`NewArticle`]s. One job: read inputs (plain text, Markdown, JSON Lines /
//! JSON arrays, HTML, RSS/Atom/RDF feeds, OPML lists, WARC / WARC.gz,
//! http(s) URLs, directories, globs), decode them (BOM, UTF-16, legacy
//! encodings, NFC), extract the main text, remove junk lines by general
//! rules, identify the language and compute duplicate keys
//! ([`content_hash`], [`minhash`]). Storage is someone else's job: callers
//! receive [`Item`]s through a callback.
//!
//! Bad input never panics: it becomes an [`Item::Rejected`] naming the input
//! and the reason, and the batch goes on.

mod clean;
mod dates;
mod decode;
mod feed;
mod hash;
mod html;
mod http;
mod json;
mod lang;
mod reader;
mod warc;

pub use clean::{Cleaned, clean};
pub use dates::{is_month_name, normalize_date, parse_dateline};
pub use hash::{
    LSH_BANDS, LSH_ROWS, MINHASH_PERMUTATIONS, content_hash, fingerprint, jaccard, lsh_bands,
    minhash,
};
pub use html::{HtmlBackend, HtmlDoc, extract_html, extract_html_with};
pub use lang::{detect_language, warm_up};
pub use reader::Reader;

use newsgraph_model::NewArticle;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Reader settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// For feed items, fetch the linked page instead of using the item content.
    pub follow_links: bool,
    /// Size cap for one file, one download, one WARC record (default 20 MiB).
    pub max_bytes: u64,
    /// Whole-request timeout for http(s) fetches (default 20 s).
    pub timeout: Duration,
    /// User agent sent with every request (default `newsgraph/<version>`).
    pub user_agent: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            follow_links: false,
            max_bytes: 20 * 1024 * 1024,
            timeout: Duration::from_secs(20),
            user_agent: format!(
                "newsgraph/{} (+https://example.invalid/newsgraph)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// HTTP validators remembered for conditional GET.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Conditional-GET memory, implemented by the store so re-polling a feed
/// fetches nothing new.
pub trait FetchCache: Send + Sync {
    /// Validators stored for `url`, if any.
    fn get(&self, url: &str) -> Option<Validators>;
    /// Remembers the validators of the last successful fetch of `url`.
    fn put(&self, url: &str, v: &Validators);
}

/// An input (or part of one) that could not be read, and why.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{input}: {reason}")]
pub struct Rejection {
    /// Path, URL, `file.jsonl:17`, `dump.warc.gz#record-3`, …
    pub input: String,
    pub reason: String,
}

impl Rejection {
    /// A rejection of `input` for `reason`.
    pub fn new(input: impl Into<String>, reason: impl Into<String>) -> Self {
        Rejection {
            input: input.into(),
            reason: reason.into(),
        }
    }
}

/// What reading an input yields, one at a time.
#[derive(Debug, Clone)]
pub enum Item {
    /// A complete article, cleaned and language-tagged.
    Article(Box<NewArticle>),
    /// An input or record that could not be read.
    Rejected(Rejection),
    /// A URL whose server answered 304 Not Modified to a conditional GET.
    Unchanged { input: String },
}

/// A regex that never matches: fallback for data-built patterns, so a bad
/// pattern degrades a rule instead of panicking.
pub(crate) fn never() -> regex::Regex {
    regex::Regex::new(r"\b\B\b\B").unwrap_or_else(|_| never())
}

/// Largest char boundary of `s` at or below `i`.
pub(crate) fn floor_char(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Content-sniffing extraction of one in-memory document (plain text,
/// Markdown, JSON Lines, JSON, HTML, RSS/Atom/RDF feed, WARC). Links are not
/// followed and OPML lists are not expanded (use [`Reader::read`] for that).
/// Returns the articles found, or the rejection of the whole document; a
/// JSONL file with some bad lines returns its good lines.
pub fn extract_bytes(
    name: &str,
    bytes: &[u8],
    opts: &Options,
) -> Result<Vec<NewArticle>, Rejection> {
    let mut articles = Vec::new();
    let mut first_rejection = None;
    reader::extract_items(name, bytes, opts, None, &mut |item| match item {
        Item::Article(a) => articles.push(*a),
        Item::Rejected(r) => {
            first_rejection.get_or_insert(r);
        }
        Item::Unchanged { .. } => {}
    });
    match (articles.is_empty(), first_rejection) {
        (true, Some(r)) => Err(r),
        (true, None) => Err(Rejection::new(name, "no article found")),
        _ => Ok(articles),
    }
}

/// Fields a source gave about a document before its text is cleaned.
#[derive(Debug, Clone, Default)]
pub(crate) struct Given {
    pub path: Option<String>,
    pub url: Option<String>,
    pub external_id: Option<String>,
    pub title: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub lang: Option<String>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
    pub format: &'static str,
}

/// Cleans `raw`, identifies the language and assembles the article.
pub(crate) fn finish(raw: &str, g: Given) -> NewArticle {
    use unicode_normalization::UnicodeNormalization;
    let raw: String = if unicode_normalization::is_nfc(raw) {
        raw.to_string()
    } else {
        raw.nfc().collect()
    };
    let given_title = g.title.as_deref().map(|t| t.nfc().collect::<String>());
    let c = clean::clean(
        &raw,
        given_title.as_deref().filter(|t| !t.trim().is_empty()),
    );
    let mut metadata = g.metadata;
    for (k, v) in c.metadata {
        metadata.entry(k).or_insert(v);
    }
    let (lang, lang_confidence) = match g.lang.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(l) => (l.to_lowercase(), 1.0),
        None => {
            let probe = if c.text.trim().is_empty() {
                &c.title
            } else {
                &c.text
            };
            detect_language(probe)
        }
    };
    // A dateline is read with the article language's grammar first.
    let from_dateline = || match metadata.get("dateline").and_then(|v| v.as_str()) {
        Some(d) if c.published.is_some() => parse_dateline(d, Some(&lang)).or(c.published.clone()),
        _ => c.published.clone(),
    };
    let published = match g.published.as_deref() {
        Some(p) => match normalize_date(p).or_else(|| parse_dateline(p, Some(&lang))) {
            Some(iso) => Some(iso),
            None => {
                let d = from_dateline();
                metadata.insert("published_raw".into(), serde_json::json!(p));
                d
            }
        },
        None => from_dateline(),
    };
    NewArticle {
        path: g.path,
        url: g.url,
        external_id: g.external_id,
        title: c.title,
        text: c.text,
        raw_text: raw,
        removed: c.removed,
        lang,
        lang_confidence,
        published,
        published_estimated: false,
        source: g.source.or(c.source),
        author: g.author.or(c.author),
        metadata,
        format: g.format.to_string(),
    }
}
