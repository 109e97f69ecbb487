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
    let mut norm = String::with_capacity(text.len());
    for_each_word(text, |w| {
        if !norm.is_empty() {
            norm.push(' ');
        }
        norm.push_str(w);
    });
    format!("{:032x}", xxh3_128(norm.as_bytes()))
}

fn permutation(i: usize) -> (u64, u64) {
    let a = xxh3_64_with_seed(b"newsgraph-minhash-a", i as u64) | 1;
    let b = xxh3_64_with_seed(b"newsgraph-minhash-b", i as u64);
    (a, b)
}

/// MinHash signature ([`MINHASH_PERMUTATIONS`] values) over word 3-shingles
/// of the normalised text. Texts shorter than three words hash their words.
pub fn minhash(text: &str) -> Vec<u32> {
    use std::sync::OnceLock;
    static PERMS: OnceLock<Vec<(u64, u64)>> = OnceLock::new();
    let perms = PERMS.get_or_init(|| (0..MINHASH_PERMUTATIONS).map(permutation).collect());
    let mut toks: Vec<u64> = Vec::with_capacity(text.len() / 5);
    for_each_word(text, |w| toks.push(xxh3_64(w.as_bytes())));
    let mut sig = vec![u32::MAX; MINHASH_PERMUTATIONS];
    let mut shingles: Vec<u64> = if toks.len() < SHINGLE {
        toks.clone()
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
    for &s in &shingles {
        for (slot, &(a, b)) in sig.iter_mut().zip(perms.iter()) {
            let v = (a.wrapping_mul(s).wrapping_add(b) >> 32) as u32;
            if v < *slot {
                *slot = v;
            }
        }
    }
    sig
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
