#!/usr/bin/env bash
# Bounded load test of the API (loopback only; stops by itself):
#  1. builds newsgraph (release), generates N (default 50,000) articles by
#     recombining the seed sentences, ingests them into a temporary store and
#     clusters them;
#  2. serves the store pinned to ONE core (taskset -c 0, one worker thread);
#  3. while a second ingest of 5,000 more articles runs, sends a fixed rate
#     (default 200 req/s for 30 s each) of GET /api/search and
#     GET /api/stories/{id}, and prints throughput and p50/p90/p99 as JSON.
# Usage: scripts/loadtest.sh [N] [RATE] [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-50000}"; RATE="${2:-200}"; SECS="${3:-30}"
SEEDS="${NEWSGRAPH_SEEDS:-$ROOT/../shared/corpus/seeds}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
cd "$ROOT"
nice cargo build -q --release -p newsgraph
BIN="$TARGET/release/newsgraph"
WORK="${LOADTEST_DIR:-$(mktemp -d)}"
SERVER_PID=""; INGEST_PID=""
cleanup() {
  [ -n "$INGEST_PID" ] && kill "$INGEST_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  [ -z "${LOADTEST_DIR:-}" ] && rm -rf "$WORK"
}
trap cleanup EXIT
DB="$WORK/load.db"
if [ ! -f "$DB" ]; then
  python3 scripts/loadtest_corpus.py "$SEEDS" "$N" "$WORK/base.jsonl"
  /usr/bin/time -f "ingest of $N articles: %e s, %M KiB max RSS" nice "$BIN" --db "$DB" ingest --quiet "$WORK/base.jsonl" >/dev/null
  /usr/bin/time -f "recluster: %e s" nice "$BIN" --db "$DB" recluster >/dev/null || echo "recluster unavailable; stories may be empty"
  /usr/bin/time -f "reindex: %e s" "$BIN" --db "$DB" reindex
fi
python3 scripts/loadtest_corpus.py "$SEEDS" 5000 "$WORK/more.jsonl" --start "$N"
taskset -c 0 "$BIN" --db "$DB" serve --addr 127.0.0.1:0 --threads 1 2>"$WORK/serve.log" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 600); do
  URL="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/serve.log" | head -1 || true)"
  [ -n "$URL" ] && break
  sleep 0.5
done
[ -n "$URL" ] || { cat "$WORK/serve.log"; exit 1; }
STORY_IDS="$(curl -s "$URL/api/stories?sort=size&limit=50" | python3 -c 'import json,sys; print(" ".join(str(s["id"]) for s in json.load(sys.stdin)["items"]))')"
[ -n "$STORY_IDS" ] || STORY_IDS="1"
SEARCH_PATHS=()
for q in Besuch "Kim%20Jong-un" Raketen besøk "%22Wladimir%20Putin%22" Pjöngjang%20Russland Regierung utenriksminister; do
  SEARCH_PATHS+=("/api/search?q=$q&limit=20")
done
SEARCH_PATHS+=("/api/search?q=Kim&lang=de&from=2024-03-01&to=2024-06-30" "/api/search?q=&source=NRK&sort=newest")
STORY_PATHS=(); for s in $STORY_IDS; do STORY_PATHS+=("/api/stories/$s"); done
# A concurrent ingest (second process, same store) while the load runs.
taskset -c 1 nice "$BIN" --db "$DB" ingest --quiet "$WORK/more.jsonl" >/dev/null 2>&1 &
INGEST_PID=$!
python3 scripts/loadtest_client.py --base "$URL" --rate "$RATE" --seconds "$SECS" --label "search (ingest running)" "${SEARCH_PATHS[@]}"
python3 scripts/loadtest_client.py --base "$URL" --rate "$RATE" --seconds "$SECS" --label "story (ingest running)" "${STORY_PATHS[@]}"
if kill -0 "$INGEST_PID" 2>/dev/null; then echo '{"note": "ingest still running at the end of the load"}'; else echo '{"note": "ingest finished during the load"}'; fi
