//! Every reader on fixtures the project wrote itself.
use newsgraph_ingest::{Item, Options, Reader, Rejection, extract_bytes};
use newsgraph_model::NewArticle;

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn read(name: &str) -> (Vec<NewArticle>, Vec<Rejection>) {
    read_with(&format!("{FIX}/{name}"), Options::default())
}

fn read_with(input: &str, opts: Options) -> (Vec<NewArticle>, Vec<Rejection>) {
    let reader = Reader::new(opts);
    let (mut arts, mut rejs) = (Vec::new(), Vec::new());
    reader.read(input, &mut |item| match item {
        Item::Article(a) => arts.push(*a),
        Item::Rejected(r) => rejs.push(r),
        Item::Unchanged { input } => panic!("unexpected unchanged {input}"),
    });
    (arts, rejs)
}

#[test]
fn html_page() {
    let (a, r) = read("page.html");
    assert!(r.is_empty(), "{r:?}");
    assert_eq!(a.len(), 1);
    let a = &a[0];
    assert_eq!(a.format, "html");
    assert_eq!(a.title, "Kanzler besucht Hafen in Hamburg");
    assert_eq!(a.lang, "de");
    assert_eq!(a.published.as_deref(), Some("2024-03-05T09:30:00+01:00"));
    assert_eq!(a.source.as_deref(), Some("Nordkurier Test"));
    assert_eq!(a.author.as_deref(), Some("Erika Musterfrau"));
    assert!(
        a.text.starts_with("Der Bundeskanzler hat am Dienstag"),
        "{}",
        a.text
    );
    assert!(a.text.contains("Lieferketten.\n\n„Der Hafen ist das Tor"));
    assert!(a.text.ends_with("Hundert Millionen Euro."), "{}", a.text);
    for junk in [
        "Startseite",
        "Cookies",
        "Mehr zum Thema",
        "Elbvertiefung",
        "Impressum",
        "Rechte",
    ] {
        assert!(!a.text.contains(junk), "{junk} in {}", a.text);
    }
}

#[test]
fn rss_atom_and_opml() {
    let (a, r) = read("feed.rss");
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].format, "feed");
    assert_eq!(a[0].title, "Regjeringen legger fram ny klimaplan");
    assert_eq!(a[0].lang, "nb");
    assert_eq!(a[0].author.as_deref(), Some("Kari Nordmann"));
    assert_eq!(a[0].source.as_deref(), Some("Testavisen Nyheter"));
    assert_eq!(
        a[0].url.as_deref(),
        Some("https://testavisen.invalid/klima")
    );
    assert!(
        a[0].published
            .as_deref()
            .unwrap_or("")
            .starts_with("2024-03-05")
    );
    assert!(a[0].text.contains("landbruk.\n\nKlima- og miljøministeren"));
    // The teaser item is rejected with a reason naming the item.
    assert_eq!(r.len(), 1);
    assert!(r[0].input.ends_with("feed.rss#item-2"), "{}", r[0].input);
    assert!(r[0].reason.contains("--follow-links"));

    let (a, r) = read("feed.atom");
    assert!(r.is_empty());
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].lang, "en");
    assert_eq!(a[0].author.as_deref(), Some("Jane Doe"));
    assert!(a[0].text.starts_with("A powerful storm"));

    let (a, r) = read("feeds.opml");
    let titles: Vec<&str> = a.iter().map(|x| x.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Regjeringen legger fram ny klimaplan",
            "Storm closes ports along the northern coast"
        ]
    );
    assert_eq!(r.len(), 1);
    // extract_bytes does not expand OPML: it says so.
    let bytes = std::fs::read(format!("{FIX}/feeds.opml")).unwrap();
    let e = extract_bytes("feeds.opml", &bytes, &Options::default()).unwrap_err();
    assert!(e.reason.contains("OPML list of 2 feeds"), "{e}");
}

fn check_warc(name: &str) {
    let (a, r) = read(name);
    assert_eq!(a.len(), 2, "{r:?}");
    assert!(a.iter().all(|x| x.format == "warc"));
    assert_eq!(
        a[0].url.as_deref(),
        Some("https://nordkurier.invalid/hafen")
    );
    assert_eq!(a[0].external_id.as_deref(), Some("<urn:uuid:2>"));
    assert_eq!(a[0].lang, "de");
    assert!(a[0].text.contains("Containerterminal Altenwerder"));
    // Chunked + gzip-encoded response.
    assert_eq!(a[1].url.as_deref(), Some("https://wire.invalid/storm"));
    assert_eq!(a[1].lang, "en");
    assert!(a[1].text.contains("stranding ferries"));
    assert_eq!(r.len(), 1);
    assert!(r[0].input.ends_with("#record-5"), "{}", r[0].input);
    assert!(r[0].reason.contains("404"));
}

#[test]
fn warc_and_warc_gz() {
    check_warc("dump.warc");
    check_warc("dump.warc.gz");
}

#[test]
fn jsonl_with_a_bad_line() {
    let (a, r) = read("articles.jsonl");
    assert_eq!(a.len(), 2);
    assert_eq!(a[0].external_id.as_deref(), Some("a1"));
    assert_eq!(a[0].title, "Parliament approves budget");
    assert_eq!(a[0].published.as_deref(), Some("2024-03-06"));
    assert_eq!(a[0].source.as_deref(), Some("Example Times"));
    assert_eq!(a[0].lang, "en");
    assert_eq!(a[0].metadata["section"], "politics");
    assert_eq!(a[0].metadata["tags"][1], "parliament");
    assert_eq!(a[1].external_id.as_deref(), Some("2"));
    assert_eq!(a[1].lang, "de");
    assert!(a[1].text.contains("Berufsverkehr."));
    assert!(!a[1].text.contains("Berufsverkehr.Der"));
    let names: Vec<&str> = r
        .iter()
        .map(|x| x.input.rsplit('/').next().unwrap_or(""))
        .collect();
    assert_eq!(names, ["articles.jsonl:2", "articles.jsonl:4"]);
    assert!(r[0].reason.starts_with("invalid JSON"));
}

#[test]
fn legacy_encodings_and_utf16() {
    let (a, _) = read("latin1.txt");
    assert_eq!(a[0].title, "Grüße aus München");
    assert!(a[0].text.starts_with("Die Straßenbahn fährt wieder"));
    let (a, _) = read("cp1252.txt");
    assert_eq!(a[0].title, "„Wir sind bereit“ – sagt der Trainer");
    let (a, _) = read("utf16.txt");
    assert_eq!(a[0].title, "Nytt rekord for elbiler");
    assert_eq!(a[0].lang, "nb");
}

#[test]
fn markdown_title_and_junk() {
    let (a, _) = read("note.md");
    assert_eq!(a[0].title, "Hafenfest abgesagt");
    assert!(!a[0].text.contains("Teilen"));
    assert!(
        a[0].removed
            .iter()
            .any(|r| r.reason == "share" && r.text == "Teilen")
    );
}

#[test]
fn bad_inputs_are_rejected_with_reasons() {
    let (a, r) = read("binary.bin");
    assert!(a.is_empty());
    assert!(r[0].reason.contains("binary"), "{}", r[0].reason);
    let (_, r) = read("empty.txt");
    assert_eq!(r[0].reason, "empty file");
    let (_, r) = read("notafeed.xml");
    assert!(r[0].reason.contains("not a feed"), "{}", r[0].reason);
    let (_, r) = read_with("/nonexistent/path.txt", Options::default());
    assert!(r[0].reason.contains("no such file"));
    let opts = Options {
        max_bytes: 1000,
        ..Options::default()
    };
    let (a, r) = read_with(&format!("{FIX}/page.html"), opts);
    assert!(a.is_empty());
    assert!(r[0].reason.contains("over the size cap"), "{}", r[0].reason);
}

#[test]
fn directories_and_globs() {
    let (a, r) = read_with(&format!("{FIX}/*.txt"), Options::default());
    assert_eq!(a.len(), 3, "{r:?}"); // latin1, cp1252, utf16
    assert_eq!(r.len(), 1); // empty.txt
    let (a, r) = read_with(FIX, Options::default());
    // page, rss, atom, opml (rss+atom again), 2 warc × 2, jsonl × 2, 3 txt, md
    assert_eq!(a.len(), 1 + 1 + 1 + 2 + 4 + 2 + 3 + 1, "{r:?}");
    assert!(r.iter().any(|x| x.input.ends_with("binary.bin")));
    let (a, _) = read_with(&format!("{FIX}/nothing-*.zzz"), Options::default());
    assert!(a.is_empty());
}

#[test]
fn extract_bytes_sniffs_content_not_extension() {
    let html = std::fs::read(format!("{FIX}/page.html")).unwrap();
    let a = extract_bytes("download.bin", &html, &Options::default()).unwrap();
    assert_eq!(a[0].format, "html");
    let rss = std::fs::read(format!("{FIX}/feed.rss")).unwrap();
    let a = extract_bytes("noext", &rss, &Options::default()).unwrap();
    assert_eq!(a[0].format, "feed");
    let gz = std::fs::read(format!("{FIX}/dump.warc.gz")).unwrap();
    let a = extract_bytes("blob", &gz, &Options::default()).unwrap();
    assert_eq!(a.len(), 2);
    // A text that starts with a bracket is still text.
    let a = extract_bytes("x.txt", "[Eilmeldung] Sturm über Hamburg\n\nDer Sturm hat in der Nacht Bäume entwurzelt und Straßen blockiert.".as_bytes(), &Options::default()).unwrap();
    assert_eq!(a[0].format, "text");
}
