#!/usr/bin/env python3
"""Build the word-cluster and casing tables used by the entity tagger
(crates/newsgraph-ner) as features. Output goes to data/ner/<lang>/clusters.tsv
and is committed; the runtime and the tests never need Python or the package.

Input (installed only to run this script):
  pip download --no-deps spacy-lookups-data==1.0.5   (MIT, Explosion), then pass the
  wheel (or the unpacked directory) with --source. Its tables <lang>_lexeme_cluster
  (Brown clusters over about 1M case-sensitive word forms, learnt from large unlabelled
  corpora) and <lang>_lexeme_prob (case-sensitive log probabilities) are used, for the
  languages that have both: de and en.

Output, per language, the MAX_WORDS most probable word forms that have a cluster, as
data/ner/<lang>/clusters.tsv.gz (gzip without timestamp, so the bytes are reproducible):
  word <TAB> cluster <TAB> capital preference
  - cluster: the Brown cluster path as spaCy stores it (the bit string reversed and read
    as a binary number, so the first k bits of the path are the low k bits);
  - capital preference, for words whose first letter is upper case: round(log P(word) -
    log P(lowercased word)) clamped to [-5, 5], or 9 when the lowercased form is unknown
    (a word seen only capitalised: a name); '-' for other words. German nouns such as
    "Teil" get a positive value too, but smaller than names', and the perceptron learns
    the difference per language.

Usage: python3 scripts/build_ner_clusters.py --source spacy_lookups_data-1.0.5-py2.py3-none-any.whl
       [--out data/ner]. Deterministic (sorted by probability, then word).
"""
import argparse
import gzip
import io
import json
import os
import zipfile

MAX_WORDS = {"de": 400_000, "en": 200_000}
LANGS = ["de", "en"]


def load(source: str, name: str):
    rel = f"spacy_lookups_data/data/{name}.json.gz"
    if os.path.isdir(source):
        with open(os.path.join(source, rel), "rb") as f:
            raw = f.read()
    else:
        with zipfile.ZipFile(source) as z:
            raw = z.read(rel)
    return json.load(io.TextIOWrapper(gzip.GzipFile(fileobj=io.BytesIO(raw)), encoding="utf-8"))


def clean(word: str) -> bool:
    return bool(word) and not any(c in word for c in "\t\n\r ") and len(word) <= 40


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True, help="spacy-lookups-data wheel or unpacked dir")
    ap.add_argument("--out", default="data/ner")
    a = ap.parse_args()
    for lang in LANGS:
        clusters = load(a.source, f"{lang}_lexeme_cluster")
        probs = load(a.source, f"{lang}_lexeme_prob")
        words = [w for w, c in clusters.items() if c and clean(w) and w in probs]
        words.sort(key=lambda w: (-probs[w], w))
        words = words[: MAX_WORDS[lang]]
        os.makedirs(os.path.join(a.out, lang), exist_ok=True)
        path = os.path.join(a.out, lang, "clusters.tsv.gz")
        with open(path, "wb") as raw, gzip.GzipFile(
            filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9
        ) as gz, io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as f:
            f.write(
                f"# spacy-lookups-data 1.0.5 {lang}_lexeme_cluster/_prob (MIT, Explosion): "
                f"word<TAB>Brown cluster (reversed bit path)<TAB>capital preference; "
                f"top {MAX_WORDS[lang]} by probability\n"
            )
            for w in words:
                if w[0].isupper():
                    low = w.lower()
                    if low in probs and low != w:
                        cap = str(max(-5, min(5, round(probs[w] - probs[low]))))
                    else:
                        cap = "9"
                else:
                    cap = "-"
                f.write(f"{w}\t{clusters[w]}\t{cap}\n")
        print(f"{path}: {len(words)} words")


if __name__ == "__main__":
    main()
