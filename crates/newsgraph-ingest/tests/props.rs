//! No input makes a reader panic.
use newsgraph_ingest::{
    Options, clean, content_hash, detect_language, extract_bytes, minhash, parse_dateline,
};
use proptest::prelude::*;

fn prefixed(prefix: &'static [u8]) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..600).prop_map(move |mut v| {
        let mut out = prefix.to_vec();
        out.append(&mut v);
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = extract_bytes("fuzz", &bytes, &Options::default());
    }

    #[test]
    fn each_format_prefix(bytes in prop_oneof![
        prefixed(b"<html><body><p>"),
        prefixed(b"<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><item><title>"),
        prefixed(b"<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content type=\"html\">"),
        prefixed(b"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><item>"),
        prefixed(b"<opml><body><outline xmlUrl=\""),
        prefixed(b"{\"title\": \"x\", \"text\": \""),
        prefixed(b"[{\"html\": \""),
        prefixed(b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\nContent-Length: 40\r\n\r\nHTTP/1.1 200 OK\r\n"),
        prefixed(b"\x1f\x8b\x08\x00\x00\x00\x00\x00"),
        prefixed(b"\xff\xfe"),
        prefixed(b"\xef\xbb\xbf"),
    ]) {
        let _ = extract_bytes("fuzz", &bytes, &Options::default());
    }

    #[test]
    fn text_functions(s in "\\PC{0,400}") {
        let c = clean(&s, None);
        prop_assert!(c.text.len() <= s.len() + 2);
        let _ = content_hash(&s);
        prop_assert_eq!(minhash(&s).len(), 128);
        let (l, conf) = detect_language(&s);
        prop_assert!(!l.is_empty() && (0.0..=1.0).contains(&conf));
        let _ = parse_dateline(&s, None);
        let _ = parse_dateline(&s, Some("de"));
    }

    #[test]
    fn junk_like_lines(lines in proptest::collection::vec("[A-Za-zÄÖÜäöüß ()\\[\\]:_0-9,.-]{0,40}", 0..30)) {
        let text = lines.join("\n");
        let c = clean(&text, None);
        // Every removed line points at a real line.
        for r in &c.removed {
            prop_assert!(r.line < text.split('\n').count());
        }
    }
}
