"""Typed states: every closed set of words in a column is a StrEnum in the
models and a CHECK constraint in the database (migration 0009_typed_states).

The migration tests run on a scratch database of their own (a file on SQLite,
a database created for the test on PostgreSQL), since they go up and down."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import (
    Boolean,
    Connection,
    DateTime,
    Integer,
    MetaData,
    create_engine,
    inspect,
    select,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from followup.migrate import alembic_config, upgrade
from followup.models import (
    Base,
    CheckinStatus,
    Clinic,
    EnumText,
    FlagLevel,
    MessageStatus,
    OutboxStatus,
    Role,
    User,
)
from tests.conftest import PG_URL, T0

BEFORE = "0004_ehr"
NOW = datetime(2026, 11, 10, 21, 0)  # naive UTC, as stored


def _enum_columns() -> list[tuple[str, str, EnumText[Any]]]:
    return [(table.name, column.name, column.type) for table in Base.metadata.sorted_tables
            for column in table.columns if isinstance(column.type, EnumText)]


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """An empty database for one test to migrate up and down."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'scratch.db'}"
        return
    url = make_url(PG_URL)
    name = f"{url.database}_typed_states"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _insert(conn: Connection, table: str, **values: Any) -> int:
    """Insert a row as the schema of the moment has it, filling the required
    columns the test does not care about; returns its id."""
    reflected = MetaData()
    reflected.reflect(conn, only=[table])
    t = reflected.tables[table]
    row = dict(values)
    for column in t.columns:
        if column.name in row or column.nullable or column.primary_key:
            continue
        if column.server_default is not None:
            continue
        if isinstance(column.type, DateTime):
            row[column.name] = NOW
        elif isinstance(column.type, Boolean):
            row[column.name] = False
        elif isinstance(column.type, Integer):
            row[column.name] = 0
        else:
            row[column.name] = "x"  # fits any length
    inserted = conn.execute(t.insert().values(row).returning(t.c.id)).scalar_one()
    return int(inserted)


def _history(conn: Connection, *, role: str = "nurse", flag_status: str = "open") -> None:
    """A clinic with a nurse, a patient, a sent check-in, a reply and a flag."""
    clinic = _insert(conn, "clinics", slug="north", digest_channel="sms")
    _insert(conn, "users", clinic_id=clinic, email="kim@example.org", role=role)
    patient = _insert(conn, "patients", clinic_id=clinic)
    infusion = _insert(conn, "infusions", patient_id=patient)
    checkin = _insert(conn, "checkins", patient_id=patient, infusion_id=infusion, kind="day1",
                      status="sent")
    message = _insert(conn, "messages", clinic_id=clinic, patient_id=patient,
                      checkin_id=checkin, direction="in", status="received", level="urgent")
    flag = _insert(conn, "flags", clinic_id=clinic, patient_id=patient, message_id=message,
                   checkin_id=checkin, level="urgent", reason="triage", status=flag_status)
    _insert(conn, "flag_events", flag_id=flag, action="opened")


def _downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def test_every_typed_column_is_checked_by_the_database_with_the_enums_values(
        database_url: str) -> None:
    """Adding an enum member without a migration that widens its CHECK fails here,
    not in production when the first row with the new value is written."""
    engine = create_engine(database_url)
    inspector = inspect(engine)
    for table, column, type_ in _enum_columns():
        checks = {c["name"]: c["sqltext"] for c in inspector.get_check_constraints(table)}
        name = f"ck_{table}_{column}"
        assert name in checks, f"{table}.{column} has no CHECK constraint"
        allowed = set(re.findall(r"'([^']*)'", str(checks[name])))
        assert allowed == {m.value for m in type_.enum}, f"{name} differs from the enum"
    engine.dispose()


def test_the_database_refuses_a_value_outside_the_set(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as conn:
        _history(conn)
    for table, column, bad in (("users", "role", "superuser"), ("flags", "status", "closed"),
                               ("checkins", "status", "done"),
                               ("messages", "direction", "up")):
        with engine.begin() as conn, pytest.raises(IntegrityError, match=f"ck_{table}_{column}"
                                                   if PG_URL else "CHECK constraint"):
            conn.execute(text(f"UPDATE {table} SET {column} = :bad"), {"bad": bad})
    with engine.begin() as conn:  # NULL stays allowed where the column allows it
        conn.execute(text("UPDATE clinics SET digest_channel = NULL"))
    engine.dispose()


def test_the_models_refuse_a_bad_value_before_the_database_and_read_back_members(
        database_url: str) -> None:
    engine = create_engine(database_url)
    with Session(engine) as session:
        clinic = Clinic(slug="north", name="North", phone="+13125550100",
                        timezone="America/Chicago", created_at=T0)
        session.add(clinic)
        session.flush()
        session.add(User(clinic_id=clinic.id, email="kim@example.org", role="boss",  # type: ignore[arg-type]
                         password_hash="x", created_at=T0))
        with pytest.raises(StatementError, match=r"'boss' is not a Role \(one of nurse, admin\)"):
            session.flush()
        session.rollback()
    with engine.begin() as conn:
        _history(conn, role="admin")
    with Session(engine) as session:
        user = session.scalars(select(User)).one()
        assert user.role is Role.ADMIN
        assert session.scalar(select(text("status")).select_from(text("flags"))) == "open"
    engine.dispose()


def test_upgrade_keeps_existing_rows_and_downgrade_lifts_the_constraints(
        scratch_url: str) -> None:
    upgrade(scratch_url, BEFORE)
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        _history(conn)
    upgrade(scratch_url)
    with engine.begin() as conn:
        assert conn.execute(text("SELECT status, level FROM flags")).one() == ("open", "urgent")
        conn.execute(text("UPDATE messages SET status = 'partially_delivered'"))
        assert conn.execute(text("SELECT count(*) FROM flag_events")).scalar_one() == 1
        if conn.dialect.name == "sqlite":
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
    with engine.begin() as conn:
        conn.execute(text("UPDATE messages SET status = 'delivered'"))
    _downgrade(scratch_url, BEFORE)
    with engine.begin() as conn:  # the older schema takes any word again
        conn.execute(text("UPDATE flags SET status = 'closed'"))
        assert conn.execute(text("SELECT count(*) FROM messages")).scalar_one() == 1
    engine.dispose()


def test_unknown_values_stop_the_upgrade_with_every_bad_value_named(scratch_url: str) -> None:
    upgrade(scratch_url, BEFORE)
    engine = create_engine(scratch_url)
    with engine.begin() as conn:
        _history(conn, role="boss", flag_status="closed")
    with pytest.raises(RuntimeError) as refused:
        upgrade(scratch_url)
    message = str(refused.value)
    assert "nothing was changed" in message
    assert "users.role: 'boss' (1 row); allowed: nurse, admin" in message
    assert "flags.status: 'closed' (1 row); allowed: open, acknowledged, resolved" in message
    with engine.begin() as conn:  # still at the old revision, the rows as they were
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == BEFORE
        conn.execute(text("UPDATE users SET role = 'nurse'"))
        conn.execute(text("UPDATE flags SET status = 'resolved'"))
    upgrade(scratch_url)  # fixed by a person, it goes through
    engine.dispose()


def test_typed_values_compare_and_print_as_the_words_stored() -> None:
    """StrEnum members are the strings: templates, JSON and logs show the word."""
    assert CheckinStatus.PENDING == "pending" and f"{FlagLevel.URGENT}" == "urgent"
    assert MessageStatus("partially_delivered") is MessageStatus.PARTIALLY_DELIVERED
    # ``db.claim_due`` serves both queue tables with one spelling of these two.
    assert (OutboxStatus.PENDING, OutboxStatus.SENDING) == (CheckinStatus.PENDING,
                                                           CheckinStatus.SENDING)
