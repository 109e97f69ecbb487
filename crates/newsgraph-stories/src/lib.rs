//! Pairwise article similarity across languages, streaming event clustering, storylines, timelines and where sources differ.
