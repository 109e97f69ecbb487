#!/usr/bin/env python3
"""Build the compact bilingual lexicons under data/lexicon/ from FreeDict.

Input: the Debian FreeDict packages (dictd format under /usr/share/dictd):
    apt-get install dict-freedict-deu-eng dict-freedict-spa-eng dict-freedict-pol-eng \
        dict-freedict-fra-eng dict-freedict-ita-eng dict-freedict-eng-tur dict-freedict-eng-rus \
        dict-freedict-eng-spa dict-freedict-eng-fra dict-freedict-eng-ita dict-freedict-eng-pol

Output: data/lexicon/<lang>-en.tsv, one line per source word:
    source_word<TAB>english_word english_word ...
lower-cased, single words only, at most MAX_TARGETS English words per entry,
at most MAX_ENTRIES entries per language. The Rust side (newsgraph-stories)
stems both sides at load time with the same Snowball stemmers it uses on text.

Entries are ranked by how frequent the source word is in the German NER
training text (for German, whose FreeDict has 500,000 headwords) and otherwise
by the order of preference "appears as a headword of the X-eng dictionary,
then shorter words first" — short words are the common ones.

Usage: python3 scripts/build_bilingual_lexicons.py [--dictd /usr/share/dictd] [--out data/lexicon]
"""

import argparse
import base64
import collections
import gzip
import os
import re
import sys

MAX_ENTRIES = 25000
MAX_TARGETS = 3

B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def b64num(s):
    n = 0
    for ch in s:
        n = n * 64 + B64.index(ch)
    return n


def entries(dictd, name):
    """Yield (headword, body lines) of one dictd dictionary."""
    idx = os.path.join(dictd, f"freedict-{name}.index")
    dz = os.path.join(dictd, f"freedict-{name}.dict.dz")
    if not os.path.exists(idx):
        return
    with gzip.open(dz, "rb") as f:
        data = f.read()
    with open(idx, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or parts[0].startswith("00-database") or parts[0].startswith("00database"):
                continue
            off, ln = b64num(parts[1]), b64num(parts[2])
            body = data[off : off + ln].decode("utf-8", "replace").split("\n")
            yield parts[0], body[1:]


WORD = re.compile(r"^[^\W\d_][^\W\d_'\-]*$", re.UNICODE)
PAREN = re.compile(r"\([^)]*\)|<[^>]*>|\{[^}]*\}|\[[^\]]*\]|/[^/]*/")


def translations(lines):
    """Single-word translations from an entry body, in order."""
    out = []
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith(("see:", "Synonyms", "Note", "Example", "\"")):
            continue
        line = re.sub(r"^\d+\.\s*", "", line)
        if "→" in line:
            line = line.split("→", 1)[1]
        line = line.lstrip("= ")
        line = PAREN.sub(" ", line)
        for phrase in re.split(r"[,;:.]", line):
            ws = [w for w in phrase.strip().split() if w]
            if not ws or len(ws) > 2:
                continue
            w = max(ws, key=len) if len(ws) == 2 else ws[0]
            w = w.lower()
            if WORD.match(w) and len(w) > 1 and w not in ("synonym", "synonyms", "see"):
                out.append(w)
    return out


def german_frequencies(shared):
    counts = collections.Counter()
    for sub in ("germeval2014-de", "wikiann-de"):
        d = os.path.join(shared, "data", "ner", sub)
        if not os.path.isdir(d):
            continue
        for fn in os.listdir(d):
            with open(os.path.join(d, fn), encoding="utf-8") as f:
                for line in f:
                    p = line.rstrip("\n").split("\t")
                    if len(p) >= 2:
                        counts[p[1].lower()] += 1
    return counts


def build(dictd, lang, fwd, rev, freq):
    table = collections.OrderedDict()

    def add(src, tgt):
        src = src.lower()
        if not WORD.match(src) or len(src) < 2:
            return
        lst = table.setdefault(src, [])
        if tgt not in lst and tgt != src or (tgt == src and tgt not in lst):
            lst.append(tgt)

    if fwd:
        for head, body in entries(dictd, fwd):
            if " " in head.strip():
                continue
            for t in translations(body):
                add(head.strip(), t)
    if rev:
        for head, body in entries(dictd, rev):
            head = head.strip().lower()
            if " " in head or not WORD.match(head):
                continue
            for t in translations(body):
                add(t, head)
    items = [(k, v[:MAX_TARGETS]) for k, v in table.items() if v]
    if freq:
        items = [kv for kv in items if freq.get(kv[0], 0) > 0]
        items.sort(key=lambda kv: (-freq.get(kv[0], 0), kv[0]))
    else:
        items.sort(key=lambda kv: (len(kv[0]), kv[0]))
    items = items[:MAX_ENTRIES]
    items.sort()
    return items


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dictd", default="/usr/share/dictd")
    ap.add_argument("--out", default="data/lexicon")
    ap.add_argument("--shared", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    plan = {
        "de": ("deu-eng", "eng-deu"),
        "es": ("spa-eng", "eng-spa"),
        "fr": ("fra-eng", "eng-fra"),
        "it": ("ita-eng", "eng-ita"),
        "pl": ("pol-eng", "eng-pol"),
        "tr": (None, "eng-tur"),
        "ru": (None, "eng-rus"),
    }
    de_freq = german_frequencies(a.shared)
    for lang, (fwd, rev) in plan.items():
        # eng-deu is huge and noisy; the German side has a frequency list instead.
        items = build(a.dictd, lang, fwd, None if lang == "de" else rev, de_freq if lang == "de" else None)
        path = os.path.join(a.out, f"{lang}-en.tsv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"# {lang} -> en, derived from FreeDict ({fwd or ''} {rev or ''}); see docs/stories.md NOTICE\n")
            for k, v in items:
                f.write(f"{k}\t{' '.join(v)}\n")
        print(f"{lang}: {len(items)} entries, {os.path.getsize(path)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
