"""The application factory.

Everything a request or a CLI command needs (settings, database, SMS backend,
clock) is built here once and hung on ``app.extensions["followup"]`` so
tests can swap the clock or the SMS backend without monkeypatching.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.middleware.proxy_fix import ProxyFix

from followup.care.digest import DigestPass
from followup.care.escalation import Escalator
from followup.clock import Clock, SystemClock
from followup.config import ConfigError, Settings, load_settings
from followup.db import make_engine, make_sessionmaker, make_worker_engine
from followup.messaging.dispatch import Dispatcher
from followup.messaging.outbound import Outbound
from followup.messaging.sms.base import SmsBackend
from followup.resources import templates_dir
from followup.triage import Rulebook, load_rulebook, second_reader
from followup.triage.rulebook import DEFAULT_PATH as DEFAULT_RULEBOOK


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    sms: SmsBackend
    rulebook: Rulebook
    _worker_sessions: sessionmaker[Session] | None = None
    _writeback: Any = None
    _outbound: Outbound | None = None

    def outbound(self) -> Outbound:
        """The one way out for every text (see ``messaging/outbound.py``); built once,
        on the worker's sessions, which the dispatcher shares."""
        if self._outbound is None:
            self._outbound = Outbound(settings=self.settings, sessions=self.worker_sessions(),
                                      sms=self.sms, clock=self.clock)
        return self._outbound

    def writeback(self) -> Any:
        """The chart write-back pass; one per process, so its SMART token is cached."""
        if self._writeback is None:
            from followup.ehr.writeback import WriteBack

            self._writeback = WriteBack(settings=self.settings, sessions=self.worker_sessions(),
                                        clock=self.clock)
        return self._writeback

    def dispatcher(self) -> Dispatcher:
        return Dispatcher(settings=self.settings, sessions=self.worker_sessions(), sms=self.sms,
                          clock=self.clock, outbound=self.outbound())

    def escalator(self) -> Escalator:
        return Escalator(settings=self.settings, sessions=self.sessions, sms=self.sms,
                         clock=self.clock, outbound=self.outbound())

    def digest(self) -> DigestPass:
        return DigestPass(settings=self.settings, sessions=self.sessions, sms=self.sms,
                          clock=self.clock, outbound=self.outbound())

    def dispose(self) -> None:
        """Close every pooled connection (tests, and processes that fork)."""
        self.engine.dispose()
        if self._worker_sessions is not None:
            bind = self._worker_sessions.kw["bind"]
            bind.dispose()

    def worker_sessions(self) -> sessionmaker[Session]:
        """Sessions for the dispatcher (see ``db.make_worker_engine``)."""
        if self.engine.dialect.name == "sqlite":
            return self.sessions  # one file, one pool
        if self._worker_sessions is None:
            self._worker_sessions = make_sessionmaker(
                make_worker_engine(self.settings.database_url))
        return self._worker_sessions


def create_app(
    test_config: dict[str, Any] | None = None,
    *,
    config_path: str | None = None,
    clock: Clock | None = None,
    sms: SmsBackend | None = None,
    rulebook: Rulebook | None = None,
) -> Flask:
    """Build the app. ``clock``, ``sms`` and ``rulebook`` may be passed in (tests share one
    loaded rulebook across apps: loading and compiling it takes a third of a second); a
    rulebook passed in is used only when the settings name no rulebook file of their own."""
    app = Flask(__name__, instance_relative_config=True, template_folder=str(templates_dir()))
    os.makedirs(app.instance_path, exist_ok=True)
    settings = load_settings(instance_path=app.instance_path, config_path=config_path,
                             overrides=test_config)
    _check_templates(settings)
    _configure_logging(settings)
    app.config.update(
        SECRET_KEY=settings.secret_key or _instance_secret(app.instance_path),
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.public_url.startswith("https://"),
    )
    engine = make_engine(settings.database_url)
    app.extensions["followup"] = Services(
        settings=settings,
        engine=engine,
        sessions=make_sessionmaker(engine),
        clock=clock or SystemClock(),
        sms=sms or _make_backend(settings),
        # Loaded (and validated) now: a broken rulebook stops start-up with
        # the file, the entry and the problem, not the first patient's reply.
        rulebook=(rulebook if rulebook is not None and not settings.triage_rulebook
                  else load_rulebook(settings.triage_rulebook or None)),
    )
    if app.extensions["followup"].rulebook.path == DEFAULT_RULEBOOK:
        second_reader.warm_up()  # beside the bundled rulebook it was validated with
    app.teardown_appcontext(_close_db)
    if settings.proxy_hops:
        # Behind nginx: the client's address (login throttling) and scheme come
        # from the proxy. Twilio signatures do not depend on this: they are
        # checked against server.public_url.
        hops = settings.proxy_hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)

    from followup.web import register_blueprints

    register_blueprints(app)
    return app


def services() -> Services:
    return current_app.extensions["followup"]  # type: ignore[no-any-return]


def db() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = services().sessions()
    return g.db  # type: ignore[no-any-return]


def _close_db(_exc: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


def _check_templates(settings: Settings) -> None:
    """A check-in whose wording is missing would fail at send time, at night,
    for every patient: refuse to start instead."""
    from followup.messaging.texts import LANGUAGES, TEMPLATE_DIR

    for i, spec in enumerate(settings.checkins):
        for lang in LANGUAGES:
            if not (TEMPLATE_DIR / lang / f"{spec.template}.txt").is_file():
                raise ConfigError(
                    f"schedule.checkins[{i}].template: no template {spec.template!r} for "
                    f"language {lang!r} (expected templates/sms/{lang}/{spec.template}.txt)")


def _make_backend(settings: Settings) -> SmsBackend:
    if settings.sms_backend == "twilio":
        from followup.messaging.sms.twilio import TwilioBackend

        return TwilioBackend(settings.twilio)
    from followup.messaging.sms.console import ConsoleBackend

    return ConsoleBackend()


def _instance_secret(instance_path: str) -> str:
    """A development secret kept in the instance folder, made once."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("followup").setLevel(settings.log_level)
    # The Twilio SDK logs request bodies (numbers, texts) at DEBUG/INFO: PHI.
    logging.getLogger("twilio.http_client").setLevel(logging.WARNING)
    # One line per 30-second tick is noise; the dispatcher logs what it did.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
