//! The cross-article entity registry: the one ordered step of linking.
//!
//! Built from the stored entities (or empty), it takes each article's
//! analysis in order and rewrites the article-local entity ids of its
//! mentions to registry ids: "Putin" in article 5 gets the id of "Wladimir
//! Putin" from article 1, "Vladimir Putin" (nb) the same id as "Wladimir
//! Putin" (de). Deterministic: the same articles in the same order give the
//! same ids.
//!
//! Matching rules (persons never merge with non-persons):
//! - gazetteer ids (`loc:iso:…`, `loc:geonames:…`) are already global;
//! - a full person name (2+ parts) joins the person with a compatible full
//!   name (same family name, compatible given names, see
//!   [`crate::name::same_person`]), or a person known only by that family name;
//! - a lone name joins the one person whose family name it is, or the
//!   dominant one (at least twice the mentions of the next) when several
//!   share it; otherwise it stays its own entity;
//! - other entities join an entity of a non-person type with the same key.

use crate::article::genitive_stem;
use crate::gazetteer::Gazetteer;
use crate::key;
use crate::name::{NameForm, same_person};
use crate::rules;
use newsgraph_model::{Analysis, ArticleId, Entity, EntityType, Variant};
use std::collections::{BTreeMap, BTreeSet, HashMap};

#[derive(Debug, Clone)]
struct Rec {
    id: String,
    canonical: String,
    typ: EntityType,
    /// (text, lang) → count.
    variants: BTreeMap<(String, String), u64>,
    article_ids: BTreeSet<ArticleId>,
    forms: Vec<NameForm>,
    mentions: u64,
    fixed_canonical: bool,
}

/// Canonical entities across articles.
#[derive(Debug, Default, Clone)]
pub struct EntityRegistry {
    recs: Vec<Rec>,
    by_id: HashMap<String, usize>,
    /// Whole-name key → records.
    by_key: HashMap<String, Vec<usize>>,
    /// Family name key of full person names → records.
    by_surname: HashMap<String, Vec<usize>>,
}

fn forms_of(text: &str, lang: &str) -> Vec<NameForm> {
    let (Ok(c), Ok(l)) = (rules::common(), rules::lang_rules(lang)) else {
        return Vec::new();
    };
    let mut v = vec![NameForm::new(c, l, text)];
    if let Some(stem) = genitive_stem(text, l) {
        v.push(NameForm::new(c, l, stem));
    }
    v.retain(|f| !f.is_empty());
    v
}

impl EntityRegistry {
    /// An empty registry.
    pub fn new() -> EntityRegistry {
        EntityRegistry::default()
    }

    /// A registry holding stored entities (e.g. `Store::list_entities`), so
    /// new articles link to them. Order matters for ties: pass them in a
    /// stable order.
    pub fn from_entities(entities: &[Entity]) -> EntityRegistry {
        let mut r = EntityRegistry::new();
        for e in entities {
            let i = r.ensure(
                &e.id,
                &e.canonical,
                e.typ,
                Gazetteer::is_gazetteer_id(&e.id),
            );
            let rec = &mut r.recs[i];
            for v in &e.variants {
                *rec.variants
                    .entry((v.text.clone(), v.lang.clone()))
                    .or_insert(0) += v.count;
                rec.mentions += v.count;
            }
            rec.article_ids.extend(e.article_ids.iter().copied());
            if !Gazetteer::is_gazetteer_id(&e.id) {
                let texts: Vec<(String, String)> = e
                    .variants
                    .iter()
                    .map(|v| (v.text.clone(), v.lang.clone()))
                    .chain(std::iter::once((e.canonical.clone(), "xx".to_string())))
                    .collect();
                for (t, l) in texts {
                    for f in forms_of(&t, &l) {
                        r.add_form(i, f);
                    }
                }
            }
        }
        r
    }

    fn ensure(&mut self, id: &str, canonical: &str, typ: EntityType, fixed: bool) -> usize {
        if let Some(&i) = self.by_id.get(id) {
            return i;
        }
        self.recs.push(Rec {
            id: id.to_string(),
            canonical: canonical.to_string(),
            typ,
            variants: BTreeMap::new(),
            article_ids: BTreeSet::new(),
            forms: Vec::new(),
            mentions: 0,
            fixed_canonical: fixed,
        });
        let i = self.recs.len() - 1;
        self.by_id.insert(id.to_string(), i);
        i
    }

    fn add_form(&mut self, i: usize, f: NameForm) {
        if self.recs[i]
            .forms
            .iter()
            .any(|g| g.key == f.key && g.len() == f.len())
        {
            return;
        }
        let ids = self.by_key.entry(f.key.clone()).or_default();
        if !ids.contains(&i) {
            ids.push(i);
        }
        if f.len() >= 2 && self.recs[i].typ == EntityType::PER {
            let ids = self.by_surname.entry(f.surname().to_string()).or_default();
            if !ids.contains(&i) {
                ids.push(i);
            }
        }
        self.recs[i].forms.push(f);
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.recs.len()
    }

    /// Whether the registry holds no entity.
    pub fn is_empty(&self) -> bool {
        self.recs.is_empty()
    }

    /// The record with the most mentions among `cands` (ties: oldest).
    fn top(&self, cands: &[usize]) -> Option<usize> {
        cands.iter().copied().max_by(|&a, &b| {
            self.recs[a]
                .mentions
                .cmp(&self.recs[b].mentions)
                .then(b.cmp(&a))
        })
    }

    /// Candidates for a cluster with these forms.
    fn find(&self, typ: EntityType, forms: &[NameForm]) -> Option<usize> {
        let per = typ == EntityType::PER;
        let compatible = |i: &usize| (self.recs[*i].typ == EntityType::PER) == per;
        let max = forms.iter().map(NameForm::len).max().unwrap_or(0);
        if !per {
            let mut c: Vec<usize> = forms
                .iter()
                .flat_map(|f| self.by_key.get(&f.key).into_iter().flatten().copied())
                .filter(compatible)
                .filter(|&i| !Gazetteer::is_gazetteer_id(&self.recs[i].id))
                .collect();
            c.sort_unstable();
            c.dedup();
            if let Some(i) = self.top(&c) {
                return Some(i);
            }
            if max != 1 {
                return None;
            }
            // A lone name mistyped by the tagger that is a known family name.
            let mut c: Vec<usize> = forms
                .iter()
                .flat_map(|f| self.by_surname.get(&f.key).into_iter().flatten().copied())
                .collect();
            c.sort_unstable();
            c.dedup();
            return self.dominant(&c);
        }
        if max >= 2 {
            let best: Vec<&NameForm> = forms.iter().filter(|f| f.len() == max).collect();
            let mut c: Vec<usize> = Vec::new();
            for b in &best {
                // Full names with a compatible full name.
                for &i in self.by_surname.get(b.surname()).into_iter().flatten() {
                    if self.recs[i]
                        .forms
                        .iter()
                        .any(|f| f.len() >= 2 && same_person(b, f))
                    {
                        c.push(i);
                    }
                }
                for &i in self.by_key.get(&b.key).into_iter().flatten() {
                    if compatible(&i) {
                        c.push(i);
                    }
                }
            }
            c.sort_unstable();
            c.dedup();
            if let Some(i) = self.top(&c) {
                return Some(i);
            }
            // A person known so far only by the family name.
            let mut c: Vec<usize> = Vec::new();
            for b in &best {
                for &i in self.by_key.get(b.surname()).into_iter().flatten() {
                    if compatible(&i) && self.recs[i].forms.iter().all(|f| f.len() == 1) {
                        c.push(i);
                    }
                }
            }
            c.sort_unstable();
            c.dedup();
            return self.top(&c);
        }
        // Lone names: the family name of a known person, or a known lone name.
        let mut c: Vec<usize> = Vec::new();
        for f in forms {
            for &i in self.by_surname.get(&f.key).into_iter().flatten() {
                c.push(i);
            }
            for &i in self.by_key.get(&f.key).into_iter().flatten() {
                if compatible(&i) {
                    c.push(i);
                }
            }
        }
        c.sort_unstable();
        c.dedup();
        self.dominant(&c)
    }

    /// The only candidate, or the one with at least twice the mentions of the next.
    fn dominant(&self, c: &[usize]) -> Option<usize> {
        if c.len() <= 1 {
            return c.first().copied();
        }
        let mut by_count: Vec<usize> = c.to_vec();
        by_count.sort_by(|&a, &b| {
            self.recs[b]
                .mentions
                .cmp(&self.recs[a].mentions)
                .then(a.cmp(&b))
        });
        let (a, b) = (by_count[0], by_count[1]);
        (self.recs[a].mentions >= 2 * self.recs[b].mentions.max(1)).then_some(a)
    }

    /// The ordered step: maps the article-local ids of `analysis` to registry
    /// ids (creating entities as needed), rewrites its mentions' `entity_id`,
    /// `canonical` and `type`, and records the variants and the article.
    pub fn resolve(&mut self, analysis: &mut Analysis, article_id: ArticleId) {
        let lang = if analysis.lang.is_empty() {
            "xx".to_string()
        } else {
            analysis.lang.clone()
        };
        // Groups by local id, in order of first mention.
        let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
        for (k, m) in analysis.mentions.iter().enumerate() {
            match groups.iter_mut().find(|(id, _)| *id == m.entity_id) {
                Some(g) => g.1.push(k),
                None => groups.push((m.entity_id.clone(), vec![k])),
            }
        }
        let mut mapping: HashMap<String, usize> = HashMap::new();
        for (local, members) in &groups {
            let first = &analysis.mentions[members[0]];
            let typ = first.typ;
            let target = if let Some(fixed) = Gazetteer::type_of_id(local) {
                self.ensure(local, &first.canonical, fixed, true)
            } else {
                let mut forms: Vec<NameForm> = Vec::new();
                for &k in members {
                    forms.extend(forms_of(&analysis.mentions[k].text, &lang));
                }
                forms.extend(forms_of(&first.canonical, &lang));
                match self.find(typ, &forms) {
                    Some(i) => i,
                    None => {
                        let mut id = local.clone();
                        let mut n = 2;
                        while self.by_id.contains_key(&id) {
                            id = format!("{local}-{n}");
                            n += 1;
                        }
                        self.ensure(&id, &first.canonical, typ, false)
                    }
                }
            };
            for &k in members {
                for f in forms_of(&analysis.mentions[k].text, &lang) {
                    self.add_form(target, f);
                }
            }
            for f in forms_of(&first.canonical, &lang) {
                self.add_form(target, f);
            }
            let rec = &mut self.recs[target];
            rec.article_ids.insert(article_id);
            for &k in members {
                let m = &analysis.mentions[k];
                *rec.variants
                    .entry((m.text.clone(), lang.clone()))
                    .or_insert(0) += 1;
                rec.mentions += 1;
            }
            // Canonical: the most frequent multi-part variant (all languages
            // together), else the most frequent one; ties to more parts, then
            // the first seen.
            if !rec.fixed_canonical {
                let c = rules::common().ok();
                let parts = |s: &str| c.map(|c| key::folded_parts_with(c, s).len()).unwrap_or(0);
                let mut totals: Vec<(&str, u64)> = Vec::new();
                for ((text, _), n) in &rec.variants {
                    match totals.iter_mut().find(|(t, _)| t == text) {
                        Some(e) => e.1 += n,
                        None => totals.push((text.as_str(), *n)),
                    }
                }
                let multi = totals.iter().any(|(t, _)| parts(t) >= 2);
                let best = totals
                    .iter()
                    .filter(|(t, _)| !multi || parts(t) >= 2)
                    .max_by(|a, b| {
                        a.1.cmp(&b.1)
                            .then(parts(a.0).cmp(&parts(b.0)))
                            .then(b.0.cmp(a.0))
                    })
                    .map(|(t, _)| t.to_string());
                if let Some(b) = best {
                    rec.canonical = b;
                }
            }
            mapping.insert(local.clone(), target);
        }
        for m in &mut analysis.mentions {
            if let Some(&i) = mapping.get(&m.entity_id) {
                let rec = &self.recs[i];
                m.entity_id = rec.id.clone();
                m.canonical = rec.canonical.clone();
                m.typ = rec.typ;
            }
        }
    }

    /// Resolves a name typed by a user ("Putin", "Lawrow") to entity ids,
    /// best first, using the same rules as linking.
    pub fn lookup(&self, name: &str, lang: &str) -> Vec<String> {
        let forms = forms_of(name, lang);
        let mut out = Vec::new();
        for typ in [EntityType::PER, EntityType::LOC] {
            if let Some(i) = self.find(typ, &forms)
                && !out.contains(&self.recs[i].id)
            {
                out.push(self.recs[i].id.clone());
            }
        }
        out
    }

    /// The entities, in creation order.
    pub fn entities(&self) -> Vec<Entity> {
        self.recs
            .iter()
            .map(|r| Entity {
                id: r.id.clone(),
                canonical: r.canonical.clone(),
                typ: r.typ,
                variants: r
                    .variants
                    .iter()
                    .map(|((text, lang), count)| Variant {
                        text: text.clone(),
                        lang: lang.clone(),
                        count: *count,
                    })
                    .collect(),
                article_ids: r.article_ids.iter().copied().collect(),
            })
            .collect()
    }

    /// One entity by id.
    pub fn get(&self, id: &str) -> Option<Entity> {
        let i = *self.by_id.get(id)?;
        self.entities().into_iter().nth(i)
    }
}
