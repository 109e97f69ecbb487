//! Junk-line removal by general rules: line shape, punctuation, position
//! (header block, last lines), repetition (repeated headline, duplicate
//! lines) and per-language lexicons (`data/lang/<code>/junk.txt`, all
//! languages plus `xx`). Every removed line is kept with its reason; bylines,
//! photo credits, captions, datelines and source labels become metadata.

use crate::dates;
use newsgraph_model::RemovedLine;
use regex::{Regex, RegexSet};
use serde_json::{Map, Value, json};
use std::collections::HashSet;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

/// Only lines with at most this many words are tested against lexicons.
const LEXICON_MAX_WORDS: usize = 15;
/// Header-block rules look at no more than this many non-empty lines.
const HEADER_MAX_LINES: usize = 12;
/// Tail-block rules look at no more than this many non-empty lines.
const TAIL_MAX_LINES: usize = 12;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Pos {
    Any,
    Head,
    Tail,
}

struct Rule {
    reason: String,
    pos: Pos,
    re: Regex,
}

struct Lexicon {
    rules: Vec<Rule>,
    set: RegexSet,
    byline: Regex,
    credit: Regex,
    via: Regex,
    agencies: Vec<String>,
}

fn markers(kind: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for lang in newsgraph_lang::languages() {
        for line in newsgraph_lang::lines(lang, "ingest-markers.txt") {
            if let Some(rest) = line.strip_prefix(kind).and_then(|r| r.strip_prefix(':')) {
                for w in rest.split('|') {
                    let w = w.trim();
                    if !w.is_empty() && !out.iter().any(|o| o == w) {
                        out.push(w.to_string());
                    }
                }
            }
        }
    }
    // Longest first so that alternations prefer "nach angaben von" over "nach".
    out.sort_by_key(|w| std::cmp::Reverse(w.len()));
    out
}

fn alternation(words: &[String]) -> String {
    if words.is_empty() {
        return r"\b\B\b\B".to_string();
    }
    words
        .iter()
        .map(|w| regex::escape(w).replace("\\ ", "\\s+").replace(' ', "\\s+"))
        .collect::<Vec<_>>()
        .join("|")
}

fn lexicon() -> &'static Lexicon {
    static L: OnceLock<Lexicon> = OnceLock::new();
    L.get_or_init(|| {
        let mut rules = Vec::new();
        for lang in newsgraph_lang::languages() {
            for line in newsgraph_lang::lines(lang, "junk.txt") {
                let Some((head, pat)) = line.split_once(char::is_whitespace) else {
                    continue;
                };
                let (reason, pos) = match head.split_once('@') {
                    Some((r, "head")) => (r, Pos::Head),
                    Some((r, "tail")) => (r, Pos::Tail),
                    Some((r, _)) => (r, Pos::Any),
                    None => (head, Pos::Any),
                };
                let pat = pat.trim();
                let full = if let Some(p) = pat.strip_prefix("(?-i)") {
                    format!("^(?:{p})$")
                } else {
                    format!("(?i)^(?:{pat})$")
                };
                // A malformed pattern in a data file is skipped, not fatal.
                if let Ok(re) = Regex::new(&full) {
                    rules.push(Rule {
                        reason: reason.to_string(),
                        pos,
                        re,
                    });
                }
            }
        }
        let set = regex::RegexSetBuilder::new(rules.iter().map(|r| r.re.as_str()))
            .size_limit(256 << 20)
            .dfa_size_limit(64 << 20)
            .build()
            .unwrap_or_else(|e| {
                eprintln!("newsgraph-ingest: junk lexicon set failed to build: {e}");
                RegexSet::empty()
            });
        let prefixes = alternation(&markers("byline-prefix"));
        let name_word = r"\p{Lu}[\p{L}'’.\-]*";
        let particle = r"(?:van|von|de|der|den|da|di|du|le|la|bin|al|el|ter|zu)";
        let byline = Regex::new(&format!(
            r"^(?:(?i:{prefixes})\s+)?(?P<name>{name_word}(?:\s+(?:{particle}\s+)?{name_word}){{1,3}}(?:\s*(?:,|und|and|og|&)\s*{name_word}(?:\s+{name_word}){{1,3}})?)\s*(?:[,/|]\s*(?P<org>[\p{{L}} ]{{2,40}}))?\s*(?:\((?P<via>[^()]{{1,80}})\))?$"
        ))
        .unwrap_or_else(|_| crate::never());
        let credits = alternation(&markers("credit"));
        let credit = Regex::new(&format!(
            r"(?i)(?:^|[.!?)»”]\s+)(?P<label>(?:{credits})\s*:\s*(?P<credit>[\p{{L}}\p{{N}}][\p{{L}}\p{{N}} ,/&'’.\-]{{0,79}}))$"
        ))
        .unwrap_or_else(|_| crate::never());
        let via = Regex::new(&format!(r"(?i)^\s*(?:{})\b\s*:?\s*", alternation(&markers("via"))))
            .unwrap_or_else(|_| crate::never());
        Lexicon {
            rules,
            set,
            byline,
            credit,
            via,
            agencies: markers("agency"),
        }
    })
}

/// Result of cleaning one extracted text.
#[derive(Debug, Clone, Default)]
pub struct Cleaned {
    /// Clean text: kept lines, blank-line runs collapsed, NFC.
    pub text: String,
    /// The title taken from the text (when asked to), or the given one.
    pub title: String,
    pub removed: Vec<RemovedLine>,
    pub metadata: Map<String, Value>,
    pub author: Option<String>,
    pub published: Option<String>,
    pub source: Option<String>,
}

/// Ascii-folded, lower-cased words: "Lädt während" → ["laedt", "waehrend"].
pub(crate) fn folded_words(s: &str) -> Vec<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        match c {
            'ä' | 'æ' => out.push_str("ae"),
            'ö' | 'ø' | 'œ' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'å' => out.push_str("aa"),
            c if c.is_ascii() => out.push(c),
            c => {
                let mut buf = [0u8; 4];
                for d in c.encode_utf8(&mut buf).nfd() {
                    if !unicode_normalization::char::is_combining_mark(d) {
                        out.push(d);
                    }
                }
            }
        }
    }
    out.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

/// `min(word_count(s), cap)`: stops counting at `cap`, so testing a long
/// paragraph against a small bound does not walk all of it.
fn word_count_upto(s: &str, cap: usize) -> usize {
    s.split_whitespace().take(cap).count()
}

fn ends_sentence(s: &str) -> bool {
    s.trim_end()
        .trim_end_matches(['"', '”', '»', '\'', '’', ')'])
        .ends_with(['.', '!', '?', '…'])
}

/// True when `line` repeats `title`: same folded words, or a prefix of at
/// least three of them (a truncated, ascii-folded copy of the headline).
fn repeats_title(line: &str, title_words: &[String]) -> bool {
    if title_words.is_empty() {
        return false;
    }
    let w = folded_words(line);
    if w.is_empty() {
        return false;
    }
    if w == title_words {
        return true;
    }
    w.len() >= 3 && w.len() < title_words.len() && title_words.starts_with(&w)
}

fn lexicon_match(line: &str, pos: Pos) -> Option<(&'static Rule, Option<String>)> {
    let lex = lexicon();
    // Only compared with LEXICON_MAX_WORDS and 8 below.
    let words = word_count_upto(line, LEXICON_MAX_WORDS + 1);
    // Most lines match no rule: the plain (lazy DFA) test is much cheaper
    // than collecting overlapping matches of every rule.
    if words > LEXICON_MAX_WORDS || !lex.set.is_match(line) {
        return None;
    }
    for i in lex.set.matches(line).iter() {
        let rule = &lex.rules[i];
        let ok = match rule.pos {
            Pos::Any => true,
            Pos::Head => pos == Pos::Head && words <= 8,
            Pos::Tail => pos == Pos::Tail,
        };
        if ok {
            let value = rule
                .re
                .captures(line)
                .and_then(|c| c.name("value"))
                .map(|m| m.as_str().trim().to_string())
                .filter(|v| !v.is_empty());
            return Some((rule, value));
        }
    }
    None
}

fn push_meta_list(meta: &mut Map<String, Value>, key: &str, v: &str) {
    let entry = meta.entry(key.to_string()).or_insert_with(|| json!([]));
    if let Value::Array(a) = entry
        && !a.iter().any(|x| x == v)
    {
        a.push(Value::String(v.to_string()));
    }
}

/// Splits "Caption sentence. Foto: Agency" into (caption, credit); the
/// caption is empty when the line is only a credit. Only the last 160
/// bytes are searched (credits end a line).
fn split_credit<'a>(lex: &Lexicon, line: &'a str) -> Option<(&'a str, &'a str)> {
    let tail_start = crate::floor_char(line, line.len().saturating_sub(160));
    if !line[tail_start..].contains(':') {
        return None;
    }
    // Start at a char boundary; the regex needs the preceding punctuation.
    let c = lex.credit.captures(&line[tail_start..])?;
    let label = c.name("label")?;
    let credit = c.name("credit")?.as_str();
    let cap_end = tail_start + label.start();
    if cap_end > 0 && tail_start > 0 && label.start() == 0 {
        return None; // cut in the middle of a sentence: not a credit
    }
    Some((&line[..cap_end], credit))
}

/// Parses a byline; returns (author, agencies) when `line` is one.
/// `strict` (header position) requires an explicit prefix ("Von", "By").
fn parse_byline(line: &str, strict: bool) -> Option<(String, Vec<String>)> {
    let lex = lexicon();
    let c = lex.byline.captures(line)?;
    let name = c.name("name")?.as_str().trim().to_string();
    let has_prefix = c.name("name").is_some_and(|m| m.start() > 0);
    let via = c.name("via").map(|m| m.as_str());
    if strict && !has_prefix {
        return None;
    }
    if !has_prefix && via.is_none() && word_count(&name) > 3 {
        return None;
    }
    let mut agencies = Vec::new();
    if let Some(v) = via {
        let v = lex.via.replace(v, "");
        for part in v.split([',', '/', '&', ';']) {
            for part in part
                .split(" und ")
                .flat_map(|p| p.split(" and "))
                .flat_map(|p| p.split(" og "))
            {
                let p = part.trim();
                if !p.is_empty() {
                    agencies.push(p.to_string());
                }
            }
        }
        // A parenthesis that names nothing agency-like is not a byline.
        let known = agencies
            .iter()
            .any(|a| lex.agencies.iter().any(|k| k.eq_ignore_ascii_case(a)));
        let via_word = lex
            .via
            .is_match(c.name("via").map(|m| m.as_str()).unwrap_or(""));
        if !known && !via_word {
            return None;
        }
    }
    if let Some(org) = c.name("org") {
        agencies.push(org.as_str().trim().to_string());
    }
    Some((name, agencies))
}

/// Cleans `raw` (already NFC, `\n` line ends). When `title` is `None`, the
/// first non-empty line after the header block is taken as the title and
/// removed from the body unless it reads as a sentence (then it stays as
/// the lead paragraph too).
pub fn clean(raw: &str, title: Option<&str>) -> Cleaned {
    let lines: Vec<&str> = raw.split('\n').collect();
    let mut keep = vec![true; lines.len()];
    let mut out = Cleaned::default();
    let remove = |out: &mut Cleaned, keep: &mut Vec<bool>, i: usize, reason: &str| {
        keep[i] = false;
        out.removed.push(RemovedLine {
            line: i,
            text: lines[i].to_string(),
            reason: reason.to_string(),
        });
    };
    let nonempty: Vec<usize> = (0..lines.len())
        .filter(|&i| !lines[i].trim().is_empty())
        .collect();

    // 1. Header block: site name, source label, dateline, ids, byline.
    let mut dateline: Vec<&str> = Vec::new();
    let mut body_start = 0usize; // index into `nonempty`
    for (k, &i) in nonempty.iter().enumerate().take(HEADER_MAX_LINES) {
        let line = lines[i].trim();
        if dates::is_dateline(line) {
            dateline.push(line);
            remove(&mut out, &mut keep, i, "dateline");
        } else if let Some((rule, value)) = lexicon_match(line, Pos::Head) {
            if let Some(v) = value {
                if rule.reason == "site-name" {
                    out.source.get_or_insert(v.clone());
                }
                out.metadata.insert(rule.reason.replace('-', "_"), json!(v));
            }
            remove(&mut out, &mut keep, i, &rule.reason.clone());
        } else if let Some((author, agencies)) = parse_byline(line, true) {
            out.author.get_or_insert(author);
            for a in agencies {
                push_meta_list(&mut out.metadata, "agencies", &a);
            }
            out.metadata.insert("byline".into(), json!(line));
            remove(&mut out, &mut keep, i, "byline");
        } else {
            body_start = k;
            break;
        }
        body_start = k + 1;
    }
    if !dateline.is_empty() {
        let text = dateline.join("\n");
        if let Some(d) = dates::parse_dateline(&text, None) {
            out.published = Some(d);
        }
        out.metadata.insert("dateline".into(), json!(text));
    }

    // 2. Title.
    let mut title_line: Option<usize> = None;
    match title {
        Some(t) => out.title = t.trim().to_string(),
        None => {
            if let Some(&i) = nonempty.get(body_start) {
                let t = lines[i].trim();
                let t = t.trim_start_matches('#').trim();
                out.title = t.to_string();
                title_line = Some(i);
                if !ends_sentence(t) {
                    remove(&mut out, &mut keep, i, "title");
                }
            }
        }
    }
    let title_words = folded_words(&out.title);

    // 3. Tail block, from the last line up, while lines are junk.
    let mut tail_stop = lines.len();
    for &i in nonempty.iter().rev().take(TAIL_MAX_LINES) {
        if !keep[i] || Some(i) == title_line {
            break;
        }
        let line = lines[i].trim();
        if let Some((rule, value)) = lexicon_match(line, Pos::Tail) {
            if let Some(v) = value {
                out.metadata.insert(rule.reason.replace('-', "_"), json!(v));
            }
            remove(&mut out, &mut keep, i, &rule.reason.clone());
        } else if let Some((author, agencies)) = parse_byline(line, false) {
            out.author.get_or_insert(author);
            for a in agencies {
                push_meta_list(&mut out.metadata, "agencies", &a);
            }
            out.metadata.insert("byline".into(), json!(line));
            remove(&mut out, &mut keep, i, "byline");
        } else {
            break;
        }
        tail_stop = i;
    }

    // 4. Everything in between: lexicon, repeated headline, duplicate lines,
    //    photo credits on captions.
    let mut seen: HashSet<&str> = HashSet::new();
    let lex = lexicon();
    let mut edited: Vec<Option<String>> = vec![None; lines.len()];
    for &i in &nonempty {
        if !keep[i] || i >= tail_stop {
            continue;
        }
        let line = lines[i].trim();
        if Some(i) != title_line
            && word_count_upto(line, title_words.len() + 3) <= title_words.len() + 2
            && repeats_title(line, &title_words)
        {
            remove(&mut out, &mut keep, i, "repeated-title");
            continue;
        }
        if !seen.insert(line) {
            remove(&mut out, &mut keep, i, "repeated-line");
            continue;
        }
        if let Some((rule, value)) = lexicon_match(line, Pos::Any) {
            if let Some(v) = value {
                out.metadata.insert(rule.reason.replace('-', "_"), json!(v));
            }
            remove(&mut out, &mut keep, i, &rule.reason.clone());
            continue;
        }
        if let Some((caption, credit)) = split_credit(lex, line) {
            let credit = credit.trim();
            if word_count(credit) <= 6 && !credit.is_empty() {
                push_meta_list(&mut out.metadata, "photo_credits", credit);
                match Some(caption) {
                    Some(cap) if !cap.trim().is_empty() => {
                        let cap = cap.trim();
                        push_meta_list(&mut out.metadata, "captions", cap);
                        out.removed.push(RemovedLine {
                            line: i,
                            text: line[cap.len()..].trim().to_string(),
                            reason: "photo-credit".into(),
                        });
                        edited[i] = Some(cap.to_string());
                    }
                    _ => remove(&mut out, &mut keep, i, "photo-credit"),
                }
            }
        }
    }

    // 5. Assemble: kept lines, blank runs collapsed to one blank line.
    let mut text = String::with_capacity(raw.len());
    let mut pending_blank = false;
    for (i, line) in lines.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let l = edited[i].as_deref().unwrap_or(line).trim_end();
        if l.trim().is_empty() {
            pending_blank = !text.is_empty();
            continue;
        }
        if !text.is_empty() {
            text.push_str(if pending_blank { "\n\n" } else { "\n" });
        }
        pending_blank = false;
        text.push_str(l.trim_start_matches('\u{feff}'));
    }
    out.removed.sort_by_key(|r| r.line);
    out.text = text;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexicon_compiles() {
        let lex = lexicon();
        assert!(lex.rules.len() > 40, "{}", lex.rules.len());
        assert_eq!(lex.set.len(), lex.rules.len());
        for r in &lex.rules {
            assert!(regex::Regex::new(r.re.as_str()).is_ok());
        }
    }
}
