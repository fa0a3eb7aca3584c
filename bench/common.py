"""Shared set-up for the benchmarks: settings, databases, bulk rows, timing.

Set-up (creating and migrating a database, bulk-inserting a clinic, patients,
infusions and check-ins with SQLAlchemy core) is never measured; only the
operation named by each benchmark is.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.engine import make_url

from followup.config import Settings, load_settings

# The local PostgreSQL server (trust auth); the bench makes its own databases on it.
PG_ADMIN_URL = os.environ.get(
    "FOLLOWUP_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PG_BENCH_DB = "followup_bench"
# A Tuesday in November, 15:00 in Chicago: outside quiet hours, so every
# check-in due before it is sent, none deferred.
AS_OF = datetime(2026, 11, 10, 21, 0, tzinfo=UTC)
AUTH_TOKEN = "bench-auth-token-0123456789abcdef"
PUBLIC_URL = "https://followup.bench.example"
CLINIC_NUMBER = "+13125550199"
TIMEZONE = "America/Chicago"


def quiet_logs() -> None:
    """The dispatcher and the console backend log one INFO line per text."""
    logging.basicConfig(level=logging.WARNING)
    for name in ("followup", "sqlalchemy", "alembic", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)


def bench_overrides(database_url: str) -> dict[str, Any]:
    return {
        "database": {"url": database_url},
        "server": {"public_url": PUBLIC_URL, "secret_key": "bench-secret"},
        "sms": {"backend": "console"},
        "twilio": {"auth_token": AUTH_TOKEN},
        "scheduler": {"enabled": False},
        "logging": {"level": "WARNING"},
        # Pacing per sending number would otherwise hold the console backend to 1/s.
        "rate_limit": {"default_per_second": 1e6},
        # One token enrols the whole workload (the per-token limit guards leaked tokens).
        "api": {"enrollments_per_minute": 10**9},
    }


def bench_settings(database_url: str) -> Settings:
    return load_settings(instance_path=tempfile.gettempdir(),
                         overrides=bench_overrides(database_url), environ={})


def bench_toml(database_url: str) -> str:
    """The same settings as a TOML file, for gunicorn (FOLLOWUP_CONFIG)."""
    return (
        f'[server]\npublic_url = "{PUBLIC_URL}"\nsecret_key = "bench-secret"\n'
        f'[database]\nurl = "{database_url}"\n'
        '[sms]\nbackend = "console"\n'
        f'[twilio]\nauth_token = "{AUTH_TOKEN}"\n'
        '[scheduler]\nenabled = false\n'
        '[logging]\nlevel = "WARNING"\n'
        '[rate_limit]\ndefault_per_second = 1000000.0\n'
    )


def positive(text: str) -> int:
    """An argparse type: a whole number of at least 1, or a clear refusal."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too small: at least 1")
    return value


# -- databases -----------------------------------------------------------------
def sqlite_url(directory: str | Path, name: str = "bench.db") -> str:
    return f"sqlite:///{Path(directory) / name}"


def pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(_libpq(PG_ADMIN_URL), connect_timeout=3):
            return True
    except Exception:
        return False


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def pg_url(dbname: str = PG_BENCH_DB) -> str:
    return make_url(PG_ADMIN_URL).set(database=dbname).render_as_string(hide_password=False)


def pg_recreate(dbname: str = PG_BENCH_DB) -> str:
    """Drop and create ``dbname`` on the local server; return its SQLAlchemy URL."""
    import psycopg

    if not dbname.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name {dbname!r}")
    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    return pg_url(dbname)


def pg_drop(dbname: str = PG_BENCH_DB) -> None:
    import psycopg

    with psycopg.connect(_libpq(PG_ADMIN_URL), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


def migrate(url: str) -> None:
    from followup.migrate import upgrade

    upgrade(url)
    quiet_logs()  # alembic's fileConfig-free run still sets handlers on some loggers


# -- rows ----------------------------------------------------------------------
@dataclass
class Population:
    clinic_id: int
    patient_ids: list[int]
    phones: list[str]
    checkin_ids: list[int]


def phone_of(i: int) -> str:
    # +1 555 01xx xxxx: fictional numbers, unique per patient index.
    return f"+1555{i:07d}"


def add_clinic(engine: Engine, as_of: datetime = AS_OF) -> int:
    from followup.models import Clinic

    with engine.begin() as conn:
        return int(conn.execute(insert(Clinic).returning(Clinic.id), [{
            "slug": "bench", "name": "Bench Infusion Center", "phone": "+13125550100",
            "timezone": TIMEZONE, "sms_number": CLINIC_NUMBER, "emergency_number": "911",
            "show_product_in_texts": False, "created_at": as_of - timedelta(days=30),
        }]).scalar_one())


def add_patients(engine: Engine, clinic_id: int, indices: range, *,
                 checkins_per_patient: int = 1, as_of: datetime = AS_OF
                 ) -> tuple[list[int], list[int]]:
    """One transaction: a patient per index (phone ``phone_of(index)``), each with
    one infusion and its check-ins; returns (patient ids, check-in ids).

    Every check-in is due one hour before ``as_of`` (inside waking hours in
    Chicago), pending, so one dispatcher pass sends them all."""
    from followup.models import Checkin, Infusion, Patient

    ended = as_of - timedelta(days=1, hours=2)
    with engine.begin() as conn:
        pids = list(conn.execute(insert(Patient).returning(
            Patient.id, sort_by_parameter_order=True), [{
            "clinic_id": clinic_id, "phone": phone_of(i), "first_name": f"Pat{i}",
            "language": "es" if i % 5 == 0 else "en", "timezone": TIMEZONE,
            "created_at": ended,
        } for i in indices]).scalars())
        iids = list(conn.execute(insert(Infusion).returning(
            Infusion.id, sort_by_parameter_order=True), [{
            "patient_id": pid, "ended_at": ended, "timezone": TIMEZONE,
            "product": "Privigen", "lot": "P100234", "first_infusion": True,
            "created_at": ended,
        } for pid in pids]).scalars())
        rows = []
        for pid, iid in zip(pids, iids, strict=True):
            for j in range(checkins_per_patient):
                due = as_of - timedelta(hours=1, minutes=j)
                rows.append({
                    "patient_id": pid, "infusion_id": iid, "kind": f"day{j + 1}",
                    "template": "checkin_early", "due_at": due, "next_attempt_at": due,
                    "status": "pending", "attempts": 0, "created_at": ended,
                })
        checkin_ids = list(conn.execute(
            insert(Checkin).returning(Checkin.id, sort_by_parameter_order=True), rows
        ).scalars())
    return pids, checkin_ids


def populate(engine: Engine, *, patients: int, checkins_per_patient: int = 1,
             as_of: datetime = AS_OF, chunk: int = 5000) -> Population:
    """A clinic, ``patients`` patients with one infusion each, and due check-ins
    (see ``add_patients``), inserted ``chunk`` patients per transaction."""
    clinic_id = add_clinic(engine, as_of)
    patient_ids: list[int] = []
    checkin_ids: list[int] = []
    for start in range(0, patients, chunk):
        pids, cids = add_patients(engine, clinic_id, range(start, min(start + chunk, patients)),
                                  checkins_per_patient=checkins_per_patient, as_of=as_of)
        patient_ids += pids
        checkin_ids += cids
    return Population(clinic_id, patient_ids, [phone_of(i) for i in range(patients)],
                      checkin_ids)


def analyze(engine: Engine) -> None:
    """Fresh planner statistics after a bulk load (PostgreSQL's autovacuum lags)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))


# -- timing --------------------------------------------------------------------
@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t: ...`` then ``t[0]`` is the elapsed seconds."""
    out: list[float] = []
    start = time.perf_counter()
    try:
        yield out
    finally:
        out.append(time.perf_counter() - start)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * pct / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
