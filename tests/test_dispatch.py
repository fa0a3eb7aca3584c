"""The dispatcher: what gets sent when, and what happens when sending fails."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import ScriptedBackend, run_concurrently
from factories import enrol, way_out
from sqlalchemy import select, update

from followup.clock import FixedClock
from followup.extensions import Services
from followup.messaging.dispatch import Dispatcher
from followup.messaging.dispatch.results import Recorder
from followup.messaging.sms.base import PermanentSendError, TransientSendError
from followup.messaging.sms.console import ConsoleBackend
from followup.models import Checkin, Flag, Message, Patient


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def statuses(svc: Services) -> dict[str, str]:
    with svc.sessions() as s:
        return {c.kind: c.status for c in s.scalars(select(Checkin))}


def test_nothing_is_sent_before_it_is_due(client, svc, north, sms: ConsoleBackend):
    enrol(client, north)
    summary = svc.dispatcher().run_once(local("2026-11-10T16:59-06:00"))
    assert summary.sent == 0 and sms.sent == []


def test_due_checkin_is_sent_with_first_name_and_no_drug_name(client, svc, north, sms):
    enrol(client, north, product="Privigen")
    summary = svc.dispatcher().run_once(local("2026-11-10T17:00-06:00"))
    assert summary.sent == 1
    text = sms.sent[0]
    assert text.to == "+13125550123"
    assert text.from_ == "+13125550199"  # the clinic's texting number
    assert text.status_callback == "https://followup.example.org/twilio/status"
    assert "Maria" in text.body and "Privigen" not in text.body
    assert "911" in text.body
    assert statuses(svc)["same_day"] == "sent"
    # A second pass at the same instant sends nothing more.
    assert svc.dispatcher().run_once(local("2026-11-10T17:00-06:00")).sent == 0


def test_clinic_can_choose_to_name_the_product(client, svc, sms):
    from conftest import make_clinic

    clinic = make_clinic(svc, "west", "+13125550399", show_product_in_texts=True)
    enrol(client, clinic, product="Privigen")
    svc.dispatcher().run_once(local("2026-11-10T17:00-06:00"))
    assert "Privigen" in sms.sent[0].body


def test_checkin_due_at_night_is_planned_for_the_morning(client, svc, north, sms, clock):
    clock.set(local("2026-11-10T19:30-06:00"))
    created = enrol(client, north, infusion_at="2026-11-10T19:00:00-06:00")  # due 22:00
    same_day = created["checkins"][0]
    assert same_day["due_at"] == local("2026-11-10T22:00-06:00").isoformat()
    assert same_day["send_at"] == local("2026-11-11T08:00-06:00").isoformat()
    assert svc.dispatcher().run_once(local("2026-11-10T22:00-06:00")).sent == 0
    assert svc.dispatcher().run_once(local("2026-11-11T07:59-06:00")).sent == 0
    assert svc.dispatcher().run_once(local("2026-11-11T08:00-06:00")).sent == 1


def retry_at(svc: Services, when: str) -> None:
    with svc.sessions() as s:
        s.execute(update(Checkin).where(Checkin.kind == "same_day")
                  .values(next_attempt_at=local(when)))
        s.commit()


def test_quiet_hours_are_enforced_at_send_time(client, svc, north, sms, clock):
    # Due 20:30; a retry that falls at 22:30 is not sent then but at 08:00.
    clock.set(local("2026-11-10T18:00-06:00"))
    enrol(client, north, infusion_at="2026-11-10T17:30:00-06:00")
    retry_at(svc, "2026-11-10T22:30-06:00")
    summary = svc.dispatcher().run_once(local("2026-11-10T22:30-06:00"))
    assert summary.deferred == 1 and sms.sent == []
    with svc.sessions() as s:
        checkin = s.scalar(select(Checkin).where(Checkin.kind == "same_day"))
        assert checkin.status == "pending"
        assert checkin.next_attempt_at == local("2026-11-11T08:00-06:00")


def test_checkin_that_quiet_hours_would_make_stale_is_skipped(client, svc, north, sms):
    enrol(client, north)  # due 17:00; at 22:30 the next allowed moment is 15 h late
    retry_at(svc, "2026-11-10T22:30-06:00")
    summary = svc.dispatcher().run_once(local("2026-11-10T22:30-06:00"))
    assert summary.skipped == 1 and sms.sent == []
    with svc.sessions() as s:
        reason = s.scalar(select(Checkin.skip_reason).where(Checkin.kind == "same_day"))
    assert reason == "stale: quiet hours would make it more than 12 h late"


def test_checkin_more_than_12_hours_late_is_skipped_not_sent(client, svc, north, sms):
    enrol(client, north)  # same-day due 17:00
    summary = svc.dispatcher().run_once(local("2026-11-11T09:30-06:00"))
    assert sms.sent == []
    assert summary.skipped == 1
    with svc.sessions() as s:
        checkin = s.scalar(select(Checkin).where(Checkin.kind == "same_day"))
        assert checkin.status == "skipped"
        assert checkin.skip_reason.startswith("stale")


def test_provider_busy_leaves_it_pending_with_backoff(app, client, svc, north, clock):
    backend = ScriptedBackend(TransientSendError("429", http_status=429))
    dispatcher = Dispatcher(settings=svc.settings, sessions=svc.sessions, clock=clock,
                            outbound=way_out(svc, backend, clock), jitter=lambda: 1.0)
    enrol(client, north)
    t = local("2026-11-10T17:00-06:00")
    assert dispatcher.run_once(t).retrying == 1
    with svc.sessions() as s:
        checkin = s.scalar(select(Checkin).where(Checkin.kind == "same_day"))
        assert checkin.status == "pending"
        assert checkin.attempts == 1
        assert checkin.next_attempt_at == t + timedelta(seconds=svc.settings.retry_base_seconds)
    assert dispatcher.run_once(t + timedelta(seconds=30)).sent == 0
    assert dispatcher.run_once(t + timedelta(seconds=60)).sent == 1
    assert statuses(svc)["same_day"] == "sent"


def test_a_claim_taken_over_mid_send_is_not_recorded_twice(client, svc, north, clock):
    """A pass so slow that its lease ran out: another dispatcher re-claimed the
    check-in while the first was still sending. The first must not record it
    as its own (the other will), so the timeline shows one text, not two."""

    class TakenOver(ScriptedBackend):
        def send(self, **kwargs: Any) -> Any:
            with svc.sessions() as s:
                s.execute(update(Checkin).values(claim_token="another-dispatcher"))
                s.commit()
            return super().send(**kwargs)

    dispatcher = Dispatcher(settings=svc.settings, sessions=svc.sessions, clock=clock,
                            outbound=way_out(svc, TakenOver(), clock))
    enrol(client, north)
    summary = dispatcher.run_once(local("2026-11-10T17:00-06:00"))
    assert summary.sent == 0 and summary.errors
    with svc.sessions() as s:
        checkin = s.scalar(select(Checkin).where(Checkin.kind == "same_day"))
        assert (checkin.status, checkin.claim_token) == ("sending", "another-dispatcher")
        assert s.scalars(select(Message).where(Message.direction == "out")).all() == []


def test_backoff_grows_and_respects_retry_after(svc, clock):
    d = Dispatcher(settings=svc.settings, sessions=svc.sessions, clock=clock,
                   outbound=way_out(svc, ConsoleBackend(), clock), jitter=lambda: 1.0)
    assert [d.backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]
    assert d.backoff(30).total_seconds() == svc.settings.retry_max_seconds
    assert d.backoff(1, retry_after=300).total_seconds() == 300


def test_permanent_error_fails_it_and_flags_undeliverable(client, svc, north, clock):
    backend = ScriptedBackend(PermanentSendError("bad number", code=21211, http_status=400))
    dispatcher = Dispatcher(settings=svc.settings, sessions=svc.sessions, clock=clock,
                            outbound=way_out(svc, backend, clock))
    enrol(client, north)
    assert dispatcher.run_once(local("2026-11-10T17:00-06:00")).failed == 1
    assert statuses(svc)["same_day"] == "failed"
    flags = client.get("/api/flags", headers=north.auth).get_json()
    assert [(f["level"], f["reason"]) for f in flags] == [("routine", "undeliverable")]
    assert "21211" in flags[0]["detail"]


def test_error_21610_marks_the_patient_opted_out(client, svc, north, clock):
    backend = ScriptedBackend(PermanentSendError("unsubscribed", code=21610, http_status=400))
    dispatcher = Dispatcher(settings=svc.settings, sessions=svc.sessions, clock=clock,
                            outbound=way_out(svc, backend, clock))
    created = enrol(client, north)
    dispatcher.run_once(local("2026-11-10T17:00-06:00"))
    patient = client.get(f"/api/patients/{created['patient_id']}", headers=north.auth).get_json()
    assert patient["opted_out"] is True
    assert {c["status"] for c in patient["checkins"][1:]} == {"cancelled"}
    assert dispatcher.run_once(local("2026-11-11T10:00-06:00")).sent == 0


def test_opted_out_patient_gets_nothing(client, svc, north, sms):
    created = enrol(client, north)
    with svc.sessions() as s:
        s.execute(update(Patient).where(Patient.id == created["patient_id"])
                  .values(opted_out_at=datetime(2026, 11, 10, tzinfo=UTC)))
        s.commit()
    summary = svc.dispatcher().run_once(local("2026-11-10T17:00-06:00"))
    assert summary.sent == 0 and summary.skipped == 1 and sms.sent == []


def test_a_claim_abandoned_by_a_dead_dispatcher_is_picked_up_again(client, svc, north, sms):
    enrol(client, north)
    t = local("2026-11-10T17:00-06:00")
    with svc.sessions() as s:  # as if a dispatcher claimed it, then was killed
        s.execute(update(Checkin).where(Checkin.kind == "same_day").values(
            status="sending", claim_token="dead", claimed_at=t))
        s.commit()
    assert svc.dispatcher().run_once(t + timedelta(minutes=5)).sent == 0
    summary = svc.dispatcher().run_once(t + timedelta(minutes=11))
    assert summary.reclaimed == 1 and summary.sent == 1


def test_a_claim_that_died_after_the_send_began_is_resent_and_recorded(client, svc, north, sms):
    enrol(client, north)
    t = local("2026-11-10T17:00-06:00")
    with svc.sessions() as s:  # killed between the provider's "accepted" and our commit
        s.execute(update(Checkin).where(Checkin.kind == "same_day").values(
            status="sending", claim_token="dead", claimed_at=t, send_started_at=t))
        s.commit()
    summary = svc.dispatcher().run_once(t + timedelta(minutes=11))
    assert summary.reclaimed == 1 and summary.sent == 1
    with svc.sessions() as s:
        checkin = s.scalar(select(Checkin).where(Checkin.kind == "same_day"))
        assert checkin.status == "sent" and checkin.possible_duplicate is True


def test_two_dispatchers_never_send_the_same_checkin(client, svc, north, clock):
    for i in range(60):
        enrol(client, north, phone=f"+1312555{1000 + i}", first_name=f"P{i}")
    backend = ScriptedBackend()
    t = local("2026-11-10T17:00-06:00")
    settings = svc.settings
    small = type(settings)(**{**settings.__dict__, "batch_size": 7})
    run_concurrently(lambda: Dispatcher(
        settings=small, sessions=svc.sessions, clock=FixedClock(t),
        outbound=way_out(svc, backend, FixedClock(t), settings=small)).run_once(t))
    counts = Counter(to for to, _ in backend.accepted)
    assert len(counts) == 60 and set(counts.values()) == {1}
    with svc.sessions() as s:
        assert s.scalar(select(Message).where(Message.direction == "out")) is not None
        assert len(s.scalars(select(Message)).all()) == 60


@pytest.mark.parametrize(("ended", "due"), [("05:00", "08:00"), ("09:00", "12:00"),
                                             ("17:59", "20:59")])
def test_daytime_sends_are_never_deferred(client, svc, north, sms, clock, ended, due):
    clock.set(local(f"2026-11-10T{due}-06:00"))
    enrol(client, north, infusion_at=f"2026-11-10T{ended}:00-06:00")
    summary = svc.dispatcher().run_once(local(f"2026-11-10T{due}-06:00"))
    assert summary.deferred == 0 and summary.sent == 1


def test_flags_for_failed_sends_are_only_seen_by_their_clinic(client, svc, north, south, clock):
    backend = ScriptedBackend(PermanentSendError("bad", code=30006, http_status=400))
    enrol(client, north)
    Dispatcher(settings=svc.settings, sessions=svc.sessions, clock=clock,
               outbound=way_out(svc, backend, clock)).run_once(local("2026-11-10T17:00-06:00"))
    assert len(client.get("/api/flags", headers=north.auth).get_json()) == 1
    assert client.get("/api/flags", headers=south.auth).get_json() == []
    with svc.sessions() as s:
        assert s.scalar(select(Flag)).detail.startswith("the number is a landline")


def test_a_nurses_message_goes_out_at_once_even_at_night(client, svc, north, sms, clock):
    created = enrol(client, north)
    night = local("2026-11-10T23:30-06:00")
    with svc.sessions() as s:
        s.add(Checkin(patient_id=created["patient_id"], infusion_id=created["infusion_id"],
                      kind="staff", template="staff_message", body="Please call us back.",
                      due_at=night, next_attempt_at=night, created_by="user:1",
                      created_at=night))
        s.commit()
    assert svc.dispatcher().run_once(night).sent == 1
    assert sms.sent[-1].body == "Please call us back."
    with svc.sessions() as s:
        assert s.scalar(select(Message.sent_by).where(Message.body == "Please call us back.")) \
            == "user:1"


def test_paused_patient_gets_no_checkins(client, svc, north, sms):
    created = enrol(client, north)
    with svc.sessions() as s:
        s.execute(update(Patient).where(Patient.id == created["patient_id"])
                  .values(paused_at=datetime(2026, 11, 10, 20, tzinfo=UTC)))
        s.commit()
    summary = svc.dispatcher().run_once(local("2026-11-10T17:00-06:00"))
    assert summary.sent == 0 and summary.skipped == 1
    assert statuses(svc)["same_day"] == "skipped"


def test_one_check_in_that_cannot_be_rendered_does_not_stall_the_others(
    client, svc, north, sms, monkeypatch
):
    enrol(client, north)
    enrol(client, north, phone="+13125550124", first_name="Ana")
    import followup.messaging.dispatch.planning as dispatch_module

    real = dispatch_module.checkin_text

    def fragile(patient, *args, **kwargs):  # type: ignore[no-untyped-def]
        if patient.first_name == "Maria":
            raise LookupError("template vanished")
        return real(patient, *args, **kwargs)

    monkeypatch.setattr(dispatch_module, "checkin_text", fragile)
    summary = svc.dispatcher().run_once(local("2026-11-10T17:00-06:00"))
    assert summary.sent == 1 and summary.retrying == 1
    assert [t.to for t in sms.sent] == ["+13125550124"]
    with svc.sessions() as s:
        broken = s.scalar(select(Checkin).join(Patient).where(Patient.first_name == "Maria",
                                                              Checkin.kind == "same_day"))
        assert broken.status == "pending" and "LookupError" in broken.last_error


def test_an_error_after_sending_marks_the_retry_as_a_possible_duplicate(
    client, svc, north, sms, monkeypatch
):
    enrol(client, north)

    def broken_record(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away after the provider accepted")

    monkeypatch.setattr(Recorder, "record_accepted", broken_record)
    summary = svc.dispatcher().run_once(local("2026-11-10T17:00-06:00"))
    assert len(sms.sent) == 1 and summary.retrying == 1
    with svc.sessions() as s:
        checkin = s.scalar(select(Checkin).where(Checkin.kind == "same_day"))
        assert checkin.status == "pending" and checkin.possible_duplicate is True
