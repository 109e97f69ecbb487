//! Per-language text analysers, configured by `data/lang/<code>/search.toml`.
//!
//! A language folder may hold a `search.toml` such as
//!
//! ```toml
//! stemmer = "german"
//! ```
//!
//! Languages sharing a stemmer share one pair of index fields
//! (`title_<stemmer>`, `body_<stemmer>`); every other language goes to the
//! `plain` analyser (lower-casing and ASCII folding, no stemming). All
//! analysers split on non-alphanumeric characters, lower-case, stem, and then
//! fold diacritics, so `Pjongjang` finds `Pjöngjang` and `Nord-Korea` finds
//! `Nordkorea`'s pieces.

use std::collections::BTreeMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer,
};

/// The analyser used for languages without a `search.toml`, and for entity names.
pub const PLAIN: &str = "plain";

/// The name under which an analyser's tokenizer is registered in the index.
pub fn tokenizer_name(analyser: &str) -> String {
    format!("ng_{analyser}")
}

#[derive(serde::Deserialize)]
struct SearchToml {
    stemmer: Option<String>,
}

/// Maps a stemmer name (as written in `search.toml`) to tantivy's stemmer language.
pub fn stemmer_language(name: &str) -> Option<Language> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "arabic" => Language::Arabic,
        "danish" => Language::Danish,
        "dutch" => Language::Dutch,
        "english" => Language::English,
        "finnish" => Language::Finnish,
        "french" => Language::French,
        "german" => Language::German,
        "greek" => Language::Greek,
        "hungarian" => Language::Hungarian,
        "italian" => Language::Italian,
        "norwegian" => Language::Norwegian,
        "portuguese" => Language::Portuguese,
        "romanian" => Language::Romanian,
        "russian" => Language::Russian,
        "spanish" => Language::Spanish,
        "swedish" => Language::Swedish,
        "tamil" => Language::Tamil,
        "turkish" => Language::Turkish,
        _ => return None,
    })
}

/// Which analyser each language uses, read from the embedded language resources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzerConfig {
    /// language code → analyser name (a stemmer name).
    by_lang: BTreeMap<String, String>,
}

impl AnalyzerConfig {
    /// Reads every `data/lang/<code>/search.toml`. A file naming an unknown
    /// stemmer is ignored (that language falls back to the plain analyser);
    /// the problem is returned so callers can report it.
    pub fn from_resources() -> (AnalyzerConfig, Vec<String>) {
        let mut by_lang = BTreeMap::new();
        let mut problems = Vec::new();
        for lang in newsgraph_lang::languages() {
            let Some(text) = newsgraph_lang::resource(lang, "search.toml") else {
                continue;
            };
            match toml::from_str::<SearchToml>(text) {
                Ok(SearchToml {
                    stemmer: Some(name),
                }) => {
                    let name = name.trim().to_ascii_lowercase();
                    if stemmer_language(&name).is_some() {
                        by_lang.insert(lang.to_string(), name);
                    } else {
                        problems.push(format!(
                            "data/lang/{lang}/search.toml: unknown stemmer {name:?}"
                        ));
                    }
                }
                Ok(SearchToml { stemmer: None }) => {}
                Err(e) => problems.push(format!("data/lang/{lang}/search.toml: {e}")),
            }
        }
        (AnalyzerConfig { by_lang }, problems)
    }

    /// A configuration from explicit pairs (language code, stemmer name);
    /// pairs with an unknown stemmer are skipped.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> AnalyzerConfig {
        let by_lang = pairs
            .into_iter()
            .filter(|(_, s)| stemmer_language(s).is_some())
            .map(|(l, s)| (l.to_ascii_lowercase(), s.to_ascii_lowercase()))
            .collect();
        AnalyzerConfig { by_lang }
    }

    /// The analyser for a language code (`plain` when it has none). Region
    /// subtags are ignored (`de-AT` → `de`).
    pub fn analyser_for(&self, lang: &str) -> &str {
        let base = lang
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        self.by_lang.get(&base).map(String::as_str).unwrap_or(PLAIN)
    }

    /// Every analyser name, `plain` first, then the stemmers sorted.
    pub fn analysers(&self) -> Vec<String> {
        let mut v: Vec<String> = self.by_lang.values().cloned().collect();
        v.sort();
        v.dedup();
        v.insert(0, PLAIN.to_string());
        v
    }

    /// A string that changes whenever the analysis of some language changes;
    /// an index built with another fingerprint must be rebuilt.
    pub fn fingerprint(&self) -> String {
        self.by_lang
            .iter()
            .map(|(l, s)| format!("{l}={s}"))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Builds the tantivy analyser for a name from [`Self::analysers`].
    pub fn build(analyser: &str) -> TextAnalyzer {
        let base = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(60))
            .filter(LowerCaser);
        match stemmer_language(analyser) {
            Some(lang) => base
                .filter(Stemmer::new(lang))
                .filter(AsciiFoldingFilter)
                .build(),
            None => base.filter(AsciiFoldingFilter).build(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(analyser: &str, text: &str) -> Vec<String> {
        let mut a = AnalyzerConfig::build(analyser);
        let mut out = Vec::new();
        let mut s = a.token_stream(text);
        while s.advance() {
            out.push(s.token().text.clone());
        }
        out
    }

    #[test]
    fn german_stems_inflections_to_one_term() {
        assert_eq!(
            tokens("german", "Besuch"),
            tokens("german", "Besuches"),
            "Besuch/Besuches"
        );
        assert_eq!(tokens("german", "Raketen"), tokens("german", "Rakete"));
    }

    #[test]
    fn norwegian_stems_definite_forms() {
        assert_eq!(tokens("norwegian", "besøket"), tokens("norwegian", "besøk"));
        assert_eq!(
            tokens("norwegian", "rakettene"),
            tokens("norwegian", "raketter")
        );
    }

    #[test]
    fn diacritics_fold_after_stemming() {
        assert_eq!(tokens("german", "Pjöngjang"), tokens("german", "Pjongjang"));
        assert_eq!(tokens("plain", "Pjöngjang"), vec!["pjongjang".to_string()]);
    }

    #[test]
    fn resources_configure_the_main_languages() {
        let (cfg, problems) = AnalyzerConfig::from_resources();
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(cfg.analyser_for("de"), "german");
        assert_eq!(cfg.analyser_for("de-AT"), "german");
        assert_eq!(cfg.analyser_for("nb"), "norwegian");
        assert_eq!(cfg.analyser_for("nn"), "norwegian");
        assert_eq!(cfg.analyser_for("en"), "english");
        assert_eq!(cfg.analyser_for("und"), PLAIN);
        assert_eq!(cfg.analysers()[0], PLAIN);
    }
}
