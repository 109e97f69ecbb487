//! `train ner`, `tag`, `eval ner`: the entity tagger on token-per-line files
//! (`index<TAB>token<TAB>label`, a blank line between sentences).
use anyhow::Context;
use clap::Args;
use newsgraph_ner::conll::{self, Scorer, Sentence};
use newsgraph_ner::train::{Part, TrainConfig, split_domain_arg, train_domains};
use newsgraph_ner::{Label, Tagger};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Args, Debug)]
pub struct TrainArgs {
    /// Language of the lexicon features (de, nb, en; nn uses the nb tables).
    #[arg(long)]
    pub lang: String,
    /// Training files (token-per-line with gold labels), each `FILE` or
    /// `DOMAIN=FILE`: with two or more domains the model learns shared and
    /// per-domain weights and is told the domain when tagging.
    #[arg(long, required = true, num_args = 1..)]
    pub train: Vec<String>,
    /// Dev files for early stopping (mean F1 over them), `FILE` or
    /// `DOMAIN=FILE` (tagged as that domain).
    #[arg(long, num_args = 1..)]
    pub dev: Vec<String>,
    /// The domain the model tags as unless told otherwise (default: the
    /// first training file's).
    #[arg(long)]
    pub default_domain: Option<String>,
    /// Where to write the model.
    #[arg(long)]
    pub out: PathBuf,
    /// Maximum number of epochs.
    #[arg(long, default_value_t = 20)]
    pub epochs: usize,
    /// Stop after this many epochs without dev improvement.
    #[arg(long, default_value_t = 3)]
    pub patience: usize,
    /// Shuffling seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Keep features seen at least this often in training.
    #[arg(long, default_value_t = 1)]
    pub min_count: u32,
    /// Train this many perceptrons (seeds seed, seed+1, …) and average them.
    #[arg(long, default_value_t = 1)]
    pub ensemble: usize,
    /// Drop feature rows whose largest absolute weight is below this.
    #[arg(long, default_value_t = 0.0)]
    pub prune: f32,
}

#[derive(Args, Debug)]
pub struct TagArgs {
    /// Language of the text (selects the committed model).
    #[arg(long)]
    pub lang: String,
    /// Use this model file instead of the committed one.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Tag the input as text of this domain (one of the model's training
    /// domains; default: the model's default domain, news for de, wiki for en).
    #[arg(long)]
    pub domain: Option<String>,
    /// Token-per-line input (`-` for standard input).
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Language of the text (selects the committed model).
    #[arg(long)]
    pub lang: String,
    /// Use this model file instead of the committed one.
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Tag the input as text of this domain (one of the model's training
    /// domains; default: the model's default domain, news for de, wiki for en).
    #[arg(long)]
    pub domain: Option<String>,
    /// Token-per-line file with gold labels.
    pub file: PathBuf,
}

fn read(path: &Path) -> anyhow::Result<Vec<Sentence>> {
    if path == Path::new("-") {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s).context("reading stdin")?;
        return Ok(conll::parse(&s, "<stdin>")?);
    }
    Ok(conll::read_file(path)?)
}

/// A location-independent name for provenance: the last two path components.
fn short_name(p: &Path) -> String {
    let comps: Vec<_> = p
        .components()
        .rev()
        .take(2)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    comps.into_iter().rev().collect::<Vec<_>>().join("/")
}

fn tagger(lang: &str, model: Option<&Path>, domain: Option<&str>) -> anyhow::Result<Tagger> {
    let t = match model {
        Some(p) => Tagger::from_path(p)?,
        None => Tagger::load(lang)?,
    };
    Ok(match domain {
        Some(d) => t.with_domain(d)?,
        None => t,
    })
}

pub fn train(a: TrainArgs) -> anyhow::Result<i32> {
    let mut sents = Vec::new();
    let mut inputs = Vec::new();
    for arg in &a.train {
        let (domain, p) = split_domain_arg(arg);
        let p = Path::new(p);
        let s = read(p)?;
        inputs.push(
            serde_json::json!({"file": short_name(p), "domain": domain, "sentences": s.len()}),
        );
        sents.push((domain, short_name(p), s));
    }
    let mut devs = Vec::new();
    let mut dev_meta = Vec::new();
    for arg in &a.dev {
        let (domain, p) = split_domain_arg(arg);
        let p = Path::new(p);
        let s = read(p)?;
        dev_meta.push(
            serde_json::json!({"file": short_name(p), "domain": domain, "sentences": s.len()}),
        );
        devs.push((domain, short_name(p), s));
    }
    fn part<'a>((domain, name, s): &'a (&str, String, Vec<Sentence>)) -> Part<'a> {
        Part {
            name: name.as_str(),
            domain,
            sentences: s.as_slice(),
        }
    }
    let train_parts: Vec<Part> = sents.iter().map(part).collect();
    let dev_parts: Vec<Part> = devs.iter().map(part).collect();
    let cfg = TrainConfig {
        lang: a.lang.clone(),
        max_epochs: a.epochs,
        patience: a.patience,
        seed: a.seed,
        min_count: a.min_count,
        ensemble: a.ensemble,
        prune: a.prune,
        default_domain: a.default_domain.clone(),
    };
    let meta = serde_json::json!({"train": inputs, "dev": dev_meta});
    let started = Instant::now();
    let (model, report) = train_domains(&cfg, &train_parts, &dev_parts, meta, |m| {
        eprintln!("train ner: {m}")
    })?;
    let bytes = model.to_bytes()?;
    if let Some(dir) = a.out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    std::fs::write(&a.out, &bytes).with_context(|| format!("writing {}", a.out.display()))?;
    let out = serde_json::json!({
        "out": a.out.display().to_string(),
        "bytes": bytes.len(),
        "features_kept": model.num_features(),
        "domains": model.domains,
        "best_epoch": report.best_epoch,
        "epochs": report.epochs,
        "seconds": started.elapsed().as_secs_f64(),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(0)
}

pub fn tag(a: TagArgs) -> anyhow::Result<i32> {
    let t = tagger(&a.lang, a.model.as_deref(), a.domain.as_deref())?;
    let sents = read(&a.file)?;
    let pred: Vec<Vec<Label>> = sents
        .iter()
        .map(|s| {
            let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
            t.tag(&toks)
        })
        .collect();
    let mut out = String::new();
    conll::write(&sents, &pred, &mut out);
    std::io::stdout()
        .lock()
        .write_all(out.as_bytes())
        .context("writing output")?;
    Ok(0)
}

pub fn eval(a: EvalArgs) -> anyhow::Result<i32> {
    let t = tagger(&a.lang, a.model.as_deref(), a.domain.as_deref())?;
    let sents = read(&a.file)?;
    let toks: Vec<Vec<&str>> = sents
        .iter()
        .map(|s| s.tokens.iter().map(String::as_str).collect())
        .collect();
    let ntok: usize = toks.iter().map(Vec::len).sum();
    let cpu0 = newsgraph_ner::thread_cpu_ns();
    let started = Instant::now();
    let pred: Vec<Vec<Label>> = toks.iter().map(|s| t.tag(s)).collect();
    let secs = started.elapsed().as_secs_f64();
    let cpu_secs = match (cpu0, newsgraph_ner::thread_cpu_ns()) {
        (Some(a), Some(b)) if b > a => Some((b - a) as f64 / 1e9),
        _ => None,
    };
    let mut scorer = Scorer::new();
    for (s, p) in sents.iter().zip(&pred) {
        let gold = s.labels.as_ref().with_context(|| {
            format!(
                "{}: eval needs gold labels in the third column",
                a.file.display()
            )
        })?;
        scorer.add(gold, p);
    }
    let sc = scorer.scores();
    let out = serde_json::json!({
        "lang": a.lang,
        "model_lang": t.lang(),
        "domain": t.domain(),
        "file": a.file.display().to_string(),
        "sentences": sents.len(),
        "tokens": ntok,
        "precision": sc.micro.precision,
        "recall": sc.micro.recall,
        "f1": sc.micro.f1,
        "gold": sc.micro.gold,
        "predicted": sc.micro.predicted,
        "correct": sc.micro.correct,
        "per_type": sc.per_type,
        "seconds": secs,
        "tokens_per_second": if secs > 0.0 { ntok as f64 / secs } else { 0.0 },
        "cpu_seconds": cpu_secs,
        "tokens_per_cpu_second": cpu_secs.map(|c| ntok as f64 / c),
    });
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(0)
}
