//! The behaviour every [`Store`] backend must show, as a test-suite written
//! against the trait only. A backend's tests call [`run_all`] (or single
//! checks) with a factory that returns a fresh, empty store:
//!
//! ```no_run
//! # fn fresh() -> Box<dyn newsgraph_store::Store> { unimplemented!() }
//! newsgraph_store::conformance::run_all(&fresh);
//! ```
//!
//! Each check panics with a message naming what broke (they are tests).

use crate::{
    ArticleFilter, ArticleOrder, Batch, CacheEntry, EntityFilter, InsertOutcome, NearDupPolicy,
    PreparedArticle, RejectionRecord, Store, StoryFilter, StoryMember, StoryRecord,
    StorylineRecord,
};
use newsgraph_model::{
    Analysis, ArticleId, EntityType, Mention, NewArticle, PlaceRelation, RemovedLine, Sentence,
    Story, Storyline,
};

/// A factory of fresh, empty stores.
pub type Factory<'a> = &'a dyn Fn() -> Box<dyn Store>;

/// Runs every check, each on its own fresh store.
pub fn run_all(fresh: Factory<'_>) {
    articles_roundtrip(&*fresh());
    exact_duplicates_are_not_stored(&*fresh());
    near_duplicates_are_linked(&*fresh());
    listing_filters_and_order(&*fresh());
    fetch_cache_roundtrip(&*fresh());
    runs_and_rejections(&*fresh());
    runs_record_their_articles(&*fresh());
    analyses_and_entities(&*fresh());
    stories_replace_and_list(&*fresh());
    stories_update_incrementally(&*fresh());
    story_members_pages_and_stamps(&*fresh());
    invalid_references_are_rejected(&*fresh());
}

/// A test article with clean text `text`, language `lang` and MinHash
/// signature `sig` (bands: FNV over groups of 4 slots).
pub fn prepared(text: &str, lang: &str, sig: Vec<u32>) -> PreparedArticle {
    let bands = sig
        .chunks(4)
        .enumerate()
        .map(|(i, c)| {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ i as u64;
            for x in c {
                h = (h ^ u64::from(*x)).wrapping_mul(0x0100_0000_01b3);
            }
            h
        })
        .collect();
    PreparedArticle {
        article: NewArticle {
            path: Some(format!("/in/{}.txt", head(text, 12))),
            url: None,
            external_id: None,
            title: format!("Title of {}", head(text, 20)),
            text: text.to_string(),
            raw_text: format!("Site header\n{text}\nShare this"),
            removed: vec![
                RemovedLine {
                    line: 0,
                    text: "Site header".into(),
                    reason: "header-block".into(),
                },
                RemovedLine {
                    line: 2,
                    text: "Share this".into(),
                    reason: "boilerplate-lexicon".into(),
                },
            ],
            lang: lang.to_string(),
            lang_confidence: 0.93,
            published: None,
            published_estimated: false,
            source: Some("Test Outlet".into()),
            author: None,
            metadata: serde_json::Map::new(),
            format: "text".into(),
        },
        content_hash: format!("hash:{text}"),
        minhash: sig,
        bands,
    }
}

fn head(text: &str, chars: usize) -> String {
    text.chars().take(chars).collect()
}

/// A signature of 32 slots; `differ` of them changed from the base `seed`.
pub fn signature(seed: u32, differ: usize) -> Vec<u32> {
    (0..32u32)
        .map(|i| {
            let base = seed.wrapping_mul(2_654_435_761).wrapping_add(i * 40_503);
            if (i as usize) < differ {
                base ^ 0xdead_beef
            } else {
                base
            }
        })
        .collect()
}

fn insert(store: &dyn Store, arts: &[PreparedArticle]) -> Vec<InsertOutcome> {
    store
        .insert_batch(
            &Batch {
                articles: arts,
                ..Batch::default()
            },
            &NearDupPolicy::default(),
        )
        .expect("insert_batch")
}

fn inserted_id(o: &InsertOutcome) -> i64 {
    match o {
        InsertOutcome::Inserted { id, .. } => *id,
        other => panic!("expected an insert, got {other:?}"),
    }
}

/// Stored articles come back with every field; ids are 1.. in insert order.
pub fn articles_roundtrip(store: &dyn Store) {
    let mut a = prepared("Erster Artikel über den Gipfel.", "de", signature(1, 0));
    a.article.published = Some("2023-09-14".into());
    a.article.author = Some("Anna Autorin".into());
    a.article.url = Some("https://example.org/a".into());
    a.article.metadata.insert(
        "dateline".into(),
        serde_json::json!("Moskau, 14. September"),
    );
    let b = prepared("Andre artikkel om toppmøtet.", "nb", signature(2, 0));
    let out = insert(store, &[a.clone(), b.clone()]);
    assert_eq!(inserted_id(&out[0]), 1, "first id is 1");
    assert_eq!(inserted_id(&out[1]), 2, "ids follow insert order");

    let got = store
        .get_article(1)
        .expect("get")
        .expect("article 1 exists");
    assert_eq!(got.id, 1);
    assert_eq!(got.title, a.article.title);
    assert_eq!(got.text, a.article.text);
    assert_eq!(got.lang, "de");
    assert!((got.lang_confidence - 0.93).abs() < 1e-9);
    assert_eq!(got.published.as_deref(), Some("2023-09-14"));
    assert_eq!(got.author.as_deref(), Some("Anna Autorin"));
    assert_eq!(got.url.as_deref(), Some("https://example.org/a"));
    assert_eq!(got.path, a.article.path);
    assert_eq!(got.source.as_deref(), Some("Test Outlet"));
    assert_eq!(got.format, "text");
    assert_eq!(got.metadata, a.article.metadata);
    assert_eq!(got.duplicate_of, None);
    assert!(!got.ingested_at.is_empty());
    assert!(store.get_article(3).expect("get").is_none());

    let raw = store.get_raw(1).expect("raw").expect("raw view exists");
    assert_eq!(raw.raw_text, a.article.raw_text);
    assert_eq!(raw.removed, a.article.removed);
    assert_eq!(raw.content_hash, a.content_hash);
    assert!(store.get_raw(99).expect("raw").is_none());

    assert!(
        store
            .set_published(2, Some("2023-09-15"), true)
            .expect("set")
    );
    let b2 = store.get_article(2).expect("get").expect("exists");
    assert_eq!(b2.published.as_deref(), Some("2023-09-15"));
    assert!(b2.published_estimated);
    assert!(!store.set_published(42, None, false).expect("set"));

    assert_eq!(
        store.find_by_content_hash(&b.content_hash).expect("find"),
        Some(2)
    );
    assert_eq!(store.find_by_content_hash("nope").expect("find"), None);
    let stats = store.stats().expect("stats");
    assert_eq!(stats.articles, 2);
    assert!(stats.lsh_bands >= 8);
    assert_eq!(
        store.check_integrity().expect("check"),
        Vec::<String>::new()
    );
}

/// Same content hash → not stored again, in a later batch or in the same one.
pub fn exact_duplicates_are_not_stored(store: &dyn Store) {
    let a = prepared("Der gleiche Text.", "de", signature(7, 0));
    let out = insert(store, &[a.clone(), a.clone()]);
    assert_eq!(inserted_id(&out[0]), 1);
    assert_eq!(out[1], InsertOutcome::Duplicate { existing: 1 });
    let out = insert(store, std::slice::from_ref(&a));
    assert_eq!(out[0], InsertOutcome::Duplicate { existing: 1 });
    assert_eq!(store.stats().expect("stats").articles, 1);
}

/// Similar signatures are stored and linked to the earlier article; a
/// dissimilar one is not linked; the threshold is honoured.
pub fn near_duplicates_are_linked(store: &dyn Store) {
    let orig = prepared("Original story text.", "en", signature(11, 0));
    // 3 of 32 slots differ → similarity 29/32 ≈ 0.906; bands 1.. equal.
    let copy = prepared("Original story text, syndicated.", "en", signature(11, 3));
    let other = prepared("Something else entirely.", "en", signature(99, 0));
    let out = insert(store, &[orig, copy, other]);
    match out[1] {
        InsertOutcome::Inserted {
            id: 2,
            near_duplicate: Some(n),
        } => {
            assert_eq!(n.of, 1);
            assert!((n.score - 29.0 / 32.0).abs() < 1e-9, "score {}", n.score);
        }
        ref o => panic!("copy should link to 1, got {o:?}"),
    }
    match out[2] {
        InsertOutcome::Inserted {
            near_duplicate: None,
            ..
        } => {}
        ref o => panic!("unrelated article linked: {o:?}"),
    }
    let copy = store.get_article(2).expect("get").expect("exists");
    assert_eq!(copy.duplicate_of, Some(1));
    assert!(copy.duplicate_score.is_some());

    // A stricter threshold leaves a similar article unlinked.
    let strict = NearDupPolicy {
        threshold: 0.95,
        ..NearDupPolicy::default()
    };
    let loose = prepared("Original story, another copy.", "en", signature(11, 3));
    let out = store
        .insert_batch(
            &Batch {
                articles: std::slice::from_ref(&loose),
                ..Batch::default()
            },
            &strict,
        )
        .expect("insert");
    // It matches article 2 exactly (same signature) → score 1.0 ≥ 0.95.
    match out[0] {
        InsertOutcome::Inserted {
            near_duplicate: Some(n),
            ..
        } => assert_eq!((n.of, n.score), (2, 1.0)),
        ref o => panic!("expected link to 2, got {o:?}"),
    }
    let other = prepared("Original, far copy.", "en", signature(11, 12));
    let out = store
        .insert_batch(
            &Batch {
                articles: std::slice::from_ref(&other),
                ..Batch::default()
            },
            &strict,
        )
        .expect("insert");
    assert!(
        matches!(
            out[0],
            InsertOutcome::Inserted {
                near_duplicate: None,
                ..
            }
        ),
        "below threshold must not link: {:?}",
        out[0]
    );
    assert_eq!(store.stats().expect("stats").near_duplicates, 2);
    assert_eq!(
        store.check_integrity().expect("check"),
        Vec::<String>::new()
    );
}

/// lang filter, limit/offset, after_id, publication order, counts.
pub fn listing_filters_and_order(store: &dyn Store) {
    let mut arts = Vec::new();
    for i in 0..10u32 {
        let lang = if i % 3 == 0 { "nb" } else { "de" };
        let mut a = prepared(
            &format!("Artikel Nummer {i} mit Text."),
            lang,
            signature(100 + i, 0),
        );
        if i % 2 == 0 {
            a.article.published = Some(format!("2023-09-{:02}", 20 - i));
        }
        arts.push(a);
    }
    insert(store, &arts);
    let all = store
        .list_articles(&ArticleFilter::default())
        .expect("list");
    assert_eq!(
        all.iter().map(|a| a.id).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    let nb = store
        .list_articles(&ArticleFilter {
            lang: Some("nb".into()),
            ..ArticleFilter::default()
        })
        .expect("list");
    assert_eq!(
        nb.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![1, 4, 7, 10]
    );
    let count = store
        .count_articles(&ArticleFilter {
            lang: Some("de".into()),
            limit: Some(1),
            ..ArticleFilter::default()
        })
        .expect("count");
    assert_eq!(count, 6);
    let page = store
        .list_articles(&ArticleFilter {
            limit: Some(3),
            offset: 2,
            ..ArticleFilter::default()
        })
        .expect("list");
    assert_eq!(page.iter().map(|a| a.id).collect::<Vec<_>>(), vec![3, 4, 5]);
    let after = store
        .list_articles(&ArticleFilter {
            after_id: Some(8),
            ..ArticleFilter::default()
        })
        .expect("list");
    assert_eq!(after.iter().map(|a| a.id).collect::<Vec<_>>(), vec![9, 10]);
    let by_date = store
        .list_articles(&ArticleFilter {
            order: ArticleOrder::Published,
            ..ArticleFilter::default()
        })
        .expect("list");
    // Dated (i even → id odd): published 2023-09-(20-i) → latest i first in id order reversed.
    assert_eq!(
        by_date.iter().map(|a| a.id).collect::<Vec<_>>(),
        vec![9, 7, 5, 3, 1, 2, 4, 6, 8, 10]
    );
    let none = store
        .list_articles(&ArticleFilter {
            lang: Some("fr".into()),
            ..ArticleFilter::default()
        })
        .expect("list");
    assert!(none.is_empty());
}

/// Validators are stored, replaced and read back; also via a batch.
pub fn fetch_cache_roundtrip(store: &dyn Store) {
    assert_eq!(
        store.get_fetch_cache("https://x.test/feed").expect("get"),
        None
    );
    let e = CacheEntry {
        url: "https://x.test/feed".into(),
        etag: Some("\"abc\"".into()),
        last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".into()),
    };
    store
        .put_fetch_cache(std::slice::from_ref(&e))
        .expect("put");
    assert_eq!(store.get_fetch_cache(&e.url).expect("get"), Some(e.clone()));
    let e2 = CacheEntry {
        etag: Some("\"def\"".into()),
        last_modified: None,
        ..e.clone()
    };
    store
        .insert_batch(
            &Batch {
                fetch_cache: std::slice::from_ref(&e2),
                ..Batch::default()
            },
            &NearDupPolicy::default(),
        )
        .expect("batch");
    assert_eq!(store.get_fetch_cache(&e.url).expect("get"), Some(e2));
}

/// Runs are recorded with inputs, summary and rejections.
pub fn runs_and_rejections(store: &dyn Store) {
    let run = store
        .begin_run(&["a.txt".to_string(), "dir/".to_string()])
        .expect("begin");
    let rej = [RejectionRecord {
        input: "bad.bin".into(),
        reason: "binary file".into(),
    }];
    store
        .insert_batch(
            &Batch {
                run_id: Some(run),
                rejections: &rej,
                ..Batch::default()
            },
            &NearDupPolicy::default(),
        )
        .expect("batch");
    let runs = store.list_runs(10).expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].inputs, vec!["a.txt", "dir/"]);
    assert!(runs[0].finished_at.is_none());
    store
        .finish_run(run, &serde_json::json!({"ingested": 0, "rejected": 1}))
        .expect("finish");
    let runs = store.list_runs(10).expect("runs");
    assert!(runs[0].finished_at.is_some());
    assert_eq!(runs[0].summary["rejected"], 1);
    assert_eq!(store.run_rejections(run).expect("rej"), rej.to_vec());
}

/// Every stored article records the run (arrival batch) that stored it,
/// over several batches of the run; duplicates and run-less batches add none.
pub fn runs_record_their_articles(store: &dyn Store) {
    let policy = NearDupPolicy::default();
    let ids = |outcomes: Vec<InsertOutcome>| -> Vec<ArticleId> {
        outcomes
            .into_iter()
            .filter_map(|o| match o {
                InsertOutcome::Inserted { id, .. } => Some(id),
                InsertOutcome::Duplicate { .. } => None,
            })
            .collect()
    };
    let first = store.begin_run(&["one.jsonl".to_string()]).expect("begin");
    let a = [
        prepared("Erste Meldung über den Hafen.", "de", signature(1, 0)),
        prepared("Zweite Meldung über die Bahn.", "de", signature(2, 0)),
    ];
    let mut want = ids(store
        .insert_batch(
            &Batch {
                run_id: Some(first),
                articles: &a,
                ..Batch::default()
            },
            &policy,
        )
        .expect("batch 1"));
    // Run-less batch in between: recorded with no run.
    let loose = [prepared("Eine Meldung ohne Lauf.", "de", signature(3, 0))];
    let loose_ids = ids(store
        .insert_batch(
            &Batch {
                articles: &loose,
                ..Batch::default()
            },
            &policy,
        )
        .expect("loose batch"));
    assert_eq!(loose_ids.len(), 1);
    // A second batch of the first run, holding an exact duplicate.
    let b = [
        prepared("Dritte Meldung über den Flughafen.", "de", signature(4, 0)),
        prepared("Erste Meldung über den Hafen.", "de", signature(1, 0)),
    ];
    want.extend(ids(store
        .insert_batch(
            &Batch {
                run_id: Some(first),
                articles: &b,
                ..Batch::default()
            },
            &policy,
        )
        .expect("batch 2")));
    assert_eq!(want.len(), 3);
    store
        .finish_run(first, &serde_json::json!({}))
        .expect("finish");
    let second = store.begin_run(&["two.jsonl".to_string()]).expect("begin");
    let c = [prepared(
        "Vierte Meldung über das Wetter.",
        "de",
        signature(5, 0),
    )];
    let second_ids = ids(store
        .insert_batch(
            &Batch {
                run_id: Some(second),
                articles: &c,
                ..Batch::default()
            },
            &policy,
        )
        .expect("batch 3"));
    assert_eq!(store.run_articles(first).expect("run 1"), want);
    assert_eq!(store.run_articles(second).expect("run 2"), second_ids);
    assert!(store.run_articles(second + 1).expect("no run").is_empty());
}

fn analysis_with(mentions: &[(&str, &str, &str, EntityType, usize)], text: &str) -> Analysis {
    let mut a = Analysis {
        lang: "de".into(),
        dct: Some("2023-09-14".into()),
        sentences: vec![Sentence {
            start: 0,
            end: text.len(),
            text: text.into(),
        }],
        ..Analysis::default()
    };
    for (surface, id, canonical, typ, start) in mentions {
        a.mentions.push(Mention {
            start: *start,
            end: start + surface.len(),
            text: surface.to_string(),
            typ: *typ,
            entity_id: id.to_string(),
            canonical: canonical.to_string(),
            sentence: 0,
        });
    }
    a
}

/// Analyses round-trip; mentions feed entities, variants (per language, with
/// counts) and article ids; re-analysis replaces; pending lists the rest.
pub fn analyses_and_entities(store: &dyn Store) {
    let t1 = "Putin traf Kim Jong-un in Wladiwostok.";
    let t2 = "Putin møtte Kim Jong Un.";
    insert(
        store,
        &[
            prepared(t1, "de", signature(300, 0)),
            prepared(t2, "nb", signature(301, 0)),
            prepared("Drittes.", "de", signature(302, 0)),
        ],
    );
    assert_eq!(
        store.pending_analysis(None, 0, 10).expect("pending"),
        vec![1, 2, 3]
    );
    let mut a1 = analysis_with(
        &[
            ("Putin", "per:putin", "Vladimir Putin", EntityType::PER, 0),
            ("Kim Jong-un", "per:kim", "Kim Jong Un", EntityType::PER, 11),
        ],
        t1,
    );
    a1.places.push(PlaceRelation {
        start: 26,
        end: 37,
        text: "Wladiwostok".into(),
        entity_id: "loc:vladivostok".into(),
        canonical: "Vladivostok".into(),
        kind: "place".into(),
    });
    let mut a2 = analysis_with(
        &[
            ("Putin", "per:putin", "Vladimir Putin", EntityType::PER, 0),
            ("Kim Jong Un", "per:kim", "Kim Jong Un", EntityType::PER, 12),
        ],
        t2,
    );
    a2.lang = "nb".into();
    store
        .put_analyses(&[(1, a1.clone()), (2, a2.clone())], "v1")
        .expect("put");
    let got = store.get_analysis(1).expect("get").expect("stored");
    assert_eq!(got.analysis, a1);
    assert_eq!(got.model_version, "v1");
    assert_eq!(store.pending_analysis(None, 0, 10).expect("p"), vec![3]);
    assert_eq!(
        store.pending_analysis(Some("v1"), 0, 10).expect("p"),
        vec![3]
    );
    assert_eq!(
        store.pending_analysis(Some("v2"), 0, 2).expect("p"),
        vec![1, 2]
    );
    assert_eq!(
        store.pending_analysis(Some("v2"), 1, 9).expect("p"),
        vec![2, 3]
    );

    let kim = store
        .get_entity("per:kim")
        .expect("get")
        .expect("kim exists");
    assert_eq!(kim.canonical, "Kim Jong Un");
    assert_eq!(kim.typ, EntityType::PER);
    assert_eq!(kim.article_ids, vec![1, 2]);
    let mut variants: Vec<(String, String, u64)> = kim
        .variants
        .iter()
        .map(|v| (v.text.clone(), v.lang.clone(), v.count))
        .collect();
    variants.sort();
    assert_eq!(
        variants,
        vec![
            ("Kim Jong Un".to_string(), "nb".to_string(), 1),
            ("Kim Jong-un".to_string(), "de".to_string(), 1)
        ]
    );
    let putin = store.get_entity("per:putin").expect("get").expect("exists");
    assert_eq!(putin.variants.len(), 2, "one variant per language");

    let all = store.list_entities(&EntityFilter::default()).expect("list");
    assert_eq!(all.len(), 3);
    assert_eq!(all[2].id, "loc:vladivostok", "fewest articles last");
    assert!(
        all[2].variants.is_empty(),
        "a place relation links the place to the article but is no spelling of its name"
    );
    let locs = store
        .list_entities(&EntityFilter {
            typ: Some(EntityType::LOC),
            ..EntityFilter::default()
        })
        .expect("list");
    assert_eq!(locs.len(), 1);
    let nb = store
        .list_entities(&EntityFilter {
            lang: Some("nb".into()),
            ..EntityFilter::default()
        })
        .expect("list");
    assert_eq!(nb.len(), 2);
    let q = store
        .list_entities(&EntityFilter {
            query: Some("jong-un".into()),
            ..EntityFilter::default()
        })
        .expect("list");
    assert_eq!(
        q.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(),
        vec!["per:kim"]
    );
    let found = store.find_entities("kim jong-un").expect("find");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, "per:kim");

    let ms = store.entity_mentions("per:kim", None).expect("mentions");
    assert_eq!(ms.len(), 2);
    assert_eq!((ms[0].article_id, ms[0].start, ms[0].end), (1, 11, 22));
    assert_eq!(ms[0].sentence_text, t1);
    assert_eq!(ms[0].kind, "mention");

    // Re-analysis replaces the mentions; an entity left without any disappears.
    let a1b = analysis_with(
        &[("Putin", "per:putin", "Vladimir Putin", EntityType::PER, 0)],
        t1,
    );
    store.put_analyses(&[(1, a1b)], "v2").expect("put");
    assert!(store.get_entity("loc:vladivostok").expect("get").is_none());
    assert_eq!(
        store
            .get_entity("per:kim")
            .expect("get")
            .expect("kim")
            .article_ids,
        vec![2]
    );
    assert_eq!(
        store
            .get_analysis(1)
            .expect("get")
            .expect("a")
            .model_version,
        "v2"
    );
    assert_eq!(
        store.check_integrity().expect("check"),
        Vec::<String>::new()
    );
}

fn story(id: i64, title: &str, articles: Vec<i64>, storyline: Option<i64>) -> StoryRecord {
    StoryRecord {
        story: Story {
            id,
            title: title.into(),
            article_ids: articles,
            languages: vec!["de".into()],
            sources: vec![],
            start: Some("2023-09-13".into()),
            end: None,
            storyline_id: storyline,
            top_entities: vec![],
        },
        extra: serde_json::json!({"why": {"1": "shares entities Putin, Kim"}}),
    }
}

/// Stories and storylines are replaced as a whole and listed by filters.
pub fn stories_replace_and_list(store: &dyn Store) {
    insert(
        store,
        &[
            prepared("Eins.", "de", signature(400, 0)),
            prepared("Zwei.", "de", signature(401, 0)),
            prepared("Drei.", "de", signature(402, 0)),
        ],
    );
    let line = StorylineRecord {
        storyline: Storyline {
            id: 1,
            title: "Russia–North Korea".into(),
            story_ids: vec![1, 2],
            start: None,
            end: None,
            top_entities: vec![],
        },
        extra: serde_json::Value::Null,
    };
    let s1 = story(1, "Summit", vec![1, 2], Some(1));
    let s2 = story(2, "Gifts", vec![3], Some(1));
    store
        .replace_stories(std::slice::from_ref(&line), &[s1.clone(), s2.clone()])
        .expect("replace");
    assert_eq!(store.get_story(1).expect("get"), Some(s1.clone()));
    assert_eq!(store.get_storyline(1).expect("get"), Some(line.clone()));
    assert_eq!(store.list_storylines().expect("list"), vec![line]);
    let of3 = store
        .list_stories(&StoryFilter {
            article_id: Some(3),
            ..StoryFilter::default()
        })
        .expect("list");
    assert_eq!(of3, vec![s2]);
    assert_eq!(
        store
            .list_stories(&StoryFilter::default())
            .expect("list")
            .len(),
        2
    );
    // Replacing drops what is not in the new set.
    let s3 = story(1, "Summit (merged)", vec![1, 2, 3], None);
    store
        .replace_stories(&[], std::slice::from_ref(&s3))
        .expect("replace");
    assert_eq!(
        store.list_stories(&StoryFilter::default()).expect("list"),
        vec![s3]
    );
    assert!(store.list_storylines().expect("list").is_empty());
    assert_eq!(store.stats().expect("stats").stories, 1);
}

/// The incremental stories step: upserts by id (members replaced), removals
/// and the engine state, all in one transaction.
pub fn stories_update_incrementally(store: &dyn Store) {
    insert(
        store,
        &[
            prepared("Eins.", "de", signature(450, 0)),
            prepared("Zwei.", "de", signature(451, 0)),
            prepared("Drei.", "de", signature(452, 0)),
        ],
    );
    assert_eq!(store.stories_state().expect("state"), None);
    assert_eq!(
        store.unassigned_analysed(10).expect("unassigned"),
        Vec::<ArticleId>::new(),
        "nothing analysed yet"
    );
    store
        .put_analyses(
            &[
                (1, Analysis::default()),
                (2, Analysis::default()),
                (3, Analysis::default()),
            ],
            "v1",
        )
        .expect("put");
    assert_eq!(
        store.unassigned_analysed(2).expect("unassigned"),
        vec![1, 2]
    );
    let line = StorylineRecord {
        storyline: Storyline {
            id: 7,
            title: "Line".into(),
            story_ids: vec![3],
            start: None,
            end: None,
            top_entities: vec![],
        },
        extra: serde_json::Value::Null,
    };
    let s3 = story(3, "Summit", vec![1], Some(7));
    let s5 = story(5, "Gifts", vec![2], None);
    store
        .update_stories(
            std::slice::from_ref(&line),
            &[s3.clone(), s5.clone()],
            &[],
            &[],
            Some(b"state-1"),
        )
        .expect("update");
    assert_eq!(
        store.stories_state().expect("state").as_deref(),
        Some(&b"state-1"[..])
    );
    // Story 3 grows (members replaced), story 5 is merged away; no state given
    // leaves the saved one.
    assert_eq!(
        store.unassigned_analysed(10).expect("unassigned"),
        vec![3],
        "1 and 2 are in stories"
    );
    let s3b = story(3, "Summit and gifts", vec![1, 2, 3], Some(7));
    store
        .update_stories(&[], std::slice::from_ref(&s3b), &[5], &[], None)
        .expect("update");
    assert!(
        store
            .unassigned_analysed(10)
            .expect("unassigned")
            .is_empty()
    );
    assert_eq!(
        store.list_stories(&StoryFilter::default()).expect("list"),
        vec![s3b.clone()]
    );
    let of2 = store
        .list_stories(&StoryFilter {
            article_id: Some(2),
            ..StoryFilter::default()
        })
        .expect("list");
    assert_eq!(of2, vec![s3b]);
    assert_eq!(
        store.stories_state().expect("state").as_deref(),
        Some(&b"state-1"[..])
    );
    // A failed update changes nothing; removing a storyline keeps its stories.
    let s9 = story(9, "Bad", vec![1, 77], None);
    assert!(
        store
            .update_stories(&[], &[s9], &[], &[7], Some(b"state-2"))
            .is_err()
    );
    assert_eq!(store.get_storyline(7).expect("get"), Some(line));
    assert_eq!(
        store.stories_state().expect("state").as_deref(),
        Some(&b"state-1"[..])
    );
    store
        .update_stories(&[], &[], &[], &[7], Some(b"state-2"))
        .expect("update");
    assert_eq!(store.get_storyline(7).expect("get"), None);
    assert!(
        store.get_story(3).expect("get").is_some(),
        "stories outlive their storyline"
    );
    assert_eq!(
        store.stories_state().expect("state").as_deref(),
        Some(&b"state-2"[..])
    );
}

/// A story's members are read a page at a time (ascending id, optionally
/// one language), and its stamp changes exactly when its record does.
pub fn story_members_pages_and_stamps(store: &dyn Store) {
    let mut nb = prepared("Tre.", "nb", signature(552, 0));
    nb.article.source = Some("NRK".into());
    nb.article.title = "Tre".into();
    nb.article.published = Some("2024-01-17".into());
    insert(
        store,
        &[
            prepared("Eins.", "de", signature(550, 0)),
            prepared("Zwei.", "de", signature(551, 0)),
            nb,
            prepared("Vier.", "de", signature(553, 0)),
        ],
    );
    assert_eq!(store.story_stamp(1).expect("stamp"), None);
    assert!(
        store
            .story_members(1, None, 0, 10)
            .expect("page")
            .is_empty()
    );
    let s1 = story(1, "Summit", vec![4, 1, 3, 2], None);
    store
        .replace_stories(&[], std::slice::from_ref(&s1))
        .expect("replace");
    let ids = |page: Vec<StoryMember>| page.into_iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(
        ids(store.story_members(1, None, 0, 10).expect("page")),
        vec![1, 2, 3, 4],
        "ascending article id, whatever the story's order"
    );
    assert_eq!(
        ids(store.story_members(1, None, 1, 2).expect("page")),
        vec![2, 3]
    );
    assert!(store.story_members(1, None, 4, 2).expect("page").is_empty());
    assert!(store.story_members(1, None, 0, 0).expect("page").is_empty());
    assert_eq!(
        ids(store.story_members(1, Some("de"), 1, 10).expect("page")),
        vec![2, 4]
    );
    assert_eq!(
        store.story_members(1, Some("nb"), 0, 10).expect("page"),
        vec![StoryMember {
            id: 3,
            title: "Tre".into(),
            lang: "nb".into(),
            source: Some("NRK".into()),
            published: Some("2024-01-17".into()),
        }]
    );
    assert!(
        store
            .story_members(1, Some("fr"), 0, 10)
            .expect("page")
            .is_empty()
    );
    assert!(
        store
            .story_members(2, None, 0, 10)
            .expect("page")
            .is_empty()
    );

    let stamp = store
        .story_stamp(1)
        .expect("stamp")
        .expect("story 1 exists");
    assert_ne!(stamp, 0, "a written story has a stamp");
    // Rewriting the same record keeps the stamp; any change to the story or
    // to its extra data changes it.
    store
        .update_stories(&[], std::slice::from_ref(&s1), &[], &[], None)
        .expect("update");
    assert_eq!(store.story_stamp(1).expect("stamp"), Some(stamp));
    let mut moved = s1.clone();
    moved.story.article_ids = vec![1, 2];
    store
        .update_stories(&[], std::slice::from_ref(&moved), &[], &[], None)
        .expect("update");
    let stamp2 = store.story_stamp(1).expect("stamp").expect("exists");
    assert_ne!(stamp2, stamp);
    assert_eq!(
        ids(store.story_members(1, None, 0, 10).expect("page")),
        vec![1, 2]
    );
    let mut retimed = moved.clone();
    retimed.extra = serde_json::json!({"timeline": [{"date": "2024-01-16"}]});
    store
        .update_stories(&[], std::slice::from_ref(&retimed), &[], &[], None)
        .expect("update");
    let stamp3 = store.story_stamp(1).expect("stamp").expect("exists");
    assert!(stamp3 != stamp2 && stamp3 != stamp);
    store
        .update_stories(&[], &[], &[1], &[], None)
        .expect("remove");
    assert_eq!(store.story_stamp(1).expect("stamp"), None);
    assert!(
        store
            .story_members(1, None, 0, 10)
            .expect("page")
            .is_empty()
    );
}

/// References to missing articles are refused, and the refusal changes nothing.
pub fn invalid_references_are_rejected(store: &dyn Store) {
    insert(store, &[prepared("Eins.", "de", signature(500, 0))]);
    let good = story(1, "Good", vec![1], None);
    store
        .replace_stories(&[], std::slice::from_ref(&good))
        .expect("replace");
    let bad = story(2, "Bad", vec![1, 77], None);
    assert!(store.replace_stories(&[], &[bad]).is_err());
    assert_eq!(
        store.list_stories(&StoryFilter::default()).expect("list"),
        vec![good],
        "a failed replace must leave the old stories"
    );
    assert!(
        store
            .put_analyses(&[(99, Analysis::default())], "v1")
            .is_err(),
        "analysis of a missing article"
    );
    assert_eq!(store.stats().expect("stats").analyses, 0);
}

/// The PostgreSQL server for tests (`NEWSGRAPH_TEST_PG`, set by
/// `source .ci/postgres.sh`), or `None` after printing why `what` is
/// skipped. Under CI (`CI=true`) a missing server panics instead, so CI can
/// never silently skip the PostgreSQL tests.
pub fn pg_test_url(what: &str) -> Option<String> {
    match std::env::var("NEWSGRAPH_TEST_PG") {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            if std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true")) {
                panic!(
                    "CI=true but NEWSGRAPH_TEST_PG is not set: {what} must run in CI \
                     (source .ci/postgres.sh first)"
                );
            }
            eprintln!(
                "SKIPPED: {what} needs NEWSGRAPH_TEST_PG=postgres://user:pass@host/db \
                 (run `source .ci/postgres.sh` to set up a local server)"
            );
            None
        }
    }
}

/// `url` with its `search_path` set to `schema` (the schema must exist).
pub fn pg_url_in_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-c%20search_path%3D{schema}")
}
