//! Score the tagger without the full CLI (same logic as `newsgraph eval timex`):
//! `cargo run --release -p newsgraph-time --example eval -- PATH [ERRORS.jsonl]`.
use newsgraph_time::eval::{self, Report};

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: eval PATH [ERRORS.jsonl]");
        std::process::exit(2);
    };
    let errors_out = args.next();
    let p = std::path::Path::new(&path);
    let mut docs = Vec::new();
    if p.is_dir() {
        let mut files: Vec<_> = std::fs::read_dir(p)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        files.retain(|f: &std::path::PathBuf| f.extension().is_some_and(|x| x == "tml"));
        files.sort();
        for f in files {
            let id = f
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            match std::fs::read_to_string(&f).map(|x| eval::parse_timeml(&id, &x)) {
                Ok(Ok(d)) => docs.push(d),
                Ok(Err(e)) => eprintln!("{e}"),
                Err(e) => eprintln!("{}: {e}", f.display()),
            }
        }
    } else {
        let src = std::fs::read_to_string(p).unwrap_or_default();
        for (i, l) in src.lines().enumerate() {
            if l.trim().is_empty() {
                continue;
            }
            match eval::parse_jsonl_line(&format!("{path}:{}", i + 1), l) {
                Ok(d) => docs.push(d),
                Err(e) => eprintln!("{e}"),
            }
        }
    }
    let mut errs = Vec::new();
    let (c, secs) = eval::evaluate(&docs, Some(&mut errs));
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let r = Report::new(&c, docs.len(), secs, bytes);
    println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default());
    if let Some(o) = errors_out {
        let s: String = errs
            .iter()
            .filter_map(|e| serde_json::to_string(e).ok())
            .map(|l| l + "\n")
            .collect();
        let _ = std::fs::write(o, s);
    }
}
