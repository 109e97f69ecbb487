//! Temporal expressions in German, Norwegian and English: find them with per-language resource rules and normalise them to TIMEX3 values anchored to the document creation time.
