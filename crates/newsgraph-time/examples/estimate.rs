//! Print the estimated publication date of each file given:
//! `cargo run -p newsgraph-time --example estimate -- LANG FILE...`.
fn main() {
    let mut args = std::env::args().skip(1);
    let lang = args.next().unwrap_or_else(|| "de".into());
    for f in args {
        let t = std::fs::read_to_string(&f).unwrap_or_default();
        println!(
            "{f}\t{:?}",
            newsgraph_time::estimate_publication_date(&t, &lang)
        );
    }
}
