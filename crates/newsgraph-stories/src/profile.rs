//! Article profiles: the sparse bags of signals similarity is computed on
//! (stemmed terms, English-pivot terms, character n-grams, names, numbers),
//! the document frequencies that weight them, and cosine on sparse vectors.

use crate::text::{base_lang, fold, is_stop, lexicon, stem, words};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hasher for keys that are already hashes: passes the `u64` through.
#[derive(Debug, Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8 | u64::from(*b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A `HashMap` keyed by pre-hashed `u64` keys.
pub type KeyMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;

/// A sparse vector: `(key, value)` sorted by key, keys unique.
pub type Sparse = Vec<(u64, f32)>;

/// Which bag a key belongs to (keys of different spaces never collide).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Space {
    /// Stemmed content words in the article's language.
    Term = 1,
    /// Content words mapped to English stems (lexicon) or name keys.
    Pivot = 2,
    /// Character 4-grams of the folded (ASCII) text.
    Char = 3,
    /// Name-like tokens: capitalised words, folded, first five letters.
    Name = 4,
    /// Numbers with two or more digits, separators removed.
    Number = 5,
    /// Canonical entity ids of the analysis (language-neutral).
    Entity = 6,
    /// Event signatures of the analysis: PLOVER type and actor entity ids.
    Event = 7,
    /// Resolved dates of the analysis (full dates, months, month-days).
    Date = 8,
}

/// FNV-1a over the space tag and the bytes of `s`.
pub fn key(space: Space, s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in std::iter::once(space as u8).chain(s.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Build a sorted sparse vector of counts from keys (with weights).
pub fn bag(mut items: Vec<(u64, f32)>) -> Sparse {
    items.sort_unstable_by_key(|x| x.0);
    let mut out: Sparse = Vec::with_capacity(items.len());
    for (k, v) in items {
        match out.last_mut() {
            Some(last) if last.0 == k => last.1 += v,
            _ => out.push((k, v)),
        }
    }
    out
}

/// Everything similarity needs of one text, computed once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Profile {
    /// Primary language subtag.
    pub lang: String,
    /// Stemmed content words (Han: characters and bigrams), counts.
    pub terms: Sparse,
    /// English-pivot terms, counts.
    pub pivot: Sparse,
    /// Pivot terms of the first 40 content words (title and lead).
    pub lead: Sparse,
    /// Folded character 4-grams, counts.
    pub chars: Sparse,
    /// Name keys, counts.
    pub names: Sparse,
    /// Number keys, counts.
    pub numbers: Sparse,
    /// Number of words in the text.
    pub n_words: u32,
    /// Canonical entity ids of the analysis, mention counts (empty without
    /// an analysis).
    pub entities: Sparse,
    /// Event signatures of the analysis (see [`crate::signals`]).
    pub events: Sparse,
    /// Resolved date keys of the analysis (see [`crate::signals`]).
    pub dates: Sparse,
    /// True when the analysis signals were added (an analysed article with
    /// no entities still says "no shared entities").
    pub analysed: bool,
}

fn name_key(lower: &str) -> Option<String> {
    let f = fold(lower);
    if f.len() < 2 || f.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(f.chars().take(5).collect())
}

/// Normalised number: digits only, at least two of them.
fn number_key(lower: &str) -> Option<String> {
    let d: String = lower.chars().filter(|c| c.is_ascii_digit()).collect();
    let letters = lower.chars().any(|c| c.is_alphabetic());
    if d.len() >= 2 && !letters {
        Some(d.trim_start_matches('0').to_string())
    } else {
        None
    }
}

impl Profile {
    /// Profile a text in language `lang` (BCP-47-ish code; unknown
    /// languages still get characters, names and numbers).
    pub fn new(lang: &str, text: &str) -> Profile {
        let lang = base_lang(lang).to_ascii_lowercase();
        let ws = words(text);
        let lex = lexicon(&lang);
        let is_en = lang == "en";
        let mut terms = Vec::with_capacity(ws.len());
        let mut pivot = Vec::with_capacity(ws.len());
        let mut lead = Vec::new();
        let mut names = Vec::new();
        let mut numbers = Vec::new();
        let mut folded_text = String::with_capacity(text.len() + 2);
        folded_text.push(' ');
        let mut content_seen = 0usize;
        let mut prev_han: Option<&str> = None;
        for w in &ws {
            let f = fold(&w.lower);
            if !f.is_empty() && !w.han {
                folded_text.push_str(&f);
                folded_text.push(' ');
            }
            if w.han {
                terms.push((key(Space::Term, &w.lower), 1.0));
                if let Some(p) = prev_han {
                    terms.push((key(Space::Term, &format!("{p}{}", w.lower)), 1.0));
                }
                prev_han = Some(&w.lower);
                continue;
            }
            prev_han = None;
            if w.numeric {
                if let Some(n) = number_key(&w.lower) {
                    numbers.push((key(Space::Number, &n), 1.0));
                    pivot.push((key(Space::Number, &n), 1.0));
                }
                continue;
            }
            if w.lower.chars().count() < 2 || is_stop(&lang, &w.lower) {
                continue;
            }
            let st = stem(&lang, &w.lower);
            terms.push((key(Space::Term, &st), 1.0));
            // English pivot
            let mut piv: Vec<(u64, f32)> = Vec::with_capacity(3);
            let translated = if is_en {
                None
            } else {
                lex.and_then(|l| l.translate(&st))
            };
            let name_like = w.capitalised
                && !w.sentence_initial
                && match translated {
                    None => true,
                    Some(t) => t.iter().any(|e| *e == stem("en", &f)),
                };
            if name_like {
                if let Some(k) = name_key(&w.lower) {
                    names.push((key(Space::Name, &k), 1.0));
                    piv.push((key(Space::Name, &k), 1.0));
                }
            } else if is_en {
                piv.push((key(Space::Pivot, &st), 1.0));
            } else if let Some(t) = translated {
                let share = 1.0 / t.len() as f32;
                for e in t {
                    piv.push((key(Space::Pivot, e), share));
                }
            } else if !f.is_empty() {
                piv.push((key(Space::Pivot, &stem("en", &f)), 1.0));
            }
            if content_seen < 40 {
                lead.extend(piv.iter().copied());
            }
            content_seen += 1;
            pivot.extend(piv);
        }
        // character n-grams of the folded text
        let b = folded_text.as_bytes();
        let mut chars = Vec::with_capacity(b.len() * 3);
        for n in [4usize] {
            if b.len() < n {
                continue;
            }
            for i in 0..=b.len() - n {
                let g = &b[i..i + n];
                let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ (Space::Char as u64);
                for &x in g {
                    h ^= u64::from(x);
                    h = h.wrapping_mul(0x0000_0100_0000_01b3);
                }
                chars.push((h, 1.0));
            }
        }
        Profile {
            lang,
            terms: bag(terms),
            pivot: bag(pivot),
            lead: bag(lead),
            chars: bag(chars),
            names: bag(names),
            numbers: bag(numbers),
            n_words: ws.len() as u32,
            ..Profile::default()
        }
    }
}

/// `ln(1 + n)`, from a table for small `n` (the hot path of weighting).
fn ln1p_int(n: u32) -> f32 {
    static T: std::sync::OnceLock<Vec<f32>> = std::sync::OnceLock::new();
    let t = T.get_or_init(|| (0..4096u32).map(|i| (1.0 + i as f32).ln()).collect());
    match t.get(n as usize) {
        Some(v) => *v,
        None => (1.0 + n as f32).ln(),
    }
}

/// Document frequencies of keys, maintained incrementally, for IDF.
#[derive(Debug, Clone, Default)]
pub struct DocFreq {
    df: KeyMap<u32>,
    n_docs: u32,
}

impl DocFreq {
    /// An empty table.
    pub fn new() -> Self {
        Self::default()
    }

    /// Count a profile's keys once each.
    pub fn add(&mut self, p: &Profile) {
        self.n_docs += 1;
        for v in [
            &p.terms,
            &p.pivot,
            &p.chars,
            &p.names,
            &p.numbers,
            &p.entities,
            &p.events,
            &p.dates,
        ] {
            for (k, _) in v.iter() {
                *self.df.entry(*k).or_insert(0) += 1;
            }
        }
    }

    /// Number of documents counted.
    pub fn n_docs(&self) -> u32 {
        self.n_docs
    }

    /// Document frequency of a key.
    pub fn df(&self, k: u64) -> u32 {
        self.df.get(&k).copied().unwrap_or(0)
    }

    /// Smoothed inverse document frequency, ≥ 1:
    /// `ln((1 + N) / (1 + df)) + 1`.
    pub fn idf(&self, k: u64) -> f32 {
        (ln1p_int(self.n_docs) - ln1p_int(self.df(k))).max(0.0) + 1.0
    }

    /// Number of distinct keys (memory grows with this).
    pub fn len(&self) -> usize {
        self.df.len()
    }

    /// True when no key has been counted.
    pub fn is_empty(&self) -> bool {
        self.df.is_empty()
    }

    /// The table as bytes: `n_docs`, then `(key, df)` pairs sorted by key
    /// (little endian; 12 bytes per key).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut keys: Vec<(u64, u32)> = self.df.iter().map(|(k, v)| (*k, *v)).collect();
        keys.sort_unstable();
        let mut out = Vec::with_capacity(4 + 12 * keys.len());
        out.extend_from_slice(&self.n_docs.to_le_bytes());
        for (k, v) in keys {
            out.extend_from_slice(&k.to_le_bytes());
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// The table of [`DocFreq::to_bytes`]; `None` if the bytes are not one.
    pub fn from_bytes(b: &[u8]) -> Option<DocFreq> {
        let n_docs = u32::from_le_bytes(b.get(0..4)?.try_into().ok()?);
        let rest = &b[4..];
        if !rest.len().is_multiple_of(12) {
            return None;
        }
        let mut df = KeyMap::default();
        df.reserve(rest.len() / 12);
        for c in rest.chunks_exact(12) {
            let k = u64::from_le_bytes(c[0..8].try_into().ok()?);
            let v = u32::from_le_bytes(c[8..12].try_into().ok()?);
            df.insert(k, v);
        }
        Some(DocFreq { df, n_docs })
    }

    /// Forget keys seen in fewer than `min_df` documents (bounds memory in
    /// long streams; rare keys then get the maximal IDF, which is what
    /// they had anyway).
    pub fn prune(&mut self, min_df: u32) {
        self.df.retain(|_, v| *v >= min_df);
    }
}

/// TF-IDF weighting (sublinear tf) of a count vector, L2-normalised.
pub fn weigh(v: &Sparse, df: &DocFreq) -> Sparse {
    let mut out: Sparse = v
        .iter()
        .map(|&(k, c)| {
            let tf = if c <= 1.0 { 1.0 } else { 1.0 + c.ln() };
            (k, tf * df.idf(k))
        })
        .collect();
    normalise(&mut out);
    out
}

/// A profile with every bag TF-IDF weighted and L2-normalised, ready for
/// cosines (computed once per article, or per cluster centroid).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Weighted {
    pub lang: String,
    pub terms: Sparse,
    pub pivot: Sparse,
    pub lead: Sparse,
    pub chars: Sparse,
    pub names: Sparse,
    pub numbers: Sparse,
    pub n_words: u32,
    pub entities: Sparse,
    pub events: Sparse,
    pub dates: Sparse,
    pub analysed: bool,
}

impl Weighted {
    /// Weigh every bag of `p` with `df`.
    pub fn new(p: &Profile, df: &DocFreq) -> Weighted {
        Weighted {
            lang: p.lang.clone(),
            terms: weigh(&p.terms, df),
            pivot: weigh(&p.pivot, df),
            lead: weigh(&p.lead, df),
            chars: weigh(&p.chars, df),
            names: weigh(&p.names, df),
            numbers: weigh(&p.numbers, df),
            n_words: p.n_words,
            entities: weigh(&p.entities, df),
            events: weigh(&p.events, df),
            dates: weigh(&p.dates, df),
            analysed: p.analysed,
        }
    }
}

impl Weighted {
    /// Keep the `k` strongest keys of every bag (renormalised): the article
    /// side of an article–centroid comparison, whose centroid is truncated
    /// the same way.
    pub fn truncated(&self, k: usize) -> Weighted {
        let cut = |v: &Sparse| -> Sparse {
            if v.len() <= k {
                return v.clone();
            }
            let mut t = v.clone();
            t.select_nth_unstable_by(k, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            t.truncate(k);
            t.sort_unstable_by_key(|x| x.0);
            normalise(&mut t);
            t
        };
        Weighted {
            lang: self.lang.clone(),
            terms: cut(&self.terms),
            pivot: cut(&self.pivot),
            lead: cut(&self.lead),
            chars: cut(&self.chars),
            names: cut(&self.names),
            numbers: cut(&self.numbers),
            n_words: self.n_words,
            entities: cut(&self.entities),
            events: cut(&self.events),
            dates: cut(&self.dates),
            analysed: self.analysed,
        }
    }
}

/// Scale a sparse vector to unit L2 norm (no-op on zero vectors).
pub fn normalise(v: &mut Sparse) {
    let n: f32 = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if n > 0.0 {
        for x in v.iter_mut() {
            x.1 /= n;
        }
    }
}

/// Dot product of two sorted sparse vectors.
pub fn dot(a: &Sparse, b: &Sparse) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0f32);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// Overlap coefficient of the key sets: |A ∩ B| / min(|A|, |B|).
pub fn overlap(a: &Sparse, b: &Sparse) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (mut i, mut j, mut s) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += 1;
                i += 1;
                j += 1;
            }
        }
    }
    s as f32 / a.len().min(b.len()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_meet_across_languages_and_scripts() {
        let de = Profile::new(
            "de",
            "Der Gipfel von Kim Jong Un und Wladimir Putin in Wostotschny.",
        );
        let ru = Profile::new("ru", "Встреча Ким Чен Ына и Путина на космодроме.");
        assert!(overlap(&de.names, &ru.names) > 0.0);
        let en = Profile::new("en", "The summit of Kim Jong Un and Vladimir Putin.");
        assert!(overlap(&de.names, &en.names) > 0.3);
    }

    #[test]
    fn lexicon_pivot_links_german_and_english() {
        let de = Profile::new(
            "de",
            "Die Regierung kündigte neue Steuern für Unternehmen an.",
        );
        let en = Profile::new("en", "The government announced new taxes for companies.");
        let df = DocFreq::new();
        let c = dot(&weigh(&de.pivot, &df), &weigh(&en.pivot, &df));
        assert!(c > 0.2, "pivot cosine {c}");
    }

    #[test]
    fn cosine_is_one_on_itself_and_zero_on_empty() {
        let p = Profile::new("en", "Heavy rain flooded the city of Valencia on Tuesday.");
        let df = DocFreq::new();
        let w = weigh(&p.chars, &df);
        assert!((dot(&w, &w) - 1.0).abs() < 1e-4);
        let e = Profile::new("en", "");
        assert_eq!(dot(&weigh(&e.chars, &df), &w), 0.0);
    }
}
