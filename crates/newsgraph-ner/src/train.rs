//! Training: an averaged structured perceptron over the hashed features,
//! decoded with the same BIO-constrained Viterbi as tagging. Deterministic:
//! fixed-seed shuffling, integer weight updates, features indexed in order
//! of first occurrence, so the same inputs give the same model bytes.

use crate::NerError;
use crate::conll::{Scorer, Sentence};
use crate::features;
use crate::label::{Label, NUM_LABELS};
use crate::lexicon::Lexicon;
use crate::model::{Model, viterbi};
use serde::Serialize;
use std::collections::HashMap;

const NL: usize = NUM_LABELS;

/// Training settings.
#[derive(Debug, Clone, Serialize)]
pub struct TrainConfig {
    /// Language of the lexicon tables (`de`, `nb`, `en`, …).
    pub lang: String,
    /// Maximum number of passes over the training data.
    pub max_epochs: usize,
    /// Stop after this many epochs without a better dev score.
    pub patience: usize,
    /// Seed of the shuffling.
    pub seed: u64,
    /// Keep only features seen at least this often in the training data.
    pub min_count: u32,
    /// Number of perceptrons trained with different shuffling seeds (`seed`,
    /// `seed + 1`, …), each early-stopped on the dev sets; the model is the
    /// mean of their averaged weights (still one linear model: tagging costs
    /// the same as with one).
    pub ensemble: usize,
    /// Drop feature rows whose largest absolute weight (in perceptron update
    /// units, after averaging) is below this; 0 keeps every nonzero row.
    pub prune: f32,
    /// The domain a model trained on several domains tags as by default
    /// (`None`: the first training part's).
    pub default_domain: Option<String>,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            lang: "en".into(),
            max_epochs: 20,
            patience: 3,
            seed: 42,
            min_count: 1,
            ensemble: 1,
            prune: 0.0,
            default_domain: None,
        }
    }
}

/// Dev scores after one epoch.
#[derive(Debug, Clone, Serialize)]
pub struct EpochReport {
    /// Epoch number, from 1.
    pub epoch: usize,
    /// Token-level errors of the (non-averaged) perceptron on the training data.
    pub train_errors: usize,
    /// F1 per dev set, in the order given.
    pub dev_f1: Vec<f64>,
    /// Mean of `dev_f1` (the early-stopping criterion).
    pub dev_mean: f64,
}

/// What training did.
#[derive(Debug, Clone, Serialize)]
pub struct TrainReport {
    /// Settings used.
    pub config: TrainConfig,
    /// Training sentences and tokens.
    pub sentences: usize,
    /// Training tokens.
    pub tokens: usize,
    /// Distinct features kept for training.
    pub features: usize,
    /// Per-epoch figures.
    pub epochs: Vec<EpochReport>,
    /// The epoch whose averaged weights were kept (of the first member
    /// when `ensemble` > 1).
    pub best_epoch: usize,
    /// Best epoch of each ensemble member.
    pub best_epochs: Vec<usize>,
}

/// Best epoch so far: mean dev F1, epoch, averaged weights, start, transitions.
type Best = (f64, usize, Vec<f32>, [f32; NL], [f32; NL * NL]);

struct Encoded {
    feats: Vec<u32>,
    offsets: Vec<usize>,
    labels: Vec<u8>,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}

/// The training keys of a sentence per token: every feature key (high 32
/// bits 0: the row shared by all domains) and, for the keys of templates
/// learnt per domain, the key again with `domain` in the high bits
/// (`domain` is 1 + the domain's index, 0 when the model has no domains).
fn keys_of(lex: &Lexicon, s: &Sentence, domain: u64) -> (Vec<u64>, Vec<usize>) {
    let toks: Vec<&str> = s.tokens.iter().map(String::as_str).collect();
    let mut f = Vec::new();
    let mut o = Vec::new();
    let mut m = Vec::new();
    features::extract_marked(lex, &toks, &mut f, &mut o, &mut m);
    if domain == 0 {
        return (f.into_iter().map(u64::from).collect(), o);
    }
    let mut keys = Vec::with_capacity(f.len() * 2);
    let mut offsets = Vec::with_capacity(o.len());
    for w in o.windows(2) {
        offsets.push(keys.len());
        for (&k, &marked) in f[w[0]..w[1]].iter().zip(&m[w[0]..w[1]]) {
            keys.push(k as u64);
            if marked {
                keys.push((domain << 32) | k as u64);
            }
        }
    }
    offsets.push(keys.len());
    (keys, offsets)
}

/// Labelled sentences of one domain, for [`train_domains`].
#[derive(Debug, Clone, Copy)]
pub struct Part<'a> {
    /// Name in progress lines and reports (a dev file's name).
    pub name: &'a str,
    /// The domain the sentences come from (`news`, `wiki`…).
    pub domain: &'a str,
    /// The sentences.
    pub sentences: &'a [Sentence],
}

fn encode(
    lex: &Lexicon,
    sents: &[Sentence],
    domain: u64,
    index: &HashMap<u64, u32>,
    name: &str,
) -> Result<Vec<Encoded>, NerError> {
    let mut out = Vec::with_capacity(sents.len());
    for s in sents {
        let labels = s.labels.as_ref().ok_or_else(|| NerError::Format {
            input: name.to_string(),
            line: 0,
            message: "training and dev files need a label column".into(),
        })?;
        let (keys, offs) = keys_of(lex, s, domain);
        let mut feats = Vec::with_capacity(keys.len());
        let mut offsets = Vec::with_capacity(offs.len());
        for w in offs.windows(2) {
            offsets.push(feats.len());
            feats.extend(
                keys[w[0]..w[1]]
                    .iter()
                    .filter_map(|k| index.get(k).copied()),
            );
        }
        offsets.push(feats.len());
        out.push(Encoded {
            feats,
            offsets,
            labels: labels.iter().map(|l| l.index() as u8).collect(),
        });
    }
    Ok(out)
}

fn emissions_i32(w: &[i32], e: &Encoded, out: &mut Vec<f32>) {
    out.clear();
    for t in e.offsets.windows(2) {
        let mut acc = [0i32; NL];
        for &f in &e.feats[t[0]..t[1]] {
            let row = &w[f as usize * NL..f as usize * NL + NL];
            for l in 0..NL {
                acc[l] += row[l];
            }
        }
        out.extend(acc.iter().map(|&a| a as f32));
    }
}

fn emissions_f32(w: &[f32], e: &Encoded, out: &mut Vec<f32>) {
    out.clear();
    for t in e.offsets.windows(2) {
        let mut acc = [0f32; NL];
        for &f in &e.feats[t[0]..t[1]] {
            let row = &w[f as usize * NL..f as usize * NL + NL];
            for l in 0..NL {
                acc[l] += row[l];
            }
        }
        out.extend_from_slice(&acc);
    }
}

fn evaluate(w: &[f32], start: &[f32; NL], trans: &[f32; NL * NL], dev: &[Encoded]) -> f64 {
    let mut scorer = Scorer::new();
    let mut emit = Vec::new();
    for e in dev {
        emissions_f32(w, e, &mut emit);
        let pred: Vec<Label> = viterbi(&emit, start, trans)
            .into_iter()
            .map(Label::from_index)
            .collect();
        let gold: Vec<Label> = e
            .labels
            .iter()
            .map(|&l| Label::from_index(l as usize))
            .collect();
        scorer.add(&gold, &pred);
    }
    scorer.scores().micro.f1
}

fn averaged(w: &[i32], u: &[i64], c: i64) -> Vec<f32> {
    w.iter()
        .zip(u)
        .map(|(&w, &u)| (w as f64 - u as f64 / c as f64) as f32)
        .collect()
}

/// Trains a model on `train`; `dev` sets (name, sentences) drive early
/// stopping on their mean F1 (without dev sets, all `max_epochs` run).
/// `meta` is stored in the model as provenance. `log` receives progress lines.
pub fn train(
    cfg: &TrainConfig,
    train: &[Sentence],
    dev: &[(String, Vec<Sentence>)],
    meta: serde_json::Value,
    log: impl FnMut(&str),
) -> Result<(Model, TrainReport), NerError> {
    let parts = [Part {
        name: "training data",
        domain: "",
        sentences: train,
    }];
    let devs: Vec<Part> = dev
        .iter()
        .map(|(name, s)| Part {
            name,
            domain: "",
            sentences: s,
        })
        .collect();
    train_domains(cfg, &parts, &devs, meta, log)
}

/// Like [`train`], with sentences from several domains. When the training
/// parts name two or more domains, every feature is also emitted conjoined
/// with its sentence's domain (Daumé 2007), the model records the domains
/// (the default first: `cfg.default_domain` or the first part's) and each
/// dev part is tagged as its own domain.
pub fn train_domains(
    cfg: &TrainConfig,
    parts: &[Part],
    dev: &[Part],
    meta: serde_json::Value,
    mut log: impl FnMut(&str),
) -> Result<(Model, TrainReport), NerError> {
    let lex = Lexicon::get(&cfg.lang);
    let mut domains: Vec<String> = Vec::new();
    if let Some(d) = &cfg.default_domain {
        domains.push(d.clone());
    }
    for p in parts {
        if !domains.iter().any(|d| d == p.domain) {
            domains.push(p.domain.to_string());
        }
    }
    if cfg
        .default_domain
        .as_ref()
        .is_some_and(|d| !parts.iter().any(|p| p.domain == d))
    {
        return Err(NerError::Format {
            input: "training data".into(),
            line: 0,
            message: format!("no training part of the default domain {:?}", domains[0]),
        });
    }
    if domains.len() < 2 {
        domains.clear();
    }
    let salt = |name: &str, d: &str| -> Result<u64, NerError> {
        if domains.is_empty() {
            Ok(0)
        } else if let Some(j) = domains.iter().position(|x| x == d) {
            Ok(j as u64 + 1)
        } else {
            Err(NerError::Format {
                input: name.to_string(),
                line: 0,
                message: format!(
                    "domain {d:?} is not among the training domains ({})",
                    domains.join(", ")
                ),
            })
        }
    };
    let mut train: Vec<(u64, &Sentence)> = Vec::new();
    for p in parts {
        let d = salt(p.name, p.domain)?;
        train.extend(p.sentences.iter().map(|s| (d, s)));
    }
    if train.is_empty() {
        return Err(NerError::Format {
            input: "training data".into(),
            line: 0,
            message: "no sentences".into(),
        });
    }
    // Feature index: keys seen at least `min_count` times, in order of first occurrence.
    let mut counts: HashMap<u64, u32> = HashMap::new();
    let mut first_seen: Vec<u64> = Vec::new();
    let mut tokens = 0;
    for &(d, s) in &train {
        let (keys, _) = keys_of(lex, s, d);
        tokens += s.tokens.len();
        for k in keys {
            let c = counts.entry(k).or_insert(0);
            if *c == 0 {
                first_seen.push(k);
            }
            *c += 1;
        }
    }
    let mut index: HashMap<u64, u32> = HashMap::new();
    let mut keys: Vec<u64> = Vec::new();
    for k in first_seen {
        if counts.get(&k).copied().unwrap_or(0) >= cfg.min_count {
            index.insert(k, keys.len() as u32);
            keys.push(k);
        }
    }
    drop(counts);
    let nf = keys.len();
    log(&format!(
        "{} sentences, {} tokens, {} features (min count {})",
        train.len(),
        tokens,
        nf,
        cfg.min_count
    ));
    let mut data = Vec::with_capacity(train.len());
    for p in parts {
        data.extend(encode(
            lex,
            p.sentences,
            salt(p.name, p.domain)?,
            &index,
            p.name,
        )?);
    }
    let mut devs = Vec::new();
    for p in dev {
        devs.push((
            p.name.to_string(),
            encode(lex, p.sentences, salt(p.name, p.domain)?, &index, p.name)?,
        ));
    }
    drop(index);

    let members = cfg.ensemble.max(1);
    let mut sum_w = vec![0f32; nf * NL];
    let mut sum_start = [0f32; NL];
    let mut sum_trans = [0f32; NL * NL];
    let mut all_epochs = Vec::new();
    let mut best_epochs = Vec::new();
    for member in 0..members {
        let mut w = vec![0i32; nf * NL];
        let mut u = vec![0i64; nf * NL];
        let mut tw = [0i32; NL * NL];
        let mut tu = [0i64; NL * NL];
        let mut sw = [0i32; NL];
        let mut su = [0i64; NL];
        let mut c: i64 = 1;
        let mut order: Vec<usize> = (0..data.len()).collect();
        let mut rng = Rng(cfg.seed.wrapping_add(member as u64));
        let mut emit = Vec::new();
        let mut epochs = Vec::new();
        let mut best: Option<Best> = None;
        let mut since_best = 0;
        for epoch in 1..=cfg.max_epochs.max(1) {
            rng.shuffle(&mut order);
            let mut errors = 0;
            for &si in &order {
                let e = &data[si];
                let start_f: [f32; NL] = std::array::from_fn(|l| sw[l] as f32);
                let trans_f: [f32; NL * NL] = std::array::from_fn(|l| tw[l] as f32);
                emissions_i32(&w, e, &mut emit);
                let pred = viterbi(&emit, &start_f, &trans_f);
                let gold = &e.labels;
                if pred.iter().zip(gold).any(|(&p, &g)| p != g as usize) {
                    for (i, (&p, &g)) in pred.iter().zip(gold).enumerate() {
                        let g = g as usize;
                        if p != g {
                            errors += 1;
                            for &f in &e.feats[e.offsets[i]..e.offsets[i + 1]] {
                                let base = f as usize * NL;
                                w[base + g] += 1;
                                u[base + g] += c;
                                w[base + p] -= 1;
                                u[base + p] -= c;
                            }
                        }
                        if i == 0 {
                            if p != g {
                                sw[g] += 1;
                                su[g] += c;
                                sw[p] -= 1;
                                su[p] -= c;
                            }
                        } else {
                            let (gp, pp) = (gold[i - 1] as usize, pred[i - 1]);
                            if gp != pp || g != p {
                                tw[gp * NL + g] += 1;
                                tu[gp * NL + g] += c;
                                tw[pp * NL + p] -= 1;
                                tu[pp * NL + p] -= c;
                            }
                        }
                    }
                }
                c += 1;
            }
            let aw = averaged(&w, &u, c);
            let astart: [f32; NL] =
                std::array::from_fn(|l| (sw[l] as f64 - su[l] as f64 / c as f64) as f32);
            let atrans: [f32; NL * NL] =
                std::array::from_fn(|l| (tw[l] as f64 - tu[l] as f64 / c as f64) as f32);
            let dev_f1: Vec<f64> = devs
                .iter()
                .map(|(_, d)| evaluate(&aw, &astart, &atrans, d))
                .collect();
            let dev_mean = if dev_f1.is_empty() {
                epoch as f64 // no dev: the last epoch is the best
            } else {
                dev_f1.iter().sum::<f64>() / dev_f1.len() as f64
            };
            log(&format!(
                "member {member} epoch {epoch}: {errors} training token errors, dev F1 {}",
                dev_f1
                    .iter()
                    .zip(&devs)
                    .map(|(f, (n, _))| format!("{n}={f:.4}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            ));
            epochs.push(EpochReport {
                epoch,
                train_errors: errors,
                dev_f1,
                dev_mean,
            });
            if best.as_ref().is_none_or(|b| dev_mean > b.0) {
                best = Some((dev_mean, epoch, aw, astart, atrans));
                since_best = 0;
            } else {
                since_best += 1;
                if since_best >= cfg.patience {
                    break;
                }
            }
            if errors == 0 {
                break;
            }
        }
        let (_, best_epoch, aw, astart, atrans) =
            best.ok_or_else(|| NerError::Model("no epoch ran".into()))?;
        for (s, w) in sum_w.iter_mut().zip(&aw) {
            *s += w / members as f32;
        }
        for l in 0..NL {
            sum_start[l] += astart[l] / members as f32;
        }
        for l in 0..NL * NL {
            sum_trans[l] += atrans[l] / members as f32;
        }
        best_epochs.push(best_epoch);
        all_epochs.extend(epochs);
    }
    let (mut aw, astart, atrans, epochs) = (sum_w, sum_start, sum_trans, all_epochs);
    if cfg.prune > 0.0 {
        for row in aw.chunks_mut(NL) {
            if row.iter().all(|w| w.abs() < cfg.prune) {
                row.fill(0.0);
            }
        }
    }
    let best_epoch = best_epochs[0];
    let report = TrainReport {
        config: cfg.clone(),
        sentences: train.len(),
        tokens,
        features: nf,
        epochs,
        best_epoch,
        best_epochs,
    };
    let meta = serde_json::json!({ "inputs": meta, "report": report });
    let model = Model::from_weights(
        &cfg.lang,
        meta.to_string(),
        domains,
        lex.fingerprint,
        &keys,
        &aw,
        astart,
        atrans,
    );
    Ok((model, report))
}

/// Splits a `DOMAIN=FILE` command-line argument into its domain and file;
/// a plain `FILE` (or one whose `=` comes after a `/`) has domain `""`.
pub fn split_domain_arg(arg: &str) -> (&str, &str) {
    match arg.split_once('=') {
        Some((d, f)) if !d.is_empty() && !d.contains(['/', '\\']) => (d, f),
        _ => ("", arg),
    }
}
