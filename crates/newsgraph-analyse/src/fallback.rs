//! Rule fallback for languages no tagger model serves: runs of capitalised
//! words (with name particles between them), typed by the gazetteer (LOC), a
//! preceding title word (PER), acronyms (ORG), two- or three-word runs (PER),
//! else MISC. A lone sentence-initial word counts only when the gazetteer
//! knows it.

use newsgraph_link::Linker;
use newsgraph_link::rules::{common, lang_rules};
use newsgraph_model::EntityType;

fn capitalised(w: &str) -> bool {
    let mut cs = w.chars();
    cs.next().is_some_and(char::is_uppercase) && cs.any(char::is_alphabetic)
        || (w.chars().count() >= 2 && w.chars().all(|c| c.is_uppercase() || c == '.'))
}

/// Entity spans `(start, end_exclusive, type)` over token indices of one sentence.
pub fn spans(linker: &Linker, lang: &str, words: &[&str]) -> Vec<(usize, usize, EntityType)> {
    let (Ok(c), Ok(l)) = (common(), lang_rules(lang)) else {
        return Vec::new();
    };
    let is_title = |w: &str| l.titles.contains(w.to_lowercase().trim_end_matches('.'));
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !capitalised(words[i]) || is_title(words[i]) {
            i += 1;
            continue;
        }
        let start = i;
        let mut end = i + 1;
        while end < words.len() {
            if capitalised(words[end]) && !is_title(words[end]) {
                end += 1;
            } else if c.particles.contains(&words[end].to_lowercase())
                && words.get(end + 1).is_some_and(|w| capitalised(w))
            {
                end += 2;
            } else {
                break;
            }
        }
        i = end;
        let phrase = words[start..end].join(" ");
        let in_gazetteer = linker.gazetteer().lookup(&phrase, lang).is_some();
        let sentence_initial =
            start == 0 || (start == 1 && !words[0].chars().any(char::is_alphanumeric));
        if sentence_initial && end - start == 1 && !in_gazetteer {
            continue;
        }
        let titled = start > 0 && is_title(words[start - 1]);
        let acronym = end - start == 1 && words[start].chars().all(|c| !c.is_lowercase());
        let typ = if in_gazetteer {
            EntityType::LOC
        } else if titled || (2..=3).contains(&(end - start)) {
            EntityType::PER
        } else if acronym {
            EntityType::ORG
        } else {
            EntityType::MISC
        };
        out.push((start, end, typ));
    }
    out
}
