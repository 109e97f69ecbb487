//! Listing and exporting merged events: the one definition behind
//! `newsgraph events`, `newsgraph export events` and `GET /api/events`, so
//! that the command line, the export and the API agree on what an event is
//! and which events a filter selects.

use crate::lexicon::cameo;
use crate::merge::{MergedEvent, merge_events};
use newsgraph_model::{Actor, ArticleId, Event};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::io::Write;

/// Which merged events to keep. Empty fields keep everything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EventQuery {
    /// Canonical entity id that must be a source, target or place of the
    /// event (in the merged event or any of its reports).
    pub entity: Option<String>,
    /// PLOVER type (`CONSULT`), mode (`give-gift`) or CAMEO code prefix
    /// (`04`, `042`); case-insensitive.
    pub typ: Option<String>,
}

impl EventQuery {
    /// Whether `e` passes the filter.
    pub fn matches(&self, e: &MergedEvent) -> bool {
        if let Some(id) = &self.entity {
            let has = |a: &Actor| a.entity_id.as_deref() == Some(id.as_str());
            let in_event = e.source.iter().chain(&e.target).chain(&e.place).any(has);
            let in_reports = e
                .reports
                .iter()
                .any(|r| r.source.iter().chain(&r.target).chain(&r.place).any(has));
            if !in_event && !in_reports {
                return false;
            }
        }
        if let Some(t) = &self.typ {
            let t = t.trim();
            let ok = if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
                event_code(e).starts_with(t)
            } else {
                e.typ.eq_ignore_ascii_case(t)
                    || e.mode.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(t))
            };
            if !ok {
                return false;
            }
        }
        true
    }
}

/// Merge the per-article events (see [`merge_events`]) and keep those the
/// query selects, ordered by date then id. Merging happens before
/// filtering, so `article_ids` always lists every given article that
/// reports the event.
pub fn list_events(reports: &[(ArticleId, Event)], q: &EventQuery) -> Vec<MergedEvent> {
    merge_events(reports)
        .into_iter()
        .filter(|e| q.matches(e))
        .collect()
}

/// The full CAMEO event code of a merged event (`042`; the root's generic
/// code when the mode names none).
pub fn event_code(e: &MergedEvent) -> String {
    let c = cameo().code(&e.typ, e.mode.as_deref());
    if c.is_empty() && !e.cameo.is_empty() {
        format!("{}0", e.cameo)
    } else {
        c
    }
}

/// GDELT's QuadClass of a CAMEO root: 1 verbal cooperation (01–05),
/// 2 material cooperation (06–08), 3 verbal conflict (09–13), 4 material
/// conflict (14–20); `None` for an unknown root.
pub fn quad_class(root: &str) -> Option<u8> {
    match root.parse::<u8>().ok()? {
        1..=5 => Some(1),
        6..=8 => Some(2),
        9..=13 => Some(3),
        14..=20 => Some(4),
        _ => None,
    }
}

/// What the export needs to know about an article.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportArticle {
    pub id: ArticleId,
    /// Where it came from: its URL, else its file path.
    pub url: Option<String>,
    /// Outlet name, when known.
    pub source: Option<String>,
    pub lang: String,
}

/// One exported event: GDELT-like columns (in this order in CSV).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportRow {
    /// Stable merged-event id (`ev-…`), as in `newsgraph events`.
    pub event_id: String,
    /// TIMEX3 value as resolved (`2023-09-13`, `2023-09`, empty if undated).
    pub date: String,
    /// `YYYYMMDD` when the date is a full day (GDELT's SQLDATE), else empty.
    pub sqldate: String,
    /// Source actors: canonical names where linked, `; `-separated.
    pub actor1: String,
    /// Their canonical entity ids (empty for unlinked actors), `; `-separated.
    pub actor1_ids: String,
    /// Target actors, as `actor1`.
    pub actor2: String,
    pub actor2_ids: String,
    /// PLOVER event type.
    pub plover_type: String,
    /// Finer mode (`visit`, `give-gift`, …).
    pub mode: String,
    /// `asserted`, `negated`, `possible` or `intended`.
    pub modality: String,
    /// Full CAMEO code (GDELT's EventCode).
    pub event_code: String,
    /// First three digits (EventBaseCode).
    pub event_base_code: String,
    /// Two-digit root (EventRootCode).
    pub event_root_code: String,
    /// 1–4 (QuadClass), empty if unknown.
    pub quad_class: String,
    /// Articles reporting the event (NumArticles).
    pub num_articles: usize,
    /// Sentences reporting it (NumMentions).
    pub num_mentions: usize,
    /// Distinct outlets (NumSources; an article without a known outlet
    /// counts as its own source).
    pub num_sources: usize,
    /// Place name (canonical where linked).
    pub place: String,
    pub place_id: String,
    /// Languages of the reporting articles, `;`-separated.
    pub languages: String,
    /// Reporting article ids, `;`-separated.
    pub article_ids: String,
    /// URLs (or file paths) of the reporting articles, space-separated.
    pub source_urls: String,
    /// The first reporting sentence, whitespace collapsed.
    pub sentence: String,
}

fn actor_name(a: &Actor) -> &str {
    a.canonical.as_deref().unwrap_or(&a.text)
}

fn join_names(list: &[Actor]) -> (String, String) {
    let names: Vec<&str> = list.iter().map(actor_name).collect();
    let ids: Vec<&str> = list
        .iter()
        .map(|a| a.entity_id.as_deref().unwrap_or(""))
        .collect();
    let ids = if ids.iter().all(|s| s.is_empty()) {
        String::new()
    } else {
        ids.join("; ")
    };
    (names.join("; "), ids)
}

/// One export row per merged event.
pub fn export_rows(events: &[MergedEvent], articles: &[ExportArticle]) -> Vec<ExportRow> {
    events
        .iter()
        .map(|e| {
            let (actor1, actor1_ids) = join_names(&e.source);
            let (actor2, actor2_ids) = join_names(&e.target);
            let code = event_code(e);
            let root = if e.cameo.is_empty() {
                code.chars().take(2).collect()
            } else {
                e.cameo.clone()
            };
            let date = e.date.clone().unwrap_or_default();
            let sqldate = if date.len() == 10
                && date.as_bytes()[4] == b'-'
                && date.as_bytes()[7] == b'-'
                && date.bytes().filter(u8::is_ascii_digit).count() == 8
            {
                date.replace('-', "")
            } else {
                String::new()
            };
            let metas: Vec<&ExportArticle> = e
                .article_ids
                .iter()
                .filter_map(|id| articles.iter().find(|a| a.id == *id))
                .collect();
            let sources: BTreeSet<String> = e
                .article_ids
                .iter()
                .map(|id| {
                    metas
                        .iter()
                        .find(|m| m.id == *id)
                        .and_then(|m| m.source.clone())
                        .unwrap_or_else(|| format!("article {id}"))
                })
                .collect();
            let langs: BTreeSet<&str> = metas.iter().map(|m| m.lang.as_str()).collect();
            let urls: Vec<&str> = metas.iter().filter_map(|m| m.url.as_deref()).collect();
            ExportRow {
                event_id: e.id.clone(),
                date,
                sqldate,
                actor1,
                actor1_ids,
                actor2,
                actor2_ids,
                plover_type: e.typ.clone(),
                mode: e.mode.clone().unwrap_or_default(),
                modality: format!("{:?}", e.modality).to_lowercase(),
                event_base_code: code.chars().take(3).collect(),
                quad_class: quad_class(&root).map(|q| q.to_string()).unwrap_or_default(),
                event_root_code: root,
                event_code: code,
                num_articles: e.article_ids.len(),
                num_mentions: e.sentences.len(),
                num_sources: sources.len(),
                place: e.place.as_ref().map(actor_name).unwrap_or("").to_string(),
                place_id: e
                    .place
                    .as_ref()
                    .and_then(|p| p.entity_id.clone())
                    .unwrap_or_default(),
                languages: langs.into_iter().collect::<Vec<_>>().join(";"),
                article_ids: e
                    .article_ids
                    .iter()
                    .map(|i| i.to_string())
                    .collect::<Vec<_>>()
                    .join(";"),
                source_urls: urls.join(" "),
                sentence: e
                    .sentences
                    .first()
                    .map(|p| p.sentence.split_whitespace().collect::<Vec<_>>().join(" "))
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// Why writing an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
}

/// Writes rows as CSV with a header line (columns as in [`ExportRow`]).
pub fn write_csv<W: Write>(rows: &[ExportRow], w: W) -> Result<(), ExportError> {
    let mut wr = csv::Writer::from_writer(w);
    if rows.is_empty() {
        // serde writes the header with the first record; write it anyway.
        wr.write_record(EXPORT_COLUMNS)?;
    }
    for r in rows {
        wr.serialize(r)?;
    }
    wr.flush()?;
    Ok(())
}

/// Writes rows as JSON Lines (one object per event).
pub fn write_jsonl<W: Write>(rows: &[ExportRow], mut w: W) -> Result<(), ExportError> {
    for r in rows {
        serde_json::to_writer(&mut w, r)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(())
}

/// The export's column names, in order.
pub const EXPORT_COLUMNS: [&str; 23] = [
    "event_id",
    "date",
    "sqldate",
    "actor1",
    "actor1_ids",
    "actor2",
    "actor2_ids",
    "plover_type",
    "mode",
    "modality",
    "event_code",
    "event_base_code",
    "event_root_code",
    "quad_class",
    "num_articles",
    "num_mentions",
    "num_sources",
    "place",
    "place_id",
    "languages",
    "article_ids",
    "source_urls",
    "sentence",
];

#[cfg(test)]
mod tests {
    use super::*;
    use newsgraph_model::{Modality, Provenance};

    fn actor(text: &str, id: Option<&str>) -> Actor {
        Actor {
            text: text.into(),
            entity_id: id.map(str::to_string),
            canonical: id.map(|_| text.to_string()),
        }
    }

    fn ev(typ: &str, mode: Option<&str>, src: Actor, tgt: Actor, date: Option<&str>) -> Event {
        Event {
            typ: typ.into(),
            cameo: cameo().root(typ, mode),
            mode: mode.map(str::to_string),
            source: vec![src],
            target: vec![tgt],
            date: date.map(str::to_string),
            place: None,
            modality: Modality::Asserted,
            trigger: "x".into(),
            attributed_to: vec![],
            provenance: Provenance {
                article_id: 0,
                start: 0,
                end: 1,
                sentence: "A  met\nB.".into(),
            },
            objects: vec![],
            anchor: None,
        }
    }

    #[test]
    fn query_filters_after_merging_and_export_has_gdelt_columns() {
        let putin = actor("Vladimir Putin", Some("per:vladimir-putin"));
        let kim = actor("Kim Jong-un", Some("per:kim-jong-un"));
        let reports = vec![
            (
                1,
                ev(
                    "CONSULT",
                    Some("meet"),
                    putin.clone(),
                    kim.clone(),
                    Some("2023-09-13"),
                ),
            ),
            (
                2,
                // A visit joins a meeting reported for the same day.
                ev(
                    "CONSULT",
                    Some("visit"),
                    kim.clone(),
                    putin.clone(),
                    Some("2023-09-13"),
                ),
            ),
            (
                2,
                ev("AID", Some("give-gift"), putin.clone(), kim.clone(), None),
            ),
            (
                3,
                ev(
                    "DISAPPROVE",
                    None,
                    actor("Seoul", None),
                    actor("Moscow", None),
                    None,
                ),
            ),
        ];
        let all = list_events(&reports, &EventQuery::default());
        assert_eq!(all.len(), 3);
        let q = EventQuery {
            entity: Some("per:kim-jong-un".into()),
            typ: Some("consult".into()),
        };
        let got = list_events(&reports, &q);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].article_ids, vec![1, 2]);
        let by_code = EventQuery {
            typ: Some("07".into()),
            ..Default::default()
        };
        assert_eq!(
            list_events(&reports, &by_code)[0].mode.as_deref(),
            Some("give-gift")
        );
        let by_mode = EventQuery {
            typ: Some("give-gift".into()),
            ..Default::default()
        };
        assert_eq!(list_events(&reports, &by_mode).len(), 1);

        let arts = vec![
            ExportArticle {
                id: 1,
                url: Some("https://a.example/1".into()),
                source: Some("A".into()),
                lang: "de".into(),
            },
            ExportArticle {
                id: 2,
                url: Some("https://b.example/2".into()),
                source: None,
                lang: "nb".into(),
            },
        ];
        let rows = export_rows(&got, &arts);
        let r = &rows[0];
        assert_eq!(r.sqldate, "20230913");
        assert_eq!(r.event_root_code, "04");
        assert_eq!(r.quad_class, "1");
        assert_eq!(r.num_articles, 2);
        assert_eq!(r.num_sources, 2);
        assert_eq!(r.languages, "de;nb");
        assert_eq!(r.source_urls, "https://a.example/1 https://b.example/2");
        assert_eq!(r.sentence, "A met B.");
        assert!(r.actor1.contains("Putin") || r.actor1.contains("Kim"));

        let mut csv_out = Vec::new();
        write_csv(&rows, &mut csv_out).unwrap();
        let text = String::from_utf8(csv_out).unwrap();
        let header = text.lines().next().unwrap();
        assert_eq!(header, EXPORT_COLUMNS.join(","));
        assert_eq!(text.lines().count(), 2);
        let mut empty = Vec::new();
        write_csv(&[], &mut empty).unwrap();
        assert_eq!(
            String::from_utf8(empty).unwrap().trim(),
            EXPORT_COLUMNS.join(",")
        );

        let mut jl = Vec::new();
        write_jsonl(&rows, &mut jl).unwrap();
        let v: serde_json::Value =
            serde_json::from_str(String::from_utf8(jl).unwrap().lines().next().unwrap()).unwrap();
        assert_eq!(v["event_code"], "040");
    }

    #[test]
    fn quad_classes() {
        assert_eq!(quad_class("04"), Some(1));
        assert_eq!(quad_class("07"), Some(2));
        assert_eq!(quad_class("13"), Some(3));
        assert_eq!(quad_class("19"), Some(4));
        assert_eq!(quad_class(""), None);
    }
}
