"""PostgreSQL-specific behaviour: claims skip rows another dispatcher holds."""

from __future__ import annotations

import pytest
from conftest import PG_URL
from sqlalchemy import select, text

from followup.models import Checkin


@pytest.fixture
def postgres() -> None:
    # .ci/run runs the suite a second time with the URL set, so CI always runs these.
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set FOLLOWUP_TEST_DATABASE_URL to run)")


def test_claim_skips_rows_locked_by_another_dispatcher(postgres, client, svc, north, sms):
    for i in range(3):
        client.post("/api/enrollments", headers=north.auth, json={
            "phone": f"+1312555{2000 + i}", "first_name": f"P{i}",
            "infusion_at": "2026-11-10T14:00:00-06:00"})
    with svc.sessions() as other:
        locked = other.scalar(select(Checkin).where(Checkin.kind == "same_day")
                              .order_by(Checkin.id).limit(1).with_for_update())
        other.execute(text("SELECT 1"))
        summary = svc.dispatcher().run_once(svc.clock.now().replace(hour=23))
        assert summary.sent == 2  # the third row was held by the other transaction
        other.rollback()
    assert locked is not None
    summary = svc.dispatcher().run_once(svc.clock.now().replace(hour=23))
    assert summary.sent == 1


def test_the_dispatcher_has_its_own_pool_without_a_ping_per_checkout(postgres, svc):
    worker_bind = svc.worker_sessions().kw["bind"]
    assert worker_bind is not svc.engine
    assert worker_bind.pool._pre_ping is False and svc.engine.pool._pre_ping is True
    assert svc.worker_sessions() is svc.worker_sessions()  # made once


def test_on_sqlite_the_dispatcher_shares_the_one_pool(svc):
    if PG_URL:
        pytest.skip("SQLite only")
    assert svc.worker_sessions() is svc.sessions
