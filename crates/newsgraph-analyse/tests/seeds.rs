//! The five seed articles (German and Norwegian), read and cleaned by
//! `newsgraph-ingest`, analysed and linked in order: every key person and
//! place is ONE entity whose variants span the languages, and no person is
//! split in two or merged with another.

use newsgraph_analyse::Analyser;
use newsgraph_model::{Analysis, Entity, EntityType};
use std::path::PathBuf;

fn seeds_dir() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/corpus/seeds"
    ))
}

struct Run {
    entities: Vec<Entity>,
    analyses: Vec<(String, Analysis)>,
}

fn run() -> Run {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seeds_dir())
        .expect("seed corpus at ../shared/corpus/seeds")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "five seeds");
    let analyser = Analyser::new().expect("analyser");
    let opts = newsgraph_ingest::Options::default();
    let mut analyses = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let bytes = std::fs::read(f).expect("read seed");
        let name = f.display().to_string();
        let articles = newsgraph_ingest::extract_bytes(&name, &bytes, &opts).expect("ingest");
        let art = articles.into_iter().next().expect("one article");
        assert!(
            ["de", "nb"].contains(&art.lang.as_str()),
            "{name}: {}",
            art.lang
        );
        let a = analyser.analyse_and_resolve(
            &art.text,
            &art.lang,
            art.published.as_deref(),
            i as i64 + 1,
        );
        for m in &a.mentions {
            assert_eq!(&art.text[m.start..m.end], m.text, "offsets of {m:?}");
        }
        analyses.push((art.lang.clone(), a));
    }
    Run {
        entities: analyser.entities(),
        analyses,
    }
}

fn dump(r: &Run) -> String {
    let mut s = String::new();
    for e in &r.entities {
        let v: Vec<String> = e
            .variants
            .iter()
            .map(|v| format!("{}/{}x{}", v.text, v.lang, v.count))
            .collect();
        s.push_str(&format!(
            "{} {} [{}] {:?} {:?}\n",
            e.id, e.typ, e.canonical, v, e.article_ids
        ));
    }
    s
}

/// The entities one of whose variants has this key (under the rules of its language).
fn with_variant<'a>(r: &'a Run, name: &str, lang: &str) -> Vec<&'a Entity> {
    let want = newsgraph_link::name_key(name, lang).expect("key");
    r.entities
        .iter()
        .filter(|e| {
            e.variants.iter().any(|v| {
                newsgraph_link::name_key(&v.text, &v.lang).ok().as_deref() == Some(want.as_str())
            })
        })
        .collect()
}

#[test]
fn key_entities_are_one_each_and_span_languages() {
    let r = run();
    let report = dump(&r);
    // (written as in de, written as in nb, type, must span both languages)
    let cases = [
        ("Wladimir Putin", "Vladimir Putin", EntityType::PER, true),
        ("Kim Jong-un", "Kim Jong-un", EntityType::PER, true),
        ("Dmitri Peskow", "Dmitrij Peskov", EntityType::PER, true),
        ("Sergej Lawrow", "Sergej Lavrov", EntityType::PER, true),
        ("Nordkorea", "Nord-Korea", EntityType::LOC, true),
        ("Pjöngjang", "Pyongyang", EntityType::LOC, true),
        ("Wostotschny", "Vostochny", EntityType::LOC, true),
        // The Norwegian seed never names Moscow: one entity, German only.
        ("Moskau", "Moskau", EntityType::LOC, false),
    ];
    for (de, nb, typ, both) in cases {
        let a = with_variant(&r, de, "de");
        let b = with_variant(&r, nb, "nb");
        assert_eq!(a.len(), 1, "{de}: expected one entity\n{report}");
        assert_eq!(b.len(), 1, "{nb}: expected one entity\n{report}");
        let e = a[0];
        assert_eq!(e.id, b[0].id, "{de} / {nb} split\n{report}");
        if typ == EntityType::PER {
            assert_eq!(e.typ, typ, "{de}\n{report}");
        } else {
            assert_ne!(e.typ, EntityType::PER, "{de}\n{report}");
        }
        let langs: std::collections::BTreeSet<&str> =
            e.variants.iter().map(|v| v.lang.as_str()).collect();
        if both {
            assert!(
                langs.contains("de") && langs.contains("nb"),
                "{de}: variants {langs:?}\n{report}"
            );
        }
    }
    // Short forms went to the full names.
    let putin = with_variant(&r, "Wladimir Putin", "de")[0];
    assert!(
        putin
            .variants
            .iter()
            .any(|v| v.text == "Putin" && v.lang == "nb")
    );
    assert!(putin.article_ids.len() == 5, "{report}");
}

#[test]
fn no_person_is_split_or_merged() {
    let r = run();
    let report = dump(&r);
    // Different Kims stay apart.
    let kju = with_variant(&r, "Kim Jong-un", "de");
    let kji = with_variant(&r, "Kim Jong Il", "de");
    let kyh = with_variant(&r, "Kim Young-ho", "de");
    assert_eq!(kju.len(), 1, "{report}");
    assert_eq!(kji.len(), 1, "{report}");
    assert_eq!(kyh.len(), 1, "{report}");
    assert_ne!(kju[0].id, kji[0].id, "{report}");
    assert_ne!(kju[0].id, kyh[0].id, "{report}");
    assert_ne!(kji[0].id, kyh[0].id, "{report}");
    // Choe Son-hui and her short form are one person.
    let choe = with_variant(&r, "Choe Son-hui", "de");
    assert_eq!(choe.len(), 1, "{report}");
    assert!(
        choe[0].variants.iter().any(|v| v.text == "Choe"),
        "{report}"
    );
    // Shoigu in both German spellings is one person.
    let shoigu = with_variant(&r, "Sergei Schoigu", "de");
    assert_eq!(shoigu.len(), 1, "{report}");
    assert!(
        shoigu[0]
            .variants
            .iter()
            .any(|v| v.text == "Sergej Schoigu"),
        "{report}"
    );
    // No two person entities share a full-name key: nothing was split.
    let mut keys = std::collections::BTreeMap::new();
    for e in r.entities.iter().filter(|e| e.typ == EntityType::PER) {
        for v in &e.variants {
            let f = newsgraph_link::name_form(&v.text, &v.lang).expect("form");
            if f.len() >= 2 {
                let prev = keys.insert(f.key.clone(), e.id.clone());
                assert!(
                    prev.is_none_or(|p| p == e.id),
                    "{} is in two entities\n{report}",
                    v.text
                );
            }
        }
    }
    // No person entity holds two incompatible full names: nothing was merged.
    for e in r.entities.iter().filter(|e| e.typ == EntityType::PER) {
        let full: Vec<_> = e
            .variants
            .iter()
            .filter_map(|v| newsgraph_link::name_form(&v.text, &v.lang).ok())
            .filter(|f| f.len() >= 2)
            .collect();
        for a in &full {
            for b in &full {
                assert!(
                    newsgraph_link::same_person(a, b),
                    "{} merges {:?} and {:?}\n{report}",
                    e.id,
                    a.parts,
                    b.parts
                );
            }
        }
    }
}

#[test]
fn adjectives_of_place_are_relations_not_mentions() {
    let r = run();
    let (lang, a) = &r.analyses[0];
    assert_eq!(lang, "de");
    assert!(
        a.places
            .iter()
            .any(|p| p.text == "nordkoreanische" && p.entity_id == "loc:iso:KP"),
        "{:?}",
        a.places
    );
    assert!(
        a.places
            .iter()
            .any(|p| p.text == "russische" && p.entity_id == "loc:iso:RU")
    );
    assert!(a.mentions.iter().all(|m| m.text != "nordkoreanische"));
    let (lang, b) = &r.analyses[1];
    assert_eq!(lang, "nb");
    assert!(
        b.places
            .iter()
            .any(|p| p.text.starts_with("russiskprodusert") && p.entity_id == "loc:iso:RU"),
        "{:?}",
        b.places
    );
}
