//! End to end on PostgreSQL: `newsgraph --db postgres://… ingest` then
//! `articles --json`, against the server named by `NEWSGRAPH_TEST_PG`
//! (`.ci/postgres.sh` sets one up). The test works in its own schema
//! (selected through the URL's `options=-c search_path=…`), dropped afterwards.
//!
//! Without `NEWSGRAPH_TEST_PG` the test is skipped with a message, except
//! under CI (`CI=true`), where a missing server is a failure.

mod common;
use common::{run, stdout_json};

use std::path::Path;

fn url() -> Option<String> {
    newsgraph_store::conformance::pg_test_url("the PostgreSQL end-to-end test")
}

use newsgraph_store::conformance::pg_url_in_schema as url_in_schema;

#[test]
fn ingest_and_list_on_postgres() {
    let Some(url) = url() else { return };
    let schema = format!("ngtest_cli_{}", std::process::id());
    // Creates the schema (and drops it, with everything in it, at the end).
    let guard = newsgraph_store::PgStore::open_temporary(&url, &schema).expect("schema");
    let db = url_in_schema(&url, &schema);
    // The five seed articles (the directory also holds ORIGIN.md, which
    // `ingest DIR` would read as a sixth article).
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/seeds");
    let mut seeds: Vec<String> = std::fs::read_dir(&dir)
        .expect("examples/seeds")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .filter_map(|p| p.to_str().map(str::to_string))
        .collect();
    seeds.sort();
    assert_eq!(seeds.len(), 5, "{seeds:?}");
    let ingest: Vec<&str> = std::iter::once("ingest")
        .chain(seeds.iter().map(String::as_str))
        .chain(std::iter::once("--json"))
        .collect();

    let s = stdout_json(&run(&db, &ingest));
    assert_eq!(s["ingested"], 5, "{s}");
    assert_eq!(s["rejected"], 0, "{s}");

    let list = stdout_json(&run(&db, &["articles", "--json"]));
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 5, "{list:?}");
    let ids: Vec<i64> = list.iter().filter_map(|a| a["id"].as_i64()).collect();
    assert_eq!(ids, vec![1, 2, 3, 4, 5]);
    let langs: Vec<&str> = list.iter().filter_map(|a| a["lang"].as_str()).collect();
    assert_eq!(langs.iter().filter(|l| **l == "de").count(), 4, "{langs:?}");
    assert_eq!(langs.iter().filter(|l| **l == "nb").count(), 1, "{langs:?}");

    // A second ingest of the same input adds nothing.
    let again = stdout_json(&run(&db, &ingest));
    assert_eq!(again["ingested"], 0, "{again}");
    let list = stdout_json(&run(&db, &["articles", "--json"]));
    assert_eq!(list.as_array().map(Vec::len), Some(5));

    // The data really is in PostgreSQL, in this test's schema.
    use newsgraph_store::Store;
    assert_eq!(guard.stats().expect("stats").articles, 5);
    assert!(guard.check_integrity().expect("integrity").is_empty());
}
