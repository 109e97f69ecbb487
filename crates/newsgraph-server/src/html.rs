//! Escaping and page layout for the server-rendered HTML.

use std::fmt::Write;

/// Escapes text for HTML element content and quoted attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a value for a URL path segment or query value.
pub fn url(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A full page around `body`.
pub fn page(title: &str, body: &str, query: &str) -> String {
    let mut h = String::with_capacity(body.len() + 1024);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} · newsgraph</title><link rel=\"stylesheet\" href=\"/assets/style.css\"></head>\
         <body><header class=\"top\"><a class=\"brand\" href=\"/\">newsgraph</a>\
         <form class=\"qs\" action=\"/search\" method=\"get\" role=\"search\">\
         <input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"Search articles\" aria-label=\"Search articles\">\
         <button type=\"submit\">Search</button></form></header><main>{}</main>\
         <footer>newsgraph · <a href=\"/api/openapi.json\">API</a></footer></body></html>",
        esc(title),
        esc(query),
        body
    );
    h
}

/// Text with highlighted byte ranges wrapped in `<mark>` (ranges that do not
/// fit the text are ignored).
pub fn highlighted(text: &str, ranges: &[[usize; 2]]) -> String {
    let mut out = String::new();
    let mut pos = 0;
    for [s, e] in ranges {
        if *s < pos {
            continue;
        }
        if let (Some(before), Some(hit)) = (text.get(pos..*s), text.get(*s..*e)) {
            out.push_str(&esc(before));
            out.push_str("<mark>");
            out.push_str(&esc(hit));
            out.push_str("</mark>");
            pos = *e;
        }
    }
    out.push_str(&esc(text.get(pos..).unwrap_or("")));
    out
}

/// A date span "start – end" (one date when equal, "undated" when none).
pub fn span(start: Option<&str>, end: Option<&str>) -> String {
    let day = |s: &str| s.get(..10).unwrap_or(s).to_string();
    match (start, end) {
        (Some(a), Some(b)) if day(a) == day(b) => esc(&day(a)),
        (Some(a), Some(b)) => format!("{} – {}", esc(&day(a)), esc(&day(b))),
        (Some(a), None) | (None, Some(a)) => esc(&day(a)),
        (None, None) => "undated".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<script>alert('x')</script>&\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"
        );
    }

    #[test]
    fn highlights_are_escaped_and_bounded() {
        let t = "a <b> c";
        assert_eq!(highlighted(t, &[[2, 5]]), "a <mark>&lt;b&gt;</mark> c");
        // Out of range and non-boundary ranges are ignored.
        assert_eq!(highlighted(t, &[[5, 99]]), "a &lt;b&gt; c");
        assert_eq!(highlighted("ø", &[[0, 1]]), "ø");
    }
}
