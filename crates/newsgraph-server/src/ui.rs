//! Server-rendered pages. Every piece of stored text goes through `esc`.

use crate::api::{SEARCH_PARAMS, search_request};
use crate::html::{esc, highlighted, page, span, url};
use crate::params::{Params, path_id};
use crate::story::{self, PageInfo, StoryDetail, StoryQuery};
use crate::{ApiError, AppState, blocking, data};
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use newsgraph_model::{Story, Variant};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;

const STYLE: &str = include_str!("../assets/style.css");

pub async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE,
    )
        .into_response()
}

/// An error as a page (same status as the API would give).
fn error_page(e: ApiError) -> Response {
    let body = format!(
        "<h1>{}</h1><p class=\"muted\">{}</p><p><a href=\"/\">Front page</a></p>",
        e.status.as_u16(),
        esc(&e.message)
    );
    (e.status, Html(page("Error", &body, ""))).into_response()
}

fn html(r: Result<String, ApiError>) -> Response {
    match r {
        Ok(s) => (StatusCode::OK, Html(s)).into_response(),
        Err(e) => error_page(e),
    }
}

fn langs_html(langs: &[String]) -> String {
    langs
        .iter()
        .map(|l| format!("<span class=\"lang\">{}</span>", esc(l)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn story_card(s: &Story, recent: Option<u64>) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<li class=\"card\"><h2><a href=\"/stories/{}\">{}</a></h2><p class=\"meta\">{} article{}",
        s.id,
        esc(&s.title),
        s.article_ids.len(),
        if s.article_ids.len() == 1 { "" } else { "s" }
    );
    if let Some(r) = recent.filter(|r| *r > 0) {
        let _ = write!(h, " · <strong>+{r} in the last 24 h</strong>");
    }
    let _ = write!(
        h,
        " · {} · {}</p>",
        span(s.start.as_deref(), s.end.as_deref()),
        langs_html(&s.languages)
    );
    if !s.sources.is_empty() {
        let _ = write!(
            h,
            "<p class=\"outlets\">{}</p>",
            esc(&s.sources.join(" · "))
        );
    }
    if !s.top_entities.is_empty() {
        h.push_str("<p class=\"chips\">");
        for e in s.top_entities.iter().take(6) {
            let _ = write!(
                h,
                "<a class=\"chip t-{}\" href=\"/entities/{}\">{}</a> ",
                e.typ.as_str(),
                url(&e.id),
                esc(&e.canonical)
            );
        }
        h.push_str("</p>");
    }
    h.push_str("</li>");
    h
}

pub async fn front(State(st): State<AppState>) -> Response {
    html(
        blocking(move || {
            let (list, newest) = data::front(&st, 50)?;
            let mut b = String::from("<h1>Today's stories</h1>");
            if let Some(n) = newest {
                let _ = write!(
                    b,
                    "<p class=\"muted\">Newest article published {}. Stories with the most new articles in the 24 hours before it come first, then the biggest.</p>",
                    esc(&n)
                );
            }
            if list.is_empty() {
                b.push_str("<p>No stories yet. Ingest articles with <code>newsgraph ingest</code>.</p>");
            } else {
                b.push_str("<ol class=\"stories\">");
                for f in &list {
                    b.push_str(&story_card(&f.story, Some(f.recent)));
                }
                b.push_str("</ol>");
            }
            Ok(page("Today's stories", &b, ""))
        })
        .await,
    )
}

/// A timeline entry as the stories engine stores it (tolerant of missing fields).
#[derive(Deserialize, Default)]
#[serde(default)]
struct TimelineEntry {
    date: String,
    kind: String,
    text: String,
    article_ids: Vec<i64>,
    languages: Vec<String>,
    sources: Vec<String>,
}

/// Members listed per language column on a story page without a language
/// filter (the column links to the language's full, paged list).
const COLUMN_MEMBERS: usize = 20;

pub async fn story(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let id = match path_id("story", &id) {
        Ok(i) => i,
        Err(e) => return error_page(e),
    };
    let q = match Params::parse(q.as_deref(), story::STORY_PARAMS)
        .and_then(|p| StoryQuery::parse(&p))
    {
        Ok(q) => q,
        Err(e) => return error_page(e),
    };
    html(
        blocking(move || {
            // Without a language filter: one column per language, each with
            // its first members; with one: that language's page.
            let per_lang = q.lang.is_none();
            let shown = if per_lang {
                StoryQuery {
                    limit: 0,
                    ..q.clone()
                }
            } else {
                q.clone()
            };
            let d = data::story_detail(&st, id, &shown)?;
            let mut columns = Vec::new();
            if per_lang {
                for l in &d.summary.languages {
                    let members = st
                        .store
                        .story_members(id, Some(&l.value), 0, COLUMN_MEMBERS)?;
                    columns.push((l.value.clone(), l.count, members));
                }
            } else if let Some(l) = &q.lang {
                columns.push((l.clone(), d.pages.members.total, d.members.clone()));
            }
            Ok(page(&d.story.title, &story_body(&d, &q, &columns), ""))
        })
        .await,
    )
}

/// The story page's URL for `q` (only parameters that differ from the defaults).
fn story_href(id: i64, q: &StoryQuery, anchor: &str) -> String {
    let d = StoryQuery::default();
    let mut parts: Vec<String> = Vec::new();
    if let Some(l) = &q.lang {
        parts.push(format!("lang={}", url(l)));
    }
    for (k, v, dv) in [
        ("offset", q.offset, d.offset),
        ("limit", q.limit, d.limit),
        ("timeline_offset", q.timeline_offset, d.timeline_offset),
        ("timeline_limit", q.timeline_limit, d.timeline_limit),
        ("events_offset", q.events_offset, d.events_offset),
        ("events_limit", q.events_limit, d.events_limit),
    ] {
        if v != dv {
            parts.push(format!("{k}={v}"));
        }
    }
    let query = if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&amp;"))
    };
    format!("/stories/{id}{query}#{anchor}")
}

/// "Shown a–b of n" and previous/next links for one list of a story page.
fn pager(
    b: &mut String,
    what: &str,
    info: &PageInfo,
    shown: usize,
    href: impl Fn(usize) -> String,
) {
    if info.total as usize <= shown && info.offset == 0 {
        return;
    }
    let _ = write!(
        b,
        "<nav class=\"pager\"><span class=\"muted\">{what} {}–{} of {}</span>",
        (info.offset + 1).min(info.total as usize),
        info.offset + shown,
        info.total
    );
    if info.offset > 0 {
        let prev = info.offset.saturating_sub(info.limit.max(1));
        let _ = write!(b, "<a rel=\"prev\" href=\"{}\">← Previous</a>", href(prev));
    }
    if ((info.offset + shown) as u64) < info.total && shown > 0 {
        let _ = write!(
            b,
            "<a rel=\"next\" href=\"{}\">More →</a>",
            href(info.offset + shown)
        );
    }
    b.push_str("</nav>");
}

fn story_body(
    d: &StoryDetail,
    q: &StoryQuery,
    columns: &[(String, u64, Vec<story::Member>)],
) -> String {
    let s = &d.story;
    let lang_of: BTreeMap<i64, (String, String)> = columns
        .iter()
        .flat_map(|(_, _, ms)| ms.iter())
        .map(|m| {
            (
                m.id,
                (
                    m.lang.clone(),
                    m.source.clone().unwrap_or_else(|| "unknown source".into()),
                ),
            )
        })
        .collect();
    let mut langs: Vec<String> = d
        .summary
        .languages
        .iter()
        .map(|c| c.value.clone())
        .collect();
    langs.sort();

    let mut b = String::new();
    let _ = write!(
        b,
        "<h1>{}</h1><p class=\"meta\">{} articles · {} · {}</p>",
        esc(&s.title),
        d.summary.articles,
        span(d.summary.start.as_deref(), d.summary.end.as_deref()),
        d.summary
            .languages
            .iter()
            .map(|c| format!("<span class=\"lang\">{}</span> {}", esc(&c.value), c.count))
            .collect::<Vec<_>>()
            .join(" ")
    );
    if !d.summary.sources.is_empty() {
        let _ = write!(
            b,
            "<p class=\"outlets\">{}</p>",
            d.summary
                .sources
                .iter()
                .map(|c| format!("{} ({})", esc(&c.value), c.count))
                .collect::<Vec<_>>()
                .join(" · ")
        );
    }

    // Timeline: one row per date, one column per language, sources side by side.
    let entries: Vec<TimelineEntry> = d
        .timeline
        .iter()
        .filter_map(|t| serde_json::from_str(t.get()).ok())
        .collect();
    b.push_str("<section id=\"timeline\"><h2>Timeline</h2>");
    let mut rows: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for e in &entries {
        let mut cell_langs = e.languages.clone();
        if cell_langs.is_empty() {
            cell_langs = e
                .article_ids
                .iter()
                .filter_map(|a| lang_of.get(a).map(|(l, _)| l.clone()))
                .collect();
        }
        cell_langs.sort();
        cell_langs.dedup();
        let arts: Vec<String> = e
            .article_ids
            .iter()
            .map(|a| format!("<a href=\"/articles/{a}\">#{a}</a>"))
            .collect();
        let item = format!(
            "<div class=\"tl-item k-{}\"><p>{}</p><p class=\"src\">{} {}</p></div>",
            esc(&e.kind),
            esc(&e.text),
            esc(&e.sources.join(", ")),
            arts.join(" ")
        );
        for l in cell_langs {
            rows.entry(e.date.clone())
                .or_default()
                .entry(l)
                .or_default()
                .push(item.clone());
        }
    }
    let from_events = d.summary.timeline == 0;
    if from_events {
        // No timeline from the stories engine: use the merged events' dates.
        for ev in &d.events {
            let Some(date) = &ev.date else { continue };
            for p in &ev.sentences {
                let (l, src) = lang_of
                    .get(&p.article_id)
                    .cloned()
                    .unwrap_or_else(|| ("und".into(), String::new()));
                rows.entry(date.clone()).or_default().entry(l).or_default().push(format!(
                    "<div class=\"tl-item k-event\"><p>{}</p><p class=\"src\">{} <a href=\"/articles/{}\">#{}</a></p></div>",
                    esc(&p.sentence),
                    esc(&src),
                    p.article_id,
                    p.article_id
                ));
            }
        }
    }
    if rows.is_empty() {
        b.push_str("<p class=\"muted\">No dated statements or events in this story yet.</p>");
    } else {
        let mut cols = langs.clone();
        if rows.values().any(|r| r.contains_key("und")) && !cols.iter().any(|l| l == "und") {
            cols.push("und".into());
        }
        b.push_str("<table class=\"timeline\"><thead><tr><th scope=\"col\">Date</th>");
        for l in &cols {
            let _ = write!(b, "<th scope=\"col\" lang=\"{0}\">{0}</th>", esc(l));
        }
        b.push_str("</tr></thead><tbody>");
        for (date, by_lang) in &rows {
            let _ = write!(b, "<tr><th scope=\"row\">{}</th>", esc(date));
            for l in &cols {
                b.push_str("<td>");
                if let Some(items) = by_lang.get(l) {
                    for i in items {
                        b.push_str(i);
                    }
                }
                b.push_str("</td>");
            }
            b.push_str("</tr>");
        }
        b.push_str("</tbody></table>");
    }
    if from_events {
        pager(&mut b, "Events", &d.pages.events, d.events.len(), |o| {
            story_href(
                s.id,
                &StoryQuery {
                    events_offset: o,
                    ..q.clone()
                },
                "timeline",
            )
        });
    } else {
        pager(
            &mut b,
            "Entries",
            &d.pages.timeline,
            d.timeline.len(),
            |o| {
                story_href(
                    s.id,
                    &StoryQuery {
                        timeline_offset: o,
                        ..q.clone()
                    },
                    "timeline",
                )
            },
        );
    }
    b.push_str("</section>");

    // Differences between sources.
    b.push_str("<section id=\"differences\"><h2>Where sources differ</h2>");
    if d.differences.is_empty() {
        b.push_str("<p class=\"muted\">No differences found between the sources.</p>");
    } else {
        b.push_str("<ul class=\"diffs\">");
        for df in &d.differences {
            let _ = write!(
                b,
                "<li><p><span class=\"kind\">{}</span> {}</p><div class=\"versions\">",
                esc(&df.kind),
                esc(&df.summary)
            );
            for v in &df.versions {
                let _ = write!(
                    b,
                    "<div class=\"version\"><p class=\"value\">{}</p><p class=\"src\">{} {}</p>",
                    esc(&v.value),
                    esc(&v.sources.join(", ")),
                    langs_html(&v.languages)
                );
                for sn in v.sentences.iter().take(2) {
                    let _ = write!(b, "<blockquote>{}</blockquote>", esc(sn));
                }
                b.push_str("</div>");
            }
            b.push_str("</div></li>");
        }
        b.push_str("</ul>");
    }
    b.push_str("</section>");

    // Members by language.
    b.push_str("<section id=\"articles\"><h2>Articles by language</h2>");
    if q.lang.is_some() {
        let _ = write!(
            b,
            "<p class=\"meta\"><a href=\"{}\">All languages</a></p>",
            story_href(
                s.id,
                &StoryQuery {
                    lang: None,
                    offset: 0,
                    ..q.clone()
                },
                "articles"
            )
        );
    }
    b.push_str("<div class=\"cols\">");
    for (l, total, members) in columns {
        let _ = write!(
            b,
            "<div class=\"col\" lang=\"{0}\"><h3><span class=\"lang\">{0}</span> <small>{1} article{2}</small></h3><ul>",
            esc(l),
            total,
            if *total == 1 { "" } else { "s" }
        );
        for m in members {
            let _ = write!(
                b,
                "<li><a href=\"/articles/{}\">{}</a><br><span class=\"src\">{} · {}</span></li>",
                m.id,
                esc(&m.title),
                esc(m.source.as_deref().unwrap_or("unknown source")),
                esc(m.published.as_deref().unwrap_or("undated"))
            );
        }
        b.push_str("</ul>");
        if q.lang.is_none() && (members.len() as u64) < *total {
            let _ = write!(
                b,
                "<p><a class=\"more\" href=\"{}\">All {} {} articles →</a></p>",
                story_href(
                    s.id,
                    &StoryQuery {
                        lang: Some(l.clone()),
                        offset: 0,
                        ..q.clone()
                    },
                    "articles"
                ),
                total,
                esc(l)
            );
        }
        b.push_str("</div>");
    }
    b.push_str("</div>");
    if q.lang.is_some() {
        pager(&mut b, "Articles", &d.pages.members, d.members.len(), |o| {
            story_href(
                s.id,
                &StoryQuery {
                    offset: o,
                    ..q.clone()
                },
                "articles",
            )
        });
    }
    b.push_str("</section>");

    // Entities.
    if !d.entities.is_empty() {
        b.push_str("<section id=\"entities\"><h2>Entities</h2><p class=\"chips\">");
        for e in &d.entities {
            let _ = write!(
                b,
                "<a class=\"chip t-{}\" href=\"/entities/{}\">{} <small>{}</small></a> ",
                e.typ.as_str(),
                url(&e.id),
                esc(&e.canonical),
                e.count
            );
        }
        b.push_str("</p></section>");
    }
    b
}

pub async fn article(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    let id = match path_id("article", &id) {
        Ok(i) => i,
        Err(e) => return error_page(e),
    };
    html(
        blocking(move || {
            let d = data::article_detail(&st, id)?;
            let a = &d.article;
            let mut b = String::new();
            let _ = write!(
                b,
                "<article><h1 lang=\"{}\">{}</h1><p class=\"meta\">{} · {} · <span class=\"lang\">{}</span>{}</p>",
                esc(&a.lang),
                esc(&a.title),
                esc(a.source.as_deref().unwrap_or("unknown source")),
                esc(a.published.as_deref().unwrap_or("undated")),
                esc(&a.lang),
                a.author
                    .as_deref()
                    .map(|x| format!(" · {}", esc(x)))
                    .unwrap_or_default()
            );
            if let Some(u) = &a.url
                && (u.starts_with("https://") || u.starts_with("http://"))
            {
                let _ = write!(
                    b,
                    "<p class=\"src\"><a rel=\"noopener noreferrer nofollow\" href=\"{}\">{}</a></p>",
                    esc(u),
                    esc(u)
                );
            }
            if !d.story_ids.is_empty() {
                b.push_str("<p>Story: ");
                for s in &d.story_ids {
                    let _ = write!(b, "<a href=\"/stories/{s}\">#{s}</a> ");
                }
                b.push_str("</p>");
            }
            if let Some(dup) = a.duplicate_of {
                let _ = write!(
                    b,
                    "<p class=\"muted\">Near-duplicate of <a href=\"/articles/{dup}\">#{dup}</a></p>"
                );
            }
            let _ = write!(b, "<div class=\"text\" lang=\"{}\">", esc(&a.lang));
            for para in a.text.split("\n\n").filter(|p| !p.trim().is_empty()) {
                let _ = write!(b, "<p>{}</p>", esc(para.trim()).replace('\n', "<br>"));
            }
            b.push_str("</div></article>");
            if let Some(an) = &d.analysis {
                let mut seen: BTreeMap<&str, (&str, &str, usize)> = BTreeMap::new();
                for m in &an.mentions {
                    seen.entry(&m.entity_id)
                        .or_insert((&m.canonical, m.typ.as_str(), 0))
                        .2 += 1;
                }
                if !seen.is_empty() {
                    b.push_str("<section><h2>Entities</h2><p class=\"chips\">");
                    for (id, (canon, typ, n)) in &seen {
                        let _ = write!(
                            b,
                            "<a class=\"chip t-{}\" href=\"/entities/{}\">{} <small>{}</small></a> ",
                            typ,
                            url(id),
                            esc(canon),
                            n
                        );
                    }
                    b.push_str("</p></section>");
                }
                if !an.events.is_empty() {
                    b.push_str("<section><h2>Events</h2><ul class=\"events\">");
                    for e in &an.events {
                        let names = |v: &[newsgraph_model::Actor]| {
                            v.iter()
                                .map(|x| x.canonical.clone().unwrap_or_else(|| x.text.clone()))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        let _ = write!(
                            b,
                            "<li><span class=\"kind\">{}</span> {} → {} {}<blockquote>{}</blockquote></li>",
                            esc(&e.typ),
                            esc(&names(&e.source)),
                            esc(&names(&e.target)),
                            esc(e.date.as_deref().unwrap_or("")),
                            esc(&e.provenance.sentence)
                        );
                    }
                    b.push_str("</ul></section>");
                }
            }
            Ok(page(&a.title, &b, ""))
        })
        .await,
    )
}

/// A bar chart of articles per day, drawn as inline SVG.
fn timeline_svg(days: &[newsgraph_index::DayCount]) -> String {
    if days.is_empty() {
        return "<p class=\"muted\">No dated mentions.</p>".into();
    }
    let max = days.iter().map(|d| d.count).max().unwrap_or(1).max(1) as f64;
    let (w, h) = (640.0, 120.0);
    let n = days.len().min(120);
    let days = &days[days.len() - n..];
    let bw = w / n as f64;
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"Articles per day\">",
        h + 20.0
    );
    for (i, d) in days.iter().enumerate() {
        let bh = (d.count as f64 / max) * h;
        let _ = write!(
            s,
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}: {}</title></rect>",
            i as f64 * bw + 1.0,
            h - bh,
            (bw - 2.0).max(1.0),
            bh,
            esc(&d.date),
            d.count
        );
    }
    let first = days.first().map(|d| d.date.as_str()).unwrap_or("");
    let last = days.last().map(|d| d.date.as_str()).unwrap_or("");
    let _ = write!(
        s,
        "<text x=\"0\" y=\"{0}\">{1}</text><text x=\"{w}\" y=\"{0}\" text-anchor=\"end\">{2}</text></svg>",
        h + 16.0,
        esc(first),
        esc(last)
    );
    s
}

/// Co-occurring entities as a star graph drawn as inline SVG.
fn graph_svg(center: &str, co: &[newsgraph_index::EntityFacet]) -> String {
    if co.is_empty() {
        return "<p class=\"muted\">No co-occurring entities.</p>".into();
    }
    let co = &co[..co.len().min(14)];
    let (cx, cy, r) = (320.0, 200.0, 150.0);
    let max = co.iter().map(|e| e.count).max().unwrap_or(1).max(1) as f64;
    let mut s = String::from(
        "<svg class=\"graph\" viewBox=\"0 0 640 400\" role=\"img\" aria-label=\"Co-occurring entities\">",
    );
    let mut nodes = String::new();
    for (i, e) in co.iter().enumerate() {
        let a = i as f64 / co.len() as f64 * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
        let (x, y) = (cx + r * a.cos(), cy + r * a.sin());
        let wgt = 1.0 + 5.0 * e.count as f64 / max;
        let _ = write!(
            s,
            "<line x1=\"{cx}\" y1=\"{cy}\" x2=\"{x:.1}\" y2=\"{y:.1}\" stroke-width=\"{wgt:.1}\"><title>{} shared articles</title></line>",
            e.count
        );
        let label = if e.canonical.is_empty() {
            &e.id
        } else {
            &e.canonical
        };
        let _ = write!(
            nodes,
            "<a href=\"/entities/{}\"><circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"7\"></circle><text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{} ({})</text></a>",
            url(&e.id),
            y - 12.0,
            esc(label),
            e.count
        );
    }
    s.push_str(&nodes);
    let _ = write!(
        s,
        "<circle class=\"center\" cx=\"{cx}\" cy=\"{cy}\" r=\"11\"></circle><text class=\"center\" x=\"{cx}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text></svg>",
        cy + 28.0,
        esc(center)
    );
    s
}

pub async fn entity(State(st): State<AppState>, Path(id): Path<String>) -> Response {
    html(
        blocking(move || {
            let d = data::entity_detail(&st, &id)?;
            let e = &d.entity;
            let mut b = String::new();
            let _ = write!(
                b,
                "<h1>{}</h1><p class=\"meta\"><span class=\"chip t-{1}\">{1}</span> · {2} articles · <code>{3}</code> · <a href=\"/search?entity={4}\">search its articles</a></p>",
                esc(&e.canonical),
                e.typ.as_str(),
                e.article_ids.len(),
                esc(&e.id),
                url(&e.id)
            );
            let mut by_lang: BTreeMap<&str, Vec<&Variant>> = BTreeMap::new();
            for v in &e.variants {
                by_lang.entry(&v.lang).or_default().push(v);
            }
            b.push_str("<section id=\"variants\"><h2>Names per language</h2><table><tbody>");
            for (l, vs) in by_lang {
                let _ = write!(b, "<tr><th scope=\"row\"><span class=\"lang\">{}</span></th><td>", esc(l));
                let list: Vec<String> = vs
                    .iter()
                    .map(|v| format!("{} <small>×{}</small>", esc(&v.text), v.count))
                    .collect();
                b.push_str(&list.join(", "));
                b.push_str("</td></tr>");
            }
            b.push_str("</tbody></table></section>");
            b.push_str("<section id=\"mentions-timeline\"><h2>Mentions over time</h2>");
            b.push_str(&timeline_svg(&d.timeline));
            b.push_str("</section><section id=\"cooccurring\"><h2>Mentioned together with</h2>");
            b.push_str(&graph_svg(&e.canonical, &d.cooccurring));
            b.push_str("</section><section id=\"mentions\"><h2>Mentions</h2><ul class=\"mentions\">");
            for m in d.mentions.iter().take(50) {
                let s = &m.sentence_text;
                let _ = write!(
                    b,
                    "<li><a href=\"/articles/{0}\">#{0}</a> {1}</li>",
                    m.article_id,
                    esc(s)
                );
            }
            b.push_str("</ul></section>");
            Ok(page(&e.canonical, &b, ""))
        })
        .await,
    )
}

pub async fn search(State(st): State<AppState>, RawQuery(q): RawQuery) -> Response {
    let r = (|| {
        let p = Params::parse(q.as_deref(), SEARCH_PARAMS)?;
        let req = search_request(&p, 100)?;
        Ok::<_, ApiError>(req)
    })();
    let req = match r {
        Ok(r) => r,
        Err(e) => return error_page(e),
    };
    let Some(index) = st.index.clone() else {
        return error_page(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_index",
            "this server has no search index",
        ));
    };
    html(
        blocking(move || {
            let res = index.search(&req)?;
            let mut b = String::new();
            let v = |o: &Option<String>| esc(o.as_deref().unwrap_or(""));
            let _ = write!(
                b,
                "<h1>Search</h1><form class=\"filters\" action=\"/search\" method=\"get\">\
                 <label>Words <input type=\"search\" name=\"q\" value=\"{}\"></label>\
                 <label>Language <input name=\"lang\" value=\"{}\" size=\"4\"></label>\
                 <label>Source <input name=\"source\" value=\"{}\"></label>\
                 <label>Entity id <input name=\"entity\" value=\"{}\"></label>\
                 <label>From <input type=\"date\" name=\"from\" value=\"{}\"></label>\
                 <label>To <input type=\"date\" name=\"to\" value=\"{}\"></label>\
                 <label>Sort <select name=\"sort\">{}</select></label>\
                 <button type=\"submit\">Search</button></form>",
                esc(&req.query),
                v(&req.lang),
                v(&req.source),
                esc(&req.entities.join(" ")),
                v(&req.from),
                v(&req.to),
                ["relevance", "newest", "oldest"]
                    .iter()
                    .map(|s| {
                        let sel = format!("{:?}", req.sort).to_lowercase() == *s;
                        format!(
                            "<option{}>{}</option>",
                            if sel { " selected" } else { "" },
                            s
                        )
                    })
                    .collect::<String>()
            );
            for w in &res.warnings {
                let _ = write!(b, "<p class=\"muted\">Ignored: {}</p>", esc(w));
            }
            let _ = write!(
                b,
                "<div class=\"results\"><aside class=\"facets\"><p><strong>{}</strong> match{}</p>",
                res.total,
                if res.total == 1 { "" } else { "es" }
            );
            let base = |key: &str, val: &str| {
                let mut pairs: Vec<(String, String)> = vec![("q".into(), req.query.clone())];
                let mut add = |k: &str, v: &Option<String>| {
                    if let Some(v) = v {
                        pairs.push((k.into(), v.clone()));
                    }
                };
                add("lang", &req.lang);
                add("source", &req.source);
                add("from", &req.from);
                add("to", &req.to);
                for e in &req.entities {
                    pairs.push(("entity".into(), e.clone()));
                }
                pairs.retain(|(k, _)| k != key);
                pairs.push((key.into(), val.into()));
                let qs: Vec<String> = pairs
                    .iter()
                    .map(|(k, v)| format!("{}={}", k, url(v)))
                    .collect();
                format!("/search?{}", esc(&qs.join("&")))
            };
            let facet = |b: &mut String, title: &str, key: &str, items: Vec<(String, String, u64)>| {
                if items.is_empty() {
                    return;
                }
                let _ = write!(b, "<h3>{}</h3><ul>", esc(title));
                for (val, label, n) in items {
                    let _ = write!(
                        b,
                        "<li><a href=\"{}\">{}</a> <small>{}</small></li>",
                        base(key, &val),
                        esc(&label),
                        n
                    );
                }
                b.push_str("</ul>");
            };
            facet(
                &mut b,
                "Language",
                "lang",
                res.facets.lang.iter().map(|f| (f.value.clone(), f.value.clone(), f.count)).collect(),
            );
            facet(
                &mut b,
                "Source",
                "source",
                res.facets.source.iter().map(|f| (f.value.clone(), f.value.clone(), f.count)).collect(),
            );
            facet(
                &mut b,
                "Entity",
                "entity",
                res.facets
                    .entity
                    .iter()
                    .map(|f| {
                        let label = if f.canonical.is_empty() { f.id.clone() } else { f.canonical.clone() };
                        (f.id.clone(), label, f.count)
                    })
                    .collect(),
            );
            b.push_str("</aside><ol class=\"hits\">");
            for h in &res.hits {
                let _ = write!(
                    b,
                    "<li><h2 lang=\"{}\"><a href=\"/articles/{}\">{}</a></h2><p class=\"meta\">{} · {} · <span class=\"lang\">{}</span>{}</p><p lang=\"{}\">{}</p></li>",
                    esc(&h.lang),
                    h.article_id,
                    esc(&h.title),
                    esc(h.source.as_deref().unwrap_or("unknown source")),
                    esc(h.published.as_deref().unwrap_or("undated")),
                    esc(&h.lang),
                    h.story_id
                        .map(|s| format!(" · <a href=\"/stories/{s}\">story #{s}</a>"))
                        .unwrap_or_default(),
                    esc(&h.lang),
                    highlighted(&h.snippet.text, &h.snippet.highlights)
                );
            }
            b.push_str("</ol></div>");
            let shown = res.offset + res.hits.len();
            if res.offset > 0 || (shown as u64) < res.total {
                b.push_str("<nav class=\"pager\">");
                if res.offset > 0 {
                    let prev = res.offset.saturating_sub(res.limit.max(1));
                    let _ = write!(b, "<a href=\"{}\">← Previous</a> ", base("offset", &prev.to_string()));
                }
                if (shown as u64) < res.total {
                    let _ = write!(b, "<a href=\"{}\">Next →</a>", base("offset", &shown.to_string()));
                }
                b.push_str("</nav>");
            }
            let title = if req.query.is_empty() { "Search".to_string() } else { format!("{} – search", req.query) };
            Ok(page(&title, &b, &req.query))
        })
        .await,
    )
}
