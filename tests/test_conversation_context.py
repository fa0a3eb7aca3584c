"""Replies read in context: short answers to the check-in's own question, and
symptoms reported again as worse."""

from __future__ import annotations

from typing import Any

from conftest import post_twilio

PHONE = "+13125550123"


def enrol(client: Any, clinic: Any) -> dict[str, Any]:
    return client.post("/api/enrollments", headers=clinic.auth, json={  # type: ignore[no-any-return]
        "phone": PHONE, "first_name": "Maria", "infusion_at": "2026-11-10T14:00:00-06:00",
        "first_infusion": False}).get_json()


def say(client: Any, body: str, sid: str) -> Any:
    return post_twilio(client, "/twilio/inbound", {"From": PHONE, "To": "+13125550199",
                                                   "Body": body, "MessageSid": sid})


def flags(client: Any, clinic: Any) -> list[dict[str, Any]]:
    return client.get("/api/flags", headers=clinic.auth).get_json()  # type: ignore[no-any-return]


def test_yes_to_the_clot_and_kidney_question_is_urgent(client, svc, north, clock):
    enrol(client, north)
    clock.advance(days=2, hours=19)  # Friday 10:00, the day-3 check-in
    assert svc.dispatcher().run_once().sent >= 1
    clock.advance(minutes=30)
    say(client, "yes", "SM1")
    [flag] = flags(client, north)
    assert (flag["level"], flag["reason"]) == ("urgent", "triage")
    assert flag["reasons"] and "yes" in flag["reasons"][0].lower()


def test_yes_to_how_do_you_feel_is_mild_and_pages_no_one(client, svc, north, clock):
    enrol(client, north)
    clock.advance(hours=2)  # 17:00, the same-day check-in
    svc.dispatcher().run_once()
    clock.advance(minutes=10)
    say(client, "yes", "SM1")
    assert flags(client, north) == []


def test_a_bare_yes_with_no_question_before_it_is_unclear(client, north):
    enrol(client, north)
    say(client, "yes", "SM1")
    assert [(f["level"], f["reason"]) for f in flags(client, north)] == [("routine", "question")]


def test_headache_reported_again_as_worse_escalates_and_says_why(client, svc, north, clock):
    enrol(client, north)
    say(client, "I have a headache", "SM1")
    assert flags(client, north) == []
    clock.advance(days=1)
    say(client, "headache is worse today", "SM2")
    [flag] = flags(client, north)
    assert flag["level"] == "urgent"
    assert any("again" in r for r in flag["reasons"])
    assert flag["detail"]
