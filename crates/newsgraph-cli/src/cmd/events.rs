//! `eval events`: PLOVER gold-standard scoring of the event extractor.
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// PLOVER gold-standard JSON (an array of records with `text`, `event`,
    /// `source`, `target`), e.g. `plover-gsr-dev.json`.
    pub path: PathBuf,
    /// Language of the sentences.
    #[arg(long, default_value = "en")]
    pub lang: String,
    /// Also print every record the extractor got wrong (type or actors).
    #[arg(long)]
    pub errors: bool,
}

pub fn eval(a: EvalArgs) -> anyhow::Result<i32> {
    use anyhow::Context;
    let text = std::fs::read_to_string(&a.path)
        .with_context(|| format!("reading {}", a.path.display()))?;
    let gold = newsgraph_events::eval::read_gold(&text)
        .with_context(|| format!("parsing {}", a.path.display()))?;
    let pred = newsgraph_events::eval::predict(&gold, &a.lang);
    let scores = newsgraph_events::eval::score(&gold, &pred);
    let mut out = serde_json::json!({
        "file": a.path.display().to_string(),
        "matching": "actor match = Dice of content tokens >= 0.5, one-to-one; strict = identical content tokens",
        "scores": scores,
    });
    if a.errors {
        let errs: Vec<serde_json::Value> = gold
            .iter()
            .zip(pred.iter())
            .filter(|(g, p)| {
                p.event.as_deref() != Some(g.event.as_str())
                    || newsgraph_events::eval::matches(&p.source, &g.source, 0.5) < g.source.len().max(p.source.len())
                    || newsgraph_events::eval::matches(&p.target, &g.target, 0.5) < g.target.len().max(p.target.len())
            })
            .map(|(g, p)| serde_json::json!({"id": g.id, "text": g.text, "gold": {"event": g.event, "source": g.source, "target": g.target}, "pred": p}))
            .collect();
        out["errors"] = serde_json::Value::Array(errs);
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(0)
}
