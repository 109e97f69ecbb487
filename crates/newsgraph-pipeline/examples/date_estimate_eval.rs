//! Publication-date estimation on the whole text vs on its date-bearing
//! part ([`newsgraph_pipeline::date_bearing`]): agreement and CPU cost.
//! `cargo run --release -p newsgraph-pipeline --example date_estimate_eval`
//!
//! Texts: the 183 TimeBank news documents (`../shared/data/timex`, English,
//! many dates), the seed articles (German, Norwegian, after cleaning), and
//! ~3 KB texts assembled from sentences of the NER corpora (German
//! GermEval, Norwegian NorNE, English WikiANN), as in the ingest bench.
#[path = "../../newsgraph-ingest/benches/support/measure.rs"]
mod measure;
use measure::cpu_time;
use std::path::{Path, PathBuf};

fn shared() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared")
}

/// The text of a TimeML document without its tags.
fn timeml_text(xml: &str) -> Option<String> {
    let a = xml.find("<TEXT>")? + 6;
    let b = xml[a..].find("</TEXT>")? + a;
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml[a..b].chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    Some(out)
}

fn ner_texts(file: &Path, lang: &str, max: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for sent in measure::ner_sentences(file) {
        cur.push_str(&sent);
        cur.push(' ');
        if cur.len() > 700 && !cur.ends_with("\n\n") {
            cur.push_str("\n\n");
        }
        if cur.len() >= 3000 {
            out.push((lang.to_string(), std::mem::take(&mut cur)));
            if out.len() >= max {
                break;
            }
        }
    }
    out
}

fn main() {
    let sh = shared();
    let mut sets: Vec<(&str, Vec<(String, String)>)> = Vec::new();
    let mut tb = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(sh.join("data/timex/timebank"))
        .expect("timebank")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files {
        if let Some(t) = std::fs::read_to_string(&f)
            .ok()
            .as_deref()
            .and_then(timeml_text)
        {
            tb.push(("en".to_string(), t));
        }
    }
    sets.push(("TimeBank (en)", tb));
    let mut seeds = Vec::new();
    if let Ok(rd) = std::fs::read_dir(sh.join("corpus/seeds")) {
        for e in rd.flatten() {
            let bytes = std::fs::read(e.path()).unwrap_or_default();
            let opts = newsgraph_ingest::Options::default();
            if let Ok(arts) = newsgraph_ingest::extract_bytes("seed.txt", &bytes, &opts) {
                seeds.extend(arts.into_iter().map(|a| (a.lang, a.text)));
            }
        }
    }
    sets.push(("seeds (cleaned)", seeds));
    let ner = sh.join("data/ner");
    let mut generated = ner_texts(&ner.join("germeval2014-de/train.tsv"), "de", 300);
    generated.extend(ner_texts(&ner.join("norne-nob/train.tsv"), "nb", 300));
    generated.extend(ner_texts(&ner.join("wikiann-en/train.tsv"), "en", 300));
    sets.push(("NER sentences, ~3 KB (de, nb, en)", generated));

    // Compile the grammars outside the measurement.
    for l in ["de", "en", "nb", "nn"] {
        let _ = newsgraph_time::estimate_publication_date("am 14. September 2023", l);
    }
    for (name, set) in &sets {
        let t0 = cpu_time();
        let full: Vec<Option<String>> = set
            .iter()
            .map(|(l, t)| newsgraph_time::estimate_publication_date(t, l))
            .collect();
        let t1 = cpu_time();
        let masked: Vec<Option<String>> = set
            .iter()
            .map(|(l, t)| {
                newsgraph_pipeline::date_bearing(t)
                    .and_then(|b| newsgraph_time::estimate_publication_date(&b, l))
            })
            .collect();
        let t2 = cpu_time();
        let n = set.len().max(1);
        let same = full.iter().zip(&masked).filter(|(a, b)| a == b).count();
        let dated = full.iter().filter(|d| d.is_some()).count();
        println!(
            "{name}: {} texts, {dated} dated; same estimate {same}/{}; whole text {:.0} µs, date-bearing part {:.0} µs CPU per text",
            set.len(),
            set.len(),
            (t1 - t0).as_secs_f64() * 1e6 / n as f64,
            (t2 - t1).as_secs_f64() * 1e6 / n as f64
        );
        for ((a, b), (_, t)) in full
            .iter()
            .zip(&masked)
            .zip(set)
            .filter(|((a, b), _)| a != b)
            .take(5)
        {
            println!(
                "  differs: whole {a:?} vs part {b:?}: {:.100}",
                t.replace('\n', " ")
            );
        }
    }
}
