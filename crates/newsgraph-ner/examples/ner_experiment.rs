//! Quick training experiment without the CLI: trains on the given files,
//! early-stops on the dev files, prints per-dev-file F1 of the best epoch and
//! optionally writes the model and the dev predictions.
//!
//! `cargo run --release -p newsgraph-ner --example ner_experiment -- \
//!    LANG --train [DOMAIN=]A.tsv… --dev [DOMAIN=]D.tsv… [--out M.bin] [--pred DIR] [--epochs N]
//!    [--ensemble N] [--prune X] [--default-domain D]`
//! or `… LANG --eval M.bin --dev [DOMAIN=]D.tsv…` (each dev file tagged as its
//! domain, the model's default without one).
use newsgraph_ner::conll::{self, Scorer};
use newsgraph_ner::train::{Part, TrainConfig, split_domain_arg, train_domains};
use newsgraph_ner::{Label, Tagger};
use std::path::Path;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let lang = args.first().ok_or("usage: LANG --train … --dev …")?.clone();
    let (mut trains, mut devs, mut out, mut pred, mut epochs) =
        (Vec::new(), Vec::new(), None, None, 20usize);
    let mut ensemble = 1usize;
    let mut eval_model: Option<String> = None;
    let mut prune = 0.0f32;
    let mut default_domain: Option<String> = None;
    let mut mode = "";
    for a in &args[1..] {
        match a.as_str() {
            "--train" | "--dev" | "--out" | "--pred" | "--epochs" | "--ensemble" | "--prune"
            | "--eval" | "--default-domain" => mode = a.as_str(),
            _ => match mode {
                "--train" => trains.push(a.clone()),
                "--dev" => devs.push(a.clone()),
                "--out" => out = Some(a.clone()),
                "--pred" => pred = Some(a.clone()),
                "--epochs" => epochs = a.parse()?,
                "--ensemble" => ensemble = a.parse()?,
                "--prune" => prune = a.parse()?,
                "--eval" => eval_model = Some(a.clone()),
                "--default-domain" => default_domain = Some(a.clone()),
                _ => return Err(format!("unexpected {a}").into()),
            },
        }
    }
    if let Some(m) = &eval_model {
        // Evaluation only: F1 and tokens per CPU-second of a model file.
        let model_tagger = Tagger::from_path(Path::new(m))?;
        for d in &devs {
            let (domain, d) = split_domain_arg(d);
            let tagger = if domain.is_empty() {
                model_tagger.clone()
            } else {
                model_tagger.with_domain(domain)?
            };
            let ds = conll::read_file(Path::new(d))?;
            let toks: Vec<Vec<&str>> = ds
                .iter()
                .map(|s| s.tokens.iter().map(String::as_str).collect())
                .collect();
            let n: usize = toks.iter().map(Vec::len).sum();
            let c0 = newsgraph_ner::thread_cpu_ns().unwrap_or(0);
            let preds: Vec<Vec<Label>> = toks.iter().map(|t| tagger.tag(t)).collect();
            let cpu = (newsgraph_ner::thread_cpu_ns().unwrap_or(0) - c0) as f64 / 1e9;
            let mut sc = Scorer::new();
            for (s, p) in ds.iter().zip(&preds) {
                if let Some(g) = &s.labels {
                    sc.add(g, p);
                }
            }
            if let Some(dir) = &pred {
                write_preds(dir, d, &ds, &preds)?;
            }
            println!(
                "EVAL {lang} {d}: {} tokens {n} tokens/cpu-s {:.0}",
                summary(&sc.scores()),
                n as f64 / cpu
            );
        }
        return Ok(());
    }
    let mut sents = Vec::new();
    for t in &trains {
        let (domain, f) = split_domain_arg(t);
        sents.push((domain, f, conll::read_file(Path::new(f))?));
    }
    let mut dev = Vec::new();
    for d in &devs {
        let (domain, f) = split_domain_arg(d);
        dev.push((domain, f, conll::read_file(Path::new(f))?));
    }
    let parts: Vec<Part> = sents
        .iter()
        .map(|(domain, name, s)| Part {
            name,
            domain,
            sentences: s,
        })
        .collect();
    let dev_parts: Vec<Part> = dev
        .iter()
        .map(|(domain, name, s)| Part {
            name,
            domain,
            sentences: s,
        })
        .collect();
    let cfg = TrainConfig {
        lang: lang.clone(),
        max_epochs: epochs,
        ensemble,
        prune,
        default_domain,
        ..TrainConfig::default()
    };
    let t0 = std::time::Instant::now();
    let (model, report) = train_domains(&cfg, &parts, &dev_parts, serde_json::json!({}), |m| {
        eprintln!("{m}")
    })?;
    eprintln!(
        "trained in {:.1}s, best epoch {}",
        t0.elapsed().as_secs_f64(),
        report.best_epoch
    );
    let bytes = model.to_bytes()?;
    eprintln!(
        "model: {} rows, {} bytes",
        model.num_features(),
        bytes.len()
    );
    if let Some(o) = &out {
        std::fs::write(o, &bytes)?;
    }
    let model_tagger = Tagger::from_model(model)?;
    for (domain, name, ds) in &dev {
        let tagger = if domain.is_empty() || model_tagger.domains().is_empty() {
            model_tagger.clone()
        } else {
            model_tagger.with_domain(domain)?
        };
        let mut sc = Scorer::new();
        let mut preds: Vec<Vec<Label>> = Vec::new();
        for s in ds {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            let p = tagger.tag(&toks);
            if let Some(g) = &s.labels {
                sc.add(g, &p);
            }
            preds.push(p);
        }
        println!("RESULT {lang} {name}: {}", summary(&sc.scores()));
        if let Some(dir) = &pred {
            write_preds(dir, name, ds, &preds)?;
        }
    }
    Ok(())
}

/// `dir-file` of a dev file path, the name its predictions are written under.
/// "P … R … F1 … [TYPE=f1 …]" of a scorer's result.
fn summary(r: &conll::Scores) -> String {
    let per: Vec<String> = r
        .per_type
        .iter()
        .map(|(k, v)| format!("{k}={:.3}", v.f1))
        .collect();
    format!(
        "P {:.4} R {:.4} F1 {:.4} [{}]",
        r.micro.precision,
        r.micro.recall,
        r.micro.f1,
        per.join(" ")
    )
}

/// Writes the predictions for the dev file `name` into `dir` (CoNLL format).
fn write_preds(
    dir: &str,
    name: &str,
    ds: &[conll::Sentence],
    preds: &[Vec<Label>],
) -> std::io::Result<()> {
    let mut s = String::new();
    conll::write(ds, preds, &mut s);
    std::fs::write(Path::new(dir).join(pred_name(name)), s)
}

fn pred_name(path: &str) -> String {
    let p = Path::new(path);
    let part = |o: Option<&std::ffi::OsStr>| o.map(|f| f.to_string_lossy().into_owned());
    let base = part(p.parent().and_then(|p| p.file_name())).unwrap_or_default();
    let file = part(p.file_name()).unwrap_or_default();
    format!("{base}-{file}")
}
