//! Repairs of tagger spans with article-level evidence, before linking:
//! - edge words that are function words ("Kim Jong Un Der") are trimmed,
//!   one-word spans that are very frequent function words ("Det") dropped;
//! - a person span made of two names each seen alone in the article is
//!   split ("Putin Kim", "Kim Jong-un Putin"), also when the first is a
//!   complete family-first name seen only there ("Kim Jong Un Putin");
//! - a known name followed by a frequent common word is cut back
//!   ("Kim Waffen" → "Kim");
//! - a family-first surname directly followed by a given-name span is
//!   merged ("Choe" + "Son Hui" → "Choe Son Hui").

use newsgraph_link::RawMention;
use newsgraph_link::word_ranges as words;
use newsgraph_model::EntityType;
use newsgraph_ner::lexicon::Lexicon;
use std::collections::HashSet;

/// Frequency bucket (2 × Zipf) from which a word is a function word.
const FUNCTION_WORD: u8 = 11;
/// Frequency bucket (Zipf ≥ 6.5) from which a one-word span is a function
/// word and no name ("Det", "Die"; English "May" at 5.9 stays).
const LONE_FUNCTION_WORD: u8 = 13;
/// Frequency bucket from which a word after a known name is taken for a common word.
const COMMON_WORD: u8 = 9;

/// Applies the repairs to the spans of one article.
pub fn repair(text: &str, lang: &str, raw: Vec<RawMention>) -> Vec<RawMention> {
    let lex = Lexicon::get(newsgraph_ner::model_language(lang));
    let zipf = |w: &str| lex.zipf(&w.to_lowercase());
    // 1. Function words at the edges.
    let mut spans: Vec<RawMention> = Vec::with_capacity(raw.len());
    for m in raw {
        let mut ws = words(text, m.start, m.end);
        while ws.len() > 1 {
            let (a, b) = ws[ws.len() - 1];
            let w = &text[a..b];
            if zipf(w) >= FUNCTION_WORD {
                ws.pop();
            } else {
                break;
            }
        }
        while ws.len() > 1 {
            let (a, b) = ws[0];
            if zipf(&text[a..b]) >= FUNCTION_WORD {
                ws.remove(0);
            } else {
                break;
            }
        }
        // A lone very frequent function word ("Det", "Die" at a sentence start).
        if let [(a, b)] = ws[..]
            && zipf(&text[a..b]) >= LONE_FUNCTION_WORD
        {
            continue;
        }
        if let (Some(f), Some(l)) = (ws.first(), ws.last()) {
            spans.push(RawMention {
                start: f.0,
                end: l.1,
                typ: m.typ,
            });
        }
    }
    // Names seen alone (one span = exactly this text).
    let alone: HashSet<&str> = spans.iter().map(|m| &text[m.start..m.end]).collect();
    let alone: HashSet<String> = alone.into_iter().map(str::to_string).collect();
    // 2./3. Split or cut person spans.
    let mut out: Vec<RawMention> = Vec::with_capacity(spans.len());
    for m in spans {
        let ws = words(text, m.start, m.end);
        if m.typ != EntityType::PER || ws.len() < 2 {
            out.push(m);
            continue;
        }
        let mut done = false;
        for j in (1..ws.len()).rev() {
            let left = &text[m.start..ws[j - 1].1];
            let right = &text[ws[j].0..m.end];
            // A complete family-first name ("Kim Jong Un") needs no second sighting.
            let full_family_first = j >= 3
                && alone.contains(right)
                && newsgraph_link::name_form(left, lang).is_ok_and(|f| f.family_first);
            if !alone.contains(left) && !full_family_first {
                continue;
            }
            if alone.contains(right) {
                out.push(RawMention {
                    start: m.start,
                    end: ws[j - 1].1,
                    typ: m.typ,
                });
                out.push(RawMention {
                    start: ws[j].0,
                    end: m.end,
                    typ: m.typ,
                });
                done = true;
                break;
            }
            if j == ws.len() - 1 && zipf(right) >= COMMON_WORD {
                out.push(RawMention {
                    start: m.start,
                    end: ws[j - 1].1,
                    typ: m.typ,
                });
                done = true;
                break;
            }
        }
        if !done {
            out.push(m);
        }
    }
    // 4. Family-first surname + given-name span.
    let mut merged: Vec<RawMention> = Vec::with_capacity(out.len());
    for m in out {
        if let Some(prev) = merged.last_mut() {
            let gap = text.get(prev.end..m.start).unwrap_or("x");
            let prev_text = &text[prev.start..prev.end];
            let cur_text = &text[m.start..m.end];
            let family = newsgraph_link::name_form(&format!("{prev_text} {cur_text}"), lang)
                .map(|f| f.family_first)
                .unwrap_or(false);
            if prev.typ == EntityType::PER
                && m.typ == EntityType::PER
                && !gap.is_empty()
                && gap.chars().all(|c| c == ' ')
                && words(text, prev.start, prev.end).len() == 1
                && family
                && (cur_text.contains('-') || words(text, m.start, m.end).len() >= 2)
                && !alone.contains(&format!("{prev_text} {cur_text}"))
            {
                prev.end = m.end;
                continue;
            }
        }
        merged.push(m);
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str, parts: &[&str]) -> Vec<RawMention> {
        let mut from = 0;
        parts
            .iter()
            .map(|p| {
                let s = text[from..].find(p).map(|i| i + from).unwrap_or(0);
                from = s + p.len();
                RawMention {
                    start: s,
                    end: s + p.len(),
                    typ: EntityType::PER,
                }
            })
            .collect()
    }

    fn texts<'a>(text: &'a str, v: &[RawMention]) -> Vec<&'a str> {
        v.iter().map(|m| &text[m.start..m.end]).collect()
    }

    #[test]
    fn splits_two_known_names_and_trims_function_words() {
        let t = "Putin traf Kim Jong-un. Kim lachte. Dann gab Putin Kim ein Gewehr. Kim Jong-un Putin. Kim Jong Un Der. Kim Waffen.";
        let r = repair(
            t,
            "de",
            spans(
                t,
                &[
                    "Putin",
                    "Kim Jong-un",
                    "Kim",
                    "Putin Kim",
                    "Kim Jong-un Putin",
                    "Kim Jong Un Der",
                    "Kim Waffen",
                ],
            ),
        );
        assert_eq!(
            texts(t, &r),
            vec![
                "Putin",
                "Kim Jong-un",
                "Kim",
                "Putin",
                "Kim",
                "Kim Jong-un",
                "Putin",
                "Kim Jong Un",
                "Kim"
            ]
        );
    }

    #[test]
    fn splits_a_family_first_name_glued_to_a_known_name() {
        let t = "Putin lachte. Kim Jong Un Putin traf sich. Hans Peter Müller und Müller.";
        let r = repair(
            t,
            "de",
            spans(
                t,
                &["Putin", "Kim Jong Un Putin", "Hans Peter Müller", "Müller"],
            ),
        );
        assert_eq!(
            texts(t, &r),
            vec![
                "Putin",
                "Kim Jong Un",
                "Putin",
                "Hans Peter Müller",
                "Müller"
            ]
        );
        let t = "Det sa Putin. May sa nei.";
        let r = repair(t, "nb", spans(t, &["Det", "Putin"]));
        assert_eq!(texts(t, &r), vec!["Putin"]);
        let t = "May said no.";
        let r = repair(t, "en", spans(t, &["May"]));
        assert_eq!(texts(t, &r), vec!["May"]);
    }

    #[test]
    fn keeps_full_names_and_merges_family_first() {
        let t = "Wladimir Putin und Putin. Choe Son Hui traf Choe.";
        let r = repair(
            t,
            "de",
            spans(t, &["Wladimir Putin", "Putin", "Choe", "Son Hui", "Choe"]),
        );
        assert_eq!(
            texts(t, &r),
            vec!["Wladimir Putin", "Putin", "Choe Son Hui", "Choe"]
        );
    }
}
