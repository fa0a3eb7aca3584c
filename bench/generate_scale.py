"""Make a large PostgreSQL database for the scale benchmark, with COPY.

``python -m bench.generate_scale --patients 1000000 --messages 10000000`` (or
``--scale 0.1`` for a tenth of that) creates the database ``followup_scale``
on the local server, migrates it with the real migrations, and fills it:

* one clinic per 10,000 patients (at least one), each with its own number;
* one infusion per patient and four check-ins per infusion (mostly sent);
* ``messages`` texts spread over the patients (out and in alternately) over
  the year before the bench instant;
* a flag for 2 % of inbound texts, 2 % of those (at random) still open, the
  rest resolved, levels mixed: about 40 open flags per clinic.

Plain indexes are dropped during the load and rebuilt after it, and foreign-key
triggers are off during COPY (``session_replication_role = replica``): the ids
are generated consistent, so nothing is skipped that could fail. Then ANALYZE.
"""

from __future__ import annotations

import argparse
import io
import random
import time
from collections.abc import Callable, Iterator
from datetime import timedelta

import psycopg

from bench.common import AS_OF, TIMEZONE, _libpq, migrate, pg_recreate, phone_of, quiet_logs

DB = "followup_scale"
PATIENTS_PER_CLINIC = 10_000
CHECKINS_PER_PATIENT = 4
FLAG_EVERY = 50  # inbound texts per flag (2 %)
OPEN_EVERY = 50  # flags per open flag (2 %)
BODIES_IN = ["I'm fine thanks", "bit of a headache", "my leg is swollen", "tired today",
             "estoy bien", "rash on my arms", "peeing less than usual", "all good", "ok"]
LEVELS = ["emergency", "urgent", "routine", "routine", "routine"]
CHUNK = 200_000


def _ts(seconds_before: float) -> str:
    return (AS_OF - timedelta(seconds=seconds_before)).replace(tzinfo=None).isoformat(" ")


def _copy(conn: psycopg.Connection, table: str, columns: str,
          rows: Callable[[], Iterator[str]]) -> None:
    """COPY text lines (tab-separated, \\N for NULL) in chunks."""
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buf = io.StringIO()
        for n, line in enumerate(rows(), 1):
            buf.write(line)
            if n % CHUNK == 0:
                copy.write(buf.getvalue())
                buf = io.StringIO()
        copy.write(buf.getvalue())


def generate(patients: int, messages: int, dbname: str = DB, seed: int = 7) -> str:
    quiet_logs()
    rng = random.Random(seed)
    url = pg_recreate(dbname)
    migrate(url)
    clinics = max(1, patients // PATIENTS_PER_CLINIC)
    year = 365 * 86400
    t0 = time.perf_counter()
    with psycopg.connect(_libpq(url)) as conn:
        conn.execute("SET session_replication_role = replica")
        plain = conn.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
            "AND i.tablename IN ('patients','infusions','checkins','messages','flags') "
            "AND i.indexdef NOT LIKE 'CREATE UNIQUE%'").fetchall()
        for name, _ in plain:
            conn.execute(f'DROP INDEX "{name}"')

        def clinic_rows() -> Iterator[str]:
            for c in range(1, clinics + 1):
                yield (f"{c}\tclinic{c}\tClinic {c}\t+1312555{c:04d}\t{TIMEZONE}\t"
                       f"+1313{c:07d}\t911\tf\t{_ts(2 * year)}\n")

        _copy(conn, "clinics", "id, slug, name, phone, timezone, sms_number, emergency_number, "
              "show_product_in_texts, created_at", clinic_rows)

        def clinic_of(p: int) -> int:
            return (p - 1) % clinics + 1

        ended = [0.0] * (patients + 1)
        for p in range(1, patients + 1):
            ended[p] = rng.uniform(86400, year)

        def patient_rows() -> Iterator[str]:
            for p in range(1, patients + 1):
                lang = "es" if p % 5 == 0 else "en"
                yield (f"{p}\t{clinic_of(p)}\t{phone_of(p)}\tPat{p}\t{lang}\t{TIMEZONE}\t"
                       f"{_ts(ended[p] + 3600)}\n")

        _copy(conn, "patients", "id, clinic_id, phone, first_name, language, timezone, "
              "created_at", patient_rows)

        def infusion_rows() -> Iterator[str]:
            for p in range(1, patients + 1):
                yield (f"{p}\t{p}\t{_ts(ended[p])}\t{TIMEZONE}\tPrivigen\tP{p % 9999:04d}\t"
                       f"{'t' if p % 3 == 0 else 'f'}\t{_ts(ended[p])}\n")

        _copy(conn, "infusions", "id, patient_id, ended_at, timezone, product, lot, "
              "first_infusion, created_at", infusion_rows)

        def checkin_rows() -> Iterator[str]:
            kinds = ("same_day", "day1", "day3", "day7")
            offsets = (3 * 3600, 86400, 3 * 86400, 7 * 86400)
            cid = 0
            for p in range(1, patients + 1):
                for kind, off in zip(kinds, offsets, strict=True):
                    cid += 1
                    before = ended[p] - off
                    due = _ts(before)
                    if before > 0:
                        status, sent = "sent", due
                    else:
                        status, sent = "pending", "\\N"
                    tpl = "checkin_late" if kind in ("day3", "day7") else "checkin_early"
                    yield (f"{cid}\t{p}\t{p}\t{kind}\t{tpl}\t{due}\t{due}\t{status}\t"
                           f"{1 if status == 'sent' else 0}\t{sent}\t{_ts(ended[p])}\n")

        _copy(conn, "checkins", "id, patient_id, infusion_id, kind, template, due_at, "
              "next_attempt_at, status, attempts, sent_at, created_at", checkin_rows)

        flags: list[str] = []

        def message_rows() -> Iterator[str]:
            per = max(1, messages // patients)
            mid = 0
            p = 0
            while mid < messages:
                p = p % patients + 1
                c = clinic_of(p)
                base = ended[p]
                for k in range(per):
                    if mid >= messages:
                        break
                    mid += 1
                    at = max(1.0, base - 3 * 3600 - k * 7200)
                    checkin = (p - 1) * CHECKINS_PER_PATIENT + 1 + min(k // 2, 3)
                    if k % 2 == 0:
                        yield (f"{mid}\t{c}\t{p}\t{checkin}\t\\N\tout\tHi Pat{p}, how are you "
                               f"feeling?\t+1313{c:07d}\t{phone_of(p)}\tSM{mid:032d}\tdelivered"
                               f"\t\\N\t{_ts(at)}\n")
                    else:
                        level = "ok"
                        if mid % FLAG_EVERY == 0:
                            fid = len(flags) + 1
                            flevel = LEVELS[fid % len(LEVELS)]
                            level = flevel if flevel != "routine" else "unclear"
                            status = "open" if rng.random() < 1 / OPEN_EVERY else "resolved"
                            resolved = _ts(at - 1800) if status == "resolved" else "\\N"
                            flags.append(
                                f"{fid}\t{c}\t{p}\t{mid}\t{checkin}\t{flevel}\ttriage\t[]\t"
                                f"{status}\t{_ts(at)}\t{resolved}\t{resolved}\t0\n")
                        yield (f"{mid}\t{c}\t{p}\t{checkin}\t\\N\tin\t"
                               f"{BODIES_IN[mid % len(BODIES_IN)]}\t{phone_of(p)}\t+1313{c:07d}"
                               f"\tSM{mid:032d}\treceived\t{level}\t{_ts(at - 60)}\n")

        _copy(conn, "messages", "id, clinic_id, patient_id, checkin_id, reply_to_id, direction, "
              "body, from_number, to_number, provider_sid, status, level, created_at",
              message_rows)
        _copy(conn, "flags", "id, clinic_id, patient_id, message_id, checkin_id, level, reason, "
              "findings, status, created_at, acknowledged_at, resolved_at, escalation_step",
              lambda: iter(flags))
        conn.execute("SET session_replication_role = origin")
        loaded = time.perf_counter()
        for _, definition in plain:
            conn.execute(definition)
        for table in ("clinics", "patients", "infusions", "checkins", "messages", "flags"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 1) FROM {table}))")
        conn.commit()
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    done = time.perf_counter()
    print(f"  generated {clinics} clinics, {patients:,} patients, "
          f"{patients * CHECKINS_PER_PATIENT:,} check-ins, {messages:,} messages, "
          f"{len(flags):,} flags in {done - t0:.0f} s (load {loaded - t0:.0f} s, "
          f"indexes + analyze {done - loaded:.0f} s)")
    return url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--patients", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=10_000_000)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply both sizes")
    args = parser.parse_args(argv)
    generate(int(args.patients * args.scale), int(args.messages * args.scale))


if __name__ == "__main__":
    main()
