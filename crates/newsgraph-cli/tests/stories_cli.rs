//! Stories end to end on the seed corpus: ingest clusters incrementally
//! (the three September 2023 articles one story, the two January 2024 ones
//! another, both in one storyline), `recluster` rebuilds the same stories,
//! and a later batch keeps the ids of the stories it does not change.

mod common;
use common::{run, stdout_json};

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/seeds")
}

/// Seed prefix ("000" …) → article id.
fn ids(db: &Path) -> BTreeMap<String, i64> {
    let list = stdout_json(&run(db, &["articles", "--json"]));
    let mut ids = BTreeMap::new();
    for a in list.as_array().unwrap() {
        let path = a["path"].as_str().unwrap();
        let name = Path::new(path).file_name().unwrap().to_str().unwrap();
        ids.insert(name[..3].to_string(), a["id"].as_i64().unwrap());
    }
    ids
}

/// Stories as (id, member set, storyline).
fn stories(db: &Path) -> Vec<(i64, BTreeSet<i64>, Option<i64>)> {
    let v = stdout_json(&run(db, &["stories", "--json"]));
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_i64().unwrap(),
                s["article_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_i64().unwrap())
                    .collect(),
                s["storyline_id"].as_i64(),
            )
        })
        .collect()
}

fn story_of(
    st: &[(i64, BTreeSet<i64>, Option<i64>)],
    a: i64,
) -> &(i64, BTreeSet<i64>, Option<i64>) {
    st.iter()
        .find(|s| s.1.contains(&a))
        .expect("every article has a story")
}

#[test]
fn seeds_form_two_events_in_one_storyline_and_recluster_agrees() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("news.db");
    let s = stdout_json(&run(&db, &["ingest", seeds().to_str().unwrap(), "--json"]));
    assert_eq!(s["ingested"], 5, "{s}");
    let id = ids(&db);
    let st = stories(&db);
    let sept = story_of(&st, id["000"]);
    let jan = story_of(&st, id["002"]);
    let want_sept: BTreeSet<i64> = ["000", "001", "003"].iter().map(|k| id[*k]).collect();
    let want_jan: BTreeSet<i64> = ["002", "004"].iter().map(|k| id[*k]).collect();
    assert_eq!(sept.1, want_sept, "{st:?}");
    assert_eq!(jan.1, want_jan, "{st:?}");
    assert!(sept.2.is_some() && sept.2 == jan.2, "one storyline: {st:?}");
    // `story --why` explains every member
    let detail = stdout_json(&run(
        &db,
        &["story", &sept.0.to_string(), "--json", "--why"],
    ));
    assert_eq!(detail["why"].as_array().map(Vec::len), Some(3), "{detail}");
    // the full rebuild gives the same stories
    let r = run(&db, &["recluster", "--json"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let again = stories(&db);
    let parts = |x: &[(i64, BTreeSet<i64>, Option<i64>)]| -> BTreeSet<BTreeSet<i64>> {
        x.iter().map(|s| s.1.clone()).collect()
    };
    assert_eq!(parts(&again), parts(&st));
}

#[test]
fn a_later_batch_keeps_story_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("news.db");
    let dir = tmp.path().join("first");
    std::fs::create_dir(&dir).unwrap();
    let mut rest = Vec::new();
    for e in std::fs::read_dir(seeds()).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if name.starts_with("000") || name.starts_with("001") {
            std::fs::copy(&p, dir.join(&name)).unwrap();
        } else {
            rest.push(p);
        }
    }
    stdout_json(&run(&db, &["ingest", dir.to_str().unwrap(), "--json"]));
    let before = stories(&db);
    assert_eq!(
        before.len(),
        1,
        "000 and 001 report the same event: {before:?}"
    );
    let mut args = vec!["ingest".to_string()];
    args.extend(rest.iter().map(|p| p.to_str().unwrap().to_string()));
    args.push("--json".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let s: Value = stdout_json(&run(&db, &args));
    assert_eq!(s["ingested"], 3, "{s}");
    let after = stories(&db);
    let id = ids(&db);
    let sept = story_of(&after, id["000"]);
    assert_eq!(
        sept.0, before[0].0,
        "the September story keeps its id: {after:?}"
    );
    assert!(sept.1.contains(&id["001"]));
}
