//! Exact-duplicate keys and MinHash/LSH signatures for near-duplicates.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed, xxh3_128};

/// Number of MinHash permutations in a signature.
pub const MINHASH_PERMUTATIONS: usize = 128;
/// LSH banding: `LSH_BANDS` bands of `LSH_ROWS` rows (32 × 4: a pair with
/// Jaccard 0.5 becomes a candidate with probability 0.87, one with 0.8
/// with probability > 0.999; callers confirm candidates with [`jaccard`]).
pub const LSH_BANDS: usize = 32;
/// Rows per LSH band.
pub const LSH_ROWS: usize = MINHASH_PERMUTATIONS / LSH_BANDS;
/// Words per shingle.
const SHINGLE: usize = 3;

/// Calls `f` with each lower-cased alphanumeric word of `text`
/// (punctuation and spacing ignored). ASCII words are lower-cased in one
/// reused buffer; others with `str::to_lowercase` (final sigma and all).
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        if w.is_ascii() {
            buf.clear();
            buf.push_str(w);
            buf.make_ascii_lowercase();
            f(&buf);
        } else {
            f(&w.to_lowercase());
        }
    }
}

/// Hash of the normalised text (case-folded, punctuation and whitespace
/// runs ignored): the exact-duplicate key, 32 hex digits.
pub fn content_hash(text: &str) -> String {
    fingerprint(text).0
}

/// [`content_hash`] and [`minhash`] of `text` from one pass over its words
/// (the same values as the two functions).
pub fn fingerprint(text: &str) -> (String, Vec<u32>) {
    let mut norm = String::with_capacity(text.len());
    let mut toks: Vec<u64> = Vec::with_capacity(text.len() / 5);
    for_each_word(text, |w| {
        if !norm.is_empty() {
            norm.push(' ');
        }
        norm.push_str(w);
        toks.push(xxh3_64(w.as_bytes()));
    });
    (
        format!("{:032x}", xxh3_128(norm.as_bytes())),
        minhash_of_words(toks),
    )
}

fn permutation(i: usize) -> (u64, u64) {
    let a = xxh3_64_with_seed(b"newsgraph-minhash-a", i as u64) | 1;
    let b = xxh3_64_with_seed(b"newsgraph-minhash-b", i as u64);
    (a, b)
}

/// The permutations `(a, b)` split for [`min_into`]: the low and high 32
/// bits of each `a`, and `b`, each in its own array.
struct Perms {
    a_lo: [u32; MINHASH_PERMUTATIONS],
    a_hi: [u32; MINHASH_PERMUTATIONS],
    b: [u64; MINHASH_PERMUTATIONS],
}

fn perms() -> &'static Perms {
    use std::sync::OnceLock;
    static PERMS: OnceLock<Perms> = OnceLock::new();
    PERMS.get_or_init(|| {
        let mut p = Perms {
            a_lo: [0; MINHASH_PERMUTATIONS],
            a_hi: [0; MINHASH_PERMUTATIONS],
            b: [0; MINHASH_PERMUTATIONS],
        };
        for i in 0..MINHASH_PERMUTATIONS {
            let (a, b) = permutation(i);
            p.a_lo[i] = a as u32;
            p.a_hi[i] = (a >> 32) as u32;
            p.b[i] = b;
        }
        p
    })
}

/// Lowers each slot of `sig` to `((a·s + b) mod 2⁶⁴) >> 32` of its
/// permutation when that is smaller. The 64-bit product is taken apart as
/// `a_lo·s_lo + (a_lo·s_hi + a_hi·s_lo)·2³²` (the `a_hi·s_hi` term falls
/// outside 64 bits), so every lane is a 32×32→64 multiply the compiler
/// vectorises; the values are exactly those of the 64-bit formula (test
/// `split_multiply_matches_the_formula`).
#[inline]
fn min_into(sig: &mut [u32; MINHASH_PERMUTATIONS], p: &Perms, s: u64) {
    let (s_lo, s_hi) = (s as u32, (s >> 32) as u32);
    let lanes = sig.iter_mut().zip(&p.a_lo).zip(&p.a_hi).zip(&p.b);
    for (((slot, &a_lo), &a_hi), &b) in lanes {
        let low = (a_lo as u64 * s_lo as u64).wrapping_add(b);
        let cross = a_lo
            .wrapping_mul(s_hi)
            .wrapping_add(a_hi.wrapping_mul(s_lo));
        let v = ((low >> 32) as u32).wrapping_add(cross);
        *slot = (*slot).min(v);
    }
}

/// MinHash signature ([`MINHASH_PERMUTATIONS`] values) over word 3-shingles
/// of the normalised text. Texts shorter than three words hash their words.
pub fn minhash(text: &str) -> Vec<u32> {
    let mut toks: Vec<u64> = Vec::with_capacity(text.len() / 5);
    for_each_word(text, |w| toks.push(xxh3_64(w.as_bytes())));
    minhash_of_words(toks)
}

/// The MinHash signature of a text given the hashes of its words.
fn minhash_of_words(toks: Vec<u64>) -> Vec<u32> {
    let perms = perms();
    let mut sig = [u32::MAX; MINHASH_PERMUTATIONS];
    let mut shingles: Vec<u64> = if toks.len() < SHINGLE {
        toks
    } else {
        toks.windows(SHINGLE)
            .map(|w| {
                w.iter().fold(0x9e37_79b9_7f4a_7c15u64, |h, &t| {
                    (h ^ t).wrapping_mul(0x0100_0000_01b3).rotate_left(23)
                })
            })
            .collect()
    };
    shingles.sort_unstable();
    shingles.dedup();
    min_all(&mut sig, perms, &shingles);
    sig.to_vec()
}

/// [`min_into`] for every shingle: with AVX2 when the CPU has it (8 slots
/// per instruction; about half of the MinHash cost goes), else portable.
fn min_all(sig: &mut [u32; MINHASH_PERMUTATIONS], p: &Perms, shingles: &[u64]) {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        unsafe { min_all_avx2(sig, p, shingles) };
        return;
    }
    min_all_portable(sig, p, shingles);
}

fn min_all_portable(sig: &mut [u32; MINHASH_PERMUTATIONS], p: &Perms, shingles: &[u64]) {
    for &s in shingles {
        min_into(sig, p, s);
    }
}

/// The same loop compiled for AVX2 (`min_into` is inlined into it).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn min_all_avx2(sig: &mut [u32; MINHASH_PERMUTATIONS], p: &Perms, shingles: &[u64]) {
    for &s in shingles {
        min_into(sig, p, s);
    }
}

/// LSH band keys of a signature: one 64-bit key per band, the band index
/// mixed in so keys of different bands never collide.
pub fn lsh_bands(sig: &[u32]) -> Vec<u64> {
    sig.chunks(LSH_ROWS)
        .enumerate()
        .map(|(band, rows)| {
            let mut buf = Vec::with_capacity(4 + rows.len() * 4);
            buf.extend_from_slice(&(band as u32).to_le_bytes());
            for r in rows {
                buf.extend_from_slice(&r.to_le_bytes());
            }
            xxh3_64(&buf)
        })
        .collect()
}

/// Jaccard similarity estimated from two signatures (share of equal slots).
pub fn jaccard(a: &[u32], b: &[u32]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    let eq = a.iter().zip(b).filter(|(x, y)| x == y).count();
    eq as f64 / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "Der russische Präsident Wladimir Putin hat Nordkoreas Machthaber Kim Jong Un \
        im Fernen Osten empfangen. Beide sprachen über militärische Zusammenarbeit, Raumfahrt \
        und die Lage in der Region, wie der Kreml am Mittwoch mitteilte.";

    #[test]
    fn keys_are_stable() {
        // Stored keys: a change here would make re-ingested articles look new.
        assert_eq!(
            content_hash("Hallo  Welt. ΟΔΟΣ Σ straße"),
            format!(
                "{:032x}",
                xxh3_128(format!("hallo welt {} σ straße", "ΟΔΟΣ".to_lowercase()).as_bytes())
            )
        );
        let s = minhash("Hallo Welt und Mond");
        let mut t = minhash("hallo, welt und mond!");
        assert_eq!(s, t);
        t = minhash("Hallo Welt und Sonne");
        assert_ne!(s, t);
    }

    #[test]
    fn split_multiply_matches_the_formula() {
        let p = perms();
        let mut x = 0x1234_5678_9abc_def0u64;
        for _ in 0..1000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut sig = [u32::MAX; MINHASH_PERMUTATIONS];
            min_into(&mut sig, p, x);
            for (i, v) in sig.iter().enumerate() {
                let (a, b) = permutation(i);
                assert_eq!(*v, (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32);
            }
        }
    }

    #[test]
    fn simd_and_portable_minima_agree() {
        let shingles: Vec<u64> = (0..500u64).map(|i| xxh3_64(&i.to_le_bytes())).collect();
        let mut a = [u32::MAX; MINHASH_PERMUTATIONS];
        let mut b = [u32::MAX; MINHASH_PERMUTATIONS];
        min_all(&mut a, perms(), &shingles);
        min_all_portable(&mut b, perms(), &shingles);
        assert_eq!(a, b);
        assert!(a.iter().all(|&v| v < u32::MAX / 16));
    }

    #[test]
    fn fingerprint_is_content_hash_and_minhash() {
        for t in [A, "", "Zwei Wörter", "ΟΔΟΣ Σ straße, 14. September 2023!"] {
            let (h, sig) = fingerprint(t);
            assert_eq!(h, content_hash(t));
            assert_eq!(sig, minhash(t));
        }
    }

    #[test]
    fn hash_ignores_case_and_spacing() {
        assert_eq!(content_hash("Hallo  Welt.\n"), content_hash("hallo welt"));
        assert_ne!(content_hash("Hallo Welt"), content_hash("Hallo Welten"));
        assert_eq!(content_hash("x").len(), 32);
    }

    #[test]
    fn minhash_separates_near_and_far() {
        let b = A.replace("am Mittwoch", "am Donnerstag");
        let c = "Das Wetter in Oslo bleibt kalt, mit Schnee bis zum Wochenende und Glätte auf \
                 den Straßen rund um die Stadt und im ganzen Land.";
        let (sa, sb, sc) = (minhash(A), minhash(&b), minhash(c));
        assert_eq!(sa.len(), MINHASH_PERMUTATIONS);
        assert!(jaccard(&sa, &sb) > 0.7, "{}", jaccard(&sa, &sb));
        assert!(jaccard(&sa, &sc) < 0.1);
        assert_eq!(jaccard(&sa, &minhash(A)), 1.0);
        let (ba, bb) = (lsh_bands(&sa), lsh_bands(&sb));
        assert_eq!(ba.len(), LSH_BANDS);
        assert!(ba.iter().zip(&bb).any(|(x, y)| x == y));
    }
}
