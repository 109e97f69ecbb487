//! RSS 2.0 / Atom / RDF feeds (feed-rs) and OPML lists of feeds.

use crate::reader::{Origin, Reader, emit_article, html_given};
use crate::{Item, Options, Rejection, html};
use regex::Regex;
use serde_json::json;
use std::sync::OnceLock;

/// Feed items shorter than this (in characters of text) are teasers, not
/// articles: they are rejected unless `--follow-links` fetches the page.
const MIN_ITEM_CHARS: usize = 200;

/// True when feed-rs can parse `bytes` as a feed.
pub(crate) fn looks_like_feed(bytes: &[u8]) -> bool {
    feed_rs::parser::parse(bytes).is_ok()
}

/// The feed URLs (`xmlUrl`) an OPML list names, in order, without repeats.
pub(crate) fn opml_feeds(text: &str) -> Vec<String> {
    static RE: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (outline, attr) = RE.get_or_init(|| {
        (
            Regex::new(r"(?is)<outline\b[^>]*>").unwrap_or_else(|_| crate::never()),
            Regex::new(r#"(?is)\bxmlUrl\s*=\s*(?:"([^"]*)"|'([^']*)')"#)
                .unwrap_or_else(|_| crate::never()),
        )
    });
    let mut out: Vec<String> = Vec::new();
    for o in outline.find_iter(text) {
        if let Some(c) = attr.captures(o.as_str()) {
            let u = c
                .get(1)
                .or(c.get(2))
                .map(|m| html::unescape(m.as_str()))
                .unwrap_or_default();
            if !u.is_empty() && !out.contains(&u) {
                out.push(u);
            }
        }
    }
    out
}

/// Emits one article per feed item with enough content (or, with
/// `follow_links`, the linked page), a rejection for the others.
pub(crate) fn read_feed(
    origin: &Origin,
    bytes: &[u8],
    opts: &Options,
    reader: Option<&Reader>,
    emit: &mut dyn FnMut(Item),
) {
    let feed = match feed_rs::parser::parse(bytes) {
        Ok(f) => f,
        Err(e) => {
            emit(Item::Rejected(Rejection::new(
                &origin.name,
                format!("not a valid feed: {e}"),
            )));
            return;
        }
    };
    let feed_title = feed
        .title
        .as_ref()
        .map(|t| html::unescape(&t.content))
        .filter(|t| !t.is_empty());
    if feed.entries.is_empty() {
        emit(Item::Rejected(Rejection::new(
            &origin.name,
            "feed has no items",
        )));
        return;
    }
    for (n, e) in feed.entries.into_iter().enumerate() {
        let item_name = format!("{}#item-{}", origin.name, n + 1);
        let link = e.links.first().map(|l| l.href.clone());
        let title = e
            .title
            .as_ref()
            .map(|t| html::fragment_text(&t.content))
            .filter(|t| !t.is_empty());
        let published = e.published.or(e.updated).map(|d| d.to_rfc3339());
        let author = {
            let names: Vec<String> = e
                .authors
                .iter()
                .filter_map(|p| p.name.clone())
                .filter(|n| !n.is_empty())
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        };
        let item_origin = Origin {
            name: item_name.clone(),
            path: origin.path.clone(),
            url: link.clone().or(origin.url.clone()),
        };
        let mut meta = serde_json::Map::new();
        if let Some(u) = &origin.url {
            meta.insert("feed_url".into(), json!(u));
        }
        if let Some(t) = &feed_title {
            meta.insert("feed_title".into(), json!(t));
        }
        let cats: Vec<String> = e.categories.iter().map(|c| c.term.clone()).collect();
        if !cats.is_empty() {
            meta.insert("categories".into(), json!(cats));
        }
        // With --follow-links, the linked page replaces the item content.
        if opts.follow_links
            && let (Some(r), Some(l)) = (reader, link.as_deref())
        {
            match r.fetch_page(l) {
                Ok(d) if !d.text.trim().is_empty() => {
                    let mut g = html_given(&item_origin, &d, "html");
                    g.url = Some(l.to_string());
                    g.external_id = Some(e.id.clone()).filter(|s| !s.is_empty());
                    if g.title.is_none() {
                        g.title = title.clone();
                    }
                    if g.published.is_none() {
                        g.published = published.clone();
                    }
                    if g.author.is_none() {
                        g.author = author.clone();
                    }
                    if g.source.is_none() {
                        g.source = feed_title.clone();
                    }
                    g.metadata.extend(meta);
                    emit_article(&item_origin, crate::finish(&d.text, g), emit);
                }
                Ok(_) => emit(Item::Rejected(Rejection::new(
                    l,
                    "linked page has no main text",
                ))),
                Err(r) => emit(Item::Rejected(r)),
            }
            continue;
        }
        let body = e
            .content
            .as_ref()
            .and_then(|c| c.body.clone())
            .filter(|b| !b.trim().is_empty())
            .or_else(|| e.summary.as_ref().map(|s| s.content.clone()));
        let text = body.map(|b| html::fragment_text(&b)).unwrap_or_default();
        if text.chars().count() < MIN_ITEM_CHARS {
            emit(Item::Rejected(Rejection::new(
                item_name,
                format!(
                    "feed item has only {} characters of content (a teaser; use --follow-links to fetch the page)",
                    text.chars().count()
                ),
            )));
            continue;
        }
        let mut g = item_origin.given("feed");
        g.external_id = Some(e.id.clone()).filter(|s| !s.is_empty());
        g.title = title;
        g.published = published;
        g.author = author;
        g.source = feed_title.clone();
        g.metadata = meta;
        emit_article(&item_origin, crate::finish(&text, g), emit);
    }
}
