//! The `newsgraph` binary: the command-line edge of the pipeline.
//!
//! Each group of subcommands lives in its own module under `cmd/`, owns its
//! argument struct, and calls into the library crates; this file only wires
//! them together. Errors are `anyhow` here and nowhere else.

use clap::{Parser, Subcommand};
use std::path::PathBuf;

mod cmd;

/// newsgraph: news articles in, stories, entities, events and timelines out.
#[derive(Parser, Debug)]
#[command(name = "newsgraph", version, about, long_about = None)]
struct Cli {
    /// The store: a SQLite file path (default `newsgraph.db` in the current
    /// directory) or, where supported, a `postgres://` URL.
    #[arg(
        long,
        global = true,
        env = "NEWSGRAPH_DB",
        default_value = "newsgraph.db"
    )]
    db: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read inputs (files, directories, globs, JSONL, HTML, feeds, OPML, WARC, URLs, `-`) into the store.
    Ingest(cmd::ingest::IngestArgs),
    /// List stored articles.
    Articles(cmd::ingest::ArticlesArgs),
    /// Show one stored article.
    Article(cmd::ingest::ArticleArgs),
    /// Extract articles from files without a store; one JSON object per line.
    Extract(cmd::ingest::ExtractArgs),
    /// Analyse one text: sentences, entities, time expressions, events, quotes.
    Analyze(cmd::analyze::AnalyzeArgs),
    /// List canonical entities.
    Entities(cmd::analyze::EntitiesArgs),
    /// Show one entity with its mentions in context.
    Entity(cmd::analyze::EntityArgs),
    /// Re-run the analysis of every stored article (after a model change).
    Reanalyze(cmd::analyze::ReanalyzeArgs),
    /// Tag a token-per-line file with the trained entity tagger.
    Tag(cmd::ner::TagArgs),
    /// Score article pairs (JSONL on stdin) for "same event?", in [0, 1].
    Similarity(cmd::similarity::SimilarityArgs),
    /// List event clusters (stories).
    Stories(cmd::stories::StoriesArgs),
    /// List storylines (event clusters that belong together over weeks).
    Storylines(cmd::stories::StorylinesArgs),
    /// Show one story: members, timeline, entities, and with --why what tied each article in.
    Story(cmd::stories::StoryArgs),
    /// Re-cluster every stored article into stories and storylines.
    Recluster(cmd::stories::ReclusterArgs),
    /// List events merged across articles: who did what to whom, when, where, reported by which articles.
    Events(cmd::events::EventsArgs),
    /// Export data (events: one row per merged event, GDELT-like columns).
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
    /// Worker mode (PostgreSQL): analyse queued articles in parallel; one elected assigner keeps stories in order.
    Worker(cmd::worker::WorkerArgs),
    /// Poll feeds (OPML lists, URLs) as a service: conditional GET, backoff for failing feeds, no duplicates.
    Watch(cmd::watch::WatchArgs),
    /// Run a benchmark; prints JSON.
    Bench {
        #[command(subcommand)]
        what: BenchCommand,
    },
    /// Full-text search over the stored articles (tantivy index next to the store).
    Search(cmd::search::SearchArgs),
    /// Rebuild the search index from the store.
    Reindex(cmd::search::ReindexArgs),
    /// Serve the JSON API and the web UI (loopback by default).
    Serve(cmd::serve::ServeArgs),
    /// Train a model.
    Train {
        #[command(subcommand)]
        what: TrainCommand,
    },
    /// Evaluate a component against gold data; prints JSON.
    Eval {
        #[command(subcommand)]
        what: EvalCommand,
    },
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// Streaming story clustering on 200,000 recombined articles: BCubed, articles/s, memory.
    Stories(cmd::stories::BenchArgs),
}

#[derive(Subcommand, Debug)]
enum ExportCommand {
    /// Merged events as CSV or JSON Lines: date, actors, PLOVER type, CAMEO codes, place, source URLs, sentence.
    Events(cmd::events::ExportArgs),
}

#[derive(Subcommand, Debug)]
enum TrainCommand {
    /// Train the entity tagger for one language.
    Ner(cmd::ner::TrainArgs),
    /// Fit the pairwise similarity model on a SemEval-2022 Task 8 CSV.
    Similarity(cmd::similarity::TrainArgs),
}

#[derive(Subcommand, Debug)]
enum EvalCommand {
    /// Entity tagger: CoNLL exact-span precision, recall, F1.
    Ner(cmd::ner::EvalArgs),
    /// Temporal expressions: strict, relaxed and value F1.
    Timex(cmd::time::EvalArgs),
    /// Events: PLOVER type accuracy and source/target actor F1.
    Events(cmd::events::EvalArgs),
    /// Pairwise similarity: Pearson with SemEval-2022 Task 8 gold, overall and per language pair.
    Similarity(cmd::similarity::EvalArgs),
}

/// What every command gets besides its own arguments.
pub struct Ctx {
    pub db: String,
}

impl Ctx {
    /// The SQLite path when `db` is a path.
    pub fn db_path(&self) -> PathBuf {
        PathBuf::from(&self.db)
    }
}

fn main() {
    let cli = Cli::parse();
    let ctx = Ctx { db: cli.db };
    let result = match cli.command {
        Command::Ingest(a) => cmd::ingest::ingest(&ctx, a),
        Command::Articles(a) => cmd::ingest::articles(&ctx, a),
        Command::Article(a) => cmd::ingest::article(&ctx, a),
        Command::Extract(a) => cmd::ingest::extract(a),
        Command::Analyze(a) => cmd::analyze::analyze(&ctx, a),
        Command::Entities(a) => cmd::analyze::entities(&ctx, a),
        Command::Entity(a) => cmd::analyze::entity(&ctx, a),
        Command::Reanalyze(a) => cmd::analyze::reanalyze(&ctx, a),
        Command::Tag(a) => cmd::ner::tag(a),
        Command::Similarity(a) => cmd::similarity::similarity(a),
        Command::Stories(a) => cmd::stories::stories(&ctx, a),
        Command::Storylines(a) => cmd::stories::storylines(&ctx, a),
        Command::Story(a) => cmd::stories::story(&ctx, a),
        Command::Recluster(a) => cmd::stories::recluster(&ctx, a),
        Command::Events(a) => cmd::events::events(&ctx, a),
        Command::Export {
            what: ExportCommand::Events(a),
        } => cmd::events::export(&ctx, a),
        Command::Worker(a) => cmd::worker::worker(&ctx, a),
        Command::Watch(a) => cmd::watch::watch(&ctx, a),
        Command::Bench {
            what: BenchCommand::Stories(a),
        } => cmd::stories::bench(a),
        Command::Search(a) => cmd::search::search(&ctx, a),
        Command::Reindex(a) => cmd::search::reindex(&ctx, a),
        Command::Serve(a) => cmd::serve::serve(&ctx, a),
        Command::Train {
            what: TrainCommand::Ner(a),
        } => cmd::ner::train(a),
        Command::Train {
            what: TrainCommand::Similarity(a),
        } => cmd::similarity::train(a),
        Command::Eval { what } => match what {
            EvalCommand::Ner(a) => cmd::ner::eval(a),
            EvalCommand::Timex(a) => cmd::time::eval(a),
            EvalCommand::Events(a) => cmd::events::eval(a),
            EvalCommand::Similarity(a) => cmd::similarity::eval(a),
        },
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("newsgraph: error: {e:#}");
            std::process::exit(2);
        }
    }
}
