//! Expanding inputs (directories, globs, stdin, OPML, URLs) and sniffing
//! the format of each document by its content.

use crate::{FetchCache, Given, Item, Options, Rejection, decode, feed, html, http, json, warc};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// OPML lists may name other OPML lists; this bounds the nesting.
const MAX_DEPTH: u32 = 3;

/// Reads inputs of any kind and emits [`Item`]s.
pub struct Reader {
    opts: Options,
    cache: Option<Arc<dyn FetchCache>>,
    agent: OnceLock<ureq::Agent>,
}

/// Where a document came from.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origin {
    /// Name used in rejections.
    pub name: String,
    pub path: Option<String>,
    pub url: Option<String>,
}

impl Origin {
    pub(crate) fn of(name: &str) -> Origin {
        if name.starts_with("http://") || name.starts_with("https://") {
            Origin {
                name: name.to_string(),
                path: None,
                url: Some(name.to_string()),
            }
        } else {
            Origin {
                name: name.to_string(),
                path: Some(name.to_string()),
                url: None,
            }
        }
    }
    pub(crate) fn given(&self, format: &'static str) -> Given {
        Given {
            path: self.path.clone(),
            url: self.url.clone(),
            format,
            ..Default::default()
        }
    }
}

fn mib(n: u64) -> String {
    format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
}

impl Reader {
    /// A reader with `opts` and no fetch cache.
    pub fn new(opts: Options) -> Self {
        Reader {
            opts,
            cache: None,
            agent: OnceLock::new(),
        }
    }

    /// Uses `cache` for conditional GET (ETag / Last-Modified).
    pub fn with_cache(mut self, cache: Arc<dyn FetchCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// The options this reader was built with.
    pub fn options(&self) -> &Options {
        &self.opts
    }

    pub(crate) fn agent(&self) -> &ureq::Agent {
        self.agent.get_or_init(|| http::agent(&self.opts))
    }

    /// Expand an input (directory recursively, glob, `-` = JSONL on stdin,
    /// OPML → its feeds, http(s) URL, file) and emit every item.
    pub fn read(&self, input: &str, emit: &mut dyn FnMut(Item)) {
        self.read_at(input, emit, 0);
    }

    fn read_at(&self, input: &str, emit: &mut dyn FnMut(Item), depth: u32) {
        if input == "-" {
            let stdin = std::io::stdin();
            json::read_jsonl_stream("stdin", stdin.lock(), &self.opts, emit);
            return;
        }
        if input.starts_with("http://") || input.starts_with("https://") {
            self.read_url(input, emit, depth);
            return;
        }
        let path = Path::new(input);
        if path.is_dir() {
            let mut files = Vec::new();
            collect_files(path, &mut files, 0);
            if files.is_empty() {
                emit(Item::Rejected(Rejection::new(
                    input,
                    "directory holds no files",
                )));
            }
            for f in files {
                self.read_file(&f, emit, depth);
            }
        } else if path.is_file() {
            self.read_file(path, emit, depth);
        } else if input.contains(['*', '?', '[']) {
            match glob::glob(input) {
                Ok(paths) => {
                    let mut files: Vec<PathBuf> = Vec::new();
                    for p in paths.flatten() {
                        if p.is_dir() {
                            collect_files(&p, &mut files, 0);
                        } else if p.is_file() {
                            files.push(p);
                        }
                    }
                    if files.is_empty() {
                        emit(Item::Rejected(Rejection::new(
                            input,
                            "pattern matched no files",
                        )));
                    }
                    for f in files {
                        self.read_file(&f, emit, depth);
                    }
                }
                Err(e) => emit(Item::Rejected(Rejection::new(
                    input,
                    format!("bad pattern: {e}"),
                ))),
            }
        } else {
            emit(Item::Rejected(Rejection::new(
                input,
                "no such file, directory or URL",
            )));
        }
    }

    fn read_url(&self, url: &str, emit: &mut dyn FnMut(Item), depth: u32) {
        match http::fetch(self.agent(), url, &self.opts, self.cache.as_deref()) {
            Ok(http::Fetched::NotModified) => emit(Item::Unchanged {
                input: url.to_string(),
            }),
            Ok(http::Fetched::Body { bytes, final_url }) => {
                let origin = Origin {
                    name: url.to_string(),
                    path: None,
                    url: Some(final_url),
                };
                extract_at(&origin, &bytes, &self.opts, Some(self), depth, emit);
            }
            Err(r) => emit(Item::Rejected(r)),
        }
    }

    fn read_file(&self, path: &Path, emit: &mut dyn FnMut(Item), depth: u32) {
        let name = path.display().to_string();
        let reject = |emit: &mut dyn FnMut(Item), reason: String| {
            emit(Item::Rejected(Rejection::new(name.clone(), reason)))
        };
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => return reject(emit, format!("cannot read: {e}")),
        };
        let mut file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => return reject(emit, format!("cannot open: {e}")),
        };
        if meta.len() == 0 {
            return reject(emit, "empty file".to_string());
        }
        // WARC files are streamed record by record (the size cap applies per record).
        if warc::is_warc_file(path) {
            let origin = Origin::of(&name);
            match warc::open(path) {
                Ok(r) => warc::read_warc(&origin, r, &self.opts, emit),
                Err(e) => reject(emit, format!("cannot open: {e}")),
            }
            return;
        }
        if meta.len() > self.opts.max_bytes {
            return reject(
                emit,
                format!(
                    "file is {}, over the size cap of {}",
                    mib(meta.len()),
                    mib(self.opts.max_bytes)
                ),
            );
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        if let Err(e) = file.read_to_end(&mut bytes) {
            return reject(emit, format!("cannot read: {e}"));
        }
        extract_at(
            &Origin::of(&name),
            &bytes,
            &self.opts,
            Some(self),
            depth,
            emit,
        );
    }

    /// Reads every feed an OPML list names (URLs, or paths relative to the list).
    pub(crate) fn read_opml(
        &self,
        origin: &Origin,
        text: &str,
        depth: u32,
        emit: &mut dyn FnMut(Item),
    ) {
        let feeds = feed::opml_feeds(text);
        if feeds.is_empty() {
            emit(Item::Rejected(Rejection::new(
                &origin.name,
                "OPML list names no feeds (no xmlUrl)",
            )));
            return;
        }
        if depth >= MAX_DEPTH {
            emit(Item::Rejected(Rejection::new(
                &origin.name,
                "OPML lists nested too deeply",
            )));
            return;
        }
        for f in feeds {
            let target = if f.contains("://") || origin.path.is_none() {
                f
            } else {
                let base = origin.path.as_deref().map(Path::new).and_then(Path::parent);
                match base {
                    Some(b) => b.join(&f).display().to_string(),
                    None => f,
                }
            };
            self.read_at(&target, emit, depth + 1);
        }
    }

    /// Fetches a feed item's linked page and extracts it.
    pub(crate) fn fetch_page(&self, url: &str) -> Result<html::HtmlDoc, Rejection> {
        match http::fetch(self.agent(), url, &self.opts, None)? {
            http::Fetched::Body { bytes, final_url } => {
                let text = decode::decode(&bytes).map_err(|e| Rejection::new(url, e.reason()))?;
                Ok(html::extract_html(&text, Some(&final_url)))
            }
            http::Fetched::NotModified => Err(Rejection::new(url, "not modified")),
        }
    }
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>, depth: usize) {
    if depth > 64 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            collect_files(&p, out, depth + 1);
        } else if p.is_file() {
            out.push(p);
        }
    }
}

/// What a decoded document is.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Html,
    Feed,
    Opml,
    OtherXml,
    Json,
    Text,
}

fn sniff(text: &str) -> Kind {
    let t = text.trim_start_matches('\u{feff}').trim_start();
    if t.starts_with('<') {
        let head: String = t.chars().take(4096).collect::<String>().to_lowercase();
        if head.contains("<opml") {
            return Kind::Opml;
        }
        let html_mark = ["<html", "<!doctype html", "<head", "<body"]
            .iter()
            .any(|m| head.contains(m));
        if !html_mark
            && (head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf"))
        {
            return Kind::Feed;
        }
        if html_mark {
            return Kind::Html;
        }
        if head.starts_with("<?xml") {
            return Kind::OtherXml;
        }
        return Kind::Html;
    }
    if t.starts_with('{') || t.starts_with('[') {
        return Kind::Json;
    }
    Kind::Text
}

pub(crate) fn extract_items(
    name: &str,
    bytes: &[u8],
    opts: &Options,
    reader: Option<&Reader>,
    emit: &mut dyn FnMut(Item),
) {
    extract_at(&Origin::of(name), bytes, opts, reader, 0, emit)
}

pub(crate) fn extract_at(
    origin: &Origin,
    bytes: &[u8],
    opts: &Options,
    reader: Option<&Reader>,
    depth: u32,
    emit: &mut dyn FnMut(Item),
) {
    let reject = |emit: &mut dyn FnMut(Item), reason: String| {
        emit(Item::Rejected(Rejection::new(origin.name.clone(), reason)))
    };
    if bytes.is_empty() {
        return reject(emit, "empty input".into());
    }
    if bytes.len() as u64 > opts.max_bytes {
        return reject(
            emit,
            format!(
                "input is {}, over the size cap of {}",
                mib(bytes.len() as u64),
                mib(opts.max_bytes)
            ),
        );
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        if depth > MAX_DEPTH {
            return reject(emit, "nested compression".into());
        }
        let mut out = Vec::new();
        let dec = flate2::read::MultiGzDecoder::new(bytes);
        match dec.take(opts.max_bytes + 1).read_to_end(&mut out) {
            Ok(_) if out.len() as u64 > opts.max_bytes => {
                return reject(
                    emit,
                    format!(
                        "decompressed size over the size cap of {}",
                        mib(opts.max_bytes)
                    ),
                );
            }
            Ok(_) => {}
            Err(e) => return reject(emit, format!("broken gzip data: {e}")),
        }
        return extract_at(origin, &out, opts, reader, depth + 1, emit);
    }
    if bytes.starts_with(b"WARC/") {
        return warc::read_warc(origin, std::io::BufReader::new(bytes), opts, emit);
    }
    let text = match decode::decode(bytes) {
        Ok(t) => t,
        Err(e) => return reject(emit, e.reason()),
    };
    match sniff(&text) {
        Kind::Opml => match reader {
            Some(r) => r.read_opml(origin, &text, depth, emit),
            None => reject(
                emit,
                format!(
                    "OPML list of {} feeds: give it to `newsgraph ingest` to read the feeds",
                    feed::opml_feeds(&text).len()
                ),
            ),
        },
        Kind::Feed => feed::read_feed(origin, text.as_bytes(), opts, reader, emit),
        Kind::OtherXml => {
            if feed::looks_like_feed(text.as_bytes()) {
                feed::read_feed(origin, text.as_bytes(), opts, reader, emit)
            } else {
                reject(
                    emit,
                    "XML document that is not a feed, an OPML list or HTML".into(),
                )
            }
        }
        Kind::Html => html_article(origin, &text, emit),
        Kind::Json => {
            if !json::read_json(origin, &text, emit) {
                text_article(origin, &text, emit)
            }
        }
        Kind::Text => text_article(origin, &text, emit),
    }
}

/// Emits the article, or a rejection when cleaning left no text.
pub(crate) fn emit_article(
    origin: &Origin,
    a: newsgraph_model::NewArticle,
    emit: &mut dyn FnMut(Item),
) {
    if a.text.trim().is_empty() {
        let reason = if a.raw_text.trim().is_empty() {
            "no text found".to_string()
        } else {
            format!(
                "no article text left after cleaning ({} lines removed)",
                a.removed.len()
            )
        };
        emit(Item::Rejected(Rejection::new(origin.name.clone(), reason)));
    } else {
        emit(Item::Article(Box::new(a)));
    }
}

fn text_article(origin: &Origin, text: &str, emit: &mut dyn FnMut(Item)) {
    let a = crate::finish(text, origin.given("text"));
    emit_article(origin, a, emit);
}

pub(crate) fn html_given(origin: &Origin, d: &html::HtmlDoc, format: &'static str) -> Given {
    let mut g = origin.given(format);
    if g.url.is_none() {
        g.url = d.url.clone();
    }
    g.title = Some(d.title.clone()).filter(|t| !t.is_empty());
    g.published = d.published.clone();
    g.source = d.site_name.clone();
    g.author = d.author.clone();
    if let Some(l) = &d.lang {
        g.metadata
            .insert("declared_lang".into(), serde_json::json!(l));
    }
    if let Some(desc) = &d.description {
        g.metadata
            .insert("description".into(), serde_json::json!(desc));
    }
    g
}

fn html_article(origin: &Origin, text: &str, emit: &mut dyn FnMut(Item)) {
    let d = html::extract_html(text, origin.url.as_deref());
    if d.text.trim().is_empty() {
        emit(Item::Rejected(Rejection::new(
            origin.name.clone(),
            "HTML page without main text",
        )));
        return;
    }
    let g = html_given(origin, &d, "html");
    let a = crate::finish(&d.text, g);
    emit_article(origin, a, emit);
}
