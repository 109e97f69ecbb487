//! WARC and WARC.gz: a small streaming parser. `response` records holding
//! HTTP responses (and `resource` records) become documents; chunked
//! transfer encoding and gzip/deflate content encoding are undone; each
//! record is capped at the size limit.

use crate::reader::{Origin, extract_at};
use crate::{Item, Options, Rejection};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// True when the file starts like a WARC file (plain or gzip-compressed).
pub(crate) fn is_warc_file(path: &Path) -> bool {
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 2];
    let mut r = BufReader::new(f);
    if r.read_exact(&mut head).is_err() {
        return false;
    }
    if head == [0x1f, 0x8b] {
        let Ok(f) = std::fs::File::open(path) else {
            return false;
        };
        let mut dec = flate2::read::MultiGzDecoder::new(f);
        let mut start = [0u8; 5];
        return dec.read_exact(&mut start).is_ok() && &start == b"WARC/";
    }
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let mut start = [0u8; 5];
    BufReader::new(f).read_exact(&mut start).is_ok() && &start == b"WARC/"
}

/// Opens a WARC file for streaming, decompressing it when it is gzip.
pub(crate) fn open(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    let mut f = std::fs::File::open(path)?;
    let mut head = [0u8; 2];
    let gz = f.read_exact(&mut head).is_ok() && head == [0x1f, 0x8b];
    let f = std::fs::File::open(path)?;
    Ok(if gz {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(f)))
    } else {
        Box::new(BufReader::new(f))
    })
}

fn read_line(r: &mut dyn BufRead, buf: &mut Vec<u8>) -> std::io::Result<usize> {
    buf.clear();
    let n = r.take(64 * 1024).read_until(b'\n', buf)?;
    while buf.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        buf.pop();
    }
    Ok(n)
}

/// Parsed header lines, in order.
type Headers = Vec<(String, String)>;

fn header<'a>(headers: &'a [(String, String)], key: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

fn parse_headers(block: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(block)
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// Undoes `Transfer-Encoding: chunked`; `None` when the chunks are broken.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(body.len());
    loop {
        let nl = body.iter().position(|&b| b == b'\n')?;
        let size_line = String::from_utf8_lossy(&body[..nl]);
        let size_hex = size_line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16).ok()?;
        body = &body[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        if body.len() < size {
            out.extend_from_slice(body);
            return Some(out);
        }
        out.extend_from_slice(&body[..size]);
        body = &body[size..];
        if body.starts_with(b"\r\n") {
            body = &body[2..];
        } else if body.starts_with(b"\n") {
            body = &body[1..];
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Splits an HTTP response block into status, headers and payload.
fn split_http(block: &[u8]) -> Option<(u16, Headers, &[u8])> {
    let (head_end, body_start) = match find(block, b"\r\n\r\n") {
        Some(i) => (i, i + 4),
        None => {
            let i = find(block, b"\n\n")?;
            (i, i + 2)
        }
    };
    let head = &block[..head_end];
    let first_nl = head.iter().position(|&b| b == b'\n').unwrap_or(head.len());
    let status_line = String::from_utf8_lossy(&head[..first_nl]);
    let mut parts = status_line.split_whitespace();
    if !parts.next()?.starts_with("HTTP/") {
        return None;
    }
    let status: u16 = parts.next()?.parse().ok()?;
    let headers = parse_headers(head.get(first_nl..).unwrap_or(&[]));
    Some((status, headers, &block[body_start..]))
}

fn textual(content_type: &str) -> bool {
    let ct = content_type.to_ascii_lowercase();
    ct.is_empty()
        || ct.contains("html")
        || ct.contains("xml")
        || ct.contains("text/")
        || ct.contains("json")
}

/// Reads every record of a WARC stream and emits the documents found.
pub(crate) fn read_warc(
    origin: &Origin,
    mut r: impl BufRead,
    opts: &Options,
    emit: &mut dyn FnMut(Item),
) {
    let mut line = Vec::new();
    let mut n = 0usize;
    loop {
        // Skip blank lines between records.
        let got = match read_line(&mut r, &mut line) {
            Ok(g) => g,
            Err(e) => {
                emit(Item::Rejected(Rejection::new(
                    &origin.name,
                    format!("read error: {e}"),
                )));
                return;
            }
        };
        if got == 0 {
            break;
        }
        if line.is_empty() {
            continue;
        }
        n += 1;
        let rec_name = format!("{}#record-{}", origin.name, n);
        if !line.starts_with(b"WARC/") {
            emit(Item::Rejected(Rejection::new(
                rec_name,
                "not a WARC record header; the rest of the file is skipped",
            )));
            return;
        }
        let mut head = Vec::new();
        loop {
            match read_line(&mut r, &mut line) {
                Ok(0) => break,
                Ok(_) if line.is_empty() => break,
                Ok(_) => {
                    head.extend_from_slice(&line);
                    head.push(b'\n');
                    if head.len() > 256 * 1024 {
                        emit(Item::Rejected(Rejection::new(
                            rec_name,
                            "WARC header too long",
                        )));
                        return;
                    }
                }
                Err(e) => {
                    emit(Item::Rejected(Rejection::new(
                        rec_name,
                        format!("read error: {e}"),
                    )));
                    return;
                }
            }
        }
        let headers = parse_headers(&head);
        let Some(len) = header(&headers, "Content-Length").and_then(|v| v.parse::<u64>().ok())
        else {
            emit(Item::Rejected(Rejection::new(
                rec_name,
                "WARC record without a valid Content-Length; the rest of the file is skipped",
            )));
            return;
        };
        if len > opts.max_bytes {
            let skipped = std::io::copy(&mut (&mut r).take(len), &mut std::io::sink()).unwrap_or(0);
            emit(Item::Rejected(Rejection::new(
                rec_name,
                format!(
                    "record of {len} bytes is over the size cap of {} bytes",
                    opts.max_bytes
                ),
            )));
            if skipped < len {
                return;
            }
            continue;
        }
        let mut block = Vec::with_capacity(len as usize);
        match (&mut r).take(len).read_to_end(&mut block) {
            Ok(k) if (k as u64) < len => {
                emit(Item::Rejected(Rejection::new(
                    rec_name,
                    format!("truncated record: {k} of {len} bytes"),
                )));
                return;
            }
            Ok(_) => {}
            Err(e) => {
                emit(Item::Rejected(Rejection::new(
                    rec_name,
                    format!("read error: {e}"),
                )));
                return;
            }
        }
        let wtype = header(&headers, "WARC-Type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let target =
            header(&headers, "WARC-Target-URI").map(|u| u.trim_matches(['<', '>']).to_string());
        let ctype = header(&headers, "Content-Type")
            .unwrap_or("")
            .to_ascii_lowercase();
        let payload: Vec<u8> = match wtype.as_str() {
            "response" if ctype.contains("application/http") => {
                let Some((status, http_headers, body)) = split_http(&block) else {
                    emit(Item::Rejected(Rejection::new(
                        rec_name,
                        "response record without a valid HTTP response",
                    )));
                    continue;
                };
                if (300..400).contains(&status) {
                    continue; // redirects carry no page
                }
                if !(200..300).contains(&status) {
                    emit(Item::Rejected(Rejection::new(
                        rec_name,
                        format!("HTTP status {status}"),
                    )));
                    continue;
                }
                if !textual(header(&http_headers, "Content-Type").unwrap_or("")) {
                    continue; // images, scripts, styles: not articles
                }
                let chunked = header(&http_headers, "Transfer-Encoding")
                    .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
                let body = if chunked {
                    match dechunk(body) {
                        Some(b) => b,
                        None => body.to_vec(),
                    }
                } else {
                    body.to_vec()
                };
                let enc = header(&http_headers, "Content-Encoding")
                    .unwrap_or("")
                    .to_ascii_lowercase();
                if enc.contains("gzip") || enc.contains("deflate") {
                    let mut out = Vec::new();
                    let res = if enc.contains("gzip") {
                        flate2::read::MultiGzDecoder::new(&body[..])
                            .take(opts.max_bytes + 1)
                            .read_to_end(&mut out)
                    } else {
                        flate2::read::ZlibDecoder::new(&body[..])
                            .take(opts.max_bytes + 1)
                            .read_to_end(&mut out)
                    };
                    if let Err(e) = res {
                        emit(Item::Rejected(Rejection::new(
                            rec_name,
                            format!("broken {enc} payload: {e}"),
                        )));
                        continue;
                    }
                    out
                } else {
                    body
                }
            }
            "resource" if textual(&ctype) => block,
            _ => continue, // warcinfo, request, metadata, revisit, non-text resources
        };
        let rec_origin = Origin {
            name: rec_name,
            path: origin.path.clone(),
            url: target.clone().or(origin.url.clone()),
        };
        let record_id = header(&headers, "WARC-Record-ID").map(|s| s.to_string());
        let date = header(&headers, "WARC-Date").map(|s| s.to_string());
        extract_at(
            &rec_origin,
            &payload,
            opts,
            None,
            1,
            &mut |item| match item {
                Item::Article(mut a) => {
                    a.format = "warc".to_string();
                    if a.external_id.is_none() {
                        a.external_id = record_id.clone();
                    }
                    if a.url.is_none() {
                        a.url = target.clone();
                    }
                    if let Some(d) = &date {
                        a.metadata.insert("crawled".into(), serde_json::json!(d));
                    }
                    emit(Item::Article(a));
                }
                other => emit(other),
            },
        );
    }
    if n == 0 {
        emit(Item::Rejected(Rejection::new(
            &origin.name,
            "WARC file without records",
        )));
    }
}
