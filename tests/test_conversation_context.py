"""Replies read in context: short answers to the check-in's own question, and
symptoms reported again as worse."""

from __future__ import annotations

from factories import api_flags, enrol, text_in


def test_yes_to_the_clot_and_kidney_question_is_urgent(client, svc, north, clock):
    enrol(client, north, first_infusion=False)
    clock.advance(days=2, hours=19)  # Friday 10:00, the day-3 check-in
    assert svc.dispatcher().run_once().sent >= 1
    clock.advance(minutes=30)
    text_in(client, "yes", "SM1")
    [flag] = api_flags(client, north)
    assert (flag["level"], flag["reason"]) == ("urgent", "triage")
    assert flag["reasons"] and "yes" in flag["reasons"][0].lower()


def test_yes_to_how_do_you_feel_is_mild_and_pages_no_one(client, svc, north, clock):
    enrol(client, north, first_infusion=False)
    clock.advance(hours=2)  # 17:00, the same-day check-in
    svc.dispatcher().run_once()
    clock.advance(minutes=10)
    text_in(client, "yes", "SM1")
    assert api_flags(client, north) == []


def test_a_bare_yes_with_no_question_before_it_is_unclear(client, north):
    enrol(client, north, first_infusion=False)
    text_in(client, "yes", "SM1")
    assert [(f["level"], f["reason"]) for f in api_flags(client, north)] == [
        ("routine", "question")]


def test_headache_reported_again_as_worse_escalates_and_says_why(client, svc, north, clock):
    enrol(client, north, first_infusion=False)
    text_in(client, "I have a headache", "SM1")
    assert api_flags(client, north) == []
    clock.advance(days=1)
    text_in(client, "headache is worse today", "SM2")
    [flag] = api_flags(client, north)
    assert flag["level"] == "urgent"
    assert any("again" in r for r in flag["reasons"])
    assert flag["detail"]
