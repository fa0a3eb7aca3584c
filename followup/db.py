"""Engine and session set-up, with the SQLite details that make it a safe
embedded default: foreign keys on, WAL so readers don't block the dispatcher,
a busy timeout instead of instant "database is locked", and explicit control
of BEGIN so a transaction takes the write lock up front (BEGIN IMMEDIATE)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, create_engine, event, select, update
from sqlalchemy.engine import CursorResult, Engine, Result, make_url
from sqlalchemy.orm import Session, sessionmaker

from followup.models import CheckinStatus

SQLITE_BEGIN = "sqlite_begin"


def make_engine(url: str, **kwargs: Any) -> Engine:
    # SQL errors would otherwise quote the bound values (names, numbers, texts)
    # into exception messages and from there into logs.
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        create_private_file(make_url(url).database)
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
        _tune_sqlite(engine)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def create_private_file(path: str | None) -> None:
    """Create a SQLite database file readable by its owner only (0600).

    The file holds patient names, numbers and texts; SQLite would create it
    with the process umask (usually 0644, readable by every local account).
    Its WAL and shared-memory files copy the database file's mode. An
    existing file is left as the operator set it."""
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)
    os.chmod(path, 0o600)  # whatever the umask


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction begins.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # IMMEDIATE by default: a deferred transaction that reads and then
        # writes fails at once with "database is locked" (no busy wait) when
        # another connection wrote in between. SQLite has one writer anyway.
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_worker_engine(url: str) -> Engine:
    """An engine for the dispatcher's many short transactions.

    A server database gets a pool without a ping before every checkout (one
    round trip per transaction, ~10 % of a pass): a connection the server
    dropped fails that pass, the pool is discarded, and the next tick starts
    afresh. Web requests keep the ping."""
    if url.startswith("sqlite"):
        return make_engine(url)
    return make_engine(url, pool_pre_ping=False)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def rows_changed(result: Result[Any]) -> int:
    """How many rows an INSERT, UPDATE or DELETE changed.

    ``Session.execute`` is typed to return ``Result``, which has no
    ``rowcount``; a DML statement's result is in fact a ``CursorResult``.
    Both SQLite and PostgreSQL drivers report the count for DML; a missing
    count reads as 0."""
    return cast(CursorResult[Any], result).rowcount or 0


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


@contextmanager
def write_transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A write transaction: commits on success, rolls back on any error.

    On SQLite it says BEGIN IMMEDIATE explicitly (also the default set in
    ``_tune_sqlite``), so two dispatchers serialise on the claim instead of
    both reading the same due rows; PostgreSQL claims use FOR UPDATE SKIP
    LOCKED instead."""
    with sessions() as session:
        if is_sqlite(session):
            session.connection(execution_options={SQLITE_BEGIN: "IMMEDIATE"})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def claim_due(session: Session, table: Table, *, now: datetime, token: str,
              limit: int, **also: Any) -> list[int]:
    """Atomically take up to ``limit`` due rows of a queue table; their ids.

    One statement: the update picks its rows with a subquery (on PostgreSQL
    locking them and skipping rows another worker holds) and returns the ids
    it took; the status condition keeps the claim safe even where the lock
    does not. The table needs id, status, next_attempt_at, claim_token and
    claimed_at (check-ins, the EHR outbox); ``also`` sets more columns on the rows
    taken (a check-in's lease end)."""
    c = table.c
    # Both queue tables spell these states alike (CheckinStatus, OutboxStatus).
    pending, sending = CheckinStatus.PENDING.value, CheckinStatus.SENDING.value
    due = (select(c.id).where(c.status == pending, c.next_attempt_at <= now)
           .order_by(c.next_attempt_at, c.id).limit(limit))
    if not is_sqlite(session):
        due = due.with_for_update(skip_locked=True)
    return sorted(session.connection().execute(
        update(table).where(c.id.in_(due.scalar_subquery()), c.status == pending)
        .values(status=sending, claim_token=token, claimed_at=now, **also)
        .returning(c.id)).scalars())
