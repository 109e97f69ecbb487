//! The trained model: quantised weights per feature key, label transitions,
//! BIO-constrained Viterbi decoding, and the compact on-disk format.
//!
//! File format (all little-endian, then deflate-compressed as a whole):
//! magic `NGNER` + format byte, feature version `u32`, lexicon fingerprint
//! `u64`, language (`u8` length + bytes), metadata JSON (`u32` length +
//! bytes), weight scale `f32`, start scores `9 × f32`, transition scores
//! `81 × f32`, row count `u32`, then per row: key delta as LEB128, a `u16`
//! mask of nonzero labels and one `i16` per set bit. Rows are sorted by key.

use crate::NerError;
use crate::features::{self, FEATURE_VERSION};
use crate::hash::KeyTable;
use crate::label::{Label, NUM_LABELS};
use crate::lexicon::Lexicon;
use flate2::Compression;
use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use std::io::{Read, Write};

const MAGIC: &[u8; 6] = b"NGNER\x01";
const NL: usize = NUM_LABELS;

/// Scores used for a forbidden transition.
const FORBIDDEN: f32 = -1.0e30;

/// A trained tagger model.
#[derive(Debug, Clone)]
pub struct Model {
    /// Language of the lexicon tables the model was trained with.
    pub lang: String,
    /// Training metadata (JSON) written by the trainer.
    pub meta: String,
    pub(crate) fingerprint: u64,
    pub(crate) scale: f32,
    pub(crate) start: [f32; NL],
    pub(crate) trans: [f32; NL * NL],
    pub(crate) keys: Vec<u32>,
    pub(crate) rows: Vec<i16>,
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
        for l in 0..NL {
            let to = Label::from_index(l);
            let mut best = FORBIDDEN * 2.0;
            let mut arg = 0u8;
            for p in 0..NL {
                if !Label::from_index(p).allows(to) {
                    continue;
                }
                let s = score[(i - 1) * NL + p] + trans[p * NL + l];
                if s > best {
                    best = s;
                    arg = p as u8;
                }
            }
            score[i * NL + l] = best + emit[i * NL + l];
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
    /// weights. Weights are quantised to `i16` with one global scale and
    /// all-zero rows are dropped. Keys must be distinct and nonzero.
    pub fn from_weights(
        lang: &str,
        meta: String,
        fingerprint: u64,
        keys: &[u32],
        rows: &[f32],
        start: [f32; NL],
        trans: [f32; NL * NL],
    ) -> Model {
        let max = rows.iter().fold(0f32, |m, w| m.max(w.abs())).max(1e-9);
        let scale = max / 32767.0;
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_unstable_by_key(|&i| keys[i]);
        let mut qk = Vec::new();
        let mut qr = Vec::new();
        for i in order {
            let q: Vec<i16> = rows[i * NL..(i + 1) * NL]
                .iter()
                .map(|w| (w / scale).round().clamp(-32767.0, 32767.0) as i16)
                .collect();
            if q.iter().any(|&x| x != 0) {
                qk.push(keys[i]);
                qr.extend_from_slice(&q);
            }
        }
        Model::assemble(
            lang.to_string(),
            meta,
            fingerprint,
            scale,
            start,
            trans,
            qk,
            qr,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn assemble(
        lang: String,
        meta: String,
        fingerprint: u64,
        scale: f32,
        start: [f32; NL],
        trans: [f32; NL * NL],
        keys: Vec<u32>,
        rows: Vec<i16>,
    ) -> Model {
        let table = KeyTable::new(&keys);
        Model {
            lang,
            meta,
            fingerprint,
            scale,
            start,
            trans,
            keys,
            rows,
            table,
        }
    }

    /// Number of feature rows with a nonzero weight.
    pub fn num_features(&self) -> usize {
        self.keys.len()
    }

    /// Serialises the model (deterministic bytes).
    pub fn to_bytes(&self) -> Result<Vec<u8>, NerError> {
        let mut b = Vec::with_capacity(self.keys.len() * 8 + 1024);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&FEATURE_VERSION.to_le_bytes());
        b.extend_from_slice(&self.fingerprint.to_le_bytes());
        let lang = self.lang.as_bytes();
        b.push(lang.len().min(255) as u8);
        b.extend_from_slice(&lang[..lang.len().min(255)]);
        b.extend_from_slice(&(self.meta.len() as u32).to_le_bytes());
        b.extend_from_slice(self.meta.as_bytes());
        b.extend_from_slice(&self.scale.to_le_bytes());
        for v in self.start.iter().chain(self.trans.iter()) {
            b.extend_from_slice(&v.to_le_bytes());
        }
        b.extend_from_slice(&(self.keys.len() as u32).to_le_bytes());
        let mut prev = 0u32;
        for (i, &k) in self.keys.iter().enumerate() {
            write_leb(&mut b, k - prev);
            prev = k;
            let row = &self.rows[i * NL..(i + 1) * NL];
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
        let mut enc = DeflateEncoder::new(Vec::new(), Compression::best());
        enc.write_all(&b)
            .map_err(|e| NerError::Model(format!("compress: {e}")))?;
        enc.finish()
            .map_err(|e| NerError::Model(format!("compress: {e}")))
    }

    /// Reads a model written by [`Model::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, NerError> {
        let mut raw = Vec::new();
        DeflateDecoder::new(bytes)
            .read_to_end(&mut raw)
            .map_err(|e| NerError::Model(format!("not a newsgraph NER model: {e}")))?;
        let mut r = Reader { b: &raw, pos: 0 };
        if r.take(6)? != MAGIC {
            return Err(NerError::Model(
                "not a newsgraph NER model (bad magic)".into(),
            ));
        }
        let fv = r.u32()?;
        if fv != FEATURE_VERSION {
            return Err(NerError::Model(format!(
                "model uses feature version {fv}, this build has {FEATURE_VERSION}: retrain"
            )));
        }
        let fingerprint = r.u64()?;
        let ll = r.u8()? as usize;
        let lang = String::from_utf8_lossy(r.take(ll)?).into_owned();
        let ml = r.u32()? as usize;
        let meta = String::from_utf8_lossy(r.take(ml)?).into_owned();
        let scale = r.f32()?;
        let mut start = [0f32; NL];
        for v in start.iter_mut() {
            *v = r.f32()?;
        }
        let mut trans = [0f32; NL * NL];
        for v in trans.iter_mut() {
            *v = r.f32()?;
        }
        let n = r.u32()? as usize;
        let mut keys = Vec::with_capacity(n.min(1 << 24));
        let mut rows = Vec::with_capacity(n.min(1 << 24) * NL);
        let mut prev = 0u32;
        for _ in 0..n {
            let k = prev
                .checked_add(r.leb()?)
                .ok_or_else(|| NerError::Model("bad key".into()))?;
            if k == 0 || (k == prev && !keys.is_empty()) {
                return Err(NerError::Model("bad key order".into()));
            }
            keys.push(k);
            prev = k;
            let mask = r.u16()?;
            for l in 0..NL {
                rows.push(if mask & (1 << l) != 0 {
                    r.u16()? as i16
                } else {
                    0
                });
            }
        }
        Ok(Model::assemble(
            lang,
            meta,
            fingerprint,
            scale,
            start,
            trans,
            keys,
            rows,
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

    /// Tags one tokenised sentence with the lexicon `lex`.
    pub fn tag(&self, lex: &Lexicon, tokens: &[&str]) -> Vec<Label> {
        let mut feats = Vec::new();
        let mut offsets = Vec::new();
        let mut emit = Vec::new();
        features::extract(lex, tokens, &mut feats, &mut offsets);
        self.emissions(&feats, &offsets, &mut emit);
        viterbi(&emit, &self.start, &self.trans)
            .into_iter()
            .map(Label::from_index)
            .collect()
    }
}
