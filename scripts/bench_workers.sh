#!/usr/bin/env bash
# Worker-mode throughput on one PostgreSQL with 1, 2 and 4 `newsgraph worker`
# processes (each single-threaded, `--threads 1`, so the process count is the
# parallelism), on real news articles: the texts of the SemEval-2022 Task 8
# sample (10 languages, about 1,000 characters each).
#
# For each worker count, in a fresh schema: `ingest --no-analyse` (not
# timed), then the workers analyse the queue until it is empty (timed: wall
# clock, and user+sys CPU of all workers), then one assigner resolves the
# results in order and runs the stories step (timed separately; it is the
# same work whatever the worker count).
#
# Usage: source .ci/postgres.sh && scripts/bench_workers.sh [PAIRS]
#   PAIRS       SemEval pairs to use (default 1283 = all, about 2,550 articles)
#   WORKERS     worker counts to run (default "1 2 4")
#   REPEAT      copies of each text (default 4; copies differ by a marker
#               line, so they are stored and analysed again: about 10,000
#               articles, enough that process start-up does not dominate)
#   BATCH       articles per claim (default 32)
#   NEWSGRAPH_BIN  the binary (default target/release/newsgraph; build with
#               `cargo build --release -p newsgraph`)
# Prints one JSON object per worker count, then a table.
set -euo pipefail
cd "$(dirname "$0")/.."

pairs="${1:-1283}"
workers="${WORKERS:-1 2 4}"
repeat="${REPEAT:-4}"
batch="${BATCH:-32}"
bin="${NEWSGRAPH_BIN:-${CARGO_TARGET_DIR:-target}/release/newsgraph}"
pg="${NEWSGRAPH_TEST_PG:?set NEWSGRAPH_TEST_PG (source .ci/postgres.sh)}"
csv="../shared/data/similarity/semeval2022-task8-sample-a.csv"
[ -x "$bin" ] || { echo "no binary at $bin (cargo build --release -p newsgraph)" >&2; exit 1; }
[ -f "$csv" ] || { echo "missing $csv" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
# JSON Lines input: both texts of each pair, the pair's texts on one day.
python3 - "$csv" "$pairs" "$repeat" > "$tmp/corpus.jsonl" <<'EOF'
import csv, json, sys
csv.field_size_limit(1 << 30)
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))[: int(sys.argv[2])]
for copy in range(int(sys.argv[3])):
    for i, r in enumerate(rows):
        day = "2020-%02d-%02d" % (3 + (i // 28) % 6, 1 + i % 28)
        for t, l in (("text1", "lang1"), ("text2", "lang2")):
            text = r[t].strip()
            if copy:
                text += " (Kopie %d/%d)" % (copy, i)
            print(json.dumps({"title": text[:70], "text": text, "lang": r[l],
                              "published": day, "source": "outlet-%d" % (i % 7)}))
EOF

sep='?'; case "$pg" in *\?*) sep='&';; esac
summary=()
for k in $workers; do
    schema="ngbench_${k}_$$"
    psql -q "$pg" -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema" >/dev/null
    db="${pg}${sep}options=-c%20search_path%3D${schema}"
    n=$("$bin" --db "$db" ingest --no-analyse --json "$tmp/corpus.jsonl" | python3 -c 'import json,sys; print(json.load(sys.stdin)["ingested"])')

    start=$(date +%s.%N)
    for i in $(seq 1 "$k"); do
        /usr/bin/time -f "%U %S" -o "$tmp/cpu.$k.$i" \
            "$bin" --db "$db" worker --no-assign --threads 1 --batch "$batch" \
            --exit-when-done --poll 0.2 --quiet --id "bench-$k-$i" 2>"$tmp/log.$k.$i" &
    done
    wait
    end=$(date +%s.%N)
    cpu=$(cat "$tmp"/cpu.$k.* | awk '{s += $1 + $2} END {printf "%.2f", s}')

    a0=$(date +%s.%N)
    /usr/bin/time -f "%U %S" -o "$tmp/cpu.assign.$k" \
        "$bin" --db "$db" worker --assign --exit-when-done --poll 0.2 --id "assign-$k" 2>"$tmp/log.assign.$k"
    a1=$(date +%s.%N)
    acpu=$(awk '{printf "%.2f", $1 + $2}' "$tmp/cpu.assign.$k")
    # Wall time of the stories steps (one per arrival unit) in the assigner's log.
    stories_s=$(sed -n 's/.*stories step for arrival unit .* in \([0-9.]*\) s.*/\1/p' "$tmp/log.assign.$k" | awk '{s += $1} END {printf "%.2f", s}')
    done_n=$("$bin" --db "$db" worker --status | python3 -c 'import json,sys; print(json.load(sys.stdin)["done"])')
    psql -q "$pg" -c "DROP SCHEMA $schema CASCADE" >/dev/null

    line=$(python3 - "$k" "$n" "$done_n" "$start" "$end" "$cpu" "$a0" "$a1" "$acpu" "$stories_s" <<'EOF'
import json, sys
k, n, done = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
start, end, cpu, a0, a1, acpu, stories_s = map(float, sys.argv[4:])
wall = end - start
print(json.dumps({
    "workers": k, "articles": n, "assigned": done,
    "analysis_wall_s": round(wall, 2),
    "analysis_articles_per_s": round(n / wall, 1),
    "analysis_cpu_s": cpu,
    "analysis_articles_per_cpu_s": round(n / cpu, 1) if cpu else None,
    "assign_wall_s": round(a1 - a0, 2), "assign_cpu_s": acpu,
    "assign_articles_per_cpu_s": round(n / acpu, 1) if acpu else None,
    "stories_step_wall_s": stories_s,
    "end_to_end_articles_per_s": round(n / (wall + a1 - a0), 1),
    "cores": __import__("os").cpu_count(),
}))
EOF
)
    echo "$line"
    summary+=("$line")
done

echo
printf '%-8s %9s %12s %14s %12s %16s %11s\n' workers articles analysis_s articles/s cpu_s art/cpu_s assign_s
for l in "${summary[@]}"; do
    python3 -c '
import json, sys
d = json.loads(sys.argv[1])
print("%-8d %9d %12.1f %14.1f %12.1f %16.1f %11.1f" % (d["workers"], d["articles"],
      d["analysis_wall_s"], d["analysis_articles_per_s"], d["analysis_cpu_s"],
      d["analysis_articles_per_cpu_s"] or 0, d["assign_wall_s"]))' "$l"
done
echo "(machine: $(nproc) cores, shared with other jobs: compare articles per CPU-second too)"
