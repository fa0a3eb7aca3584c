"""``make bench``: every benchmark in one bounded run, then a summary table.

``python -m bench.run [--quick]``. Steps: enrolment, dispatch (SQLite; PostgreSQL
with 1 and 2 worker processes), triage, webhooks under gunicorn against a bare
Flask ceiling, and the APScheduler baseline. The scale benchmark is separate
(``make bench-scale``): it generates millions of rows.
"""

from __future__ import annotations

import argparse
import json
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.common import quiet_logs


@dataclass
class Row:
    figure: str
    value: str
    target: str = ""
    verdict: str = "info"


ROWS: list[Row] = []


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def step(title: str, fn: Callable[[], Any]) -> Any:
    print(f"\n== {title}", flush=True)
    start = time.perf_counter()
    try:
        result = fn()
    except Exception:
        traceback.print_exc()
        ROWS.append(Row(title, "error (see above)", "", "FAIL"))
        return None
    print(f"  ({time.perf_counter() - start:.0f} s)", flush=True)
    return result


def enrolment(n: int) -> None:
    from bench import enroll

    for key, r in (("service", enroll.bench_service(n)), ("http", enroll.bench_http(n))):
        enroll.report(r)
        label = "service, SQLite" if key == "service" else "HTTP test client, SQLite"
        ROWS.append(Row(f"enrolments/s ({label})", f"{r.rate:,.0f}/s",
                        "", "info" if not r.errors else "FAIL"))


def dispatch(n_sqlite: int, n_pg: int) -> None:
    from bench import dispatch as d
    from bench.common import pg_available

    r = d.bench_sqlite(n_sqlite)
    d.report(r)
    ROWS.append(Row("check-ins dispatched/s, SQLite, 1 worker", f"{r.rate:,.0f}/s",
                    ">= 2,000/s", verdict(r.rate >= 2000)))
    ROWS.append(Row("  sent exactly once (SQLite)", "yes" if r.exactly_once else "NO",
                    "every check-in once", verdict(r.exactly_once)))
    if not pg_available():
        print("  PostgreSQL: skipped (no PostgreSQL)")
        for w in (1, 2):
            ROWS.append(Row(f"check-ins dispatched/s, PostgreSQL, {w} worker(s)",
                            "skipped (no PostgreSQL)", ">= 5,000/s" if w == 2 else "", "skip"))
        return
    for w in (1, 2):
        r = d.bench_pg(n_pg, w)
        d.report(r)
        ROWS.append(Row(f"check-ins dispatched/s, PostgreSQL, {w} worker process(es)",
                        f"{r.rate:,.0f}/s", ">= 5,000/s" if w == 2 else "",
                        verdict(r.rate >= 5000) if w == 2 else "info"))
        ROWS.append(Row(f"  sent exactly once (PostgreSQL, {w} worker(s))",
                        "yes" if r.exactly_once else "NO", "every check-in once",
                        verdict(r.exactly_once)))


def triage() -> None:
    from bench import triage as t

    rate = t.bench()
    # Issue 13: the whole reading (rulebook, numbered answers, second reader) >= 2,000/s.
    ROWS.append(Row("triage messages/s, whole reading (one core)",
                    f"{rate:,.0f}/s" if rate else "error",
                    ">= 2,000/s", verdict(bool(rate) and rate >= 2000)))


def webhooks(max_requests: int, max_seconds: float) -> None:
    from bench import webhook as w

    r = w.bench([1, 4, 16], max_requests, max_seconds)
    w.report(r)
    best = max(r.followup, key=lambda lv: lv.rps)
    ROWS.append(Row(f"webhook req/s (gunicorn -w {r.workers}, {r.database}, "
                    f"peak at c={best.concurrency})",
                    f"{best.rps:,.0f}/s, p50 {best.p50_ms:.1f} ms, p99 {best.p99_ms:.1f} ms"))
    ROWS.append(Row("  bare Flask ceiling (same gunicorn, peak)", f"{r.bare_peak:,.0f}/s"))
    ROWS.append(Row("  webhook / bare Flask", f"{r.ratio:.0%}", ">= 50 %", verdict(r.ratio >= 0.5)))
    ROWS.append(Row("  durable floor (signature + 1 stored row) / bare Flask",
                    f"{r.floor_ratio:.0%} ({r.floor_peak:,.0f}/s)"))
    ROWS.append(Row("  webhook / durable floor",
                    f"{r.peak / r.floor_peak if r.floor_peak else 0.0:.0%}"))
    ROWS.append(Row("  webhook errors (all levels)", str(r.errors), "0", verdict(r.errors == 0)))


def baseline(n: int) -> None:
    from bench import baseline as b

    r = b.bench(n)
    b.report(r)
    theirs, ours = r.total(r.theirs), r.total(r.ours)
    ROWS.append(Row(f"APScheduler / followup time ({n} check-ins)",
                    f"{r.time_ratio:.2f}x ({theirs:.2f} s / {ours:.2f} s)", ">= 10x",
                    verdict(r.time_ratio >= 10)))
    for size, ratio, key in ((n, r.memory_ratio, "py_peak_mb"),
                             (r.big_n, r.big_memory_ratio, "big_py_peak_mb")):
        ROWS.append(Row(f"APScheduler / followup Python peak memory ({size})",
                        f"{ratio:.2f}x ({r.theirs[key]:.1f} MB / {r.ours[key]:.1f} MB)",
                        ">= 10x", verdict(ratio >= 10)))
    ROWS.append(Row("  Python peak per 1,000 more check-ins",
                    f"APScheduler {r.growth(r.theirs):+.2f} MB, followup "
                    f"{r.growth(r.ours):+.2f} MB"))


def scale_rows() -> None:
    """The last ``make bench-scale`` figures, if any: that run is too long for here."""
    from bench.scale import LAST, TARGET_MS

    if not LAST.exists():
        ROWS.append(Row("scale (1M patients, 10M messages)", "not run: make bench-scale",
                        f"< {TARGET_MS:.0f} ms", "-"))
        return
    last = json.loads(LAST.read_text())
    ROWS.append(Row(f"scale, last make bench-scale ({last['at']}): {last['patients']:,} "
                    f"patients, {last['messages']:,} messages", "p50 / p99", "", ""))
    for t in last["timings"]:
        ROWS.append(Row(f"  {t['name']}", f"{t['p50_ms']:.1f} / {t['p99_ms']:.1f} ms",
                        f"< {TARGET_MS:.0f} ms", verdict(t["p99_ms"] < TARGET_MS)))


def summary() -> None:
    scale_rows()
    width = max(len(r.figure) for r in ROWS)
    vwidth = max(len(r.value) for r in ROWS)
    twidth = max(len(r.target) for r in ROWS)
    line = "-" * (width + vwidth + twidth + 14)
    print(f"\n{line}\n{'figure':<{width}}  {'measured':<{vwidth}}  {'target':<{twidth}}  result")
    print(line)
    for r in ROWS:
        print(f"{r.figure:<{width}}  {r.value:<{vwidth}}  {r.target:<{twidth}}  {r.verdict}")
    print(line)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke test)")
    args = parser.parse_args(argv)
    quiet_logs()
    k = 0.2 if args.quick else 1.0
    start = time.perf_counter()
    step("1. enrolments", lambda: enrolment(int(1000 * k)))
    step("2. dispatch", lambda: dispatch(int(4000 * k), int(4000 * k)))
    step("3. triage", triage)
    step("4. webhooks under load", lambda: webhooks(int(1500 * k), 8.0 * k))
    step("5. baseline: APScheduler 3, one job per check-in", lambda: baseline(int(2000 * k)))
    summary()
    print(f"whole run: {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
