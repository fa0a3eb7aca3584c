"""Shared fixtures: an app on a migrated database, a fixed clock, a clinic.

The database is always built by the real Alembic migrations. SQLite (the
default) migrates once into a template file that each test copies; with
FOLLOWUP_TEST_DATABASE_URL set to PostgreSQL, the schema is migrated once and
each test starts from empty tables. Under pytest-xdist (``make test`` runs two
workers) each worker has its own PostgreSQL database, the given one's name with
the worker's id appended (``test_gw0``), created when missing.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator
from werkzeug.routing import Rule

from followup.app import create_app
from followup.clock import FixedClock
from followup.extensions import Services
from followup.messaging.sms.base import SendResult
from followup.messaging.sms.console import ConsoleBackend
from followup.migrate import upgrade
from followup.models import Base, Clinic
from followup.staff.tokens import issue_token
from followup.triage import Rulebook, load_rulebook


def _worker_url(url: str, worker: str) -> str:
    """The database this xdist worker owns: two workers truncating and migrating one
    database would wipe each other's rows mid-test."""
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(
        hide_password=False)


def _reuse_url_builders() -> None:
    """Compile each URL rule's builder once per process instead of once per app.

    Most tests build their own app (its own clock, SMS backend and database), and
    werkzeug compiles two Python functions per rule for every app: about 0.2 s of
    a test's setup, three quarters of create_app. A builder is a pure function of
    the rule's parsed parts and its defaults' names (it reads converters from the
    rule it is bound to), so rules that parse alike can share one. A rule whose
    default fills one of its own variables bakes that value in: compiled as before.
    """
    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None or not hasattr(Rule, "_trace"):
        return  # a werkzeug without this private method: build every app's as usual
    builders: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}

    def reused(self: Rule, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        defaults = self.defaults or {}
        if any(dynamic and name in defaults for dynamic, name in self._trace):
            return compile_builder(self, append_unknown)
        key = (append_unknown, self.rule, tuple(self._trace), tuple(defaults))
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    Rule._compile_builder = reused  # type: ignore[method-assign]


_reuse_url_builders()

BASE_PG_URL = os.environ.get("FOLLOWUP_TEST_DATABASE_URL", "")
PG_URL = _worker_url(BASE_PG_URL, os.environ.get("PYTEST_XDIST_WORKER", ""))
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC_URL = "https://followup.example.org"
# A Tuesday in November, 15:00 in Chicago (CST, UTC-6).
T0 = datetime(2026, 11, 10, 21, 0, tzinfo=UTC)


def _create_postgres_database(url: str) -> None:
    """Create the worker's database beside the given one if it does not exist yet."""
    if url == BASE_PG_URL:
        return
    name = make_url(url).database
    admin = create_engine(BASE_PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                  {"name": name}).first()
            if exists is None:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


def _reset_postgres(url: str) -> None:
    _create_postgres_database(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark `database` every test that reaches the configured database (its fixtures lead
    to `migrated_database`). CI runs the whole suite on SQLite, then only these on
    PostgreSQL (`make test ONLY=database`): the rest (the triage's labelled sets, the
    texts' wording, the config loader) read no database and would give the same result
    twice, at two thirds of the suite's time (897 of 1,350 test-seconds, measured with
    `--durations=0` on 2026-12-04)."""
    for item in items:
        if "migrated_database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.database)


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A URL (PostgreSQL) or a template file path (SQLite) at the head schema."""
    if PG_URL:
        _reset_postgres(PG_URL)
        upgrade(PG_URL)
        return PG_URL
    template = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite:///{template}")
    return str(template)


@pytest.fixture
def database_url(migrated_database: str, tmp_path: Path) -> Iterator[str]:
    if PG_URL:
        yield PG_URL
        engine = create_engine(PG_URL)
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        with engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return
    path = tmp_path / "followup.db"
    shutil.copy(migrated_database, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
def sms() -> ConsoleBackend:
    return ConsoleBackend()


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    return {
        "database": {"url": database_url},
        "server": {"public_url": PUBLIC_URL, "secret_key": "test-secret"},
        "twilio": {"auth_token": AUTH_TOKEN},
        "scheduler": {"enabled": False},
    }


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    """The bundled rulebook, loaded once for the whole run (it is never changed in place)."""
    return load_rulebook()


@pytest.fixture
def app(app_config: dict[str, Any], clock: FixedClock, sms: ConsoleBackend,
        rulebook: Rulebook, tmp_path: Path) -> Iterator[Flask]:
    app = create_app(app_config, clock=clock, sms=sms, rulebook=rulebook)
    app.config["TESTING"] = True
    yield app
    app.extensions["followup"].dispose()


@pytest.fixture
def svc(app: Flask) -> Services:
    return app.extensions["followup"]  # type: ignore[no-any-return]


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(svc: Services) -> Iterator[Session]:
    with svc.sessions() as s:
        yield s


@dataclass
class ClinicHandle:
    clinic: Clinic
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_clinic(svc: Services, slug: str, sms_number: str, **extra: Any) -> ClinicHandle:
    now = svc.clock.now()
    with svc.sessions() as s:
        clinic = Clinic(slug=slug, name=extra.pop("name", f"{slug.title()} Infusion Center"),
                        phone=extra.pop("phone", "+13125550100"),
                        timezone=extra.pop("timezone", "America/Chicago"),
                        sms_number=sms_number,
                        emergency_number=extra.pop("emergency_number", "911"),
                        show_product_in_texts=extra.pop("show_product_in_texts", False),
                        created_at=now, **extra)
        s.add(clinic)
        s.flush()
        token = issue_token(s, clinic, "tests", actor="tests", now=now)
        s.commit()
        return ClinicHandle(clinic, token)


@pytest.fixture
def north(svc: Services) -> ClinicHandle:
    """The clinic most tests act as."""
    return make_clinic(svc, "north", "+13125550199")


@pytest.fixture
def south(svc: Services) -> ClinicHandle:
    """Another clinic, whose data ``north`` must never see."""
    return make_clinic(svc, "south", "+13125550299", timezone="America/New_York")


def twilio_signature(path: str, params: dict[str, str], token: str = AUTH_TOKEN) -> str:
    return RequestValidator(token).compute_signature(PUBLIC_URL + path, params)


def post_twilio(client: FlaskClient, path: str, params: dict[str, str],
                signature: str | None = None) -> Any:
    """POST a webhook exactly as Twilio would, signed unless told otherwise."""
    sig = twilio_signature(path, params) if signature is None else signature
    return client.post(path, data=params, headers={"X-Twilio-Signature": sig})


class ScriptedBackend:
    """An SMS backend that fails as scripted, then accepts; remembers what it accepted."""

    name = "scripted"
    paces = False

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.accepted: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def send(self, *, to: str, body: str, from_: str | None = None,
             status_callback: str | None = None) -> SendResult:
        with self.lock:
            if self.failures:
                raise self.failures.pop(0)
            self.accepted.append((to, body))
            return SendResult(sid=f"SM{len(self.accepted):032x}", status="queued")


def enrol_with_checkin_due(app: Flask, clock: Any) -> ClinicHandle:
    """Clinic "north" enrols Maria (infusion 14:00 Chicago, 10 Nov) and the clock
    moves on two hours, so her same-day check-in is due; the clinic is returned."""
    clinic = make_clinic(app.extensions["followup"], "north", "+13125550199")
    response = app.test_client().post("/api/enrollments", headers=clinic.auth, json={
        "phone": "+13125550123", "first_name": "Maria",
        "infusion_at": "2026-11-10T14:00:00-06:00"})
    assert response.status_code == 201, response.get_json()
    clock.advance(hours=2)
    return clinic


def run_concurrently(work: Callable[[], object], workers: int = 3) -> None:
    """Run ``work`` in several threads at once (like several worker processes
    on one database) and re-raise the first error any of them hit."""
    errors: list[BaseException] = []

    def guarded() -> None:
        try:
            work()
        except BaseException as exc:  # surfaced below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=guarded) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def twilio_config(app_config: dict[str, Any], fake: Any, **twilio: Any) -> dict[str, Any]:
    """App settings that send through a FakeTwilio (tests/fake_twilio.py)."""
    return {**app_config, "sms": {"backend": "twilio"}, "twilio": {
        **app_config["twilio"], "account_sid": fake.account_sid, "auth_token": fake.auth_token,
        "from_number": "+13125550100", "api_base_url": fake.base_url, "timeout_seconds": 2,
        **twilio}}
