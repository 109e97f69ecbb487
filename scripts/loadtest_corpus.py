#!/usr/bin/env python3
"""Writes N synthetic-but-real-text articles as JSONL by recombining the
sentences of the seed corpus (standard library only), for the load test.
Usage: gen_corpus.py SEEDS_DIR N OUT.jsonl [--start K]"""
import json, os, random, re, sys

def main():
    seeds, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    start = int(sys.argv[5]) if len(sys.argv) > 5 and sys.argv[4] == "--start" else 0
    by_lang = {}
    for name in sorted(os.listdir(seeds)):
        p = os.path.join(seeds, name)
        if not os.path.isfile(p):
            continue
        text = open(p, encoding="utf-8", errors="replace").read()
        lang = "nb" if re.search(r"\b(og|ikke|av|til|som|på)\b", text) else "de"
        sents = [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s.strip()) <= 400]
        by_lang.setdefault(lang, []).extend(sents)
    rng = random.Random(42 + start)
    sources = {"de": ["Tagesschau", "Spiegel", "FAZ", "Zeit", "SZ", "Welt"], "nb": ["NRK", "VG", "Aftenposten", "Dagbladet", "E24"]}
    langs = sorted(by_lang)
    with open(out, "w", encoding="utf-8") as f:
        for i in range(start, start + n):
            lang = langs[i % len(langs)]
            pool = by_lang[lang]
            body = " ".join(rng.sample(pool, min(len(pool), rng.randint(6, 14))))
            title = rng.choice(pool)[:90]
            day = 1 + (i * 97 % 365)
            pub = f"2024-{1 + (day - 1) // 31 % 12:02d}-{1 + (day - 1) % 28:02d}T{i % 24:02d}:{i % 60:02d}:00Z"
            f.write(json.dumps({"id": f"load-{i}", "title": f"{title} ({i})", "text": body + f" Meldung {i}.",
                                "lang": lang, "source": rng.choice(sources[lang]), "published": pub}, ensure_ascii=False) + "\n")

if __name__ == "__main__":
    main()
