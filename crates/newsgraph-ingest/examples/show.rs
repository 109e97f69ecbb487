//! Prints what ingest makes of each input: `cargo run --example show -- FILE...`.
use newsgraph_ingest::{Item, Options, Reader};

fn main() {
    let reader = Reader::new(Options::default());
    for input in std::env::args().skip(1) {
        reader.read(&input, &mut |item| match item {
            Item::Article(a) => {
                println!(
                    "=== {:?} {:?} [{} {:.2}] published={:?} source={:?} author={:?}",
                    a.path, a.url, a.lang, a.lang_confidence, a.published, a.source, a.author
                );
                println!("TITLE: {}", a.title);
                for r in &a.removed {
                    println!("  REMOVED {:>3} {:<16} {}", r.line, r.reason, r.text);
                }
                println!("  META {}", serde_json::Value::Object(a.metadata.clone()));
                println!("--- text ---\n{}\n", a.text);
            }
            Item::Rejected(r) => println!("REJECTED {r}"),
            Item::Unchanged { input } => println!("UNCHANGED {input}"),
        });
    }
}
