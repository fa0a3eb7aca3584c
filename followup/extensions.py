"""The services a request, a CLI command or a scheduler pass works with.

Built once by ``app.create_app`` and hung on ``app.extensions["followup"]``;
looked up here, so the web package, the CLI and the passes never import
``followup.app`` (which imports the web package to register it: a cycle).
Tests swap the clock or the SMS backend by passing them to ``create_app``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import Flask, current_app, g
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from followup.care.digest import DigestPass
from followup.care.escalation import Escalator
from followup.clock import Clock
from followup.config import Settings
from followup.db import make_sessionmaker, make_worker_engine
from followup.messaging.dispatch import Dispatcher
from followup.messaging.outbound import Outbound
from followup.messaging.sms.base import SmsBackend
from followup.triage import Rulebook

if TYPE_CHECKING:
    from followup.ehr.writeback import WriteBack

EXTENSION_KEY = "followup"


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    clock: Clock
    sms: SmsBackend
    rulebook: Rulebook
    _worker_sessions: sessionmaker[Session] | None = None
    _writeback: WriteBack | None = None
    _outbound: Outbound | None = None

    def outbound(self) -> Outbound:
        """The one way out for every text (see ``messaging/outbound.py``); built once,
        on the worker's sessions, which the dispatcher shares."""
        if self._outbound is None:
            self._outbound = Outbound(settings=self.settings, sessions=self.worker_sessions(),
                                      sms=self.sms, clock=self.clock)
        return self._outbound

    def writeback(self) -> WriteBack:
        """The chart write-back pass; one per process, so its SMART token is cached."""
        if self._writeback is None:
            from followup.ehr.writeback import WriteBack

            self._writeback = WriteBack(settings=self.settings, sessions=self.worker_sessions(),
                                        clock=self.clock)
        return self._writeback

    def dispatcher(self) -> Dispatcher:
        return Dispatcher(settings=self.settings, sessions=self.worker_sessions(),
                          clock=self.clock, outbound=self.outbound())

    def escalator(self) -> Escalator:
        return Escalator(settings=self.settings, sessions=self.sessions, clock=self.clock,
                         outbound=self.outbound())

    def digest(self) -> DigestPass:
        return DigestPass(settings=self.settings, sessions=self.sessions, clock=self.clock,
                          outbound=self.outbound())

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


def services_of(app: Flask) -> Services:
    """The services ``create_app`` built for ``app`` (outside a request: scheduler, CLI)."""
    found = app.extensions[EXTENSION_KEY]
    assert isinstance(found, Services), "app was not built by followup.app.create_app"
    return found


def services() -> Services:
    """The current app's services (inside a request or an app context)."""
    return services_of(current_app)


def db() -> Session:
    """The request's session, opened on first use and closed at teardown."""
    if "db" not in g:
        g.db = services().sessions()
    session: Session = g.db
    return session


def close_db(_exc: BaseException | None) -> None:
    """Teardown: close the request's session if one was opened."""
    session = g.pop("db", None)
    if session is not None:
        session.close()
