"""Delivery status callbacks: signed, idempotent, forward-only in any arrival order.

Texts go out through the real Twilio backend to the local fake, whose
callbacks (built from the accepted message) are posted back signed, as
Twilio would.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import AUTH_TOKEN, PUBLIC_URL, enrol_with_checkin_due, post_twilio, twilio_config
from fake_twilio import FakeTwilio
from flask import Flask
from sqlalchemy import select

from followup.app import create_app
from followup.messaging.delivery import describe_error
from followup.models import Checkin, Flag, Message, Patient


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(auth_token=AUTH_TOKEN) as server:
        yield server


@pytest.fixture
def twilio_app(fake: FakeTwilio, app_config: dict[str, Any], clock: Any) -> Iterator[Flask]:
    app = create_app(twilio_config(app_config, fake), clock=clock)
    yield app
    app.extensions["followup"].dispose()


def send_one(app: Flask, fake: FakeTwilio, clock: Any) -> str:
    """Enrol a patient, send the same-day check-in through the fake; its sid."""
    enrol_with_checkin_due(app, clock)
    assert app.extensions["followup"].dispatcher().run_once().sent == 1
    assert fake.errors == []
    assert fake.messages[0]["StatusCallback"] == PUBLIC_URL + "/twilio/status"
    return str(fake.responses[0]["sid"])


def callback(app: Flask, fake: FakeTwilio, sid: str, status: str,
             error: int | None = None) -> int:
    params = fake.status_callback(sid, status, error)
    return post_twilio(app.test_client(), "/twilio/status", params).status_code  # type: ignore


def state(app: Flask, sid: str) -> tuple[str, int | None, int, bool]:
    """(message status, error code, undeliverable flags, patient opted out)."""
    with app.extensions["followup"].sessions() as s:
        message = s.scalar(select(Message).where(Message.provider_sid == sid))
        flags = s.scalars(select(Flag).where(Flag.reason == "undeliverable")).all()
        patient = s.get(Patient, message.patient_id)
        return message.status, message.error_code, len(flags), patient.opted_out_at is not None


@pytest.mark.parametrize("order", list(itertools.permutations(["queued", "sent", "delivered"])))
def test_any_arrival_order_ends_delivered(twilio_app, fake, clock, order):
    sid = send_one(twilio_app, fake, clock)
    for status in order:
        assert callback(twilio_app, fake, sid, status) == 204
    assert state(twilio_app, sid) == ("delivered", None, 0, False)


@pytest.mark.parametrize(
    "order", list(itertools.permutations(["sent", "undelivered", "queued", "undelivered"])))
def test_undelivered_in_any_order_opens_exactly_one_flag(twilio_app, fake, clock, order):
    sid = send_one(twilio_app, fake, clock)
    for status in order:
        error = 30007 if status == "undelivered" else None
        assert callback(twilio_app, fake, sid, status, error) == 204
    assert state(twilio_app, sid) == ("undelivered", 30007, 1, False)
    with twilio_app.extensions["followup"].sessions() as s:
        flag = s.scalar(select(Flag))
        assert flag.level == "routine"
        assert flag.detail == "the carrier filtered the message (error 30007)"
        assert s.scalar(select(Checkin.last_error).where(Checkin.kind == "same_day")) \
            == "not delivered (error 30007)"


def test_a_final_state_is_final(twilio_app, fake, clock):
    sid = send_one(twilio_app, fake, clock)
    callback(twilio_app, fake, sid, "failed", 30005)
    callback(twilio_app, fake, sid, "delivered")
    callback(twilio_app, fake, sid, "undelivered", 30003)
    assert state(twilio_app, sid) == ("failed", 30005, 1, False)


def test_delivered_then_late_failure_is_ignored_but_read_moves_on(twilio_app, fake, clock):
    sid = send_one(twilio_app, fake, clock)
    callback(twilio_app, fake, sid, "delivered")
    callback(twilio_app, fake, sid, "undelivered", 30003)
    assert state(twilio_app, sid) == ("delivered", None, 0, False)
    callback(twilio_app, fake, sid, "read")
    assert state(twilio_app, sid)[0] == "read"


def test_21610_marks_the_patient_opted_out(twilio_app, fake, clock):
    sid = send_one(twilio_app, fake, clock)
    callback(twilio_app, fake, sid, "failed", 21610)
    assert state(twilio_app, sid) == ("failed", 21610, 1, True)
    with twilio_app.extensions["followup"].sessions() as s:
        pending = s.scalars(select(Checkin.status).where(Checkin.kind != "same_day")).all()
    assert set(pending) == {"cancelled"}


def test_unknown_sids_and_statuses_are_accepted_and_ignored(twilio_app, fake, clock):
    sid = send_one(twilio_app, fake, clock)
    client = twilio_app.test_client()
    assert post_twilio(client, "/twilio/status", {
        "MessageSid": "SM" + "0" * 32, "MessageStatus": "delivered"}).status_code == 204
    params = fake.status_callback(sid, "teleported")
    assert post_twilio(client, "/twilio/status", params).status_code == 204
    assert state(twilio_app, sid)[0] == "queued"


def test_a_forged_callback_changes_nothing(twilio_app, fake, clock):
    sid = send_one(twilio_app, fake, clock)
    params = fake.status_callback(sid, "undelivered", 30003)
    response = post_twilio(twilio_app.test_client(), "/twilio/status", params, signature="x")
    assert response.status_code == 403
    assert state(twilio_app, sid) == ("queued", None, 0, False)


def test_a_staff_message_undelivered_flags_no_patient(twilio_app, fake, clock):
    send_one(twilio_app, fake, clock)
    svc = twilio_app.extensions["followup"]
    with svc.sessions() as s:
        s.add(Message(clinic_id=1, patient_id=None, direction="out", body="page",
                      to_number="+13125550901", provider_sid="SM" + "9" * 32, status="queued",
                      created_at=clock.now()))
        s.commit()
    response = post_twilio(twilio_app.test_client(), "/twilio/status", {
        "MessageSid": "SM" + "9" * 32, "MessageStatus": "undelivered", "ErrorCode": "30003"})
    assert response.status_code == 204
    with svc.sessions() as s:
        assert s.scalar(select(Flag)) is None


@pytest.mark.parametrize(("code", "words"), [
    (21610, "opted out"), (30007, "carrier filtered"), (30003, "unreachable"),
    (30005, "unknown or no longer in service"), (None, "could not be delivered"),
    (99999, "could not be delivered (error 99999)"),
])
def test_error_codes_in_words(code, words):
    assert words in describe_error(code)
