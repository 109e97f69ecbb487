#!/usr/bin/env python3
"""Writes N articles as JSONL for the load test by recombining REAL text
(standard library only, deterministic for a given N and --start):

  de  GermEval 2014 sentences, SemEval-2022 Task 8 German texts, the seeds
  nb  NorNE sentences (Norwegian Dependency Treebank texts), the seeds
  en  SemEval-2022 Task 8 English texts, TimeBank 1.2 documents
  es, fr, pl  SemEval-2022 Task 8 texts (a smaller share: the plain analyser)

Each article follows a "topic" (a run of consecutive sentences of one source
text, so articles of a topic share sentences and names and cluster into
stories; topic sizes are Zipf-like so some stories are big) and mixes in a
few random sentences of its language. Dates spread over 2024 around the
topic's date; sources are outlets of the language.

Usage: loadtest_corpus.py DATA_DIR SEEDS_DIR N OUT.jsonl [--start K]
  DATA_DIR is ../shared/data, SEEDS_DIR ../shared/corpus/seeds."""
import csv
import datetime
import html
import json
import os
import random
import re
import sys

SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"'«„A-ZÆØÅÄÖÜ0-9])")
SOURCES = {
    "de": ["Tagesschau", "Spiegel", "FAZ", "Zeit", "SZ", "Welt", "taz"],
    "nb": ["NRK", "VG", "Aftenposten", "Dagbladet", "E24"],
    "en": ["Reuters", "AP", "BBC", "Guardian", "NPR"],
    "es": ["El País", "El Mundo"],
    "fr": ["Le Monde", "Libération"],
    "pl": ["Gazeta Wyborcza", "Rzeczpospolita"],
}
# Share of each language among the generated articles.
SHARE = [("de", 40), ("nb", 30), ("en", 20), ("es", 4), ("fr", 3), ("pl", 3)]


def detok(tokens):
    """Joins CoNLL tokens back into running text."""
    out = ""
    for t in tokens:
        if out and not (t in ",.;:!?)»“\"'" or out.endswith(("(", "«", "„"))):
            out += " "
        out += t
    return out


def conll_docs(path, per_doc=12):
    """Sentences of a token-per-line file, grouped into runs of consecutive sentences."""
    sents, cur = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if cur:
                    sents.append(detok(cur))
                    cur = []
                continue
            parts = line.split("\t")
            if len(parts) >= 2:
                cur.append(parts[1])
    if cur:
        sents.append(detok(cur))
    sents = [s for s in sents if 30 <= len(s) <= 400]
    return [sents[i:i + per_doc] for i in range(0, len(sents), per_doc)]


def split_text(text):
    text = re.sub(r"\s+", " ", text).strip()
    return [s for s in SENT_SPLIT.split(text) if 30 <= len(s) <= 500]


def load(data, seeds):
    docs = {lang: [] for lang, _ in SHARE}
    ner = os.path.join(data, "ner")
    docs["de"] += conll_docs(os.path.join(ner, "germeval2014-de", "train.tsv"))
    for part in ("train.tsv", "dev.tsv"):
        docs["nb"] += conll_docs(os.path.join(ner, "norne-nob", part))
    csv.field_size_limit(1 << 30)
    with open(os.path.join(data, "similarity", "semeval2022-task8-sample-a.csv"), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            for lang, text in ((row["lang1"], row["text1"]), (row["lang2"], row["text2"])):
                if lang in docs:
                    s = split_text(text)
                    if len(s) >= 3:
                        docs[lang].append(s)
    tb = os.path.join(data, "timex", "timebank")
    for name in sorted(os.listdir(tb)):
        raw = open(os.path.join(tb, name), encoding="utf-8", errors="replace").read()
        m = re.search(r"<TEXT>(.*)</TEXT>", raw, re.S)
        if m:
            s = split_text(html.unescape(re.sub(r"<[^>]+>", "", m.group(1))))
            if len(s) >= 3:
                docs["en"].append(s)
    if os.path.isdir(seeds):
        for name in sorted(os.listdir(seeds)):
            p = os.path.join(seeds, name)
            if not os.path.isfile(p) or not name.endswith(".md"):
                continue
            text = open(p, encoding="utf-8", errors="replace").read()
            lang = "nb" if re.search(r"\b(og|ikke|av|til|som|på)\b", text) else "de"
            s = split_text(text)
            if len(s) >= 3:
                docs[lang].append(s)
    return {k: v for k, v in docs.items() if v}


def main():
    args = sys.argv[1:]
    start = 0
    if "--start" in args:
        i = args.index("--start")
        start = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 4:
        sys.exit(__doc__)
    data, seeds, n, out = args[0], args[1], int(args[2]), args[3]
    docs = load(data, seeds)
    pool = {lang: [s for d in ds for s in d] for lang, ds in docs.items()}
    langs = [l for l, _ in SHARE if l in docs]
    weights = [w for l, w in SHARE if l in docs]
    rng = random.Random(1000003 * (start + 1) + n)
    # Topic weights: Zipf-like over each language's source texts, in a fixed
    # shuffled order (the same for every --start, so later batches continue
    # the same stories).
    order = {}
    for lang in langs:
        idx = list(range(len(docs[lang])))
        random.Random(7).shuffle(idx)
        order[lang] = idx
    zipf = {lang: [1.0 / (r + 1) ** 0.9 for r in range(len(docs[lang]))] for lang in langs}
    year0 = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(start, start + n):
            lang = rng.choices(langs, weights)[0]
            t = rng.choices(order[lang], zipf[lang])[0]
            topic = docs[lang][t]
            k = min(len(topic), rng.randint(4, 10))
            at = rng.randint(0, len(topic) - k)
            body = topic[at:at + k] + rng.sample(pool[lang], rng.randint(2, 6))
            title = topic[at]
            if len(title) > 100:
                title = title[:100].rsplit(" ", 1)[0]
            # A topic lives around its own day of the year, articles within ±3 days.
            day = (t * 37) % 360 + rng.randint(-3, 3)
            pub = year0 + datetime.timedelta(days=max(day, 0), seconds=rng.randint(0, 86399))
            f.write(json.dumps({
                "id": f"load-{i}",
                "title": title,
                "text": " ".join(body),
                "lang": lang,
                "source": rng.choice(SOURCES[lang]),
                "published": pub.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "url": f"https://example.org/{lang}/{i}",
            }, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
