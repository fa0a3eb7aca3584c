"""Follow-through on silence: a reminder after waking hours without a reply, then a flag.

Every instant is fixed (Chicago, November: UTC-6); nothing sleeps.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

import factories
import pytest
from factories import text_in_ok
from sqlalchemy import select, update

from followup.care.followthrough import FollowThrough, end_of_waking_day, waking_after
from followup.extensions import Services
from followup.messaging.texts import render_sms, sms_segments
from followup.models import Checkin, Flag, FlagEvent, Message, Patient
from followup.patients.schedule import QuietHours

CHICAGO = ZoneInfo("America/Chicago")
QUIET = QuietHours(time(21, 0), time(8, 0))


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


# Maria's infusion ended at 09:00 (Chicago, Tuesday 10 Nov) unless a test says otherwise.
enrol = partial(factories.enrol, infusion_at="2026-11-10T09:00:00-06:00")


def follow(svc: Services, when: str) -> Any:
    return FollowThrough(settings=svc.settings, sessions=svc.sessions,
                         clock=svc.clock).run_once(local(when))


def dispatch(svc: Services, when: str) -> Any:
    return svc.dispatcher().run_once(local(when))


def checkin(svc: Services, kind: str) -> Checkin:
    with svc.sessions() as s:
        found = s.scalar(select(Checkin).where(Checkin.kind == kind).order_by(Checkin.id))
        assert found is not None
        return found


def flags(svc: Services) -> list[Flag]:
    with svc.sessions() as s:
        return list(s.scalars(select(Flag).order_by(Flag.id)))


# -- waking time -------------------------------------------------------------------


@pytest.mark.parametrize(("start", "hours", "expected"), [
    ("2026-11-10T12:00-06:00", 4, "2026-11-10T16:00-06:00"),
    ("2026-11-10T20:00-06:00", 4, "2026-11-11T11:00-06:00"),  # 1 h tonight, 3 h tomorrow
    ("2026-11-10T23:30-06:00", 2, "2026-11-11T10:00-06:00"),  # sent in quiet hours
    ("2026-11-10T12:00-06:00", 30, "2026-11-12T16:00-06:00"),  # 9 + 13 + 8
    # DST ends on 2026-11-01 in Chicago: 13 waking hours a day still, in local time.
    ("2026-10-31T20:00-05:00", 2, "2026-11-01T09:00-06:00"),
])
def test_waking_hours_skip_the_night(start: str, hours: float, expected: str) -> None:
    assert waking_after(local(start), hours, CHICAGO, QUIET) == local(expected)


def test_without_quiet_hours_waking_time_is_plain_time() -> None:
    always = QuietHours(time(0, 0), time(0, 0))
    assert waking_after(local("2026-11-10T23:00-06:00"), 4, CHICAGO, always) == \
        local("2026-11-11T03:00-06:00")


@pytest.mark.parametrize(("start", "expected"), [
    ("2026-11-10T16:00-06:00", "2026-11-11T21:00-06:00"),
    ("2026-11-10T20:59-06:00", "2026-11-11T21:00-06:00"),
    ("2026-11-11T02:00-06:00", "2026-11-12T21:00-06:00"),  # goes out at 08:00 on the 11th
])
def test_end_of_the_next_waking_day(start: str, expected: str) -> None:
    assert end_of_waking_day(local(start), 1, CHICAGO, QUIET) == local(expected)


# -- reminder then flag ------------------------------------------------------------


def test_silence_brings_one_reminder_then_one_flag(client, svc, north, sms):
    enrol(client, north)
    assert dispatch(svc, "2026-11-10T12:00-06:00").sent == 1  # same_day, due 12:00
    assert follow(svc, "2026-11-10T15:59-06:00").reminders == 0
    summary = follow(svc, "2026-11-10T16:00-06:00")
    assert summary.reminders == 1
    original = checkin(svc, "same_day")
    assert original.reminded_at == local("2026-11-10T16:00-06:00")
    reminder = checkin(svc, "reminder")
    assert (reminder.template, reminder.reminder_for_id) == ("reminder", original.id)
    assert reminder.status == "pending"
    assert reminder.next_attempt_at == local("2026-11-10T16:00-06:00")
    assert follow(svc, "2026-11-10T16:05-06:00").reminders == 0  # only one, ever

    assert dispatch(svc, "2026-11-10T16:00:30-06:00").sent == 1
    assert sms.sent[-1].body == render_sms(
        "reminder", "en", first_name="Maria", emergency_number="911",
        clinic_name="North Infusion Center", clinic_phone="(312) 555-0100")
    assert "Maria" in sms.sent[-1].body

    # End of the next waking day after the reminder went out: 21:00 on the 11th.
    assert follow(svc, "2026-11-11T20:59-06:00").flagged == 0
    assert flags(svc) == []
    assert follow(svc, "2026-11-11T21:00-06:00").flagged == 1
    [flag] = flags(svc)
    assert (flag.level, flag.reason, flag.status) == ("routine", "no_response", "open")
    assert flag.checkin_id == original.id
    assert checkin(svc, "same_day").no_response_flagged_at == local("2026-11-11T21:00-06:00")
    assert follow(svc, "2026-11-12T09:00-06:00").flagged == 0
    with svc.sessions() as s:
        actions = list(s.scalars(select(FlagEvent.action).where(FlagEvent.flag_id == flag.id)))
    assert actions == ["opened"]


def test_a_checkin_sent_in_the_evening_is_not_chased_at_night(client, svc, north):
    svc.clock.set(local("2026-11-10T17:30-06:00"))
    enrol(client, north, infusion_at="2026-11-10T17:00:00-06:00")  # same_day at 20:00
    assert dispatch(svc, "2026-11-10T20:00-06:00").sent == 1
    assert follow(svc, "2026-11-11T00:00-06:00").reminders == 0
    assert follow(svc, "2026-11-11T10:59-06:00").reminders == 0
    assert follow(svc, "2026-11-11T11:00-06:00").reminders == 1


def test_a_reply_closes_the_loop(client, svc, north):
    enrol(client, north)
    dispatch(svc, "2026-11-10T12:00-06:00")
    svc.clock.set(local("2026-11-10T13:00-06:00"))
    text_in_ok(client, "I feel fine", "SM" + "a" * 32)
    assert checkin(svc, "same_day").answered_at is not None
    assert follow(svc, "2026-11-10T16:00-06:00").reminders == 0
    assert follow(svc, "2026-11-12T22:00-06:00").flagged == 0
    assert flags(svc) == []


def test_answering_the_reminder_means_no_flag(client, svc, north):
    enrol(client, north)
    dispatch(svc, "2026-11-10T12:00-06:00")
    follow(svc, "2026-11-10T16:00-06:00")
    dispatch(svc, "2026-11-10T16:00-06:00")
    svc.clock.set(local("2026-11-10T18:00-06:00"))
    text_in_ok(client, "ok", "SM" + "b" * 32)
    assert checkin(svc, "same_day").answered_at == local("2026-11-10T18:00-06:00")
    assert checkin(svc, "reminder").answered_at == local("2026-11-10T18:00-06:00")
    assert follow(svc, "2026-11-12T22:00-06:00").flagged == 0
    assert flags(svc) == []


def test_a_reminder_held_by_the_night_is_dropped_if_they_answer_first(client, svc, north, sms):
    enrol(client, north, infusion_at="2026-11-10T14:00:00-06:00")  # same_day 17:00
    dispatch(svc, "2026-11-10T17:00-06:00")
    assert follow(svc, "2026-11-10T21:00-06:00").reminders == 1
    assert dispatch(svc, "2026-11-10T21:00:30-06:00").deferred == 1  # quiet hours
    svc.clock.set(local("2026-11-11T07:00-06:00"))
    text_in_ok(client, "sorry, was asleep. all good", "SM" + "c" * 32)
    count = len(sms.sent)
    dispatch(svc, "2026-11-11T08:00-06:00")
    assert len(sms.sent) == count
    reminder = checkin(svc, "reminder")
    assert (reminder.status, reminder.skip_reason) == (
        "skipped", "answered before the reminder went out")


def test_late_checkins_follow_up_sooner(client, svc, north):
    created = enrol(client, north)
    with svc.sessions() as s:  # only the day-3 check-in matters here
        s.execute(update(Checkin).where(Checkin.kind != "day3").values(status="cancelled"))
        s.commit()
    day3 = checkin(svc, "day3")
    assert day3.due_at == local("2026-11-13T10:00-06:00")
    assert dispatch(svc, "2026-11-13T10:00-06:00").sent == 1
    assert follow(svc, "2026-11-13T11:59-06:00").reminders == 0
    assert follow(svc, "2026-11-13T12:00-06:00").reminders == 1  # 2 waking hours
    dispatch(svc, "2026-11-13T12:00-06:00")
    assert follow(svc, "2026-11-13T17:59-06:00").flagged == 0
    assert follow(svc, "2026-11-13T18:00-06:00").flagged == 1  # 6 waking hours later
    [flag] = flags(svc)
    assert flag.patient_id == created["patient_id"] and "day3" in (flag.detail or "")


def test_reminder_that_could_not_go_out_still_leads_to_a_flag(client, svc, north):
    enrol(client, north)
    dispatch(svc, "2026-11-10T12:00-06:00")
    follow(svc, "2026-11-10T16:00-06:00")
    with svc.sessions() as s:
        s.execute(update(Checkin).where(Checkin.kind == "reminder")
                  .values(status="skipped", skip_reason="stale"))
        s.commit()
    # Counted from when the reminder was queued: the end of the next waking day.
    assert follow(svc, "2026-11-11T21:00-06:00").flagged == 1


@pytest.mark.parametrize("state", ["opted_out", "paused"])
def test_no_reminder_or_flag_for_opted_out_or_paused_patients(client, svc, north, state):
    created = enrol(client, north)
    dispatch(svc, "2026-11-10T12:00-06:00")
    with svc.sessions() as s:
        column = {"opted_out": Patient.opted_out_at, "paused": Patient.paused_at}[state]
        s.execute(update(Patient).where(Patient.id == created["patient_id"])
                  .values({column: local("2026-11-10T13:00-06:00")}))
        s.commit()
    assert follow(svc, "2026-11-10T16:00-06:00").reminders == 0
    with svc.sessions() as s:  # even if a reminder was already out
        s.execute(update(Checkin).where(Checkin.kind == "same_day")
                  .values(reminded_at=local("2026-11-10T16:00-06:00")))
        s.commit()
    assert follow(svc, "2026-11-12T22:00-06:00").flagged == 0


def test_staff_messages_and_reminders_are_never_chased(client, svc, north):
    created = enrol(client, north)
    with svc.sessions() as s:
        s.execute(update(Checkin).values(status="cancelled"))
        t = local("2026-11-10T12:00-06:00")
        s.add(Checkin(patient_id=created["patient_id"], infusion_id=created["infusion_id"],
                      kind="staff", template="staff_message", body="Call us please.",
                      due_at=t, next_attempt_at=t, created_by="user:1", created_at=t))
        s.commit()
    assert dispatch(svc, "2026-11-10T12:00-06:00").sent == 1
    assert follow(svc, "2026-11-11T20:00-06:00").reminders == 0
    assert follow(svc, "2026-11-13T20:00-06:00").flagged == 0
    with svc.sessions() as s:
        assert s.scalar(select(Checkin).where(Checkin.kind == "reminder")) is None


def test_a_newer_checkin_asks_again_so_the_older_is_not_reminded(client, svc, north):
    enrol(client, north)
    dispatch(svc, "2026-11-10T12:00-06:00")  # same_day
    with svc.sessions() as s:  # day1 goes out before the 4 waking hours are up
        s.execute(update(Checkin).where(Checkin.kind == "day1")
                  .values(next_attempt_at=local("2026-11-10T13:00-06:00"),
                          due_at=local("2026-11-10T13:00-06:00")))
        s.commit()
    dispatch(svc, "2026-11-10T13:00-06:00")
    summary = follow(svc, "2026-11-10T17:00-06:00")
    assert summary.reminders == 1  # for day1 only
    assert checkin(svc, "reminder").reminder_for_id == checkin(svc, "day1").id
    assert checkin(svc, "same_day").reminded_at is None


def test_an_undelivered_checkin_is_not_chased(client, svc, north):
    enrol(client, north)
    dispatch(svc, "2026-11-10T12:00-06:00")
    with svc.sessions() as s:
        s.execute(update(Message).values(status="undelivered", error_code=30003))
        s.commit()
    assert follow(svc, "2026-11-10T16:00-06:00").reminders == 0


def test_a_reply_to_a_later_checkin_also_counts(client, svc, north):
    enrol(client, north)
    dispatch(svc, "2026-11-10T12:00-06:00")
    follow(svc, "2026-11-10T16:00-06:00")  # reminder queued, never answered...
    dispatch(svc, "2026-11-10T16:00-06:00")
    dispatch(svc, "2026-11-11T10:00-06:00")  # day1
    svc.clock.set(local("2026-11-11T10:30-06:00"))
    text_in_ok(client, "a bit tired", "SM" + "d" * 32)  # ...but this is an answer
    assert follow(svc, "2026-11-11T21:00-06:00").flagged == 0
    assert flags(svc) == []


def test_a_second_silence_adds_to_the_open_flag(client, svc, north):
    enrol(client, north)
    dispatch(svc, "2026-11-10T12:00-06:00")
    follow(svc, "2026-11-10T16:00-06:00")
    dispatch(svc, "2026-11-10T16:00-06:00")
    dispatch(svc, "2026-11-11T10:00-06:00")  # day1, also unanswered
    follow(svc, "2026-11-11T14:00-06:00")  # reminder for day1
    dispatch(svc, "2026-11-11T14:00-06:00")
    assert follow(svc, "2026-11-11T21:00-06:00").flagged == 1  # same_day
    assert follow(svc, "2026-11-12T21:00-06:00").flagged == 1  # day1
    [flag] = flags(svc)
    with svc.sessions() as s:
        events = list(s.scalars(select(FlagEvent).where(FlagEvent.flag_id == flag.id)
                                .order_by(FlagEvent.id)))
    assert [e.action for e in events] == ["opened", "noted"]
    assert "day1" in (events[1].detail or "")


def test_old_checkins_are_history_not_silence(client, svc, north):
    enrol(client, north)
    dispatch(svc, "2026-11-10T12:00-06:00")
    assert follow(svc, "2026-11-25T12:00-06:00").reminders == 0


def test_two_workers_remind_once(client, svc, north):
    enrol(client, north)
    dispatch(svc, "2026-11-10T12:00-06:00")
    first = follow(svc, "2026-11-10T16:00-06:00")
    second = follow(svc, "2026-11-10T16:00-06:00")
    assert first.reminders + second.reminders == 1
    with svc.sessions() as s:
        assert len(s.scalars(select(Checkin).where(Checkin.kind == "reminder")).all()) == 1


# -- the reminder's wording ---------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", ["reminder", "oncall_alert", "digest"])
def test_new_templates_follow_the_wording_rules(name: str, lang: str) -> None:
    """The same rules test_sms_texts applies: two segments at worst, clean text."""
    context = {
        "first_name": "Maximiliana-Josefina", "clinic_name": "Riverside Community Infusion "
        "Center West", "clinic_phone": "(555) 010-2000", "emergency_number": "112",
        "level": "emergency", "minutes": 1440, "day": "2026-11-10",
        "link": "https://followup.example.org/patients/1234567#flag-1234567",
        "emergency": 99, "urgent": 99, "routine": 999, "acknowledged": 999,
        "no_response": 999, "undeliverable": 999,
    }
    for clinic_name in (context["clinic_name"], None):
        text = render_sms(name, lang, **{**context, "clinic_name": clinic_name})
        assert sms_segments(text) <= 2, text
        assert text == text.strip() and "  " not in text and "\n\n" not in text
        assert "None" not in text and "{" not in text and " ." not in text
    if name == "reminder":
        assert "112" in text and "Maximiliana-Josefina" in text and "OK" in text
        assert "911" not in text
