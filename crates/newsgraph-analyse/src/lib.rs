//! Per-article analysis: runs segmentation, tagging, entity linking, time and
//! event extraction over one clean text and returns an [`Analysis`]. Pure and
//! parallel per article, plus one ordered cross-article linking step.
//!
//! ```text
//! text ──► sentences, tokens (newsgraph-lang)
//!      ──► entity spans per sentence (newsgraph-ner tagger; rule fallback)
//!      ──► mentions + place relations (newsgraph-link, within the article)
//!      ──► time expressions (newsgraph-time)
//!      ──► events, quotes (newsgraph-events)
//!      ══► registry step: article-local ids → global entity ids (ordered)
//! ```
//!
//! [`Analyser::analyse`] is the pure part (same text, same result; safe to
//! run in parallel). [`Analyser::resolve`] is the ordered part: call it on
//! each analysis in article order (it updates the analyser's
//! [`EntityRegistry`]).

mod fallback;
mod repair;

use newsgraph_lang::{Token, split_sentences, tokenize};
use newsgraph_link::{EntityRegistry, LinkError, Linker, RawMention};
use newsgraph_model::{Analysis, ArticleId, Entity, Sentence, Span};
use newsgraph_ner::Tagger;
use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

/// Bumped whenever the analysis rules change in a way that changes output.
const ANALYSE_VERSION: u32 = 1;

/// Errors of the analyser: only its embedded data can fail to load.
#[derive(Debug, thiserror::Error)]
pub enum AnalyseError {
    #[error("entity linking data: {0}")]
    Link(#[from] LinkError),
}

/// One article to analyse in a batch.
#[derive(Debug, Clone, Copy)]
pub struct ArticleInput<'a> {
    pub id: ArticleId,
    pub text: &'a str,
    pub lang: &'a str,
    /// Document creation time (ISO date), when known.
    pub dct: Option<&'a str>,
}

/// The analyser: taggers (loaded lazily per language), the gazetteers and
/// the cross-article entity registry.
pub struct Analyser {
    linker: Linker,
    taggers: Mutex<HashMap<String, Option<Tagger>>>,
    registry: Mutex<EntityRegistry>,
}

impl std::fmt::Debug for Analyser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyser").finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// Trims punctuation a tagger may leave at the edges of a span (quotes,
/// brackets, a sentence-final period), keeping the period of a dotted
/// abbreviation ("U.S.").
fn trim_span(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start_matches(|c: char| !c.is_alphanumeric()).len();
    let mut body = &s[lead..];
    body = body.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.');
    if body.ends_with('.') && body.matches('.').count() == 1 {
        body = &body[..body.len() - 1];
    }
    body = body.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '.');
    (start + lead, start + lead + body.len())
}

impl Analyser {
    /// An analyser with an empty registry.
    pub fn new() -> Result<Analyser, AnalyseError> {
        Analyser::with_registry(EntityRegistry::new())
    }

    /// An analyser that links to known entities (e.g. built with
    /// [`EntityRegistry::from_entities`] from the store).
    pub fn with_registry(registry: EntityRegistry) -> Result<Analyser, AnalyseError> {
        Ok(Analyser {
            linker: Linker::new()?,
            taggers: Mutex::new(HashMap::new()),
            registry: Mutex::new(registry),
        })
    }

    /// A shared analyser with an empty registry, built once per process
    /// (for callers that only need [`Analyser::analyse`]).
    pub fn shared() -> Result<&'static Analyser, String> {
        static CELL: OnceLock<Result<Analyser, String>> = OnceLock::new();
        CELL.get_or_init(|| Analyser::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The linker (gazetteer, rules).
    pub fn linker(&self) -> &Linker {
        &self.linker
    }

    /// Identifies rules and models; stored with each analysis so that
    /// `newsgraph reanalyze` can tell what is out of date.
    pub fn model_version(&self) -> String {
        let mut parts = vec![format!("analyse{ANALYSE_VERSION}")];
        for lang in ["de", "nb", "en"] {
            match self.tagger(lang) {
                Some(t) => parts.push(format!("ner-{}:{}", t.lang(), t.model().num_features())),
                None => parts.push(format!("ner-{lang}:none")),
            }
        }
        let mut h: u64 = 0xcbf29ce484222325;
        for name in ["link.toml", "translit.toml", "abbreviations.txt"] {
            for lang in newsgraph_lang::languages() {
                for b in newsgraph_lang::resource(lang, name).unwrap_or("").bytes() {
                    h ^= u64::from(b);
                    h = h.wrapping_mul(0x100000001b3);
                }
            }
        }
        h ^= self.linker.gazetteer().places().len() as u64;
        parts.push(format!("rules-{:08x}", h & 0xffff_ffff));
        parts.join("+")
    }

    fn tagger(&self, lang: &str) -> Option<Tagger> {
        let mut g = lock(&self.taggers);
        g.entry(lang.to_string())
            .or_insert_with(|| Tagger::load(lang).ok())
            .clone()
    }

    /// Sentences of `text` with their text.
    pub fn sentences(text: &str, lang: &str) -> Vec<Sentence> {
        split_sentences(text, lang)
            .into_iter()
            .map(|s| Sentence {
                start: s.start,
                end: s.end,
                text: s.slice(text).to_string(),
            })
            .collect()
    }

    /// Entity spans of the whole text: the tagger per sentence, or the rule
    /// fallback when no model serves the language.
    pub fn entity_spans(
        &self,
        text: &str,
        lang: &str,
        sentences: &[Sentence],
        tokens: &[Token<'_>],
    ) -> Vec<RawMention> {
        let tagger = self.tagger(lang);
        let mut out = Vec::new();
        let mut k = 0;
        for s in sentences {
            while k < tokens.len() && tokens[k].start < s.start {
                k += 1;
            }
            let first = k;
            while k < tokens.len() && tokens[k].end <= s.end {
                k += 1;
            }
            let toks = &tokens[first..k];
            if toks.is_empty() {
                continue;
            }
            let words: Vec<&str> = toks.iter().map(|t| t.text).collect();
            let spans = match &tagger {
                Some(t) => t.spans(&words),
                None => fallback::spans(&self.linker, lang, &words),
            };
            for (a, b, typ) in spans {
                if a >= b || b > toks.len() {
                    continue;
                }
                let (start, end) = trim_span(text, toks[a].start, toks[b - 1].end);
                if start < end {
                    out.push(RawMention { start, end, typ });
                }
            }
        }
        out
    }

    /// The pure per-article analysis: sentences, mentions (with
    /// article-local entity ids), place relations, events and quotes.
    /// Call [`Analyser::resolve`] afterwards, in article order, for global ids.
    pub fn analyse(
        &self,
        text: &str,
        lang: &str,
        dct: Option<&str>,
        article_id: ArticleId,
    ) -> Analysis {
        let lang = if lang.is_empty() { "und" } else { lang };
        let sentences = Analyser::sentences(text, lang);
        let tokens = tokenize(text, lang);
        let raw = repair::repair(
            text,
            lang,
            self.entity_spans(text, lang, &sentences, &tokens),
        );
        let (mentions, places) = self
            .linker
            .link_article(text, lang, &sentences, &tokens, &raw)
            .unwrap_or_default();
        let spans: Vec<Span> = sentences
            .iter()
            .map(|s| Span::new(s.start, s.end))
            .collect();
        let timexes = newsgraph_time::annotate(text, lang, dct, &spans);
        let mut analysis = Analysis {
            lang: lang.to_string(),
            dct: dct.map(str::to_string),
            sentences,
            mentions,
            places,
            timexes,
            ..Default::default()
        };
        let (events, quotes) = newsgraph_events::extract(text, lang, &analysis, article_id);
        analysis.events = events;
        analysis.quotes = quotes;
        analysis
    }

    /// The ordered cross-article step: rewrites the article-local entity ids
    /// of `analysis` (mentions, event actors, quote speakers) to registry ids
    /// and records the article in the registry.
    pub fn resolve(&self, analysis: &mut Analysis, article_id: ArticleId) {
        let before: Vec<String> = analysis
            .mentions
            .iter()
            .map(|m| m.entity_id.clone())
            .collect();
        lock(&self.registry).resolve(analysis, article_id);
        let map: HashMap<String, (String, String)> = before
            .into_iter()
            .zip(analysis.mentions.iter())
            .map(|(old, m)| (old, (m.entity_id.clone(), m.canonical.clone())))
            .collect();
        let fix = |a: &mut newsgraph_model::Actor| {
            if let Some((new, canonical)) = a.entity_id.as_ref().and_then(|id| map.get(id)) {
                a.entity_id = Some(new.clone());
                a.canonical = Some(canonical.clone());
            }
        };
        for e in &mut analysis.events {
            e.source.iter_mut().for_each(fix);
            e.target.iter_mut().for_each(fix);
            e.attributed_to.iter_mut().for_each(fix);
            if let Some(p) = &mut e.place {
                fix(p);
            }
        }
        for q in &mut analysis.quotes {
            if let Some(s) = &mut q.speaker {
                fix(s);
            }
            q.via.iter_mut().for_each(fix);
        }
    }

    /// [`Analyser::analyse`] then [`Analyser::resolve`].
    pub fn analyse_and_resolve(
        &self,
        text: &str,
        lang: &str,
        dct: Option<&str>,
        article_id: ArticleId,
    ) -> Analysis {
        let mut a = self.analyse(text, lang, dct, article_id);
        self.resolve(&mut a, article_id);
        a
    }

    /// Analyses a batch in parallel (pure part), then resolves the results
    /// in the order given (the ordered part): deterministic for a given
    /// order and registry.
    pub fn analyse_batch(&self, items: &[ArticleInput<'_>]) -> Vec<Analysis> {
        use rayon::prelude::*;
        let mut out: Vec<Analysis> = items
            .par_iter()
            .map(|x| self.analyse(x.text, x.lang, x.dct, x.id))
            .collect();
        for (a, x) in out.iter_mut().zip(items) {
            self.resolve(a, x.id);
        }
        out
    }

    /// The registry's entities (creation order).
    pub fn entities(&self) -> Vec<Entity> {
        lock(&self.registry).entities()
    }

    /// Replaces the registry (e.g. with one rebuilt from the store).
    pub fn set_registry(&self, registry: EntityRegistry) {
        *lock(&self.registry) = registry;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_quotes_and_final_period() {
        let t = "„Putin.“ U.S.";
        assert_eq!(trim_span(t, 0, t.find(' ').unwrap_or(0)), (3, 8));
        let s = t.find('U').unwrap_or(0);
        assert_eq!(&t[s..trim_span(t, s, t.len()).1], "U.S.");
    }

    #[test]
    fn analyses_without_panicking_on_odd_input() {
        let a = Analyser::shared().expect("analyser");
        for (text, lang) in [
            ("", "de"),
            ("...", "en"),
            ("„“", "nb"),
            ("Ä", "zz"),
            ("x\n\n\ny", ""),
        ] {
            let r = a.analyse(text, lang, None, 1);
            for m in &r.mentions {
                assert!(text.get(m.start..m.end).is_some());
            }
        }
    }
}
