//! Who did what to whom, when and where: PLOVER events with CAMEO roots, actors, modality, and attributed quotes, from per-language trigger lexicons.
