//! `ingest`, `articles`, `article`, `extract`.
use crate::Ctx;
use clap::Args;

#[derive(Args, Debug)]
pub struct IngestArgs {
    /// Files, directories, globs, URLs, OPML lists, or `-` for JSONL on stdin.
    #[arg(required = true)]
    pub inputs: Vec<String>,
    /// For feed items, fetch the linked page instead of using the item content.
    #[arg(long)]
    pub follow_links: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// MinHash Jaccard threshold above which an article is linked as a near-duplicate.
    #[arg(long, default_value_t = 0.8)]
    pub near_dup_threshold: f64,
}

#[derive(Args, Debug)]
pub struct ArticlesArgs {
    #[arg(long)]
    pub lang: Option<String>,
    #[arg(long)]
    pub limit: Option<usize>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ArticleArgs {
    pub id: i64,
    /// Also show the text before cleaning and the removed lines with reasons.
    #[arg(long)]
    pub raw: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ExtractArgs {
    #[arg(required = true)]
    pub files: Vec<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn ingest(_ctx: &Ctx, _a: IngestArgs) -> anyhow::Result<i32> {
    anyhow::bail!("ingest: not built yet")
}
pub fn articles(_ctx: &Ctx, _a: ArticlesArgs) -> anyhow::Result<i32> {
    anyhow::bail!("articles: not built yet")
}
pub fn article(_ctx: &Ctx, _a: ArticleArgs) -> anyhow::Result<i32> {
    anyhow::bail!("article: not built yet")
}
pub fn extract(_a: ExtractArgs) -> anyhow::Result<i32> {
    anyhow::bail!("extract: not built yet")
}
