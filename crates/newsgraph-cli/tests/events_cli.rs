//! `newsgraph events` and `newsgraph export events` on the seed corpus:
//! the events the seeds report, merged across the articles that report them.
//!
//! Dates of the 2023 events: seeds 000–003 give no publication year, so a
//! day like "13. September" resolves to a full date only once the
//! publication date can be estimated; until then those reports carry no
//! date (or only what another seed dates, e.g. "im September 2023"). The
//! tests below therefore require the year and month where a seed states
//! them and accept a missing day, but never a wrong one.

mod common;
use common::{run, stdout_json};

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/seeds")
}

/// Ingests the seeds; returns the store path (inside `tmp`) and the article
/// id of each seed by its file-name prefix ("000" … "004").
fn ingest(tmp: &Path) -> (PathBuf, BTreeMap<String, i64>) {
    let db = tmp.join("news.db");
    let s = stdout_json(&run(&db, &["ingest", seeds().to_str().unwrap(), "--json"]));
    assert_eq!(s["ingested"], 5, "{s}");
    let list = stdout_json(&run(&db, &["articles", "--json"]));
    let mut ids = BTreeMap::new();
    for a in list.as_array().unwrap() {
        let path = a["path"].as_str().unwrap();
        let name = Path::new(path).file_name().unwrap().to_str().unwrap();
        ids.insert(name[..3].to_string(), a["id"].as_i64().unwrap());
    }
    assert_eq!(ids.len(), 5);
    (db, ids)
}

fn names(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            a["canonical"]
                .as_str()
                .or(a["text"].as_str())
                .unwrap()
                .to_lowercase()
        })
        .collect()
}

fn has(list: &[String], name: &str) -> bool {
    list.iter().any(|n| n.contains(name))
}

fn article_ids(e: &Value) -> BTreeSet<i64> {
    e["article_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_i64().unwrap())
        .collect()
}

fn seeds_ids(ids: &BTreeMap<String, i64>, which: &[&str]) -> BTreeSet<i64> {
    which.iter().map(|w| ids[*w]).collect()
}

/// The asserted events whose type/mode and actors match; the one reported
/// by the most articles first.
fn find<'a>(
    events: &'a [Value],
    modes: &[&str],
    source: &str,
    other: &str,
    either_side: bool,
) -> Vec<&'a Value> {
    let mut found: Vec<&Value> = events
        .iter()
        .filter(|e| {
            e["modality"] == "asserted"
                && modes
                    .iter()
                    .any(|m| e["mode"].as_str() == Some(m) || e["type"].as_str() == Some(m))
        })
        .filter(|e| {
            let (s, t) = (names(&e["source"]), names(&e["target"]));
            if either_side {
                let all: Vec<String> = s.iter().chain(&t).cloned().collect();
                has(&all, source) && has(&all, other)
            } else {
                has(&s, source) && has(&t, other)
            }
        })
        .collect();
    found.sort_by_key(|e| std::cmp::Reverse(article_ids(e).len()));
    found
}

/// A date, when given, lies in the month `prefix`.
fn month_ok(e: &Value, prefix: &str) {
    if let Some(d) = e["date"].as_str() {
        assert!(
            d.starts_with(prefix),
            "date {d} should lie in {prefix}: {e}"
        );
    }
}

/// Some report of `e` carries the merged date inherited through an anchor
/// of `kind` (the JSON says so: `anchor.dated_by` is the report whose own
/// clause gives the day), and every dated report either has a date of its
/// own (no anchor) or names the report it inherits it from.
fn inherited(e: &Value, kind: &str) {
    let reports = e["reports"].as_array().unwrap();
    assert!(
        reports.iter().any(|r| r["anchor"]["kind"] == kind
            && r["date"] == e["date"]
            && r["anchor"]["dated_by"]["sentence"].is_string()),
        "no report dated through a `{kind}` anchor: {e}"
    );
    for r in reports {
        if !r["date"].is_null() && !r["anchor"].is_null() {
            assert!(r["anchor"]["dated_by"].is_object(), "{r}");
        }
    }
}

/// Every per: entity among an event's source and target, lowercased.
fn persons(e: &Value) -> BTreeSet<String> {
    e["source"]
        .as_array()
        .unwrap()
        .iter()
        .chain(e["target"].as_array().unwrap())
        .filter(|a| {
            a["entity_id"]
                .as_str()
                .is_some_and(|id| id.starts_with("per:"))
        })
        .map(|a| a["canonical"].as_str().unwrap_or("").to_lowercase())
        .collect()
}

/// The seed events on their reported days, with their participants and
/// every seed that reports each (000-003 dated through estimated
/// publication dates, 004 from its dateline).
#[test]
fn seed_events_have_the_reported_day() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, ids) = ingest(tmp.path());
    let all = stdout_json(&run(&db, &["events", "--json"]));
    let events = all.as_array().unwrap();

    // The summit at Vostochny on 13 September 2023, not Kim's arrival on the
    // 12th and not Putin's talks with Kim Jong Il in 2000.
    let meet = find(events, &["meet", "host"], "putin", "kim jong", true);
    let meet = meet.first().expect("a Putin-Kim meeting");
    assert_eq!(meet["type"], "CONSULT");
    assert_eq!(meet["date"], "2023-09-13", "{meet}");
    assert!(
        article_ids(meet).is_superset(&seeds_ids(&ids, &["000", "001", "003", "004"])),
        "{meet}"
    );
    let who = persons(meet);
    assert!(
        who.iter().any(|p| p.contains("putin")) && who.iter().any(|p| p.contains("kim jong-un")),
        "{who:?}"
    );
    assert!(
        who.iter()
            .all(|p| p.contains("putin") || p.contains("kim jong-un")),
        "only Putin and Kim Jong-un meet: {who:?}"
    );
    // Kim's arrival is its own event, on the 12th.
    let arrival = find(events, &["visit"], "kim jong", "", false);
    let arrival = arrival.first().expect("Kim's visit to Russia");
    assert_eq!(arrival["date"], "2023-09-12", "{arrival}");
    assert_ne!(arrival["id"], meet["id"]);
    // The talks of 2000 with Kim Jong Il are another event, only in 002.
    let old = find(events, &["CONSULT"], "putin", "kim jong il", true);
    let old = old.first().expect("Putin's talks with Kim Jong Il");
    assert_eq!(old["date"], "2000", "{old}");
    assert_eq!(article_ids(old), seeds_ids(&ids, &["002"]));

    // The exchange of gifts at the summit. 000: "bei ihrem Treffen …
    // Gewehre ausgetauscht" places the exchange at the meeting it dates
    // ("bei der Begrüßung … am 13. September"); "Putin schenkte Kim
    // außerdem" and "Der Präsident erhielt außerdem" continue that scene.
    // 001 dates none of its gift sentences (14 September is AFP's report),
    // so the merged events take the day from 000, never the 14th.
    let exchange = find(events, &["exchange"], "putin", "kim jong", true);
    let exchange = exchange
        .iter()
        .find(|e| article_ids(e).contains(&ids["000"]))
        .expect("the exchange of rifles");
    assert_eq!(exchange["date"], "2023-09-13", "{exchange}");
    inherited(exchange, "at");
    // Putin gives Kim a glove (000) / a pair of gloves (001).
    let gift = find(events, &["give-gift"], "putin", "kim jong", false);
    let gift = gift.first().expect("Putin gives Kim a gift");
    assert_eq!(
        article_ids(gift),
        seeds_ids(&ids, &["000", "001"]),
        "{gift}"
    );
    assert_eq!(gift["date"], "2023-09-13", "{gift}");
    inherited(gift, "continues");
    // Kim gives Putin a rifle: "Der Präsident erhielt außerdem ein in
    // Nordkorea hergestelltes Gewehr" (000), "Putin mottok også …" and
    // "Kim … overrakte gaven sin til kamerat Putin" (001).
    let back = find(events, &["give-gift"], "kim jong", "putin", false);
    let back = back.first().expect("Kim's gift to Putin");
    assert!(
        article_ids(back).is_superset(&seeds_ids(&ids, &["000", "001"])),
        "{back}"
    );
    assert_eq!(back["date"], "2023-09-13", "{back}");
    assert_ne!(back["id"], gift["id"]);

    // Kim invites Putin (001, 003, 004) during the talks of the 13th
    // (001: "Under bilaterale samtaler inviterte Kim Jong-un Putin", the
    // talks dated "hadde samtaler … 13. september"), never on the arrival day.
    let inv = find(events, &["invite"], "kim jong", "putin", false);
    let inv = inv.first().expect("Kim invites Putin");
    assert_eq!(inv["type"], "AGREE");
    assert!(
        article_ids(inv).is_superset(&seeds_ids(&ids, &["001", "003", "004"])),
        "{inv}"
    );
    assert_eq!(inv["date"], "2023-09-13", "{inv}");
    inherited(inv, "at");
    // Putin's earlier invitation of Kim to Russia (000, 001) is another event.
    let putins = find(events, &["invite"], "putin", "kim jong", false);
    assert!(
        putins.iter().all(|e| e["id"] != inv["id"]),
        "Putin's invitation is not Kim's"
    );
    // Putin accepts (000, 001, 003): "…, og den russiske lederen gikk med
    // på det" is coordinated with the invitation during the talks.
    let acc = find(events, &["accept-invitation"], "putin", "", false);
    let acc = acc.first().expect("Putin accepts");
    assert_eq!(
        article_ids(acc),
        seeds_ids(&ids, &["000", "001", "003"]),
        "{acc}"
    );
    assert_eq!(acc["date"], "2023-09-13", "{acc}");
    inherited(acc, "coordinated");

    // Choe Son-hui meets Putin on 16 January 2024 (002, 004), without Kim.
    let choe = find(events, &["meet"], "choe", "putin", true);
    let choe = choe.first().expect("Choe meets Putin");
    assert_eq!(choe["date"], "2024-01-16", "{choe}");
    assert!(
        article_ids(choe).is_superset(&seeds_ids(&ids, &["002", "004"])),
        "{choe}"
    );
    assert!(
        persons(choe)
            .iter()
            .all(|p| p.contains("putin") || p.contains("choe")),
        "{choe}"
    );

    // The story view shows where sources differ.
    let stories = stdout_json(&run(
        &db,
        &["stories", "--json", "--article", &ids["000"].to_string()],
    ));
    let sid = stories[0]["id"].as_i64().unwrap();
    let story = stdout_json(&run(&db, &["story", &sid.to_string(), "--json"]));
    assert!(
        story["differences"].as_array().is_some_and(|d| d
            .iter()
            .any(|d| d["versions"].as_array().is_some_and(|v| v.len() >= 2))),
        "{}",
        story["differences"]
    );
}

#[test]
fn seed_events_are_merged_across_the_articles_that_report_them() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, ids) = ingest(tmp.path());
    let all = stdout_json(&run(&db, &["events", "--json"]));
    let events = all.as_array().unwrap();
    assert!(events.len() >= 20, "{}", events.len());
    for e in events {
        for key in [
            "id",
            "type",
            "cameo",
            "mode",
            "source",
            "target",
            "date",
            "place",
            "article_ids",
            "sentences",
        ] {
            assert!(e.get(key).is_some(), "missing {key}: {e}");
        }
        for a in e["source"]
            .as_array()
            .unwrap()
            .iter()
            .chain(e["target"].as_array().unwrap())
        {
            assert!(
                a.get("text").is_some()
                    && a.get("entity_id").is_some()
                    && a.get("canonical").is_some()
            );
        }
        assert_eq!(
            e["sentences"].as_array().unwrap().len(),
            e["reports"].as_array().unwrap().len()
        );
    }

    // The Putin–Kim summit at Vostochny (13 September 2023): 000, 001, 003
    // and 004 report it; 004 dates it "Mitte September" (2023-09).
    // (Kim's arrival, a visit, is another event.)
    let meet = find(events, &["meet", "host"], "putin", "kim jong", true);
    let meet = meet.first().expect("a Putin–Kim meeting");
    assert_eq!(meet["type"], "CONSULT");
    let want = seeds_ids(&ids, &["000", "001", "003", "004"]);
    assert!(
        article_ids(meet).is_superset(&want),
        "meeting articles {:?}, want {want:?}",
        article_ids(meet)
    );
    assert!(
        meet["date"]
            .as_str()
            .is_some_and(|d| d.starts_with("2023-09")),
        "{}",
        meet["date"]
    );
    // The day itself is checked by `seed_events_have_the_reported_day`.
    month_ok(meet, "2023-09");
    // Choe Son-hui's meeting is another event.
    assert!(
        !has(&names(&meet["source"]), "choe") && !has(&names(&meet["target"]), "choe"),
        "{meet}"
    );

    // The exchange of gifts: Putin gives Kim a glove / a pair of gloves (000, 001).
    let gift = find(events, &["give-gift"], "putin", "kim jong", false);
    let gift = gift.first().expect("Putin gives Kim a gift");
    assert_eq!(gift["type"], "AID");
    assert_eq!(
        article_ids(gift),
        seeds_ids(&ids, &["000", "001"]),
        "{gift}"
    );
    month_ok(gift, "2023-09");
    assert!(
        find(events, &["exchange"], "putin", "kim", true)
            .iter()
            .any(|e| article_ids(e).contains(&ids["000"]))
    );

    // Invitation, acceptance and Choe's meeting: `seed_events_have_the_reported_day`.

    // Filters select from the same merged events.
    let putin = meet["source"]
        .as_array()
        .unwrap()
        .iter()
        .chain(meet["target"].as_array().unwrap())
        .find(|a| a["canonical"].as_str().is_some_and(|c| c.contains("Putin")))
        .and_then(|a| a["entity_id"].as_str())
        .expect("Putin is linked")
        .to_string();
    let by_entity = stdout_json(&run(&db, &["events", "--entity", &putin, "--json"]));
    let by_entity = by_entity.as_array().unwrap();
    assert!(by_entity.iter().any(|e| e["id"] == meet["id"]));
    assert!(by_entity.len() < events.len());
    let gifts = stdout_json(&run(&db, &["events", "--type", "give-gift", "--json"]));
    assert!(
        gifts
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["mode"] == "give-gift")
    );
    assert!(
        gifts
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == gift["id"])
    );
    let consult = stdout_json(&run(&db, &["events", "--type", "04", "--json"]));
    assert!(
        consult
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["cameo"] == "04")
    );

    // The story of 000 and 001 shows where they differ (one glove vs a pair).
    let stories = stdout_json(&run(
        &db,
        &["stories", "--json", "--article", &ids["000"].to_string()],
    ));
    let sid = stories[0]["id"].as_i64().unwrap();
    let story = stdout_json(&run(&db, &["story", &sid.to_string(), "--json"]));
    let diffs = story["differences"].as_array().unwrap();
    assert!(!diffs.is_empty());
    let glove = diffs
        .iter()
        .find(|d| d["kind"] == "quantity")
        .expect("a quantity difference");
    let vals: Vec<&str> = glove["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["value"].as_str().unwrap())
        .collect();
    assert!(
        vals.iter().any(|v| v.starts_with("1 ")) && vals.iter().any(|v| v.starts_with("2 ")),
        "{vals:?}"
    );
}

#[test]
fn export_writes_gdelt_like_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, _) = ingest(tmp.path());
    let out = tmp.path().join("events.csv");
    let o = run(
        &db,
        &[
            "export",
            "events",
            "--format",
            "csv",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(&out).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    for col in [
        "date",
        "actor1",
        "actor2",
        "event_code",
        "event_root_code",
        "plover_type",
        "place",
        "source_urls",
        "sentence",
    ] {
        assert!(header.contains(&col), "{col} missing from {header:?}");
    }
    let listed = stdout_json(&run(&db, &["events", "--json"]));
    assert_eq!(csv.lines().count() - 1, listed.as_array().unwrap().len());

    let o = run(
        &db,
        &[
            "export",
            "events",
            "--format",
            "jsonl",
            "--type",
            "give-gift",
        ],
    );
    assert!(o.status.success());
    let rows: Vec<Value> = String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!rows.is_empty());
    let first = rows
        .iter()
        .find(|r| {
            r["actor1"].as_str().unwrap().contains("Putin") && r["num_articles"].as_u64() == Some(2)
        })
        .expect("Putin's gift, from two articles");
    assert_eq!(first["event_root_code"], "07");
    assert_eq!(first["plover_type"], "AID");
    assert_eq!(first["quad_class"], "2");
    let urls = first["source_urls"].as_str().unwrap();
    assert!(urls.contains("000_") && urls.contains("001_"), "{urls}");
    assert_eq!(first["languages"], "de;nb");
    assert!(!first["sentence"].as_str().unwrap().is_empty());
    let id = first["event_id"].as_str().unwrap();
    assert!(
        listed.as_array().unwrap().iter().any(|e| e["id"] == id),
        "export ids are the listing's ids"
    );

    // A missing store is an error, and creates nothing.
    let absent = tmp.path().join("absent.db");
    let o = run(&absent, &["events"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(!absent.exists());
    let o = run(&db, &["events", "--story", "999"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no story 999"));
}
