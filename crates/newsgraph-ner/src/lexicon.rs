//! Lexicon and gazetteer tables used as features, embedded from `data/ner/`
//! (built by `scripts/build_ner_lexicons.py`).

use crate::hash::{IdHasher, IdSet, fnv, fnv_extend};
use std::collections::HashMap;
use std::hash::BuildHasherDefault;
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
const TITLES: &[u8] = include_bytes!("../../../data/ner/titles.bin.gz");

/// Longest place name, in tokens, that the gazetteer matcher tries.
pub const MAX_PLACE_TOKENS: usize = 4;

/// Longest token span that the Wikipedia-title matcher tries.
pub const MAX_TITLE_TOKENS: usize = 6;

/// Set of 32-bit keys of Wikipedia article titles (see
/// `scripts/build_ner_titles.py`): keys bucketed by their high 16 bits, each
/// bucket a sorted run of low 16 bits, so that 5.7 million titles take 11 MB.
pub struct TitleSet {
    offsets: Vec<u32>,
    lows: Vec<u16>,
}

impl TitleSet {
    /// Decodes the table format written by `scripts/build_ner_titles.py`
    /// (after gunzip); an unreadable table gives an empty set.
    fn decode(raw: &[u8]) -> TitleSet {
        let empty = TitleSet {
            offsets: vec![0; 65537],
            lows: Vec::new(),
        };
        if raw.len() < 8 || &raw[..4] != b"NGT1" {
            return empty;
        }
        let n = u32::from_le_bytes([raw[4], raw[5], raw[6], raw[7]]) as usize;
        let mut pos = 8;
        let mut leb = || -> Option<u32> {
            let mut v: u32 = 0;
            for shift in (0..35).step_by(7) {
                let b = *raw.get(pos)?;
                pos += 1;
                v |= ((b & 0x7f) as u32) << shift;
                if b & 0x80 == 0 {
                    return Some(v);
                }
            }
            None
        };
        let mut offsets = Vec::with_capacity(65537);
        let mut lows: Vec<u16> = Vec::with_capacity(n.min(1 << 24));
        for _ in 0..65536 {
            offsets.push(lows.len() as u32);
            let Some(count) = leb() else { return empty };
            let mut v: u32 = 0;
            for _ in 0..count {
                let Some(gap) = leb() else { return empty };
                v += gap;
                lows.push(v as u16);
            }
        }
        offsets.push(lows.len() as u32);
        TitleSet { offsets, lows }
    }

    /// The set shared by all languages, decoded once per process.
    fn get() -> &'static TitleSet {
        static SET: OnceLock<TitleSet> = OnceLock::new();
        SET.get_or_init(|| {
            let mut raw = Vec::new();
            if flate2::read::GzDecoder::new(TITLES)
                .read_to_end(&mut raw)
                .is_err()
            {
                raw.clear();
            }
            TitleSet::decode(&raw)
        })
    }

    /// Whether the key is in the set.
    #[inline]
    pub fn contains(&self, key: u32) -> bool {
        let b = (key >> 16) as usize;
        let (s, e) = (self.offsets[b] as usize, self.offsets[b + 1] as usize);
        self.lows[s..e].binary_search(&(key as u16)).is_ok()
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.lows.len()
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.lows.is_empty()
    }
}

/// Continues the title key hash of a span with one more token: only its
/// lowercase alphanumeric characters count (so `Sioux Falls , South Dakota`
/// matches the title `sioux_falls,_south_dakota`). Start from
/// [`title_hash_start`]; the set holds the 32-bit mix (`key32`) of the result.
pub fn title_hash_extend(mut h: u64, token: &str) -> u64 {
    let mut buf = [0u8; 4];
    for c in token.chars() {
        for lc in c.to_lowercase() {
            if lc.is_alphanumeric() {
                h = fnv_extend(h, lc.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    h
}

/// The title key hash of the empty span.
pub fn title_hash_start() -> u64 {
    fnv(b"")
}

/// FNV-1a hashing of string keys (faster than SipHash on short words; the
/// tables are fixed data, not attacker-chosen).
type FnvBuild = BuildHasherDefault<IdHasher>;

/// The lexical resources of one language.
pub struct Lexicon {
    /// The language whose frequency table is used (`de`, `nb`, `en`, or
    /// another code with an empty table).
    pub lang: String,
    zipf: HashMap<String, u8, FnvBuild>,
    clusters: HashMap<String, (u32, u8), FnvBuild>,
    places: IdSet,
    first_names: IdSet,
    org_suffixes: IdSet,
    connectors: IdSet,
    titles: &'static TitleSet,
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
        let mut zipf = HashMap::default();
        for l in content_lines(src) {
            if let Some((w, b)) = l.split_once('\t')
                && let Ok(b) = b.trim().parse::<u8>()
            {
                zipf.insert(w.to_string(), b);
            }
        }
        let csrc = clusters_source(lang);
        let ctext = gunzip(csrc);
        let mut clusters = HashMap::with_capacity_and_hasher(ctext.len() / 16, FnvBuild::default());
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
        fp = fnv_extend(fp, TITLES);
        Lexicon {
            lang: lang.to_string(),
            zipf,
            clusters,
            places,
            first_names,
            org_suffixes,
            connectors,
            titles: TitleSet::get(),
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

    /// Whether the title key (see [`title_hash_extend`]) names a Wikipedia article.
    #[inline]
    pub fn is_title_key(&self, key: u32) -> bool {
        self.titles.contains(key)
    }

    /// The Wikipedia-title set.
    pub fn titles(&self) -> &TitleSet {
        self.titles
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
