//! `eval timex`.
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// A directory of TimeML `.tml` files, or a JSONL file of annotated sentences.
    pub path: PathBuf,
}

pub fn eval(_a: EvalArgs) -> anyhow::Result<i32> {
    anyhow::bail!("eval timex: not built yet")
}
