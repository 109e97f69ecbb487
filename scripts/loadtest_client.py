#!/usr/bin/env python3
"""Fixed-rate HTTP load generator for scripts/loadtest.sh (standard library only).

Sends GET requests at a fixed rate (open loop: the schedule does not wait for
slow answers; latency is measured from the scheduled send time, so queueing
counts) to a LOOPBACK server for a bounded time, and prints one JSON line per
endpoint (paths grouped with numeric ids as {id}) plus one for all requests:
throughput, p50/p90/p99/max latency, errors. With --server-pid it also reports
the server's CPU time (user+system, from /proc) per request and its share of
one core, so that figures stay interpretable when other processes compete.
Usage:
  loadtest_client.py --base http://127.0.0.1:PORT --rate 200 --seconds 30 \
      [--server-pid PID] [--label L] PATH [PATH...]
Paths are used round-robin. Refuses any non-loopback address.
"""
import argparse
import http.client
import json
import os
import queue
import re
import threading
import time
import urllib.parse


def cpu_seconds(pid):
    """User + system CPU seconds of a process (and its threads)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def pct(values, p):
    if not values:
        return None
    return round(1000 * values[min(len(values) - 1, int(p * len(values)))], 2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=32)
    ap.add_argument("--label", default="")
    ap.add_argument("--server-pid", type=int)
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.base)
    if u.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only")
    total = int(a.rate * min(a.seconds, 600))
    jobs = queue.Queue()
    results, lock = [], threading.Lock()

    def worker():
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        while True:
            item = jobs.get()
            if item is None:
                return
            due, path = item
            try:
                conn.request("GET", path)
                r = conn.getresponse()
                r.read()
                ok = r.status
            except Exception:
                ok = 0
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            d = time.perf_counter() - due
            with lock:
                results.append((path, d, ok))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.workers)]
    for t in threads:
        t.start()
    cpu0 = cpu_seconds(a.server_pid) if a.server_pid else None
    load0 = os.getloadavg()[0]
    start = time.perf_counter()
    for i in range(total):
        due = start + i / a.rate
        now = time.perf_counter()
        if due > now:
            time.sleep(due - now)
        jobs.put((due, a.paths[i % len(a.paths)]))
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join(timeout=30)
    elapsed = time.perf_counter() - start
    cpu1 = cpu_seconds(a.server_pid) if a.server_pid else None
    groups = {}
    for path, d, ok in results:
        key = re.sub(r"/\d+", "/{id}", path.split("?", 1)[0])
        g = groups.setdefault(key, [[], 0, {}])
        g[0].append(d)
        g[1] += 0 if ok == 200 else 1
        if ok != 200:
            g[2][str(ok)] = g[2].get(str(ok), 0) + 1
    statuses = {}
    for _, _, ok in results:
        if ok != 200:
            statuses[str(ok)] = statuses.get(str(ok), 0) + 1
    groups["all"] = [[d for _, d, _ in results], sum(1 for r in results if r[2] != 200), statuses]
    cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
    for key, (lat, errors, by_status) in groups.items():
        if key == "all" and len(groups) == 2:
            continue
        lat.sort()
        line = {
            "label": a.label, "endpoint": key, "requests": len(lat), "errors": errors,
            "errors_by_status": by_status,
            "seconds": round(elapsed, 2), "throughput_rps": round(len(lat) / elapsed, 1),
            "p50_ms": pct(lat, 0.50), "p90_ms": pct(lat, 0.90), "p99_ms": pct(lat, 0.99),
            "max_ms": pct(lat, 1.0),
        }
        if key == "all" or len(groups) == 2:
            line["target_rps"] = a.rate
            line["loadavg_1min"] = [round(load0, 2), round(os.getloadavg()[0], 2)]
            if cpu is not None and results:
                line["server_cpu_ms_per_request"] = round(1000 * cpu / len(results), 3)
                line["server_cpu_share_of_one_core"] = round(cpu / elapsed, 3)
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
