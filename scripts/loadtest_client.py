#!/usr/bin/env python3
"""Fixed-rate HTTP load generator for scripts/loadtest.sh (standard library only).

Sends GET requests at a fixed rate (open loop: the schedule does not wait for
slow answers) to a LOOPBACK server for a bounded time, and prints throughput
and latency percentiles as JSON. Usage:
  loadgen.py --base http://127.0.0.1:PORT --rate 200 --seconds 30 PATH [PATH...]
Paths are used round-robin. Refuses any non-loopback address.
"""
import argparse, http.client, json, queue, threading, time, urllib.parse

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--rate", type=float, default=200)
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--workers", type=int, default=32)
    ap.add_argument("--label", default="")
    ap.add_argument("paths", nargs="+")
    a = ap.parse_args()
    u = urllib.parse.urlparse(a.base)
    if u.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("loopback only")
    total = int(a.rate * min(a.seconds, 600))
    jobs = queue.Queue()
    lat, errors, lock = [], [0], threading.Lock()
    start = time.perf_counter()

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
                ok = r.status == 200
            except Exception:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
            # Latency from the scheduled send time (counts queueing: no coordinated omission).
            d = time.perf_counter() - due
            with lock:
                lat.append(d)
                if not ok:
                    errors[0] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.workers)]
    for t in threads:
        t.start()
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
    lat.sort()
    pct = lambda p: round(1000 * lat[min(len(lat) - 1, int(p * len(lat)))], 2) if lat else None
    print(json.dumps({
        "label": a.label, "requests": len(lat), "errors": errors[0], "seconds": round(elapsed, 2),
        "throughput_rps": round(len(lat) / elapsed, 1), "target_rps": a.rate,
        "p50_ms": pct(0.50), "p90_ms": pct(0.90), "p99_ms": pct(0.99), "max_ms": pct(1.0),
    }))

if __name__ == "__main__":
    main()
