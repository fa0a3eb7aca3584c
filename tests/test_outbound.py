"""One way out: check-ins, on-call pages and SMS digests share the sender's pace,
the status callback and the Message record (followup/messaging/outbound.py).

The backend declares that it paces (as Twilio does) and notes, on the injected
clock, when each text went; waiting for a slot advances that clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import PUBLIC_URL, ClinicHandle, make_clinic, post_twilio
from factories import add_due_checkin, way_out
from flask import Flask
from sqlalchemy import select

from followup.app import Services, create_app
from followup.care.digest import DigestPass
from followup.care.escalation import Escalator
from followup.care.flags import open_flag
from followup.clock import FixedClock
from followup.messaging.dispatch import Dispatcher
from followup.messaging.outbound import Disposition, Outbound, Text, classify
from followup.messaging.pacing import Pacer
from followup.messaging.sms.base import (
    AccountSendError,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from followup.messaging.sms.console import ConsoleBackend
from followup.models import ClinicAlert, Digest, Message, SenderRate
from followup.triage import Rulebook

T = datetime(2026, 11, 10, 16, 0, tzinfo=UTC)  # 10:00 in Chicago
SERVICE_SID = "MG" + "0" * 32
LADDER = ["+13125550901"]
CONTACT = "+13125550777"


class PacedBackend(ConsoleBackend):
    """A console backend that says it must be paced, and notes when each text went."""

    paces = True

    def __init__(self, clock: FixedClock) -> None:
        super().__init__()
        self.clock = clock
        self.at: list[tuple[str, datetime]] = []  # (to, when)

    def send(self, **kw: Any) -> SendResult:
        self.at.append((kw["to"], self.clock.now()))
        return super().send(**kw)


@pytest.fixture
def paced_app(app_config: dict[str, Any], rulebook: Rulebook) -> Iterator[Flask]:
    """Twilio configured with a messaging service and no from-number."""
    clock = FixedClock(T)
    config = {**app_config, "twilio": {**app_config["twilio"], "from_number": "",
                                       "messaging_service_sid": SERVICE_SID}}
    app = create_app(config, clock=clock, sms=PacedBackend(clock), rulebook=rulebook)
    yield app
    app.extensions["followup"].dispose()


@pytest.fixture
def paced(paced_app: Flask) -> Services:
    return paced_app.extensions["followup"]  # type: ignore[no-any-return]


def outbound(svc: Services) -> Outbound:
    """The app's outbound path, but waiting for a slot moves the test clock."""
    clock = svc.clock
    assert isinstance(clock, FixedClock)
    return Outbound(settings=svc.settings, sessions=svc.sessions, sms=svc.sms, clock=clock,
                    sleep=lambda seconds: clock.advance(seconds=seconds))


def backend(svc: Services) -> PacedBackend:
    assert isinstance(svc.sms, PacedBackend)
    return svc.sms


def clinic_without_number(svc: Services, **extra: Any) -> ClinicHandle:
    """A clinic that texts from the account's messaging service (no number of its own)."""
    return make_clinic(svc, "north", None, oncall_phones=LADDER, **extra)  # type: ignore[arg-type]


def due_checkin_and_emergency(svc: Services, clinic_id: int) -> None:
    """A patient with a check-in due at T and an emergency flag unacknowledged since T-5 min."""
    with svc.sessions() as s:
        due = add_due_checkin(s, clinic_id, phone="+13125554000", first_name="Ana", at=T)
        open_flag(s, clinic_id=clinic_id, patient_id=due.patient_id, level="emergency",
                  reason="triage", now=T - timedelta(minutes=5))
        s.commit()


def senders(svc: Services) -> dict[str, datetime]:
    with svc.sessions() as s:
        return {r.sender: r.next_free_at for r in s.scalars(select(SenderRate))}


def test_a_page_and_a_checkin_from_a_messaging_service_share_one_pace(paced):
    clinic = clinic_without_number(paced)
    due_checkin_and_emergency(paced, clinic.clinic.id)
    out = outbound(paced)
    sms = backend(paced)
    escalator = Escalator(settings=paced.settings, sessions=paced.sessions,
                          clock=paced.clock, outbound=out)
    dispatcher = Dispatcher(settings=paced.settings, sessions=paced.sessions,
                            clock=paced.clock, outbound=out)
    assert escalator.run_once(T).texted == 1
    assert dispatcher.run_once(T).sent == 1
    # The page took the service's slot at 10:00:00; the check-in waited for the next one.
    assert sms.at == [(LADDER[0], T), ("+13125554000", T + timedelta(seconds=1))]
    assert senders(paced) == {SERVICE_SID: T + timedelta(seconds=2)}
    assert {t.from_ for t in sms.sent} == {None}  # Twilio picks the number from the service


def test_a_page_jumps_the_queue_and_pushes_it_back(paced):
    clinic = clinic_without_number(paced)
    due_checkin_and_emergency(paced, clinic.clinic.id)
    out = outbound(paced)
    out.wait_for_slot(None, T)  # a check-in just went: the next slot is 10:00:01
    Escalator(settings=paced.settings, sessions=paced.sessions,
              clock=paced.clock, outbound=out).run_once(T)
    assert backend(paced).at == [(LADDER[0], T)]  # not held back by the queue
    # ...but it used the queue's next slot, so the next check-in waits one more.
    assert senders(paced) == {SERVICE_SID: T + timedelta(seconds=2)}


def test_the_services_build_one_outbound_for_every_sender(paced):
    out = paced.outbound()
    assert out is paced.outbound()
    assert paced.dispatcher().outbound is out
    assert paced.escalator().outbound is out
    assert paced.digest().outbound is out
    assert out.sender_key(None) == SERVICE_SID
    assert out.sender_key("+13125550199") == "+13125550199"


def test_pacing_follows_what_the_backend_declares(svc, clock):
    quiet = Outbound(settings=svc.settings, sessions=svc.sessions, sms=ConsoleBackend(),
                     clock=clock)
    assert quiet.pacer is None and quiet.wait_for_slot("+13125550199", T) is None
    loud = Outbound(settings=svc.settings, sessions=svc.sessions, sms=PacedBackend(clock),
                    clock=clock)
    assert isinstance(loud.pacer, Pacer)


def test_an_sms_digest_is_paced_recorded_and_tracked(paced_app, paced):
    clinic = clinic_without_number(paced, contact_phone=CONTACT, digest_channel="sms").clinic
    out = outbound(paced)
    digest = DigestPass(settings=paced.settings, sessions=paced.sessions,
                        clock=paced.clock, outbound=out)
    at = datetime.fromisoformat("2026-11-11T07:30-06:00").astimezone(UTC)
    assert isinstance(paced.clock, FixedClock)
    paced.clock.set(at)
    assert out.pacer is not None
    out.pacer.push_back(SERVICE_SID, at + timedelta(seconds=30))  # e.g. a 429 a moment ago
    summary = digest.run_once(at)
    assert (summary.sent, summary.paced, backend(paced).sent) == (0, 1, [])
    with paced.sessions() as s:
        assert s.scalar(select(Digest)) is None  # today's digest is still to send
    paced.clock.set(at + timedelta(seconds=30))
    assert digest.run_once(at + timedelta(seconds=30)).sent == 1
    [text] = backend(paced).sent
    assert text.to == CONTACT and text.status_callback == PUBLIC_URL + "/twilio/status"
    assert senders(paced) == {SERVICE_SID: at + timedelta(seconds=31)}
    with paced.sessions() as s:
        message = s.scalar(select(Message))
        assert message is not None
        assert (message.clinic_id, message.patient_id, message.direction, message.to_number,
                message.provider_sid, message.body) == (
            clinic.id, None, "out", CONTACT, text.sid, text.body)
    # Its delivery is tracked like any other text's.
    assert post_twilio(paced_app.test_client(), "/twilio/status", {
        "MessageSid": text.sid, "MessageStatus": "delivered"}).status_code == 204
    with paced.sessions() as s:
        assert s.scalar(select(Message.status)) == "delivered"


def test_a_digest_to_a_number_the_provider_refuses_is_recorded_not_retried(svc, clock):
    make_clinic(svc, "west", "+13125550499", contact_phone=CONTACT, digest_channel="sms")
    refused = Refusing(PermanentSendError("landline", code=30006, http_status=400))
    digest = DigestPass(settings=svc.settings, sessions=svc.sessions, clock=clock,
                        outbound=way_out(svc, refused, clock))
    at = datetime.fromisoformat("2026-11-11T08:00-06:00").astimezone(UTC)
    summary = digest.run_once(at)
    assert (summary.sent, summary.not_sent, summary.failed) == (0, 1, 0)
    assert digest.run_once(at + timedelta(minutes=1)).not_sent == 0  # not every pass again
    assert refused.calls == 1
    with svc.sessions() as s:
        message = s.scalar(select(Message))
        assert message is not None and (message.status, message.error_code) == ("failed", 30006)


def test_a_refused_account_on_a_page_raises_the_clinics_alert(svc, clock):
    clinic = make_clinic(svc, "north", "+13125550199", oncall_phones=LADDER).clinic
    due_checkin_and_emergency(svc, clinic.id)
    refused = Refusing(AccountSendError("auth", code=20003, http_status=401))
    summary = Escalator(settings=svc.settings, sessions=svc.sessions, clock=clock,
                        outbound=way_out(svc, refused, clock)).run_once(T)
    assert summary.failed == 1
    with svc.sessions() as s:
        alert = s.scalar(select(ClinicAlert))
        assert alert is not None and alert.clinic_id == clinic.id and alert.cleared_at is None
        assert s.scalar(select(Message)) is None  # nothing went: no text on record


class Refusing:
    """A backend that refuses every text the same way."""

    name = "refusing"
    paces = False

    def __init__(self, error: Exception) -> None:
        self.error, self.calls = error, 0

    def send(self, **_: Any) -> SendResult:
        self.calls += 1
        raise self.error


@pytest.mark.parametrize(("outcome", "disposition"), [
    (SendResult("SM1", "queued"), Disposition.SENT),
    (TransientSendError("503", http_status=503), Disposition.RETRY),
    (AccountSendError("auth", code=20003, http_status=401), Disposition.ACCOUNT),
    (PermanentSendError("landline", code=30006, http_status=400), Disposition.REFUSED),
])
def test_every_outcome_has_one_meaning(outcome, disposition):
    assert classify(outcome) is disposition


def test_a_429_holds_back_the_whole_sender(svc, clock):
    sms = Refusing(TransientSendError("slow down", http_status=429, retry_after=5))
    out = Outbound(settings=svc.settings, sessions=svc.sessions, sms=PacedBackend(clock),
                   clock=clock)
    out.sms = sms
    assert classify(out.send(Text("+13125554000", "hi", "+13125550199"), T)) is Disposition.RETRY
    assert senders(svc) == {"+13125550199": T + timedelta(seconds=5)}
