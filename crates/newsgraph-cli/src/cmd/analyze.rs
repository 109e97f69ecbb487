//! `analyze`, `entities`, `entity`, `reanalyze`.
use crate::Ctx;
use clap::Args;

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Language code; detected when absent.
    #[arg(long)]
    pub lang: Option<String>,
    /// Document creation time (YYYY-MM-DD) for resolving relative dates.
    #[arg(long)]
    pub dct: Option<String>,
    /// A text file, or `-` (default) for stdin.
    #[arg(default_value = "-")]
    pub file: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct EntitiesArgs {
    /// PER, ORG, LOC or MISC.
    #[arg(long = "type")]
    pub typ: Option<String>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct EntityArgs {
    /// Entity id or a name (any variant).
    pub id_or_name: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ReanalyzeArgs {
    #[arg(long)]
    pub json: bool,
}

pub fn analyze(_ctx: &Ctx, _a: AnalyzeArgs) -> anyhow::Result<i32> {
    anyhow::bail!("analyze: not built yet")
}
pub fn entities(_ctx: &Ctx, _a: EntitiesArgs) -> anyhow::Result<i32> {
    anyhow::bail!("entities: not built yet")
}
pub fn entity(_ctx: &Ctx, _a: EntityArgs) -> anyhow::Result<i32> {
    anyhow::bail!("entity: not built yet")
}
pub fn reanalyze(_ctx: &Ctx, _a: ReanalyzeArgs) -> anyhow::Result<i32> {
    anyhow::bail!("reanalyze: not built yet")
}
