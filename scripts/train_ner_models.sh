#!/usr/bin/env bash
# Rebuilds the committed entity-tagger models data/models/ner-{de,nb,en}.bin
# (nn is served by the nb model). Run from the repository root with the shared
# data at ../shared (or SHARED=/path). Training is deterministic: the same
# inputs give the same model bytes. CPU is scarce: one model at a time, niced.
set -euo pipefail
SHARED=${SHARED:-../shared}
NER=$SHARED/data/ner
BIN=${NEWSGRAPH:-target/release/newsgraph}
WORK=${WORK:-target/ner-data}
mkdir -p "$WORK" data/models

# GermEval 2014 has no dev file here: hold out its last 500 sentences.
total=$(awk -v RS= 'END{print NR}' "$NER/germeval2014-de/train.tsv")
awk -v RS= -v ORS='\n\n' -v n=500 -v total="$total" 'NR<=total-n' "$NER/germeval2014-de/train.tsv" > "$WORK/germeval-train.tsv"
awk -v RS= -v ORS='\n\n' -v n=500 -v total="$total" 'NR>total-n' "$NER/germeval2014-de/train.tsv" > "$WORK/germeval-dev.tsv"

# Each model is the mean of 4 averaged perceptrons (seeds 42..45), each
# early-stopped on the dev sets; rows whose weights all stay below 1 (one
# perceptron update) are dropped to keep the models small (see docs/ner.md).
run() { nice -n 10 "$BIN" train ner --ensemble 4 --prune 1 "$@"; }

G="$WORK/germeval-train.tsv"
# GermEval (news) is given five times the weight of WikiANN (see docs/ner.md).
run --lang de --train "$G" "$G" "$G" "$G" "$G" "$NER/wikiann-de/train.tsv" \
    --dev "$WORK/germeval-dev.tsv" "$NER/wikiann-de/dev.tsv" --out data/models/ner-de.bin
run --lang nb --train "$NER/norne-nob/train.tsv" --dev "$NER/norne-nob/dev.tsv" --out data/models/ner-nb.bin
# WikiANN de sentences add names and contexts that the English model also uses.
run --lang en --train "$NER/wikiann-en/train.tsv" "$NER/wikiann-de/train.tsv" \
    --dev "$NER/wikiann-en/dev.tsv" --out data/models/ner-en.bin
