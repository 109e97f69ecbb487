//! The named-entity tagger trained by the project: features, averaged-perceptron
//! training, BIO-constrained Viterbi decoding, CoNLL evaluation.
//!
//! Use [`Tagger::load`] to get the committed model of a language (embedded in
//! the binary, loaded once per process) and [`Tagger::tag`] / [`Tagger::spans`]
//! on the tokens of one sentence:
//!
//! ```
//! let tagger = newsgraph_ner::Tagger::load("de").unwrap();
//! let tokens = ["Bundeskanzlerin", "Angela", "Merkel", "besuchte", "Paris", "."];
//! for (start, end, ty) in tagger.spans(&tokens) {
//!     println!("{} {:?}", tokens[start..end].join(" "), ty);
//! }
//! ```

pub mod conll;
pub mod features;
mod hash;
pub mod label;
pub mod lexicon;
pub mod model;
pub mod train;

pub use conll::{Prf, Scorer, Scores, Sentence};
pub use label::{Label, NUM_LABELS, spans_of};
pub use model::Model;
pub use newsgraph_model::EntityType;

use lexicon::Lexicon;
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// CPU time consumed so far by the calling thread, in nanoseconds (Linux:
/// `/proc/thread-self/schedstat`; `None` elsewhere). Speed figures based on
/// it do not depend on how busy the machine is.
pub fn thread_cpu_ns() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

/// Errors of the tagger crate.
#[derive(Debug, thiserror::Error)]
pub enum NerError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A token-per-line input is malformed.
    #[error("{input}:{line}: {message}")]
    Format {
        /// The input's name.
        input: String,
        /// 1-based line (0 when not tied to a line).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A model is unreadable or does not fit this build.
    #[error("NER model: {0}")]
    Model(String),
    /// No model serves the language.
    #[error("no NER model for language {0:?}")]
    UnsupportedLanguage(String),
}

static MODEL_DE: &[u8] = include_bytes!("../../../data/models/ner-de.bin");
static MODEL_NB: &[u8] = include_bytes!("../../../data/models/ner-nb.bin");
static MODEL_EN: &[u8] = include_bytes!("../../../data/models/ner-en.bin");

/// The committed model that serves a language code: `de` (also `de-AT`,
/// `de-CH`, `lb`), `nb` (also `nn`, `no`, `da`, `sv`: Nynorsk and the
/// Scandinavian neighbours share the Bokmål model), `en` for everything else.
pub fn model_language(lang: &str) -> &'static str {
    let base = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match base.as_str() {
        "de" | "gsw" | "lb" => "de",
        "nb" | "nn" | "no" | "da" | "sv" => "nb",
        _ => "en",
    }
}

fn embedded(model_lang: &str) -> Option<&'static [u8]> {
    match model_lang {
        "de" => Some(MODEL_DE),
        "nb" => Some(MODEL_NB),
        "en" => Some(MODEL_EN),
        _ => None,
    }
}

struct Inner {
    model: Model,
    lex: &'static Lexicon,
}

/// A loaded entity tagger. Cheap to clone (shared model).
#[derive(Clone)]
pub struct Tagger {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Tagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tagger")
            .field("lang", &self.inner.model.lang)
            .field("features", &self.inner.model.num_features())
            .finish()
    }
}

impl Tagger {
    /// The committed model serving `lang` (see [`model_language`]), embedded
    /// in the binary. Decoded once per process and language; later calls
    /// return a shared handle.
    pub fn load(lang: &str) -> Result<Tagger, NerError> {
        static CACHE: [OnceLock<Result<Tagger, String>>; 3] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new()];
        let ml = model_language(lang);
        let slot = match ml {
            "de" => 0,
            "nb" => 1,
            _ => 2,
        };
        let r = CACHE[slot].get_or_init(|| {
            let bytes = embedded(ml).ok_or_else(|| format!("no embedded model for {ml}"))?;
            Tagger::from_bytes(bytes).map_err(|e| match e {
                NerError::Model(m) => format!("embedded {ml} model: {m}"),
                other => other.to_string(),
            })
        });
        r.clone().map_err(NerError::Model)
    }

    /// A tagger from model bytes (as written by `newsgraph train ner`).
    pub fn from_bytes(bytes: &[u8]) -> Result<Tagger, NerError> {
        Tagger::from_model(Model::from_bytes(bytes)?)
    }

    /// A tagger from a model file.
    pub fn from_path(path: &Path) -> Result<Tagger, NerError> {
        let bytes = std::fs::read(path).map_err(|e| NerError::Io {
            path: path.display().to_string(),
            source: e,
        })?;
        Tagger::from_bytes(&bytes).map_err(|e| match e {
            NerError::Model(m) => NerError::Model(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// A tagger from a model in memory (checks its lexicon fingerprint).
    pub fn from_model(model: Model) -> Result<Tagger, NerError> {
        let lex = Lexicon::get(&model.lang);
        model.check_lexicon(lex)?;
        Ok(Tagger {
            inner: Arc::new(Inner { model, lex }),
        })
    }

    /// The domains the model was trained on (the first is the default, used
    /// unless [`Tagger::with_domain`] picks another); empty for a model
    /// trained on one domain.
    pub fn domains(&self) -> &[String] {
        &self.inner.model.domains
    }

    /// The domain inputs are tagged as, `None` for a model without domains.
    pub fn domain(&self) -> Option<&str> {
        self.inner.model.domain()
    }

    /// The same model tagging its inputs as text of domain `name` (one of
    /// [`Tagger::domains`]; a model without domains accepts any name and
    /// tags as before). Builds the domain's weight table (tens of ms).
    pub fn with_domain(&self, name: &str) -> Result<Tagger, NerError> {
        if self.domain() == Some(name) || self.domains().is_empty() {
            return Ok(self.clone());
        }
        Ok(Tagger {
            inner: Arc::new(Inner {
                model: self.inner.model.with_domain(name)?,
                lex: self.inner.lex,
            }),
        })
    }

    /// The language of the model's lexicon tables (`de`, `nb`, `en`).
    pub fn lang(&self) -> &str {
        &self.inner.model.lang
    }

    /// The underlying model.
    pub fn model(&self) -> &Model {
        &self.inner.model
    }

    /// One BIO label per token of one sentence.
    pub fn tag(&self, tokens: &[&str]) -> Vec<Label> {
        self.inner.model.tag(self.inner.lex, tokens)
    }

    /// Entity spans of one sentence as `(start, end_exclusive, type)` token
    /// index ranges.
    pub fn spans(&self, tokens: &[&str]) -> Vec<(usize, usize, EntityType)> {
        spans_of(&self.tag(tokens))
    }
}
