//! http(s) fetching with ureq: whole-request timeout, size cap, a clear
//! user agent, redirects, and conditional GET through a [`FetchCache`].

use crate::{FetchCache, Options, Rejection, Validators};

/// The outcome of one fetch.
pub(crate) enum Fetched {
    /// 304: the cached validators still hold.
    NotModified,
    /// The body, and the URL after redirects.
    Body { bytes: Vec<u8>, final_url: String },
}

pub(crate) fn agent(opts: &Options) -> ureq::Agent {
    let cfg = ureq::Agent::config_builder()
        .timeout_global(Some(opts.timeout))
        .user_agent(opts.user_agent.as_str())
        .http_status_as_error(false)
        .max_redirects(5)
        .build();
    ureq::Agent::new_with_config(cfg)
}

/// GETs `url`; with a cache, sends `If-None-Match` / `If-Modified-Since`
/// and remembers the new validators of a 200 answer.
pub(crate) fn fetch(
    agent: &ureq::Agent,
    url: &str,
    opts: &Options,
    cache: Option<&dyn FetchCache>,
) -> Result<Fetched, Rejection> {
    let mut req = agent.get(url);
    if let Some(v) = cache.and_then(|c| c.get(url)) {
        if let Some(e) = &v.etag {
            req = req.header("If-None-Match", e.as_str());
        }
        if let Some(lm) = &v.last_modified {
            req = req.header("If-Modified-Since", lm.as_str());
        }
    }
    let mut resp = req
        .call()
        .map_err(|e| Rejection::new(url, format!("unreachable: {e}")))?;
    let status = resp.status().as_u16();
    if status == 304 {
        return Ok(Fetched::NotModified);
    }
    if !(200..300).contains(&status) {
        return Err(Rejection::new(url, format!("HTTP status {status}")));
    }
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let validators = Validators {
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    if let Some(len) = header("content-length").and_then(|l| l.parse::<u64>().ok())
        && len > opts.max_bytes
    {
        return Err(Rejection::new(
            url,
            format!(
                "response of {len} bytes is over the size cap of {} bytes",
                opts.max_bytes
            ),
        ));
    }
    let final_url = resp
        .headers()
        .get("content-location")
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.starts_with("http"))
        .map(str::to_string)
        .unwrap_or_else(|| url.to_string());
    let bytes = resp
        .body_mut()
        .with_config()
        .limit(opts.max_bytes)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::BodyExceedsLimit(_) => Rejection::new(
                url,
                format!("response is over the size cap of {} bytes", opts.max_bytes),
            ),
            e => Rejection::new(url, format!("download failed: {e}")),
        })?;
    if let Some(c) = cache
        && (validators.etag.is_some() || validators.last_modified.is_some())
    {
        c.put(url, &validators);
    }
    Ok(Fetched::Body { bytes, final_url })
}
