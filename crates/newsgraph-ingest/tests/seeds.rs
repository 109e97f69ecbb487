//! The seed corpus: junk lines gone, the rest intact, languages right.
use newsgraph_ingest::{Item, Options, Reader};
use newsgraph_model::NewArticle;

const SEEDS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus/seeds");

fn seeds() -> Option<Vec<NewArticle>> {
    if !std::path::Path::new(SEEDS).is_dir() {
        eprintln!("seed corpus not found at {SEEDS}; skipping");
        return None;
    }
    let mut out = Vec::new();
    Reader::new(Options::default()).read(SEEDS, &mut |i| {
        if let Item::Article(a) = i {
            out.push(*a)
        }
    });
    Some(out)
}

/// Lines of the raw file that are not junk must all be in the clean text.
fn assert_intact(a: &NewArticle, junk: &[&str]) {
    for line in a.raw_text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if line == a.title {
            continue; // a headline is removed, a sentence-like first line stays
        }
        if junk.contains(&line) {
            assert!(
                !a.text.lines().any(|l| l.trim() == line),
                "junk kept: {line}"
            );
            continue;
        }
        if line.ends_with("Foto: Reuters") || line.ends_with("Foto: KCNA") {
            let caption = line.rsplit_once(" Foto:").map(|x| x.0).unwrap_or(line);
            assert!(a.text.contains(caption), "caption lost: {caption}");
            continue;
        }
        assert!(
            a.text.contains(line),
            "content lost in {:?}: {line}",
            a.path
        );
    }
}

#[test]
fn seeds_clean_and_language() {
    let Some(arts) = seeds() else { return };
    assert_eq!(arts.len(), 5);
    let langs: Vec<&str> = arts.iter().map(|a| a.lang.as_str()).collect();
    assert_eq!(langs, ["de", "nb", "de", "de", "de"]);
    assert!(arts.iter().all(|a| a.lang_confidence > 0.5));

    let a = &arts[0];
    assert_intact(
        a,
        &[
            "Huyen Le (Laut AFP , Reuters )",
            "Quellenlink",
            "Kommentar (0)",
        ],
    );
    assert_eq!(a.author.as_deref(), Some("Huyen Le"));
    assert_eq!(
        a.metadata["agencies"],
        serde_json::json!(["AFP", "Reuters"])
    );
    assert_eq!(
        a.metadata["photo_credits"],
        serde_json::json!(["Reuters", "KCNA"])
    );
    assert!(a.title.starts_with("Der Kreml bestätigte"));

    assert_intact(&arts[1], &["[annonse_2]", "Kildekobling", "Kommentar (0)"]);
    assert_intact(&arts[2], &["source site", "Leave a Reply"]);
    assert_eq!(
        arts[2].title,
        "Putin sei bereit, Nordkorea „frühzeitig“ zu besuchen, sagt Pjöngjang – POLITICO"
    );
    assert_intact(
        &arts[3],
        &[
            "Kim Jong Un laedt Putin nach Nordkorea ein waehrend er",
            "toi-allgemeines",
        ],
    );
    assert!(arts[3].removed.iter().any(|r| r.reason == "repeated-title"));

    let a = &arts[4];
    assert_intact(
        a,
        &[
            "AhlolBayt News Agency (ABNA)",
            "source : Parstoday",
            "Mittwoch",
            "17 Januar 2024",
            "19:47:09",
            "1430217",
        ],
    );
    assert_eq!(
        a.title,
        "Nordkoreas Außenministerin trifft Putin in Moskau und lobt kameradschaftliche bilaterale Beziehungen"
    );
    assert_eq!(a.metadata["dateline"], "Mittwoch\n17 Januar 2024\n19:47:09");
    assert_eq!(a.published.as_deref(), Some("2024-01-17T19:47:09"));
    assert_eq!(a.source.as_deref(), Some("AhlolBayt News Agency (ABNA)"));
    assert!(
        a.text
            .starts_with("Moskau (Press TV/ParsToday) – Die nordkoreanische")
    );
    // Paragraphs stay separated by blank lines.
    assert!(a.text.contains(" getroffen.\n\nDabei würdigte"));
    // Every removed line is recorded with its line number in raw_text.
    for a in &arts {
        for r in &a.removed {
            let raw_line = a.raw_text.lines().nth(r.line).unwrap_or("");
            assert!(raw_line.contains(r.text.trim()), "{r:?}");
        }
    }
}
