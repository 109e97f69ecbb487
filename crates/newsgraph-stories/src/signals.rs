//! Language-neutral signals of an article's analysis, added to its
//! [`Profile`]: canonical entity ids, event signatures (PLOVER type with the
//! actors' entity ids) and resolved dates. They cross languages exactly
//! (the same id in a German and a Norwegian article) and are weighted by
//! rarity (IDF over the store, like every other bag), so a shared rare
//! entity (a foreign minister) counts more than a shared country.

use crate::profile::{Profile, Space, bag, key};
use newsgraph_model::{Analysis, TimexType};

/// Date keys of a TIMEX3 DATE value: a full date gives itself, its month and
/// its month-day; a date without a year (`XXXX-09-13`) gives its month-day
/// (two reports of "13 September" agree even when neither knows the year);
/// a month (`2023-09`) gives itself. Weeks, seasons, references give none.
pub fn date_keys(value: &str) -> Vec<String> {
    let b = value.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let year = digits(0..4);
    let unknown_year = value.starts_with("XXXX");
    let month = b.get(4) == Some(&b'-') && digits(5..7);
    let day = b.get(7) == Some(&b'-') && digits(8..10) && b.len() == 10;
    let mut out = Vec::new();
    if month && day && (year || unknown_year) {
        out.push(format!("md:{}", &value[5..10]));
        if year {
            out.push(format!("d:{value}"));
            out.push(format!("m:{}", &value[0..7]));
        }
    } else if month && year && b.len() == 7 {
        out.push(format!("m:{value}"));
    }
    out
}

/// Event signature keys: for every event with at least one linked actor,
/// its PLOVER type with the sorted set of its actors' (source and target)
/// entity ids. Direction is dropped: "A met B" and "B met A" agree.
pub fn event_keys(a: &Analysis) -> Vec<String> {
    let mut out = Vec::new();
    for e in &a.events {
        let mut ids: Vec<&str> = e
            .source
            .iter()
            .chain(&e.target)
            .filter_map(|x| x.entity_id.as_deref())
            .filter(|x| !x.is_empty())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            continue;
        }
        out.push(format!("{}|{}", e.typ, ids.join("|")));
    }
    out
}

impl Profile {
    /// Add the analysis signals (entity ids of mentions and place
    /// relations, event signatures, date keys) and mark the profile as
    /// analysed.
    pub fn add_analysis(&mut self, a: &Analysis) {
        let ents = a
            .mentions
            .iter()
            .map(|m| m.entity_id.as_str())
            .chain(a.places.iter().map(|p| p.entity_id.as_str()))
            .filter(|e| !e.is_empty())
            .map(|e| (key(Space::Entity, e), 1.0))
            .collect();
        self.entities = bag(ents);
        self.events = bag(event_keys(a)
            .iter()
            .map(|k| (key(Space::Event, k), 1.0))
            .collect());
        self.dates = bag(a
            .timexes
            .iter()
            .filter(|t| t.typ == TimexType::Date)
            .flat_map(|t| date_keys(&t.value))
            .map(|k| (key(Space::Date, &k), 1.0))
            .collect());
        self.analysed = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_keys_of_values() {
        assert_eq!(
            date_keys("2023-09-13"),
            vec!["md:09-13", "d:2023-09-13", "m:2023-09"]
        );
        assert_eq!(date_keys("XXXX-09-13"), vec!["md:09-13"]);
        assert_eq!(date_keys("2023-09"), vec!["m:2023-09"]);
        assert!(date_keys("XXXX-09").is_empty());
        assert!(date_keys("2024-W02").is_empty());
        assert!(date_keys("PAST_REF").is_empty());
        assert!(date_keys("XXXX-WXX-3").is_empty());
        assert!(date_keys("2023").is_empty());
    }

    #[test]
    fn event_signatures_ignore_direction_and_unlinked_actors() {
        let actor = |id: Option<&str>| newsgraph_model::Actor {
            text: String::new(),
            entity_id: id.map(str::to_string),
            canonical: None,
        };
        let ev = |src: Vec<newsgraph_model::Actor>, tgt: Vec<newsgraph_model::Actor>| {
            newsgraph_model::Event {
                typ: "CONSULT".into(),
                cameo: "04".into(),
                mode: None,
                source: src,
                target: tgt,
                date: None,
                place: None,
                modality: Default::default(),
                trigger: "met".into(),
                attributed_to: vec![],
                provenance: newsgraph_model::Provenance {
                    article_id: 1,
                    start: 0,
                    end: 0,
                    sentence: String::new(),
                },
                objects: vec![],
                anchor: None,
            }
        };
        let a = Analysis {
            events: vec![
                ev(vec![actor(Some("per:b"))], vec![actor(Some("per:a"))]),
                ev(
                    vec![actor(Some("per:a"))],
                    vec![actor(Some("per:b")), actor(None)],
                ),
                ev(vec![actor(None)], vec![]),
            ],
            ..Default::default()
        };
        assert_eq!(event_keys(&a), vec!["CONSULT|per:a|per:b"; 2]);
    }
}
