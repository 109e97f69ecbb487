#!/usr/bin/env bash
# Bounded load test of the API (loopback only; stops by itself). One command:
#   scripts/loadtest.sh [N=50000] [RATE=200] [SECONDS=30]
#  1. builds newsgraph (release; or uses $NEWSGRAPH_BIN);
#  2. once per N: generates N articles by recombining real texts from
#     ../shared/data (scripts/loadtest_corpus.py) and ingests them (analysis,
#     clustering, search index) into $LOADTEST_DIR/base-N.db, kept for reuse;
#     every run works on a fresh copy of it, so runs are comparable;
#  3. serves the copy pinned to ONE core (taskset -c 0, one worker thread);
#  4. starts a concurrent ingest on the other core (batches of 500 new articles,
#     one `newsgraph ingest` after another, each with analysis, re-clustering
#     and the incremental index update) that runs for the whole load;
#  5. sends RATE req/s for SECONDS each: /api/search alone (varied queries,
#     filters, paging, sorting), /api/stories/{id} alone (the 50 biggest
#     stories), then both mixed half and half; prints one JSON line per
#     endpoint with throughput, p50/p90/p99 and the server's CPU time per
#     request (scripts/loadtest_client.py), then what the ingest did.
# Environment: LOADTEST_DIR (default $CARGO_TARGET_DIR/loadtest),
# NEWSGRAPH_BIN (skip the build), NEWSGRAPH_DATA (default ../shared/data).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-50000}"; RATE="${2:-200}"; SECS="${3:-30}"
DATA="${NEWSGRAPH_DATA:-$ROOT/../shared/data}"
SEEDS="${NEWSGRAPH_SEEDS:-$ROOT/../shared/corpus/seeds}"
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}"
DIR="${LOADTEST_DIR:-$TARGET/loadtest}"
cd "$ROOT"
if [ -z "${NEWSGRAPH_BIN:-}" ]; then
  nice cargo build -q --release -p newsgraph
  NEWSGRAPH_BIN="$TARGET/release/newsgraph"
fi
BIN="$NEWSGRAPH_BIN"
mkdir -p "$DIR"
BASE="$DIR/base-$N.db"
if [ ! -f "$BASE" ]; then
  python3 scripts/loadtest_corpus.py "$DATA" "$SEEDS" "$N" "$DIR/base-$N.jsonl"
  rm -rf "$BASE.tmp" "$BASE.tmp.index"
  /usr/bin/time -f "{\"built\": \"base store of $N articles\", \"seconds\": %e, \"user_s\": %U, \"max_rss_kib\": %M}" \
    nice "$BIN" --db "$BASE.tmp" ingest --quiet --max-bytes 2000000000 "$DIR/base-$N.jsonl" >/dev/null
  mv "$BASE.tmp" "$BASE"; mv "$BASE.tmp.index" "$BASE.index"
fi
# A base built by another version gets its index rebuilt once (search runs ensure_fresh).
"$BIN" --db "$BASE" search "" --limit 1 >/dev/null 2>&1 || true
# The articles the concurrent ingest adds, in batches of 500 (generated once).
MORE="$DIR/more-$N"
if [ ! -d "$MORE" ]; then
  mkdir -p "$MORE.tmp"
  python3 scripts/loadtest_corpus.py "$DATA" "$SEEDS" 20000 "$MORE.tmp/all.jsonl" --start "$N"
  (cd "$MORE.tmp" && split -l 500 -d -a 3 --additional-suffix=.jsonl all.jsonl batch- && rm all.jsonl)
  mv "$MORE.tmp" "$MORE"
fi
RUN="$(mktemp -d "$DIR/run.XXXXXX")"
SERVER_PID=""; INGEST_PID=""
cleanup() {
  [ -n "$INGEST_PID" ] && kill "$INGEST_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT
DB="$RUN/load.db"
cp "$BASE" "$DB"; cp -r "$BASE.index" "$DB.index"
taskset -c 0 "$BIN" --db "$DB" serve --addr 127.0.0.1:0 --threads 1 2>"$RUN/serve.log" &
SERVER_PID=$!
URL=""
for _ in $(seq 1 600); do
  URL="$(grep -so 'http://127\.0\.0\.1:[0-9]*' "$RUN/serve.log" | head -1 || true)"
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$RUN/serve.log"; exit 1; }
  sleep 0.5
done
[ -n "$URL" ] || { cat "$RUN/serve.log"; exit 1; }
# Stories a reader opens: 50 spread evenly over all multi-article stories
# ordered by size (the 5 biggest included), not only the giants.
STORY_IDS="$(curl -sf "$URL/api/stories?sort=size&limit=500" | python3 -c '
import json, sys
items = [s for s in json.load(sys.stdin)["items"] if len(s["article_ids"]) > 1]
pick = items[:5] + items[5::max(1, (len(items) - 5) // 45)][:45]
print(" ".join(str(s["id"]) for s in pick))')"
ENTITY_IDS="$(curl -sf "$URL/api/entities?limit=8" | python3 -c 'import json,sys,urllib.parse as u; print(" ".join(u.quote(e["id"], safe="") for e in json.load(sys.stdin)["items"]))')"
[ -n "$STORY_IDS" ] || { echo "no stories in the store" >&2; exit 1; }
# Search: words, names, phrases, OR/NOT, per language, with filters, paging and date sorting.
SEARCH_PATHS=()
for q in Regierung Polizei Bundesregierung "%C3%96sterreich" "Berlin%20Polizei" "%22im%20Jahr%22" \
         regjeringen Stortinget Oslo politiet "Oslo%20OR%20Bergen" "%22Arbeiderpartiet%22" \
         Coronavirus Senate Afghanistan "%22Prime%20Minister%22" "Trump%20-Clinton" Hezbollah \
         Macron Huawei Wuhan "Kim%20Jong-un" election Wahl; do
  SEARCH_PATHS+=("/api/search?q=$q")
done
SEARCH_PATHS+=(
  "/api/search?q=Regierung&lang=de&from=2024-03-01&to=2024-06-30"
  "/api/search?q=Norge&lang=nb&sort=newest"
  "/api/search?q=&source=NRK&sort=newest"
  "/api/search?q=president&lang=en&offset=20"
  "/api/search?q=Polizei&source=Spiegel"
  "/api/search?q=&from=2024-05-01&to=2024-05-07"
  "/api/search?q=regjeringen&sort=oldest&limit=50"
)
for e in $ENTITY_IDS; do SEARCH_PATHS+=("/api/search?q=&entity=$e"); done
n=0; for s in $STORY_IDS; do n=$((n + 1)); [ $n -le 8 ] && SEARCH_PATHS+=("/api/search?q=&story=$s"); done
STORY_PATHS=(); for s in $STORY_IDS; do STORY_PATHS+=("/api/stories/$s"); done
# Warm-up (not measured): open each story once, as readers did before the
# measurement, so that the server has derived each story's summary (timeline,
# merged events, counts: computed once per story version, then reused; a
# story changed by the concurrent ingest is recomputed in the background).
WARM_START=$(date +%s.%N)
for p in "${STORY_PATHS[@]}"; do curl -sf -o /dev/null "$URL$p" || true; done
echo "{\"warm_up_seconds\": $(python3 -c "import time; print(round(time.time() - $WARM_START, 2))"), \"stories_opened\": ${#STORY_PATHS[@]}}"
MIXED_PATHS=(); i=0
for p in "${SEARCH_PATHS[@]}"; do MIXED_PATHS+=("$p" "${STORY_PATHS[$((i % ${#STORY_PATHS[@]}))]}"); i=$((i + 1)); done
echo "{\"store_articles\": $(curl -sf "$URL/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["articles"])'), \"search_paths\": ${#SEARCH_PATHS[@]}, \"story_paths\": ${#STORY_PATHS[@]}, \"cpus\": $(nproc)}"
# The concurrent ingest: batch after batch on the other core until stopped.
(
  for f in "$MORE"/batch-*.jsonl; do
    [ -f "$RUN/stop" ] && break
    /usr/bin/time -a -o "$RUN/ingest.times" -f "%e %U" taskset -c 1 nice "$BIN" --db "$DB" ingest --quiet "$f" >>"$RUN/ingest.log" 2>&1 &
    echo $! >"$RUN/ingest.pid"; wait $! || true
  done
) &
INGEST_PID=$!
sleep 2
C="python3 scripts/loadtest_client.py --base $URL --rate $RATE --seconds $SECS --server-pid $SERVER_PID"
taskset -c 1 $C --label "search, ingest running" "${SEARCH_PATHS[@]}"
taskset -c 1 $C --label "stories, ingest running" "${STORY_PATHS[@]}"
taskset -c 1 $C --label "search+stories mixed, ingest running" "${MIXED_PATHS[@]}"
# Start no more batches; give the one in progress 60 s to finish, then stop it
# (a batch is one transaction per 256 articles: nothing half-written).
touch "$RUN/stop"
for _ in $(seq 1 60); do kill -0 "$INGEST_PID" 2>/dev/null || break; sleep 1; done
if kill -0 "$INGEST_PID" 2>/dev/null; then
  echo '{"note": "an ingest batch was still running 60 s after the load; stopped"}'
  pkill -P "$(cat "$RUN/ingest.pid")" 2>/dev/null || true
fi
wait "$INGEST_PID" 2>/dev/null || true; INGEST_PID=""
python3 - "$RUN/ingest.times" "$URL" <<'EOF'
import json, sys, urllib.request
times = [l.split() for l in open(sys.argv[1]) if l.strip()] if __import__("os").path.exists(sys.argv[1]) else []
done = [t for t in times if len(t) == 2 and t[0].replace(".", "").isdigit()]
health = json.load(urllib.request.urlopen(sys.argv[2] + "/healthz"))
print(json.dumps({"concurrent_ingest": {"batches_of_500_finished": len(done),
      "seconds_per_batch": [float(t[0]) for t in done], "store_articles_at_end": health["articles"]}}))
EOF
