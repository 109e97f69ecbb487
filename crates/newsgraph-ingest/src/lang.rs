//! Language identification with lingua over a broad language set.

use lingua::{Language, LanguageDetector, LanguageDetectorBuilder};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Texts with fewer letters than this are `und` (too short to tell).
const MIN_LETTERS: usize = 4;
/// Long texts are identified on a bounded sample: this many bytes from the
/// start plus this many from the middle. The first pass's cost grows with
/// the sample; the sample decides as reliably as the whole article
/// (measured in docs/ingest.md, `--example langid_eval`).
const SAMPLE_BYTES: usize = 200;
/// From this many letters on, a text is long: whatlang proposes, lingua
/// decides among close candidates only.
const LONG_TEXT_LETTERS: usize = 120;
/// Bytes lingua looks at when it only has to choose among the few
/// candidates of a long text.
const DECIDE_BYTES: usize = 200;
/// whatlang confidence from which its guess on a long text is final
/// (outside the close-language groups).
const SURE: f64 = 0.9;
/// Confidence of whatlang restricted to a close group from which its pick
/// is final (when whatlang knows every language of the group).
const NARROW_SURE: f64 = 0.5;

fn detector() -> &'static LanguageDetector {
    static D: OnceLock<LanguageDetector> = OnceLock::new();
    D.get_or_init(|| {
        LanguageDetectorBuilder::from_all_languages()
            .with_preloaded_language_models()
            .build()
    })
}

fn fast_detector() -> &'static LanguageDetector {
    static D: OnceLock<LanguageDetector> = OnceLock::new();
    D.get_or_init(|| {
        LanguageDetectorBuilder::from_all_languages()
            .with_preloaded_language_models()
            .with_low_accuracy_mode()
            .build()
    })
}

/// whatlang restricted to the languages lingua can return.
fn first_pass() -> &'static whatlang::Detector {
    static D: OnceLock<whatlang::Detector> = OnceLock::new();
    D.get_or_init(|| {
        let t = tables();
        whatlang::Detector::with_allowlist(
            whatlang::Lang::all()
                .iter()
                .copied()
                .filter(|l| t.by_code3.contains_key(l.code()))
                .collect(),
        )
    })
}

/// Languages of the detector by ISO 639-1 and 639-3 code, and the
/// confusion groups from `data/lang/xx/ingest-langid-groups.txt`.
struct Tables {
    by_code3: HashMap<String, Language>,
    groups: Vec<Vec<Language>>,
    /// Languages that lingua must always separate (groups marked `!`).
    close: Vec<Language>,
    /// For each close group: whatlang restricted to the group's languages
    /// it knows, and the group's languages whatlang does not know (e.g.
    /// Nynorsk), which lingua must still separate from whatlang's pick.
    narrow: Vec<(Vec<Language>, whatlang::Detector, Vec<Language>)>,
    detectors: Mutex<HashMap<Vec<Language>, Arc<LanguageDetector>>>,
}

fn tables() -> &'static Tables {
    static T: OnceLock<Tables> = OnceLock::new();
    T.get_or_init(|| {
        let all: Vec<Language> = Language::all().into_iter().collect();
        let by_code1: HashMap<String, Language> = all
            .iter()
            .map(|l| (l.iso_code_639_1().to_string().to_lowercase(), *l))
            .collect();
        let mut by_code3: HashMap<String, Language> = all
            .iter()
            .map(|l| (l.iso_code_639_3().to_string().to_lowercase(), *l))
            .collect();
        // whatlang names two languages by another ISO 639-3 code than lingua.
        for (whatlang_code, lingua_code) in [("cmn", "zho"), ("pes", "fas")] {
            if let Some(l) = by_code3.get(lingua_code).copied() {
                by_code3.insert(whatlang_code.to_string(), l);
            }
        }
        let mut close = Vec::new();
        let mut narrow = Vec::new();
        let mut groups = Vec::new();
        for line in newsgraph_lang::lines("xx", "ingest-langid-groups.txt") {
            let (strict, rest) = match line.strip_prefix('!') {
                Some(r) => (true, r),
                None => (false, line),
            };
            let g: Vec<Language> = rest
                .split_whitespace()
                .filter_map(|c| by_code1.get(c).copied())
                .collect();
            if strict {
                close.extend(g.iter().copied());
                let (known, lacking): (Vec<Language>, Vec<Language>) =
                    g.iter().partition(|l| whatlang_of(**l).is_some());
                if known.len() >= 2 {
                    let d = whatlang::Detector::with_allowlist(
                        known.iter().filter_map(|l| whatlang_of(*l)).collect(),
                    );
                    narrow.push((g.clone(), d, lacking));
                }
            }
            if !g.is_empty() {
                groups.push(g);
            }
        }
        Tables {
            by_code3,
            groups,
            close,
            narrow,
            detectors: Mutex::new(HashMap::new()),
        }
    })
}

fn whatlang_of(l: Language) -> Option<whatlang::Lang> {
    whatlang::Lang::from_code(l.iso_code_639_3().to_string().to_lowercase())
}

/// A lingua detector restricted to `langs` (cached). High-accuracy mode:
/// with few languages it is both more accurate and cheaper than the
/// low-accuracy mode, whose unique-n-gram pre-pass dominates on short
/// windows (measured on the `--example langid_eval` sets).
fn detector_for(langs: Vec<Language>) -> Arc<LanguageDetector> {
    let t = tables();
    if let Ok(mut cache) = t.detectors.lock() {
        return cache
            .entry(langs.clone())
            .or_insert_with(|| {
                Arc::new(
                    LanguageDetectorBuilder::from_languages(&langs)
                        .with_preloaded_language_models()
                        .build(),
                )
            })
            .clone();
    }
    Arc::new(LanguageDetectorBuilder::from_languages(&langs).build())
}

/// Candidate languages for a long text: whatlang's guess (fast, trigram
/// profile) and the languages it is commonly confused with.
enum FirstPass {
    /// A reliable guess outside the close-language groups: (language, confidence).
    Sure(Language, f64),
    /// Candidates for lingua to decide among.
    Candidates(Vec<Language>),
}

fn candidates(sample: &str) -> Option<FirstPass> {
    let info = first_pass().detect(sample)?;
    let t = tables();
    let first = *t.by_code3.get(info.lang().code())?;
    if info.is_reliable() && info.confidence() >= SURE && !t.close.contains(&first) {
        return Some(FirstPass::Sure(first, info.confidence()));
    }
    // A close group: whatlang restricted to the group picks one language;
    // lingua only separates it from the group languages whatlang lacks.
    if let Some((_, d, lacking)) = t.narrow.iter().find(|(g, _, _)| g.contains(&first))
        && let Some(i2) = d.detect(sample)
        && let Some(&second) = t.by_code3.get(i2.lang().code())
    {
        if lacking.is_empty() {
            if i2.confidence() >= NARROW_SURE {
                return Some(FirstPass::Sure(second, i2.confidence()));
            }
        } else {
            let mut langs = vec![second];
            langs.extend(lacking.iter().copied());
            langs.sort();
            return Some(FirstPass::Candidates(langs));
        }
    }
    let mut langs = vec![first];
    for g in &t.groups {
        if g.contains(&first) {
            for l in g {
                if !langs.contains(l) {
                    langs.push(*l);
                }
            }
        }
    }
    if langs.len() < 2 {
        // lingua needs two languages to compare; English is the most common
        // other language in news text.
        let other = if first == Language::English {
            Language::German
        } else {
            Language::English
        };
        langs.push(other);
    }
    langs.sort();
    Some(FirstPass::Candidates(langs))
}

/// Forces loading of the language models (about a second); later calls are fast.
pub fn warm_up() {
    let _ = detector();
    let _ = fast_detector();
    let _ = first_pass();
    let _ = tables();
}

fn floor_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The part of `text` the detector looks at.
fn sample(text: &str) -> std::borrow::Cow<'_, str> {
    if text.len() <= 2 * SAMPLE_BYTES + 200 {
        return text.into();
    }
    let a = floor_boundary(text, SAMPLE_BYTES);
    let mid = floor_boundary(text, text.len() / 2);
    let b = floor_boundary(text, mid + SAMPLE_BYTES);
    format!("{}\n{}", &text[..a], &text[mid..b]).into()
}

/// Identifies the language of `text`: `(code, confidence)`, with ISO 639-1
/// codes (`nb`/`nn` for Norwegian Bokmål/Nynorsk) and `("und", 0.0)` when
/// the text is too short to tell.
pub fn detect_language(text: &str) -> (String, f64) {
    let letters = text
        .chars()
        .filter(|c| c.is_alphabetic())
        .take(LONG_TEXT_LETTERS)
        .count();
    if letters < MIN_LETTERS {
        return ("und".to_string(), 0.0);
    }
    let s = sample(text);
    let values = if letters >= LONG_TEXT_LETTERS {
        match candidates(s.as_ref()) {
            Some(FirstPass::Sure(lang, conf)) => vec![(lang, conf)],
            Some(FirstPass::Candidates(langs)) => {
                // Among a few close candidates a short window decides.
                let w = &text[..crate::floor_char(text, DECIDE_BYTES)];
                detector_for(langs).compute_language_confidence_values(w)
            }
            None => fast_detector().compute_language_confidence_values(s.as_ref()),
        }
    } else {
        detector().compute_language_confidence_values(s.as_ref())
    };
    match values.first() {
        Some((lang, conf)) if *conf > 0.0 => {
            (lang.iso_code_639_1().to_string().to_lowercase(), *conf)
        }
        _ => ("und".to_string(), 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_common_languages() {
        let cases = [
            (
                "de",
                "Der russische Präsident hat den Machthaber am Mittwoch im Kreml empfangen.",
            ),
            (
                "nb",
                "Presidenten sa at landet ikke har noen planer om å sende soldater dit i år.",
            ),
            (
                "en",
                "The president said the country has no plans to send troops there this year.",
            ),
            (
                "fr",
                "Le président a déclaré que le pays n'avait pas l'intention d'envoyer des troupes.",
            ),
            (
                "ru",
                "Президент заявил, что страна не планирует направлять туда войска в этом году.",
            ),
        ];
        for (code, text) in cases {
            let (got, conf) = detect_language(text);
            assert_eq!(got, code, "{text}");
            assert!(conf > 0.0 && conf <= 1.0);
        }
    }

    #[test]
    fn too_short_is_und() {
        assert_eq!(detect_language("42 !").0, "und");
        assert_eq!(detect_language("").0, "und");
    }
}
