//! Variant rules of entity linking, with cases in German, Norwegian and English.

use newsgraph_lang::{split_sentences, tokenize};
use newsgraph_link::{EntityRegistry, Linker, RawMention, name_form, name_key, same_person};
use newsgraph_model::{Analysis, EntityType, Sentence};
use std::sync::OnceLock;

const PER: EntityType = EntityType::PER;
const ORG: EntityType = EntityType::ORG;
const LOC: EntityType = EntityType::LOC;
const MISC: EntityType = EntityType::MISC;

fn linker() -> &'static Linker {
    static L: OnceLock<Linker> = OnceLock::new();
    L.get_or_init(|| Linker::new().expect("embedded data parses"))
}

fn k(name: &str, lang: &str) -> String {
    name_key(name, lang).expect("rules load")
}

fn same(a: (&str, &str), b: (&str, &str)) -> bool {
    let fa = name_form(a.0, a.1).expect("rules");
    let fb = name_form(b.0, b.1).expect("rules");
    same_person(&fa, &fb)
}

#[test]
fn case_diacritics_hyphens_and_spacing() {
    assert_eq!(k("Kim Jong-un", "de"), k("Kim Jong Un", "en"));
    assert_eq!(k("Kim Jong-un", "de"), k("Kim jong-un", "de"));
    assert_eq!(k("Nord-Korea", "nb"), k("Nordkorea", "de"));
    assert_eq!(k("Choe Son-hui", "de"), k("Choe Son Hui", "de"));
    assert_eq!(k("Pjöngjang", "de"), k("Pyongyang", "nb"));
    assert_eq!(k("Sør-Korea", "nb"), k("Sor Korea", "en"));
    assert_eq!(k("Straße", "de"), k("Strasse", "de"));
}

#[test]
fn transliteration_families() {
    // w/v, ow/ov
    assert_eq!(k("Lawrow", "de"), k("Lavrov", "nb"));
    assert_eq!(k("Peskow", "de"), k("Peskov", "nb"));
    assert_eq!(k("Wladimir", "de"), k("Vladimir", "en"));
    // tsch/ch, w/v, y/i
    assert_eq!(k("Wostotschny", "de"), k("Vostochny", "nb"));
    assert_eq!(k("Wostochny", "de"), k("Vostochny", "en"));
    // sch/sh
    assert_eq!(k("Schoigu", "de"), k("Shoigu", "en"));
    // Norwegian sj/tsj
    assert_eq!(k("Sjojgu", "nb"), k("Shoigu", "en"));
    assert_eq!(k("Tsjajkovskij", "nb"), k("Tschaikowski", "de"));
    // ej/ei/ey, ij/i
    assert_eq!(k("Sergej", "de"), k("Sergey", "en"));
    assert_eq!(k("Sergei", "de"), k("Sergey", "en"));
    assert_eq!(k("Dmitrij", "nb"), k("Dmitri", "de"));
    assert_eq!(k("Juri", "de"), k("Yuri", "en"));
    // kh/ch/h and -ev/-ow
    assert_eq!(k("Chruschtschow", "de"), k("Khrushchev", "en"));
    assert_eq!(k("Gorbatschow", "de"), k("Gorbachev", "en"));
    assert_eq!(k("Uschakow", "de"), k("Ushakov", "en"));
    // Different names stay apart.
    assert_ne!(k("Putin", "de"), k("Peskow", "de"));
    assert_ne!(k("Jong", "de"), k("Young", "de"));
}

#[test]
fn person_guards_keep_different_people_apart() {
    assert!(same(("Kim Jong-un", "de"), ("Kim Jong Un", "de")));
    assert!(same(("Kim Jong-un", "de"), ("Kim jong-un", "nb")));
    assert!(!same(("Kim Jong-un", "de"), ("Kim Jong Il", "de")));
    assert!(!same(("Kim Jong-un", "de"), ("Kim Young-ho", "de")));
    assert!(same(("Wladimir Putin", "de"), ("Vladimir Putin", "nb")));
    assert!(same(("W. Putin", "de"), ("Vladimir Putin", "en")));
    assert!(same(
        ("Vladimir Vladimirovich Putin", "en"),
        ("Wladimir Putin", "de")
    ));
    assert!(same(("Sergej Lawrow", "de"), ("Sergei Lavrov", "en")));
    assert!(!same(("Sergej Lawrow", "de"), ("Sergej Schoigu", "de")));
    assert!(!same(("Vladimir Putin", "en"), ("Vladimir Zelensky", "en")));
    // Family-first names: the family name is the first part.
    let f = name_form("Kim Jong-un", "de").expect("rules");
    assert!(f.family_first);
    assert_eq!(f.surname(), "kim");
    let w = name_form("Kim Wall", "en").expect("rules");
    assert!(!w.family_first, "a Western 'Kim' is a given name");
}

/// Runs the linker over `text` with the given (surface text, type) spans,
/// found in order in the text.
fn link(text: &str, lang: &str, spans: &[(&str, EntityType)]) -> Analysis {
    let mut raw = Vec::new();
    let mut from = 0;
    for (s, t) in spans {
        let at = text[from..]
            .find(s)
            .map(|p| p + from)
            .expect("span in text");
        raw.push(RawMention {
            start: at,
            end: at + s.len(),
            typ: *t,
        });
        from = at + s.len();
    }
    let sentences: Vec<Sentence> = split_sentences(text, lang)
        .into_iter()
        .map(|s| Sentence {
            start: s.start,
            end: s.end,
            text: s.slice(text).to_string(),
        })
        .collect();
    let tokens = tokenize(text, lang);
    let (mentions, places) = linker()
        .link_article(text, lang, &sentences, &tokens, &raw)
        .expect("link");
    Analysis {
        lang: lang.into(),
        sentences,
        mentions,
        places,
        ..Default::default()
    }
}

fn id_of<'a>(a: &'a Analysis, text: &str) -> &'a str {
    a.mentions
        .iter()
        .find(|m| m.text == text)
        .map(|m| m.entity_id.as_str())
        .unwrap_or_else(|| panic!("no mention {text:?} in {:?}", a.mentions))
}

#[test]
fn short_forms_and_genitives_within_an_article_de() {
    use EntityType::*;
    let text = "Wladimir Putin traf Kim Jong-un. Putin lobte Kims Reise nach Russland. \
                Russlands Präsident Putin sprach mit Kim Young-ho.";
    let a = link(
        text,
        "de",
        &[
            ("Wladimir Putin", PER),
            ("Kim Jong-un", PER),
            ("Putin", PER),
            ("Kims", PER),
            ("Russland", LOC),
            ("Russlands", LOC),
            ("Putin", PER),
            ("Kim Young-ho", PER),
        ],
    );
    assert_eq!(id_of(&a, "Putin"), id_of(&a, "Wladimir Putin"));
    assert_eq!(id_of(&a, "Kims"), id_of(&a, "Kim Jong-un"));
    assert_ne!(id_of(&a, "Kim Young-ho"), id_of(&a, "Kim Jong-un"));
    assert_eq!(id_of(&a, "Russlands"), "loc:iso:RU");
    assert_eq!(id_of(&a, "Russland"), "loc:iso:RU");
    let putin = a
        .mentions
        .iter()
        .find(|m| m.text == "Putin")
        .expect("Putin");
    assert_eq!(putin.canonical, "Wladimir Putin");
    assert_eq!(putin.entity_id, "per:wladimir-putin");
}

#[test]
fn places_and_adjectives_nb() {
    use EntityType::*;
    let text = "Putin ga Nord-Koreas leder Kim Jong-un en russiskprodusert rifle. \
                Den nordkoreanske lederen besøkte Pyongyang.";
    let a = link(
        text,
        "nb",
        &[
            ("Putin", PER),
            ("Nord-Koreas", LOC),
            ("Kim Jong-un", PER),
            ("Pyongyang", LOC),
        ],
    );
    assert_eq!(id_of(&a, "Nord-Koreas"), "loc:iso:KP");
    assert_eq!(id_of(&a, "Pyongyang"), "loc:geonames:1871859");
    let rel: Vec<(&str, &str, &str)> = a
        .places
        .iter()
        .map(|p| (p.text.as_str(), p.entity_id.as_str(), p.kind.as_str()))
        .collect();
    assert!(
        rel.contains(&("russiskprodusert", "loc:iso:RU", "adjective")),
        "{rel:?}"
    );
    assert!(
        rel.contains(&("nordkoreanske", "loc:iso:KP", "adjective")),
        "{rel:?}"
    );
    // Adjectives are relations, not named mentions.
    assert!(a.mentions.iter().all(|m| !m.text.contains("russisk")));
}

#[test]
fn adjectives_de_and_en() {
    use EntityType::*;
    let de = link(
        "Der nordkoreanische Machthaber und der russischen Delegation, südkoreanische Beamte; Russlandbesuch und Russland-Nordkorea-Gipfel.",
        "de",
        &[],
    );
    let rel: Vec<(&str, &str)> = de
        .places
        .iter()
        .map(|p| (p.text.as_str(), p.entity_id.as_str()))
        .collect();
    for want in [
        ("nordkoreanische", "loc:iso:KP"),
        ("russischen", "loc:iso:RU"),
        ("südkoreanische", "loc:iso:KR"),
        ("Russlandbesuch", "loc:iso:RU"),
        ("Russland", "loc:iso:RU"),
        ("Nordkorea", "loc:iso:KP"),
    ] {
        assert!(rel.contains(&want), "{want:?} missing in {rel:?}");
    }
    // Common words are not places.
    assert!(
        !rel.iter()
            .any(|(t, _)| *t == "Machthaber" || *t == "Beamte")
    );

    let en = link(
        "The North Korean leader met Russian officials in Moscow.",
        "en",
        &[("North Korean", MISC), ("Russian", MISC), ("Moscow", LOC)],
    );
    let rel: Vec<(&str, &str)> = en
        .places
        .iter()
        .map(|p| (p.text.as_str(), p.entity_id.as_str()))
        .collect();
    assert!(rel.contains(&("North Korean", "loc:iso:KP")), "{rel:?}");
    assert!(rel.contains(&("Russian", "loc:iso:RU")), "{rel:?}");
    assert_eq!(en.mentions.len(), 1, "{:?}", en.mentions);
    assert_eq!(id_of(&en, "Moscow"), "loc:geonames:524901");
}

/// Place words glued to names by the tagger are split off: a leading
/// adjective of place becomes a relation (and a title after it makes the
/// rest a person); a trailing genitive of a place becomes the place mention.
#[test]
fn place_words_glued_to_names_are_split_off() {
    use EntityType::*;
    let rel = |a: &Analysis| -> Vec<(String, String)> {
        a.places
            .iter()
            .map(|p| (p.text.clone(), p.entity_id.clone()))
            .collect()
    };
    let de = link(
        "Nordkoreanischer Führer Kim Jong Un traf Wladimir Putin. Putin lobte die \
         Souveränität Nordkoreas und den Fernen Osten Russlands.",
        "de",
        &[
            ("Nordkoreanischer Führer Kim Jong Un", MISC),
            ("Wladimir Putin", PER),
            ("Putin", PER),
            ("Souveränität Nordkoreas", ORG),
            ("Fernen Osten Russlands", LOC),
        ],
    );
    assert!(
        rel(&de).contains(&("Nordkoreanischer".into(), "loc:iso:KP".into())),
        "{:?}",
        de.places
    );
    let kim = de
        .mentions
        .iter()
        .find(|m| m.text == "Kim Jong Un")
        .expect("Kim Jong Un is a mention of its own");
    assert_eq!(kim.typ, PER);
    assert_eq!(id_of(&de, "Nordkoreas"), "loc:iso:KP");
    assert_eq!(id_of(&de, "Russlands"), "loc:iso:RU");
    assert!(de.mentions.iter().any(|m| m.text == "Fernen Osten"));
    // A lone common noun before the genitive is not a name.
    assert!(
        de.mentions.iter().all(|m| !m.text.contains("Souveränität")),
        "{:?}",
        de.mentions
    );
    assert!(de.mentions.iter().all(|m| !m.text.contains("Führer")));

    let nb = link(
        "Russiske president Vladimir Putin møtte Kim Jong-un.",
        "nb",
        &[
            ("Russiske president Vladimir Putin", MISC),
            ("Kim Jong-un", PER),
        ],
    );
    assert!(
        rel(&nb).contains(&("Russiske".into(), "loc:iso:RU".into())),
        "{:?}",
        nb.places
    );
    let putin = nb
        .mentions
        .iter()
        .find(|m| m.text == "Vladimir Putin")
        .expect("Vladimir Putin");
    assert_eq!(putin.typ, PER);

    let en = link(
        "Russian President Vladimir Putin visited the University of Oslo.",
        "en",
        &[
            ("Russian President Vladimir Putin", MISC),
            ("University of Oslo", ORG),
        ],
    );
    assert!(rel(&en).contains(&("Russian".into(), "loc:iso:RU".into())));
    assert_eq!(
        en.mentions
            .iter()
            .find(|m| m.text == "Vladimir Putin")
            .map(|m| m.typ),
        Some(PER)
    );
    // Title first: a person whatever the tagger said; persons joined by a
    // lowercase word are two; particles stay inside names; a compound of
    // place names is a relation; a generic word alone is no name.
    let de2 = link(
        "Präsident Putin schrieb Kim an Putin und Ursula von der Leyen. \
         Der Russland-Nordkorea-Gipfels im Kosmodrom.",
        "de",
        &[
            ("Präsident Putin", ORG),
            ("Kim an Putin", PER),
            ("Ursula von der Leyen", PER),
            ("Russland-Nordkorea-Gipfels", LOC),
            ("Kosmodrom", ORG),
        ],
    );
    let texts: Vec<(&str, EntityType)> = de2
        .mentions
        .iter()
        .map(|m| (m.text.as_str(), m.typ))
        .collect();
    assert_eq!(
        texts,
        vec![
            ("Putin", PER),
            ("Kim", PER),
            ("Putin", PER),
            ("Ursula von der Leyen", PER)
        ]
    );
    assert!(
        rel(&de2).contains(&("Russland".into(), "loc:iso:RU".into())),
        "{:?}",
        de2.places
    );
    // No genitive there: the organisation stays whole.
    assert!(en.mentions.iter().any(|m| m.text == "University of Oslo"));
}

#[test]
fn registry_links_across_articles_and_languages() {
    use EntityType::*;
    let mut reg = EntityRegistry::new();
    let mut a1 = link(
        "Kremlsprecher Dmitri Peskow sagte, Wladimir Putin treffe Sergej Lawrow in Moskau.",
        "de",
        &[
            ("Dmitri Peskow", PER),
            ("Wladimir Putin", PER),
            ("Sergej Lawrow", PER),
            ("Moskau", LOC),
        ],
    );
    reg.resolve(&mut a1, 1);
    let mut a2 = link(
        "Talsmann Dmitrij Peskov sa at president Vladimir Putin og Sergej Lavrov reiser til Moskva.",
        "nb",
        &[
            ("Dmitrij Peskov", PER),
            ("Vladimir Putin", PER),
            ("Sergej Lavrov", PER),
            ("Moskva", LOC),
        ],
    );
    reg.resolve(&mut a2, 2);
    let mut a3 = link(
        "Putin and Lavrov spoke.",
        "en",
        &[("Putin", PER), ("Lavrov", PER)],
    );
    reg.resolve(&mut a3, 3);
    assert_eq!(id_of(&a1, "Wladimir Putin"), id_of(&a2, "Vladimir Putin"));
    assert_eq!(id_of(&a1, "Wladimir Putin"), id_of(&a3, "Putin"));
    assert_eq!(id_of(&a1, "Dmitri Peskow"), id_of(&a2, "Dmitrij Peskov"));
    assert_eq!(id_of(&a1, "Sergej Lawrow"), id_of(&a3, "Lavrov"));
    assert_eq!(id_of(&a1, "Moskau"), id_of(&a2, "Moskva"));
    let putin = reg.get(id_of(&a1, "Wladimir Putin")).expect("entity");
    let langs: Vec<&str> = putin.variants.iter().map(|v| v.lang.as_str()).collect();
    assert!(langs.contains(&"de") && langs.contains(&"nb") && langs.contains(&"en"));
    assert_eq!(putin.article_ids, vec![1, 2, 3]);

    // Rebuilt from stored entities, the registry links the same way.
    let mut again = EntityRegistry::from_entities(&reg.entities());
    let mut a4 = link(
        "Peskow und Putin.",
        "de",
        &[("Peskow", PER), ("Putin", PER)],
    );
    again.resolve(&mut a4, 4);
    assert_eq!(id_of(&a4, "Putin"), id_of(&a1, "Wladimir Putin"));
    assert_eq!(id_of(&a4, "Peskow"), id_of(&a1, "Dmitri Peskow"));
}

#[test]
fn registry_never_merges_different_people() {
    use EntityType::*;
    let mut reg = EntityRegistry::new();
    let mut a = link(
        "Kim Jong Un traf Kim Jong Il und Kim Young-ho.",
        "de",
        &[
            ("Kim Jong Un", PER),
            ("Kim Jong Il", PER),
            ("Kim Young-ho", PER),
        ],
    );
    reg.resolve(&mut a, 1);
    let ids: std::collections::BTreeSet<&str> =
        a.mentions.iter().map(|m| m.entity_id.as_str()).collect();
    assert_eq!(ids.len(), 3, "{:?}", a.mentions);
    // A lone "Kim" with three equally known Kims links to none of them.
    let mut c = link("Kim sprach.", "de", &[("Kim", PER)]);
    reg.resolve(&mut c, 2);
    assert!(!ids.contains(id_of(&c, "Kim")));
    // A later "Kim Jong-un" joins the right one …
    let mut b = link("Kim Jong-un reiste ab.", "de", &[("Kim Jong-un", PER)]);
    reg.resolve(&mut b, 3);
    assert_eq!(id_of(&b, "Kim Jong-un"), id_of(&a, "Kim Jong Un"));
    // … and once he dominates, a lone "Kim" is him.
    let mut d = link("Kim sprach.", "de", &[("Kim", PER)]);
    reg.resolve(&mut d, 4);
    assert_eq!(id_of(&d, "Kim"), id_of(&a, "Kim Jong Un"));
}

#[test]
fn ids_are_stable_and_deterministic() {
    use EntityType::*;
    let text = "Choe Son-hui traf Putin. Choe sagte, Putin komme.";
    let spans = [
        ("Choe Son-hui", PER),
        ("Putin", PER),
        ("Choe", PER),
        ("Putin", PER),
    ];
    let a = link(text, "de", &spans);
    let b = link(text, "de", &spans);
    assert_eq!(a, b);
    assert_eq!(id_of(&a, "Choe"), "per:choe-son-hui");
    assert_eq!(id_of(&a, "Putin"), "per:putin");
}

#[test]
fn organisations_and_official_country_names_link_across_languages() {
    use EntityType::*;
    let de = link(
        "Die Vereinten Nationen und die DVRK stritten. Der Sprecher des Kremls \
         schwieg, die Demokratische Volksrepublik Korea auch.",
        "de",
        &[
            ("Vereinten Nationen", ORG),
            ("DVRK", ORG),
            ("Kremls", PER),
            ("Demokratische Volksrepublik Korea", ORG),
        ],
    );
    let nb = link(
        "FN kritiserte Nord-Korea. Kremls talsmann svarte.",
        "nb",
        &[("FN", ORG), ("Nord-Korea", LOC), ("Kremls", PER)],
    );
    let en = link(
        "The United Nations met. The DPRK and the Kremlin objected.",
        "en",
        &[("United Nations", ORG), ("DPRK", ORG), ("Kremlin", ORG)],
    );
    for (a, un) in [
        (&de, "Vereinten Nationen"),
        (&nb, "FN"),
        (&en, "United Nations"),
    ] {
        assert_eq!(id_of(a, un), "org:gaz:un", "{un}");
    }
    assert_eq!(id_of(&de, "DVRK"), "loc:iso:KP");
    assert_eq!(
        id_of(&de, "Demokratische Volksrepublik Korea"),
        "loc:iso:KP"
    );
    assert_eq!(id_of(&nb, "Nord-Korea"), "loc:iso:KP");
    assert_eq!(id_of(&en, "DPRK"), "loc:iso:KP");
    // A genitive "person" that names an organisation is the organisation.
    for a in [&de, &nb] {
        let m = a
            .mentions
            .iter()
            .find(|m| m.text == "Kremls")
            .expect("Kremls");
        assert_eq!((m.entity_id.as_str(), m.typ), ("org:gaz:kremlin", ORG));
    }
    assert_eq!(id_of(&en, "Kremlin"), "org:gaz:kremlin");
    // The canonical name is the English one, whatever the article's language.
    let un = de.mentions.iter().find(|m| m.entity_id == "org:gaz:un");
    assert_eq!(un.map(|m| m.canonical.as_str()), Some("United Nations"));
}

#[test]
fn designators_make_places_and_glued_function_words_are_cut() {
    // A name just after a place designator is a place, whatever the tagger typed.
    let nb = "Kim møtte Putin på romfartshavnen Vostochny i Amur-provinsen.";
    let a = link(
        nb,
        "nb",
        &[("Kim", PER), ("Putin", PER), ("Vostochny", MISC)],
    );
    let v = a
        .mentions
        .iter()
        .find(|m| m.text == "Vostochny")
        .expect("Vostochny");
    assert_eq!(v.typ, LOC, "{:?}", a.mentions);
    // The designator trimmed from the edge of the span says the same (de).
    let de = "Das Treffen fand im Kosmodrom Wostotschny statt.";
    let a = link(de, "de", &[("Kosmodrom Wostotschny", ORG)]);
    assert_eq!(a.mentions.len(), 1, "{:?}", a.mentions);
    assert_eq!(
        (a.mentions[0].text.as_str(), a.mentions[0].typ),
        ("Wostotschny", LOC)
    );
    // Without a designator the tagger's type stands.
    let a = link("Er sprach mit Gazprom.", "de", &[("Gazprom", ORG)]);
    assert_eq!(a.mentions[0].typ, ORG);
    // A missing space before a frequent word: "Nord Koreaist" is North Korea.
    let de = "Nord Koreaist der offizielle Name.";
    let a = link(de, "de", &[("Nord Koreaist", PER)]);
    assert_eq!(a.mentions.len(), 1, "{:?}", a.mentions);
    assert_eq!(a.mentions[0].text, "Nord Korea");
    assert_eq!(a.mentions[0].entity_id, "loc:iso:KP");
    // English: a real name ending in a frequent word is left alone.
    let a = link("Professor Anderson spoke.", "en", &[("Anderson", PER)]);
    assert_eq!(a.mentions[0].text, "Anderson");
    assert_eq!(a.mentions[0].typ, PER);
}
