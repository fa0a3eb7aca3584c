"""Enrolments per second: ``python -m bench.enroll [-n N]``.

Service level: ``parse_request`` + ``enroll`` + commit, one transaction per
enrolment as the API does, on a SQLite file database. HTTP level: the same
through ``POST /api/enrollments`` with Flask's in-process test client (token
check, JSON, audit row, response), no network.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bench.common import AS_OF, CLINIC_NUMBER, TIMEZONE, bench_overrides, migrate, quiet_logs
from bench.common import sqlite_url as make_sqlite_url


@dataclass
class EnrollResult:
    level: str
    count: int
    seconds: float
    checkins: int
    errors: int = 0

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0


def _payload(i: int) -> dict[str, Any]:
    ended = AS_OF - timedelta(hours=2, minutes=i % 60)
    return {
        "phone": f"(312) 7{i // 10000 % 100:02d}-{i % 10000:04d}",
        "first_name": f"Pat{i}", "language": "es" if i % 5 == 0 else "en",
        "infusion_at": ended.isoformat(), "first_infusion": i % 3 == 0,
        "product": "Privigen", "lot": f"P{100000 + i}", "external_id": f"MRN{i}",
    }


def _app(url: str) -> Any:
    from followup.app import create_app
    from followup.clock import FixedClock
    from followup.messaging.sms.console import ConsoleBackend

    app = create_app(bench_overrides(url), clock=FixedClock(AS_OF),
                     sms=ConsoleBackend(max_kept=1))
    quiet_logs()
    return app


def _clinic(svc: Any) -> tuple[Any, str]:
    from followup.models import Clinic
    from followup.staff.tokens import issue_token

    with svc.sessions() as s:
        clinic = Clinic(slug="bench", name="Bench Infusion Center", phone="+13125550100",
                        timezone=TIMEZONE, sms_number=CLINIC_NUMBER, emergency_number="911",
                        show_product_in_texts=False, created_at=AS_OF)
        s.add(clinic)
        s.flush()
        token = issue_token(s, clinic, "bench", actor="bench", now=AS_OF)
        s.commit()
        return clinic, token


def bench_service(n: int) -> EnrollResult:
    from followup.patients.enrollment import enroll, parse_request

    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        url = make_sqlite_url(tmp)
        migrate(url)
        app = _app(url)
        svc = app.extensions["followup"]
        clinic, _ = _clinic(svc)
        payloads = [_payload(i) for i in range(n)]
        checkins = 0
        start = time.perf_counter()
        for data in payloads:
            with svc.sessions() as session:
                request = parse_request(data, clinic, AS_OF)
                result = enroll(session, clinic, request, settings=svc.settings, now=AS_OF)
                session.commit()
                checkins += len(result.checkins)
        seconds = time.perf_counter() - start
        svc.engine.dispose()
    return EnrollResult("service (parse_request + enroll + commit)", n, seconds, checkins)


def bench_http(n: int) -> EnrollResult:
    with tempfile.TemporaryDirectory(prefix="followup-bench-") as tmp:
        url = make_sqlite_url(tmp)
        migrate(url)
        app = _app(url)
        svc = app.extensions["followup"]
        _, token = _clinic(svc)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        payloads = [_payload(i) for i in range(n)]
        errors = checkins = 0
        start = time.perf_counter()
        for data in payloads:
            resp = client.post("/api/enrollments", json=data, headers=headers)
            if resp.status_code != 201:
                errors += 1
            else:
                checkins += len(resp.get_json()["checkins"])
        seconds = time.perf_counter() - start
        svc.engine.dispose()
    return EnrollResult("HTTP POST /api/enrollments (test client)", n, seconds, checkins, errors)


def report(r: EnrollResult) -> None:
    err = f", {r.errors} errors" if r.errors else ""
    print(f"  {r.level}: {r.count} enrolments ({r.checkins} check-ins planned) in "
          f"{r.seconds:.2f} s = {r.rate:,.0f}/s{err}")


def main(argv: list[str] | None = None) -> dict[str, EnrollResult]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=1000)
    args = parser.parse_args(argv)
    quiet_logs()
    out = {"service": bench_service(args.n), "http": bench_http(args.n)}
    for r in out.values():
        report(r)
    return out


if __name__ == "__main__":
    main()
