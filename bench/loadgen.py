"""A small closed-loop HTTP load generator (stdlib only), run as its own process.

``python -m bench.loadgen --port P --requests FILE --concurrency C
--max-requests M --max-seconds S`` sends the pre-built requests in FILE (JSON
lines: {"body": ..., "signature": ...}) as POSTs to 127.0.0.1 only, each
thread on its own keep-alive ``http.client`` connection, each request once,
and prints one JSON line: count, errors, seconds, req/s, p50/p99 in ms.
Bounded: it stops after M requests or S seconds, whichever comes first.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from pathlib import Path

HOST = "127.0.0.1"  # never anything else: this is a loopback-only load test


def run(port: int, path: str, requests: list[dict[str, str]], concurrency: int,
        max_requests: int, max_seconds: float) -> dict[str, float | int | str]:
    lock = threading.Lock()
    cursor = [0]
    latencies: list[float] = []
    errors: dict[str, int] = {}
    todo = min(max_requests, len(requests))
    deadline = time.perf_counter() + max_seconds

    def take() -> dict[str, str] | None:
        with lock:
            if cursor[0] >= todo or time.perf_counter() >= deadline:
                return None
            item = requests[cursor[0]]
            cursor[0] += 1
            return item

    def worker() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine: list[float] = []
        while (item := take()) is not None:
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "X-Twilio-Signature": item["signature"]}
            start = time.perf_counter()
            try:
                conn.request("POST", path, body=item["body"], headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
                if resp.getheader("Connection", "").lower() == "close":
                    conn.close()  # reopened on the next request
            except (OSError, http.client.HTTPException) as exc:
                status = type(exc).__name__
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
            elapsed = time.perf_counter() - start
            if status == 200:
                mine.append(elapsed)
            else:
                with lock:
                    errors[str(status)] = errors.get(str(status), 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(max_seconds + 60)
    seconds = time.perf_counter() - start
    latencies.sort()

    def pct(p: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, round((len(latencies) - 1) * p / 100))] * 1000

    ok = len(latencies)
    return {"concurrency": concurrency, "ok": ok, "errors": sum(errors.values()),
            "error_kinds": json.dumps(errors), "seconds": seconds,
            "rps": ok / seconds if seconds else 0.0, "p50_ms": pct(50), "p99_ms": pct(99)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", default="/twilio/inbound")
    parser.add_argument("--requests", type=Path, required=True)
    parser.add_argument("--offset", type=int, default=0, help="first request of the file to send")
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--max-requests", type=int, default=1000)
    parser.add_argument("--max-seconds", type=float, default=10.0)
    args = parser.parse_args(argv)
    lines = args.requests.read_text().splitlines()[args.offset:]
    requests = [json.loads(line) for line in lines]
    result = run(args.port, args.path, requests, args.concurrency, args.max_requests,
                 args.max_seconds)
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
