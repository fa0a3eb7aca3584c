"""Check-ins dispatched per second: ``python -m bench.dispatch [--sqlite N] [--pg N]``.

N due check-in rows are bulk-inserted (not timed), then ``Dispatcher.run_once``
at a fixed instant sends them with the console backend. On PostgreSQL 1 and 2
worker processes run the pass over the same rows at the same moment; afterwards
every check-in must be ``sent`` with exactly one outbound message.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from bench.common import (
    AS_OF,
    analyze,
    bench_settings,
    migrate,
    pg_available,
    pg_drop,
    pg_recreate,
    populate,
    quiet_logs,
    sqlite_url,
)


@dataclass
class DispatchResult:
    backend: str
    workers: int
    checkins: int
    seconds: float
    sent_by_worker: list[int]
    exactly_once: bool
    check: str

    @property
    def rate(self) -> float:
        return self.checkins / self.seconds if self.seconds else 0.0


def _dispatcher(url: str) -> Any:
    from followup.clock import FixedClock
    from followup.db import make_sessionmaker, make_worker_engine
    from followup.messaging.dispatch import Dispatcher
    from followup.messaging.outbound import Outbound
    from followup.messaging.sms.console import ConsoleBackend

    engine = make_worker_engine(url)  # what `followup worker` dispatches with
    settings = bench_settings(url)
    sessions, clock = make_sessionmaker(engine), FixedClock(AS_OF)
    out = Outbound(settings=settings, sessions=sessions, sms=ConsoleBackend(max_kept=1),
                   clock=clock)
    return Dispatcher(settings=settings, sessions=sessions, clock=clock, outbound=out), engine


def _worker(url: str, ready: Any, go: Any, out: Any) -> None:
    quiet_logs()
    dispatcher, engine = _dispatcher(url)
    with engine.connect():  # open the pool's first connection before the clock starts
        pass
    ready.set()
    go.wait()
    start = time.perf_counter()
    summary = dispatcher.run_once(AS_OF)
    out.put((summary.sent, summary.failed + summary.retrying + summary.skipped
             + summary.deferred, start, time.perf_counter()))
    engine.dispose()


def run_workers(url: str, workers: int) -> tuple[float, list[int]]:
    """Start ``workers`` processes, release them together; wall seconds and sent counts."""
    ctx = mp.get_context("fork")
    go = ctx.Event()
    out = ctx.Queue()
    readies = [ctx.Event() for _ in range(workers)]
    procs = [ctx.Process(target=_worker, args=(url, readies[i], go, out), daemon=True)
             for i in range(workers)]
    for p in procs:
        p.start()
    for r in readies:
        if not r.wait(60):
            raise RuntimeError("a dispatcher process did not start")
    go.set()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(60)
    starts = [r[2] for r in results]
    ends = [r[3] for r in results]
    others = sum(r[1] for r in results)
    if others:
        print(f"    note: {others} check-ins were not sent (deferred/skipped/failed)")
    return max(ends) - min(starts), [r[0] for r in results]


def verify(url: str, n: int) -> tuple[bool, str]:
    """Every check-in sent, and exactly one outbound message per check-in."""
    from followup.db import make_engine
    from followup.models import Checkin, Message

    engine = make_engine(url)
    with engine.connect() as conn:
        sent = conn.scalar(select(func.count()).where(Checkin.status == "sent"))
        total = conn.scalar(select(func.count()).select_from(Checkin))
        msgs = conn.scalar(select(func.count()).where(
            Message.direction == "out", Message.checkin_id.is_not(None)))
        distinct = conn.scalar(select(func.count(func.distinct(Message.checkin_id))).where(
            Message.direction == "out"))
    engine.dispose()
    ok = sent == total == n and msgs == distinct == n
    return ok, (f"{sent}/{total} check-ins sent, {msgs} outbound messages for "
                f"{distinct} distinct check-ins")


def bench_sqlite(n: int) -> DispatchResult:
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        url = sqlite_url(tmp)
        migrate(url)
        from followup.db import make_engine

        engine = make_engine(url)
        populate(engine, patients=n)
        engine.dispose()
        seconds, sent = run_workers(url, 1)
        ok, check = verify(url, n)
    return DispatchResult("SQLite", 1, n, seconds, sent, ok, check)


def bench_pg(n: int, workers: int) -> DispatchResult:
    url = pg_recreate()
    try:
        migrate(url)
        from followup.db import make_engine

        engine = make_engine(url)
        populate(engine, patients=n)
        analyze(engine)
        engine.dispose()
        seconds, sent = run_workers(url, workers)
        ok, check = verify(url, n)
    finally:
        pg_drop()
    return DispatchResult("PostgreSQL", workers, n, seconds, sent, ok, check)


def report(r: DispatchResult) -> None:
    split = " + ".join(str(s) for s in r.sent_by_worker)
    print(f"  {r.backend}, {r.workers} worker(s): {r.checkins} check-ins in {r.seconds:.2f} s "
          f"= {r.rate:,.0f}/s (sent per worker: {split})")
    print(f"    exactly once: {'yes' if r.exactly_once else 'NO'} ({r.check})")


def main(argv: list[str] | None = None) -> dict[str, DispatchResult | None]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sqlite", type=int, default=5000, help="check-ins on SQLite")
    parser.add_argument("--pg", type=int, default=10000, help="check-ins on PostgreSQL")
    args = parser.parse_args(argv)
    quiet_logs()
    out: dict[str, DispatchResult | None] = {}
    out["sqlite"] = r = bench_sqlite(args.sqlite)
    report(r)
    if not pg_available():
        print("  PostgreSQL: skipped (no PostgreSQL)")
        out["pg1"] = out["pg2"] = None
        return out
    for workers in (1, 2):
        out[f"pg{workers}"] = r = bench_pg(args.pg, workers)
        report(r)
    return out


if __name__ == "__main__":
    main()
