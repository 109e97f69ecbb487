//! Per-language lexicons: trigger patterns (`events.toml`), role nouns
//! (`roles.toml`) and speech cues (`speech.toml`), read from
//! `data/lang/<code>/` through `newsgraph_lang::resource` and parsed once.
//!
//! Pattern syntax (field `p` of a `[[trigger]]`): space-separated elements
//! matched against lowercased tokens, in order:
//! - `word` matches that exact form; `stem*` matches any form starting with `stem`;
//! - `a|b*|c` matches any alternative;
//! - `~N` skips up to N tokens (for separable verbs, "lud … ein", and
//!   verb-object patterns, "nahm … Einladung an").

use serde::Deserialize;
use std::collections::HashMap;
use std::sync::OnceLock;

/// An error in a lexicon file: which language and file, and why.
#[derive(Debug, thiserror::Error)]
pub enum LexiconError {
    #[error("data/lang/{lang}/{file}: {msg}")]
    Parse {
        lang: String,
        file: String,
        msg: String,
    },
}

/// One atom of a pattern element.
#[derive(Debug, Clone, PartialEq)]
pub enum Atom {
    Exact(String),
    Prefix(String),
}

impl Atom {
    fn parse(s: &str) -> Atom {
        match s.strip_suffix('*') {
            Some(p) => Atom::Prefix(p.to_lowercase()),
            None => Atom::Exact(s.to_lowercase()),
        }
    }
    /// Whether the lowercased token matches.
    pub fn matches(&self, tok: &str) -> bool {
        match self {
            Atom::Exact(w) => tok == w,
            Atom::Prefix(p) => tok.starts_with(p.as_str()),
        }
    }
}

/// A list of atoms (alternatives) matched against one token.
#[derive(Debug, Clone, Default)]
pub struct WordSet {
    atoms: Vec<Atom>,
    /// Exact atoms, for sets large enough that hashing beats scanning.
    exact: std::collections::HashSet<String>,
    /// Prefix atoms of such sets.
    prefixes: Vec<String>,
}

/// Sets up to this size are scanned; larger ones use the hash index.
const SCAN_MAX: usize = 6;

impl WordSet {
    /// A set of the given atoms.
    pub fn new(atoms: Vec<Atom>) -> WordSet {
        let (mut exact, mut prefixes) = (std::collections::HashSet::new(), Vec::new());
        if atoms.len() > SCAN_MAX {
            for a in &atoms {
                match a {
                    Atom::Exact(w) => {
                        exact.insert(w.clone());
                    }
                    Atom::Prefix(p) => prefixes.push(p.clone()),
                }
            }
        }
        WordSet {
            atoms,
            exact,
            prefixes,
        }
    }
    /// Parse `a|b*|c` or a list of such strings.
    pub fn from_list<S: AsRef<str>>(items: &[S]) -> WordSet {
        WordSet::new(
            items
                .iter()
                .flat_map(|s| {
                    s.as_ref()
                        .split('|')
                        .map(str::to_string)
                        .collect::<Vec<_>>()
                })
                .filter(|s| !s.trim().is_empty())
                .map(|s| Atom::parse(s.trim()))
                .collect(),
        )
    }
    /// The atoms, in file order.
    pub fn atoms(&self) -> &[Atom] {
        &self.atoms
    }
    /// Whether the lowercased token matches one of the atoms.
    pub fn matches(&self, tok: &str) -> bool {
        if self.atoms.len() <= SCAN_MAX {
            return self.atoms.iter().any(|a| a.matches(tok));
        }
        self.exact.contains(tok) || self.prefixes.iter().any(|p| tok.starts_with(p.as_str()))
    }
    pub fn is_empty(&self) -> bool {
        self.atoms.is_empty()
    }
}

impl PartialEq for WordSet {
    fn eq(&self, other: &Self) -> bool {
        self.atoms == other.atoms
    }
}

/// A pattern element.
#[derive(Debug, Clone, PartialEq)]
pub enum Elem {
    Word(WordSet),
    Gap(usize),
}

/// A compiled trigger.
#[derive(Debug, Clone)]
pub struct Trigger {
    pub pattern: Vec<Elem>,
    /// PLOVER type.
    pub typ: String,
    pub mode: Option<String>,
    /// The trigger takes a complement whose own triggers it absorbs
    /// ("threatened to ban" is one THREATEN, not THREATEN + COERCE).
    pub governs: bool,
    /// Higher wins among overlapping matches; default: number of word elements.
    pub priority: i32,
    /// Prepositions that introduce the target ("mit", "with", "med").
    pub target_preps: WordSet,
    /// Symmetric events (meet, exchange): a coordinated subject is both sides.
    pub symmetric: bool,
    /// The target is the subject and the source comes after (German
    /// "erhielt … von", "mottok"): swap.
    pub inverse: bool,
    /// A weak cue ("must", "out of the question"): used only when no other
    /// trigger is in the sentence.
    pub weak: bool,
    /// Noun triggers ("Besuch", "visit") need no subject in their clause.
    pub noun: bool,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl Default for OneOrMany {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

impl OneOrMany {
    fn items(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
}

#[derive(Debug, Deserialize, Default)]
struct TriggerDef {
    p: OneOrMany,
    #[serde(rename = "type")]
    typ: String,
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    governs: bool,
    #[serde(default)]
    priority: Option<i32>,
    #[serde(default)]
    target: Vec<String>,
    #[serde(default)]
    symmetric: bool,
    #[serde(default)]
    inverse: bool,
    #[serde(default)]
    weak: bool,
    #[serde(default)]
    noun: bool,
}

#[derive(Debug, Deserialize, Default)]
struct ModalityDef {
    #[serde(default)]
    negation: Vec<String>,
    #[serde(default)]
    possible: Vec<String>,
    #[serde(default)]
    intended: Vec<String>,
    /// Words that end the scope of a cue seen before the trigger.
    #[serde(default)]
    scope_breaks: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
struct SyntaxDef {
    #[serde(default)]
    clause_breaks: Vec<String>,
    #[serde(default)]
    coordinators: Vec<String>,
    #[serde(default)]
    prepositions: Vec<String>,
    #[serde(default)]
    locative: Vec<String>,
    #[serde(default)]
    agent: Vec<String>,
    #[serde(default)]
    passive_aux: Vec<String>,
    #[serde(default)]
    target_default: Vec<String>,
    #[serde(default)]
    date_bounds: Vec<String>,
    /// Words opening a temporal clause that refers back to the date just
    /// before it ("seit 2000, als …", "since 2000, when …").
    #[serde(default)]
    when_clause: Vec<String>,
    /// Prepositions that, right after a trigger, introduce its doer when
    /// the doer is a person or organisation ("Einladung von Putin",
    /// "invitasjon fra presidenten", "a visit from the minister").
    #[serde(default)]
    trigger_agent: Vec<String>,
    #[serde(default)]
    determiners: Vec<String>,
    #[serde(default)]
    pronouns: Vec<String>,
    /// Cues (one or more words) that place an event at or during a
    /// meeting, talks, reception or visit named right after them ("bei",
    /// "während", "am ende", "under", "på slutten av", "during", "at").
    #[serde(default)]
    scene: Vec<String>,
    /// Cues that continue the scene of the event told just before
    /// ("außerdem", "i tillegg", "in addition").
    #[serde(default)]
    continuation: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
struct ActorsDef {
    /// Common nouns that denote actors ("government", "Regierung*").
    #[serde(default)]
    nouns: Vec<String>,
    /// Capitalised words that are never actors (weekdays, months, "The").
    #[serde(default)]
    not_actor: Vec<String>,
    /// Lowercase words that may join a capitalised name ("of", "von", "bin").
    #[serde(default)]
    name_joiners: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
struct ObjectsDef {
    /// Number words and their values ("ein" = 1, "et par" = 2).
    #[serde(default)]
    numbers: HashMap<String, f64>,
    /// Collective words that multiply ("paar" = 2, "pair" = 2).
    #[serde(default)]
    collectives: HashMap<String, f64>,
    /// Noun form/stem → language-neutral concept ("handschuh*" = "glove").
    #[serde(default)]
    concepts: HashMap<String, String>,
}

#[derive(Debug, Deserialize, Default)]
struct EventsFile {
    #[serde(default)]
    trigger: Vec<TriggerDef>,
    #[serde(default)]
    modality: ModalityDef,
    #[serde(default)]
    syntax: SyntaxDef,
    #[serde(default)]
    actors: ActorsDef,
    #[serde(default)]
    objects: ObjectsDef,
}

#[derive(Debug, Deserialize, Default)]
struct RolesFile {
    /// Role noun form/stem → role key ("kremlsprecher*" = "kremlin-spokesperson").
    #[serde(default)]
    roles: HashMap<String, String>,
}

#[derive(Debug, Deserialize, Default)]
struct SpeechFile {
    /// Verbs of saying whose subject is the speaker.
    #[serde(default)]
    verbs: Vec<String>,
    /// Verbs of reporting whose subject is an outlet ("berichtete", "rapporterte").
    #[serde(default)]
    report_verbs: Vec<String>,
    /// Multi-word "according to" cues, each a pattern ("ifølge", "according to", "unter berufung auf").
    #[serde(default)]
    according: Vec<String>,
    /// Postpositional cues ("zufolge": "dem Bericht zufolge").
    #[serde(default)]
    according_post: Vec<String>,
    /// Known news agencies and outlets (usually in `xx/speech.toml`).
    #[serde(default)]
    agencies: Vec<String>,
    /// Quotation mark pairs, open + close, e.g. "„“".
    #[serde(default)]
    quote_pairs: Vec<String>,
}

/// A role noun with its key.
#[derive(Debug, Clone)]
pub struct Role {
    pub atom: Atom,
    pub key: String,
}

/// Everything the extractor knows about one language.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    pub lang: String,
    pub triggers: Vec<Trigger>,
    /// Trigger indexes by exact first word.
    pub by_first_exact: HashMap<String, Vec<usize>>,
    /// Trigger indexes whose first element has a prefix atom.
    pub by_first_prefix: Vec<(String, usize)>,
    /// `by_first_prefix` grouped by the prefix's first character (an empty
    /// prefix under `'\0'`), so a token only meets the prefixes it can match.
    pub prefix_by_char: HashMap<char, Vec<(String, usize)>>,
    pub negation: WordSet,
    pub possible: WordSet,
    pub intended: WordSet,
    pub scope_breaks: WordSet,
    pub clause_breaks: WordSet,
    pub coordinators: WordSet,
    pub prepositions: WordSet,
    pub locative: WordSet,
    pub agent: WordSet,
    pub passive_aux: WordSet,
    pub target_default: WordSet,
    /// Words before a date that make it a bound, not the event's date
    /// ("seit 2019", "since 2019", "until March").
    pub date_bounds: WordSet,
    /// Words opening a temporal clause dated by the date right before it
    /// ("seit 2000, als …": the clause's event is in 2000).
    pub when_clause: WordSet,
    /// Prepositions right after a trigger that introduce its doer
    /// ("Einladung von Putin", "invitasjon fra presidenten").
    pub trigger_agent: WordSet,
    pub determiners: WordSet,
    pub pronouns: WordSet,
    pub actor_nouns: WordSet,
    pub not_actor: WordSet,
    pub name_joiners: WordSet,
    pub numbers: HashMap<String, f64>,
    pub collectives: HashMap<String, f64>,
    pub concepts: Vec<(Atom, String)>,
    pub roles: Vec<Role>,
    /// Index into `roles` of the exact role nouns (first, i.e. longest, wins).
    pub role_exact: HashMap<String, usize>,
    pub speech_verbs: WordSet,
    pub report_verbs: WordSet,
    pub according: Vec<Vec<WordSet>>,
    pub according_post: WordSet,
    /// Scene cues, each a sequence of words, longest first (`[syntax] scene`).
    pub scene: Vec<Vec<WordSet>>,
    /// Continuation cues, each a sequence of words (`[syntax] continuation`).
    pub continuation: Vec<Vec<WordSet>>,
    pub agencies: Vec<String>,
    pub quote_pairs: Vec<(char, char)>,
}

fn parse_pattern(p: &str) -> Vec<Elem> {
    p.split_whitespace()
        .map(|e| {
            if let Some(n) = e.strip_prefix('~').and_then(|n| n.parse::<usize>().ok()) {
                Elem::Gap(n)
            } else {
                Elem::Word(WordSet::from_list(&[e]))
            }
        })
        .collect()
}

/// Multi-word cues as sequences of one-word sets, longest first.
fn word_sequences(items: &[String]) -> Vec<Vec<WordSet>> {
    let mut out: Vec<Vec<WordSet>> = items
        .iter()
        .map(|p| {
            p.split_whitespace()
                .map(|w| WordSet::from_list(&[w]))
                .collect::<Vec<_>>()
        })
        .filter(|v| !v.is_empty())
        .collect();
    out.sort_by_key(|v| std::cmp::Reverse(v.len()));
    out
}

fn parse_toml<T: for<'de> Deserialize<'de> + Default>(
    lang: &str,
    file: &str,
) -> Result<T, LexiconError> {
    match newsgraph_lang::resource(lang, file) {
        None => Ok(T::default()),
        Some(s) => toml::from_str(s).map_err(|e| LexiconError::Parse {
            lang: lang.into(),
            file: file.into(),
            msg: e.to_string(),
        }),
    }
}

impl Lexicon {
    /// Build the lexicon of `lang` from its files plus the language-neutral
    /// `xx` files. A missing file is an empty section; a malformed one is an error.
    pub fn load(lang: &str) -> Result<Lexicon, LexiconError> {
        let ev: EventsFile = parse_toml(lang, "events.toml")?;
        let roles: RolesFile = parse_toml(lang, "roles.toml")?;
        let sp: SpeechFile = parse_toml(lang, "speech.toml")?;
        let sp_xx: SpeechFile = parse_toml("xx", "speech.toml")?;
        let mut lx = Lexicon {
            lang: lang.to_string(),
            ..Default::default()
        };
        for (di, d) in ev.trigger.iter().enumerate() {
            for p in d.p.items() {
                let pattern = parse_pattern(p);
                if pattern.is_empty() || !matches!(pattern[0], Elem::Word(_)) {
                    return Err(LexiconError::Parse {
                        lang: lang.into(),
                        file: "events.toml".into(),
                        msg: format!("trigger {di} ({p:?}): pattern must start with a word"),
                    });
                }
                let i = lx.triggers.len();
                let words = pattern
                    .iter()
                    .filter(|e| matches!(e, Elem::Word(_)))
                    .count() as i32;
                if let Elem::Word(ws) = &pattern[0] {
                    for a in ws.atoms() {
                        match a {
                            Atom::Exact(w) => {
                                lx.by_first_exact.entry(w.clone()).or_default().push(i)
                            }
                            Atom::Prefix(p) => {
                                lx.by_first_prefix.push((p.clone(), i));
                                lx.prefix_by_char
                                    .entry(p.chars().next().unwrap_or('\0'))
                                    .or_default()
                                    .push((p.clone(), i));
                            }
                        }
                    }
                }
                lx.triggers.push(Trigger {
                    pattern,
                    typ: d.typ.to_uppercase(),
                    mode: d.mode.clone().filter(|m| !m.is_empty()),
                    governs: d.governs,
                    priority: d.priority.unwrap_or(words),
                    target_preps: WordSet::from_list(&d.target),
                    symmetric: d.symmetric,
                    inverse: d.inverse,
                    weak: d.weak,
                    noun: d.noun,
                });
            }
        }
        lx.negation = WordSet::from_list(&ev.modality.negation);
        lx.possible = WordSet::from_list(&ev.modality.possible);
        lx.intended = WordSet::from_list(&ev.modality.intended);
        lx.scope_breaks = WordSet::from_list(&ev.modality.scope_breaks);
        let s = &ev.syntax;
        lx.clause_breaks = WordSet::from_list(&s.clause_breaks);
        lx.coordinators = WordSet::from_list(&s.coordinators);
        lx.prepositions = WordSet::from_list(&s.prepositions);
        lx.locative = WordSet::from_list(&s.locative);
        lx.agent = WordSet::from_list(&s.agent);
        lx.passive_aux = WordSet::from_list(&s.passive_aux);
        lx.target_default = WordSet::from_list(&s.target_default);
        lx.date_bounds = WordSet::from_list(&s.date_bounds);
        lx.when_clause = WordSet::from_list(&s.when_clause);
        lx.trigger_agent = WordSet::from_list(&s.trigger_agent);
        lx.determiners = WordSet::from_list(&s.determiners);
        lx.pronouns = WordSet::from_list(&s.pronouns);
        lx.scene = word_sequences(&s.scene);
        lx.continuation = word_sequences(&s.continuation);
        lx.actor_nouns = WordSet::from_list(&ev.actors.nouns);
        lx.not_actor = WordSet::from_list(&ev.actors.not_actor);
        lx.name_joiners = WordSet::from_list(&ev.actors.name_joiners);
        lx.numbers = ev
            .objects
            .numbers
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect();
        lx.collectives = ev
            .objects
            .collectives
            .into_iter()
            .map(|(k, v)| (k.to_lowercase(), v))
            .collect();
        let mut concepts: Vec<(Atom, String)> = ev
            .objects
            .concepts
            .into_iter()
            .map(|(k, v)| (Atom::parse(&k), v))
            .collect();
        // Longest stems first so "handschuh*" wins over "hand*".
        concepts.sort_by_key(|(a, _)| {
            std::cmp::Reverse(match a {
                Atom::Exact(w) | Atom::Prefix(w) => w.len(),
            })
        });
        lx.concepts = concepts;
        let mut roles: Vec<Role> = roles
            .roles
            .into_iter()
            .map(|(k, v)| Role {
                atom: Atom::parse(&k),
                key: v,
            })
            .collect();
        roles.sort_by_key(|r| {
            std::cmp::Reverse(match &r.atom {
                Atom::Exact(w) | Atom::Prefix(w) => w.len(),
            })
        });
        for (i, r) in roles.iter().enumerate() {
            if let Atom::Exact(w) = &r.atom {
                lx.role_exact.entry(w.clone()).or_insert(i);
            }
        }
        lx.roles = roles;
        lx.speech_verbs = WordSet::from_list(&sp.verbs);
        lx.report_verbs = WordSet::from_list(&sp.report_verbs);
        lx.according = sp
            .according
            .iter()
            .map(|p| {
                p.split_whitespace()
                    .map(|w| WordSet::from_list(&[w]))
                    .collect()
            })
            .collect();
        lx.according_post = WordSet::from_list(&sp.according_post);
        lx.agencies = sp
            .agencies
            .iter()
            .chain(sp_xx.agencies.iter())
            .cloned()
            .collect();
        for q in sp.quote_pairs.iter().chain(sp_xx.quote_pairs.iter()) {
            let cs: Vec<char> = q.chars().collect();
            if cs.len() == 2 {
                lx.quote_pairs.push((cs[0], cs[1]));
            }
        }
        Ok(lx)
    }

    /// The concept of a noun form, if the lexicon knows it.
    pub fn concept(&self, lower: &str) -> Option<&str> {
        self.concepts
            .iter()
            .find(|(a, _)| a.matches(lower))
            .map(|(_, c)| c.as_str())
    }

    /// The role key of a noun form, if it is a role noun.
    pub fn role(&self, lower: &str) -> Option<&str> {
        if let Some(&i) = self.role_exact.get(lower) {
            return self.roles.get(i).map(|r| r.key.as_str());
        }
        self.roles
            .iter()
            .find(|r| matches!(r.atom, Atom::Prefix(_)) && r.atom.matches(lower))
            .map(|r| r.key.as_str())
    }
}

/// CAMEO root codes: PLOVER type (and mode) → two-digit CAMEO root, from
/// `data/lang/xx/events.toml` `[cameo]`.
#[derive(Debug, Clone, Default)]
pub struct CameoTable {
    by_type: HashMap<String, String>,
    by_mode: HashMap<String, String>,
    codes: HashMap<String, String>,
}

#[derive(Debug, Deserialize, Default)]
struct CameoFile {
    #[serde(default)]
    cameo: HashMap<String, String>,
    #[serde(default)]
    cameo_mode: HashMap<String, String>,
    #[serde(default)]
    cameo_code: HashMap<String, String>,
}

impl CameoTable {
    /// The CAMEO root for a PLOVER type and mode (`""` if unknown).
    pub fn root(&self, typ: &str, mode: Option<&str>) -> String {
        if let Some(m) = mode
            && let Some(c) = self.by_mode.get(&format!("{typ}/{m}"))
        {
            return c.clone();
        }
        self.by_type.get(typ).cloned().unwrap_or_default()
    }

    /// The full CAMEO event code (three or four digits, e.g. `042` "make a
    /// visit", `1312` "threaten with sanctions") where the mode names one
    /// (`[cameo_code]`, key "TYPE/mode"), else the root's generic code
    /// (root + `0`); `""` if the type is unknown.
    pub fn code(&self, typ: &str, mode: Option<&str>) -> String {
        if let Some(m) = mode
            && let Some(c) = self.codes.get(&format!("{typ}/{m}"))
        {
            return c.clone();
        }
        let root = self.root(typ, mode);
        if root.is_empty() {
            root
        } else {
            format!("{root}0")
        }
    }
}

/// Role keys that name the same kind of office ("leader", "president",
/// "head-of-state"): `data/lang/xx/events.toml` `[role_kin]`, key → kin.
/// Used to resolve "den russiske lederen" to the Russian president the
/// article names.
pub fn role_kin(a: &str, b: &str) -> bool {
    #[derive(Deserialize, Default)]
    struct KinFile {
        #[serde(default)]
        role_kin: HashMap<String, Vec<String>>,
    }
    static T: OnceLock<HashMap<String, Vec<String>>> = OnceLock::new();
    let t = T.get_or_init(|| {
        parse_toml::<KinFile>("xx", "events.toml")
            .unwrap_or_default()
            .role_kin
    });
    a == b
        || t.get(a).is_some_and(|v| v.iter().any(|x| x == b))
        || t.get(b).is_some_and(|v| v.iter().any(|x| x == a))
}

/// The CAMEO table (loaded once).
pub fn cameo() -> &'static CameoTable {
    static T: OnceLock<CameoTable> = OnceLock::new();
    T.get_or_init(|| {
        let f: CameoFile = parse_toml("xx", "events.toml").unwrap_or_default();
        CameoTable {
            by_type: f.cameo,
            by_mode: f.cameo_mode,
            codes: f.cameo_code,
        }
    })
}

/// The lexicon for `lang`, loaded once and cached; a language without files
/// falls back to English cues (an empty trigger list would find nothing).
pub fn lexicon(lang: &str) -> Result<&'static Lexicon, &'static LexiconError> {
    static CACHE: OnceLock<HashMap<String, Result<Lexicon, LexiconError>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| {
        newsgraph_lang::languages()
            .into_iter()
            .filter(|l| *l != "xx")
            .map(|l| (l.to_string(), Lexicon::load(l)))
            .collect()
    });
    let key = match cache.get(lang) {
        Some(Ok(lx)) if !lx.triggers.is_empty() => lang,
        Some(Err(_)) => lang,
        _ => base_lang(lang),
    };
    match cache.get(key).or_else(|| cache.get("en")) {
        Some(Ok(l)) => Ok(l),
        Some(Err(e)) => Err(e),
        None => {
            static EMPTY: OnceLock<Lexicon> = OnceLock::new();
            Ok(EMPTY.get_or_init(Lexicon::default))
        }
    }
}

/// `nn` → `nb`, `no` → `nb`, `de-AT` → `de`; otherwise `en`.
fn base_lang(lang: &str) -> &'static str {
    let l = lang.split(['-', '_']).next().unwrap_or("").to_lowercase();
    match l.as_str() {
        "nn" | "no" | "nb" => "nb",
        "de" => "de",
        _ => "en",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_file_parses() {
        for l in newsgraph_lang::languages() {
            if l == "xx" {
                continue;
            }
            let lx = Lexicon::load(l).unwrap_or_else(|e| panic!("{e}"));
            assert!(!lx.triggers.is_empty(), "{l}: no triggers");
            assert!(!lx.speech_verbs.is_empty(), "{l}: no speech verbs");
        }
        assert_eq!(cameo().root("CONSULT", Some("visit")), "04");
        assert_eq!(cameo().root("FIGHT", Some("heavy-weapons")), "19");
    }

    #[test]
    fn full_cameo_codes_start_with_their_root() {
        let t = cameo();
        assert!(!t.codes.is_empty());
        for (key, code) in &t.codes {
            let (typ, mode) = key.split_once('/').unwrap_or((key, ""));
            let root = t.root(typ, Some(mode));
            assert!(
                code.starts_with(&root) && code.len() > 2,
                "{key} = {code}, root {root:?}"
            );
        }
        assert_eq!(t.code("CONSULT", Some("visit")), "042");
        assert_eq!(t.code("CONSULT", None), "040");
        assert_eq!(t.code("NO-SUCH-TYPE", None), "");
    }
}
