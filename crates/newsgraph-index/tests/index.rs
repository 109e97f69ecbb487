//! Behaviour of the search index: analysers, phrases, filters, facets,
//! sorting, snippets, persistence and consistency with the store.

use newsgraph_index::{
    AnalyzerConfig, IndexDoc, IndexedEntity, SearchIndex, SearchRequest, SortOrder,
};
use newsgraph_model::{Analysis, EntityType, Mention, NewArticle};
use newsgraph_store::{Batch, NearDupPolicy, PreparedArticle, Store, StoryRecord};
use std::sync::Arc;

fn ent(id: &str, canonical: &str) -> IndexedEntity {
    IndexedEntity {
        id: id.into(),
        canonical: canonical.into(),
    }
}

fn corpus() -> Vec<IndexDoc> {
    vec![
        IndexDoc {
            id: 1,
            title: "Kim Jong-un empfängt russischen Außenminister".into(),
            text: "Der nordkoreanische Machthaber hat Lawrow in Pjöngjang empfangen. \
                   Bei dem Besuch ging es um Raketen und Munition."
                .into(),
            lang: "de".into(),
            source: Some("Tagesschau".into()),
            published: Some("2024-01-16".into()),
            story_id: Some(7),
            entities: vec![
                ent("per:kim-jong-un", "Kim Jong-un"),
                ent("loc:pyongyang", "Pyongyang"),
            ],
            analysed: true,
        },
        IndexDoc {
            id: 2,
            title: "Lavrov på besøk i Nord-Korea".into(),
            text: "Russlands utenriksminister er på besøket i Pyongyang. Rakettene ble vist fram."
                .into(),
            lang: "nb".into(),
            source: Some("NRK".into()),
            published: Some("2024-01-17T08:30:00+01:00".into()),
            story_id: Some(7),
            entities: vec![
                ent("per:kim-jong-un", "Kim Jong-un"),
                ent("loc:pyongyang", "Pyongyang"),
            ],
            analysed: true,
        },
        IndexDoc {
            id: 3,
            title: "Bundestag beschließt Haushalt".into(),
            text: "Der Bundestag hat den Haushalt für das kommende Jahr beschlossen. \
                   Die Opposition kritisierte die Ausgaben."
                .into(),
            lang: "de".into(),
            source: Some("Spiegel".into()),
            published: Some("2024-02-01".into()),
            story_id: None,
            entities: vec![ent("org:bundestag", "Bundestag")],
            analysed: true,
        },
        IndexDoc {
            id: 4,
            title: "Weather in <Oslo>".into(),
            text: "It was snowing heavily in Oslo on Tuesday; the snow closed roads.".into(),
            lang: "en".into(),
            source: None,
            published: None,
            story_id: None,
            entities: vec![],
            analysed: false,
        },
    ]
}

fn config() -> AnalyzerConfig {
    AnalyzerConfig::from_pairs([
        ("de", "german"),
        ("nb", "norwegian"),
        ("nn", "norwegian"),
        ("en", "english"),
    ])
}

fn index() -> SearchIndex {
    let idx = SearchIndex::in_memory(config()).unwrap();
    idx.upsert(&corpus(), Some("s1")).unwrap();
    idx
}

fn ids(idx: &SearchIndex, req: SearchRequest) -> Vec<i64> {
    let mut v: Vec<i64> = idx
        .search(&req)
        .unwrap()
        .hits
        .iter()
        .map(|h| h.article_id)
        .collect();
    v.sort();
    v
}

fn q(text: &str) -> SearchRequest {
    SearchRequest {
        query: text.into(),
        ..Default::default()
    }
}

#[test]
fn german_and_norwegian_inflections_match() {
    let idx = index();
    // "Besuch" (de) matches "Besuch"; "besøk" (nb) matches "besøket".
    assert_eq!(ids(&idx, q("Besuches")), vec![1]);
    assert_eq!(ids(&idx, q("besøk")), vec![2]);
    // Plural/definite forms reduce to the same stem.
    assert_eq!(ids(&idx, q("Rakete")), vec![1]);
    assert_eq!(ids(&idx, q("raketter")), vec![2]);
    // English stemming.
    assert_eq!(ids(&idx, q("snows")), vec![4]);
    // Without diacritics.
    assert_eq!(ids(&idx, q("Pjongjang")), vec![1]);
}

#[test]
fn all_words_must_match_and_phrases_keep_order() {
    let idx = index();
    assert_eq!(ids(&idx, q("Bundestag Haushalt")), vec![3]);
    assert_eq!(ids(&idx, q("Bundestag Raketen")), Vec::<i64>::new());
    assert_eq!(ids(&idx, q("\"den Haushalt\"")), vec![3]);
    assert_eq!(ids(&idx, q("\"Haushalt den\"")), Vec::<i64>::new());
    assert_eq!(ids(&idx, q("Bundestag OR Lavrov")), vec![2, 3]);
    assert_eq!(ids(&idx, q("Haushalt -Opposition")), Vec::<i64>::new());
}

#[test]
fn entity_names_are_searchable() {
    let idx = index();
    // "Pyongyang" is written in article 2's text, and is an entity of article 1.
    assert_eq!(ids(&idx, q("Pyongyang")), vec![1, 2]);
}

#[test]
fn filters_restrict_matches() {
    let idx = index();
    let all = |f: fn(&mut SearchRequest)| {
        let mut r = q("");
        f(&mut r);
        ids(&idx, r)
    };
    assert_eq!(all(|r| r.lang = Some("de".into())), vec![1, 3]);
    assert_eq!(all(|r| r.lang = Some("NB".into())), vec![2]);
    assert_eq!(all(|r| r.source = Some("nrk".into())), vec![2]);
    assert_eq!(
        all(|r| r.entities = vec!["per:kim-jong-un".into()]),
        vec![1, 2]
    );
    assert_eq!(
        all(|r| r.entities = vec!["per:kim-jong-un".into(), "org:bundestag".into()]),
        Vec::<i64>::new()
    );
    assert_eq!(all(|r| r.story = Some(7)), vec![1, 2]);
    assert_eq!(all(|r| r.story = Some(8)), Vec::<i64>::new());
    assert_eq!(all(|r| r.from = Some("2024-01-17".into())), vec![2, 3]);
    // `to` includes the whole day; 08:30+01:00 is 07:30 UTC on the 17th.
    assert_eq!(all(|r| r.to = Some("2024-01-17".into())), vec![1, 2]);
    assert_eq!(
        all(|r| {
            r.from = Some("2024-01".into());
            r.to = Some("2024-01".into())
        }),
        vec![1, 2]
    );
    // Text plus filter.
    let mut r = q("Pyongyang");
    r.lang = Some("de".into());
    assert_eq!(ids(&idx, r), vec![1]);
}

#[test]
fn bad_dates_are_rejected() {
    let idx = index();
    let mut r = q("");
    r.from = Some("last week".into());
    assert!(idx.search(&r).is_err());
    let mut r = q("");
    r.from = Some("2024-03-01".into());
    r.to = Some("2024-01-01".into());
    assert!(idx.search(&r).is_err());
    let mut r = q("");
    r.limit = 100_000;
    assert!(idx.search(&r).is_err());
}

#[test]
fn facets_count_all_matches() {
    let idx = index();
    let mut r = q("");
    r.limit = 1;
    let res = idx.search(&r).unwrap();
    assert_eq!(res.total, 4);
    assert_eq!(res.hits.len(), 1);
    let lang: Vec<(&str, u64)> = res
        .facets
        .lang
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(lang, vec![("de", 2), ("en", 1), ("nb", 1)]);
    let src: Vec<(&str, u64)> = res
        .facets
        .source
        .iter()
        .map(|f| (f.value.as_str(), f.count))
        .collect();
    assert_eq!(src, vec![("NRK", 1), ("Spiegel", 1), ("Tagesschau", 1)]);
    let top = &res.facets.entity[0];
    assert_eq!(top.id, "loc:pyongyang");
    assert_eq!(top.count, 2);
    assert_eq!(top.canonical, "Pyongyang");
    assert_eq!(res.facets.story.len(), 1);
    assert_eq!(res.facets.story[0].value, "7");
    assert_eq!(res.facets.story[0].count, 2);
}

/// Facets over an index of several segments (one per commit), with
/// replaced and deleted documents, equal the counts computed by hand: the
/// top 20 (100 for stories) by count, ties by value.
#[test]
fn facets_are_exact_across_segments_updates_and_deletes() {
    let idx = SearchIndex::in_memory(config()).unwrap();
    let doc = |i: i64, round: i64| {
        let n_ent = (i * 7 + round) % 5;
        IndexDoc {
            id: i,
            title: format!("Meldung {i}"),
            text: format!(
                "Die Regierung berichtet {}",
                if i % 3 == 0 { "heute" } else { "morgen" }
            ),
            lang: if i % 4 == 0 { "nb".into() } else { "de".into() },
            source: Some(format!("Quelle{}", (i * 13 + round) % 23)),
            published: Some("2024-03-01".into()),
            story_id: Some((i * 31 + round) % 130),
            entities: (0..n_ent)
                .map(|k| ent(&format!("e:{}", (i * k * 11 + k + round) % 41), "E"))
                .collect::<Vec<_>>()
                .into_iter()
                .fold(Vec::new(), |mut v: Vec<IndexedEntity>, e| {
                    if !v.iter().any(|x| x.id == e.id) {
                        v.push(e)
                    }
                    v
                }),
            analysed: true,
        }
    };
    let mut live: std::collections::BTreeMap<i64, IndexDoc> = Default::default();
    for round in 0..4i64 {
        // New documents, and some earlier ones replaced with other values.
        let docs: Vec<IndexDoc> = (round * 150..round * 150 + 200)
            .map(|i| doc(i, round))
            .collect();
        idx.upsert(&docs, None).unwrap();
        for d in docs {
            live.insert(d.id, d);
        }
    }
    let gone: Vec<i64> = (0..600).step_by(9).collect();
    idx.delete(&gone, None).unwrap();
    for g in &gone {
        live.remove(g);
    }
    for query in ["", "heute", "Regierung"] {
        let mut r = q(query);
        r.limit = 0;
        let res = idx.search(&r).unwrap();
        let matching: Vec<&IndexDoc> = live
            .values()
            .filter(|d| query != "heute" || d.text.contains("heute"))
            .collect();
        assert_eq!(res.total as usize, matching.len(), "{query:?}");
        let expect = |values: Vec<String>, k: usize| -> Vec<(String, u64)> {
            let mut m: std::collections::HashMap<String, u64> = Default::default();
            for v in values {
                *m.entry(v).or_default() += 1;
            }
            let mut v: Vec<(String, u64)> = m.into_iter().collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v.truncate(k);
            v
        };
        let got = |f: &[newsgraph_index::FacetCount]| -> Vec<(String, u64)> {
            f.iter().map(|c| (c.value.clone(), c.count)).collect()
        };
        assert_eq!(
            got(&res.facets.source),
            expect(
                matching.iter().filter_map(|d| d.source.clone()).collect(),
                20
            ),
            "{query:?}"
        );
        assert_eq!(
            got(&res.facets.lang),
            expect(matching.iter().map(|d| d.lang.clone()).collect(), 20)
        );
        assert_eq!(
            got(&res.facets.story),
            expect(
                matching
                    .iter()
                    .filter_map(|d| d.story_id.map(|s| s.to_string()))
                    .collect(),
                100
            )
        );
        let ents: Vec<(String, u64)> = res
            .facets
            .entity
            .iter()
            .map(|e| (e.id.clone(), e.count))
            .collect();
        assert_eq!(
            ents,
            expect(
                matching
                    .iter()
                    .flat_map(|d| d.entities.iter().map(|e| e.id.clone()))
                    .collect(),
                20
            )
        );
    }
}

#[test]
fn histogram_counts_articles_per_day() {
    let idx = index();
    let days = idx.histogram(&q("")).unwrap();
    let got: Vec<(&str, u64)> = days.iter().map(|d| (d.date.as_str(), d.count)).collect();
    assert_eq!(
        got,
        vec![("2024-01-16", 1), ("2024-01-17", 1), ("2024-02-01", 1)]
    );
    let mut r = q("");
    r.entities = vec!["per:kim-jong-un".into()];
    assert_eq!(idx.histogram(&r).unwrap().len(), 2);
}

#[test]
fn sorting_by_date_and_paging() {
    let idx = index();
    let mut r = q("");
    r.sort = SortOrder::Newest;
    let res = idx.search(&r).unwrap();
    let order: Vec<i64> = res.hits.iter().map(|h| h.article_id).collect();
    assert_eq!(&order[..3], &[3, 2, 1]);
    r.sort = SortOrder::Oldest;
    r.limit = 2;
    r.offset = 1;
    let res = idx.search(&r).unwrap();
    let order: Vec<i64> = res.hits.iter().map(|h| h.article_id).collect();
    assert_eq!(order, vec![2, 3]);
    assert_eq!(res.total, 4);
}

#[test]
fn hits_carry_metadata_and_highlighted_snippets() {
    let idx = index();
    let res = idx.search(&q("Munition")).unwrap();
    assert_eq!(res.hits.len(), 1);
    let h = &res.hits[0];
    assert_eq!(h.title, "Kim Jong-un empfängt russischen Außenminister");
    assert_eq!(h.lang, "de");
    assert_eq!(h.source.as_deref(), Some("Tagesschau"));
    assert_eq!(h.published.as_deref(), Some("2024-01-16"));
    assert_eq!(h.story_id, Some(7));
    assert_eq!(h.entities.len(), 2);
    assert!(h.score > 0.0);
    let [s, e] = h.snippet.highlights[0];
    assert_eq!(&h.snippet.text[s..e], "Munition");
}

#[test]
fn upsert_replaces_and_delete_removes() {
    let idx = index();
    let mut d = corpus().remove(2);
    d.title = "Bundesrat stoppt Gesetz".into();
    d.text = "Der Bundesrat hat das Gesetz gestoppt.".into();
    idx.upsert(&[d], Some("s2")).unwrap();
    assert_eq!(ids(&idx, q("Haushalt")), Vec::<i64>::new());
    assert_eq!(ids(&idx, q("Bundesrat")), vec![3]);
    assert_eq!(idx.num_docs(), 4);
    assert_eq!(idx.stamp().as_deref(), Some("s2"));
    idx.delete(&[3], Some("s3")).unwrap();
    assert_eq!(ids(&idx, q("Bundesrat")), Vec::<i64>::new());
    assert_eq!(idx.num_docs(), 3);
}

#[test]
fn hostile_queries_do_not_fail() {
    let idx = index();
    for s in [
        "\"unclosed",
        "((",
        "title_german:",
        "*",
        "AND OR NOT",
        "\u{0}\u{ffff}",
        "a:b:c",
    ] {
        let res = idx.search(&q(s));
        assert!(res.is_ok(), "{s:?}: {res:?}");
    }
}

#[test]
fn index_persists_and_is_recreated_on_schema_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db.index");
    {
        let idx = SearchIndex::open_with(&path, config()).unwrap();
        idx.upsert(&corpus(), Some("stamp-a")).unwrap();
    }
    {
        let idx = SearchIndex::open_with(&path, config()).unwrap();
        assert_eq!(idx.stamp().as_deref(), Some("stamp-a"));
        assert_eq!(idx.num_docs(), 4);
        assert_eq!(ids(&idx, q("Besuch")), vec![1]);
    }
    // A different analyser set: the old index is dropped, not misread.
    let other = AnalyzerConfig::from_pairs([("de", "german")]);
    let idx = SearchIndex::open_with(&path, other).unwrap();
    assert_eq!(idx.stamp(), None);
    assert_eq!(idx.num_docs(), 0);
}

fn prepared(n: usize, title: &str, text: &str, lang: &str) -> PreparedArticle {
    PreparedArticle {
        article: NewArticle {
            title: title.into(),
            text: text.into(),
            raw_text: text.into(),
            lang: lang.into(),
            lang_confidence: 1.0,
            published: Some(format!("2024-01-{:02}", 10 + n)),
            source: Some(format!("Source {n}")),
            format: "json".into(),
            ..Default::default()
        },
        content_hash: format!("hash-{n}"),
        minhash: vec![n as u32; 8],
        bands: vec![n as u64],
    }
}

#[test]
fn reindex_and_incremental_updates_follow_the_store() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let store: Arc<dyn Store> = Arc::from(newsgraph_store::open(db.to_str().unwrap()).unwrap());
    let batch = [
        prepared(
            1,
            "Gipfel in Berlin",
            "Die Kanzlerin traf den Präsidenten.",
            "de",
        ),
        prepared(2, "Møte i Oslo", "Statsministeren møtte presidenten.", "nb"),
    ];
    let out = store
        .insert_batch(
            &Batch {
                articles: &batch,
                ..Default::default()
            },
            &NearDupPolicy::default(),
        )
        .unwrap();
    assert_eq!(out.len(), 2);
    let idx = SearchIndex::open_with(&newsgraph_index::index_dir_for(&db), config()).unwrap();
    // New index: stale, so ensure_fresh rebuilds it.
    let s = newsgraph_index::ensure_fresh(store.as_ref(), &idx)
        .unwrap()
        .expect("rebuilt");
    assert_eq!(s.articles, 2);
    assert_eq!(ids(&idx, q("Präsident")), vec![1]);
    // Fresh now: nothing to do.
    assert!(
        newsgraph_index::ensure_fresh(store.as_ref(), &idx)
            .unwrap()
            .is_none()
    );

    // Analysis and story arrive: the index picks up entities and story.
    let analysis = one_mention(
        "nb",
        "Statsministeren møtte presidenten.",
        "presidenten",
        EntityType::PER,
        "per:the-president",
        "The President",
    );
    store.put_analyses(&[(2, analysis)], "test-1").unwrap();
    let story = newsgraph_model::Story {
        id: 42,
        title: "Meetings".into(),
        article_ids: vec![1, 2],
        languages: vec!["de".into(), "nb".into()],
        sources: vec![],
        start: None,
        end: None,
        storyline_id: None,
        top_entities: vec![],
    };
    store
        .replace_stories(
            &[],
            &[StoryRecord {
                story,
                extra: serde_json::Value::Null,
            }],
        )
        .unwrap();
    newsgraph_index::index_articles(store.as_ref(), &idx, &[2]).unwrap();
    let mut r = q("");
    r.entities = vec!["per:the-president".into()];
    assert_eq!(ids(&idx, r), vec![2]);
    let mut r = q("");
    r.story = Some(42);
    assert_eq!(
        ids(&idx, r),
        vec![2],
        "only article 2 was re-indexed so far"
    );
    // A full rebuild brings article 1's story in too.
    newsgraph_index::reindex(store.as_ref(), &idx).unwrap();
    let mut r = q("");
    r.story = Some(42);
    assert_eq!(ids(&idx, r), vec![1, 2]);
}

/// An analysis with one mention: the first occurrence of `word` in `text`.
fn one_mention(
    lang: &str,
    text: &str,
    word: &str,
    typ: EntityType,
    id: &str,
    canonical: &str,
) -> Analysis {
    let start = text.find(word).expect("word in text");
    Analysis {
        lang: lang.into(),
        mentions: vec![Mention {
            start,
            end: start + word.len(),
            text: word.into(),
            typ,
            entity_id: id.into(),
            canonical: canonical.into(),
            sentence: 0,
        }],
        ..Default::default()
    }
}

fn story(id: i64, article_ids: Vec<i64>) -> StoryRecord {
    StoryRecord {
        story: newsgraph_model::Story {
            id,
            title: format!("Story {id}"),
            article_ids,
            languages: vec![],
            sources: vec![],
            start: None,
            end: None,
            storyline_id: None,
            top_entities: vec![],
        },
        extra: serde_json::Value::Null,
    }
}

fn store_batch(store: &dyn Store, from: usize, to: usize) -> Vec<i64> {
    let batch: Vec<PreparedArticle> = (from..to)
        .map(|n| {
            prepared(
                n,
                &format!("Meldung {n}"),
                &format!("Der Bericht Nummer {n}."),
                "de",
            )
        })
        .collect();
    store
        .insert_batch(
            &Batch {
                articles: &batch,
                ..Default::default()
            },
            &NearDupPolicy::default(),
        )
        .unwrap()
        .iter()
        .map(|o| match o {
            newsgraph_store::InsertOutcome::Inserted { id, .. } => *id,
            other => panic!("not stored: {other:?}"),
        })
        .collect()
}

/// `update_index` indexes the new articles, the articles whose story
/// changed and those analysed since, and nothing else; it falls back to a
/// rebuild when the store holds articles the index cannot account for.
#[test]
fn update_index_touches_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let store: Arc<dyn Store> = Arc::from(newsgraph_store::open(db.to_str().unwrap()).unwrap());
    let first = store_batch(store.as_ref(), 0, 10);
    store
        .replace_stories(
            &[],
            &[
                story(1, first[..3].to_vec()),
                story(2, first[3..6].to_vec()),
            ],
        )
        .unwrap();
    let idx = SearchIndex::open_with(&newsgraph_index::index_dir_for(&db), config()).unwrap();
    // A new index is filled by a rebuild.
    let s = newsgraph_index::update_index(store.as_ref(), &idx, &[]).unwrap();
    assert!(s.rebuilt);
    assert_eq!(s.articles, 10);

    // A batch of 5; re-clustering puts two new articles into story 2 and
    // moves one old article from story 1 to a new story 3.
    let second = store_batch(store.as_ref(), 10, 15);
    store
        .replace_stories(
            &[],
            &[
                story(1, first[..2].to_vec()),
                story(2, [&first[3..6], &second[..2]].concat()),
                story(3, vec![first[2]]),
            ],
        )
        .unwrap();
    let analysis = one_mention(
        "de",
        "Der Bericht Nummer 7.",
        "Bericht",
        EntityType::MISC,
        "misc:bericht",
        "Bericht",
    );
    store
        .put_analyses(&[(first[7], analysis)], "test-1")
        .unwrap();
    let s = newsgraph_index::update_index(store.as_ref(), &idx, &second).unwrap();
    assert!(!s.rebuilt);
    // 5 new + the moved article + the newly analysed one.
    assert_eq!((s.articles, s.changed_elsewhere), (7, 2));
    assert_eq!(idx.num_docs(), 15);
    let by_story = |id: i64| {
        let mut r = q("");
        r.story = Some(id);
        r.sort = SortOrder::Oldest;
        let mut v = ids(&idx, r);
        v.sort();
        v
    };
    assert_eq!(by_story(1), first[..2].to_vec());
    assert_eq!(by_story(2), [&first[3..6], &second[..2]].concat());
    assert_eq!(by_story(3), vec![first[2]]);
    let mut r = q("");
    r.entities = vec!["misc:bericht".into()];
    assert_eq!(ids(&idx, r), vec![first[7]]);
    assert_eq!(
        idx.stamp(),
        Some(newsgraph_index::store_stamp(store.as_ref()).unwrap())
    );
    // Up to date: nothing to do.
    let s = newsgraph_index::update_index(store.as_ref(), &idx, &[]).unwrap();
    assert_eq!((s.articles, s.rebuilt), (0, false));

    // Articles stored by someone who did not index them: the update cannot
    // account for them, so it rebuilds.
    store_batch(store.as_ref(), 15, 18);
    let s = newsgraph_index::update_index(store.as_ref(), &idx, &[]).unwrap();
    assert!(s.rebuilt);
    assert_eq!(idx.num_docs(), 18);
}
