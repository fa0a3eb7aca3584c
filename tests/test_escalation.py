"""On-call escalation: unacknowledged emergency/urgent flags text the clinic's ladder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from conftest import ScriptedBackend, make_clinic, run_concurrently
from factories import way_out
from fake_twilio import FakeTwilio
from sqlalchemy import select

from followup.care.escalation import Escalator
from followup.care.flags import acknowledge, open_flag, resolve
from followup.clock import FixedClock
from followup.extensions import Services
from followup.messaging.sms.base import PermanentSendError, TransientSendError
from followup.messaging.sms.console import ConsoleBackend
from followup.messaging.sms.twilio import TwilioBackend
from followup.models import Flag, FlagEvent, Message, Patient

LADDER = ["+13125550901", "+13125550902"]


@pytest.fixture
def oncall(svc: Services) -> Any:
    return make_clinic(svc, "oncall", "+13125550199", oncall_phones=LADDER)


def new_flag(svc: Services, clinic_id: int, level: str = "emergency",
             at: datetime | None = None) -> tuple[int, int]:
    now = at or svc.clock.now()
    with svc.sessions() as s:
        count = len(s.scalars(select(Patient.id)).all())
        patient = Patient(clinic_id=clinic_id, phone=f"+1312555{1000 + count}", first_name="Maria",
                          language="es", timezone="America/Chicago", created_at=now)
        s.add(patient)
        s.flush()
        flag_id = open_flag(s, clinic_id=clinic_id, patient_id=patient.id, level=level,
                            reason="triage", now=now)
        s.commit()
        return flag_id, patient.id


def escalator(svc: Services, sms: Any) -> Escalator:
    return Escalator(settings=svc.settings, sessions=svc.sessions, clock=svc.clock,
                     outbound=way_out(svc, sms))


def events(svc: Services, flag_id: int) -> list[tuple[str, str | None]]:
    with svc.sessions() as s:
        return [(e.action, e.detail) for e in s.scalars(
            select(FlagEvent).where(FlagEvent.flag_id == flag_id).order_by(FlagEvent.id))]


def test_emergency_pages_after_5_minutes_then_up_the_ladder(svc, oncall, clock, sms):
    t0 = clock.now()
    flag_id, patient_id = new_flag(svc, oncall.clinic.id)
    esc = escalator(svc, sms)
    assert esc.run_once(t0 + timedelta(minutes=4, seconds=59)).texted == 0
    assert sms.sent == []
    assert esc.run_once(t0 + timedelta(minutes=5)).texted == 1
    page = sms.sent[-1]
    assert page.to == LADDER[0] and page.from_ == "+13125550199"
    assert "EMERGENCY" in page.body and "Maria" in page.body
    assert f"https://followup.example.org/patients/{patient_id}#flag-{flag_id}" in page.body
    assert "+13125551000" not in page.body  # the patient's number stays out
    # Repeats every 10 minutes, next rung, then round again from the top.
    assert esc.run_once(t0 + timedelta(minutes=14)).texted == 0
    assert esc.run_once(t0 + timedelta(minutes=15)).texted == 1
    assert sms.sent[-1].to == LADDER[1]
    assert esc.run_once(t0 + timedelta(minutes=25)).texted == 1
    assert sms.sent[-1].to == LADDER[0]
    history = events(svc, flag_id)
    assert [a for a, _ in history] == ["opened", "escalated", "escalated", "escalated"]
    assert history[1][1] == f"texted on-call rung 1 of 2 ({LADDER[0]})"
    assert history[2][1] == f"texted on-call rung 2 of 2 ({LADDER[1]})"
    with svc.sessions() as s:
        flag = s.get(Flag, flag_id)
        assert flag.escalation_step == 3
        assert flag.next_escalation_at == t0 + timedelta(minutes=35)
        pages = s.scalars(select(Message).where(Message.to_number.in_(LADDER))).all()
        assert len(pages) == 3 and {m.patient_id for m in pages} == {None}


@pytest.mark.parametrize("how", ["acknowledge", "resolve"])
def test_acknowledging_stops_the_pages(svc, oncall, clock, sms, how):
    t0 = clock.now()
    flag_id, _ = new_flag(svc, oncall.clinic.id)
    esc = escalator(svc, sms)
    esc.run_once(t0 + timedelta(minutes=5))
    with svc.sessions() as s:
        flag = s.get(Flag, flag_id)
        if how == "acknowledge":
            acknowledge(s, flag, actor="user:1", now=t0 + timedelta(minutes=6))
        else:
            resolve(s, flag, actor="user:1", note="called her", now=t0 + timedelta(minutes=6))
        s.commit()
    assert esc.run_once(t0 + timedelta(hours=3)).texted == 0
    assert len(sms.sent) == 1


def test_urgent_waits_an_hour_and_routine_never_pages(svc, oncall, clock, sms):
    t0 = clock.now()
    urgent, _ = new_flag(svc, oncall.clinic.id, level="urgent")
    new_flag(svc, oncall.clinic.id, level="routine")
    esc = escalator(svc, sms)
    assert esc.run_once(t0 + timedelta(minutes=59)).texted == 0
    assert esc.run_once(t0 + timedelta(minutes=60)).texted == 1
    assert "URGENT" in sms.sent[-1].body
    assert esc.run_once(t0 + timedelta(hours=5)).texted == 1  # only the urgent one repeats
    with svc.sessions() as s:
        assert s.get(Flag, urgent).escalation_step == 2


def test_a_failed_page_is_retried_at_the_next_pass_and_noted_once(svc, oncall, clock):
    t0 = clock.now()
    flag_id, _ = new_flag(svc, oncall.clinic.id)
    backend = ScriptedBackend(TransientSendError("503", http_status=503),
                              TransientSendError("503", http_status=503))
    esc = escalator(svc, backend)
    assert esc.run_once(t0 + timedelta(minutes=5)).failed == 1
    assert esc.run_once(t0 + timedelta(minutes=5, seconds=30)).failed == 1
    assert esc.run_once(t0 + timedelta(minutes=6)).texted == 1
    assert backend.accepted[0][0] == LADDER[0]  # the same rung, not skipped
    actions = [a for a, _ in events(svc, flag_id)]
    assert actions == ["opened", "escalation_failed", "escalated"]


def test_a_number_that_cannot_be_texted_moves_on_to_the_next_rung(svc, oncall, clock):
    t0 = clock.now()
    flag_id, _ = new_flag(svc, oncall.clinic.id)
    backend = ScriptedBackend(PermanentSendError("landline", code=30006, http_status=400))
    esc = escalator(svc, backend)
    assert esc.run_once(t0 + timedelta(minutes=5)).failed == 1
    assert esc.run_once(t0 + timedelta(minutes=5, seconds=30)).texted == 1
    assert backend.accepted[0][0] == LADDER[1]
    assert "error 30006" in (events(svc, flag_id)[1][1] or "")


def test_a_clinic_without_an_on_call_ladder_is_noted_once(svc, north, clock, sms):
    t0 = clock.now()
    flag_id, _ = new_flag(svc, north.clinic.id)
    esc = escalator(svc, sms)
    assert esc.run_once(t0 + timedelta(minutes=5)).no_ladder == 1
    assert esc.run_once(t0 + timedelta(minutes=15)).no_ladder == 1
    assert sms.sent == []
    assert [a for a, _ in events(svc, flag_id)] == ["opened", "not_escalated"]


def test_two_workers_page_each_rung_once(svc, oncall, clock):
    t0 = clock.now()
    for _ in range(5):
        new_flag(svc, oncall.clinic.id)
    backend = ScriptedBackend()
    at = t0 + timedelta(minutes=5)
    run_concurrently(lambda: Escalator(
        settings=svc.settings, sessions=svc.sessions, clock=FixedClock(at),
        outbound=way_out(svc, backend, FixedClock(at))).run_once(at))
    assert len(backend.accepted) == 5


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


def test_pages_go_through_twilio_as_the_api_describes(svc, oncall, clock, fake):
    from followup.config import TwilioSettings

    backend = TwilioBackend(TwilioSettings(
        account_sid=fake.account_sid, auth_token=fake.auth_token, from_number="+13125550100",
        messaging_service_sid="", api_base_url=fake.base_url, timeout_seconds=5,
        validity_period_seconds=3600))
    t0 = clock.now()
    new_flag(svc, oncall.clinic.id)
    fake.queue_failure(status=429, code=20429)
    esc = escalator(svc, backend)
    assert esc.run_once(t0 + timedelta(minutes=5)).failed == 1
    assert esc.run_once(t0 + timedelta(minutes=6)).texted == 1
    assert fake.errors == []
    [sent] = fake.messages
    assert sent["To"] == LADDER[0] and sent["From"] == "+13125550199"
    assert sent["StatusCallback"] == "https://followup.example.org/twilio/status"


def test_the_console_backend_is_enough_for_a_dev_stack(svc, oncall, clock):
    sms = ConsoleBackend()
    new_flag(svc, oncall.clinic.id)
    assert escalator(svc, sms).run_once(clock.now() + timedelta(minutes=5)).texted == 1


def state_text(svc: Services, flag_id: int, now: datetime) -> str | None:
    from zoneinfo import ZoneInfo

    from followup.care.escalation import escalation_state, oncall_ladder
    from followup.models import Clinic

    with svc.sessions() as s:
        flag = s.get(Flag, flag_id)
        ladder = oncall_ladder(s.get(Clinic, flag.clinic_id))
        state = escalation_state(flag, ladder, rules=svc.settings.escalation, now=now,
                                 tz=ZoneInfo("America/Chicago"))
        return None if state is None else state.text


def test_the_state_in_words_follows_the_ladder_and_its_failures(svc, oncall, clock):
    t0 = clock.now()  # 15:00 in Chicago
    flag_id, _ = new_flag(svc, oncall.clinic.id)
    assert state_text(svc, flag_id, t0) == "Pages (312) 555-0901 at 15:05"
    backend = ScriptedBackend(TransientSendError("503", http_status=503))
    esc = escalator(svc, backend)
    esc.run_once(t0 + timedelta(minutes=5))
    # The rung was given back: the same number is tried again at the next pass.
    assert state_text(svc, flag_id, t0 + timedelta(minutes=5)) == (
        "Could not page (312) 555-0901 at 15:05; trying (312) 555-0901 now")
    esc.run_once(t0 + timedelta(minutes=6))
    assert state_text(svc, flag_id, t0 + timedelta(minutes=6)) == (
        "Paged (312) 555-0901 15:06, next (312) 555-0902 15:16")
    urgent, _ = new_flag(svc, oncall.clinic.id, level="urgent")
    assert state_text(svc, urgent, t0) == "Pages (312) 555-0901 at 16:00"
    routine, _ = new_flag(svc, oncall.clinic.id, level="routine")
    assert state_text(svc, routine, t0) is None
    with svc.sessions() as s:
        acknowledge(s, s.get(Flag, flag_id), actor="user:1", now=t0 + timedelta(minutes=7))
        s.commit()
    assert state_text(svc, flag_id, t0 + timedelta(minutes=7)) is None


def test_refused_credentials_keep_the_rung_and_raise_the_clinic_alert(svc, oncall, clock, fake):
    """Twilio refuses our account: the page is retried at the next pass (not
    skipped to the next rung) and the clinic's staff pages say why."""
    from followup.config import TwilioSettings
    from followup.models import ClinicAlert

    backend = TwilioBackend(TwilioSettings(
        account_sid=fake.account_sid, auth_token=fake.auth_token, from_number="+13125550100",
        messaging_service_sid="", api_base_url=fake.base_url, timeout_seconds=5,
        validity_period_seconds=3600))
    t0 = clock.now()
    flag_id, _ = new_flag(svc, oncall.clinic.id)
    fake.queue_failure(status=401, code=20003)
    esc = escalator(svc, backend)
    assert esc.run_once(t0 + timedelta(minutes=5)).failed == 1
    with svc.sessions() as s:
        [alert] = s.scalars(select(ClinicAlert)).all()
        assert (alert.kind, alert.clinic_id, alert.cleared_at) == (
            "credentials", oncall.clinic.id, None)
    assert ("escalation_failed", "could not text on-call rung 1 of 2 "
            f"({LADDER[0]}): Twilio refuses our credentials; will retry") in events(svc, flag_id)
    assert esc.run_once(t0 + timedelta(minutes=6)).texted == 1
    assert [m["To"] for m in fake.messages] == [LADDER[0]]  # the same rung, not skipped
