//! Per-language knowledge and text segmentation.
//!
//! Everything language-specific that is not a trained model lives as plain
//! files under `data/lang/<code>/` (month and weekday names, titles, trigger
//! verbs, stop words, junk-line lexicons, abbreviations, …). They are embedded
//! in the binary at build time, so adding a language is adding a folder of
//! files; no code changes. Crates read them through [`resource`] and
//! [`lines`], never with their own file I/O.
//!
//! Conventions for resource files: UTF-8; in line lists (`*.txt`) blank lines
//! and lines starting with `#` are ignored. Structured resources are TOML or
//! JSON and parsed by the crate that owns them.

use include_dir::{Dir, include_dir};
use newsgraph_model::Span;

static LANG_DIR: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../data/lang");

mod segment;
pub use segment::{Token, split_sentences, tokenize};

/// The language codes that have a resource folder.
pub fn languages() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = LANG_DIR
        .dirs()
        .filter_map(|d| d.path().file_name().and_then(|n| n.to_str()))
        .collect();
    v.sort_unstable();
    v
}

/// The raw contents of `data/lang/<lang>/<name>`, if that file exists.
pub fn resource(lang: &str, name: &str) -> Option<&'static str> {
    LANG_DIR
        .get_file(format!("{lang}/{name}"))
        .and_then(|f| f.contents_utf8())
}

/// Non-empty, non-comment, trimmed lines of a line-list resource; empty if
/// the file does not exist.
pub fn lines(lang: &str, name: &str) -> impl Iterator<Item = &'static str> {
    resource(lang, name)
        .unwrap_or("")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Lines of `name` for `lang` and for the language-neutral folder `xx`
/// (shared entries such as URLs patterns or agency names).
pub fn lines_with_common(lang: &str, name: &str) -> impl Iterator<Item = &'static str> {
    lines(lang, name).chain(lines("xx", name))
}

/// The text of a span, convenience for callers holding offsets.
pub fn span_text(text: &str, span: Span) -> &str {
    span.slice(text)
}
