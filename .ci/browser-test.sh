#!/usr/bin/env bash
# Browser test of the web UI: installs Debian's chromium and playwright-core
# (pinned in tests/browser/package-lock.json), ingests the seed corpus into a
# temporary store, clusters it, serves it on a loopback port, and checks the
# story page (timeline, de and nb) in headless Chromium. Saves a screenshot
# to ${BROWSER_SCREENSHOT:-target/browser/story.png}.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SEEDS="${NEWSGRAPH_SEEDS:-$ROOT/../shared/corpus/seeds}"
[ -d "$SEEDS" ] || SEEDS="$ROOT/data/sample"
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
# NEWSGRAPH_BIN: use an already built binary instead of building one.
BIN="${NEWSGRAPH_BIN:-}"
if [ -z "$BIN" ]; then
  cargo build -q -p newsgraph
  BIN="$TARGET/debug/newsgraph"
fi
TMP="$(mktemp -d)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
DB="$TMP/ng.db"
"$BIN" --db "$DB" ingest --quiet "$SEEDS" >/dev/null 2>"$TMP/ingest.err" || "$BIN" --db "$DB" ingest "$SEEDS" >/dev/null
# Analyse (entities, dates, events) in case ingest did not, then cluster.
"$BIN" --db "$DB" reanalyze >/dev/null
"$BIN" --db "$DB" recluster >/dev/null
"$BIN" --db "$DB" serve --addr 127.0.0.1:0 2>"$TMP/serve.log" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 300); do
  URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$TMP/serve.log" | head -1 || true)"
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$TMP/serve.log"; exit 1; }
  sleep 0.2
done
[ -n "$URL" ] || { echo "server did not start"; cat "$TMP/serve.log"; exit 1; }
SHOT="${BROWSER_SCREENSHOT:-$ROOT/target/browser/story.png}"
mkdir -p "$(dirname "$SHOT")"
timeout 120 node tests/browser/story.test.mjs "$URL" "$SHOT"
