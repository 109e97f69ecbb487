//! Entity linking: canonical entities across spellings, transliterations and languages, backed by multilingual gazetteers; place adjectives.
