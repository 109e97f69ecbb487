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

pages=$(ls "$dir/trafilatura-0.9.0/tests/cache" | wc -l)
echo "trafilatura pages: $pages, htmldate pages: $(ls "$dir/htmldate-0.7.2/tests/cache" 2>/dev/null | wc -l)" >&2
echo "$dir"
