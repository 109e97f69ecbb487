//! Extraction on hand-made articles: triggers, actors (with tagger-like
//! mentions and without), role resolution, modality, dates, quotes.

use newsgraph_events::extract;
use newsgraph_model::{
    Analysis, EntityType, Event, Mention, Modality, Quote, Sentence, Timex, TimexType,
};

/// An analysis with sentences from the splitter, mentions at every
/// occurrence of the given names, and the given timexes.
fn analysis(
    text: &str,
    lang: &str,
    names: &[(&str, EntityType, &str)],
    timexes: &[(&str, &str)],
) -> Analysis {
    let sentences: Vec<Sentence> = newsgraph_lang::split_sentences(text, lang)
        .into_iter()
        .map(|s| Sentence {
            start: s.start,
            end: s.end,
            text: text[s.start..s.end].to_string(),
        })
        .collect();
    let sent_of = |p: usize| {
        sentences
            .iter()
            .position(|s| p >= s.start && p < s.end)
            .unwrap_or(0)
    };
    let mut mentions: Vec<Mention> = Vec::new();
    let mut names = names.to_vec();
    names.sort_by_key(|(s, _, _)| std::cmp::Reverse(s.len()));
    for (surface, typ, id) in &names {
        for (start, _) in text.match_indices(surface) {
            if mentions
                .iter()
                .any(|m| m.start < start + surface.len() && start < m.end)
            {
                continue;
            }
            // Whole words only.
            let before = text[..start].chars().last();
            let after = text[start + surface.len()..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            mentions.push(Mention {
                start,
                end: start + surface.len(),
                text: surface.to_string(),
                typ: *typ,
                entity_id: id.to_string(),
                canonical: id.to_string(),
                sentence: sent_of(start),
            });
        }
    }
    mentions.sort_by_key(|m| m.start);
    let timexes = timexes
        .iter()
        .filter_map(|(surface, value)| {
            let start = text.find(surface)?;
            Some(Timex {
                start,
                end: start + surface.len(),
                text: surface.to_string(),
                typ: TimexType::Date,
                value: value.to_string(),
                modifier: None,
            })
        })
        .collect();
    Analysis {
        lang: lang.into(),
        dct: None,
        sentences,
        mentions,
        timexes,
        ..Default::default()
    }
}

fn ids(v: &[newsgraph_model::Actor]) -> Vec<String> {
    v.iter()
        .map(|a| a.canonical.clone().unwrap_or_else(|| a.text.clone()))
        .collect()
}

fn find<'a>(evs: &'a [Event], typ: &str, mode: Option<&str>) -> &'a Event {
    evs.iter()
        .find(|e| e.typ == typ && e.mode.as_deref() == mode.or(e.mode.as_deref()))
        .unwrap_or_else(|| {
            panic!(
                "no {typ} {mode:?} in {:#?}",
                evs.iter()
                    .map(|e| (&e.typ, &e.mode, &e.trigger))
                    .collect::<Vec<_>>()
            )
        })
}

const PER: EntityType = EntityType::PER;
const LOC: EntityType = EntityType::LOC;
const ORG: EntityType = EntityType::ORG;

#[test]
fn german_meeting_with_mit_target_date_and_place() {
    let text = "Die nordkoreanische Außenministerin Choe Son-hui hat sich am Dienstag im Kreml mit dem russischen Präsidenten Wladimir Putin getroffen.";
    let a = analysis(
        text,
        "de",
        &[
            ("Choe Son-hui", PER, "Choe Son-hui"),
            ("Kreml", LOC, "Kremlin"),
            ("Wladimir Putin", PER, "Vladimir Putin"),
        ],
        &[("am Dienstag", "2024-01-16")],
    );
    let (evs, _) = extract(text, "de", &a, 7);
    let e = find(&evs, "CONSULT", Some("meet"));
    assert_eq!(ids(&e.source), vec!["Choe Son-hui"]);
    assert_eq!(ids(&e.target), vec!["Vladimir Putin"]);
    assert_eq!(e.date.as_deref(), Some("2024-01-16"));
    assert_eq!(
        e.place.as_ref().and_then(|p| p.canonical.as_deref()),
        Some("Kremlin")
    );
    assert_eq!(e.modality, Modality::Asserted);
    assert_eq!(e.cameo, "04");
    assert_eq!(e.provenance.article_id, 7);
    assert_eq!(&text[e.provenance.start..e.provenance.end], "getroffen");
}

#[test]
fn german_negated_visit_and_intended_visit() {
    let text = "Am Mittwoch hatte Kremlsprecher Dmitri Peskow erklärt, es gebe keinen Plan für einen Besuch Putins in Pjöngjang. \
                Ein Kremlsprecher erklärte, Außenminister Sergej Lawrow werde Nordkorea im Oktober besuchen.";
    let a = analysis(
        text,
        "de",
        &[
            ("Dmitri Peskow", PER, "Dmitry Peskov"),
            ("Putins", PER, "Vladimir Putin"),
            ("Pjöngjang", LOC, "Pyongyang"),
            ("Sergej Lawrow", PER, "Sergey Lavrov"),
            ("Nordkorea", LOC, "North Korea"),
        ],
        &[("im Oktober", "2023-10")],
    );
    let (evs, quotes) = extract(text, "de", &a, 1);
    let neg = evs
        .iter()
        .find(|e| e.trigger == "Besuch")
        .expect("visit event");
    assert_eq!(neg.modality, Modality::Negated);
    assert_eq!(neg.typ, "CONSULT");
    assert_eq!(neg.mode.as_deref(), Some("visit"));
    let intended = evs
        .iter()
        .find(|e| e.trigger == "besuchen")
        .expect("intended visit");
    assert_eq!(intended.modality, Modality::Intended);
    // PLOVER: intended cooperation is AGREE; the mode keeps what is intended.
    assert_eq!(intended.typ, "AGREE");
    assert_eq!(intended.mode.as_deref(), Some("visit"));
    assert_eq!(ids(&intended.source), vec!["Sergey Lavrov"]);
    assert_eq!(ids(&intended.target), vec!["North Korea"]);
    assert_eq!(intended.date.as_deref(), Some("2023-10"));
    // "Ein Kremlsprecher" resolves to Peskov, named earlier in the article.
    let q = quotes
        .iter()
        .find(|q| q.text.contains("Lawrow"))
        .expect("reported speech");
    assert_eq!(q.kind, "reported");
    assert_eq!(
        q.speaker.as_ref().and_then(|s| s.canonical.as_deref()),
        Some("Dmitry Peskov")
    );
    assert_eq!(
        intended
            .attributed_to
            .first()
            .and_then(|s| s.canonical.as_deref()),
        Some("Dmitry Peskov")
    );
}

#[test]
fn german_possible_and_accept_invitation() {
    let text = "Putin nahm die Einladung mit Freude an. Kim könnte Waffen an Russland liefern.";
    let a = analysis(
        text,
        "de",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Kim", PER, "Kim Jong-un"),
            ("Russland", LOC, "Russia"),
        ],
        &[],
    );
    let (evs, _) = extract(text, "de", &a, 1);
    let acc = find(&evs, "AGREE", Some("accept-invitation"));
    assert_eq!(ids(&acc.source), vec!["Vladimir Putin"]);
    assert_eq!(acc.modality, Modality::Asserted);
    let aid = evs
        .iter()
        .find(|e| e.trigger == "liefern")
        .expect("supply event");
    assert_eq!(aid.modality, Modality::Possible);
    assert_eq!(aid.typ, "AGREE", "possible aid is an AGREE in PLOVER");
    assert_eq!(ids(&aid.source), vec!["Kim Jong-un"]);
    assert_eq!(ids(&aid.target), vec!["Russia"]);
}

#[test]
fn german_gift_with_quantity_and_direct_quote_speaker() {
    let text = "Putin schenkte Kim außerdem „einen Handschuh von einem Raumanzug, der schon viele Male im Weltraum benutzt worden war“, fügte Kremlsprecher Peskow hinzu.";
    let a = analysis(
        text,
        "de",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Kim", PER, "Kim Jong-un"),
            ("Peskow", PER, "Dmitry Peskov"),
        ],
        &[],
    );
    let (evs, quotes) = extract(text, "de", &a, 1);
    let g = find(&evs, "AID", Some("give-gift"));
    assert_eq!(ids(&g.source), vec!["Vladimir Putin"]);
    assert_eq!(ids(&g.target), vec!["Kim Jong-un"]);
    let glove = g
        .objects
        .iter()
        .find(|o| o.concept.as_deref() == Some("glove"))
        .expect("glove object");
    assert_eq!(glove.quantity, Some(1.0));
    let q = quotes
        .iter()
        .find(|q| q.kind == "direct")
        .expect("direct quote");
    assert!(q.text.starts_with("einen Handschuh"));
    assert_eq!(
        q.speaker.as_ref().and_then(|s| s.canonical.as_deref()),
        Some("Dmitry Peskov")
    );
}

#[test]
fn norwegian_gift_pair_of_gloves_and_via_chain() {
    let text = "I tillegg ga Putin Kim et par hansker fra en romdrakt, ifølge TASS. \
                Under bilaterale samtaler inviterte Kim Jong-un Putin til å besøke Nord-Korea, og den russiske lederen gikk med på det.";
    let a = analysis(
        text,
        "nb",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Kim Jong-un", PER, "Kim Jong-un"),
            ("Kim", PER, "Kim Jong-un"),
            ("TASS", ORG, "TASS"),
            ("Nord-Korea", LOC, "North Korea"),
        ],
        &[],
    );
    let (evs, quotes) = extract(text, "nb", &a, 2);
    let g = find(&evs, "AID", Some("give-gift"));
    assert_eq!(ids(&g.source), vec!["Vladimir Putin"]);
    assert_eq!(ids(&g.target), vec!["Kim Jong-un"]);
    let gl = g
        .objects
        .iter()
        .find(|o| o.concept.as_deref() == Some("glove"))
        .expect("gloves");
    assert_eq!(gl.quantity, Some(2.0), "et par = 2");
    let q = quotes
        .iter()
        .find(|q| q.via.iter().any(|v| v.text == "TASS"))
        .expect("ifølge TASS");
    assert_eq!(q.kind, "reported");
    assert!(g.attributed_to.iter().any(|a| a.text == "TASS"));
    let inv = find(&evs, "AGREE", Some("invite"));
    assert_eq!(ids(&inv.source), vec!["Kim Jong-un"]);
    assert!(ids(&inv.target).contains(&"Vladimir Putin".to_string()));
    let acc = find(&evs, "AGREE", Some("accept-invitation"));
    assert_eq!(acc.modality, Modality::Asserted);
}

#[test]
fn norwegian_intended_visit_with_skal() {
    let text =
        "Russlands utenriksminister Sergej Lavrov skal etter planen besøke Nord-Korea i oktober.";
    let a = analysis(
        text,
        "nb",
        &[
            ("Sergej Lavrov", PER, "Sergey Lavrov"),
            ("Nord-Korea", LOC, "North Korea"),
        ],
        &[("i oktober", "2023-10")],
    );
    let (evs, _) = extract(text, "nb", &a, 1);
    let e = evs
        .iter()
        .find(|e| e.mode.as_deref() == Some("visit"))
        .expect("visit");
    assert_eq!(e.modality, Modality::Intended);
    assert_eq!(ids(&e.source), vec!["Sergey Lavrov"]);
    assert_eq!(ids(&e.target), vec!["North Korea"]);
    assert_eq!(e.date.as_deref(), Some("2023-10"));
}

#[test]
fn english_without_tagger_finds_actors_itself() {
    let text = "Iran on Tuesday threatened to cut off electricity to the autonomous Azerbaijani republic of Nakhichevan, the official IRNA news agency reported.";
    let a = analysis(text, "en", &[], &[]);
    let (evs, quotes) = extract(text, "en", &a, 1);
    let e = &evs[0];
    assert_eq!(e.typ, "THREATEN");
    assert_eq!(ids(&e.source), vec!["Iran"]);
    assert!(e.target[0].text.contains("Nakhichevan"), "{:?}", e.target);
    assert!(quotes.iter().any(|q| q.via.iter().any(|v| v.text == "IRNA")
        || q.speaker.as_ref().is_some_and(|s| s.text.contains("IRNA"))));
}

#[test]
fn english_passive_reject_and_negation() {
    let text = "A temporary camp for Congolese refugees was attacked by Burundian militiamen. Serbia did not reject the proposal from Albania.";
    let a = analysis(text, "en", &[], &[]);
    let (evs, _) = extract(text, "en", &a, 1);
    let att = find(&evs, "ASSAULT", None);
    assert!(ids(&att.source)[0].contains("Burundian militiamen"));
    assert!(
        ids(&att.target).iter().any(|t| t.contains("refugees")),
        "{:?}",
        att.target
    );
    let rej = find(&evs, "REJECT", None);
    assert_eq!(rej.modality, Modality::Negated);
    assert_eq!(ids(&rej.source), vec!["Serbia"]);
}

#[test]
fn article_credit_line_is_the_chain_of_every_quote() {
    let text = "Peskow sagte, Russland werde Nordkorea helfen.\nHuyen Le (Laut AFP, Reuters)";
    let a = analysis(
        text,
        "de",
        &[
            ("Peskow", PER, "Dmitry Peskov"),
            ("Russland", LOC, "Russia"),
            ("Nordkorea", LOC, "North Korea"),
        ],
        &[],
    );
    let (_, quotes): (Vec<Event>, Vec<Quote>) = extract(text, "de", &a, 1);
    let q = quotes.iter().find(|q| q.speaker.is_some()).expect("quote");
    assert_eq!(
        q.speaker.as_ref().and_then(|s| s.canonical.as_deref()),
        Some("Dmitry Peskov")
    );
    let via: Vec<&str> = q.via.iter().map(|v| v.text.as_str()).collect();
    assert!(via.contains(&"AFP") && via.contains(&"Reuters"), "{via:?}");
}

#[test]
fn garbage_input_does_not_panic() {
    for (t, l) in [
        ("", "de"),
        ("„„„ «« »", "nb"),
        ("\u{0} ~~ ;;; (", "en"),
        ("Ä", "xx"),
        ("sagte sagte sagte", "de"),
    ] {
        let a = analysis(t, l, &[], &[]);
        let _ = extract(t, l, &a, 1);
    }
    // Offsets that do not fit the text are ignored, not a panic.
    let bad = Analysis {
        sentences: vec![Sentence {
            start: 3,
            end: 99,
            text: "x".into(),
        }],
        ..Default::default()
    };
    let _ = extract("Pjöngjang", "de", &bad, 1);
}

// --- Dates come from the expression governing the event's own clause. ---

#[test]
fn date_of_a_speech_frame_does_not_date_the_quoted_event_de_nb_en() {
    // German: the press-conference date belongs to "sagte", outside the quote.
    let de = "„Präsident Putin überreichte Kim ein Gewehr“, sagte Peskow am 14. September auf einer Pressekonferenz.";
    let a = analysis(
        de,
        "de",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Kim", PER, "Kim Jong-un"),
            ("Peskow", PER, "Dmitry Peskov"),
        ],
        &[("am 14. September", "2023-09-14")],
    );
    let (evs, _) = extract(de, "de", &a, 1);
    let gift = find(&evs, "AID", Some("give-gift"));
    assert_eq!(ids(&gift.source), vec!["Vladimir Putin"]);
    assert_eq!(gift.date, None, "{gift:?}");

    // Norwegian: the report date belongs to "rapporterte", not to the gift.
    let nb = "AFP rapporterte 14. september at president Vladimir Putin ga Kim Jong-un en rifle.";
    let a = analysis(
        nb,
        "nb",
        &[
            ("AFP", ORG, "AFP"),
            ("Vladimir Putin", PER, "Vladimir Putin"),
            ("Kim Jong-un", PER, "Kim Jong-un"),
        ],
        &[("14. september", "2023-09-14")],
    );
    let (evs, _) = extract(nb, "nb", &a, 1);
    let gift = find(&evs, "AID", Some("give-gift"));
    assert_eq!(ids(&gift.target), vec!["Kim Jong-un"]);
    assert_eq!(gift.date, None, "{gift:?}");

    // English: same rule; an event's own date still wins.
    let en = "Putin met Kim on September 13, Peskov said on September 14.";
    let a = analysis(
        en,
        "en",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Kim", PER, "Kim Jong-un"),
            ("Peskov", PER, "Dmitry Peskov"),
        ],
        &[
            ("September 13", "2023-09-13"),
            ("September 14", "2023-09-14"),
        ],
    );
    let (evs, _) = extract(en, "en", &a, 1);
    let meet = find(&evs, "CONSULT", None);
    assert_eq!(meet.date.as_deref(), Some("2023-09-13"));
}

#[test]
fn each_conjunct_keeps_its_own_day_nb_de() {
    // Norwegian: arrival on the 12th, talks on the 13th; "Russland" is the
    // object of "ankom", not the target of the talks.
    let nb = "Den nordkoreanske lederen Kim Jong-un ankom Russland 12. september og hadde samtaler med president Putin 13. september.";
    let a = analysis(
        nb,
        "nb",
        &[
            ("Kim Jong-un", PER, "Kim Jong-un"),
            ("Russland", LOC, "Russia"),
            ("Putin", PER, "Vladimir Putin"),
        ],
        &[
            ("12. september", "2023-09-12"),
            ("13. september", "2023-09-13"),
        ],
    );
    let (evs, _) = extract(nb, "nb", &a, 1);
    let visit = find(&evs, "CONSULT", Some("visit"));
    assert_eq!(visit.date.as_deref(), Some("2023-09-12"));
    let talks = evs
        .iter()
        .find(|e| e.typ == "CONSULT" && e.mode.as_deref() != Some("visit"))
        .expect("talks");
    assert_eq!(talks.date.as_deref(), Some("2023-09-13"), "{talks:?}");
    assert!(
        !ids(&talks.target).contains(&"Russia".to_string()),
        "{talks:?}"
    );

    // German: a date in the first conjunct does not date the second one.
    let de = "Kim war am Dienstag im Fernen Osten angekommen und weiter zum Gipfeltreffen mit Putin gefahren.";
    let a = analysis(
        de,
        "de",
        &[
            ("Kim", PER, "Kim Jong-un"),
            ("Fernen Osten", LOC, "Far East"),
            ("Putin", PER, "Vladimir Putin"),
        ],
        &[("am Dienstag", "2023-09-12")],
    );
    let (evs, _) = extract(de, "de", &a, 1);
    let arrival = evs
        .iter()
        .find(|e| e.trigger == "angekommen")
        .expect("arrival");
    assert_eq!(arrival.date.as_deref(), Some("2023-09-12"));
    let summit = evs
        .iter()
        .find(|e| e.trigger == "Gipfeltreffen")
        .expect("summit");
    assert_eq!(summit.date, None, "{summit:?}");
}

#[test]
fn a_when_clause_after_a_period_bound_takes_that_date_de_en() {
    // "seit 2000, als …": the talks were in 2000 (the visit is negated and
    // "seit" makes 2000 a bound of it, not its date).
    let de = "Putin hat Pjöngjang seit 2000 nicht mehr besucht, als der russische Staatschef Gespräche mit dem Vater des derzeitigen nordkoreanischen Staatschefs, Kim Jong Il, führte.";
    let a = analysis(
        de,
        "de",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Pjöngjang", LOC, "Pyongyang"),
            ("Kim Jong Il", PER, "Kim Jong Il"),
        ],
        &[("2000", "2000")],
    );
    let (evs, _) = extract(de, "de", &a, 1);
    let visit = evs.iter().find(|e| e.trigger == "besucht").expect("visit");
    assert_eq!(visit.date, None);
    let talks = evs
        .iter()
        .find(|e| e.trigger == "Gespräche")
        .expect("talks");
    assert_eq!(talks.date.as_deref(), Some("2000"));
    // "des … Staatschefs, Kim Jong Il": an apposition, one person.
    assert_eq!(ids(&talks.target), vec!["Kim Jong Il"], "{talks:?}");

    let en = "Putin has not visited Pyongyang since 2000, when he held talks with Kim Jong Il.";
    let a = analysis(
        en,
        "en",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Pyongyang", LOC, "Pyongyang"),
            ("Kim Jong Il", PER, "Kim Jong Il"),
        ],
        &[("2000", "2000")],
    );
    let (evs, _) = extract(en, "en", &a, 1);
    let talks = evs
        .iter()
        .find(|e| e.typ == "CONSULT" && e.mode.as_deref() != Some("visit"))
        .expect("talks");
    assert_eq!(talks.date.as_deref(), Some("2000"), "{talks:?}");
    assert_eq!(ids(&talks.target), vec!["Kim Jong Il"]);
}

// --- Who does it. ---

#[test]
fn doer_after_the_trigger_de_nb() {
    // "auf Einladung von Präsident Putin": Putin invites; the traveller is invited.
    let de = "Kim Jong-un reiste am 12. September auf Einladung von Präsident Putin mit dem Zug nach Russland.";
    let a = analysis(
        de,
        "de",
        &[
            ("Kim Jong-un", PER, "Kim Jong-un"),
            ("Putin", PER, "Vladimir Putin"),
            ("Russland", LOC, "Russia"),
        ],
        &[("am 12. September", "2023-09-12")],
    );
    let (evs, _) = extract(de, "de", &a, 1);
    let inv = find(&evs, "AGREE", Some("invite"));
    assert_eq!(ids(&inv.source), vec!["Vladimir Putin"], "{inv:?}");
    assert_eq!(ids(&inv.target), vec!["Kim Jong-un"], "{inv:?}");
    let visit = find(&evs, "CONSULT", Some("visit"));
    assert_eq!(ids(&visit.source), vec!["Kim Jong-un"]);
    assert_eq!(visit.date.as_deref(), Some("2023-09-12"));
    // "reiste von Pjöngjang": a place after "von" is where from, not a doer.
    let de2 = "Kim reiste von Pjöngjang nach Moskau.";
    let a = analysis(
        de2,
        "de",
        &[
            ("Kim", PER, "Kim Jong-un"),
            ("Pjöngjang", LOC, "Pyongyang"),
            ("Moskau", LOC, "Moscow"),
        ],
        &[],
    );
    let (evs, _) = extract(de2, "de", &a, 1);
    let visit = find(&evs, "CONSULT", Some("visit"));
    assert_eq!(ids(&visit.source), vec!["Kim Jong-un"]);

    // Norwegian: "invitasjon fra den russiske presidenten" (role resolved).
    let nb = "President Vladimir Putin tok imot Kim. Besøket skjer på invitasjon fra den russiske presidenten.";
    let a = analysis(
        nb,
        "nb",
        &[
            ("Vladimir Putin", PER, "Vladimir Putin"),
            ("Kim", PER, "Kim Jong-un"),
        ],
        &[],
    );
    let (evs, _) = extract(nb, "nb", &a, 1);
    let inv = find(&evs, "AGREE", Some("invite"));
    assert_eq!(ids(&inv.source), vec!["Vladimir Putin"], "{inv:?}");
}

#[test]
fn split_verb_with_inverted_subject_de() {
    // "lud Kim Jong Un Putin … ein": subject right after the finite verb.
    let de = "Am Ende des Empfangs lud Kim Jong Un Putin höflich ein, die DVRK zu besuchen.";
    let a = analysis(
        de,
        "de",
        &[
            ("Kim Jong Un", PER, "Kim Jong-un"),
            ("Putin", PER, "Vladimir Putin"),
        ],
        &[],
    );
    let (evs, _) = extract(de, "de", &a, 1);
    let inv = find(&evs, "AGREE", Some("invite"));
    assert_eq!(ids(&inv.source), vec!["Kim Jong-un"], "{inv:?}");
    assert_eq!(ids(&inv.target), vec!["Vladimir Putin"], "{inv:?}");
}

/// The event of an article with this trigger (as written).
fn by_trigger<'a>(evs: &'a [Event], trigger: &str) -> &'a Event {
    evs.iter()
        .find(|e| e.trigger == trigger)
        .unwrap_or_else(|| {
            panic!(
                "no event {trigger:?} in {:?}",
                evs.iter().map(|e| &e.trigger).collect::<Vec<_>>()
            )
        })
}

/// The anchor's kind and cue, and the text of the report that dates it.
fn anchor_of<'a>(text: &'a str, e: &Event) -> (&'a str, String, Option<&'a str>) {
    let a = e
        .anchor
        .as_ref()
        .unwrap_or_else(|| panic!("no anchor: {e:?}"));
    assert_eq!(&text[a.start..a.end], a.cue);
    let kind: &'static str = match a.kind.as_str() {
        "at" => "at",
        "coordinated" => "coordinated",
        "continues" => "continues",
        other => panic!("unknown anchor kind {other}"),
    };
    let dated = a.dated_by.as_ref().map(|p| &text[p.start..p.end]);
    (kind, a.cue.clone(), dated)
}

#[test]
fn an_event_at_or_continuing_a_dated_meeting_takes_its_day_de() {
    let de = "Putin und Kim trafen sich am 13. September im Kosmodrom. \
              Der Kreml bestätigte, dass Putin und Kim bei ihrem Treffen Gewehre ausgetauscht haben. \
              Putin schenkte Kim außerdem einen Handschuh.";
    let a = analysis(
        de,
        "de",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Kim", PER, "Kim Jong-un"),
        ],
        &[("am 13. September", "2023-09-13")],
    );
    let (evs, _) = extract(de, "de", &a, 1);
    let meet = by_trigger(&evs, "trafen");
    assert_eq!(meet.date.as_deref(), Some("2023-09-13"));
    assert!(meet.anchor.is_none(), "a date of its own: {meet:?}");
    // "bei ihrem Treffen" names the meeting the first sentence dates.
    let ex = find(&evs, "COOPERATE", Some("exchange"));
    assert_eq!(ex.date.as_deref(), Some("2023-09-13"), "{ex:?}");
    assert_eq!(
        anchor_of(de, ex),
        ("at", "bei ihrem Treffen".to_string(), Some("trafen"))
    );
    assert_eq!(ex.anchor.as_ref().unwrap().trigger, "Treffen");
    // "außerdem" continues that scene.
    let gift = by_trigger(&evs, "schenkte");
    assert_eq!(ids(&gift.source), vec!["Vladimir Putin"]);
    assert_eq!(ids(&gift.target), vec!["Kim Jong-un"]);
    assert_eq!(gift.date.as_deref(), Some("2023-09-13"), "{gift:?}");
    assert_eq!(
        anchor_of(de, gift),
        ("continues", "außerdem".to_string(), Some("trafen"))
    );
}

#[test]
fn undated_events_that_are_not_at_the_meeting_stay_undated_de() {
    let de = "Putin und Kim trafen sich am 13. September im Kosmodrom. \
              Früher hatte Putin Kim außerdem ein Schwert geschenkt. \
              Nach dem Treffen schenkte Putin Kim ein Gewehr. \
              Bei dem Treffen werde Putin Kim außerdem ein Auto übergeben.";
    let a = analysis(
        de,
        "de",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Kim", PER, "Kim Jong-un"),
        ],
        &[("am 13. September", "2023-09-13"), ("Früher", "PAST_REF")],
    );
    let (evs, _) = extract(de, "de", &a, 1);
    // "nach" is not "at": after the meeting may be another day.
    let after = by_trigger(&evs, "schenkte");
    assert_eq!(
        (after.date.as_deref(), after.anchor.is_none()),
        (None, true)
    );
    // Intent ("werde") is not a happening at the meeting.
    let planned = by_trigger(&evs, "übergeben");
    assert_eq!(planned.modality, Modality::Intended);
    assert_eq!(planned.date, None, "{planned:?}");
    // A time expression of its own ("Früher") wins over "außerdem".
    let earlier = by_trigger(&evs, "geschenkt");
    assert_eq!(earlier.date, None, "{earlier:?}");
    assert!(earlier.anchor.is_none());

    // A meeting this article does not date: the anchor is kept, no date.
    let de = "Bei dem Gipfel schenkte Putin Kim ein Gewehr.";
    let a = analysis(
        de,
        "de",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Kim", PER, "Kim Jong-un"),
        ],
        &[],
    );
    let (evs, _) = extract(de, "de", &a, 1);
    let gift = by_trigger(&evs, "schenkte");
    assert_eq!(gift.date, None);
    assert_eq!(
        anchor_of(de, gift),
        ("at", "Bei dem Gipfel".to_string(), None)
    );
}

#[test]
fn invitation_during_dated_talks_and_coordinated_acceptance_nb() {
    let nb = "Kim Jong-un hadde samtaler med president Putin 13. september. \
              Under bilaterale samtaler inviterte Kim Jong-un Putin til å besøke Nord-Korea, og Putin gikk med på det.";
    let a = analysis(
        nb,
        "nb",
        &[
            ("Kim Jong-un", PER, "Kim Jong-un"),
            ("Putin", PER, "Vladimir Putin"),
            ("Nord-Korea", LOC, "North Korea"),
        ],
        &[("13. september", "2023-09-13")],
    );
    let (evs, _) = extract(nb, "nb", &a, 2);
    let inv = find(&evs, "AGREE", Some("invite"));
    assert_eq!(ids(&inv.source), vec!["Kim Jong-un"]);
    assert_eq!(ids(&inv.target), vec!["Vladimir Putin"]);
    assert_eq!(inv.date.as_deref(), Some("2023-09-13"), "{inv:?}");
    assert_eq!(
        anchor_of(nb, inv),
        (
            "at",
            "Under bilaterale samtaler".to_string(),
            Some("hadde samtaler")
        )
    );
    let acc = find(&evs, "AGREE", Some("accept-invitation"));
    assert_eq!(ids(&acc.source), vec!["Vladimir Putin"]);
    assert_eq!(acc.date.as_deref(), Some("2023-09-13"), "{acc:?}");
    assert_eq!(anchor_of(nb, acc).0, "coordinated");
    // The visit Kim invites to has not happened: never dated.
    assert!(
        evs.iter()
            .filter(|e| e.mode.as_deref() == Some("visit"))
            .all(|e| e.date.is_none() && e.anchor.is_none()),
        "{evs:#?}"
    );
}

#[test]
fn undated_events_that_are_not_at_the_talks_stay_undated_nb() {
    let nb = "Kim Jong-un hadde samtaler med president Putin 13. september. \
              Tidligere hadde Putin i tillegg gitt Kim Jong-un en bil. \
              Under møtet skal Putin invitere Kim Jong-un til Moskva. \
              Dette besøket skjer på invitasjon fra Putin.";
    let a = analysis(
        nb,
        "nb",
        &[
            ("Kim Jong-un", PER, "Kim Jong-un"),
            ("Putin", PER, "Vladimir Putin"),
            ("Moskva", LOC, "Moscow"),
        ],
        &[("13. september", "2023-09-13"), ("Tidligere", "PAST_REF")],
    );
    let (evs, _) = extract(nb, "nb", &a, 2);
    let car = by_trigger(&evs, "gitt");
    assert_eq!((car.date.as_deref(), car.anchor.is_none()), (None, true));
    let planned = by_trigger(&evs, "invitere");
    assert_ne!(planned.modality, Modality::Asserted);
    assert_eq!(planned.date, None);
    // "på invitasjon": an invitation is not a happening the visit is at.
    let on_inv = by_trigger(&evs, "invitasjon");
    assert_eq!(
        (on_inv.date.as_deref(), on_inv.anchor.is_none()),
        (None, true)
    );
}

#[test]
fn anchoring_in_english_with_fronted_cues() {
    let en = "Putin and Kim met on September 13 at the Vostochny cosmodrome. \
              During the talks, Kim invited Putin to visit North Korea, and Putin accepted the invitation. \
              In addition, Putin gave Kim a pair of gloves.";
    let a = analysis(
        en,
        "en",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Kim", PER, "Kim Jong-un"),
            ("North Korea", LOC, "North Korea"),
        ],
        &[("September 13", "2023-09-13")],
    );
    let (evs, _) = extract(en, "en", &a, 3);
    let inv = find(&evs, "AGREE", Some("invite"));
    assert_eq!(ids(&inv.source), vec!["Kim Jong-un"]);
    assert_eq!(inv.date.as_deref(), Some("2023-09-13"), "{inv:?}");
    assert_eq!(
        anchor_of(en, inv),
        ("at", "During the talks".to_string(), Some("met"))
    );
    let acc = find(&evs, "AGREE", Some("accept-invitation"));
    assert_eq!(acc.date.as_deref(), Some("2023-09-13"), "{acc:?}");
    assert_eq!(anchor_of(en, acc).0, "coordinated");
    let gift = find(&evs, "AID", Some("give-gift"));
    assert_eq!(gift.date.as_deref(), Some("2023-09-13"), "{gift:?}");
    assert_eq!(
        anchor_of(en, gift),
        ("continues", "In addition".to_string(), Some("met"))
    );

    let en = "Putin and Kim met on September 13. In addition, Putin had earlier handed Kim a rifle. \
              After the summit, Putin gave Kim a car. \
              At the meeting, Putin will invite Kim to Moscow. \
              Kim visited Russia at the invitation of Putin.";
    let a = analysis(
        en,
        "en",
        &[
            ("Putin", PER, "Vladimir Putin"),
            ("Kim", PER, "Kim Jong-un"),
            ("Moscow", LOC, "Moscow"),
            ("Russia", LOC, "Russia"),
        ],
        &[("September 13", "2023-09-13"), ("earlier", "PAST_REF")],
    );
    let (evs, _) = extract(en, "en", &a, 3);
    for trig in ["gave", "handed", "invitation", "visited"] {
        let e = by_trigger(&evs, trig);
        assert_eq!(e.date, None, "{trig}: {e:?}");
        assert!(e.anchor.is_none(), "{trig}: {e:?}");
    }
    let planned = by_trigger(&evs, "invite");
    assert_ne!(planned.modality, Modality::Asserted);
    assert_eq!(planned.date, None);
}
