"""Sender pacing and provider retries: a burst drains at the sender's rate, exactly once.

The clock is injected and the dispatcher's sleep advances it, so "waiting for
the next slot" takes no real time; Twilio is the local OpenAPI-checked fake.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import make_clinic
from factories import add_due_checkin, way_out
from fake_twilio import FakeTwilio
from sqlalchemy import select, update

from followup.clock import FixedClock
from followup.config import RateLimitSettings, TwilioSettings
from followup.messaging.dispatch import Dispatcher
from followup.messaging.pacing import Pacer
from followup.messaging.sms.twilio import TwilioBackend
from followup.models import Checkin, SenderRate

T = datetime(2026, 11, 10, 16, 0, tzinfo=UTC)  # 10:00 in Chicago
CLINIC_NUMBER = "+13125550199"


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


class Timed:
    """Wraps a backend to note, on the injected clock, when each send happened."""

    def __init__(self, inner: Any, clock: FixedClock) -> None:
        self.inner, self.clock, self.name, self.paces = inner, clock, inner.name, inner.paces
        self.attempts: list[datetime] = []

    def send(self, **kw: Any) -> Any:
        self.attempts.append(self.clock.now())
        return self.inner.send(**kw)


def gaps_of(moments: list[datetime]) -> list[float]:
    return [(b - a).total_seconds() for a, b in itertools.pairwise(moments)]


def backend(fake: FakeTwilio, timeout: float = 5.0) -> TwilioBackend:
    return TwilioBackend(TwilioSettings(
        account_sid=fake.account_sid, auth_token=fake.auth_token, from_number="+13125550100",
        messaging_service_sid="", api_base_url=fake.base_url, timeout_seconds=timeout,
        validity_period_seconds=3600))


def due_checkins(svc: Any, n: int) -> None:
    """``n`` patients of the north clinic, each with one check-in due at T."""
    clinic = make_clinic(svc, "north", CLINIC_NUMBER).clinic
    with svc.sessions() as s:
        for i in range(n):
            add_due_checkin(s, clinic.id, phone=f"+1312555{4000 + i}", first_name=f"P{i}", at=T)
        s.commit()


def dispatcher(svc: Any, sms: Any, clock: FixedClock, **kw: Any) -> Dispatcher:
    settings = kw.pop("settings", svc.settings)
    out = way_out(svc, sms, clock, settings=settings,
                  sleep=lambda seconds: clock.advance(seconds=seconds), **kw)
    return Dispatcher(settings=settings, sessions=svc.sessions, clock=clock, outbound=out,
                      jitter=lambda: 0.5)


def drain(svc: Any, d: Dispatcher, clock: FixedClock, *, limit: int = 400) -> int:
    """Run passes a second apart until nothing is pending; the number of passes."""
    for passes in range(1, limit):
        d.run_once(clock.now())
        with svc.sessions() as s:
            left = s.scalar(select(Checkin.id).where(Checkin.status.in_(("pending",
                                                                           "sending"))))
        if left is None:
            return passes
        clock.advance(seconds=1)
    raise AssertionError("the queue never drained")


def test_a_burst_with_429s_is_sent_exactly_once_at_the_paced_rate(svc, fake):
    clock = FixedClock(T)
    due_checkins(svc, 20)
    for _ in range(4):  # several 429s, spread through the burst
        fake.queue_accept(2)
        fake.queue_failure(status=429, code=20429, retry_after=2)
    timed = Timed(backend(fake), clock)
    drain(svc, dispatcher(svc, timed, clock), clock)
    assert fake.errors == []
    assert len(fake.messages) == 20
    assert set(Counter(m["To"] for m in fake.messages).values()) == {1}
    assert {m["From"] for m in fake.messages} == {CLINIC_NUMBER}
    gaps = gaps_of(timed.attempts)
    assert min(gaps) >= 1.0  # never faster than 1 a second from one number
    with svc.sessions() as s:
        assert set(s.scalars(select(Checkin.status))) == {"sent"}
        retried = s.scalars(select(Checkin.attempts).where(Checkin.attempts > 1)).all()
    assert len(retried) == 4
    # 24 sends (20 + 4 refused) at 1 a second, plus Retry-After pauses: minutes, not hours.
    assert clock.now() - T < timedelta(minutes=5)


def test_a_faster_sender_drains_faster(svc, fake):
    clock = FixedClock(T)
    due_checkins(svc, 12)
    fast = replace(svc.settings, rate_limit=RateLimitSettings(1.0, {CLINIC_NUMBER: 3.0}))
    timed = Timed(backend(fake), clock)
    drain(svc, dispatcher(svc, timed, clock, settings=fast), clock)
    assert len(fake.messages) == 12
    gaps = gaps_of(timed.attempts)
    assert min(gaps) >= 1 / 3 - 1e-6
    assert clock.now() - T <= timedelta(seconds=5)


def test_500s_are_retried_with_backoff(svc, fake):
    clock = FixedClock(T)
    due_checkins(svc, 1)
    fake.queue_failure(status=500, code=20500, times=2)
    d = dispatcher(svc, backend(fake), clock)
    assert d.run_once(T).retrying == 1
    with svc.sessions() as s:
        first = s.scalar(select(Checkin.next_attempt_at))
    assert first == T + timedelta(seconds=45)  # 60 s, jitter 0.5: 30 + 15
    assert d.run_once(first).retrying == 1
    with svc.sessions() as s:
        second = s.scalar(select(Checkin.next_attempt_at))
    assert second - first == timedelta(seconds=90)  # doubled
    assert d.run_once(second).sent == 1
    assert len(fake.messages) == 1 and fake.errors == []


def test_a_timeout_is_retried(svc, fake):
    clock = FixedClock(T)
    due_checkins(svc, 1)
    fake.delay(1.0)
    d = dispatcher(svc, backend(fake, timeout=0.2), clock)
    assert d.run_once(T).retrying == 1
    with svc.sessions() as s:
        checkin = s.scalar(select(Checkin))
        assert checkin.status == "pending" and "may have sent it" in checkin.last_error
        assert checkin.possible_duplicate  # Twilio may have taken the first one
    assert d.run_once(checkin.next_attempt_at).sent == 1
    assert fake.errors == []


def test_two_dispatchers_share_the_pace(svc, fake):
    clock = FixedClock(T)
    due_checkins(svc, 10)
    timed = Timed(backend(fake), clock)
    small = replace(svc.settings, batch_size=3)
    one = dispatcher(svc, timed, clock, settings=small)
    two = dispatcher(svc, timed, clock, settings=small)
    for _ in range(60):
        one.run_once(clock.now())
        two.run_once(clock.now())
        clock.advance(seconds=1)
    assert len(fake.messages) == 10
    gaps = gaps_of(timed.attempts)
    assert min(gaps) >= 1.0


def test_paced_checkins_are_never_sent_at_night(svc, fake):
    late = datetime(2026, 11, 11, 2, 59, 59, tzinfo=UTC)  # 20:59:59 in Chicago
    clock = FixedClock(late)
    due_checkins(svc, 3)
    with svc.sessions() as s:
        s.execute(update(Checkin).values(due_at=late, next_attempt_at=late))
        s.commit()
    timed = Timed(backend(fake), clock)
    d = dispatcher(svc, timed, clock)
    # One now; the next slot is at 21:00:00, so after that wait it is night: not sent.
    assert d.run_once(late).sent == 1
    clock.advance(seconds=5)
    assert d.run_once(clock.now()).sent == 0
    assert len(fake.messages) == 1
    with svc.sessions() as s:
        waiting = s.scalars(select(Checkin.next_attempt_at)
                            .where(Checkin.status == "pending")).all()
    assert waiting == [datetime(2026, 11, 11, 14, 0, tzinfo=UTC)] * 2  # 08:00
    assert [t.astimezone(UTC).hour for t in timed.attempts] == [2]


# -- the pacer itself ----------------------------------------------------------------


def test_slots_are_handed_out_one_interval_apart(svc):
    pacer = Pacer(svc.sessions, RateLimitSettings(1.0, {"+18005550100": 4.0}))
    assert pacer.acquire("+1312", T).at == T
    second = pacer.acquire("+1312", T, max_wait=timedelta(seconds=1))
    assert second.granted and second.at == T + timedelta(seconds=1)
    third = pacer.acquire("+1312", T, max_wait=timedelta(seconds=1))
    assert not third.granted and third.at == T + timedelta(seconds=2)
    # Not taken: asking again gives the same slot.
    assert pacer.acquire("+1312", T + timedelta(seconds=2)).at == T + timedelta(seconds=2)
    # Another sender has its own pace and rate.
    assert pacer.acquire("+18005550100", T).granted
    toll_free = pacer.acquire("+18005550100", T, max_wait=timedelta(seconds=1))
    assert toll_free.at == T + timedelta(seconds=0.25)


def test_push_back_and_force(svc):
    pacer = Pacer(svc.sessions, RateLimitSettings(1.0, {}))
    pacer.push_back("+1312", T + timedelta(seconds=30))
    assert not pacer.acquire("+1312", T).granted
    forced = pacer.acquire("+1312", T, force=True)
    assert forced.granted and forced.at == T + timedelta(seconds=30)
    pacer.push_back("+1312", T)  # never moves the slot earlier
    with svc.sessions() as s:
        assert s.get(SenderRate, "+1312").next_free_at == T + timedelta(seconds=31)


def test_a_slot_far_in_the_future_is_not_honoured(svc):
    pacer = Pacer(svc.sessions, RateLimitSettings(1.0, {}))
    pacer.acquire("+1312", T + timedelta(days=365))  # e.g. `dispatch --as-of` next year
    assert pacer.acquire("+1312", T).granted
