//! Cross-article merging and differences on small hand-made inputs, and the
//! PLOVER scorer on hand-made cases.

use newsgraph_events::eval::{GoldRecord, Prediction, dice, read_gold, score};
use newsgraph_events::{ArticleMeta, differences, merge_events};
use newsgraph_model::{Actor, Event, EventObject, Modality, Provenance};

fn actor(name: &str) -> Actor {
    Actor {
        text: name.into(),
        entity_id: Some(format!("per:{}", name.to_lowercase())),
        canonical: Some(name.into()),
    }
}

#[allow(clippy::too_many_arguments)]
fn ev(
    aid: i64,
    typ: &str,
    mode: Option<&str>,
    src: &str,
    tgt: &str,
    date: Option<&str>,
    m: Modality,
    sentence: &str,
) -> (i64, Event) {
    (
        aid,
        Event {
            typ: typ.into(),
            cameo: "07".into(),
            mode: mode.map(str::to_string),
            source: vec![actor(src)],
            target: vec![actor(tgt)],
            date: date.map(str::to_string),
            place: None,
            modality: m,
            trigger: "t".into(),
            attributed_to: vec![Actor {
                text: "Peskow".into(),
                entity_id: None,
                canonical: None,
            }],
            provenance: Provenance {
                article_id: aid,
                start: 0,
                end: 1,
                sentence: sentence.into(),
            },
            objects: Vec::new(),
            anchor: None,
        },
    )
}

fn with_obj(mut e: (i64, Event), text: &str, concept: &str, q: f64) -> (i64, Event) {
    e.1.objects.push(EventObject {
        text: text.into(),
        concept: Some(concept.into()),
        quantity: Some(q),
        start: 0,
        end: 1,
    });
    e
}

#[test]
fn one_glove_vs_a_pair_of_gloves() {
    let events = vec![
        with_obj(
            ev(
                1,
                "AID",
                Some("give-gift"),
                "Putin",
                "Kim",
                None,
                Modality::Asserted,
                "Putin schenkte Kim einen Handschuh",
            ),
            "einen Handschuh",
            "glove",
            1.0,
        ),
        with_obj(
            ev(
                2,
                "AID",
                Some("give-gift"),
                "Putin",
                "Kim",
                Some("2023-09-13"),
                Modality::Asserted,
                "ga Putin Kim et par hansker",
            ),
            "et par hansker",
            "glove",
            2.0,
        ),
        ev(
            2,
            "CONSULT",
            Some("meet"),
            "Kim",
            "Putin",
            Some("2023-09-13"),
            Modality::Asserted,
            "møtte",
        ),
    ];
    let merged = merge_events(&events);
    let gift = merged.iter().find(|m| m.typ == "AID").expect("merged gift");
    assert_eq!(gift.article_ids, vec![1, 2]);
    assert_eq!(gift.sentences.len(), 2);
    assert_eq!(gift.date.as_deref(), Some("2023-09-13"));
    let metas = vec![
        ArticleMeta {
            id: 1,
            source: Some("vietnam.vn".into()),
            lang: "de".into(),
        },
        ArticleMeta {
            id: 2,
            source: Some("vietnam.vn/nb".into()),
            lang: "nb".into(),
        },
    ];
    let diffs = differences(&merged, &[], &metas);
    let q = diffs
        .iter()
        .find(|d| d.kind == "quantity")
        .expect("quantity difference");
    assert_eq!(q.versions.len(), 2);
    let langs: Vec<&str> = q
        .versions
        .iter()
        .flat_map(|v| v.languages.iter().map(String::as_str))
        .collect();
    assert!(langs.contains(&"de") && langs.contains(&"nb"));
    assert!(
        q.versions
            .iter()
            .all(|v| v.said_by.iter().any(|a| a.text == "Peskow"))
    );
    // The meeting is reported by one article only.
    assert!(
        diffs
            .iter()
            .any(|d| d.kind == "single-source" && d.summary.contains("CONSULT"))
    );
}

#[test]
fn different_dates_and_types_do_not_merge_but_conflicts_are_reported() {
    let events = vec![
        ev(
            1,
            "CONSULT",
            Some("meet"),
            "Choe",
            "Putin",
            Some("2024-01-16"),
            Modality::Asserted,
            "a",
        ),
        ev(
            2,
            "CONSULT",
            Some("meet"),
            "Choe",
            "Putin",
            Some("2024-01-17"),
            Modality::Asserted,
            "b",
        ),
        ev(
            3,
            "CONSULT",
            Some("meet"),
            "Lawrow",
            "Blinken",
            Some("2024-01-16"),
            Modality::Asserted,
            "c",
        ),
    ];
    let merged = merge_events(&events);
    assert_eq!(merged.len(), 3, "incompatible dates or actors stay apart");
    // Negated visit vs accepted invitation: an assertion conflict.
    let events = vec![
        ev(
            1,
            "CONSULT",
            Some("visit"),
            "Putin",
            "Pyongyang",
            None,
            Modality::Negated,
            "es gebe keinen Plan für einen Besuch Putins in Pjöngjang",
        ),
        ev(
            2,
            "AGREE",
            Some("accept-invitation"),
            "Putin",
            "Kim",
            None,
            Modality::Asserted,
            "Putin nahm die Einladung an",
        ),
    ];
    let merged = merge_events(&events);
    let diffs = differences(&merged, &[], &[]);
    let a = diffs
        .iter()
        .find(|d| d.kind == "assertion")
        .expect("assertion conflict");
    assert_eq!(a.event_ids.len(), 2);
    assert!(a.versions.iter().any(|v| v.value.starts_with("negated")));
    assert!(
        a.versions
            .iter()
            .any(|v| v.value.contains("accept-invitation"))
    );
}

#[test]
fn merged_ids_are_stable() {
    let events = vec![
        ev(1, "AID", None, "A", "B", None, Modality::Asserted, "x"),
        ev(2, "AID", None, "A", "B", None, Modality::Asserted, "y"),
    ];
    let a = merge_events(&events);
    let b = merge_events(&events);
    assert_eq!(a[0].id, b[0].id);
    assert!(a[0].id.starts_with("ev-"));
}

#[test]
fn unmerged_events_with_the_same_defining_fields_get_distinct_ids() {
    // Two exchanges told without named actors share no evidence, so they
    // stay two events; they must not share an id either.
    let anonymous = |aid: i64, start: usize, sentence: &str| {
        let (a, mut e) = ev(
            aid,
            "COOPERATE",
            Some("exchange"),
            "x",
            "y",
            None,
            Modality::Asserted,
            sentence,
        );
        e.source.clear();
        e.target.clear();
        e.provenance.start = start;
        e.provenance.end = start + 9;
        (a, e)
    };
    let events = vec![
        anonymous(
            2,
            477,
            "Earlier the two leaders had exchanged swords as gifts.",
        ),
        anonymous(2, 851, "The gifts were exchanged before the reception."),
    ];
    let merged = merge_events(&events);
    assert_eq!(merged.len(), 2);
    assert_ne!(merged[0].id, merged[1].id);
    // And the ids stay the same from run to run.
    let again = merge_events(&events);
    let ids = |m: &[newsgraph_events::MergedEvent]| {
        let mut v: Vec<String> = m.iter().map(|e| e.id.clone()).collect();
        v.sort();
        v
    };
    assert_eq!(ids(&merged), ids(&again));
}

#[test]
fn scorer_counts_types_and_actor_matches() {
    assert!(dice("The United States", "United States") >= 0.99);
    assert!(dice("Chadli Klibi", "Arab League Secretary General Chadli Klibi") >= 0.5);
    assert!(dice("Israel", "Israeli army") < 0.5);
    let gold = vec![
        GoldRecord {
            id: "1".into(),
            text: "x".into(),
            event: "DEMAND".into(),
            source: vec!["United States".into()],
            target: vec!["North Korea".into()],
        },
        GoldRecord {
            id: "2".into(),
            text: "y".into(),
            event: "REJECT".into(),
            source: vec!["Beirut".into()],
            target: vec![],
        },
    ];
    let pred = vec![
        Prediction {
            event: Some("DEMAND".into()),
            source: vec!["The United States".into()],
            target: vec!["Japan".into()],
        },
        Prediction {
            event: Some("AGREE".into()),
            source: vec!["Beirut".into()],
            target: vec![],
        },
    ];
    let s = score(&gold, &pred);
    assert_eq!(s.type_correct, 1);
    assert!((s.type_accuracy - 0.5).abs() < 1e-9);
    assert_eq!(s.actor.tp, 2);
    assert_eq!(s.actor.pred, 3);
    assert_eq!(s.actor.gold, 3);
    assert!((s.actor.f1 - 2.0 / 3.0).abs() < 1e-9);
    let json = r#"[{"id":"a","text":"T","event":"threaten","source":[{"actorText":"Hamas"}],"target":null},{"id":"b","text":"","event":"X"}]"#;
    let g = read_gold(json).expect("parses");
    assert_eq!(g.len(), 1);
    assert_eq!(g[0].event, "THREATEN");
    assert!(g[0].target.is_empty());
    assert!(read_gold("{").is_err());
}

#[test]
fn an_arrival_is_not_the_meeting_it_leads_to() {
    let asserted = Modality::Asserted;
    let events = vec![
        // Kim travels to Russia on the 12th (two sources) …
        ev(
            1,
            "CONSULT",
            Some("visit"),
            "Kim",
            "Russia",
            Some("2023-09-12"),
            asserted,
            "reiste nach Russland",
        ),
        ev(
            2,
            "CONSULT",
            Some("visit"),
            "Kim",
            "Russia",
            None,
            asserted,
            "ankom Russland",
        ),
        // … and meets Putin on the 13th (two sources, one undated).
        ev(
            1,
            "CONSULT",
            Some("meet"),
            "Putin",
            "Kim",
            None,
            asserted,
            "Treffen mit Kim",
        ),
        ev(
            2,
            "CONSULT",
            Some("meet"),
            "Kim",
            "Putin",
            Some("2023-09-13"),
            asserted,
            "hadde samtaler med Putin",
        ),
        // A visit reported for the meeting's own day is that meeting.
        ev(
            3,
            "CONSULT",
            Some("visit"),
            "Kim",
            "Putin",
            Some("2023-09-13"),
            asserted,
            "besuchte Putin",
        ),
    ];
    let merged = merge_events(&events);
    assert_eq!(merged.len(), 2, "{merged:#?}");
    let meet = merged
        .iter()
        .find(|m| m.mode.as_deref() == Some("meet"))
        .expect("meeting");
    assert_eq!(meet.date.as_deref(), Some("2023-09-13"));
    assert_eq!(meet.article_ids, vec![1, 2, 3]);
    let visit = merged
        .iter()
        .find(|m| m.mode.as_deref() == Some("visit"))
        .expect("arrival");
    assert_eq!(visit.date.as_deref(), Some("2023-09-12"));
    assert_eq!(visit.article_ids, vec![1, 2]);
    // A meeting told from both sides lists each side once.
    let sides: Vec<&str> = meet
        .source
        .iter()
        .chain(&meet.target)
        .map(|a| a.text.as_str())
        .collect();
    assert_eq!(sides.len(), 2, "{sides:?}");
}

#[test]
fn talks_years_apart_are_different_events() {
    let asserted = Modality::Asserted;
    let events = vec![
        ev(
            1,
            "CONSULT",
            Some("meet"),
            "Putin",
            "Kim",
            Some("2023-09-13"),
            asserted,
            "trafen sich",
        ),
        // Talks in 2000 that share Putin (and an undated report between them).
        ev(
            2,
            "CONSULT",
            None,
            "Putin",
            "Kim Jong Il",
            Some("2000"),
            asserted,
            "Gespräche 2000",
        ),
        ev(
            3,
            "CONSULT",
            None,
            "Putin",
            "Kim",
            None,
            asserted,
            "Gespräche",
        ),
    ];
    let merged = merge_events(&events);
    let old = merged
        .iter()
        .find(|m| m.date.as_deref() == Some("2000"))
        .expect("the talks of 2000");
    assert_eq!(old.article_ids, vec![2]);
    let new = merged
        .iter()
        .find(|m| m.date.as_deref() == Some("2023-09-13"))
        .expect("the 2023 meeting");
    assert_eq!(new.article_ids, vec![1, 3]);
}

fn with_ids(
    mut e: (i64, Event),
    target: &[(&str, &str)],
    place: Option<(&str, &str)>,
) -> (i64, Event) {
    let mk = |(text, id): (&str, &str)| Actor {
        text: text.into(),
        entity_id: Some(id.into()),
        canonical: Some(text.into()),
    };
    e.1.target = target.iter().copied().map(mk).collect();
    e.1.place = place.map(mk);
    e
}

#[test]
fn metonymy_and_places_at_two_scales_are_not_differences() {
    let meeting = |aid: i64, sentence: &str| {
        ev(
            aid,
            "CONSULT",
            Some("meet"),
            "Putin",
            "x",
            Some("2023-09-13"),
            Modality::Asserted,
            sentence,
        )
    };
    let report = |aid: i64, target: &[(&str, &str)], place: (&str, &str)| {
        with_ids(meeting(aid, "s"), target, Some(place))
    };
    // The reports merge into one event; its differences.
    let diffs_of = |events: Vec<(i64, Event)>| {
        let merged = merge_events(&events);
        assert_eq!(merged.len(), 1, "{merged:?}");
        differences(&merged, &[], &[])
    };
    let diffs = diffs_of(vec![
        report(1, &[("Kim", "per:kim")], ("Russland", "loc:iso:RU")),
        report(
            2,
            &[("Pjöngjang", "loc:geonames:1871859")],
            ("Fernen Osten", "loc:fernen-osten"),
        ),
        report(
            3,
            &[("Nordkorea", "loc:iso:KP"), ("Kim", "per:kim")],
            ("Russia", "loc:iso:RU"),
        ),
    ]);
    assert!(
        !diffs
            .iter()
            .any(|d| d.kind == "participants" || d.kind == "place"),
        "{diffs:?}"
    );
    // One more person on the other side, or two different cities, are
    // differences.
    let diffs = diffs_of(vec![
        report(
            1,
            &[("Kim", "per:kim")],
            ("Wladiwostok", "loc:geonames:2013348"),
        ),
        report(
            2,
            &[("Kim", "per:kim"), ("Choe", "per:choe")],
            ("Moskau", "loc:geonames:524901"),
        ),
    ]);
    assert!(diffs.iter().any(|d| d.kind == "participants"), "{diffs:?}");
    assert!(diffs.iter().any(|d| d.kind == "place"), "{diffs:?}");
}

#[test]
fn a_denied_visit_is_answered_only_by_the_same_visitor_going_or_accepting() {
    let denied = ev(
        1,
        "CONSULT",
        Some("visit"),
        "Putin",
        "Pyongyang",
        None,
        Modality::Negated,
        "es gebe keinen Plan für einen Besuch Putins in Pjöngjang",
    );
    let others = [
        // Kim invites Putin: an invitation does not answer the denial.
        ev(
            2,
            "AGREE",
            Some("invite"),
            "Kim",
            "Putin",
            None,
            Modality::Asserted,
            "Kim lud Putin ein",
        ),
        // Kim visits Russia: another visitor.
        ev(
            2,
            "CONSULT",
            Some("visit"),
            "Kim",
            "Putin",
            None,
            Modality::Asserted,
            "Kim besuchte Russland",
        ),
        // Putin meets Kim in Russia: a meeting, not the visit.
        ev(
            2,
            "CONSULT",
            Some("meet"),
            "Putin",
            "Kim",
            None,
            Modality::Asserted,
            "Putin traf Kim",
        ),
    ];
    for other in others {
        let merged = merge_events(&[denied.clone(), other.clone()]);
        let diffs = differences(&merged, &[], &[]);
        assert!(
            !diffs.iter().any(|d| d.kind == "assertion"),
            "{} must not contradict the denial: {diffs:?}",
            other.1.provenance.sentence
        );
    }
    let going = ev(
        2,
        "CONSULT",
        Some("visit"),
        "Putin",
        "Pyongyang",
        None,
        Modality::Intended,
        "Putin werde Pjöngjang besuchen",
    );
    let merged = merge_events(&[denied, going]);
    let diffs = differences(&merged, &[], &[]);
    assert!(diffs.iter().any(|d| d.kind == "assertion"), "{diffs:?}");
}
