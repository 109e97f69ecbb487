//! `newsgraph ingest` / `articles` / `article` on the built binary.

mod common;
use common::{bin, run, stdout_json};

use serde_json::Value;
use std::path::{Path, PathBuf};

fn seeds() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/seeds")
}

#[test]
fn seeds_give_five_clean_articles_and_a_second_ingest_adds_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("news.db");
    let seeds = seeds();
    let seeds = seeds.to_str().unwrap();

    let s = stdout_json(&run(&db, &["ingest", seeds, "--json"]));
    assert_eq!(s["ingested"], 5, "{s}");
    assert_eq!(s["rejected"], 0, "{s}");
    assert_eq!(s["duplicates"], 0);

    let list = stdout_json(&run(&db, &["articles", "--json"]));
    let list = list.as_array().expect("array");
    assert_eq!(list.len(), 5);
    let langs: Vec<&str> = list.iter().map(|a| a["lang"].as_str().unwrap()).collect();
    assert_eq!(langs.iter().filter(|l| **l == "de").count(), 4, "{langs:?}");
    assert_eq!(langs.iter().filter(|l| **l == "nb").count(), 1, "{langs:?}");
    for a in list {
        for key in [
            "id",
            "path",
            "url",
            "title",
            "lang",
            "published",
            "source",
            "author",
            "text",
            "duplicate_of",
        ] {
            assert!(a.get(key).is_some(), "article lacks {key}: {a}");
        }
        let text = a["text"].as_str().unwrap();
        assert!(text.len() > 500, "body kept: {}", a["path"]);
        // Junk the seeds carry must be gone from the clean text.
        for junk in [
            "Quellenlink",
            "Kommentar (0)",
            "[annonse_2]",
            "Kildekobling",
        ] {
            assert!(
                !text.lines().any(|l| l.trim() == junk),
                "{junk:?} left in article {}",
                a["id"]
            );
        }
    }
    // The rest intact: a quoted sentence of the first seed survives.
    assert!(
        list.iter().any(|a| a["text"]
            .as_str()
            .unwrap()
            .contains("sagte Kremlsprecher Dmitri Peskow am 14. September")),
        "body sentence lost"
    );

    // --raw shows what was removed and why.
    let nb = list.iter().find(|a| a["lang"] == "nb").unwrap();
    let id = nb["id"].to_string();
    let raw = stdout_json(&run(&db, &["article", &id, "--raw", "--json"]));
    let removed = raw["removed"].as_array().expect("removed lines");
    assert!(
        removed
            .iter()
            .any(|r| r["text"] == "Kildekobling" && r["reason"].is_string()),
        "{raw}"
    );
    assert!(raw["raw_text"].as_str().unwrap().contains("Kildekobling"));

    // Second ingest: nothing added.
    let s2 = stdout_json(&run(&db, &["ingest", seeds, "--json"]));
    assert_eq!(s2["ingested"], 0, "{s2}");
    assert_eq!(s2["duplicates"], 5);
    let list2 = stdout_json(&run(&db, &["articles", "--json"]));
    assert_eq!(list2.as_array().unwrap().len(), 5);
}

#[test]
fn human_output_and_filters() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("news.db");
    let o = run(&db, &["ingest", seeds().to_str().unwrap()]);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("ingested 5 articles"), "{out}");
    // Piped: no progress bar drawing on stderr.
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let o = run(&db, &["articles", "--lang", "nb"]);
    let table = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(table.starts_with("    ID  LANG"), "{table}");
    assert!(table.contains("(1 article)"), "{table}");

    let nb = stdout_json(&run(&db, &["articles", "--lang", "nb", "--json"]));
    assert_eq!(nb.as_array().unwrap().len(), 1);
    let two = stdout_json(&run(&db, &["articles", "--limit", "2", "--json"]));
    let ids: Vec<i64> = two
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![1, 2]);

    let o = run(&db, &["article", "1"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("#1  "), "{text}");
    let o = run(&db, &["article", "1", "--raw"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("removed lines"));

    let o = run(&db, &["article", "999"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no article 999"));
}

#[test]
fn db_comes_from_the_environment_when_no_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("env.db");
    let o = bin()
        .env("NEWSGRAPH_DB", &db)
        .args(["ingest", seeds().to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(db.exists(), "NEWSGRAPH_DB not used");
    // Default: newsgraph.db in the working directory.
    let o = bin()
        .current_dir(tmp.path())
        .args(["ingest", seeds().to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    assert!(o.status.success());
    assert!(tmp.path().join("newsgraph.db").exists());
}

#[test]
fn rejections_are_one_line_each_and_the_batch_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("news.db");
    let empty = tmp.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let binary = tmp.path().join("blob.txt");
    std::fs::write(
        &binary,
        (0..2048u32)
            .map(|i| (i * 7 % 256) as u8)
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let missing = tmp.path().join("missing.txt");
    let o = run(
        &db,
        &[
            "ingest",
            empty.to_str().unwrap(),
            seeds().to_str().unwrap(),
            binary.to_str().unwrap(),
            missing.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "the batch ran");
    let s: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(s["ingested"], 5);
    assert_eq!(s["rejected"], 3, "{s}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    for line in &lines {
        assert!(line.contains(": "), "not `input: reason`: {line}");
    }
    for f in [&empty, &binary, &missing] {
        let name = f.file_name().unwrap().to_str().unwrap();
        assert_eq!(
            lines.iter().filter(|l| l.contains(name)).count(),
            1,
            "{name}: {stderr}"
        );
    }

    // Nothing processable at all: non-zero.
    let o = run(&db, &["ingest", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    // Usage errors: non-zero.
    let o = run(&db, &["ingest"]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&db, &["ingest", "x", "--near-dup-threshold", "2"]);
    assert_ne!(o.status.code(), Some(0));
}

#[test]
fn read_commands_do_not_create_a_store() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("absent.db");
    let o = run(&db, &["articles"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(!db.exists());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no store"));
}
