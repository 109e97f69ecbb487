//! HTML pages: main text (crate `trafilatura`, or `dom_smoothie` for the
//! measured comparison), title, publication date, site name and author
//! from meta tags, JSON-LD and visible text.

use crate::dates::normalize_date;
use regex::Regex;
use std::sync::OnceLock;

/// Main-text extraction engines that were measured (see docs/ingest.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlBackend {
    /// Crate `trafilatura` 0.6 (port of the Go/Python trafilatura): the default.
    Trafilatura,
    /// Crate `dom_smoothie` 0.19 (port of Mozilla Readability).
    DomSmoothie,
}

/// What was found in one HTML page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HtmlDoc {
    pub title: String,
    /// Main text, paragraphs separated by blank lines.
    pub text: String,
    pub published: Option<String>,
    pub author: Option<String>,
    pub site_name: Option<String>,
    pub lang: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
}

struct MetaRes {
    meta: Regex,
    attr: Regex,
    jsonld: Regex,
    time: Regex,
    title: Regex,
    html_lang: Regex,
    canonical: Regex,
}

fn res() -> &'static MetaRes {
    static R: OnceLock<MetaRes> = OnceLock::new();
    R.get_or_init(|| MetaRes {
        meta: Regex::new(r"(?is)<meta\b[^>]*>").unwrap_or_else(|_| crate::never()),
        attr: Regex::new(r#"(?is)\b(name|property|itemprop|content|http-equiv)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))"#)
            .unwrap_or_else(|_| crate::never()),
        jsonld: Regex::new(r#"(?is)<script\b[^>]*application/ld\+json[^>]*>(.*?)</script>"#)
            .unwrap_or_else(|_| crate::never()),
        time: Regex::new(r#"(?is)<time\b[^>]*\bdatetime\s*=\s*["']([^"']+)["']"#)
            .unwrap_or_else(|_| crate::never()),
        title: Regex::new(r"(?is)<title\b[^>]*>(.*?)</title>").unwrap_or_else(|_| crate::never()),
        html_lang: Regex::new(r#"(?is)<html\b[^>]*\blang\s*=\s*["']?([A-Za-z]{2,3})"#)
            .unwrap_or_else(|_| crate::never()),
        canonical: Regex::new(r#"(?is)<link\b[^>]*rel\s*=\s*["']canonical["'][^>]*href\s*=\s*["']([^"']+)["']"#)
            .unwrap_or_else(|_| crate::never()),
    })
}

/// Decodes HTML character references (named ones common in news text, and
/// numeric ones) and trims.
pub(crate) fn unescape(s: &str) -> String {
    decode_entities(s).trim().to_string()
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1);
        let (ent, consumed) = match end {
            Some(e) if rest[e..].starts_with(';') => (&rest[1..e], e + 1),
            _ => ("", 0),
        };
        let ch: Option<char> = if let Some(num) = ent.strip_prefix('#') {
            let v = if let Some(h) = num.strip_prefix(['x', 'X']) {
                u32::from_str_radix(h, 16).ok()
            } else {
                num.parse::<u32>().ok()
            };
            v.and_then(char::from_u32)
        } else {
            match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "hellip" => Some('…'),
                "laquo" => Some('«'),
                "raquo" => Some('»'),
                "lsquo" => Some('‘'),
                "rsquo" => Some('’'),
                "ldquo" => Some('“'),
                "rdquo" => Some('”'),
                "bdquo" => Some('„'),
                "sbquo" => Some('‚'),
                "auml" => Some('ä'),
                "ouml" => Some('ö'),
                "uuml" => Some('ü'),
                "Auml" => Some('Ä'),
                "Ouml" => Some('Ö'),
                "Uuml" => Some('Ü'),
                "szlig" => Some('ß'),
                "aring" => Some('å'),
                "Aring" => Some('Å'),
                "aelig" => Some('æ'),
                "AElig" => Some('Æ'),
                "oslash" => Some('ø'),
                "Oslash" => Some('Ø'),
                "eacute" => Some('é'),
                "egrave" => Some('è'),
                "agrave" => Some('à'),
                "ccedil" => Some('ç'),
                "copy" => Some('©'),
                "euro" => Some('€'),
                "shy" => Some('\u{ad}'),
                _ => None,
            }
        };
        match ch {
            Some(c) if consumed > 0 => {
                out.push(c);
                rest = &rest[consumed..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text of an HTML fragment (feed item content): block elements become
/// paragraph breaks, scripts and styles are dropped, entities decoded.
pub(crate) fn fragment_text(html: &str) -> String {
    static R: OnceLock<(Regex, Regex, Regex)> = OnceLock::new();
    let (drop, block, tag) = R.get_or_init(|| {
        (
            Regex::new(r"(?is)<(script|style|noscript|iframe)\b.*?</(script|style|noscript|iframe)\s*>|<!--.*?-->")
                .unwrap_or_else(|_| crate::never()),
            Regex::new(r"(?i)</?(p|div|br|li|ul|ol|h[1-6]|blockquote|tr|table|section|article|figure|figcaption|header|footer|pre|hr)\b[^>]*>")
                .unwrap_or_else(|_| crate::never()),
            Regex::new(r"(?s)<[^>]*>").unwrap_or_else(|_| crate::never()),
        )
    });
    if !html.contains('<') {
        return tidy_text(&decode_entities(html));
    }
    let s = drop.replace_all(html, " ");
    let s = block.replace_all(&s, "\n");
    let s = tag.replace_all(&s, "");
    tidy_text(&decode_entities(&s))
}

/// Metadata from `<meta>` tags, JSON-LD, `<time datetime>` and `<title>`.
fn page_metadata(html: &str) -> HtmlDoc {
    let r = res();
    let mut d = HtmlDoc::default();
    let mut title_meta: Option<String> = None;
    // Only the head and the first part of the body carry these.
    let head = &html[..crate::floor_char(html, html.len().min(200_000))];
    for m in r.meta.find_iter(head) {
        let mut key = String::new();
        let mut content = None;
        for c in r.attr.captures_iter(m.as_str()) {
            let name = c
                .get(1)
                .map(|x| x.as_str().to_ascii_lowercase())
                .unwrap_or_default();
            let val = c
                .get(2)
                .or(c.get(3))
                .or(c.get(4))
                .map(|x| x.as_str())
                .unwrap_or("");
            if name == "content" {
                content = Some(unescape(val));
            } else {
                key = val.to_ascii_lowercase();
            }
        }
        let Some(v) = content.filter(|v| !v.is_empty()) else {
            continue;
        };
        match key.as_str() {
            "article:published_time"
            | "datepublished"
            | "date"
            | "pubdate"
            | "publishdate"
            | "dc.date"
            | "dc.date.issued"
            | "dcterms.created"
            | "og:published_time"
            | "sailthru.date"
            | "parsely-pub-date"
                if d.published.is_none() =>
            {
                d.published = normalize_date(&v);
            }
            "author" | "article:author" | "dc.creator" | "byl" | "parsely-author"
                if d.author.is_none() && !v.starts_with("http") =>
            {
                d.author = Some(
                    v.trim_start_matches("By ")
                        .trim_start_matches("by ")
                        .to_string(),
                );
            }
            "og:site_name" | "application-name" | "publisher" | "dc.publisher" => {
                d.site_name.get_or_insert(v);
            }
            "og:title" | "twitter:title" | "dc.title" | "headline" => {
                title_meta.get_or_insert(v);
            }
            "og:url" => {
                d.url.get_or_insert(v);
            }
            "description" | "og:description" => {
                d.description.get_or_insert(v);
            }
            "og:locale" | "language" | "content-language" | "dc.language" => {
                d.lang
                    .get_or_insert(v.chars().take(2).collect::<String>().to_lowercase());
            }
            _ => {}
        }
    }
    for c in r.jsonld.captures_iter(html) {
        let Some(body) = c.get(1) else { continue };
        let Ok(v) = serde_json::from_str::<serde_json::Value>(body.as_str().trim()) else {
            continue;
        };
        jsonld_walk(&v, &mut d, &mut title_meta, 0);
    }
    if d.published.is_none()
        && let Some(c) = r.time.captures(html)
    {
        d.published = c.get(1).and_then(|m| normalize_date(m.as_str()));
    }
    if d.url.is_none()
        && let Some(c) = r.canonical.captures(head)
    {
        d.url = c.get(1).map(|m| unescape(m.as_str()));
    }
    if d.lang.is_none()
        && let Some(c) = r.html_lang.captures(head)
    {
        d.lang = c.get(1).map(|m| m.as_str().to_lowercase());
    }
    let tag_title = r
        .title
        .captures(head)
        .and_then(|c| c.get(1))
        .map(|m| unescape(m.as_str()));
    d.title = title_meta.or(tag_title).unwrap_or_default();
    d
}

fn jsonld_str(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        serde_json::Value::Object(o) => o.get("name").and_then(jsonld_str),
        serde_json::Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(jsonld_str).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

fn jsonld_walk(v: &serde_json::Value, d: &mut HtmlDoc, title: &mut Option<String>, depth: usize) {
    if depth > 6 {
        return;
    }
    match v {
        serde_json::Value::Array(a) => a.iter().for_each(|x| jsonld_walk(x, d, title, depth + 1)),
        serde_json::Value::Object(o) => {
            let ty = o.get("@type").and_then(jsonld_str).unwrap_or_default();
            if ty.contains("Article") || ty.contains("Posting") || ty == "WebPage" {
                if d.published.is_none() {
                    d.published = o
                        .get("datePublished")
                        .and_then(jsonld_str)
                        .and_then(|s| normalize_date(&s));
                }
                if d.author.is_none() {
                    d.author = o.get("author").and_then(jsonld_str);
                }
                if d.site_name.is_none() {
                    d.site_name = o.get("publisher").and_then(jsonld_str);
                }
                if title.is_none() {
                    *title = o.get("headline").and_then(jsonld_str);
                }
            }
            if let Some(g) = o.get("@graph") {
                jsonld_walk(g, d, title, depth + 1);
            }
        }
        _ => {}
    }
}

/// Collapses the extractor's text into paragraphs separated by blank lines.
fn tidy_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for para in s.split('\n') {
        let p = para.split_whitespace().collect::<Vec<_>>().join(" ");
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&p);
    }
    out
}

/// Extracts the main text and metadata of one HTML page with `backend`.
pub fn extract_html_with(html: &str, url: Option<&str>, backend: HtmlBackend) -> HtmlDoc {
    let mut d = page_metadata(html);
    match backend {
        HtmlBackend::Trafilatura => {
            let mut opts = trafilatura::Options::default();
            opts.original_url = url.and_then(|u| url::Url::parse(u).ok());
            // A line break after each closing block tag keeps paragraphs
            // apart when trafilatura falls back to flat text (small pages).
            let spaced = block_breaks(html);
            if let Ok(r) = trafilatura::extract(&spaced, &opts) {
                // content_html keeps the paragraph structure that content_text flattens.
                d.text = if r.content_html.trim().is_empty() {
                    String::new()
                } else {
                    fragment_text(&r.content_html)
                };
                if d.text.is_empty() && !r.content_text.trim().is_empty() {
                    // Small pages: trafilatura's fallback gives flat text only;
                    // Readability keeps the paragraphs.
                    d.text = smoothie_text(html, url).unwrap_or_else(|| tidy_text(&r.content_text));
                }
                let m = r.metadata;
                if d.title.is_empty() {
                    d.title = m.title;
                }
                if d.author.is_none() && !m.author.is_empty() {
                    d.author = Some(m.author);
                }
                if d.site_name.is_none() && !m.sitename.is_empty() {
                    d.site_name = Some(m.sitename);
                }
                if d.published.is_none() {
                    d.published = m.date.map(|x| x.format("%Y-%m-%d").to_string());
                }
            }
        }
        HtmlBackend::DomSmoothie => {
            let cfg = dom_smoothie::Config {
                text_mode: dom_smoothie::TextMode::Formatted,
                ..Default::default()
            };
            let url = url.filter(|u| u.starts_with("http"));
            if let Ok(mut r) = dom_smoothie::Readability::new(html, url, Some(cfg))
                && let Ok(a) = r.parse()
            {
                d.text = tidy_text(&a.text_content);
                if d.title.is_empty() {
                    d.title = a.title;
                }
                if d.author.is_none() {
                    d.author = a.byline;
                }
                if d.site_name.is_none() {
                    d.site_name = a.site_name;
                }
                if d.published.is_none() {
                    d.published = a.published_time.and_then(|s| normalize_date(&s));
                }
            }
        }
    }
    if d.url.is_none() {
        d.url = url.map(str::to_string);
    }
    d.title = d.title.split_whitespace().collect::<Vec<_>>().join(" ");
    d
}

fn block_breaks(html: &str) -> std::borrow::Cow<'_, str> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)</(?:p|h[1-6]|li|blockquote)>").unwrap_or_else(|_| crate::never())
    });
    re.replace_all(html, "$0\n")
}

fn smoothie_text(html: &str, url: Option<&str>) -> Option<String> {
    let cfg = dom_smoothie::Config {
        text_mode: dom_smoothie::TextMode::Formatted,
        ..Default::default()
    };
    let url = url.filter(|u| u.starts_with("http"));
    let mut r = dom_smoothie::Readability::new(html, url, Some(cfg)).ok()?;
    let a = r.parse().ok()?;
    Some(tidy_text(&a.text_content)).filter(|t| !t.is_empty())
}

/// Extracts the main text and metadata of one HTML page (default backend).
pub fn extract_html(html: &str, url: Option<&str>) -> HtmlDoc {
    extract_html_with(html, url, HtmlBackend::Trafilatura)
}
