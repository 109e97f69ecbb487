//! `eval timex`: score the temporal tagger against TimeML or JSONL gold.
use anyhow::Context;
use clap::Args;
use newsgraph_time::eval::{self, GoldDoc, Mismatch, Report};
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// A directory of TimeML `.tml` files, or a JSONL file of annotated sentences.
    pub path: PathBuf,
    /// Write every mismatch (missed, spurious, wrong value) as JSON lines here.
    #[arg(long)]
    pub errors: Option<PathBuf>,
    /// Language of TimeML documents (JSONL lines carry their own).
    #[arg(long, default_value = "en")]
    pub lang: String,
}

fn load(path: &Path, lang: &str) -> anyhow::Result<Vec<GoldDoc>> {
    let mut docs = Vec::new();
    if path.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .with_context(|| format!("reading {}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "tml"))
            .collect();
        files.sort();
        for f in files {
            let id = f
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_default();
            let xml = match std::fs::read_to_string(&f) {
                Ok(x) => x,
                Err(e) => {
                    eprintln!("skipping {}: {e}", f.display());
                    continue;
                }
            };
            match eval::parse_timeml(&id, &xml) {
                Ok(mut d) => {
                    d.lang = lang.to_string();
                    docs.push(d)
                }
                Err(e) => eprintln!("skipping {}: {e}", f.display()),
            }
        }
    } else {
        let src =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        for (i, line) in src.lines().enumerate() {
            if line.trim().is_empty() || line.trim_start().starts_with("//") {
                continue;
            }
            let id = format!("{}:{}", path.display(), i + 1);
            match eval::parse_jsonl_line(&id, line) {
                Ok(d) => docs.push(d),
                Err(e) => eprintln!("skipping line {}: {e}", i + 1),
            }
        }
    }
    if docs.is_empty() {
        anyhow::bail!("no gold documents in {}", path.display());
    }
    Ok(docs)
}

pub fn eval(a: EvalArgs) -> anyhow::Result<i32> {
    let docs = load(&a.path, &a.lang)?;
    let mut errs: Vec<Mismatch> = Vec::new();
    let (counts, secs) = eval::evaluate(&docs, a.errors.as_ref().map(|_| &mut errs));
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let report = Report::new(&counts, docs.len(), secs, bytes);
    if let Some(p) = &a.errors {
        let mut out = String::new();
        for e in &errs {
            out.push_str(&serde_json::to_string(e)?);
            out.push('\n');
        }
        std::fs::write(p, out).with_context(|| format!("writing {}", p.display()))?;
    }
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(0)
}
