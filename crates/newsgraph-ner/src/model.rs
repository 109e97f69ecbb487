//! The trained model: quantised weights per feature key, label transitions,
//! BIO-constrained Viterbi decoding, and the compact on-disk format.
//!
//! File format (all little-endian, then deflate-compressed as a whole):
//! magic `NGNER` + format byte, feature version `u32`, lexicon fingerprint
//! `u64`, language (`u8` length + bytes), metadata JSON (`u32` length +
//! bytes), domains (`u8` count, then each as `u8` length + bytes; the first
//! is the default), weight scale `f32`, start scores `9 × f32`, transition
//! scores `81 × f32`, then one block of rows shared by all domains followed
//! by one block per domain, each a row count `u32` and per row: key delta
//! as LEB128, a `u16` mask of nonzero labels and one `i16` per set bit.
//! Rows are sorted by key within a block.

use crate::NerError;
use crate::features::{self, FEATURE_VERSION};
use crate::hash::KeyTable;
use crate::label::{Label, NUM_LABELS};
use crate::lexicon::Lexicon;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use std::io::{Read, Write};

const MAGIC: &[u8; 6] = b"NGNER\x02";
const NL: usize = NUM_LABELS;

/// Scores used for a forbidden transition.
const FORBIDDEN: f32 = -1.0e30;

/// Quantised weight rows sorted by key.
#[derive(Debug, Clone, Default)]
struct Block {
    keys: Vec<u32>,
    rows: Vec<i16>,
}

/// A trained tagger model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Language of the lexicon tables the model was trained with.
    pub lang: String,
    /// Training metadata (JSON) written by the trainer.
    pub meta: String,
    /// The training domains, the default first; empty when the model was
    /// trained on one domain.
    pub domains: Vec<String>,
    pub(crate) fingerprint: u64,
    pub(crate) scale: f32,
    pub(crate) start: [f32; NL],
    pub(crate) trans: [f32; NL * NL],
    /// Rows shared by all domains, then one block per domain.
    blocks: Vec<Block>,
    /// The domain the model tags as (index into `domains`).
    active: usize,
    /// Shared rows plus the active domain's, looked up when tagging.
    rows: Vec<i16>,
    table: KeyTable,
}

/// Viterbi decoding under the BIO constraint. `emit` holds `n × NUM_LABELS`
/// scores; `start` and `trans` (`from * NUM_LABELS + to`) add to them.
/// Returns label indices.
pub fn viterbi(emit: &[f32], start: &[f32; NL], trans: &[f32; NL * NL]) -> Vec<usize> {
    let n = emit.len() / NL;
    if n == 0 {
        return Vec::new();
    }
    // Forbidden transitions get FORBIDDEN added: every label always has an
    // allowed, reachable predecessor (B-X follows anything), so the maxima
    // are those over the allowed transitions, without a test in the loop.
    let tr: [f32; NL * NL] = std::array::from_fn(|k| {
        if Label::from_index(k / NL).allows(Label::from_index(k % NL)) {
            trans[k]
        } else {
            FORBIDDEN
        }
    });
    let mut score = vec![0f32; n * NL];
    let mut back = vec![0u8; n * NL];
    for l in 0..NL {
        score[l] = if Label::from_index(l).can_start() {
            start[l] + emit[l]
        } else {
            FORBIDDEN
        };
    }
    for i in 1..n {
        let (done, rest) = score.split_at_mut(i * NL);
        let prev = &done[(i - 1) * NL..];
        for l in 0..NL {
            let mut best = FORBIDDEN * 2.0;
            let mut arg = 0u8;
            for p in 0..NL {
                let s = prev[p] + tr[p * NL + l];
                if s > best {
                    best = s;
                    arg = p as u8;
                }
            }
            rest[l] = best + emit[i * NL + l];
            back[i * NL + l] = arg;
        }
    }
    let mut best = 0;
    for l in 1..NL {
        if score[(n - 1) * NL + l] > score[(n - 1) * NL + best] {
            best = l;
        }
    }
    let mut out = vec![0usize; n];
    out[n - 1] = best;
    for i in (1..n).rev() {
        out[i - 1] = back[i * NL + out[i]] as usize;
    }
    out
}

fn write_leb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let b = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(b);
            break;
        }
        out.push(b | 0x80);
    }
}

struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], NerError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.b.len())
            .ok_or_else(|| NerError::Model("truncated model".into()))?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, NerError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, NerError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, NerError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Result<u64, NerError> {
        let lo = self.u32()? as u64;
        let hi = self.u32()? as u64;
        Ok(lo | (hi << 32))
    }
    fn f32(&mut self) -> Result<f32, NerError> {
        Ok(f32::from_bits(self.u32()?))
    }
    fn leb(&mut self) -> Result<u32, NerError> {
        let mut v: u64 = 0;
        for shift in (0..35).step_by(7) {
            let b = self.u8()?;
            v |= ((b & 0x7f) as u64) << shift;
            if b & 0x80 == 0 {
                return u32::try_from(v).map_err(|_| NerError::Model("bad key delta".into()));
            }
        }
        Err(NerError::Model("bad key delta".into()))
    }
}

impl Model {
    /// Builds a model from float weights: `rows` has `keys.len() × NUM_LABELS`
    /// weights. A key's high 32 bits say whose row it is: 0 shared by all
    /// domains, `j + 1` domain `domains[j]` only; the low 32 bits are the
    /// feature key. Weights are quantised to `i16` with one global scale
    /// (chosen so that a shared row plus a domain row still fits) and
    /// all-zero rows are dropped. Keys must be distinct, features nonzero.
    #[allow(clippy::too_many_arguments)]
    pub fn from_weights(
        lang: &str,
        meta: String,
        domains: Vec<String>,
        fingerprint: u64,
        keys: &[u64],
        rows: &[f32],
        start: [f32; NL],
        trans: [f32; NL * NL],
    ) -> Model {
        let row = |i: usize| &rows[i * NL..(i + 1) * NL];
        let nb = domains.len() + 1;
        let mut by_block: Vec<Vec<usize>> = vec![Vec::new(); nb];
        for (i, &k) in keys.iter().enumerate() {
            if let Some(b) = by_block.get_mut((k >> 32) as usize) {
                b.push(i);
            }
        }
        // Largest |shared| + |domain| weight of a feature.
        let mut shared_max: std::collections::HashMap<u32, f32> = std::collections::HashMap::new();
        for &i in &by_block[0] {
            let m = row(i).iter().fold(0f32, |m, w| m.max(w.abs()));
            shared_max.insert(keys[i] as u32, m);
        }
        let mut max = shared_max.values().fold(0f32, |m, &w| m.max(w));
        for b in &by_block[1..] {
            for &i in b {
                let m = row(i).iter().fold(0f32, |m, w| m.max(w.abs()));
                max = max.max(m + shared_max.get(&(keys[i] as u32)).copied().unwrap_or(0.0));
            }
        }
        let scale = max.max(1e-9) / 32767.0;
        let blocks = by_block
            .into_iter()
            .map(|mut idx| {
                idx.sort_unstable_by_key(|&i| keys[i] as u32);
                let mut b = Block::default();
                for i in idx {
                    let q: Vec<i16> = row(i)
                        .iter()
                        .map(|w| (w / scale).round().clamp(-32767.0, 32767.0) as i16)
                        .collect();
                    if q.iter().any(|&x| x != 0) {
                        b.keys.push(keys[i] as u32);
                        b.rows.extend_from_slice(&q);
                    }
                }
                b
            })
            .collect();
        Model::assemble(
            lang.to_string(),
            meta,
            domains,
            fingerprint,
            scale,
            start,
            trans,
            blocks,
            0,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        lang: String,
        meta: String,
        domains: Vec<String>,
        fingerprint: u64,
        scale: f32,
        start: [f32; NL],
        trans: [f32; NL * NL],
        blocks: Vec<Block>,
        active: usize,
    ) -> Model {
        let (keys, rows) = merge(&blocks, active);
        let table = KeyTable::new(&keys);
        Model {
            lang,
            meta,
            domains,
            fingerprint,
            scale,
            start,
            trans,
            blocks,
            active,
            rows,
            table,
        }
    }

    /// The same model tagging as domain `name` (one of [`Model::domains`];
    /// a model without domains accepts any name and is unchanged).
    pub fn with_domain(&self, name: &str) -> Result<Model, NerError> {
        if self.domains.is_empty() {
            return Ok(self.clone());
        }
        let j = self.domains.iter().position(|d| d == name).ok_or_else(|| {
            NerError::Model(format!(
                "the {} model has no domain {name:?} (it has {})",
                self.lang,
                self.domains.join(", ")
            ))
        })?;
        Ok(Model::assemble(
            self.lang.clone(),
            self.meta.clone(),
            self.domains.clone(),
            self.fingerprint,
            self.scale,
            self.start,
            self.trans,
            self.blocks.clone(),
            j,
        ))
    }

    /// The domain the model tags as, `None` for a model without domains.
    pub fn domain(&self) -> Option<&str> {
        self.domains.get(self.active).map(String::as_str)
    }

    /// Number of stored feature rows with a nonzero weight (all blocks).
    pub fn num_features(&self) -> usize {
        self.blocks.iter().map(|b| b.keys.len()).sum()
    }

    /// Serialises the model (deterministic bytes).
    pub fn to_bytes(&self) -> Result<Vec<u8>, NerError> {
        let mut b = Vec::with_capacity(self.num_features() * 8 + 1024);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&FEATURE_VERSION.to_le_bytes());
        b.extend_from_slice(&self.fingerprint.to_le_bytes());
        let lang = self.lang.as_bytes();
        b.push(lang.len().min(255) as u8);
        b.extend_from_slice(&lang[..lang.len().min(255)]);
        b.extend_from_slice(&(self.meta.len() as u32).to_le_bytes());
        b.extend_from_slice(self.meta.as_bytes());
        let nd = self.domains.len().min(255);
        b.push(nd as u8);
        for d in &self.domains[..nd] {
            let d = d.as_bytes();
            b.push(d.len().min(255) as u8);
            b.extend_from_slice(&d[..d.len().min(255)]);
        }
        b.extend_from_slice(&self.scale.to_le_bytes());
        for v in self.start.iter().chain(self.trans.iter()) {
            b.extend_from_slice(&v.to_le_bytes());
        }
        for block in &self.blocks[..nd + 1] {
            b.extend_from_slice(&(block.keys.len() as u32).to_le_bytes());
            let mut prev = 0u32;
            for (i, &k) in block.keys.iter().enumerate() {
                write_leb(&mut b, k - prev);
                prev = k;
                let row = &block.rows[i * NL..(i + 1) * NL];
                let mut mask = 0u16;
                for (l, &w) in row.iter().enumerate() {
                    if w != 0 {
                        mask |= 1 << l;
                    }
                }
                b.extend_from_slice(&mask.to_le_bytes());
                for &w in row {
                    if w != 0 {
                        b.extend_from_slice(&w.to_le_bytes());
                    }
                }
            }
        }
        let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&b)
            .map_err(|e| NerError::Model(format!("compress: {e}")))?;
        enc.finish()
            .map_err(|e| NerError::Model(format!("compress: {e}")))
    }

    /// Reads a model written by [`Model::to_bytes`]; it tags as its default
    /// domain.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, NerError> {
        let mut raw = Vec::new();
        DeflateDecoder::new(bytes)
            .read_to_end(&mut raw)
            .map_err(|e| NerError::Model(format!("not a newsgraph NER model: {e}")))?;
        let mut r = Reader { b: &raw, pos: 0 };
        let magic = r.take(6)?;
        if &magic[..5] != b"NGNER" {
            return Err(NerError::Model(
                "not a newsgraph NER model (bad magic)".into(),
            ));
        }
        let fv = r.u32()?;
        if magic != MAGIC || fv != FEATURE_VERSION {
            return Err(NerError::Model(format!(
                "model uses feature version {fv}, this build has {FEATURE_VERSION}: retrain"
            )));
        }
        let fingerprint = r.u64()?;
        let ll = r.u8()? as usize;
        let lang = String::from_utf8_lossy(r.take(ll)?).into_owned();
        let ml = r.u32()? as usize;
        let meta = String::from_utf8_lossy(r.take(ml)?).into_owned();
        let nd = r.u8()? as usize;
        let mut domains = Vec::with_capacity(nd);
        for _ in 0..nd {
            let dl = r.u8()? as usize;
            domains.push(String::from_utf8_lossy(r.take(dl)?).into_owned());
        }
        let scale = r.f32()?;
        let mut start = [0f32; NL];
        for v in start.iter_mut() {
            *v = r.f32()?;
        }
        let mut trans = [0f32; NL * NL];
        for v in trans.iter_mut() {
            *v = r.f32()?;
        }
        let mut blocks = Vec::with_capacity(nd + 1);
        for _ in 0..=nd {
            let n = r.u32()? as usize;
            let mut block = Block {
                keys: Vec::with_capacity(n.min(1 << 24)),
                rows: Vec::with_capacity(n.min(1 << 24) * NL),
            };
            let mut prev = 0u32;
            for _ in 0..n {
                let k = prev
                    .checked_add(r.leb()?)
                    .ok_or_else(|| NerError::Model("bad key".into()))?;
                if k == 0 || (k == prev && !block.keys.is_empty()) {
                    return Err(NerError::Model("bad key order".into()));
                }
                block.keys.push(k);
                prev = k;
                let mask = r.u16()?;
                for l in 0..NL {
                    block.rows.push(if mask & (1 << l) != 0 {
                        r.u16()? as i16
                    } else {
                        0
                    });
                }
            }
            blocks.push(block);
        }
        Ok(Model::assemble(
            lang,
            meta,
            domains,
            fingerprint,
            scale,
            start,
            trans,
            blocks,
            0,
        ))
    }

    /// Checks that the model was trained with the lexicon tables of this build.
    pub(crate) fn check_lexicon(&self, lex: &Lexicon) -> Result<(), NerError> {
        if lex.fingerprint != self.fingerprint {
            return Err(NerError::Model(format!(
                "model for {:?} was trained with other lexicon tables than data/ner of this build: retrain",
                self.lang
            )));
        }
        Ok(())
    }

    /// Emission scores (`n × NUM_LABELS`, in weight units) for feature keys.
    pub(crate) fn emissions(&self, feats: &[u32], offsets: &[usize], out: &mut Vec<f32>) {
        let n = offsets.len().saturating_sub(1);
        out.clear();
        out.reserve(n * NL);
        for i in 0..n {
            let mut acc = [0i32; NL];
            for &k in &feats[offsets[i]..offsets[i + 1]] {
                if let Some(r) = self.table.get(k) {
                    let row = &self.rows[r as usize * NL..r as usize * NL + NL];
                    for l in 0..NL {
                        acc[l] += row[l] as i32;
                    }
                }
            }
            out.extend(acc.iter().map(|&a| a as f32 * self.scale));
        }
    }

    /// Tags one tokenised sentence with the lexicon `lex`, as text of the
    /// model's domain (see [`Model::with_domain`]).
    pub fn tag(&self, lex: &Lexicon, tokens: &[&str]) -> Vec<Label> {
        /// Feature keys, their offsets and emission scores, reused across
        /// sentences on a thread (most sentences are short: allocating them
        /// anew each time costs a few percent).
        type Scratch = (Vec<u32>, Vec<usize>, Vec<f32>);
        thread_local! {
            static SCRATCH: std::cell::RefCell<Scratch> = const {
                std::cell::RefCell::new((Vec::new(), Vec::new(), Vec::new()))
            };
        }
        SCRATCH.with(|cell| {
            let mut guard = cell.try_borrow_mut();
            let mut fresh = Scratch::default();
            let (feats, offsets, emit) = match guard.as_deref_mut() {
                Ok(s) => s,
                Err(_) => &mut fresh,
            };
            features::extract(lex, tokens, feats, offsets);
            self.emissions(feats, offsets, emit);
            viterbi(emit, &self.start, &self.trans)
                .into_iter()
                .map(Label::from_index)
                .collect()
        })
    }
}

/// The shared block plus the block of domain `active` (when there is one),
/// rows of the same key added: what tagging as that domain looks up. The
/// scale chosen by [`Model::from_weights`] keeps the sums within `i16`.
fn merge(blocks: &[Block], active: usize) -> (Vec<u32>, Vec<i16>) {
    let shared = match blocks.first() {
        Some(b) => b,
        None => return (Vec::new(), Vec::new()),
    };
    let Some(dom) = blocks.get(active + 1) else {
        return (shared.keys.clone(), shared.rows.clone());
    };
    let mut keys = Vec::with_capacity(shared.keys.len() + dom.keys.len());
    let mut rows = Vec::with_capacity(keys.capacity() * NL);
    let (mut i, mut j) = (0, 0);
    while i < shared.keys.len() || j < dom.keys.len() {
        let a = shared.keys.get(i).copied().unwrap_or(u32::MAX);
        let b = dom.keys.get(j).copied().unwrap_or(u32::MAX);
        let k = a.min(b);
        let mut row = [0i16; NL];
        if a == k && i < shared.keys.len() {
            for (r, w) in row.iter_mut().zip(&shared.rows[i * NL..(i + 1) * NL]) {
                *r = r.saturating_add(*w);
            }
            i += 1;
        }
        if b == k && j < dom.keys.len() {
            for (r, w) in row.iter_mut().zip(&dom.rows[j * NL..(j + 1) * NL]) {
                *r = r.saturating_add(*w);
            }
            j += 1;
        }
        keys.push(k);
        rows.extend_from_slice(&row);
    }
    (keys, rows)
}
