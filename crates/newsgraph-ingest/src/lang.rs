//! Language identification with lingua over a broad language set.

use lingua::{LanguageDetector, LanguageDetectorBuilder};
use std::sync::OnceLock;

/// Texts with fewer letters than this are `und` (too short to tell).
const MIN_LETTERS: usize = 4;
/// Long texts are identified on a bounded sample: this many bytes from the
/// start plus this many from the middle (lingua's cost grows with length;
/// a 1.2 KB sample is as decisive as the whole of a 3 KB article).
const SAMPLE_BYTES: usize = 600;

fn detector() -> &'static LanguageDetector {
    static D: OnceLock<LanguageDetector> = OnceLock::new();
    D.get_or_init(|| {
        LanguageDetectorBuilder::from_all_languages()
            .with_preloaded_language_models()
            .build()
    })
}

/// Forces loading of the language models (about a second); later calls are fast.
pub fn warm_up() {
    let _ = detector();
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
        .take(MIN_LETTERS)
        .count();
    if letters < MIN_LETTERS {
        return ("und".to_string(), 0.0);
    }
    let s = sample(text);
    let values = detector().compute_language_confidence_values(s.as_ref());
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
