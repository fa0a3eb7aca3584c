"""Structured answers and asking back, through the real inbound webhook.

Why: a red flag ticked by number cannot be misread, and a message that touches a red
flag but that nobody can place must reach a person at once, with the patient asked
the numbered question right away, not told "someone will read it". The patient's
answer must move the nurse's flag both ways, and nobody may be paged at night for a
message the patient then answers with "0"."""

from __future__ import annotations

from functools import partial
from typing import Any

import factories
import pytest
from conftest import make_clinic
from factories import answer_to, api_flags, way_out
from sqlalchemy import select

from followup.care.escalation import Escalator
from followup.models import FlagEvent

LADDER = ["+13125550901", "+13125550902"]


@pytest.fixture
def oncall(svc: Any) -> Any:
    return make_clinic(svc, "oncall", "+13125550199", oncall_phones=LADDER)


# Maria, after an infusion that is not her first.
enrol = partial(factories.enrol, first_infusion=False)


def history(svc: Any, flag_id: int) -> list[tuple[str, str]]:
    with svc.sessions() as s:
        return [(e.action, e.detail or "") for e in s.scalars(
            select(FlagEvent).where(FlagEvent.flag_id == flag_id).order_by(FlagEvent.id))]


def pages(sms: Any) -> list[Any]:
    return [t for t in sms.sent if t.to in LADDER]


def escalate(svc: Any, sms: Any) -> None:
    Escalator(settings=svc.settings, sessions=svc.sessions, clock=svc.clock,
              outbound=way_out(svc, sms)).run_once()


def test_an_unplaced_message_about_a_limb_is_asked_back_and_flagged_urgent(client, oncall):
    enrol(client, oncall)
    reply = answer_to(client, "something is wrong with my leg", "SM1")
    assert "1 Trouble breathing or chest pain" in reply and "0 Nothing" in reply
    assert "If any of these is happening now, call 911." in reply
    [flag] = api_flags(client, oncall)
    assert (flag["level"], flag["reason"]) == ("urgent", "asked_back")
    assert flag["detail"].startswith("unclear, asked back: touches limb")


def test_zero_lowers_the_flag_and_nobody_is_paged(client, svc, oncall, clock, sms):
    enrol(client, oncall)
    clock.advance(hours=10)  # the middle of the night in Chicago
    answer_to(client, "i can feel something in my leg", "SM1")
    [flag] = api_flags(client, oncall)
    assert flag["reason"] == "asked_back"
    clock.advance(minutes=10)
    assert "Thanks for your reply" in answer_to(client, "0", "SM2")
    [flag] = api_flags(client, oncall)
    assert flag["level"] == "routine" and flag["status"] == "open"
    steps = history(svc, flag["id"])
    assert [a for a, _ in steps] == ["opened", "denied"]
    assert "denied every red flag" in steps[1][1] and "nobody is paged" in steps[1][1]
    clock.advance(hours=3)
    escalate(svc, sms)
    assert pages(sms) == []


def test_without_an_answer_the_asked_back_flag_is_paged(client, svc, oncall, clock, sms):
    """The control for the test above: the urgent flag really would page."""
    enrol(client, oncall)
    answer_to(client, "i can feel something in my leg", "SM1")
    clock.advance(minutes=61)
    escalate(svc, sms)
    assert len(pages(sms)) == 1


def test_a_number_raises_the_flag_and_its_history_shows_each_step(client, svc, oncall, clock):
    enrol(client, oncall)
    answer_to(client, "something is wrong with my leg", "SM1")
    clock.advance(minutes=5)
    reply = answer_to(client, "1, also my head hurts", "SM2")
    assert "call 911 now" in reply.lower()
    [flag] = api_flags(client, oncall)
    assert flag["level"] == "emergency"
    keys = {f["key"] for f in flag["findings"]}
    assert {"asked_back", "trouble_breathing", "headache"} <= keys
    steps = history(svc, flag["id"])
    assert [a for a, _ in steps] == ["opened", "raised"]
    assert "answered 1: trouble breathing or chest pain" in steps[1][1]
    assert "raised to emergency" in steps[1][1]


def test_the_ask_back_is_asked_once_and_free_text_answers_still_count(client, svc, oncall,
                                                                       clock):
    enrol(client, oncall)
    answer_to(client, "something is wrong with my leg", "SM1")
    clock.advance(minutes=5)
    reply = answer_to(client, "i can feel something in my leg", "SM2")  # unclear: not asked twice
    assert "1 Trouble breathing" not in reply
    [flag] = api_flags(client, oncall)
    assert flag["level"] == "urgent"
    assert [a for a, _ in history(svc, flag["id"])] == ["opened", "answered"]


def test_spanish_patients_are_asked_in_spanish_and_dos_y_cuatro_is_read(client, svc, oncall,
                                                                         clock):
    enrol(client, oncall, language="es")
    reply = answer_to(client, "me pasa algo en la pierna, no sé qué", "SM1")
    assert "Nada" in reply and "llame al 911" in reply
    clock.advance(minutes=3)
    answer_to(client, "dos y cuatro", "SM2")
    [flag] = api_flags(client, oncall)
    assert flag["level"] == "emergency"
    assert {"tongue_swelling", "headache_thunderclap"} <= {f["key"] for f in flag["findings"]}


def test_a_numbered_answer_to_the_day_3_check_in(client, svc, oncall, clock):
    enrol(client, oncall)
    clock.advance(days=2, hours=19)  # Friday 10:00, the day-3 check-in
    assert svc.dispatcher().run_once().sent >= 1
    clock.advance(minutes=30)
    answer_to(client, "2 y 4", "SM1")
    [flag] = api_flags(client, oncall)
    assert (flag["level"], flag["reason"]) == ("emergency", "triage")
    assert {f["key"] for f in flag["findings"]} == {"little_urine", "chest_pain"}


def test_a_zero_to_the_check_in_is_fine_and_a_bare_number_without_one_is_a_temperature(
        client, svc, oncall, clock):
    enrol(client, oncall)
    clock.advance(days=2, hours=19)
    svc.dispatcher().run_once()
    clock.advance(minutes=30)
    assert "Thanks for your reply" in answer_to(client, "0", "SM1")
    assert api_flags(client, oncall) == []
    clock.advance(days=2)  # the check-in's question is no longer pending
    answer_to(client, "38.5", "SM2")
    [flag] = api_flags(client, oncall)
    assert [f["key"] for f in flag["findings"]] == ["fever_high"]


def test_a_check_in_sent_after_the_ask_back_takes_over_the_numbers(client, svc, oncall, clock):
    enrol(client, oncall)
    clock.advance(days=2, hours=18)
    answer_to(client, "something is wrong with my leg", "SM1")  # asked back at 09:00
    clock.advance(hours=1)
    assert svc.dispatcher().run_once().sent >= 1  # the day-3 check-in at 10:00
    clock.advance(minutes=5)
    answer_to(client, "3", "SM2")  # 3 on the day-3 list: swollen feet
    keys = {f["key"] for flag in api_flags(client, oncall) for f in flag["findings"]}
    assert "edema" in keys and "stroke_signs" not in keys


def test_the_asked_back_message_keeps_its_own_time_window(client, svc, oncall, clock):
    enrol(client, oncall)
    answer_to(client, "something is wrong with my leg", "SM1")
    clock.advance(days=2)
    answer_to(client, "2", "SM2")  # two days later "2" answers nothing: unclear, for a person
    by_reason = {f["reason"]: f for f in api_flags(client, oncall)}
    assert by_reason["question"]["level"] == "routine"
    assert by_reason["asked_back"]["level"] == "urgent"
    assert [a for a, _ in history(svc, by_reason["asked_back"]["id"])] == ["opened"]


def test_a_flag_lifted_to_emergency_by_the_second_reader_says_so_in_words(client, oncall):
    enrol(client, oncall)
    # the rules read the leg (urgent); the chest "feels odd" is no phrase of theirs
    reply = answer_to(client, "my leg is swollen and hot and my chest feels odd and funny", "SM1")
    [flag] = api_flags(client, oncall)
    assert flag["level"] == "emergency"
    assert "the rules read urgent; the second reader raised it to emergency" in flag["detail"]
    assert "please read" in flag["detail"]
    assert "911" in reply


def test_a_flag_raised_by_the_second_reader_says_so_in_words(client, oncall):
    enrol(client, oncall)
    reply = answer_to(client, "my chest feels funny", "SM1")  # no phrase of the rulebook says this
    [flag] = api_flags(client, oncall)
    assert flag["level"] in ("urgent", "emergency")
    assert "the rules found no red flag; the second reader did" in flag["detail"]
    assert "please read" in flag["detail"]
    assert "911" in reply
