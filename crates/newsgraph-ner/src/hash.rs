//! Stable hashing for feature keys and sets keyed by precomputed hashes.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a of `bytes`. Stable across platforms and releases (models store keys
/// derived from it).
pub fn fnv(bytes: &[u8]) -> u64 {
    fnv_extend(FNV_OFFSET, bytes)
}

/// Continues an FNV-1a hash with more bytes.
#[inline]
pub fn fnv_extend(mut h: u64, bytes: &[u8]) -> u64 {
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(FNV_PRIME);
    }
    h
}

/// Final mixing of a 64-bit hash to the nonzero 32-bit key stored in models.
#[inline]
pub fn key32(h: u64) -> u32 {
    let mut x = h;
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    let k = (x ^ (x >> 32)) as u32;
    if k == 0 { 1 } else { k }
}

/// A hasher that passes through a value that is already a hash.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv_extend(self.0, bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// A set of precomputed 64-bit hashes.
pub type IdSet = HashSet<u64, BuildHasherDefault<IdHasher>>;

/// Open-addressing map from nonzero `u32` feature keys to row indices,
/// built once at model load; lookups are a multiply and a short probe.
#[derive(Debug, Clone)]
pub struct KeyTable {
    /// `(key, row)` per slot, key 0 for an empty slot: key and row share a
    /// cache line, so a lookup costs one miss before the weights.
    slots: Vec<(u32, u32)>,
    shift: u32,
}

impl KeyTable {
    /// Builds the table for `keys` (row `i` for `keys[i]`; keys nonzero).
    pub fn new(keys: &[u32]) -> KeyTable {
        let cap = (keys.len() * 2).max(16).next_power_of_two();
        let shift = 32 - cap.trailing_zeros();
        let mut t = KeyTable {
            slots: vec![(0, 0); cap],
            shift,
        };
        for (i, &k) in keys.iter().enumerate() {
            let mut slot = t.slot(k);
            while t.slots[slot].0 != 0 && t.slots[slot].0 != k {
                slot = (slot + 1) & (cap - 1);
            }
            t.slots[slot] = (k, i as u32);
        }
        t
    }

    #[inline]
    fn slot(&self, k: u32) -> usize {
        (k.wrapping_mul(0x9E37_79B1) >> self.shift) as usize
    }

    /// The row of key `k`, if present.
    #[inline]
    pub fn get(&self, k: u32) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut slot = self.slot(k);
        loop {
            let (kk, row) = self.slots[slot];
            if kk == k {
                return Some(row);
            }
            if kk == 0 {
                return None;
            }
            slot = (slot + 1) & mask;
        }
    }
}
