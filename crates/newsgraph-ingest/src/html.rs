//! HTML pages: main text (crate `trafilatura`, or `dom_smoothie` for the
//! measured comparison), title, publication date, site name and author
//! from meta tags, JSON-LD and visible text.

use crate::dates::normalize_date;
use regex::Regex;
use std::sync::OnceLock;

/// Main-text extraction engines that were measured (see docs/ingest.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HtmlBackend {
    /// Crate `trafilatura` 0.6 (port of the Go/Python trafilatura) in a
    /// cascade: its fast mode, then its full mode (external fallbacks)
    /// only on pages whose fast result looks incomplete. The default.
    Trafilatura,
    /// Crate `trafilatura` 0.6, fast mode only (its default options, reader
    /// comments excluded).
    TrafilaturaFast,
    /// Crate `trafilatura` 0.6 with its readability/justext fallbacks on
    /// every page (the options of its published evaluation).
    TrafilaturaFull,
    /// Crate `dom_smoothie` 0.19 (port of Mozilla Readability).
    DomSmoothie,
}

/// A fast-mode text shorter than this (characters) is checked against
/// Readability (tuned on the dev half of the real-page evaluation, see
/// docs/ingest.md).
const CASCADE_SHORT_CHARS: usize = 1500;
/// Readability's text replaces a short fast-mode text when it is more than
/// this many times longer.
const CASCADE_LONGER: usize = 2;

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
    let raw = html;
    let prepared = prepare(raw, backend != HtmlBackend::DomSmoothie);
    let html = prepared.as_str();
    let mut d = page_metadata(html);
    match backend {
        HtmlBackend::Trafilatura | HtmlBackend::TrafilaturaFast | HtmlBackend::TrafilaturaFull => {
            let mut opts = trafilatura::Options::default();
            opts.original_url = url.and_then(|u| url::Url::parse(u).ok());
            if d.published.is_some() {
                // Ours was found in the meta tags / JSON-LD: skip trafilatura's.
                opts.html_date_mode = trafilatura::HtmlDateMode::Disabled;
            }
            opts.enable_fallback = backend == HtmlBackend::TrafilaturaFull;
            // Reader comments are not article text; pruning their containers
            // up front skips trafilatura's comment extraction (same F1 on
            // both halves of the real pages, ~3 % less CPU).
            opts.exclude_comments = true;
            if let Ok(r) = trafilatura::extract(html, &opts) {
                // content_html keeps the paragraph structure that content_text flattens.
                d.text = if r.content_html.trim().is_empty() {
                    String::new()
                } else {
                    fragment_text(&r.content_html)
                };
                if d.text.is_empty() && !r.content_text.trim().is_empty() {
                    // Small pages: trafilatura's fallback gives flat text only;
                    // Readability keeps the paragraphs.
                    d.text = smoothie_text(&prepare(raw, false), url)
                        .unwrap_or_else(|| tidy_text(&r.content_text));
                } else if backend == HtmlBackend::Trafilatura
                    && d.text.chars().count() < CASCADE_SHORT_CHARS
                {
                    // A short result is where trafilatura's fast mode misses
                    // the article (a layout its rules do not know): ask
                    // Readability, and take its text when it is much longer
                    // (what trafilatura's own fallback comparison does, at
                    // a quarter of the cost of its full mode).
                    if let Some(t) = smoothie_text(&prepare(raw, false), url)
                        && t.chars().count() > CASCADE_LONGER * d.text.chars().count()
                    {
                        d.text = t;
                    }
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

/// One pass over the page before parsing: drops what no extractor reads
/// (scripts other than JSON-LD, styles, comments, inline SVG, templates;
/// on real news pages about 45 % of the bytes) and puts a line break after
/// each closing paragraph-like tag, which keeps paragraphs apart when
/// trafilatura falls back to flat text (small pages). JSON-LD scripts and
/// everything else are copied verbatim.
///
/// With `boilerplate`, the subtrees of [`BOILERPLATE_DROPPED`] go too (for
/// trafilatura: it deletes them anyway). Readability gets the page without
/// that step: its candidate scoring looks at the whole page, and measured
/// on the real pages it picks worse candidates without them.
pub(crate) fn prepare(html: &str, boilerplate: bool) -> String {
    let mut out = String::with_capacity(html.len() / 2 + 64);
    let b = html.as_bytes();
    let mut copied = 0; // html[copied..i] is still to be copied
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        let lt = i + off;
        let rest = &b[lt + 1..];
        // Where the dropped span ends (exclusive), if this tag starts one.
        let skip_to = if rest.starts_with(b"!--") {
            let body = lt + 4;
            if html[body..].starts_with('>') {
                Some(body + 1)
            } else if html[body..].starts_with("->") {
                Some(body + 2)
            } else {
                Some(
                    html[body..]
                        .find("-->")
                        .map_or(html.len(), |e| body + e + 3),
                )
            }
        } else if let Some(t) = RAW_DROPPED.iter().find(|t| tag_is(rest, t)) {
            let open_end = html[lt..].find('>').map_or(html.len(), |e| lt + e + 1);
            let keep =
                *t == "script" && html[lt..open_end].to_ascii_lowercase().contains("ld+json");
            (!keep).then(|| close_tag_end(html, open_end, t))
        } else if let Some(t) = BOILERPLATE_DROPPED
            .iter()
            .find(|t| boilerplate && tag_is(rest, t))
        {
            let open_end = html[lt..].find('>').map_or(html.len(), |e| lt + e + 1);
            balanced_close_end(html, open_end, t)
        } else {
            None
        };
        match skip_to {
            Some(end) => {
                out.push_str(&html[copied..lt]);
                copied = end;
                i = end;
            }
            None => {
                let is_block_close = rest.first() == Some(&b'/')
                    && ["p", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6"]
                        .iter()
                        .any(|t| tag_is(&rest[1..], t));
                if is_block_close && let Some(e) = html[lt..].find('>') {
                    out.push_str(&html[copied..lt + e + 1]);
                    out.push('\n');
                    copied = lt + e + 1;
                    i = copied;
                } else {
                    i = lt + 1;
                }
            }
        }
        if i >= html.len() {
            break;
        }
    }
    if copied < html.len() {
        out.push_str(&html[copied..]);
    }
    out
}

/// Elements whose content is raw text (not markup) or never text: dropped
/// up to their first closing tag (JSON-LD scripts excepted).
const RAW_DROPPED: [&str; 4] = ["script", "style", "svg", "template"];
/// Elements both extractors throw away with their whole subtree
/// (trafilatura's cleaning list; Readability's too, or never a candidate):
/// dropped before parsing so neither builds, clones and walks them. Only
/// when their closing tag is found (nesting counted); `form` is not among
/// them because some sites wrap the whole page in one.
const BOILERPLATE_DROPPED: [&str; 6] = ["nav", "aside", "footer", "noscript", "iframe", "select"];

/// The end (past `>`) of the closing tag that matches an element `t` opened
/// just before `from`, counting nested `t` elements; `None` when it is
/// never closed.
fn balanced_close_end(html: &str, from: usize, t: &str) -> Option<usize> {
    let b = html.as_bytes();
    let mut depth = 1usize;
    let mut i = from;
    while let Some(off) = html[i..].find('<') {
        let at = i + off;
        let rest = &b[at + 1..];
        if rest.first() == Some(&b'/') && tag_is(&rest[1..], t) {
            depth -= 1;
            if depth == 0 {
                return html[at..].find('>').map(|e| at + e + 1);
            }
        } else if tag_is(rest, t) {
            depth += 1;
        }
        i = at + 1;
    }
    None
}

/// Whether `rest` (the bytes after `<` or `</`) starts with tag name `t`,
/// case-insensitively, followed by the end of the name.
fn tag_is(rest: &[u8], t: &str) -> bool {
    rest.len() >= t.len()
        && rest[..t.len()].eq_ignore_ascii_case(t.as_bytes())
        && rest
            .get(t.len())
            .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'>' | b'/'))
}

/// The end (past `>`) of the first `</t>` at or after `from`, or the end of
/// the page when it is never closed.
fn close_tag_end(html: &str, from: usize, t: &str) -> usize {
    let b = html.as_bytes();
    let mut i = from;
    while let Some(off) = html[i..].find("</") {
        let at = i + off;
        if tag_is(&b[at + 2..], t) {
            return html[at..].find('>').map_or(html.len(), |e| at + e + 1);
        }
        i = at + 2;
    }
    html.len()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prepare_drops_scripts_styles_comments_but_keeps_json_ld() {
        let html = r#"<html><head><title>T</title><STYLE>p{color:red}</STYLE>
<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2024-01-17"}</script>
<script>var x = "<p>not text</p>"; if (a < b) {}</script></head>
<body><!-- a <p>comment</p> --><svg><path d="M0"/></svg><p>One</p><p>Two</P><li>Three</li></body></html>"#;
        let p = prepare(html, true);
        assert!(p.contains("ld+json") && p.contains("datePublished"), "{p}");
        assert!(!p.contains("not text") && !p.contains("color:red"), "{p}");
        assert!(!p.contains("comment") && !p.contains("<path"), "{p}");
        assert!(
            p.contains("<p>One</p>\n<p>Two</P>\n<li>Three</li>\n"),
            "{p}"
        );
        assert!(p.contains("<title>T</title>"), "{p}");
    }

    #[test]
    fn prepare_handles_unclosed_and_odd_markup() {
        // An unclosed script swallows the rest, as in a browser.
        assert_eq!(prepare("<p>a</p><script>x = 1;", true), "<p>a</p>\n");
        // Empty comment forms and a lone '<' are kept intact around them.
        assert_eq!(prepare("a<!-->b<!--->c", true), "abc");
        assert_eq!(prepare("1 < 2 <scripted> x", true), "1 < 2 <scripted> x");
        assert_eq!(prepare("<p>é</p><SCRIPT >ü</SCRIPT>ß", true), "<p>é</p>\nß");
    }

    #[test]
    fn prepare_drops_boilerplate_subtrees_only_when_closed() {
        let html = "<nav><ul><li><nav>x</nav></li></ul>menu</nav><p>Body</p><aside>more</aside>";
        assert_eq!(prepare(html, true), "<p>Body</p>\n");
        // Never closed: kept, the parser decides.
        let open = "<footer><p>Body</p>";
        assert_eq!(prepare(open, true), "<footer><p>Body</p>\n");
        // A tag that only starts with the name is not that tag.
        assert_eq!(prepare("<navbar>x</navbar>", true), "<navbar>x</navbar>");
        // Without the boilerplate step only raw-text elements go.
        let light = prepare(html, false);
        assert!(
            light.starts_with("<nav>") && light.ends_with("<aside>more</aside>"),
            "{light}"
        );
    }

    #[test]
    fn metadata_survives_preparation() {
        let html = r#"<html lang="de"><head><title>Titel | Site</title>
<meta property="og:site_name" content="Beispiel">
<script type="application/ld+json">{"@type":"NewsArticle","headline":"Die Überschrift","datePublished":"2024-01-17T10:00:00+01:00","author":{"name":"Anna Muster"}}</script>
<script>window.ads = {};</script></head><body><article><h1>Die Überschrift</h1>
<p>Erster Absatz des Artikels mit genug Text, damit die Extraktion ihn als Haupttext erkennt und behält.</p>
<p>Zweiter Absatz mit weiteren Sätzen über das Thema, die ebenfalls zum Haupttext gehören und lang genug sind.</p>
{MORE}</article></body></html>"#;
        let more = "<p>Ein weiterer Absatz erzählt, was an diesem Tag in der Stadt geschah, wer daran beteiligt war und was die Beteiligten danach sagten, damit der Artikel die Länge einer echten Meldung erreicht.</p>\n".repeat(4);
        let html = html.replace("{MORE}", &more);
        let d = extract_html(&html, None);
        assert_eq!(d.title, "Die Überschrift");
        assert_eq!(d.site_name.as_deref(), Some("Beispiel"));
        assert_eq!(d.author.as_deref(), Some("Anna Muster"));
        assert!(
            d.published
                .as_deref()
                .is_some_and(|p| p.starts_with("2024-01-17"))
        );
        assert!(
            d.text.contains("Erster Absatz") && d.text.contains("\n\nZweiter Absatz"),
            "{}",
            d.text
        );
        assert!(!d.text.contains("window.ads"));
    }
}
