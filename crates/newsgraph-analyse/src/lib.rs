//! Per-article analysis: runs segmentation, tagging, entity linking, time and event extraction over one clean text and returns an Analysis. Pure and parallel.
