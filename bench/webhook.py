"""Webhook load test: ``python -m bench.webhook [--levels 1,4,16] [--max-requests N]``.

Starts gunicorn three times on 127.0.0.1 with the same settings (sync workers,
two per core, as ``docs/deployment.md`` recommends), one after the other:
serving followup (``followup.app:create_app()`` with a bench TOML: PostgreSQL
when the local server answers, else SQLite; console backend, scheduler off);
serving the durable floor (``bench.bare_app:create_durable_app()``: the
signature check and one stored, committed row per message, what any webhook
that keeps the contract's promises must do); and serving a one-route Flask app
(``bench.bare_app:create_app()``), the ceiling. A load generator in a
second process sends inbound-SMS webhooks with real Twilio signatures (each a
distinct MessageSid, From an enrolled patient, a realistic body triaged for
real) at each concurrency level, bounded in count and time, and reports req/s,
p50/p99 latency and errors per level.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench.common import (
    AUTH_TOKEN,
    CLINIC_NUMBER,
    PUBLIC_URL,
    analyze,
    bench_toml,
    migrate,
    pg_available,
    pg_drop,
    pg_recreate,
    populate,
    positive,
    quiet_logs,
    sqlite_url,
)

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PATH = "/twilio/inbound"
FALLBACK_TEXTS = [
    "I'm fine, thanks", "a bit of a headache but ok", "my leg is swollen and red",
    "I can't breathe", "tired today", "estoy bien gracias", "me duele la cabeza",
    "rash on my arms, itchy", "peeing a lot less than usual", "all good", "stiff neck and fever",
]


@dataclass
class Level:
    concurrency: int
    ok: int
    errors: int
    error_kinds: str
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float


@dataclass
class WebhookResult:
    database: str
    workers: int
    followup: list[Level] = field(default_factory=list)
    floor: list[Level] = field(default_factory=list)  # signature + one stored row, no more
    bare: list[Level] = field(default_factory=list)

    @property
    def peak(self) -> float:
        return max((lv.rps for lv in self.followup), default=0.0)

    @property
    def bare_peak(self) -> float:
        return max((lv.rps for lv in self.bare), default=0.0)

    @property
    def floor_peak(self) -> float:
        return max((lv.rps for lv in self.floor), default=0.0)

    @property
    def ratio(self) -> float:
        return self.peak / self.bare_peak if self.bare_peak else 0.0

    @property
    def floor_ratio(self) -> float:
        """What any durable webhook reaches against bare Flask on this machine."""
        return self.floor_peak / self.bare_peak if self.bare_peak else 0.0

    @property
    def errors(self) -> int:
        return sum(lv.errors for lv in self.followup + self.floor + self.bare)


def texts() -> list[str]:
    from followup.triage.bench import DEFAULT_FILES
    from followup.triage.evaluate import load_cases

    found = [str(c["text"]) for f in DEFAULT_FILES if f.exists() for c in load_cases(f)]
    return found or FALLBACK_TEXTS


def signed_requests(phones: list[str], count: int, tag: str) -> list[dict[str, str]]:
    """``count`` inbound webhooks as Twilio sends them, signed over public_url + path."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(AUTH_TOKEN)
    bodies = texts()
    out = []
    for i in range(count):
        params = {
            "ToCountry": "US", "SmsMessageSid": "", "NumMedia": "0", "ToCity": "CHICAGO",
            "FromZip": "60601", "SmsSid": "", "FromState": "IL", "SmsStatus": "received",
            "FromCity": "CHICAGO", "Body": bodies[i % len(bodies)], "FromCountry": "US",
            "To": CLINIC_NUMBER, "ToZip": "60601", "NumSegments": "1",
            "MessageSid": f"SM{tag}{uuid.uuid4().hex[:32 - len(tag)]}",
            "AccountSid": "AC" + "0" * 32, "From": phones[i % len(phones)],
            "ApiVersion": "2010-04-01",
        }
        params["SmsMessageSid"] = params["SmsSid"] = params["MessageSid"]
        signature = validator.compute_signature(PUBLIC_URL + PATH, params)
        out.append({"body": urlencode(params), "signature": signature})
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(app: str, env: dict[str, str], workers: int) -> Iterator[int]:
    port = free_port()
    cmd = [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
           "--log-level", "warning", "--graceful-timeout", "5", app]
    proc = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read() if proc.stderr else ""
                    raise RuntimeError(f"gunicorn {app} did not start:\n{err[-2000:]}") from None
                time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def load(port: int, file: Path, offset: int, concurrency: int, max_requests: int,
         max_seconds: float) -> Level:
    cmd = [sys.executable, "-m", "bench.loadgen", "--port", str(port), "--path", PATH,
           "--requests", str(file), "--offset", str(offset), "--concurrency", str(concurrency),
           "--max-requests", str(max_requests), "--max-seconds", str(max_seconds)]
    out = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, check=True,
                         timeout=max_seconds + 120)
    data: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    data.pop("concurrency")
    return Level(concurrency=concurrency, **data)


def run_server(app: str, env: dict[str, str], workers: int, file: Path, levels: list[int],
               max_requests: int, max_seconds: float, warmup: int) -> list[Level]:
    results = []
    with gunicorn(app, env, workers) as port:
        # Warm-up (not counted): each worker imports, connects and loads the rulebook.
        load(port, file, 0, max(2, workers * 2), warmup, 30)
        offset = warmup
        for c in levels:
            level = load(port, file, offset, c, max_requests, max_seconds)
            offset += level.ok + level.errors
            results.append(level)
    return results


def default_workers() -> int:
    """Two sync workers per core, as the deployment guide recommends: a worker
    waiting on the database leaves its core to another."""
    return 2 * (os.cpu_count() or 1)


def bench(levels: list[int], max_requests: int, max_seconds: float, workers: int | None = None,
          patients: int = 2000, use_pg: bool | None = None) -> WebhookResult:
    quiet_logs()
    workers = default_workers() if workers is None else workers
    use_pg = pg_available() if use_pg is None else use_pg
    warmup = 100
    total = warmup + max_requests * len(levels)
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        url = pg_recreate("followup_bench_web") if use_pg else sqlite_url(tmp)
        try:
            migrate(url)
            from bench.bare_app import create_floor_table
            from followup.db import make_engine

            engine = make_engine(url)
            pop = populate(engine, patients=patients)
            create_floor_table(engine)
            analyze(engine)
            engine.dispose()
            config = Path(tmp) / "bench.toml"
            config.write_text(bench_toml(url))
            file = Path(tmp) / "requests.jsonl"
            file.write_text("\n".join(json.dumps(r) for r in
                                      signed_requests(pop.phones, total, "b")) + "\n")
            result = WebhookResult("PostgreSQL" if use_pg else "SQLite", workers)
            env = {"FOLLOWUP_CONFIG": str(config), "PYTHONPATH": str(REPO)}
            result.followup = run_server("followup.app:create_app()", env, workers, file,
                                         levels, max_requests, max_seconds, warmup)
            result.floor = run_server("bench.bare_app:create_durable_app()", env, workers,
                                      file, levels, max_requests, max_seconds, warmup)
            result.bare = run_server("bench.bare_app:create_app()", env, workers, file,
                                     levels, max_requests, max_seconds, warmup)
        finally:
            if use_pg:
                pg_drop("followup_bench_web")
    return result


def report(r: WebhookResult) -> None:
    print(f"  gunicorn -w {r.workers} (sync), followup on {r.database}; load generator in "
          "another process, 127.0.0.1")
    print("  floor = the same gunicorn serving only a signature check and one stored, "
          "committed row per message")
    print(f"  {'concurrency':>11}  {'followup req/s':>14} {'p50 ms':>7} {'p99 ms':>7} {'err':>4}"
          f"  {'floor req/s':>11} {'p99 ms':>7}  {'bare req/s':>10} {'p50 ms':>7} "
          f"{'p99 ms':>7} {'err':>4}  ratio")
    for f, fl, b in zip(r.followup, r.floor, r.bare, strict=True):
        ratio = f.rps / b.rps if b.rps else 0.0
        print(f"  {f.concurrency:>11}  {f.rps:>14,.0f} {f.p50_ms:>7.1f} {f.p99_ms:>7.1f} "
              f"{f.errors:>4}  {fl.rps:>11,.0f} {fl.p99_ms:>7.1f}  {b.rps:>10,.0f} "
              f"{b.p50_ms:>7.1f} {b.p99_ms:>7.1f} {b.errors:>4}  {ratio:5.0%}")
        for lv in (f, fl, b):
            if lv.errors:
                print(f"    errors at concurrency {lv.concurrency}: {lv.error_kinds}")
    print(f"  peak: followup {r.peak:,.0f} req/s, bare Flask {r.bare_peak:,.0f} req/s "
          f"= {r.ratio:.0%} of the ceiling; the durable floor reaches {r.floor_peak:,.0f} "
          f"req/s = {r.floor_ratio:.0%}")


def main(argv: list[str] | None = None) -> WebhookResult:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--levels", default="1,4,16")
    parser.add_argument("--max-requests", type=int, default=1500, help="per level")
    parser.add_argument("--max-seconds", type=float, default=8.0, help="per level")
    parser.add_argument("--workers", type=positive, default=None, help="default: 2 per core")
    parser.add_argument("--sqlite", action="store_true", help="SQLite even if PostgreSQL is up")
    args = parser.parse_args(argv)
    levels = [int(x) for x in args.levels.split(",")]
    result = bench(levels, args.max_requests, args.max_seconds, args.workers,
                   use_pg=False if args.sqlite else None)
    report(result)
    return result


if __name__ == "__main__":
    main()
