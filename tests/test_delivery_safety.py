"""Issue 15, items 1 and 3: nothing dropped in silence, no duplicate unrecorded.

Texts go out through the real Twilio backend to the local fake. "Twilio is
slow" is played on the injected clock: the fake advances it while it answers
(``before_answer``), so a 2 s answer costs no real time, and a second
dispatcher runs at the exact moment the test chooses, inside a send of the first.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import factories
import pytest
from conftest import AUTH_TOKEN, ClinicHandle, make_clinic, twilio_config
from factories import way_out
from fake_twilio import FakeTwilio
from flask import Flask
from sqlalchemy import select, update
from web.staffkit import login, make_user, post

from followup.app import create_app
from followup.care.digest import DigestPass
from followup.clock import FixedClock
from followup.extensions import Services
from followup.models import AuditEvent, Checkin, Clinic, ClinicAlert

PATIENTS = 30
LEASE = 30


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(auth_token=AUTH_TOKEN) as server:
        yield server


def make_app(app_config: dict[str, Any], fake: FakeTwilio, clock: FixedClock,
             **twilio: Any) -> Flask:
    config = twilio_config(app_config, fake, **twilio)
    config["dispatch"] = {"claim_lease_seconds": LEASE}
    config["scheduler"] = {**config["scheduler"], "batch_size": 50}
    config["rate_limit"] = {"default_per_second": 1000}
    # One check-in an hour after the infusion; quiet hours out of the way (a
    # minute at noon) so an outage through the night is about the outage.
    config["schedule"] = {"checkins": [
        {"kind": "same_day", "after_hours": 1, "template": "checkin_early"}]}
    config["quiet_hours"] = {"start": "12:00", "end": "12:01"}
    return create_app(config, clock=clock)


@pytest.fixture
def twilio_app(fake: FakeTwilio, app_config: dict[str, Any], clock: FixedClock
               ) -> Iterator[Flask]:
    # A real-time read timeout well above what a loaded machine needs: a second
    # dispatcher's whole batch runs inside one of the first's requests, and a 2 s
    # timeout let it expire there under two busy test workers. Below the lease, so
    # the lease's renewal margin stays half the lease.
    app = make_app(app_config, fake, clock, timeout_seconds=15)
    yield app
    app.extensions["followup"].dispose()


def enrol(app: Flask, clock: FixedClock, count: int) -> ClinicHandle:
    """``count`` patients whose same-day check-in is due now."""
    svc: Services = app.extensions["followup"]
    clinic = make_clinic(svc, "north", "+13125550199")
    client = app.test_client()
    for i in range(count):
        factories.enrol(client, clinic, phone=f"+1312555{4000 + i}", first_name="P",
                        infusion_at=(clock.now() - timedelta(hours=1)).isoformat())
    clock.advance(hours=2)
    return clinic


def checkins(svc: Services) -> list[Checkin]:
    with svc.sessions() as s:
        rows = list(s.scalars(select(Checkin).order_by(Checkin.id)))
        for c in rows:
            _ = c.patient.phone
        return rows


def slow_twilio(fake: FakeTwilio, clock: FixedClock, seconds: float, *, at_request: int,
                then: Any) -> list[int]:
    """Each answer takes ``seconds`` on the clock; at request ``at_request`` run
    ``then()`` (once) before answering, while the sender waits."""
    seen = [0]
    lock = threading.Lock()

    def answer(_form: dict[str, list[str]]) -> None:
        with lock:
            seen[0] += 1
            run = seen[0] == at_request
        clock.advance(seconds=seconds)
        if run:
            then()

    fake.before_answer = answer
    return seen


# -- item 3: duplicates ------------------------------------------------------------------
def test_slow_twilio_and_two_dispatchers_send_each_checkin_once(
        twilio_app: Flask, fake: FakeTwilio, clock: FixedClock) -> None:
    """Twilio answers in 2 s, the lease is 30 s: 30 sends take a minute. The
    first dispatcher renews its lease while it works, so a second one started
    40 s in finds nothing to take over: 0 duplicates, none to record."""
    svc: Services = twilio_app.extensions["followup"]
    enrol(twilio_app, clock, PATIENTS)
    second = svc.dispatcher()
    taken: list[int] = []
    slow_twilio(fake, clock, 2, at_request=20,
                then=lambda: taken.append(second.run_once().sent))

    summary = svc.dispatcher().run_once()

    assert taken == [0]  # the second dispatcher found every claim alive
    assert summary.sent == PATIENTS
    sent_to = Counter(str(m["To"]) for m in fake.messages)
    assert len(sent_to) == PATIENTS and set(sent_to.values()) == {1}
    assert not any(c.possible_duplicate for c in checkins(svc))
    assert all(c.status == "sent" for c in checkins(svc))
    assert fake.errors == []


def test_a_dispatcher_whose_lease_ran_out_stops_and_every_duplicate_is_recorded(
        twilio_app: Flask, fake: FakeTwilio, clock: FixedClock) -> None:
    """One answer hangs for a minute (longer than the lease): a second
    dispatcher takes the claim over and sends the batch. The first, when its
    answer finally comes, sends nothing more; the texts that may have gone out
    twice (the chunk it had begun) are all recorded as possible duplicates."""
    svc: Services = twilio_app.extensions["followup"]
    enrol(twilio_app, clock, PATIENTS)
    second = svc.dispatcher()

    def hang_then_take_over() -> None:
        clock.advance(seconds=60)
        second.run_once()

    slow_twilio(fake, clock, 0.5, at_request=5, then=hang_then_take_over)
    svc.dispatcher().run_once()

    sent_to = Counter(str(m["To"]) for m in fake.messages)
    twice = {to for to, n in sent_to.items() if n > 1}
    flagged = {c.patient.phone for c in checkins(svc) if c.possible_duplicate}
    assert len(sent_to) == PATIENTS and max(sent_to.values()) == 2
    assert len(twice) == 5  # the first dispatcher's sends up to the hang, no more
    assert twice <= flagged  # each one recorded on the check-in
    assert all(c.status == "sent" for c in checkins(svc))
    assert fake.errors == []


def test_a_timed_out_send_is_retried_as_a_recorded_possible_duplicate(
        fake: FakeTwilio, app_config: dict[str, Any], clock: FixedClock) -> None:
    """Twilio takes longer than the client timeout and then accepts the text
    anyway: the retry goes out (better twice than never) and the check-in says
    so, on the patient's page a nurse opens."""
    app = make_app(app_config, fake, clock, timeout_seconds=0.2)
    svc: Services = app.extensions["followup"]
    clinic = enrol(app, clock, 1)
    release = threading.Event()
    fake.hold(release)  # Twilio holds the answer until the client has given up

    first = svc.dispatcher().run_once()
    release.set()
    assert fake.wait_for_messages(1)  # ...and then accepts it after all
    assert first.retrying == 1 and first.sent == 0
    [checkin] = checkins(svc)
    assert checkin.status == "pending" and checkin.possible_duplicate
    assert "may have sent it" in (checkin.last_error or "")

    clock.advance(minutes=5)
    assert svc.dispatcher().run_once().sent == 1
    assert [m["To"] for m in fake.messages] == ["+13125554000"] * 2
    [checkin] = checkins(svc)
    assert checkin.status == "sent" and checkin.possible_duplicate

    staff = app.test_client()
    make_user(svc, clinic.clinic, "nurse@north.example")
    assert login(staff, "nurse@north.example").status_code == 302
    page = staff.get(f"/patients/{checkin.patient_id}").get_data(as_text=True)
    assert "may have been sent twice" in page
    svc.dispose()


# -- item 1: nothing dropped in silence ---------------------------------------------------
def alerts(svc: Services) -> list[ClinicAlert]:
    with svc.sessions() as s:
        return list(s.scalars(select(ClinicAlert).order_by(ClinicAlert.id)))


def test_a_long_outage_retries_until_stale_then_counts_the_unsent_in_one_alert(
        twilio_app: Flask, fake: FakeTwilio, clock: FixedClock) -> None:
    """Twilio answers 500 for 13 hours: the check-ins keep being retried (far
    past the old 8-attempt budget) and, once they would be stale, are given up
    with the reason recorded and ONE clinic-level alert that counts them."""
    svc: Services = twilio_app.extensions["followup"]
    enrol(twilio_app, clock, 3)
    due = checkins(svc)[0].due_at
    fake.queue_failure(status=500, code=20500, times=10_000)

    passes = 0
    while clock.now() < due + timedelta(hours=13):
        svc.dispatcher().run_once()
        passes += 1
        clock.advance(minutes=10)
        if any(c.status == "failed" for c in checkins(svc)):
            break
    rows = checkins(svc)
    assert all(c.attempts > 8 for c in rows)  # kept retrying while still worth sending
    assert clock.now() >= due + timedelta(hours=11)  # ...almost until the 12 h rule
    # Every pass after the last retry gives up the rest too.
    for _ in range(10):
        svc.dispatcher().run_once()
        clock.advance(minutes=30)
    rows = checkins(svc)
    # Given up after a failed try, or found stale before the next one.
    assert {c.status for c in rows} <= {"failed", "skipped"}
    assert all(c.last_error and c.last_error.startswith("not sent") for c in rows)
    assert not any("will retry" in (c.last_error or "") for c in rows)
    [alert] = alerts(svc)
    assert (alert.kind, alert.count, alert.cleared_at) == ("unsent", 3, None)


def test_refused_credentials_use_no_attempts_and_raise_one_alert_until_a_send_works(
        twilio_app: Flask, fake: FakeTwilio, clock: FixedClock) -> None:
    svc: Services = twilio_app.extensions["followup"]
    enrol(twilio_app, clock, 3)
    refused_at = clock.now()
    fake.queue_failure(status=401, code=20003, times=2)

    svc.dispatcher().run_once()
    clock.advance(minutes=6)
    svc.dispatcher().run_once()
    # One refused request per pass: the others of the pass wait without asking.
    assert len(fake.requests) == 2

    rows = checkins(svc)
    assert all(c.status == "pending" and c.attempts == 0 for c in rows)
    assert all("waiting for the account" in (c.last_error or "") for c in rows)
    [alert] = alerts(svc)
    assert (alert.kind, alert.since, alert.cleared_at) == ("credentials", refused_at, None)
    health = twilio_app.test_client().get("/healthz").get_json()
    assert health["status"] == "degraded"
    assert any("Twilio refuses our credentials since" in a and "nothing is being sent" in a
               for a in health["alerts"])

    clock.advance(minutes=6)  # someone fixed the account
    assert svc.dispatcher().run_once().sent == 3
    [alert] = alerts(svc)
    assert alert.cleared_at == clock.now()
    assert twilio_app.test_client().get("/healthz").get_json()["status"] == "ok"


@dataclass
class RecordingEmail:
    sent: list[tuple[str, str, str]] = field(default_factory=list)

    def send(self, *, to: str, subject: str, body: str) -> bool:
        self.sent.append((to, subject, body))
        return True


def test_alerts_are_shown_on_staff_pages_and_in_the_digest_and_the_count_is_dismissed(
        twilio_app: Flask, fake: FakeTwilio, clock: FixedClock) -> None:
    svc: Services = twilio_app.extensions["followup"]
    clinic = enrol(twilio_app, clock, 2)
    fake.queue_failure(status=401, code=20003)
    svc.dispatcher().run_once()  # refused: the credentials alert
    clock.advance(hours=13)
    svc.dispatcher().run_once()  # both went stale unsent: one alert counting 2
    assert {c.status for c in checkins(svc)} == {"skipped"}
    assert all((c.last_error or "").startswith("not sent in time: Twilio refused our account")
               for c in checkins(svc))

    staff = twilio_app.test_client()
    make_user(svc, clinic.clinic, "nurse@north.example")
    assert login(staff, "nurse@north.example").status_code == 302
    page = staff.get("/patients").get_data(as_text=True)
    assert "Twilio refuses our credentials since 17:00: nothing is being sent" in page
    assert "2 check-ins were not sent since 06:00" in page

    with svc.sessions() as s:
        s.get_one(Clinic, clinic.clinic.id).digest_channel = "email"
        s.get_one(Clinic, clinic.clinic.id).contact_email = "nurses@north.example"
        s.commit()
    email = RecordingEmail()
    DigestPass(settings=svc.settings, sessions=svc.sessions, clock=clock,
               outbound=way_out(svc, clock=clock),
               email=email).run_once(clock.now() + timedelta(hours=2))
    [(_, _, body)] = email.sent
    assert "Twilio refuses our credentials since 17:00: nothing is being sent." in body
    assert "2 check-ins were not sent since 06:00" in body

    [unsent] = [a for a in alerts(svc) if a.kind == "unsent"]
    [refused] = [a for a in alerts(svc) if a.kind == "credentials"]
    response = post(staff, f"/alerts/{refused.id}/dismiss")  # clears itself, not by hand
    assert response.status_code == 302
    assert post(staff, f"/alerts/{unsent.id}/dismiss").status_code == 302
    page = staff.get("/patients").get_data(as_text=True)
    assert "not sent since" not in page and "refuses our credentials" in page
    with svc.sessions() as s:
        assert s.scalar(select(AuditEvent.action).where(
            AuditEvent.target_type == "clinic_alert", AuditEvent.target_id == unsent.id
        )) == "alert.dismiss"


def test_another_clinics_alert_cannot_be_seen_or_dismissed(
        twilio_app: Flask, fake: FakeTwilio, clock: FixedClock) -> None:
    svc: Services = twilio_app.extensions["followup"]
    enrol(twilio_app, clock, 1)
    south = make_clinic(svc, "south", "+13125550299")
    clock.advance(hours=13)
    fake.queue_failure(status=500, code=20500)
    with svc.sessions() as s:  # a check-in that failed once, now stale
        s.execute(update(Checkin).values(last_error="Twilio is unavailable (HTTP 500): will retry"))
        s.commit()
    svc.dispatcher().run_once()
    [alert] = alerts(svc)
    staff = twilio_app.test_client()
    make_user(svc, south.clinic, "nurse@south.example")
    assert login(staff, "nurse@south.example").status_code == 302
    assert "not sent since" not in staff.get("/patients").get_data(as_text=True)
    assert post(staff, f"/alerts/{alert.id}/dismiss").status_code == 404
    assert alerts(svc)[0].cleared_at is None
