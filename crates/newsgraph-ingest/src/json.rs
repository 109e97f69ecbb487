//! JSON Lines and JSON arrays of article records. Fields `id`, `url`,
//! `title`, `text` or `html`, `published`, `source`, `lang`, `author` (all
//! optional); every other field is kept as metadata.

use crate::reader::{Origin, emit_article, html_given};
use crate::{Item, Options, Rejection, html};
use serde_json::{Map, Value};
use std::io::BufRead;

fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Number(n) => Some(n.to_string()),
        Value::Array(a) => {
            let parts: Vec<String> = a.iter().filter_map(as_text).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        Value::Object(o) => o.get("name").and_then(as_text),
        _ => None,
    }
}

/// Turns one JSON record into an article; `Err(reason)` when it is not one.
fn record(origin: &Origin, v: Value, emit: &mut dyn FnMut(Item)) -> Result<(), String> {
    let Value::Object(mut o) = v else {
        return Err("not a JSON object".into());
    };
    let mut take = |k: &str| o.remove(k);
    let id = take("id").as_ref().and_then(as_text);
    let url = take("url").as_ref().and_then(as_text);
    let title = take("title").as_ref().and_then(as_text);
    let text = take("text").as_ref().and_then(as_text);
    let html_src = take("html").as_ref().and_then(as_text);
    let published = take("published").as_ref().and_then(as_text);
    let source = take("source").as_ref().and_then(as_text);
    let lang = take("lang").as_ref().and_then(as_text);
    let author = take("author").as_ref().and_then(as_text);
    let metadata: Map<String, Value> = o;
    let rec_origin = Origin {
        name: origin.name.clone(),
        path: origin.path.clone(),
        url: url.clone().or(origin.url.clone()),
    };
    let (raw, mut given) = match (text, html_src) {
        (Some(t), _) => (t, rec_origin.given("json")),
        (None, Some(h)) => {
            let d = html::extract_html(&h, url.as_deref());
            if d.text.trim().is_empty() {
                return Err("the html field has no main text".into());
            }
            let g = html_given(&rec_origin, &d, "json");
            (d.text, g)
        }
        (None, None) => return Err("no text or html field".into()),
    };
    given.external_id = id;
    if title.is_some() {
        given.title = title;
    }
    if published.is_some() {
        given.published = published;
    }
    if source.is_some() {
        given.source = source;
    }
    if author.is_some() {
        given.author = author;
    }
    given.lang = lang;
    for (k, v) in metadata {
        given.metadata.insert(k, v);
    }
    let a = crate::finish(&raw, given);
    emit_article(&rec_origin, a, emit);
    Ok(())
}

fn line_origin(origin: &Origin, suffix: String) -> Origin {
    Origin {
        name: format!("{}{}", origin.name, suffix),
        path: origin.path.clone(),
        url: origin.url.clone(),
    }
}

fn json_extension(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz"]
        .iter()
        .any(|e| n.ends_with(e))
}

/// Reads `text` as a JSON array, a single JSON object or JSON Lines.
/// Returns false (emitting nothing) when the text is not JSON at all and
/// should be read as plain text instead.
pub(crate) fn read_json(origin: &Origin, text: &str, emit: &mut dyn FnMut(Item)) -> bool {
    let t = text.trim_start_matches('\u{feff}').trim();
    if t.starts_with('[') {
        return match serde_json::from_str::<Value>(t) {
            Ok(Value::Array(items)) => {
                if items.is_empty() {
                    emit(Item::Rejected(Rejection::new(
                        &origin.name,
                        "empty JSON array",
                    )));
                }
                for (i, v) in items.into_iter().enumerate() {
                    let o = line_origin(origin, format!("#{}", i + 1));
                    if let Err(reason) = record(&o, v, emit) {
                        emit(Item::Rejected(Rejection::new(o.name, reason)));
                    }
                }
                true
            }
            Ok(_) => false,
            Err(e) => {
                let after = t.strip_prefix('[').unwrap_or(t).trim_start();
                if json_extension(&origin.name) || after.starts_with('{') {
                    emit(Item::Rejected(Rejection::new(
                        &origin.name,
                        format!("invalid JSON: {e}"),
                    )));
                    true
                } else {
                    false
                }
            }
        };
    }
    // One object per line, or one (pretty-printed) object for the whole file.
    let lines: Vec<(usize, &str)> = t
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .collect();
    let parsed: Vec<(usize, Result<Value, serde_json::Error>)> = lines
        .iter()
        .map(|(i, l)| (*i, serde_json::from_str::<Value>(l.trim())))
        .collect();
    let good = parsed.iter().filter(|(_, r)| r.is_ok()).count();
    if good == 0 {
        return match serde_json::from_str::<Value>(t) {
            Ok(v) => {
                if let Err(reason) = record(origin, v, emit) {
                    emit(Item::Rejected(Rejection::new(&origin.name, reason)));
                }
                true
            }
            Err(e) if json_extension(&origin.name) => {
                emit(Item::Rejected(Rejection::new(
                    &origin.name,
                    format!("invalid JSON: {e}"),
                )));
                true
            }
            Err(_) => false,
        };
    }
    // Leading BOM/whitespace was trimmed: line numbers count from the trimmed start.
    let offset = text.trim_start_matches('\u{feff}').len()
        - text.trim_start_matches('\u{feff}').trim_start().len();
    let skipped_lines = text.trim_start_matches('\u{feff}')[..offset]
        .matches('\n')
        .count();
    for (i, r) in parsed {
        let o = line_origin(origin, format!(":{}", i + 1 + skipped_lines));
        match r {
            Ok(v) => {
                if let Err(reason) = record(&o, v, emit) {
                    emit(Item::Rejected(Rejection::new(o.name, reason)));
                }
            }
            Err(e) => emit(Item::Rejected(Rejection::new(
                o.name,
                format!("invalid JSON: {e}"),
            ))),
        }
    }
    true
}

/// Streams JSON Lines from `r` (stdin): one record per line, each line
/// capped at the size limit.
pub(crate) fn read_jsonl_stream(
    name: &str,
    mut r: impl BufRead,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) {
    let origin = Origin {
        name: name.to_string(),
        path: None,
        url: None,
    };
    let mut buf = Vec::new();
    let mut n = 0usize;
    loop {
        buf.clear();
        n += 1;
        let mut limited = (&mut r).take(opts.max_bytes + 1);
        match limited.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                emit(Item::Rejected(Rejection::new(
                    format!("{name}:{n}"),
                    format!("read error: {e}"),
                )));
                break;
            }
        }
        let o = line_origin(&origin, format!(":{n}"));
        if buf.len() as u64 > opts.max_bytes {
            emit(Item::Rejected(Rejection::new(
                o.name,
                "line over the size cap",
            )));
            // Skip the rest of this overlong line.
            let mut sink = Vec::new();
            let _ = r.read_until(b'\n', &mut sink);
            continue;
        }
        let line = String::from_utf8_lossy(&buf);
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(v) => {
                if let Err(reason) = record(&o, v, emit) {
                    emit(Item::Rejected(Rejection::new(o.name, reason)));
                }
            }
            Err(e) => emit(Item::Rejected(Rejection::new(
                o.name,
                format!("invalid JSON: {e}"),
            ))),
        }
    }
}

use std::io::Read;
