//! Text processing for similarity: tokenisation, script folding
//! (transliteration to ASCII), stop words, stemming, and the bilingual
//! lexicons that map words of other languages onto English stems.

use rust_stemmers::{Algorithm, Stemmer};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// A word or number of a text, with what the similarity features need.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// Lower-cased surface form (original script).
    pub lower: String,
    /// Byte offset in the text.
    pub start: usize,
    /// Starts with an upper-case letter.
    pub capitalised: bool,
    /// First word of a sentence (capitalisation says little there).
    pub sentence_initial: bool,
    /// Contains a digit.
    pub numeric: bool,
    /// A Han (CJK ideograph) character: one token per character.
    pub han: bool,
}

fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// Split a text into words: runs of letters/digits (with inner `.`/`,`
/// between digits and inner apostrophes/hyphens kept out), each Han
/// character on its own. Never panics.
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut cur_start: Option<usize> = None;
    let mut sentence_start = true;
    let bytes = text.as_bytes();
    let flush = |start: usize, end: usize, out: &mut Vec<Word>, sentence_start: &mut bool| {
        let s = &text[start..end];
        let first = s.chars().next().unwrap_or(' ');
        out.push(Word {
            lower: s.to_lowercase(),
            start,
            capitalised: first.is_uppercase(),
            sentence_initial: *sentence_start,
            numeric: s.chars().any(|c| c.is_ascii_digit()),
            han: false,
        });
        *sentence_start = false;
    };
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if is_han(c) {
            if let Some(s) = cur_start.take() {
                flush(s, i, &mut out, &mut sentence_start);
            }
            out.push(Word {
                lower: c.to_string(),
                start: i,
                capitalised: false,
                sentence_initial: false,
                numeric: false,
                han: true,
            });
            continue;
        }
        if c.is_alphanumeric() {
            if cur_start.is_none() {
                cur_start = Some(i);
            }
            continue;
        }
        // digit group separators inside numbers: 15.000 / 3,5
        if (c == '.' || c == ',')
            && cur_start.is_some()
            && i > 0
            && bytes[i - 1].is_ascii_digit()
            && iter.peek().is_some_and(|(_, n)| n.is_ascii_digit())
        {
            continue;
        }
        if let Some(s) = cur_start.take() {
            flush(s, i, &mut out, &mut sentence_start);
        }
        // a dot right after a one- or two-digit number is an ordinal ("13. September")
        let ordinal_dot = c == '.'
            && out.last().is_some_and(|w: &Word| {
                w.numeric && w.lower.len() <= 2 && w.start + w.lower.len() == i
            });
        if matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '\n' | ':') && !ordinal_dot {
            sentence_start = true;
        }
    }
    if let Some(s) = cur_start.take() {
        flush(s, text.len(), &mut out, &mut sentence_start);
    }
    out
}

/// Fold a word to lower-case ASCII: transliterate other scripts
/// (Cyrillic, Greek, Arabic, Han → pinyin, …) and drop diacritics, so that
/// `Путин`, `Putin` and `Putín` meet. Keeps only ASCII letters and digits.
pub fn fold(word: &str) -> String {
    let t = deunicode::deunicode(word);
    t.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The primary subtag of a language code (`de-AT` → `de`, `nb` → `nb`).
pub fn base_lang(lang: &str) -> &str {
    lang.split(['-', '_']).next().unwrap_or(lang)
}

fn algorithm(lang: &str) -> Option<Algorithm> {
    Some(match base_lang(lang) {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "nb" | "nn" | "no" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

const STEM_LANGS: &[&str] = &[
    "ar", "da", "nl", "en", "fi", "fr", "de", "el", "hu", "it", "nb", "pt", "ro", "ru", "es", "sv",
    "ta", "tr",
];

fn stemmers() -> &'static HashMap<&'static str, Stemmer> {
    static S: OnceLock<HashMap<&'static str, Stemmer>> = OnceLock::new();
    S.get_or_init(|| {
        STEM_LANGS
            .iter()
            .filter_map(|l| algorithm(l).map(|a| (*l, Stemmer::create(a))))
            .collect()
    })
}

/// Stem a lower-cased word with the Snowball stemmer of `lang`; languages
/// without one (Polish, …) keep the first six characters, a crude but
/// effective stand-in for inflected languages.
pub fn stem(lang: &str, lower: &str) -> String {
    let l = match base_lang(lang) {
        "nn" | "no" => "nb",
        l => l,
    };
    match stemmers().get(l) {
        Some(s) => s.stem(lower).into_owned(),
        None => lower.chars().take(6).collect(),
    }
}

/// Is `lower` a stop word of `lang` (stopwords-iso lists)?
pub fn is_stop(lang: &str, lower: &str) -> bool {
    static S: OnceLock<HashMap<String, HashSet<&'static str>>> = OnceLock::new();
    let map = S.get_or_init(|| {
        let mut m = HashMap::new();
        for l in [
            "en", "de", "es", "pl", "tr", "ar", "fr", "it", "ru", "zh", "no", "da", "sv", "nl",
            "pt", "fi",
        ] {
            if let Some(ws) = stop_words::lookup(l) {
                m.insert(l.to_string(), ws.iter().copied().collect());
            }
        }
        m
    });
    let l = match base_lang(lang) {
        "nb" | "nn" => "no",
        l => l,
    };
    map.get(l).is_some_and(|s| s.contains(lower))
}

/// A bilingual lexicon `lang` → English: source-language stems to English
/// stems, built by `scripts/build_bilingual_lexicons.py` from FreeDict.
pub struct Lexicon {
    map: HashMap<String, Vec<String>>,
}

impl Lexicon {
    fn parse(lang: &str, text: &str) -> Lexicon {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for line in text.lines() {
            if line.starts_with('#') {
                continue;
            }
            let mut parts = line.split('\t');
            let (Some(src), Some(tgt)) = (parts.next(), parts.next()) else {
                continue;
            };
            if src.is_empty() {
                continue;
            }
            let entry = map.entry(stem(lang, src)).or_default();
            for t in tgt.split(' ').filter(|s| !s.is_empty()) {
                let t = stem("en", t);
                if !entry.contains(&t) && entry.len() < 4 {
                    entry.push(t);
                }
            }
        }
        Lexicon { map }
    }

    /// English stems for a source-language stem (see [`stem`]).
    pub fn translate(&self, src_stem: &str) -> Option<&[String]> {
        self.map.get(src_stem).map(Vec::as_slice)
    }

    /// Number of source stems.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when the lexicon has no entries.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

macro_rules! lexicon_files {
    ($($code:literal),*) => {
        fn lexicon_text(lang: &str) -> Option<&'static str> {
            match lang {
                $($code => Some(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/lexicon/", $code, "-en.tsv"))),)*
                _ => None,
            }
        }
    };
}
lexicon_files!("de", "es", "fr", "it", "pl", "tr", "ru");

/// The embedded lexicon `lang` → English, if there is one.
pub fn lexicon(lang: &str) -> Option<&'static Lexicon> {
    static L: OnceLock<HashMap<&'static str, Lexicon>> = OnceLock::new();
    let map = L.get_or_init(|| {
        ["de", "es", "fr", "it", "pl", "tr", "ru"]
            .iter()
            .filter_map(|l| lexicon_text(l).map(|t| (*l, Lexicon::parse(l, t))))
            .collect()
    });
    map.get(base_lang(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_numbers_and_split_han() {
        let w = words("Am 13. September trafen sich 15.000 Menschen. 北京 Putin");
        let lower: Vec<&str> = w.iter().map(|w| w.lower.as_str()).collect();
        assert_eq!(
            lower,
            [
                "am",
                "13",
                "september",
                "trafen",
                "sich",
                "15.000",
                "menschen",
                "北",
                "京",
                "putin"
            ]
        );
        assert!(w[0].sentence_initial && w[0].capitalised);
        assert!(!w[2].sentence_initial);
        assert!(w[5].numeric);
        assert!(w[7].han);
    }

    #[test]
    fn fold_meets_across_scripts() {
        assert_eq!(fold("Путин"), "putin");
        assert_eq!(fold("Putín"), "putin");
        assert_eq!(fold("Łódź"), "lodz");
    }

    #[test]
    fn stems_and_stop_words() {
        assert_eq!(stem("en", "meetings"), "meet");
        assert_eq!(stem("pl", "prezydenta"), "prezyd");
        assert!(is_stop("de", "und"));
        assert!(!is_stop("de", "gipfel"));
    }
}
