//! `train ner`, `tag`, `eval ner`.
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct TrainArgs {
    #[arg(long)]
    pub lang: String,
    #[arg(long, required = true, num_args = 1..)]
    pub train: Vec<PathBuf>,
    #[arg(long)]
    pub dev: Option<PathBuf>,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args, Debug)]
pub struct TagArgs {
    #[arg(long)]
    pub lang: String,
    pub file: PathBuf,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    #[arg(long)]
    pub lang: String,
    pub file: PathBuf,
}

pub fn train(_a: TrainArgs) -> anyhow::Result<i32> {
    anyhow::bail!("train ner: not built yet")
}
pub fn tag(_a: TagArgs) -> anyhow::Result<i32> {
    anyhow::bail!("tag: not built yet")
}
pub fn eval(_a: EvalArgs) -> anyhow::Result<i32> {
    anyhow::bail!("eval ner: not built yet")
}
