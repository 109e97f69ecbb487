//! Person-name structure: parts, family name, given names, and the guard
//! that decides whether two written names can be the same person.

use crate::key;
use crate::rules::{CommonRules, LangRules};

/// A name split into keyed parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameForm {
    /// Part keys ("Kim Jong-un" → `["kim", "iong", "un"]`).
    pub parts: Vec<String>,
    /// Parts joined: the whole-name key.
    pub key: String,
    /// Family name first (East Asian order).
    pub family_first: bool,
}

impl NameForm {
    /// Builds the form of `text` under the rules of its language.
    pub fn new(c: &CommonRules, l: &LangRules, text: &str) -> NameForm {
        let folded = key::folded_parts_with(c, text);
        let parts = key::parts_with(c, l, text);
        let family_first = parts.len() >= 2
            && c.family_first.contains(&parts[0])
            && (parts.len() >= 3
                || text
                    .split_whitespace()
                    .skip(1)
                    .any(|w| w.contains('-') || w.contains('\u{2011}'))
                || folded.first().is_some_and(|f| f.chars().count() <= 2));
        NameForm {
            key: parts.concat(),
            parts,
            family_first,
        }
    }

    /// The family name: first part for family-first names, else the last.
    pub fn surname(&self) -> &str {
        if self.family_first {
            self.parts.first().map(String::as_str).unwrap_or("")
        } else {
            self.parts.last().map(String::as_str).unwrap_or("")
        }
    }

    /// The given names (everything but the family name).
    pub fn given(&self) -> &[String] {
        if self.parts.is_empty() {
            return &[];
        }
        if self.family_first {
            &self.parts[1..]
        } else {
            &self.parts[..self.parts.len() - 1]
        }
    }

    /// Number of parts.
    pub fn len(&self) -> usize {
        self.parts.len()
    }

    /// Whether the name has no parts.
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }
}

fn part_matches(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // An initial ("W." for "Wladimir") matches the name it abbreviates.
    let (short, long) = if a.chars().count() <= b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    short.chars().count() == 1 && long.starts_with(short)
}

/// Whether two lists of given names can name the same person: equal when
/// joined ("Jong-un" = "Jong Un"), or the shorter list matches parts of the
/// longer one in order (initials allowed: "W." ~ "Wladimir";
/// "Vladimir" ~ "Vladimir Vladimirovich"). "Jong Un" vs "Jong Il" fails.
pub fn given_compatible(a: &[String], b: &[String]) -> bool {
    if a.is_empty() || b.is_empty() || a.concat() == b.concat() {
        return true;
    }
    let (s, l) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let mut j = 0;
    for p in s {
        let mut found = false;
        while j < l.len() {
            let ok = part_matches(p, &l[j]);
            j += 1;
            if ok {
                found = true;
                break;
            }
        }
        if !found {
            return false;
        }
    }
    true
}

/// Whether two full names (2+ parts each) can be the same person: same
/// whole key, or same family name with compatible given names.
pub fn same_person(a: &NameForm, b: &NameForm) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    if a.key == b.key {
        return true;
    }
    if a.len() < 2 || b.len() < 2 {
        return false;
    }
    // Compare under a's reading and under b's reading.
    for ff in [a.family_first, b.family_first] {
        let ra = NameForm {
            family_first: ff,
            ..a.clone()
        };
        let rb = NameForm {
            family_first: ff,
            ..b.clone()
        };
        if ra.surname() == rb.surname() && given_compatible(ra.given(), rb.given()) {
            return true;
        }
    }
    false
}

/// Whether a single-part name can be a short form of `full`: it is the
/// family name, or (for one-part names) the same name.
pub fn short_form_of(short: &str, full: &NameForm) -> bool {
    if full.len() == 1 {
        return full.key == short;
    }
    full.surname() == short
}
