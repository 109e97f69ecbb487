//! Loading and compiling the per-language resource files
//! (`data/lang/<code>/time.toml`, merged with `data/lang/xx/time.toml`).

use regex::{Regex, RegexBuilder, RegexSet, RegexSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use crate::TimeError;

/// The name of the resource file of this crate in every language folder.
pub const RESOURCE: &str = "time.toml";

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    settings: RawSettings,
    #[serde(default)]
    macros: BTreeMap<String, String>,
    #[serde(default)]
    lexicon: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    tense: RawTense,
    #[serde(default)]
    rule: Vec<RawRule>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    /// Words joining parts of a number word ("vierundzwanzig", "one hundred and ten").
    #[serde(default)]
    number_joiners: Vec<String>,
    /// Words that, in a short header line, may surround a date without
    /// making the line prose ("Publisert", "Updated", "Uhr").
    #[serde(default)]
    dateline_words: Vec<String>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawTense {
    #[serde(default)]
    past: Vec<String>,
    #[serde(default)]
    future: Vec<String>,
    /// Weak past cues (e.g. English "-ed" forms): count only right next to
    /// the expression.
    #[serde(default)]
    past_weak: Vec<String>,
    /// Verbs of saying: set the tense only inside their own clause.
    #[serde(default)]
    report: Vec<String>,
}

#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: String,
    pattern: String,
    #[serde(rename = "type")]
    typ: String,
    value: String,
    #[serde(default, rename = "mod")]
    modifier: Option<String>,
    /// Whether a pre-modifier ("Mitte", "early", "more than") may extend it.
    #[serde(default = "yes")]
    premod: bool,
    /// Regex tried on the text right after the match; a hit rejects it
    /// ("52 years old").
    #[serde(default)]
    reject_after: Option<String>,
    /// `year-before`: "a year ago" after a quarter or half-year was named
    /// means that period a year earlier; `period`: the last named quarter
    /// or half-year ("the latest period"); `ref(Y|M|D,n)`: the last named
    /// date shifted by n units ("the following year" = `ref(Y,+1)`).
    #[serde(default)]
    anaphor: Option<String>,
}

fn yes() -> bool {
    true
}

/// One compiled rule.
#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub re: Regex,
    pub typ: newsgraph_model::TimexType,
    pub value: String,
    pub modifier: Option<String>,
    pub premod: bool,
    /// `None` for blocking rules (`type = "NONE"`): the text is not a timex.
    pub blocks: bool,
    pub reject_after: Option<Regex>,
    pub anaphor: Option<crate::engine::Anaphor>,
}

/// Everything needed to tag one language.
#[derive(Debug)]
pub struct Grammar {
    pub lang: String,
    /// Union of all rules, unanchored, without captures: finds candidate starts.
    pub finder: Regex,
    /// The rules anchored at the start of the haystack, as a set.
    pub set: RegexSet,
    pub rules: Vec<Rule>,
    /// Lexicons, keys lower-cased.
    pub lexicons: HashMap<String, HashMap<String, String>>,
    pub past: Option<Regex>,
    pub future: Option<Regex>,
    pub past_weak: Option<Regex>,
    pub report: Option<Regex>,
    /// Pre-modifier matcher for any type: text ending in "Mitte " etc.
    pub premod: Option<Regex>,
    /// Pre-modifier matcher for durations: "mehr als " etc.
    pub premod_duration: Option<Regex>,
    pub number_joiners: Vec<String>,
    pub dateline_words: Vec<String>,
}

impl Grammar {
    /// Look `key` up in lexicon `lex`, case-insensitively, also without a
    /// trailing period and with inner whitespace collapsed.
    pub fn lookup(&self, lex: &str, key: &str) -> Option<&str> {
        let l = self.lexicons.get(lex)?;
        let k = normalise_key(key);
        if let Some(v) = l.get(&k) {
            return Some(v.as_str());
        }
        let t = k.trim_end_matches('.');
        l.get(t).map(String::as_str)
    }
}

fn normalise_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.trim().chars() {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    out
}

type Cache = Mutex<HashMap<String, Option<Arc<Grammar>>>>;

fn cache() -> &'static Cache {
    static C: OnceLock<Cache> = OnceLock::new();
    C.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The compiled grammar of `lang` (cached), or `None` when the language has
/// no `time.toml` or its resources do not compile (the error is printed once
/// to stderr; [`try_compile`] returns it).
pub fn grammar(lang: &str) -> Option<Arc<Grammar>> {
    let lang = base_lang(lang);
    let mut map = match cache().lock() {
        Ok(m) => m,
        Err(p) => p.into_inner(),
    };
    if let Some(g) = map.get(&lang) {
        return g.clone();
    }
    let g = match try_compile(&lang) {
        Ok(g) => g.map(Arc::new),
        Err(e) => {
            eprintln!("newsgraph-time: {e}");
            None
        }
    };
    map.insert(lang, g.clone());
    g
}

/// Lower-cased primary subtag: `de-AT` → `de`, `no` → `nb`.
pub fn base_lang(lang: &str) -> String {
    let l = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match l.as_str() {
        "no" | "nor" | "nob" => "nb".into(),
        "nno" => "nn".into(),
        "deu" | "ger" => "de".into(),
        "eng" => "en".into(),
        _ => l,
    }
}

/// Compile the grammar of `lang` from its resources. `Ok(None)` when the
/// language has no `time.toml`.
pub fn try_compile(lang: &str) -> Result<Option<Grammar>, TimeError> {
    let Some(src) = newsgraph_lang::resource(lang, RESOURCE) else {
        return Ok(None);
    };
    let own: RawFile = toml::from_str(src).map_err(|e| TimeError::Resource {
        file: format!("{lang}/{RESOURCE}"),
        msg: e.to_string(),
    })?;
    let common: RawFile = match newsgraph_lang::resource("xx", RESOURCE) {
        Some(_) if lang == "xx" => RawFile::default(),
        Some(s) => toml::from_str(s).map_err(|e| TimeError::Resource {
            file: format!("xx/{RESOURCE}"),
            msg: e.to_string(),
        })?,
        None => RawFile::default(),
    };
    compile(lang, own, common).map(Some)
}

fn compile(lang: &str, own: RawFile, common: RawFile) -> Result<Grammar, TimeError> {
    let err = |msg: String| TimeError::Resource {
        file: format!("{lang}/{RESOURCE}"),
        msg,
    };
    // Lexicons: common first, the language's own entries extend/override.
    let mut lexicons: HashMap<String, HashMap<String, String>> = HashMap::new();
    for (name, entries) in common.lexicon.into_iter().chain(own.lexicon) {
        let l = lexicons.entry(name).or_default();
        for (k, v) in entries {
            l.insert(normalise_key(&k), v);
        }
    }
    let mut macros = common.macros;
    macros.extend(own.macros);
    let mut rules_raw = own.rule;
    rules_raw.extend(common.rule);

    let mut expanded = Vec::with_capacity(rules_raw.len());
    let mut rules = Vec::with_capacity(rules_raw.len());
    for r in &rules_raw {
        let pat = expand(&r.pattern, &macros, &lexicons, 0)
            .map_err(|m| err(format!("rule {}: {m}", r.id)))?;
        let blocks = r.typ == "NONE";
        let typ = match r.typ.as_str() {
            "DATE" | "NONE" => newsgraph_model::TimexType::Date,
            "TIME" => newsgraph_model::TimexType::Time,
            "DURATION" => newsgraph_model::TimexType::Duration,
            "SET" => newsgraph_model::TimexType::Set,
            t => return Err(err(format!("rule {}: unknown type {t}", r.id))),
        };
        let re = build(&format!("^(?:{pat})")).map_err(|e| err(format!("rule {}: {e}", r.id)))?;
        rules.push(Rule {
            id: r.id.clone(),
            re,
            typ,
            value: r.value.clone(),
            modifier: r.modifier.clone(),
            premod: r.premod,
            blocks,
            reject_after: match &r.reject_after {
                Some(p) => Some(
                    build(&format!(
                        "^(?:{})",
                        expand(p, &macros, &lexicons, 0).map_err(&err)?
                    ))
                    .map_err(|e| err(format!("rule {}: reject_after: {e}", r.id)))?,
                ),
                None => None,
            },
            anaphor: match &r.anaphor {
                Some(a) => Some(crate::engine::Anaphor::parse(a).ok_or_else(|| {
                    err(format!(
                        "rule {}: unknown anaphor {a:?} (year-before, period, ref(Y|M|D,n))",
                        r.id
                    ))
                })?),
                None => None,
            },
        });
        expanded.push(pat);
    }
    let anon: Vec<String> = expanded.iter().map(|p| strip_names(p)).collect();
    let finder = build(&format!("(?:{})", anon.join(")|(?:")))
        .map_err(|e| err(format!("union of rules: {e}")))?;
    let set = RegexSetBuilder::new(anon.iter().map(|p| format!("^(?:{p})")))
        .case_insensitive(true)
        .size_limit(256 << 20)
        .dfa_size_limit(64 << 20)
        .build()
        .map_err(|e| err(format!("rule set: {e}")))?;

    let words = |list: &[String]| -> Result<Option<Regex>, TimeError> {
        if list.is_empty() {
            return Ok(None);
        }
        let alts: Vec<String> = list
            .iter()
            .map(|w| expand(w, &macros, &lexicons, 0))
            .collect::<Result<_, _>>()
            .map_err(err)?;
        build(&format!("(?-u:\\b)(?:{})(?-u:\\b)", alts.join("|")))
            .map(Some)
            .map_err(|e| err(format!("tense cues: {e}")))
    };
    let past = words(&own.tense.past)?;
    let future = words(&own.tense.future)?;
    let past_weak = words(&own.tense.past_weak)?;
    let report = words(&own.tense.report)?;
    let premod_re = |name: &str| -> Result<Option<Regex>, TimeError> {
        let Some(l) = lexicons.get(name) else {
            return Ok(None);
        };
        if l.is_empty() {
            return Ok(None);
        }
        let alt = alternation(l.keys());
        build(&format!("(?:^|[^\\pL\\pN])(?P<m>{alt})(?:\\s+|-)$"))
            .map(Some)
            .map_err(|e| err(format!("lexicon {name}: {e}")))
    };
    let premod = premod_re("premod")?;
    let premod_duration = premod_re("premod_duration")?;
    let mut number_joiners = common.settings.number_joiners;
    number_joiners.extend(own.settings.number_joiners);
    let mut dateline_words: Vec<String> = common
        .settings
        .dateline_words
        .into_iter()
        .chain(own.settings.dateline_words)
        .map(|w| w.to_lowercase())
        .collect();
    dateline_words.sort();
    Ok(Grammar {
        lang: lang.to_string(),
        finder,
        set,
        rules,
        lexicons,
        past,
        future,
        past_weak,
        report,
        premod,
        premod_duration,
        number_joiners,
        dateline_words,
    })
}

fn build(pat: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pat)
        .case_insensitive(true)
        .size_limit(256 << 20)
        .dfa_size_limit(64 << 20)
        .build()
}

/// Regex alternation of lexicon keys, longest first; spaces match any
/// whitespace run, a trailing "." is optional.
fn alternation<'a>(keys: impl Iterator<Item = &'a String>) -> String {
    let mut ks: Vec<&String> = keys.collect();
    ks.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    ks.dedup();
    let parts: Vec<String> = ks
        .iter()
        .map(|k| regex::escape(k).replace(' ', "\\s+"))
        .collect();
    format!("(?:{})", parts.join("|"))
}

/// Expand `%name` (macro or lexicon), `\d` (ASCII digit) and `\b` (ASCII
/// word boundary; the engine re-checks Unicode boundaries).
fn expand(
    pat: &str,
    macros: &BTreeMap<String, String>,
    lexicons: &HashMap<String, HashMap<String, String>>,
    depth: usize,
) -> Result<String, String> {
    if depth > 8 {
        return Err("macros nest too deep (cycle?)".into());
    }
    let mut out = String::with_capacity(pat.len() * 2);
    let b = pat.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' && i + 1 < b.len() {
            match b[i + 1] {
                b'd' => out.push_str("[0-9]"),
                b'b' => out.push_str("(?-u:\\b)"),
                _ => {
                    out.push('\\');
                    // push the escaped char (may be multi-byte)
                    let ch = pat[i + 1..].chars().next().unwrap_or(' ');
                    out.push(ch);
                    i += 1 + ch.len_utf8();
                    continue;
                }
            }
            i += 2;
            continue;
        }
        if c == b'%' {
            let mut j = i + 1;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            let name = &pat[i + 1..j];
            if name.is_empty() {
                out.push('%');
                i += 1;
                continue;
            }
            if let Some(m) = macros.get(name) {
                let e = expand(m, macros, lexicons, depth + 1)?;
                out.push_str("(?:");
                out.push_str(&e);
                out.push(')');
            } else if let Some(l) = lexicons.get(name) {
                out.push_str(&alternation(l.keys()));
            } else {
                return Err(format!("unknown macro or lexicon %{name}"));
            }
            i = j;
            continue;
        }
        let ch = pat[i..].chars().next().unwrap_or(' ');
        out.push(ch);
        i += ch.len_utf8();
    }
    Ok(out)
}

/// `(?P<name>` / `(?<name>` → `(?:` so patterns can be unioned.
fn strip_names(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut rest = p;
    loop {
        let a = rest.find("(?P<");
        let b = rest.find("(?<");
        let (pos, skip) = match (a, b) {
            (Some(x), Some(y)) if x <= y => (x, 4),
            (Some(x), None) => (x, 4),
            (_, Some(y)) => (y, 3),
            (None, None) => break,
        };
        // a preceding backslash means a literal "(": keep as is
        if pos > 0 && rest.as_bytes()[pos - 1] == b'\\' {
            out.push_str(&rest[..pos + 1]);
            rest = &rest[pos + 1..];
            continue;
        }
        out.push_str(&rest[..pos]);
        let after = &rest[pos + skip..];
        match after.find('>') {
            Some(e) => {
                out.push_str("(?:");
                rest = &after[e + 1..];
            }
            None => {
                out.push_str(&rest[pos..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_group_names() {
        assert_eq!(strip_names("(?P<a>x)(?<b>y)\\(?P<"), "(?:x)(?:y)\\(?P<");
    }

    #[test]
    fn every_language_compiles() {
        for l in ["de", "en", "nb", "nn"] {
            let g = try_compile(l).unwrap_or_else(|e| panic!("{l}: {e}"));
            assert!(g.is_some(), "{l} has no time.toml");
        }
    }
}
