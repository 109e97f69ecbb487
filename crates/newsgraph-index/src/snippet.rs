//! Snippets: the best fragment of a text around the query terms.
//!
//! The fragment choice is tantivy's `SnippetGenerator` algorithm (fragments
//! of at most N bytes cut at token starts, each scored by the sum of
//! `1 / (1 + doc_freq)` of the query terms it contains; the best, earliest
//! on ties, wins), but a text is not run through the whole analyser chain
//! token by token: each distinct word's analysed form (lower-cased, stemmed,
//! folded) is computed once per thread and remembered. Stemming every token
//! of every returned hit was the largest cost of a search.

use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Score, Searcher, Term};

use crate::AnalyzerConfig;

/// Words remembered per analyser and thread before the memory is cleared.
const MAX_WORDS: usize = 300_000;

/// One analyser and the analysed form of the words it has seen.
struct WordCache {
    analyzer: TextAnalyzer,
    /// word as written → its term (lower-cased), `None` when the analyser drops it.
    terms: FxHashMap<Box<str>, Option<Box<str>>>,
}

thread_local! {
    static CACHES: RefCell<HashMap<String, WordCache>> = RefCell::new(HashMap::new());
}

/// Highlights the query terms of one text field.
pub(crate) struct Highlighter {
    analyser: String,
    /// Query terms and their scores (a handful: a linear scan beats hashing).
    terms: Vec<(String, Score)>,
    max_bytes: usize,
}

/// A fragment and the byte ranges of its matched words (relative to it).
pub(crate) struct Fragment<'a> {
    pub text: &'a str,
    pub highlights: Vec<[usize; 2]>,
}

impl Highlighter {
    /// The query terms of `field` (analysed by `analyser`) that occur in the index.
    pub fn new(
        searcher: &Searcher,
        query: &dyn Query,
        field: Field,
        analyser: &str,
        max_bytes: usize,
    ) -> tantivy::Result<Highlighter> {
        let mut wanted: BTreeSet<&Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                wanted.insert(term);
            }
        });
        let mut terms = Vec::new();
        for term in wanted {
            let value = term.value();
            let Some(text) = value.as_str() else {
                continue;
            };
            let doc_freq = searcher.doc_freq(term)?;
            if doc_freq > 0 {
                terms.push((text.to_string(), 1.0 / (1.0 + doc_freq as Score)));
            }
        }
        Ok(Highlighter {
            analyser: analyser.to_string(),
            terms,
            max_bytes,
        })
    }

    /// The best fragment of `text`, or `None` when no query term occurs in it.
    pub fn best<'a>(&self, text: &'a str) -> Option<Fragment<'a>> {
        if self.terms.is_empty() {
            return None;
        }
        CACHES.with(|caches| {
            let mut caches = caches.borrow_mut();
            let cache = caches
                .entry(self.analyser.clone())
                .or_insert_with(|| WordCache {
                    analyzer: AnalyzerConfig::build(&self.analyser),
                    terms: FxHashMap::default(),
                });
            if cache.terms.len() > MAX_WORDS {
                cache.terms.clear();
            }
            self.best_with(cache, text)
        })
    }

    fn best_with<'a>(&self, cache: &mut WordCache, text: &'a str) -> Option<Fragment<'a>> {
        struct Candidate {
            score: Score,
            start: usize,
            stop: usize,
            highlights: Vec<[usize; 2]>,
        }
        let fresh = |start| Candidate {
            score: 0.0,
            start,
            stop: start,
            highlights: Vec::new(),
        };
        let mut best: Option<Candidate> = None;
        let keep = |c: Candidate, best: &mut Option<Candidate>| {
            if c.score > 0.0 && best.as_ref().is_none_or(|b| c.score > b.score) {
                *best = Some(c);
            }
        };
        let mut current = fresh(0);
        for (from, to) in words(text) {
            if to - current.start > self.max_bytes {
                let done = std::mem::replace(&mut current, fresh(from));
                keep(done, &mut best);
            }
            current.stop = to;
            if let Some(score) = cache
                .term_of(&text[from..to])
                .and_then(|t| self.terms.iter().find(|(q, _)| q == t).map(|(_, s)| s))
            {
                current.score += score;
                current.highlights.push([from, to]);
            }
        }
        keep(current, &mut best);
        let b = best?;
        Some(Fragment {
            text: &text[b.start..b.stop],
            highlights: b
                .highlights
                .into_iter()
                .map(|[s, e]| [s - b.start, e - b.start])
                .collect(),
        })
    }
}

impl WordCache {
    /// The analysed, lower-cased form of one word (a maximal alphanumeric run).
    fn term_of(&mut self, word: &str) -> Option<&str> {
        if !self.terms.contains_key(word) {
            let mut stream = self.analyzer.token_stream(word);
            let term = if stream.advance() {
                Some(stream.token().text.to_lowercase().into_boxed_str())
            } else {
                None
            };
            self.terms.insert(word.into(), term);
        }
        self.terms.get(word).and_then(|t| t.as_deref())
    }
}

/// Byte ranges of the words of `text` as tantivy's `SimpleTokenizer` splits
/// it: maximal runs of alphanumeric characters.
fn words(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut chars = text.char_indices();
    std::iter::from_fn(move || {
        let from = loop {
            let (i, c) = chars.next()?;
            if c.is_alphanumeric() {
                break i;
            }
        };
        let mut to = text.len();
        for (i, c) in chars.by_ref() {
            if !c.is_alphanumeric() {
                to = i;
                break;
            }
        }
        Some((from, to))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_the_simple_tokenizer() {
        let text = "Kim Jong-un, in Pjöngjang: 12 Raketen!";
        let got: Vec<&str> = words(text).map(|(a, b)| &text[a..b]).collect();
        assert_eq!(
            got,
            ["Kim", "Jong", "un", "in", "Pjöngjang", "12", "Raketen"]
        );
        assert_eq!(words("").count(), 0);
        assert_eq!(words(" -- ").count(), 0);
    }

    /// The fragment and highlights are exactly those of tantivy's own
    /// `SnippetGenerator` (which this module replaces for speed).
    #[test]
    fn same_fragments_as_tantivys_snippet_generator() {
        use crate::{IndexDoc, SearchIndex, SearchRequest};
        use tantivy::snippet::SnippetGenerator;
        let config = AnalyzerConfig::from_pairs([("de", "german"), ("nb", "norwegian")]);
        let idx = SearchIndex::in_memory(config).unwrap();
        let texts = [
            (
                "de",
                "Der nordkoreanische Machthaber Kim Jong-un hat den russischen Außenminister \
                    in Pjöngjang empfangen. Bei dem Besuch ging es um Raketen, Munition und \
                    die Zusammenarbeit beider Staaten. Kim lobte die Beziehungen. Später \
                    besuchte Lawrow eine Raketenfabrik; die Raketen seien einsatzbereit, \
                    hieß es. Ein Besuch in Moskau ist geplant. Die Beziehungen zu Russland \
                    sollen enger werden, sagte Kim. Zum Abschluss des Besuches: Raketen.",
            ),
            (
                "nb",
                "Russlands utenriksminister er på besøk i Pyongyang. Rakettene ble vist \
                    fram under besøket, og Kim Jong-un takket for støtten. Besøket varer \
                    i to dager. Utenriksministeren skal også møte andre ministre. \
                    Kritikere sier besøket viser at Russland trenger raketter.",
            ),
            ("de", "Kurzer Text ohne Treffer."),
        ];
        let docs: Vec<IndexDoc> = texts
            .iter()
            .enumerate()
            .map(|(i, (lang, text))| IndexDoc {
                id: i as i64 + 1,
                title: format!("Artikel {i}"),
                text: text.to_string(),
                lang: lang.to_string(),
                ..Default::default()
            })
            .collect();
        idx.upsert(&docs, None).unwrap();
        let searcher = idx.reader.searcher();
        for q in [
            "Besuch Raketen",
            "Kim",
            "\"russischen Außenminister\"",
            "besøk raketter",
            "Beziehung OR Moskau",
        ] {
            let req = SearchRequest {
                query: q.into(),
                ..Default::default()
            };
            let (query, _) = idx.build_query(&req).unwrap();
            for (i, (lang, text)) in texts.iter().enumerate() {
                let analyser = idx.config.analyser_for(lang).to_string();
                let (_, body) = idx.fields.text_fields(&analyser);
                let mut theirs = SnippetGenerator::create(&searcher, &*query, body).unwrap();
                theirs.set_max_num_chars(120);
                let theirs = theirs.snippet(text);
                let ours = Highlighter::new(&searcher, &*query, body, &analyser, 120)
                    .unwrap()
                    .best(text);
                match ours {
                    None => assert!(
                        theirs.is_empty(),
                        "{q:?} in text {i}: tantivy found {:?}",
                        theirs.fragment()
                    ),
                    Some(f) => {
                        assert_eq!(f.text, theirs.fragment(), "{q:?} in text {i}");
                        let h: Vec<[usize; 2]> = theirs
                            .highlighted()
                            .iter()
                            .map(|r| [r.start, r.end])
                            .collect();
                        assert_eq!(f.highlights, h, "{q:?} in text {i}");
                        assert!(!h.is_empty());
                    }
                }
            }
        }
    }
}
