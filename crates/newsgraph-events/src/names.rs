//! One display name per entity across reports analysed at different times.
//!
//! An article's analysis stores each actor's canonical name as the linker
//! knew it then ("Wladimir Putin" from the first German article); later
//! articles can change the entity's canonical name ("Vladimir Putin"). Merged
//! events, differences and exports should name an entity one way, the way the
//! store names it now, so callers refresh the names before merging.

use newsgraph_model::{Actor, ArticleId, Event, Quote};
use std::collections::BTreeMap;

/// Looks up canonical names by entity id, asking `lookup` once per id.
pub struct CanonicalNames<F> {
    lookup: F,
    cache: BTreeMap<String, Option<String>>,
}

impl<F, E> CanonicalNames<F>
where
    F: FnMut(&str) -> Result<Option<String>, E>,
{
    /// `lookup` gives the current canonical name of an entity id, `None`
    /// when the id is unknown (the actor then keeps its stored name).
    pub fn new(lookup: F) -> Self {
        CanonicalNames {
            lookup,
            cache: BTreeMap::new(),
        }
    }

    fn refresh(&mut self, a: &mut Actor) -> Result<(), E> {
        let Some(id) = a.entity_id.as_deref() else {
            return Ok(());
        };
        if !self.cache.contains_key(id) {
            let name = (self.lookup)(id)?;
            self.cache.insert(id.to_string(), name);
        }
        if let Some(Some(name)) = self.cache.get(id) {
            a.canonical = Some(name.clone());
        }
        Ok(())
    }

    /// Refreshes every actor of the events: source, target, place and
    /// attribution.
    pub fn refresh_events(&mut self, events: &mut [(ArticleId, Event)]) -> Result<(), E> {
        for (_, e) in events.iter_mut() {
            for a in e
                .source
                .iter_mut()
                .chain(e.target.iter_mut())
                .chain(e.place.iter_mut())
                .chain(e.attributed_to.iter_mut())
            {
                self.refresh(a)?;
            }
        }
        Ok(())
    }

    /// Refreshes the speakers and relays of the quotes.
    pub fn refresh_quotes(&mut self, quotes: &mut [(ArticleId, Quote)]) -> Result<(), E> {
        for (_, q) in quotes.iter_mut() {
            for a in q.speaker.iter_mut().chain(q.via.iter_mut()) {
                self.refresh(a)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use newsgraph_model::{Modality, Provenance};

    fn actor(text: &str, id: Option<&str>, canonical: &str) -> Actor {
        Actor {
            text: text.into(),
            entity_id: id.map(str::to_string),
            canonical: Some(canonical.into()),
        }
    }

    #[test]
    fn linked_actors_take_the_current_name_and_each_id_is_looked_up_once() {
        let event = Event {
            typ: "CONSULT".into(),
            cameo: "04".into(),
            mode: Some("meet".into()),
            source: vec![actor(
                "Wladimir Putin",
                Some("per:wladimir-putin"),
                "Wladimir Putin",
            )],
            target: vec![actor("Kim", Some("per:kim-jong-un"), "Kim Jong-un")],
            date: None,
            place: Some(actor("Kosmodrom", None, "Kosmodrom")),
            modality: Modality::Asserted,
            trigger: "traf".into(),
            attributed_to: vec![actor("Putin", Some("per:wladimir-putin"), "Putin")],
            provenance: Provenance {
                article_id: 1,
                start: 0,
                end: 4,
                sentence: "Putin traf Kim im Kosmodrom.".into(),
            },
            objects: Vec::new(),
            anchor: None,
        };
        let mut events = vec![(1, event)];
        let mut asked = Vec::new();
        let mut names = CanonicalNames::new(|id: &str| -> Result<_, ()> {
            asked.push(id.to_string());
            Ok(match id {
                "per:wladimir-putin" => Some("Vladimir Putin".to_string()),
                _ => None,
            })
        });
        names
            .refresh_events(&mut events)
            .expect("lookup never fails here");
        drop(names);
        let e = &events[0].1;
        assert_eq!(e.source[0].canonical.as_deref(), Some("Vladimir Putin"));
        assert_eq!(
            e.attributed_to[0].canonical.as_deref(),
            Some("Vladimir Putin")
        );
        // Unknown id and unlinked place keep what they had.
        assert_eq!(e.target[0].canonical.as_deref(), Some("Kim Jong-un"));
        assert_eq!(
            e.place.as_ref().and_then(|p| p.canonical.as_deref()),
            Some("Kosmodrom")
        );
        assert_eq!(asked, vec!["per:wladimir-putin", "per:kim-jong-un"]);
    }
}
