//! Tokenizer and sentence splitter.
//!
//! Tokens and sentences carry byte offsets into the input text. Language
//! knowledge (abbreviations that keep their period, whether "14. September"
//! style ordinals precede capitalised words) comes from
//! `data/lang/<code>/abbreviations.txt` plus the language-neutral
//! `data/lang/xx/abbreviations.txt`.
//!
//! What stays one token:
//! - words with inner hyphens, apostrophes and soft hyphens ("Kim Jong-un",
//!   "Nord-Koreas", "Covid-19", "Staats-" before "und"),
//! - numbers with inner separators ("1.000,5", "3.4.2024", "12:30", "18,5"),
//! - ordinals ("14." before a month, a lowercase word, or — where the language
//!   says so — a capitalised word),
//! - abbreviations from the lists, including spaced ones ("z. B."), and
//!   letter-dot sequences ("U.S.", "d.h.", initials "J."),
//! - URLs and e-mail addresses,
//! - "..." runs of periods.
//!
//! English clitics "'s"/"’s" become their own token (as in CoNLL data).

use newsgraph_model::Span;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock};

/// A token: byte offsets into the text it was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

/// How an abbreviation behaves at a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AbbrKind {
    /// Never ends a sentence.
    Inner,
    /// May end a sentence ("usw.", "etc."): ends when the next word is capitalised.
    MayEnd,
    /// An abbreviation only before a number ("Nr. 5", "No. 1").
    BeforeNumber,
}

/// Per-language segmentation rules, built once from the resource files.
#[derive(Debug, Default)]
struct Rules {
    /// Single-word abbreviations (lowercase, no final period).
    words: HashMap<String, AbbrKind>,
    /// Abbreviations containing periods or spaces ("z. b.", "u.s.a."),
    /// lowercase, with the final period, longest first.
    dotted: Vec<(String, AbbrKind)>,
    ordinal_before_capital: bool,
}

fn rules(lang: &str) -> &'static Rules {
    static CACHE: OnceLock<Mutex<HashMap<String, &'static Rules>>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let mut guard = match cache.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    };
    if let Some(r) = guard.get(lang) {
        return r;
    }
    let r: &'static Rules = Box::leak(Box::new(build_rules(lang)));
    guard.insert(lang.to_string(), r);
    r
}

fn build_rules(lang: &str) -> Rules {
    let mut r = Rules::default();
    let mut seen = HashSet::new();
    for line in crate::lines_with_common(lang, "abbreviations.txt") {
        if let Some(setting) = line.strip_prefix('@') {
            if setting.trim() == "ordinal-before-capital" {
                r.ordinal_before_capital = true;
            }
            continue;
        }
        let (body, kind) = if let Some(b) = line.strip_suffix('$') {
            (b, AbbrKind::MayEnd)
        } else if let Some(b) = line.strip_suffix('#') {
            (b, AbbrKind::BeforeNumber)
        } else {
            (line, AbbrKind::Inner)
        };
        let body = body.trim().trim_end_matches('.').to_lowercase();
        if body.is_empty() || !seen.insert(body.clone()) {
            continue;
        }
        if body.contains('.') || body.contains(' ') {
            r.dotted.push((format!("{body}."), kind));
        } else {
            r.words.insert(body, kind);
        }
    }
    r.dotted
        .sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
    r
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\u{ad}' || is_combining(c)
}

fn is_combining(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36f | 0x1ab0..=0x1aff | 0x1dc0..=0x1dff | 0x20d0..=0x20ff)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ')
}

fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// Words after which a trailing hyphen is kept ("Staats- und Regierungschefs").
fn is_coordinator(w: &str) -> bool {
    matches!(
        w,
        "und" | "oder" | "bzw." | "sowie" | "og" | "eller" | "and" | "or" | "to"
    )
}

fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|s| s.chars().next())
}

fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|s| s.chars().next_back())
}

/// The next non-whitespace position after `i` and the text of the word there.
fn next_word(text: &str, i: usize) -> (usize, &str) {
    let rest = &text[i..];
    let skip = rest.len() - rest.trim_start().len();
    let j = i + skip;
    let w = &text[j..];
    let end = w
        .char_indices()
        .find(|&(_, c)| !is_word_char(c))
        .map(|(k, _)| k)
        .unwrap_or(w.len());
    (j, &w[..end])
}

fn starts_upper(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_uppercase)
}

fn starts_lower(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_lowercase)
}

fn starts_digit(w: &str) -> bool {
    w.chars().next().is_some_and(|c| c.is_ascii_digit())
}

/// Length of a URL or e-mail address starting at `i`, if one starts there.
fn url_len(text: &str, i: usize) -> Option<usize> {
    let rest = &text[i..];
    let lower_prefix: String = rest
        .chars()
        .take(8)
        .collect::<String>()
        .to_ascii_lowercase();
    let is_url = lower_prefix.starts_with("http://")
        || lower_prefix.starts_with("https://")
        || lower_prefix.starts_with("www.");
    let run = rest
        .char_indices()
        .find(|&(_, c)| {
            c.is_whitespace() || matches!(c, '"' | '<' | '>' | '«' | '»' | '“' | '”' | '„')
        })
        .map(|(k, _)| k)
        .unwrap_or(rest.len());
    let cand = &rest[..run];
    let is_mail = !is_url && {
        let at = cand.find('@');
        at.is_some_and(|a| {
            a > 0
                && cand[..a]
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
                && cand[a + 1..].contains('.')
                && cand[a + 1..]
                    .trim_end_matches(['.', ',', ';', ':', ')', '!', '?'])
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '.' | '-'))
        })
    };
    if !is_url && !is_mail {
        return None;
    }
    // Trailing punctuation belongs to the sentence, not the address; a closing
    // bracket stays only when the address opened one.
    let mut end = cand.len();
    while let Some(c) = cand[..end].chars().next_back() {
        let opens = cand[..end].matches('(').count();
        let closes = cand[..end].matches(')').count();
        if matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '\'' | '’')
            || (c == ')' && closes > opens)
        {
            end -= c.len_utf8();
        } else {
            break;
        }
    }
    (end > 4).then_some(end)
}

/// Length of a number with inner separators ("1.000,5", "3.4.2024", "12:30").
fn number_len(text: &str, i: usize) -> usize {
    let b = text.as_bytes();
    let mut j = i;
    while j < b.len() && b[j].is_ascii_digit() {
        j += 1;
    }
    loop {
        if j + 1 < b.len() && matches!(b[j], b'.' | b',' | b':' | b'/') && b[j + 1].is_ascii_digit()
        {
            let mut k = j + 1;
            while k < b.len() && b[k].is_ascii_digit() {
                k += 1;
            }
            j = k;
        } else {
            break;
        }
    }
    j
}

/// Split `text` into word and punctuation tokens with byte offsets.
pub fn tokenize<'a>(text: &'a str, lang: &str) -> Vec<Token<'a>> {
    let r = rules(lang);
    let mut out: Vec<Token<'a>> = Vec::with_capacity(text.len() / 5 + 1);
    let mut i = 0;
    let n = text.len();
    let push = |out: &mut Vec<Token<'a>>, s: usize, e: usize| {
        if e > s {
            out.push(Token {
                start: s,
                end: e,
                text: &text[s..e],
            });
        }
    };
    while i < n {
        let Some(c) = char_at(text, i) else { break };
        if c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}' {
            i += c.len_utf8();
            continue;
        }
        let at_word_start = !char_before(text, i).is_some_and(is_word_char);
        // URLs and e-mail addresses.
        if at_word_start
            && (c.is_alphanumeric())
            && let Some(len) = url_len(text, i)
        {
            push(&mut out, i, i + len);
            i += len;
            continue;
        }
        // Abbreviations containing periods or spaces ("z. B.", "U.S.A.").
        if at_word_start
            && c.is_alphabetic()
            && let Some(len) = dotted_abbrev(text, i, r)
        {
            push(&mut out, i, i + len);
            i += len;
            continue;
        }
        if c.is_ascii_digit() {
            let mut end = number_len(text, i);
            // Digits glued to letters ("Covid-19" is handled as a word; "100km", "2B").
            if char_at(text, end).is_some_and(|d| d.is_alphabetic()) {
                end = word_end(text, i);
                push(&mut out, i, end);
                i = end;
                continue;
            }
            // Number followed by a hyphen and a word ("18-jährige", "100-Tage").
            if char_at(text, end).is_some_and(is_hyphen)
                && char_at(text, end + 1).is_some_and(|d| d.is_alphanumeric())
            {
                end = word_end(text, i);
                push(&mut out, i, end);
                i = end;
                continue;
            }
            if text[end..].starts_with('.') && is_ordinal(text, i, end, r) {
                end += 1;
            }
            push(&mut out, i, end);
            i = end;
            continue;
        }
        if is_word_char(c) {
            let mut end = word_end(text, i);
            let word = &text[i..end];
            // English clitic 's as its own token.
            if lang == "en" {
                let lw = word.to_lowercase();
                if (lw.ends_with("'s") || lw.ends_with("’s")) && word.chars().count() > 2 {
                    let cut = end - 1 - word.chars().nth_back(1).map_or(1, char::len_utf8);
                    push(&mut out, i, cut);
                    push(&mut out, cut, end);
                    i = end;
                    continue;
                }
            }
            // Trailing hyphen kept before "und"/"og"/"and" ("Staats- und").
            if char_at(text, end).is_some_and(is_hyphen) {
                let (_, nw) = next_word(text, end + 1);
                let followed_by_space = char_at(text, end + 1).is_some_and(char::is_whitespace);
                if followed_by_space && is_coordinator(nw) {
                    end += 1;
                }
            }
            // Keep the period of abbreviations and initials.
            if text[end..].starts_with('.')
                && !text[end..].starts_with("..")
                && abbrev_takes_period(text, i, end, r)
            {
                end += 1;
            }
            push(&mut out, i, end);
            i = end;
            continue;
        }
        // Punctuation: "..." as one token, everything else one char each.
        if c == '.' {
            let run = text[i..].chars().take_while(|&d| d == '.').count();
            push(&mut out, i, i + run);
            i += run;
            continue;
        }
        push(&mut out, i, i + c.len_utf8());
        i += c.len_utf8();
    }
    out
}

/// End of a word starting at `i`: word characters joined by single inner
/// hyphens, apostrophes or periods between digits.
fn word_end(text: &str, i: usize) -> usize {
    let mut end = i;
    let mut it = text[i..].char_indices().peekable();
    while let Some((k, c)) = it.next() {
        if is_word_char(c) {
            end = i + k + c.len_utf8();
            continue;
        }
        if is_hyphen(c) || is_apostrophe(c) {
            // Joiner only between word characters.
            if let Some(&(_, d)) = it.peek()
                && is_word_char(d)
                && end == i + k
            {
                continue;
            }
        }
        break;
    }
    end
}

/// Whether the period after the number `text[i..end]` marks an ordinal.
fn is_ordinal(text: &str, i: usize, end: usize, r: &Rules) -> bool {
    let num = &text[i..end];
    if num.len() > 3 || !num.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let after = &text[end + 1..];
    // Must be followed by a space (not a line break) and a word.
    if !after.starts_with([' ', '\u{a0}']) {
        return false;
    }
    let (_, w) = next_word(text, end + 1);
    if w.is_empty() {
        return false;
    }
    if starts_lower(w) || starts_digit(w) {
        return true;
    }
    if starts_upper(w) {
        return r.ordinal_before_capital;
    }
    false
}

/// Whether the word `text[i..end]` keeps the period that follows it.
fn abbrev_takes_period(text: &str, i: usize, end: usize, r: &Rules) -> bool {
    let w = &text[i..end];
    let mut chars = w.chars();
    let first = chars.next();
    // Single uppercase letter: an initial ("J. R. R.", "Kim J. Un").
    if chars.next().is_none() {
        return first.is_some_and(char::is_uppercase);
    }
    match r.words.get(w.to_lowercase().as_str()) {
        Some(AbbrKind::Inner) | Some(AbbrKind::MayEnd) => true,
        Some(AbbrKind::BeforeNumber) => {
            let (_, nw) = next_word(text, end + 1);
            starts_digit(nw)
        }
        None => false,
    }
}

/// A dotted/spaced abbreviation or letter-dot acronym starting at `i`.
fn dotted_abbrev(text: &str, i: usize, r: &Rules) -> Option<usize> {
    let rest = &text[i..];
    let first = rest.chars().next()?.to_lowercase().next()?;
    for (a, _) in &r.dotted {
        if !a.starts_with(first) {
            continue;
        }
        if let Some(len) = prefix_ci(rest, a)
            && !rest[len..].chars().next().is_some_and(is_word_char)
        {
            return Some(len);
        }
    }
    // Letter-dot sequences of at least two letters: "U.S.", "d.h.", "e.g.".
    let b = rest.as_bytes();
    let mut k = 0;
    let mut groups = 0;
    loop {
        let c = rest[k..].chars().next()?;
        if !c.is_alphabetic() {
            break;
        }
        let cl = c.len_utf8();
        if rest[k + cl..].starts_with('.') {
            groups += 1;
            k += cl + 1;
            if k >= b.len() {
                break;
            }
        } else {
            break;
        }
    }
    if groups >= 2 && !rest[k..].chars().next().is_some_and(is_word_char) {
        return Some(k);
    }
    None
}

/// Byte length of `s`'s prefix that equals `pat` ignoring case, if any.
fn prefix_ci(s: &str, pat: &str) -> Option<usize> {
    let mut it = s.char_indices();
    for p in pat.chars() {
        let (_, c) = it.next()?;
        if c != p && c.to_lowercase().next() != Some(p) {
            return None;
        }
    }
    Some(it.next().map(|(k, _)| k).unwrap_or(s.len()))
}

fn is_closer(t: &str) -> bool {
    matches!(
        t,
        "\"" | "“" | "”" | "»" | "«" | ")" | "]" | "’" | "'" | "›" | "‹"
    )
}

fn is_terminal(t: &str) -> bool {
    matches!(t, "!" | "?" | "…" | "‼" | "⁉" | "؟" | "。")
        || (t.chars().all(|c| c == '.') && !t.is_empty())
}

/// Split `text` into sentences (byte spans, trimmed of surrounding whitespace).
///
/// A sentence ends at `.`, `!`, `?`, `…` (plus closing quotes/brackets) when
/// the next token does not start with a lowercase letter, unless the period
/// belongs to an abbreviation or an ordinal ("14. September"), which the
/// tokenizer keeps inside the token. A line break ends a sentence unless the
/// line it ends is clearly continued (it ends in a lowercase word, a comma or
/// a hyphen, and the next line starts in lowercase); a blank line always does.
pub fn split_sentences(text: &str, lang: &str) -> Vec<Span> {
    let tokens = tokenize(text, lang);
    let r = rules(lang);
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    let mut k = 0;
    while k < tokens.len() {
        let t = tokens[k];
        if start.is_none() {
            start = Some(t.start);
        }
        let mut last = k;
        let mut ends = false;
        if is_terminal(t.text) || abbrev_may_end(t.text, r) {
            // Absorb directly following terminals and closers (`?!`, `.“`, `.)`).
            while let Some(nx) = tokens.get(last + 1) {
                if nx.start == tokens[last].end && (is_terminal(nx.text) || is_closer(nx.text)) {
                    last += 1;
                } else {
                    break;
                }
            }
            match tokens.get(last + 1) {
                None => ends = true,
                Some(nx) => {
                    let gap = &text[tokens[last].end..nx.start];
                    let lowercase_next = starts_lower(nx.text);
                    if abbrev_may_end(t.text, r) && last == k {
                        ends = !gap.is_empty() && starts_upper(nx.text);
                    } else {
                        ends = (!gap.is_empty() && !lowercase_next) || gap.contains('\n');
                    }
                }
            }
        }
        if !ends {
            if let Some(nx) = tokens.get(last + 1) {
                let gap = &text[tokens[last].end..nx.start];
                if gap.contains('\n') {
                    let blank = gap.matches('\n').count() >= 2;
                    let continued = (tokens[last]
                        .text
                        .chars()
                        .next_back()
                        .is_some_and(|c| c.is_lowercase() || c == ',' || is_hyphen(c)))
                        && starts_lower(nx.text);
                    ends = blank || !continued;
                }
            } else {
                ends = true;
            }
        }
        if ends && let Some(s) = start.take() {
            spans.push(Span::new(s, tokens[last].end));
        }
        k = last + 1;
    }
    spans
}

fn abbrev_may_end(t: &str, r: &Rules) -> bool {
    t.len() > 1
        && t.ends_with('.')
        && !t.starts_with('.')
        && r.words.get(t[..t.len() - 1].to_lowercase().as_str()) == Some(&AbbrKind::MayEnd)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str, lang: &str) -> Vec<String> {
        tokenize(text, lang)
            .iter()
            .map(|t| t.text.to_string())
            .collect()
    }

    fn sents(text: &str, lang: &str) -> Vec<String> {
        split_sentences(text, lang)
            .iter()
            .map(|s| s.slice(text).to_string())
            .collect()
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text =
            "„Präsident Putin überreichte dem Vorsitzenden Kim Jong-un ein Gewehr“, sagte Peskow.";
        for t in tokenize(text, "de") {
            assert_eq!(&text[t.start..t.end], t.text);
        }
    }

    #[test]
    fn de_keeps_hyphenated_names_ordinals_and_abbreviations() {
        let t = toks(
            "Kim Jong-un kam am 14. September z. B. mit Dr. Müller nach Nord-Korea.",
            "de",
        );
        assert_eq!(
            t,
            vec![
                "Kim",
                "Jong-un",
                "kam",
                "am",
                "14.",
                "September",
                "z. B.",
                "mit",
                "Dr.",
                "Müller",
                "nach",
                "Nord-Korea",
                "."
            ]
        );
    }

    #[test]
    fn de_numbers_dates_quotes_and_truncated_compounds() {
        let t = toks(
            "Die Staats- und Regierungschefs zahlten 1.000,5 Euro am 3.4.2024 um 12:30 Uhr: „Ja“ (sagte er) …",
            "de",
        );
        assert_eq!(
            t,
            vec![
                "Die",
                "Staats-",
                "und",
                "Regierungschefs",
                "zahlten",
                "1.000,5",
                "Euro",
                "am",
                "3.4.2024",
                "um",
                "12:30",
                "Uhr",
                ":",
                "„",
                "Ja",
                "“",
                "(",
                "sagte",
                "er",
                ")",
                "…"
            ]
        );
    }

    #[test]
    fn urls_and_mail_stay_whole() {
        let t = toks(
            "Siehe https://example.org/a?b=1. Oder schreib an info@example.org.",
            "de",
        );
        assert!(
            t.contains(&"https://example.org/a?b=1".to_string()),
            "{t:?}"
        );
        assert!(t.contains(&"info@example.org".to_string()), "{t:?}");
        assert_eq!(t.last().map(String::as_str), Some("."));
    }

    #[test]
    fn en_acronyms_titles_and_clitics() {
        let t = toks("Mr. Biden met the U.S. envoy at Putin's dacha.", "en");
        assert_eq!(
            t,
            vec![
                "Mr.", "Biden", "met", "the", "U.S.", "envoy", "at", "Putin", "'s", "dacha", "."
            ]
        );
    }

    #[test]
    fn en_sentences() {
        let s = sents(
            "Dr. Smith arrived in the U.S. on Monday. He met No. 10 staff. \"It went well.\" Then he left!",
            "en",
        );
        assert_eq!(
            s,
            vec![
                "Dr. Smith arrived in the U.S. on Monday.",
                "He met No. 10 staff.",
                "\"It went well.\"",
                "Then he left!"
            ]
        );
    }

    #[test]
    fn de_sentences_with_quotes_ordinals_and_lines() {
        let text = "„Der Gipfel war nützlich. Russland wird helfen“, sagte Peskow am 14. September in Moskau. Er kam u. a. mit Lawrow.\nNeuer Absatz ohne Punkt\nDritte Zeile";
        assert_eq!(
            sents(text, "de"),
            vec![
                "„Der Gipfel war nützlich.",
                "Russland wird helfen“, sagte Peskow am 14. September in Moskau.",
                "Er kam u. a. mit Lawrow.",
                "Neuer Absatz ohne Punkt",
                "Dritte Zeile"
            ]
        );
    }

    #[test]
    fn de_abbreviation_that_may_end_a_sentence() {
        assert_eq!(
            sents(
                "Äpfel, Birnen usw. Danach kam er. Er kam usw. und ging.",
                "de"
            ),
            vec![
                "Äpfel, Birnen usw.",
                "Danach kam er.",
                "Er kam usw. und ging."
            ]
        );
    }

    #[test]
    fn nb_ordinals_lowercase_months_and_guillemets() {
        let text = "AFP rapporterte 14. september at Kim Jong-un takket bl.a. for «broderlig hengivenhet». Russlands president Vladimir Putin viser en limousin.";
        let t = toks(text, "nb");
        assert!(t.contains(&"14.".to_string()));
        assert!(t.contains(&"bl.a.".to_string()));
        assert!(t.contains(&"«".to_string()) && t.contains(&"»".to_string()));
        assert_eq!(
            sents(text, "nb"),
            vec![
                "AFP rapporterte 14. september at Kim Jong-un takket bl.a. for «broderlig hengivenhet».",
                "Russlands president Vladimir Putin viser en limousin."
            ]
        );
    }

    #[test]
    fn nb_sentence_ending_in_a_year_before_a_capital() {
        assert_eq!(
            sents("Det skjedde i 2019. Nord-Korea svarte.", "nb"),
            vec!["Det skjedde i 2019.", "Nord-Korea svarte."]
        );
        // A small number before a capitalised word ends the sentence in nb.
        assert_eq!(
            sents("Han fikk 5. Deretter gikk han.", "nb"),
            vec!["Han fikk 5.", "Deretter gikk han."]
        );
    }

    #[test]
    fn nn_abbreviations() {
        let t = toks("Dei kom m.a.o. seint, t.d. i går.", "nn");
        assert!(t.contains(&"m.a.o.".to_string()), "{t:?}");
        assert!(t.contains(&"t.d.".to_string()), "{t:?}");
        assert_eq!(sents("Dei kom m.a.o. seint. Så gjekk dei.", "nn").len(), 2);
    }

    #[test]
    fn wrapped_lines_are_joined() {
        let s = sents(
            "Kim Jong Un laedt Putin nach Nordkorea ein,\nwaehrend er reist.\nSEOUL: Neu",
            "de",
        );
        assert_eq!(
            s,
            vec![
                "Kim Jong Un laedt Putin nach Nordkorea ein,\nwaehrend er reist.",
                "SEOUL: Neu"
            ]
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "",
            ".",
            "...",
            "a.",
            "U.",
            "„",
            "14.",
            "1.",
            "www.",
            "http://",
            "a@b",
            "-",
            "\u{ad}",
            "x-",
            "’s",
            "Ä.Ö.",
            "3.",
            "z. B",
            "é\u{301}.",
        ] {
            for lang in ["de", "en", "nb", "zz"] {
                let toks = tokenize(s, lang);
                for t in &toks {
                    assert_eq!(&s[t.start..t.end], t.text);
                }
                let _ = split_sentences(s, lang);
            }
        }
    }
}
