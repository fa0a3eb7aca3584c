"""The common way versus ours: ``python -m bench.baseline [-n N]``.

The same workload, N check-ins to send now, done two ways, each in its own
fresh subprocess on its own SQLite file:

* APScheduler 3, one date job per check-in in a ``SQLAlchemyJobStore``: add N
  jobs (run_date already past, no misfire limit), then let a
  ``BackgroundScheduler`` run them; each job "sends" through the console
  backend.
* followup: insert N check-in rows (with their patients and infusions), then
  one ``Dispatcher.run_once``.

Set-up is outside both measurements on both sides: the schema (APScheduler's
job table when its scheduler starts; our Alembic migrations) is made once per
deployment, not per check-in. Time is wall time for add + run. Memory is the
peak of Python allocations (``tracemalloc``, started after set-up) in each
phase, from a second, separate run (tracing slows everything, so it is not
timed), at N and again at 3N, to show how each side grows with the
backlog; the process's peak RSS (interpreter, imports and SQLite cache
included) is printed for reference. Both sides first handle a few check-ins
outside the measurement, as a long-running process has. Note what each side
stores: followup writes a patient, an infusion and a check-in row per check-in
(200 patients per transaction); APScheduler pickles one job per check-in, one transaction each.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import AS_OF, phone_of, positive, quiet_logs, sqlite_url

REPO = Path(__file__).resolve().parent.parent

# -- the APScheduler way ------------------------------------------------------
_SMS: Any = None
_DONE = threading.Semaphore(0)
_SENT = [0]  # jobs run since the counter was last reset (a count, so no memory of its own)
_PHASES: dict[str, float] = {}
_TRACE = False
# Both sides first handle a few check-ins outside the measurement, as a process
# that has been running for a while has: what is measured is what the workload
# adds, not one-time costs (imports done, statements compiled, mappers set up).
WARM_UP = 10
# Our enrolments arrive a clinic's batch at a time (a CSV import, a day's list),
# one transaction each; APScheduler's add_job is one transaction per job.
ENROL_BATCH = 200


def _begin() -> None:
    """Set-up is done: from here on allocations count (when tracing)."""
    if _TRACE:
        tracemalloc.start()


def _mark(phase: str) -> None:
    """Record the Python allocation peak of the phase that just ended, start a new one."""
    if tracemalloc.is_tracing():
        _PHASES[phase] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.reset_peak()


def send_checkin(checkin_id: int, phone: str, first_name: str) -> None:
    """The job each check-in becomes: render a text and hand it to the backend."""
    _SMS.send(to=phone, body=f"Hi {first_name}, how are you feeling today? (check-in "
              f"{checkin_id}) Reply in your own words.", from_="+13125550199")
    _SENT[0] += 1
    _DONE.release()


def apscheduler_way(url: str, n: int) -> dict[str, float]:
    global _SMS
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    from followup.messaging.sms.console import ConsoleBackend

    _SMS = ConsoleBackend(max_kept=1)
    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)},
                                    timezone="UTC")
    scheduler.start(paused=True)  # creates the job table
    past = AS_OF - timedelta(hours=1)

    def add(indices: range) -> None:
        for i in indices:
            scheduler.add_job(send_checkin, "date", run_date=past,
                              args=(i, phone_of(i), f"Pat{i}"), id=f"checkin-{i}",
                              misfire_grace_time=None)

    def run(count: int) -> None:
        scheduler.resume()
        for _ in range(count):
            if not _DONE.acquire(timeout=300):
                raise RuntimeError("APScheduler did not run every job in time")

    add(range(n, n + WARM_UP))  # a long-running scheduler has done this before
    run(WARM_UP)
    scheduler.pause()
    _SENT[0] = 0
    _begin()
    start = time.perf_counter()
    add(range(n))
    added = time.perf_counter()
    _mark("add_mb")
    run(n)
    done = time.perf_counter()
    _mark("run_mb")
    scheduler.shutdown(wait=True)
    return {"add_s": added - start, "run_s": done - added, "sent": _SENT[0]}


# -- our way ----------------------------------------------------------------------
def followup_way(url: str, n: int) -> dict[str, float]:
    from bench.common import add_clinic, add_patients, bench_settings
    from followup.clock import FixedClock
    from followup.db import make_engine, make_sessionmaker
    from followup.messaging.dispatch import Dispatcher
    from followup.messaging.outbound import Outbound
    from followup.messaging.sms.console import ConsoleBackend
    from followup.migrate import upgrade

    upgrade(url)
    quiet_logs()
    engine = make_engine(url)
    settings, sessions, clock = bench_settings(url), make_sessionmaker(engine), FixedClock(AS_OF)
    out = Outbound(settings=settings, sessions=sessions, sms=ConsoleBackend(max_kept=1),
                   clock=clock)
    dispatcher = Dispatcher(settings=settings, sessions=sessions, clock=clock, outbound=out)
    clinic_id = add_clinic(engine)

    def add(indices: range) -> None:
        for first in range(indices.start, indices.stop, ENROL_BATCH):
            add_patients(engine, clinic_id, range(first, min(first + ENROL_BATCH, indices.stop)))

    add(range(n, n + WARM_UP))  # a long-running worker has done this before
    dispatcher.run_once(AS_OF)
    _begin()
    start = time.perf_counter()
    add(range(n))
    added = time.perf_counter()
    _mark("add_mb")
    summary = dispatcher.run_once(AS_OF)
    done = time.perf_counter()
    _mark("run_mb")
    engine.dispose()
    return {"add_s": added - start, "run_s": done - added, "sent": summary.sent}


WAYS = {"apscheduler": apscheduler_way, "followup": followup_way}


def child(way: str, n: int, trace: bool) -> dict[str, float]:
    """One measurement in this (fresh) process."""
    global _TRACE
    _TRACE = trace
    quiet_logs()
    import apscheduler.schedulers.background  # noqa: F401  (imports outside the measurement)

    import followup.messaging.dispatch  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        url = sqlite_url(tmp, f"{way}.db")
        if way == "apscheduler":
            from followup.db import make_engine

            make_engine(url).dispose()
        out = WAYS[way](url, n)
        if trace:
            out.update(_PHASES)
            out["py_peak_mb"] = max(_PHASES.values())
            tracemalloc.stop()
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def measure(way: str, n: int, trace: bool = False) -> dict[str, float]:
    cmd = [sys.executable, "-m", "bench.baseline", "--child", way, "-n", str(n)]
    if trace:
        cmd.append("--trace")
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=900)
    if proc.returncode:
        raise RuntimeError(f"{way} run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@dataclass
class BaselineResult:
    n: int
    ours: dict[str, float]
    theirs: dict[str, float]
    big_n: int = 0  # a second, traced-only size: how memory grows with the backlog

    @staticmethod
    def total(d: dict[str, float]) -> float:
        return d["add_s"] + d["run_s"]

    @property
    def time_ratio(self) -> float:
        return self.total(self.theirs) / self.total(self.ours)

    @property
    def memory_ratio(self) -> float:
        return self.theirs["py_peak_mb"] / max(self.ours["py_peak_mb"], 1e-9)

    @property
    def big_memory_ratio(self) -> float:
        return self.theirs["big_py_peak_mb"] / max(self.ours["big_py_peak_mb"], 1e-9)

    def growth(self, d: dict[str, float]) -> float:
        """MB of Python peak per 1,000 more check-ins, from ``n`` to ``big_n``."""
        return (d["big_py_peak_mb"] - d["py_peak_mb"]) / (self.big_n - self.n) * 1000


def bench(n: int, grow: int = 3) -> BaselineResult:
    out = {}
    for way in WAYS:
        timed = measure(way, n)
        traced = measure(way, n, trace=True)
        for key in ("py_peak_mb", "add_mb", "run_mb"):
            timed[key] = traced[key]
        timed["big_py_peak_mb"] = measure(way, n * grow, trace=True)["py_peak_mb"]
        out[way] = timed
    return BaselineResult(n, out["followup"], out["apscheduler"], n * grow)


def report(r: BaselineResult) -> None:
    for name, d in (("APScheduler job per check-in", r.theirs),
                    ("followup rows + run_once", r.ours)):
        print(f"  {name:<29} {r.n} check-ins: add {d['add_s']:6.2f} s + run {d['run_s']:6.2f} s"
              f" = {r.total(d):6.2f} s; Python peak {d['py_peak_mb']:5.1f} MB (add "
              f"{d['add_mb']:.1f}, run {d['run_mb']:.1f}); process peak RSS "
              f"{d['peak_rss_mb']:.0f} MB; sent {int(d['sent'])}")
        print(f"  {'':<29} {r.big_n} check-ins: Python peak {d['big_py_peak_mb']:5.1f} MB, "
              f"{r.growth(d):+.2f} MB per 1,000 more check-ins")
    print(f"  ratio (APScheduler / followup, > 1 means followup is better): time "
          f"{r.time_ratio:.2f}x, Python peak memory {r.memory_ratio:.2f}x at {r.n}, "
          f"{r.big_memory_ratio:.2f}x at {r.big_n}")


def main(argv: list[str] | None = None) -> BaselineResult | None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=positive, default=2000)
    parser.add_argument("--child", choices=sorted(WAYS))
    parser.add_argument("--trace", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.n, args.trace)))
        return None
    result = bench(args.n)
    report(result)
    return result


if __name__ == "__main__":
    main()
