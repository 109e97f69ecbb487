//! Who did what to whom, when and where: PLOVER events with CAMEO roots,
//! actors, modality, and attributed quotes, from per-language trigger
//! lexicons; and, across articles, merged events and where sources differ.
//!
//! - [`extract`]: one article's events and quotes, given its analysis
//!   (sentences, linked mentions, timexes already filled).
//! - [`merge_events`]: the same happening reported by several articles → one
//!   [`MergedEvent`] with every article and sentence.
//! - [`differences`]: details that differ between sources (quantities,
//!   dates, places, participants, negated vs asserted) and claims only one
//!   source makes.
//! - [`list_events`], [`export_rows`]: the merged-event listing and GDELT-like
//!   export shared by the CLI and the API.
//! - [`eval`]: the PLOVER gold-standard scorer.
//!
//! Language knowledge lives in `data/lang/<code>/events.toml` (triggers,
//! modality cues, syntax cues, actor nouns, objects), `roles.toml` (role
//! nouns) and `speech.toml` (speech verbs, "according to" cues, quote marks).

mod anchor;
pub mod eval;
mod extract;
pub mod lexicon;
pub mod listing;
mod merge;
mod names;
mod quotes;
mod sentence;

pub use extract::plover_type;
pub use lexicon::{Lexicon, LexiconError, lexicon};
pub use listing::{
    EventQuery, ExportArticle, ExportError, ExportRow, export_rows, list_events, write_csv,
    write_jsonl,
};
pub use merge::{ArticleMeta, Difference, MergedEvent, Version, differences, merge_events};
pub use names::CanonicalNames;

use newsgraph_model::{Actor, Analysis, ArticleId, Event, Quote, Sentence};

/// Extract events and attributed quotes from one article.
///
/// `analysis` must have sentences (else the whole text is one sentence);
/// mentions and timexes are used when present. Without any mentions the
/// extractor finds actors itself (capitalised spans, actor-noun phrases).
/// Never panics; an unknown language uses the English cues.
pub fn extract(
    text: &str,
    lang: &str,
    analysis: &Analysis,
    article_id: ArticleId,
) -> (Vec<Event>, Vec<Quote>) {
    let Ok(lx) = lexicon(lang) else {
        return (Vec::new(), Vec::new());
    };
    extract_with(text, lx, analysis, article_id)
}

/// [`extract`] with an explicit lexicon (e.g. one with entries removed, as
/// the held-out protocol of [`eval::heldout`] does).
pub fn extract_with(
    text: &str,
    lx: &Lexicon,
    analysis: &Analysis,
    article_id: ArticleId,
) -> (Vec<Event>, Vec<Quote>) {
    let ctx = extract::ArticleCtx {
        text,
        lx,
        analysis,
        article_id,
        use_caps: analysis.mentions.is_empty(),
        quotes: quotes::direct_spans(text, lx),
    };
    let sents = extract::sentences(&ctx);
    let rb = extract::role_book(&sents, lx);
    let credits = quotes::article_credits(&sents, lx, &rb);
    let quotes = quotes::quotes(text, &sents, lx, &rb, article_id, &credits, &ctx.quotes);
    let mut events = Vec::new();
    let mut origin = Vec::new();
    for (si, s) in sents.iter().enumerate() {
        for (hi, mut e) in extract::sentence_events(&ctx, s, &rb) {
            e.attributed_to = attribution(&e, &quotes, &credits);
            events.push(e);
            origin.push((si, hi));
        }
    }
    // Undated events placed at/during another happening take its date.
    let timexes: Vec<(usize, usize)> = analysis.timexes.iter().map(|t| (t.start, t.end)).collect();
    anchor::anchor_events(lx, &sents, &timexes, &ctx.quotes, &origin, &mut events);
    (events, quotes)
}

/// Who says so: the quote covering the trigger (direct) or its sentence
/// (reported): speaker first, then the chain; else the article's credits.
fn attribution(e: &Event, quotes: &[Quote], credits: &[Actor]) -> Vec<Actor> {
    let p = &e.provenance;
    let q = quotes
        .iter()
        .find(|q| q.kind == "direct" && p.start >= q.start && p.end <= q.end)
        .or_else(|| {
            quotes.iter().find(|q| {
                q.kind == "reported"
                    && q.provenance.sentence == p.sentence
                    && p.start >= q.provenance.start
            })
        });
    match q {
        Some(q) => q
            .speaker
            .iter()
            .cloned()
            .chain(q.via.iter().cloned())
            .collect(),
        None => credits.to_vec(),
    }
}

/// The main event of a single sentence (as PLOVER gold records code one
/// event per sentence): the first event in sentence order. Used by `eval`.
pub fn extract_sentence(sentence: &str, lang: &str) -> Option<Event> {
    let lx = lexicon(lang).ok()?;
    extract_sentence_with(sentence, lx)
}

/// [`extract_sentence`] with an explicit lexicon.
pub fn extract_sentence_with(sentence: &str, lx: &Lexicon) -> Option<Event> {
    let lang = lx.lang.clone();
    let analysis = Analysis {
        lang: lang.to_string(),
        sentences: vec![Sentence {
            start: 0,
            end: sentence.len(),
            text: sentence.to_string(),
        }],
        ..Default::default()
    };
    extract_with(sentence, lx, &analysis, 0)
        .0
        .into_iter()
        .next()
}
