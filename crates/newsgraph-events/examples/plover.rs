//! Score the extractor on a PLOVER gold file without the CLI:
//! `cargo run -p newsgraph-events --example plover -- FILE.json [--errors]`.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: plover FILE.json [--errors]");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let gold = match newsgraph_events::eval::read_gold(&text) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    };
    let pred = newsgraph_events::eval::predict(&gold, "en");
    if args.iter().any(|a| a == "--errors") {
        for (g, p) in gold.iter().zip(pred.iter()) {
            let ok_t = p.event.as_deref() == Some(g.event.as_str());
            let ms = newsgraph_events::eval::matches(&p.source, &g.source, 0.5);
            let mt = newsgraph_events::eval::matches(&p.target, &g.target, 0.5);
            let ok_a = ms == g.source.len().max(p.source.len())
                && mt == g.target.len().max(p.target.len());
            if !ok_t || !ok_a {
                println!(
                    "{} {}\n  gold {} {:?} -> {:?}\n  pred {:?} {:?} -> {:?}",
                    if ok_t { "  " } else { "T!" },
                    g.text,
                    g.event,
                    g.source,
                    g.target,
                    p.event,
                    p.source,
                    p.target
                );
            }
        }
    }
    let s = newsgraph_events::eval::score(&gold, &pred);
    println!("{}", serde_json::to_string_pretty(&s).unwrap_or_default());
}
