//! Entity linking: every mention resolves to a canonical entity with a stable
//! id, across spellings, transliterations and languages, backed by
//! multilingual gazetteers; adjectives of place become place relations.
//!
//! Two steps:
//! 1. [`Linker::link_article`] (pure, per article): tagged spans → mentions
//!    clustered within the article (variants by case, diacritics,
//!    transliteration families, genitive endings, hyphenation and spacing;
//!    short forms such as "Putin" after "Wladimir Putin"), places resolved
//!    through the gazetteer (`loc:iso:KP`, `loc:geonames:524901`), other
//!    clusters given a provisional id `<type>:<slug of canonical>`.
//! 2. [`EntityRegistry::resolve`] (ordered, across articles): provisional ids
//!    become registry ids, so "Putin" in article 5 and "Vladimir Putin" (nb)
//!    get the id of "Wladimir Putin" (de) from article 1.
//!
//! Rules live in data files: `data/lang/xx/translit.toml` (name-key rules),
//! `data/lang/<code>/link.toml` (genitive endings, titles, designators,
//! adjective/demonym rules and exceptions), `data/gazetteer/*.tsv`.

pub mod article;
pub mod gazetteer;
pub mod key;
pub mod name;
pub mod registry;
pub mod rules;

pub use article::{Linker, RawMention, sentence_at, word_ranges};
pub use gazetteer::{Gazetteer, Place, PlaceKind};
pub use name::{NameForm, same_person};
pub use registry::EntityRegistry;

/// Errors of the linker: only bad embedded data can fail.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LinkError {
    /// A rule or gazetteer file does not parse.
    #[error("{file}: {message}")]
    Data { file: String, message: String },
}

/// The key of a name under the rules of `lang` ("Lawrow" and "Lavrov" → `lavrov`).
pub fn name_key(name: &str, lang: &str) -> Result<String, LinkError> {
    Ok(key::name_key_with(
        rules::common()?,
        rules::lang_rules(lang)?,
        name,
    ))
}

/// The person-name form of `name` under the rules of `lang`.
pub fn name_form(name: &str, lang: &str) -> Result<NameForm, LinkError> {
    Ok(NameForm::new(
        rules::common()?,
        rules::lang_rules(lang)?,
        name,
    ))
}
