//! One module per group of subcommands. Each returns the process exit code.
pub mod analyze;
pub mod events;
pub mod ingest;
pub mod ner;
pub(crate) mod refresh;
pub mod search;
pub mod serve;
pub mod similarity;
pub mod stories;
pub mod time;
pub mod watch;
pub mod worker;
