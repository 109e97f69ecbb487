//! Feature extraction: every token of a sentence becomes a list of hashed
//! feature keys (`u32`), shared by training and tagging.
//!
//! Templates: lowercased and exact word, long and short word shape, prefixes
//! and suffixes of 1–4 characters, casing class with sentence-initial
//! position, length, hyphen parts, words and shapes at ±1 and ±2, word
//! bigrams with the previous and next word, a shape trigram, the frequency
//! bucket of the lowercased word (from `wordfreq`) crossed with casing and
//! position, and gazetteer membership (place names up to four tokens, first
//! names, organisation suffixes) of the token and its neighbours.

use crate::hash::{fnv, fnv_extend, key32};
use crate::lexicon::{
    Lexicon, MAX_PLACE_TOKENS, MAX_TITLE_TOKENS, seq_hash, title_hash_extend, title_hash_start,
};

/// Version of the feature templates; stored in models so that a model is
/// never used with different features.
pub const FEATURE_VERSION: u32 = 5;

/// Per-token facts computed once per sentence.
#[derive(Debug, Clone, Default)]
pub struct TokenInfo {
    /// Lowercased token.
    pub lower: String,
    /// Long shape: `X` upper, `x` lower, `d` digit, other characters kept
    /// (at most 16 characters).
    pub shape: String,
    /// Short shape: long shape with repeats collapsed.
    pub short: String,
    /// Casing class: `l` lower, `C` capitalised, `A` all caps, `M` mixed,
    /// `D` digits, `N` letters and digits, `P` other.
    pub case: u8,
    /// Sentence-initial position (first token or after an opening quote,
    /// colon, dash or bracket).
    pub initial: bool,
    /// Frequency bucket `int(2 * Zipf)` of the lowercased word, 0 if rare.
    pub zipf: u8,
    /// Known first name.
    pub first_name: bool,
    /// Organisation suffix.
    pub org_suffix: bool,
    /// Place gazetteer tag: 0 none, `b'B'`, `b'I'` (multi-token), `b'U'` (single).
    pub place: u8,
    /// Length (capped at 4) of the run of capitalised tokens this token is
    /// in, 0 when not capitalised.
    pub cap_run: u8,
    /// Position in that run: `b'S'` single, `b'F'` first, `b'M'` middle, `b'L'` last.
    pub cap_pos: u8,
    /// Inside a quotation (after an opening quote that is not yet closed).
    pub quoted: bool,
    /// Token range `(start, end)` of the name run this token is in: two or
    /// more capitalised tokens, possibly joined by connectors such as `of`,
    /// `von`, `&` (`University of Oslo`); `None` outside such runs.
    pub name_run: Option<(usize, usize)>,
    /// Brown cluster of the token (exact form, else its lowercased form),
    /// 0 when unknown.
    pub cluster: u32,
    /// How the cluster was found: `b'E'` exact form, `b'L'` lowercased, `b'-'` not.
    pub cluster_src: u8,
    /// Capital preference from the cluster table (see [`Lexicon::cluster`]).
    pub cap_pref: u8,
    /// Wikipedia-title tag of the greedy longest match (spans starting with
    /// a capitalised token and ending with a capitalised token or a number,
    /// up to [`MAX_TITLE_TOKENS`] tokens): 0 none, `b'B'`,
    /// `b'I'`, `b'L'` (multi-token), `b'U'` (single).
    pub title: u8,
    /// Length (capped at 4) of that matched title span, 0 outside.
    pub title_len: u8,
    /// The token alone is a Wikipedia title.
    pub title_one: bool,
    /// Length (capped at 4) of the longest title starting at this token, 0 if none.
    pub title_from: u8,
    /// Length (capped at 4) of the longest title ending at this token, 0 if none.
    pub title_to: u8,
}

fn char_class(c: char) -> char {
    if c.is_uppercase() {
        'X'
    } else if c.is_lowercase() || c.is_alphabetic() {
        'x'
    } else if c.is_ascii_digit() || c.is_numeric() {
        'd'
    } else {
        c
    }
}

fn casing(token: &str) -> u8 {
    let (mut up, mut low, mut dig, mut other, mut first_up) = (0, 0, 0, 0, false);
    for (i, c) in token.chars().enumerate() {
        if c.is_uppercase() {
            up += 1;
            if i == 0 {
                first_up = true;
            }
        } else if c.is_alphabetic() {
            low += 1;
        } else if c.is_numeric() {
            dig += 1;
        } else {
            other += 1;
        }
    }
    let _ = other;
    if up + low == 0 {
        if dig > 0 { b'D' } else { b'P' }
    } else if dig > 0 {
        b'N'
    } else if up == 0 {
        b'l'
    } else if low == 0 {
        if up >= 2 { b'A' } else { b'C' }
    } else if first_up && up == 1 {
        b'C'
    } else {
        b'M'
    }
}

fn opens_sentence(prev: &str) -> bool {
    matches!(
        prev,
        ":" | "\""
            | "„"
            | "“"
            | "”"
            | "«"
            | "»"
            | "‚"
            | "'"
            | "("
            | "["
            | "-"
            | "–"
            | "—"
            | "•"
            | "*"
            | "."
            | "!"
            | "?"
    )
}

/// Computes [`TokenInfo`] for each token of a sentence.
pub fn token_infos(lex: &Lexicon, tokens: &[&str]) -> Vec<TokenInfo> {
    let mut infos: Vec<TokenInfo> = Vec::with_capacity(tokens.len());
    for (i, t) in tokens.iter().enumerate() {
        let lower = t.to_lowercase();
        let mut shape = String::new();
        let mut short = String::new();
        let mut last = '\0';
        for (n, c) in t.chars().enumerate() {
            let k = char_class(c);
            if n < 16 {
                shape.push(k);
            }
            if k != last && short.len() < 16 {
                short.push(k);
            }
            last = k;
        }
        let case = casing(t);
        let initial = i == 0 || opens_sentence(tokens[i - 1]);
        let (cluster, cluster_src, cap_pref) = match lex.cluster(t) {
            Some((c, p)) => (c, b'E', p),
            None => match lex.cluster(&lower) {
                Some((c, _)) => (c, b'L', 1),
                None => (0, b'-', 0),
            },
        };
        infos.push(TokenInfo {
            zipf: lex.zipf(&lower),
            first_name: case == b'C' && lex.is_first_name(t),
            org_suffix: lex.is_org_suffix(t),
            lower,
            shape,
            short,
            case,
            initial,
            place: 0,
            cap_run: 0,
            cap_pos: 0,
            quoted: false,
            name_run: None,
            cluster,
            cluster_src,
            cap_pref,
            title: 0,
            title_len: 0,
            title_one: false,
            title_from: 0,
            title_to: 0,
        });
    }
    // Runs of capitalised tokens.
    let capital = |c: u8| c == b'C' || c == b'A' || c == b'M';
    let mut i = 0;
    while i < infos.len() {
        if !capital(infos[i].case) {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < infos.len() && capital(infos[j].case) {
            j += 1;
        }
        let len = j - i;
        for (k, info) in infos[i..j].iter_mut().enumerate() {
            info.cap_run = len.min(4) as u8;
            info.cap_pos = run_position(k, len, *b"SFLM");
        }
        i = j;
    }
    // Name runs: capitalised tokens, joined by connectors.
    let mut i = 0;
    while i < infos.len() {
        if !capital(infos[i].case) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        loop {
            if j < infos.len() && capital(infos[j].case) {
                j += 1;
            } else if j + 1 < infos.len()
                && capital(infos[j + 1].case)
                && lex.is_connector(tokens[j])
            {
                j += 2;
            } else {
                break;
            }
        }
        if j - i >= 2 {
            for info in &mut infos[i..j] {
                info.name_run = Some((i, j));
            }
        }
        i = j;
    }
    // Quotations: „…“, «…», "…", “…”.
    let mut open: Option<&str> = None;
    for (i, t) in tokens.iter().enumerate() {
        match (open, *t) {
            (None, "„" | "«" | "“" | "\"" | "‚" | "»") => open = Some(t),
            (Some(o), c)
                if (o == "„" && matches!(c, "“" | "\""))
                    || (o == "«" && c == "»")
                    || (o == "»" && c == "«")
                    || (o == "“" && c == "”")
                    || (o == "\"" && c == "\"")
                    || (o == "‚" && c == "‘") =>
            {
                open = None
            }
            (Some(_), _) => infos[i].quoted = true,
            _ => {}
        }
    }
    // Greedy longest match of place names, left to right.
    let mut i = 0;
    while i < tokens.len() {
        let mut matched = 0;
        if infos[i].case == b'C' || infos[i].case == b'A' || infos[i].case == b'M' {
            let max = MAX_PLACE_TOKENS.min(tokens.len() - i);
            for n in (1..=max).rev() {
                if lex.is_place_hash(seq_hash(tokens[i..i + n].iter().copied())) {
                    matched = n;
                    break;
                }
            }
        }
        if matched == 0 {
            i += 1;
            continue;
        }
        if matched == 1 {
            infos[i].place = b'U';
        } else {
            infos[i].place = b'B';
            for info in &mut infos[i + 1..i + matched] {
                info.place = b'I';
            }
        }
        i += matched;
    }
    // Wikipedia titles: every span that starts with a capitalised token and
    // ends with a capitalised token or a number (names do; looking up only
    // those keeps the matcher cheap), then the greedy longest match.
    let mut longest = vec![0usize; tokens.len()];
    for i in 0..tokens.len() {
        if !capital(infos[i].case) {
            continue;
        }
        let mut h = title_hash_start();
        let max = MAX_TITLE_TOKENS.min(tokens.len() - i);
        for n in 1..=max {
            let t = &infos[i + n - 1].lower;
            h = if t.bytes().all(|b| b.is_ascii_alphanumeric()) {
                fnv_extend(h, t.as_bytes())
            } else {
                title_hash_extend(h, t)
            };
            if !matches!(infos[i + n - 1].case, b'C' | b'A' | b'M' | b'D' | b'N') {
                continue;
            }
            if lex.is_title_key(key32(h)) {
                longest[i] = n;
                if n == 1 {
                    infos[i].title_one = true;
                }
                let end = &mut infos[i + n - 1].title_to;
                *end = (*end).max(n.min(4) as u8);
            }
        }
        infos[i].title_from = longest[i].min(4) as u8;
    }
    let mut i = 0;
    while i < tokens.len() {
        let matched = longest[i];
        if matched == 0 {
            i += 1;
            continue;
        }
        let len = matched.min(4) as u8;
        for (k, info) in infos[i..i + matched].iter_mut().enumerate() {
            info.title_len = len;
            info.title = run_position(k, matched, *b"UBLI");
        }
        i += matched;
    }
    infos
}

fn zipf_coarse(z: u8) -> u8 {
    match z {
        0 => b'0',
        1..=5 => b'1',
        6..=7 => b'2',
        8..=9 => b'3',
        10..=11 => b'4',
        _ => b'5',
    }
}

struct Emitter<'a> {
    out: &'a mut Vec<u32>,
    /// Salt of the sentence style (see [`sentence_style`]).
    style: u64,
    /// When extracting for training: per key, whether it is also learnt
    /// per domain (see [`DOMAINED`]).
    marks: Option<&'a mut Vec<bool>>,
}

/// Templates that are also emitted conjoined with the sentence style, so
/// that fragments (titles, list items, captions: most of WikiANN) and full
/// sentences (news) can weigh the same evidence differently.
const STYLED: u64 = (1 << 56)
    | (1 << 1)
    | (1 << 2)
    | (1 << 4)
    | (1 << 6)
    | (1 << 7)
    | (1 << 10)
    | (1 << 11)
    | (1 << 24)
    | (1 << 39)
    | (1 << 46)
    | (1 << 52);

/// Templates whose keys a model trained on several domains also learns
/// per domain ("frustratingly easy" domain adaptation, Daumé 2007): a shared
/// weight row learns what holds everywhere, a row per domain what differs
/// (WikiANN's link extents against GermEval's news annotation). The trainer
/// keeps them apart; a model adds the rows of the domain it tags as to the
/// shared ones when it is loaded, so tagging looks up each key once.
/// All templates; the sentence-style copies are not.
const DOMAINED: u64 = u64::MAX;

impl Emitter<'_> {
    #[inline]
    fn f(&mut self, tmpl: u8, parts: &[&[u8]]) {
        let mut h = fnv(&[tmpl]);
        for p in parts {
            h = fnv_extend(h, p);
            h = fnv_extend(h, &[0x1f]);
        }
        self.out.push(key32(h));
        if let Some(m) = self.marks.as_deref_mut() {
            m.push(tmpl < 64 && DOMAINED & (1 << tmpl) != 0);
        }
        if tmpl < 64 && STYLED & (1 << tmpl) != 0 {
            self.out.push(key32(h ^ self.style));
            if let Some(m) = self.marks.as_deref_mut() {
                m.push(false);
            }
        }
    }
}

/// Sentence style: a full sentence ends with `.`, `!` or `?` (possibly
/// followed by one closing quote or bracket); anything else is a fragment.
fn sentence_style(infos: &[TokenInfo]) -> u64 {
    let n = infos.len();
    let ends = |i: usize| matches!(infos[i].lower.as_str(), "." | "!" | "?");
    let full = (n >= 1 && ends(n - 1)) || (n >= 2 && ends(n - 2) && infos[n - 1].case == b'P');
    if full {
        0x5DEE_CE66_D1CE_4E5B
    } else {
        0x2545_F491_4F6C_DD1D
    }
}

const BOS: &str = "<s>";
const EOS: &str = "</s>";

fn prefix(s: &str, n: usize) -> Option<&str> {
    let mut it = s.char_indices();
    let end = it.nth(n).map(|(b, _)| b);
    match end {
        Some(b) => Some(&s[..b]),
        None if s.chars().count() >= n => Some(s),
        None => None,
    }
}

fn suffix(s: &str, n: usize) -> Option<&str> {
    let count = s.chars().count();
    if count < n {
        return None;
    }
    let skip = count - n;
    s.char_indices().nth(skip).map(|(b, _)| &s[b..])
}

fn len_bucket(n: usize) -> u8 {
    match n {
        0..=4 => b'0' + n as u8,
        5..=6 => b'5',
        7..=9 => b'7',
        _ => b'X',
    }
}

/// Appends the feature keys of every token to `out`; `offsets` gets
/// `tokens.len() + 1` entries so that token `i` has `out[offsets[i]..offsets[i + 1]]`.
pub fn extract(lex: &Lexicon, tokens: &[&str], out: &mut Vec<u32>, offsets: &mut Vec<usize>) {
    let infos = token_infos(lex, tokens);
    extract_from_infos(&infos, out, offsets, None);
}

/// Like [`extract`], and `marks` gets one flag per key: whether a model
/// trained on several domains also learns that key per domain.
pub fn extract_marked(
    lex: &Lexicon,
    tokens: &[&str],
    out: &mut Vec<u32>,
    offsets: &mut Vec<usize>,
    marks: &mut Vec<bool>,
) {
    marks.clear();
    let infos = token_infos(lex, tokens);
    extract_from_infos(&infos, out, offsets, Some(marks));
}

/// Like [`extract`], from precomputed token facts (`marks` as in
/// [`extract_marked`]).
#[allow(clippy::needless_range_loop)] // neighbours are read by offset
pub fn extract_from_infos(
    infos: &[TokenInfo],
    out: &mut Vec<u32>,
    offsets: &mut Vec<usize>,
    mut marks: Option<&mut Vec<bool>>,
) {
    out.clear();
    offsets.clear();
    let n = infos.len();
    let word = |j: isize| -> &str {
        if j < 0 {
            BOS
        } else if j as usize >= n {
            EOS
        } else {
            &infos[j as usize].lower
        }
    };
    let short = |j: isize| -> &str {
        if j < 0 {
            BOS
        } else if j as usize >= n {
            EOS
        } else {
            &infos[j as usize].short
        }
    };
    let info = |j: isize| -> Option<&TokenInfo> {
        if j < 0 || j as usize >= n {
            None
        } else {
            Some(&infos[j as usize])
        }
    };
    let slen = [sent_len_bucket(n)];
    let style = sentence_style(infos);
    let last_punct = [infos.last().is_some_and(|t| t.case == b'P') as u8];
    for i in 0..n {
        offsets.push(out.len());
        let t = &infos[i];
        let ii = i as isize;
        let mut e = Emitter {
            out,
            style,
            marks: marks.as_deref_mut(),
        };
        let w = t.lower.as_bytes();
        let init = [t.initial as u8];
        let case = [t.case];
        e.f(0, &[]);
        e.f(1, &[w]);
        e.f(2, &[w, &case]);
        e.f(3, &[t.shape.as_bytes()]);
        e.f(4, &[t.short.as_bytes()]);
        for k in 1..=6u8 {
            if let Some(p) = prefix(&t.lower, k as usize) {
                e.f(5, &[&[k], p.as_bytes()]);
            }
            if let Some(s) = suffix(&t.lower, k as usize) {
                e.f(6, &[&[k], s.as_bytes()]);
            }
        }
        e.f(7, &[&case, &init]);
        e.f(8, &[&[len_bucket(t.lower.chars().count())], &case]);
        if let Some(s) = suffix(&t.lower, 3) {
            e.f(9, &[s.as_bytes(), &case, &init]);
        }
        // Neighbouring words and shapes.
        e.f(10, &[word(ii - 1).as_bytes()]);
        e.f(11, &[word(ii + 1).as_bytes()]);
        e.f(12, &[word(ii - 2).as_bytes()]);
        e.f(13, &[word(ii + 2).as_bytes()]);
        e.f(14, &[short(ii - 1).as_bytes()]);
        e.f(15, &[short(ii + 1).as_bytes()]);
        e.f(16, &[short(ii - 2).as_bytes()]);
        e.f(17, &[short(ii + 2).as_bytes()]);
        e.f(18, &[word(ii - 1).as_bytes(), w]);
        e.f(19, &[w, word(ii + 1).as_bytes()]);
        e.f(
            20,
            &[
                short(ii - 1).as_bytes(),
                t.short.as_bytes(),
                short(ii + 1).as_bytes(),
            ],
        );
        e.f(21, &[word(ii - 1).as_bytes(), &case]);
        e.f(22, &[&case, word(ii + 1).as_bytes()]);
        // Frequency signal.
        let zc = [zipf_coarse(t.zipf)];
        e.f(23, &[&[t.zipf]]);
        e.f(24, &[&zc, &case, &init]);
        if let Some(p) = info(ii - 1) {
            e.f(25, &[&[zipf_coarse(p.zipf), p.case], &zc, &case]);
        }
        if let Some(nx) = info(ii + 1) {
            e.f(26, &[&zc, &case, &[zipf_coarse(nx.zipf), nx.case]]);
        }
        // Hyphenated compounds: first and last part.
        if let Some((a, b)) = t.lower.split_once('-')
            && !a.is_empty()
            && !b.is_empty()
        {
            e.f(27, &[a.as_bytes()]);
            let last = t.lower.rsplit('-').next().unwrap_or(b);
            e.f(28, &[last.as_bytes()]);
        }
        // Gazetteers.
        if t.place != 0 {
            e.f(29, &[&[t.place]]);
            e.f(30, &[&[t.place], &zc]);
        }
        let pp = info(ii - 1).map(|p| p.place).unwrap_or(b'^');
        let np = info(ii + 1).map(|p| p.place).unwrap_or(b'$');
        e.f(31, &[&[pp, t.place, np]]);
        if t.first_name {
            e.f(32, &[&zc]);
        }
        if info(ii - 1).is_some_and(|p| p.first_name) {
            e.f(33, &[&case]);
        }
        if info(ii + 1).is_some_and(|p| p.first_name) {
            e.f(34, &[&case]);
        }
        if t.org_suffix {
            e.f(35, &[&case]);
        }
        if info(ii + 1).is_some_and(|p| p.org_suffix) {
            e.f(36, &[&case]);
        }
        if info(ii + 2).is_some_and(|p| p.org_suffix) {
            e.f(37, &[&case]);
        }
        if info(ii - 1).is_some_and(|p| p.org_suffix) {
            e.f(38, &[&case]);
        }
        // Runs of capitalised words, quotation, sentence style.
        if t.cap_run > 0 {
            e.f(39, &[&[t.cap_run, t.cap_pos], &init]);
            e.f(40, &[&[t.cap_run, t.cap_pos], &zc]);
        }
        if t.quoted {
            e.f(41, &[&case]);
        }
        e.f(42, &[&slen, &last_punct, &case, &init]);
        e.f(43, &[word(ii - 2).as_bytes(), word(ii - 1).as_bytes()]);
        e.f(44, &[word(ii + 1).as_bytes(), word(ii + 2).as_bytes()]);
        if let Some(p) = info(ii - 1)
            && let Some(s) = suffix(&p.lower, 3)
        {
            e.f(45, &[s.as_bytes(), &case]);
        }
        // Brown clusters (prefixes of the path) and capital preference.
        if t.cluster_src != b'-' {
            for k in [4u8, 6, 10, 20] {
                let p = t.cluster & ((1u32 << k) - 1);
                e.f(52, &[&[k, t.cluster_src], &p.to_le_bytes()]);
            }
        } else {
            e.f(52, &[&case]);
        }
        e.f(53, &[&[t.cap_pref], &case, &init]);
        let cl = |j: isize| -> u32 { info(j).map(|p| p.cluster & 0x3ff).unwrap_or(u32::MAX) };
        e.f(54, &[&cl(ii - 1).to_le_bytes()]);
        e.f(55, &[&cl(ii + 1).to_le_bytes()]);
        // Name runs: the head (last word) and first word of the whole name,
        // and the words around it, reach every token of the name.
        if let Some((rs, re)) = t.name_run {
            let first = &infos[rs];
            let last = &infos[re - 1];
            let pos = if i == rs {
                b'F'
            } else if i + 1 == re {
                b'L'
            } else {
                b'M'
            };
            e.f(46, &[last.lower.as_bytes(), &[pos]]);
            if i != rs {
                e.f(47, &[first.lower.as_bytes()]);
            }
            if i + 1 != re
                && let Some(s) = suffix(&last.lower, 3)
            {
                e.f(48, &[s.as_bytes()]);
            }
            e.f(49, &[word(rs as isize - 1).as_bytes(), &[pos]]);
            e.f(50, &[word(re as isize).as_bytes(), &[pos]]);
            let run = &infos[rs..re];
            let flags = [
                len_bucket(re - rs),
                pos,
                first.first_name as u8,
                run.iter().any(|r| r.place != 0) as u8,
                run.iter().any(|r| r.org_suffix) as u8,
            ];
            e.f(51, &[&flags]);
            // The shape of the whole name: short shapes, connectors as words.
            let mut sh: Vec<u8> = Vec::with_capacity(32);
            for r in run.iter().take(6) {
                if r.case == b'l' {
                    sh.extend_from_slice(r.lower.as_bytes());
                } else {
                    sh.extend_from_slice(r.short.as_bytes());
                }
                sh.push(b' ');
            }
            e.f(61, &[&sh, &[pos]]);
        }
        // Wikipedia titles: the greedy longest match and the token alone.
        e.f(56, &[&[t.title, t.title_len], &case]);
        if t.title != 0 {
            e.f(57, &[&[t.title], &zc, &init]);
        }
        let pt = info(ii - 1).map(|p| p.title).unwrap_or(b'^');
        let nt = info(ii + 1).map(|p| p.title).unwrap_or(b'$');
        e.f(58, &[&[pt, t.title, nt]]);
        e.f(59, &[&[t.title_one as u8, t.title, t.place], &case, &zc]);
        e.f(60, &[&[t.title_from, t.title_to, t.title], &case]);
    }
    offsets.push(out.len());
}

fn sent_len_bucket(n: usize) -> u8 {
    match n {
        0..=3 => b'0' + n as u8,
        4..=6 => b'4',
        7..=12 => b'7',
        _ => b'X',
    }
}

/// The letter for position `k` of a run of `len` tokens, from
/// `[single, first, last, middle]`.
fn run_position(k: usize, len: usize, letters: [u8; 4]) -> u8 {
    let [single, first, last, middle] = letters;
    if len == 1 {
        single
    } else if k == 0 {
        first
    } else if k + 1 == len {
        last
    } else {
        middle
    }
}
