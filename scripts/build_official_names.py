#!/usr/bin/env python3
"""Build data/gazetteer/countries-official.tsv: official and ISO names of
countries in many languages, from Debian's iso-codes package.

Input (a Debian package; runtime and tests never need it):
  * iso-codes (LGPL-2.1-or-later): /usr/share/iso-codes/json/iso_3166-1.json and
    its translations /usr/share/locale/<lang>/LC_MESSAGES/iso_3166-1.mo
      apt-get install -y iso-codes

Run:
  python3 scripts/build_official_names.py --out data/gazetteer/countries-official.tsv

Output (UTF-8, tab-separated, sorted, so rebuilding gives the same bytes), the
format of countries.tsv:
  ISO2 <TAB> lang <TAB> name|name|...
with, per language, the translated `official_name` ("Demokratische
Volksrepublik Korea"), `common_name` and `name` ("Korea, Demokratische
Volksrepublik"), minus the names countries.tsv already has, for the
languages of `--langs` (the linker's languages and the big Latin-script news
languages; names in other scripts never match Latin text, and every row costs
start-up time).
"""

import argparse
import gettext
import json
import os

ISO = "/usr/share/iso-codes/json/iso_3166-1.json"
LOCALES = "/usr/share/locale"


def existing(path):
    have = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            code, lang, names = line.rstrip("\n").split("\t")
            for n in names.split("|"):
                have.setdefault((code, lang), set()).add(n.casefold())
    return have


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--countries", default="data/gazetteer/countries.tsv")
    ap.add_argument("--out", required=True)
    ap.add_argument("--langs", default="da,de,en,es,fi,fr,it,nb,nl,nn,pl,pt,sv")
    args = ap.parse_args()
    have = existing(args.countries)
    entries = json.load(open(ISO, encoding="utf-8"))["3166-1"]
    rows = []
    for lang in sorted(set(args.langs.split(","))):
        if lang == "en":
            tr = gettext.NullTranslations()
        else:
            try:
                tr = gettext.translation("iso_3166-1", LOCALES, [lang])
            except OSError:
                continue
        for e in entries:
            code = e["alpha_2"]
            names = []
            for field in ("official_name", "common_name", "name"):
                src = e.get(field)
                if not src:
                    continue
                n = tr.gettext(src).strip()
                if lang != "en" and n == src:
                    # untranslated: an English string under another language
                    continue
                for part in n.split(";"):
                    part = part.strip()
                    if not part or part.casefold() in have.get((code, lang), set()):
                        continue
                    if part not in names:
                        names.append(part)
            if names:
                rows.append((code, lang, "|".join(names)))
    rows.sort()
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("# ISO 3166-1 alpha-2\tlanguage\tofficial and ISO names not in countries.tsv\n")
        f.write("# Derived from Debian's iso-codes 4.15 (LGPL-2.1-or-later) by scripts/build_official_names.py\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


if __name__ == "__main__":
    main()
