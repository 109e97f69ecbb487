//! Name keys: the normal form under which spellings of one name compare equal.
//!
//! `fold` lowercases, removes diacritics and maps special letters (ß, ø, æ …);
//! `parts` splits a name at spaces, hyphens and other punctuation (apostrophes
//! are dropped: "P'yongyang" = "Pyongyang") and rewrites each part with the
//! language's pre-rules and the neutral transliteration rules, so "Kim Jong-un",
//! "Kim Jong Un" and "Kim jong-un" all give `["kim", "iong", "un"]`, and
//! "Wladimir"/"Vladimir", "Lawrow"/"Lavrov", "Pjöngjang"/"Pyongyang" agree.

use crate::rules::{CommonRules, LangRules};
use unicode_normalization::UnicodeNormalization;

fn is_combining(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// Lowercase, diacritics removed, special letters folded; punctuation kept.
pub fn fold_with(c: &CommonRules, s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.nfkd() {
        if is_combining(ch) {
            continue;
        }
        for lc in ch.to_lowercase() {
            match c.fold.get(&lc) {
                Some(m) => out.push_str(m),
                None => out.push(lc),
            }
        }
    }
    out
}

fn apply_rules(s: &mut String, rules: &[(String, String)]) {
    for (from, to) in rules {
        if !from.is_empty() && s.contains(from.as_str()) {
            *s = s.replace(from.as_str(), to);
        }
    }
}

/// Rewrites one folded part into its key.
fn part_key(c: &CommonRules, l: &LangRules, part: &str) -> String {
    let mut s = part.to_string();
    apply_rules(&mut s, &l.pre_translit);
    apply_rules(&mut s, &c.rules);
    for (from, to) in &c.end_rules {
        if s.len() > from.len() + 1 && s.ends_with(from.as_str()) {
            s.truncate(s.len() - from.len());
            s.push_str(to);
            break;
        }
    }
    // Collapse doubled letters ("Dmitrii" → "dmitri", "Schoiggu" → "shoigu").
    let mut out = String::with_capacity(s.len());
    let mut prev = None;
    for ch in s.chars() {
        if Some(ch) != prev {
            out.push(ch);
        }
        prev = Some(ch);
    }
    out
}

/// The folded parts of a name (before transliteration), e.g.
/// "Kim Jong-un" → `["kim", "jong", "un"]`.
pub fn folded_parts_with(c: &CommonRules, s: &str) -> Vec<String> {
    let f = fold_with(c, s);
    let mut parts = Vec::new();
    let mut cur = String::new();
    for ch in f.chars() {
        if ch.is_alphanumeric() {
            cur.push(ch);
        } else if matches!(ch, '\'' | '’' | 'ʼ' | '`' | '´' | '\u{ad}') {
            // dropped inside a word
        } else if !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

/// The key of each part of a name.
pub fn parts_with(c: &CommonRules, l: &LangRules, s: &str) -> Vec<String> {
    folded_parts_with(c, s)
        .iter()
        .map(|p| part_key(c, l, p))
        .filter(|p| !p.is_empty())
        .collect()
}

/// The key of a whole name: its part keys joined without separators, so
/// "Nord-Korea" = "Nordkorea" and "Kim Jong Un" = "Kim Jong-un".
pub fn name_key_with(c: &CommonRules, l: &LangRules, s: &str) -> String {
    parts_with(c, l, s).concat()
}

/// ASCII slug for ids: "Wladimir Putin" → "wladimir-putin".
pub fn slug(c: &CommonRules, s: &str) -> String {
    let f = fold_with(c, s);
    let mut out = String::with_capacity(f.len());
    for ch in f.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch);
        } else if ch.is_alphanumeric() {
            // Non-Latin scripts: keep the letter (ids are UTF-8 strings).
            out.push(ch);
        } else if matches!(ch, '\'' | '’') {
            continue;
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}
