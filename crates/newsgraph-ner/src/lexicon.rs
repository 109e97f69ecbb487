//! Lexicon and gazetteer tables used as features, embedded from `data/ner/`
//! (built by `scripts/build_ner_lexicons.py`).

use crate::hash::{IdSet, fnv, fnv_extend};
use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

const ZIPF_DE: &str = include_str!("../../../data/ner/de/zipf.tsv");
const ZIPF_NB: &str = include_str!("../../../data/ner/nb/zipf.tsv");
const ZIPF_EN: &str = include_str!("../../../data/ner/en/zipf.tsv");
const CLUSTERS_DE: &[u8] = include_bytes!("../../../data/ner/de/clusters.tsv.gz");
const CLUSTERS_EN: &[u8] = include_bytes!("../../../data/ner/en/clusters.tsv.gz");
const PLACES: &str = include_str!("../../../data/ner/places.txt");
const FIRST_NAMES: &str = include_str!("../../../data/ner/first_names.txt");
const ORG_SUFFIXES: &str = include_str!("../../../data/ner/org_suffixes.txt");
const NAME_CONNECTORS: &str = include_str!("../../../data/ner/name_connectors.txt");

/// Longest place name, in tokens, that the gazetteer matcher tries.
pub const MAX_PLACE_TOKENS: usize = 4;

/// The lexical resources of one language.
pub struct Lexicon {
    /// The language whose frequency table is used (`de`, `nb`, `en`, or
    /// another code with an empty table).
    pub lang: String,
    zipf: HashMap<String, u8>,
    clusters: HashMap<String, (u32, u8)>,
    places: IdSet,
    first_names: IdSet,
    org_suffixes: IdSet,
    connectors: IdSet,
    /// Fingerprint of the tables, stored in models trained with them.
    pub fingerprint: u64,
}

fn zipf_source(lang: &str) -> &'static str {
    match lang {
        "de" => ZIPF_DE,
        "nb" | "nn" | "no" => ZIPF_NB,
        "en" => ZIPF_EN,
        _ => "",
    }
}

fn clusters_source(lang: &str) -> &'static [u8] {
    match lang {
        "de" | "nb" | "nn" | "no" => CLUSTERS_DE,
        "en" => CLUSTERS_EN,
        _ => b"",
    }
}

/// The text of a gzip-compressed embedded table; empty when it is empty or
/// unreadable (the fingerprint still covers the compressed bytes).
fn gunzip(bytes: &[u8]) -> String {
    let mut out = String::new();
    if !bytes.is_empty() {
        let _ = flate2::read::GzDecoder::new(bytes).read_to_string(&mut out);
    }
    out
}

fn content_lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Hash of a token sequence as the place gazetteer stores it (tokens joined
/// by one space).
pub fn seq_hash<'a>(tokens: impl Iterator<Item = &'a str>) -> u64 {
    let mut h = fnv(b"");
    for (i, t) in tokens.enumerate() {
        if i > 0 {
            h = fnv_extend(h, b" ");
        }
        h = fnv_extend(h, t.as_bytes());
    }
    h
}

impl Lexicon {
    fn build(lang: &str) -> Lexicon {
        let src = zipf_source(lang);
        let mut zipf = HashMap::new();
        for l in content_lines(src) {
            if let Some((w, b)) = l.split_once('\t')
                && let Ok(b) = b.trim().parse::<u8>()
            {
                zipf.insert(w.to_string(), b);
            }
        }
        let csrc = clusters_source(lang);
        let ctext = gunzip(csrc);
        let mut clusters = HashMap::with_capacity(ctext.len() / 16);
        for l in content_lines(&ctext) {
            let mut parts = l.split('\t');
            if let (Some(w), Some(c), Some(p)) = (parts.next(), parts.next(), parts.next())
                && let Ok(c) = c.parse::<u32>()
            {
                let pref = match p.parse::<i8>() {
                    Ok(v) => (v + 10) as u8,
                    Err(_) => 0,
                };
                clusters.insert(w.to_string(), (c, pref));
            }
        }
        let mut places = IdSet::default();
        for l in content_lines(PLACES) {
            places.insert(seq_hash(l.split_whitespace()));
        }
        let mut first_names = IdSet::default();
        for l in content_lines(FIRST_NAMES) {
            first_names.insert(fnv(l.as_bytes()));
        }
        let mut org_suffixes = IdSet::default();
        for l in content_lines(ORG_SUFFIXES) {
            org_suffixes.insert(fnv(l.as_bytes()));
        }
        let mut connectors = IdSet::default();
        for l in content_lines(NAME_CONNECTORS) {
            connectors.insert(fnv(l.as_bytes()));
        }
        let mut fp = fnv(src.as_bytes());
        fp = fnv_extend(fp, csrc);
        for s in [PLACES, FIRST_NAMES, ORG_SUFFIXES, NAME_CONNECTORS] {
            fp = fnv_extend(fp, s.as_bytes());
        }
        Lexicon {
            lang: lang.to_string(),
            zipf,
            clusters,
            places,
            first_names,
            org_suffixes,
            connectors,
            fingerprint: fp,
        }
    }

    /// The shared lexicon of a language, built once per process.
    pub fn get(lang: &str) -> &'static Lexicon {
        static DE: OnceLock<Lexicon> = OnceLock::new();
        static NB: OnceLock<Lexicon> = OnceLock::new();
        static EN: OnceLock<Lexicon> = OnceLock::new();
        static OTHER: OnceLock<Lexicon> = OnceLock::new();
        match lang {
            "de" => DE.get_or_init(|| Lexicon::build("de")),
            "nb" | "nn" | "no" => NB.get_or_init(|| Lexicon::build("nb")),
            "en" => EN.get_or_init(|| Lexicon::build("en")),
            _ => OTHER.get_or_init(|| Lexicon::build("xx")),
        }
    }

    /// Frequency bucket (`int(2 * Zipf)`) of a lowercased word; 0 when the
    /// word is not among the language's frequent words.
    pub fn zipf(&self, lower: &str) -> u8 {
        self.zipf.get(lower).copied().unwrap_or(0)
    }

    /// Brown cluster of an exact word form (the path's first bits are the
    /// low bits) and its capital preference (0 when not capitalised, else
    /// 10 + round(log P(word) − log P(lowercased)), 19 for words seen only
    /// capitalised); `None` when the word is not in the table.
    pub fn cluster(&self, word: &str) -> Option<(u32, u8)> {
        self.clusters.get(word).copied()
    }

    /// Whether the token sequence is a place name in the gazetteer.
    pub fn is_place_hash(&self, h: u64) -> bool {
        self.places.contains(&h)
    }

    /// Whether the token is a known first name.
    pub fn is_first_name(&self, token: &str) -> bool {
        self.first_names.contains(&fnv(token.as_bytes()))
    }

    /// Whether the token is a lowercase word that may join the capitalised
    /// words of one name (`of`, `von`, `de`, `&`…).
    pub fn is_connector(&self, token: &str) -> bool {
        self.connectors.contains(&fnv(token.as_bytes()))
    }

    /// Whether the token is an organisation suffix (`GmbH`, `ASA`, `Inc.`…).
    pub fn is_org_suffix(&self, token: &str) -> bool {
        self.org_suffixes.contains(&fnv(token.as_bytes()))
    }
}
