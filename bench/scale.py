"""Scale: the nurse-facing reads on a large PostgreSQL database.

``python -m bench.scale --patients 1000000 --messages 10000000`` (``--scale F``
multiplies both) generates ``followup_scale`` with ``bench.generate_scale``
(unless ``--reuse`` and it exists), then times, each over ``--runs`` runs with
a fresh session as a request has:

* the flag queue: ``followup.care.flags.queue`` for the clinic with most open flags,
  and the same plus ``flag_json`` for each flag (what ``GET /api/flags`` does);
* a patient's timeline: the patient with infusions and check-ins
  (``patient_json``) and the messages query of ``GET /patients/<id>/messages``
  with ``message_json``, for random patients;
* a retried webhook: ``conversation._already_handled`` on an existing
  MessageSid (it looks up the reply by ``messages.reply_to_id``).

Prints p50/p99 in ms next to the 100 ms target.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, text

from bench.common import PG_ADMIN_URL, percentile, pg_available, pg_url, quiet_logs
from bench.generate_scale import DB, generate

TARGET_MS = 100.0
# The last run's figures, shown in make bench's summary (git-ignored).
LAST = Path(__file__).resolve().parent / ".last-scale.json"


@dataclass
class QueryTiming:
    name: str
    p50_ms: float
    p99_ms: float
    rows: float

    @property
    def ok(self) -> bool:
        return self.p99_ms < TARGET_MS


@dataclass
class ScaleResult:
    patients: int
    messages: int
    flags: int
    timings: list[QueryTiming]


def _exists(dbname: str) -> bool:
    import psycopg

    from bench.common import _libpq

    with psycopg.connect(_libpq(PG_ADMIN_URL)) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                            (dbname,)).fetchone() is not None


def _time(name: str, runs: int, fn: Callable[[int], int]) -> QueryTiming:
    fn(0)  # warm: plan cache, connection
    times, rows = [], []
    for i in range(runs):
        start = time.perf_counter()
        rows.append(fn(i))
        times.append((time.perf_counter() - start) * 1000)
    return QueryTiming(name, percentile(times, 50), percentile(times, 99), sum(rows) / len(rows))


def measure(url: str, runs: int, seed: int = 11) -> ScaleResult:
    from followup.care.flags import queue
    from followup.db import make_engine, make_sessionmaker
    from followup.messaging.inbound import _already_handled
    from followup.models import Flag, Message, Patient
    from followup.web.api import flag_json, message_json, patient_json

    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    rng = random.Random(seed)
    with sessions() as s:
        patients = s.scalar(select(func.max(Patient.id))) or 0
        messages = s.scalar(select(func.max(Message.id))) or 0
        flags = s.scalar(select(func.count()).select_from(Flag)) or 0
        busiest = s.execute(
            select(Flag.clinic_id, func.count()).where(Flag.status == "open")
            .group_by(Flag.clinic_id).order_by(func.count().desc()).limit(1)).first()
        clinic_id = busiest[0] if busiest else 1
        sids = list(s.scalars(select(Message.provider_sid).where(Message.direction == "in")
                              .where(Message.id > messages - 5000).limit(runs + 1)))
    picks = [rng.randint(1, max(1, patients)) for _ in range(runs + 1)]

    def flag_queue(_: int) -> int:
        with sessions() as s:
            return len(queue(s, clinic_id, "open"))

    def flag_api(_: int) -> int:
        with sessions() as s:
            return len([flag_json(f) for f in queue(s, clinic_id, "open")])

    def timeline(i: int) -> int:
        with sessions() as s:
            patient = s.get(Patient, picks[i])
            assert patient is not None
            body = patient_json(patient)
            msgs = s.scalars(select(Message).where(Message.patient_id == patient.id)
                             .order_by(Message.created_at, Message.id)).all()
            out = [message_json(m) for m in msgs]
            return len(body["checkins"]) + len(body["infusions"]) + len(out)

    def retried_webhook(i: int) -> int:
        with sessions() as s:
            return 1 if _already_handled(s.connection(), sids[i % len(sids)]).duplicate else 0

    timings = [
        _time("flag queue: flags.queue(clinic, open)", runs, flag_queue),
        _time("flag queue + flag_json (GET /api/flags)", runs, flag_api),
        _time("patient timeline (patient, infusions, check-ins, messages)", runs, timeline),
    ]
    if sids:
        timings.append(_time("retried webhook: _already_handled(sid)", runs, retried_webhook))
    with engine.connect() as conn:
        plan = conn.execute(text(
            "EXPLAIN SELECT body FROM messages WHERE reply_to_id = 1")).scalars().all()
    engine.dispose()
    print(f"  database: {patients:,} patients, {messages:,} messages, {flags:,} flags; "
          f"queue of clinic {clinic_id}")
    for t in timings:
        print(f"  {t.name:<62} p50 {t.p50_ms:8.1f} ms  p99 {t.p99_ms:8.1f} ms  "
              f"({t.rows:,.0f} rows)  {'PASS' if t.ok else 'FAIL'} (< {TARGET_MS:.0f} ms)")
    print(f"  plan of the reply lookup by reply_to_id: {plan[0].strip()}")
    result = ScaleResult(patients, messages, flags, timings)
    LAST.write_text(json.dumps({"at": datetime.now(UTC).isoformat(timespec="minutes"),
                                **asdict(result)}))
    return result


def main(argv: list[str] | None = None) -> ScaleResult | None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reuse", action="store_true",
                        help=f"measure the existing {DB} database instead of regenerating it")
    args = parser.parse_args(argv)
    quiet_logs()
    if not pg_available():
        print("  scale: skipped (no PostgreSQL)")
        return None
    if not (args.reuse and _exists(DB)):
        generate(int(args.patients * args.scale), int(args.messages * args.scale))
    return measure(pg_url(DB), args.runs)


if __name__ == "__main__":
    main()
