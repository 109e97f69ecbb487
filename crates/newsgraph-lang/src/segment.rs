//! Tokenizer and sentence splitter.
//!
//! Tokens and sentences carry byte offsets into the input text. Language
//! knowledge (abbreviations that do not end a sentence) comes from
//! `data/lang/<code>/abbreviations.txt`.

use newsgraph_model::Span;
use std::collections::HashSet;

/// A token: byte offsets into the text it was cut from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '’' || c == '-' || c == '\u{ad}'
}

/// Split `text` into word and punctuation tokens. Hyphenated words
/// ("Kim Jong-un", "Nord-Korea") stay one token; "14." before a word is kept
/// as an ordinal; known abbreviations keep their period.
pub fn tokenize<'a>(text: &'a str, lang: &str) -> Vec<Token<'a>> {
    let abbrevs = abbreviations(lang);
    let mut out = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if c.is_whitespace() {
            continue;
        }
        if is_word_char(c) && c != '-' && c != '\'' && c != '’' {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = it.peek() {
                if is_word_char(d) {
                    end = j + d.len_utf8();
                    it.next();
                } else {
                    break;
                }
            }
            // Trailing hyphens/apostrophes belong to the punctuation, not the word.
            let word = text[i..end].trim_end_matches(['-', '\'', '’']);
            end = i + word.len();
            // Keep "Dr." / "z.B." / "14." as one token when the period is part of it.
            if text[end..].starts_with('.') {
                let w = &text[i..end];
                let ordinal = w.chars().all(|c| c.is_ascii_digit()) && w.len() <= 2;
                let abbrev = abbrevs.contains(w.to_lowercase().as_str())
                    || (w.chars().count() == 1 && w.chars().all(char::is_alphabetic));
                if ordinal || abbrev {
                    end += 1;
                    it.next();
                }
            }
            out.push(Token {
                start: i,
                end,
                text: &text[i..end],
            });
            // Resync the iterator past `end` (we may have trimmed trailing hyphens).
            while let Some(&(j, _)) = it.peek() {
                if j < end {
                    it.next();
                } else {
                    break;
                }
            }
            // Re-emit trimmed trailing punctuation as tokens.
        } else {
            let end = i + c.len_utf8();
            out.push(Token {
                start: i,
                end,
                text: &text[i..end],
            });
        }
    }
    out
}

fn abbreviations(lang: &str) -> HashSet<&'static str> {
    crate::lines_with_common(lang, "abbreviations.txt")
        .map(|l| l.trim_end_matches('.'))
        .collect()
}

/// Split `text` into sentences (byte spans, trimmed of surrounding whitespace).
/// A sentence ends at `.`, `!`, `?` (plus closing quotes/brackets) followed by
/// whitespace, unless the period belongs to an abbreviation or an ordinal
/// ("14. September"); a line break followed by a blank line always ends one.
pub fn split_sentences(text: &str, lang: &str) -> Vec<Span> {
    let tokens = tokenize(text, lang);
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    for (k, t) in tokens.iter().enumerate() {
        if start.is_none() {
            start = Some(t.start);
        }
        let next = tokens.get(k + 1);
        let gap = next.map(|n| &text[t.end..n.start]).unwrap_or("");
        let paragraph_break = gap.matches('\n').count() >= 1 && gap.contains('\n');
        let terminal = matches!(t.text, "." | "!" | "?" | "…");
        let closer_follows = next.is_some_and(|n| {
            matches!(n.text, "\"" | "“" | "”" | "»" | "«" | ")" | "’" | "'") && gap.is_empty()
        });
        let ends = (terminal && !closer_follows && (next.is_none() || !gap.is_empty()))
            || (matches!(t.text, "\"" | "“" | "”" | "»" | "«" | ")" | "’" | "'")
                && k > 0
                && matches!(tokens[k - 1].text, "." | "!" | "?")
                && !gap.is_empty())
            || paragraph_break
            || next.is_none();
        if ends {
            if let Some(s) = start.take() {
                spans.push(Span::new(s, t.end));
            }
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_hyphenated_names_and_ordinals() {
        let text = "Kim Jong-un kam am 14. September nach Nord-Korea.";
        let toks: Vec<&str> = tokenize(text, "de").iter().map(|t| t.text).collect();
        assert!(toks.contains(&"Jong-un"));
        assert!(toks.contains(&"14."));
        assert!(toks.contains(&"Nord-Korea"));
        assert_eq!(toks.last(), Some(&"."));
    }

    #[test]
    fn splits_sentences_with_offsets() {
        let text = "Putin traf Kim am 13. September. Danach reiste er ab.\nNeuer Absatz";
        let s = split_sentences(text, "de");
        let parts: Vec<&str> = s.iter().map(|sp| sp.slice(text)).collect();
        assert_eq!(
            parts,
            vec![
                "Putin traf Kim am 13. September.",
                "Danach reiste er ab.",
                "Neuer Absatz"
            ]
        );
    }
}
