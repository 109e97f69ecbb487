//! Per-language linking rules, read from `data/lang/<code>/link.toml` on top
//! of `data/lang/xx/link.toml`, and the name-key transliteration table
//! `data/lang/xx/translit.toml`.

use crate::LinkError;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

#[derive(Debug, Default, Deserialize)]
struct TranslitFile {
    #[serde(default)]
    rules: Vec<(String, String)>,
    #[serde(default)]
    end_rules: Vec<(String, String)>,
    #[serde(default)]
    fold: BTreeMap<String, String>,
}

#[derive(Debug, Default, Deserialize)]
struct AffixFile {
    #[serde(default)]
    rules: Vec<(String, String)>,
    #[serde(default)]
    endings: Vec<String>,
    #[serde(default)]
    compounds: bool,
    #[serde(default)]
    name_compounds: bool,
    #[serde(default)]
    exceptions: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
struct LinkFile {
    #[serde(default)]
    translit: Vec<(String, String)>,
    #[serde(default)]
    genitive: Vec<String>,
    #[serde(default)]
    titles: Vec<String>,
    #[serde(default)]
    designators: Vec<String>,
    #[serde(default)]
    family_first: Vec<String>,
    #[serde(default)]
    name_particles: Vec<String>,
    #[serde(default)]
    adjectives: Option<AffixFile>,
    #[serde(default)]
    demonyms: Option<AffixFile>,
}

/// Rules deriving adjectives (or inhabitant nouns) of place from gazetteer names.
#[derive(Debug, Clone, Default)]
pub struct AffixRules {
    /// `(name suffix, replacement)`, all tried.
    pub rules: Vec<(String, String)>,
    /// Inflection endings allowed after a stem.
    pub endings: Vec<String>,
    /// A stem may start a longer lowercase word ("russiskprodusert").
    pub compounds: bool,
    /// A place name may start a longer word ("Russlandbesuch").
    pub name_compounds: bool,
    /// Irregular forms, keyed by ISO country code or GeoNames id.
    pub exceptions: BTreeMap<String, Vec<String>>,
}

/// Everything language-specific the linker needs for one language.
#[derive(Debug, Clone, Default)]
pub struct LangRules {
    pub lang: String,
    /// Rewrite rules run before the language-neutral ones.
    pub pre_translit: Vec<(String, String)>,
    /// Genitive/possessive endings as written (lowercase), longest first.
    pub genitive: Vec<String>,
    /// Title/role words stripped from the edges of person mentions (folded).
    pub titles: HashSet<String>,
    /// Generic words dropped from place/organisation names (keys).
    pub designators: HashSet<String>,
    pub adjectives: AffixRules,
    pub demonyms: AffixRules,
}

/// Language-neutral tables.
#[derive(Debug, Clone, Default)]
pub struct CommonRules {
    pub fold: HashMap<char, String>,
    pub rules: Vec<(String, String)>,
    pub end_rules: Vec<(String, String)>,
    /// Family-first surnames (keys).
    pub family_first: HashSet<String>,
    /// Lowercase particles inside names ("von", "bin").
    pub particles: HashSet<String>,
}

fn parse_link(lang: &str) -> Result<LinkFile, LinkError> {
    match newsgraph_lang::resource(lang, "link.toml") {
        None => Ok(LinkFile::default()),
        Some(s) => toml::from_str(s).map_err(|e| LinkError::Data {
            file: format!("data/lang/{lang}/link.toml"),
            message: e.to_string(),
        }),
    }
}

/// The language-neutral tables, parsed once.
pub fn common() -> Result<&'static CommonRules, LinkError> {
    static CELL: OnceLock<Result<CommonRules, LinkError>> = OnceLock::new();
    CELL.get_or_init(build_common)
        .as_ref()
        .map_err(Clone::clone)
}

fn build_common() -> Result<CommonRules, LinkError> {
    let t: TranslitFile = match newsgraph_lang::resource("xx", "translit.toml") {
        None => TranslitFile::default(),
        Some(s) => toml::from_str(s).map_err(|e| LinkError::Data {
            file: "data/lang/xx/translit.toml".into(),
            message: e.to_string(),
        })?,
    };
    let mut fold = HashMap::new();
    for (k, v) in t.fold {
        let mut cs = k.chars();
        if let (Some(c), None) = (cs.next(), cs.next()) {
            fold.insert(c, v);
        }
    }
    let x = parse_link("xx")?;
    let mut c = CommonRules {
        fold,
        rules: t.rules,
        end_rules: t.end_rules,
        family_first: HashSet::new(),
        particles: x.name_particles.iter().map(|s| s.to_lowercase()).collect(),
    };
    let neutral = LangRules::default();
    for f in &x.family_first {
        let k = crate::key::name_key_with(&c, &neutral, f);
        c.family_first.insert(k);
    }
    Ok(c)
}

/// The rules of `lang` (the neutral ones when it has no `link.toml`), parsed once.
pub fn lang_rules(lang: &str) -> Result<&'static LangRules, LinkError> {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static LangRules>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut g = match cache.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    if let Some(r) = g.get(lang) {
        return Ok(r);
    }
    let r: &'static LangRules = Box::leak(Box::new(build_lang(lang)?));
    g.insert(lang.to_string(), r);
    Ok(r)
}

fn affix(a: Option<AffixFile>) -> AffixRules {
    let a = a.unwrap_or_default();
    AffixRules {
        rules: a
            .rules
            .into_iter()
            .map(|(x, y)| (x.to_lowercase(), y.to_lowercase()))
            .collect(),
        endings: a.endings.into_iter().map(|e| e.to_lowercase()).collect(),
        compounds: a.compounds,
        name_compounds: a.name_compounds,
        exceptions: a
            .exceptions
            .into_iter()
            .map(|(k, v)| (k, v.into_iter().map(|s| s.to_lowercase()).collect()))
            .collect(),
    }
}

fn build_lang(lang: &str) -> Result<LangRules, LinkError> {
    let c = common()?;
    let x = parse_link("xx")?;
    let l = if lang == "xx" {
        LinkFile::default()
    } else {
        parse_link(lang)?
    };
    let mut r = LangRules {
        lang: lang.to_string(),
        pre_translit: l.translit,
        ..Default::default()
    };
    let mut genv: Vec<String> = l
        .genitive
        .iter()
        .chain(x.genitive.iter())
        .map(|g| g.to_lowercase())
        .filter(|g| !g.is_empty())
        .collect();
    genv.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    genv.dedup();
    r.genitive = genv;
    r.titles = l
        .titles
        .iter()
        .chain(x.titles.iter())
        .map(|t| t.to_lowercase().trim_end_matches('.').to_string())
        .collect();
    let designators: Vec<String> = l
        .designators
        .iter()
        .chain(x.designators.iter())
        .cloned()
        .collect();
    for d in designators {
        let k = crate::key::name_key_with(c, &r, &d);
        r.designators.insert(k);
    }
    r.adjectives = affix(l.adjectives);
    r.demonyms = affix(l.demonyms);
    Ok(r)
}
