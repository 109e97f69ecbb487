//! Print the timexes of a text read from standard input:
//! `echo "text" | cargo run -p newsgraph-time --example tag -- LANG [DCT]`.
use std::io::Read;

fn main() {
    let mut args = std::env::args().skip(1);
    let lang = args.next().unwrap_or_else(|| "en".into());
    let dct = args.next();
    let mut text = String::new();
    if std::io::stdin().read_to_string(&mut text).is_err() {
        eprintln!("stdin is not UTF-8 text");
        std::process::exit(2);
    }
    for t in newsgraph_time::annotate(&text, &lang, dct.as_deref(), &[]) {
        println!(
            "{}..{}\t{:?}\t{:?}\t{}\t{}",
            t.start,
            t.end,
            t.text,
            t.typ,
            t.value,
            t.modifier.unwrap_or_default()
        );
    }
}
