//! Pairwise article similarity across languages, streaming event clustering,
//! storylines, timelines and where sources differ.
//!
//! - [`Profile`]: the signals of one text (stemmed terms, English-pivot terms
//!   through bilingual lexicons, folded character n-grams, names, numbers).
//! - [`signals`]: language-neutral signals of an article's analysis
//!   (entity ids, event signatures, resolved dates).
//! - [`SimilarityModel`]: the "same event?" score of two profiles, a logistic
//!   model over cosine/overlap features (`data/models/similarity.json`).
//! - [`Clusterer`]: streaming event clustering with storylines.
//! - [`semeval`]: SemEval-2022 Task 8 reading, evaluation, cross-validated fit.

pub mod bench;
pub mod cluster;
pub mod profile;
pub mod semeval;
pub mod signals;
pub mod similarity;
pub mod story;
pub mod text;

pub use cluster::{ArticleFeatures, Assignment, ClusterConfig, ClusterOut, Clusterer};
pub use profile::{DocFreq, Profile};
pub use similarity::{
    ANALYSIS_FEATURE_NAMES, FEATURE_NAMES, SimilarityModel, analysis_features, features, pearson,
};
pub use story::{BuiltStory, TimelineEntry, WhyMember, recluster};

/// Errors of this crate.
#[derive(Debug, thiserror::Error)]
pub enum StoriesError {
    /// A model file that does not parse or does not fit this build.
    #[error("similarity model: {0}")]
    Model(String),
    /// Bad input data (file, CSV, JSON), with the input named.
    #[error("input: {0}")]
    Input(String),
}
