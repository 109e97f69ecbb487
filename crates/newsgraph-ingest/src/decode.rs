//! Bytes → NFC text: BOM, UTF-16 without BOM, chardetng for legacy
//! single-byte encodings, and binary detection.

use unicode_normalization::UnicodeNormalization;

/// Why bytes could not be turned into text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DecodeError {
    Empty,
    Binary(String),
}

impl DecodeError {
    pub(crate) fn reason(&self) -> String {
        match self {
            DecodeError::Empty => "empty input".to_string(),
            DecodeError::Binary(what) => format!("binary content ({what}), not text"),
        }
    }
}

/// Names a few well-known binary formats by their magic bytes.
pub(crate) fn binary_magic(b: &[u8]) -> Option<&'static str> {
    const MAGICS: &[(&[u8], &str)] = &[
        (b"%PDF", "PDF document"),
        (b"\x89PNG", "PNG image"),
        (b"\xff\xd8\xff", "JPEG image"),
        (b"GIF8", "GIF image"),
        (b"PK\x03\x04", "ZIP archive"),
        (b"\x7fELF", "ELF executable"),
        (b"RIFF", "RIFF media"),
        (b"OggS", "Ogg media"),
        (b"ID3", "MP3 audio"),
        (b"BZh", "bzip2 archive"),
        (b"\xfd7zXZ", "xz archive"),
        (b"7z\xbc\xaf", "7-zip archive"),
        (b"\x28\xb5\x2f\xfd", "zstd archive"),
        (b"SQLite format 3", "SQLite database"),
        (b"\xd0\xcf\x11\xe0", "MS Office document"),
        (b"MZ", "Windows executable"),
        (b"\x00asm", "WebAssembly module"),
    ];
    MAGICS
        .iter()
        .find(|(m, _)| b.starts_with(m))
        .map(|(_, n)| *n)
}

/// Decodes `bytes` to a String normalised to NFC with `\n` line ends.
pub(crate) fn decode(bytes: &[u8]) -> Result<String, DecodeError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(DecodeError::Empty);
    }
    let text = decode_raw(bytes)?;
    let sample: String = text.chars().take(8192).collect();
    let total = sample.chars().count().max(1);
    let controls = sample
        .chars()
        .filter(|&c| {
            (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c')) || c == '\u{fffd}'
        })
        .count();
    if sample.contains('\0') || controls * 20 > total {
        return Err(DecodeError::Binary(format!(
            "{controls} control characters in the first {total}"
        )));
    }
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
    let text: String = match unicode_normalization::is_nfc_quick(text.chars()) {
        unicode_normalization::IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    };
    if text.trim().is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(text)
}

fn decode_raw(bytes: &[u8]) -> Result<String, DecodeError> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (s, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return Ok(s.into_owned());
    }
    if let Some(enc) = sniff_utf16(bytes) {
        let (s, _) = enc.decode_without_bom_handling(bytes);
        return Ok(s.into_owned());
    }
    if let Some(what) = binary_magic(bytes) {
        return Err(DecodeError::Binary(what.to_string()));
    }
    if bytes.contains(&0) {
        return Err(DecodeError::Binary("NUL bytes".to_string()));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_string());
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(bytes, true);
    let enc = det.guess(None, chardetng::Utf8Detection::Deny);
    let (s, _, _) = enc.decode(bytes);
    Ok(s.into_owned())
}

/// UTF-16 without BOM: most text has a zero byte in every other position.
fn sniff_utf16(b: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let n = b.len().min(4096) & !1;
    if n < 4 {
        return None;
    }
    let pairs = n / 2;
    let even_zero = (0..n).step_by(2).filter(|&i| b[i] == 0).count();
    let odd_zero = (1..n).step_by(2).filter(|&i| b[i] == 0).count();
    if odd_zero * 10 >= pairs * 4 && even_zero * 10 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if even_zero * 10 >= pairs * 4 && odd_zero * 10 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_and_utf16_decode() {
        let latin1 = b"F\xfcr die Stra\xdfe gilt: Gr\xfc\xdfe aus M\xfcnchen und K\xf6ln.";
        assert_eq!(
            decode(latin1).unwrap(),
            "Für die Straße gilt: Grüße aus München und Köln."
        );
        let mut le = vec![0xff, 0xfe];
        for u in "Blåbær på Østlandet".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le).unwrap(), "Blåbær på Østlandet");
        let mut be = Vec::new();
        for u in "Grüße aus Köln, sagte er.".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(decode(&be).unwrap(), "Grüße aus Köln, sagte er.");
    }

    #[test]
    fn nfc_and_binary() {
        assert_eq!(decode("Pjo\u{308}ngjang".as_bytes()).unwrap(), "Pjöngjang");
        assert!(matches!(
            decode(b"\x89PNG\r\n\x1a\n\0\0"),
            Err(DecodeError::Binary(_))
        ));
        assert!(matches!(decode(b"  \n\t"), Err(DecodeError::Empty)));
        assert!(matches!(
            decode(b"abc\x00\x01\x02def"),
            Err(DecodeError::Binary(_))
        ));
    }
}
