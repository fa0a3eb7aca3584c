"""Twilio's webhooks: signatures, idempotency, keywords and the replies patients get."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import AUTH_TOKEN, post_twilio, run_concurrently, twilio_signature
from factories import enrol, text_in
from sqlalchemy import func, select

from followup.models import Flag, Message

PATIENT = "+13125550123"


def reply_of(response: Any) -> str:
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    xml = response.get_data(as_text=True)
    return xml.split("<Message>")[1].split("</Message>")[0]


def count(svc: Any, model: Any) -> int:
    with svc.sessions() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("signature", ["", "bogus", None])
def test_unsigned_or_forged_webhook_is_403_and_stores_nothing(client, svc, north, signature):
    enrol(client, north)
    params = {"From": PATIENT, "To": "+13125550199", "Body": "chest pain", "MessageSid": "SMx"}
    headers = {} if signature is None else {"X-Twilio-Signature": signature}
    response = client.post("/twilio/inbound", data=params, headers=headers)
    assert response.status_code == 403
    assert count(svc, Message) == 0 and count(svc, Flag) == 0


def test_signature_over_other_params_is_refused(client, svc, north):
    enrol(client, north)
    params = {"From": PATIENT, "To": "+13125550199", "Body": "I feel fine", "MessageSid": "SMx"}
    signature = twilio_signature("/twilio/inbound", params)
    response = post_twilio(client, "/twilio/inbound", {**params, "Body": "chest pain"},
                           signature=signature)
    assert response.status_code == 403


def test_signature_must_use_the_public_url_not_the_local_one(client, north):
    params = {"From": PATIENT, "To": "+13125550199", "Body": "hi", "MessageSid": "SMx"}
    from twilio.request_validator import RequestValidator

    local_sig = RequestValidator(AUTH_TOKEN).compute_signature(
        "http://localhost/twilio/inbound", params)
    assert post_twilio(client, "/twilio/inbound", params, signature=local_sig).status_code == 403


def test_without_an_auth_token_nothing_is_accepted(app_config, clock, sms):
    from followup.app import create_app

    app = create_app({**app_config, "twilio": {"auth_token": ""}}, clock=clock, sms=sms)
    client = app.test_client()
    params = {"From": PATIENT, "To": "+1", "Body": "x", "MessageSid": "SMx"}
    assert post_twilio(client, "/twilio/inbound", params).status_code == 403
    assert post_twilio(client, "/twilio/status", {"MessageSid": "SMx",
                                                  "MessageStatus": "delivered"}).status_code == 403


def test_emergency_reply_opens_an_emergency_flag(client, svc, north):
    enrol(client, north)
    reply = reply_of(text_in(client, "chest pain"))
    assert "911" in reply and "(312) 555-0100" in reply
    flags = client.get("/api/flags", headers=north.auth).get_json()
    assert [(f["level"], f["reason"], f["message"]) for f in flags] == [
        ("emergency", "triage", "chest pain")]
    assert flags[0]["findings"][0]["key"]


def test_mild_answer_gets_self_care_advice_and_no_flag(client, svc, north):
    enrol(client, north)
    reply = reply_of(text_in(client, "headache"))
    assert "fluids" in reply and "medicine" in reply
    assert client.get("/api/flags", headers=north.auth).get_json() == []


def test_question_opens_a_routine_flag(client, north):
    enrol(client, north)
    reply = reply_of(text_in(client, "when is my next appointment"))
    assert "911" in reply
    flags = client.get("/api/flags", headers=north.auth).get_json()
    assert [(f["level"], f["reason"]) for f in flags] == [("routine", "question")]


def test_reply_is_in_the_patients_language(client, north):
    enrol(client, north, language="es")
    assert "Gracias" in reply_of(text_in(client, "I feel fine"))


def test_repeated_message_sid_is_processed_once_with_the_same_reply(client, svc, north):
    enrol(client, north)
    first = reply_of(text_in(client, "chest pain", sid="SM" + "a" * 32))
    again = reply_of(text_in(client, "chest pain", sid="SM" + "a" * 32))
    assert first == again
    assert len(client.get("/api/flags", headers=north.auth).get_json()) == 1
    assert count(svc, Message) == 2  # one in, one reply


def test_a_retry_racing_the_original_pages_once_and_both_get_the_same_reply(
        app, client, svc, north):
    """Twilio retries a slow webhook while the first is still being answered."""
    enrol(client, north)
    replies: list[str] = []

    def deliver() -> None:
        replies.append(reply_of(text_in(app.test_client(), "chest pain", sid="SM" + "r" * 32)))

    run_concurrently(deliver, workers=4)
    assert len(replies) == 4 and len(set(replies)) == 1 and "911" in replies[0]
    assert count(svc, Flag) == 1
    assert count(svc, Message) == 2  # one in, one reply


def test_on_a_database_without_on_conflict_a_repeat_is_still_processed_once(
        client, svc, north, monkeypatch):
    """Other databases take the savepoint path: insert, and on the unique
    MessageSid's conflict roll back to the savepoint and answer as before."""
    from followup.messaging import inbound as conversation

    monkeypatch.setattr(conversation, "INSERT_ONCE", {})
    enrol(client, north)
    first = reply_of(text_in(client, "chest pain", sid="SM" + "s" * 32))
    again = reply_of(text_in(client, "chest pain", sid="SM" + "s" * 32))
    assert first == again and "911" in first
    assert count(svc, Flag) == 1
    assert count(svc, Message) == 2


def test_reply_is_linked_to_the_checkin_it_answers(client, svc, north, clock):
    created = enrol(client, north)
    clock.advance(hours=2)  # 17:00, the same-day check-in is due
    assert svc.dispatcher().run_once().sent == 1
    clock.advance(minutes=20)
    text_in(client, "I feel fine")
    messages = client.get(f"/api/patients/{created['patient_id']}/messages",
                          headers=north.auth).get_json()
    assert [m["direction"] for m in messages] == ["out", "in", "out"]
    assert messages[1]["checkin_id"] == created["checkins"][0]["id"]
    assert messages[1]["level"] == "ok"
    patient = client.get(f"/api/patients/{created['patient_id']}", headers=north.auth).get_json()
    assert patient["checkins"][0]["answered_at"] == clock.now().isoformat()


@pytest.mark.parametrize("word", ["STOP", "stop", "Stop.", "STOPALL", "UNSUBSCRIBE", "CANCEL",
                                  "END", "QUIT"])
def test_stop_words_opt_out_and_cancel_pending_checkins(client, north, word):
    created = enrol(client, north)
    reply = reply_of(text_in(client, word))
    assert "START" in reply
    patient = client.get(f"/api/patients/{created['patient_id']}", headers=north.auth).get_json()
    assert patient["opted_out"] is True
    assert {c["status"] for c in patient["checkins"]} == {"cancelled"}
    # Stopping mid-follow-up is not silence: one routine flag asks for a call.
    flags = client.get("/api/flags", headers=north.auth).get_json()
    assert [(f["level"], f["reason"], f["detail"]) for f in flags] == [
        ("routine", "stopped", "Stopped texts on day 0 of 7: call?")]


def test_start_opts_back_in_and_restores_future_checkins(client, north):
    created = enrol(client, north)
    text_in(client, "STOP", sid="SM" + "1" * 32)
    reply = reply_of(text_in(client, "start", sid="SM" + "2" * 32))
    assert "STOP" in reply
    patient = client.get(f"/api/patients/{created['patient_id']}", headers=north.auth).get_json()
    assert patient["opted_out"] is False
    assert {c["status"] for c in patient["checkins"]} == {"pending"}


def test_help_names_the_clinic_and_its_phone(client, north):
    enrol(client, north)
    reply = reply_of(text_in(client, "HELP"))
    assert "North Infusion Center" in reply and "(312) 555-0100" in reply


def test_stop_in_a_sentence_is_triaged_not_an_opt_out(client, north):
    created = enrol(client, north)
    text_in(client, "please stop the headache")
    patient = client.get(f"/api/patients/{created['patient_id']}", headers=north.auth).get_json()
    assert patient["opted_out"] is False


def test_unknown_number_gets_a_generic_answer_naming_no_patient(client, svc, north):
    enrol(client, north)
    reply = reply_of(text_in(client, "hello?", from_="+13125559999"))
    assert "Maria" not in reply and "(312) 555-0100" not in reply
    assert "North Infusion Center" in reply and "911" in reply
    assert client.get("/api/flags", headers=north.auth).get_json() == []


def test_missing_fields_are_400_after_the_signature_check(client, north):
    response = post_twilio(client, "/twilio/inbound", {"From": PATIENT, "Body": "hi"})
    assert response.status_code == 400


def test_status_callback_moves_forward_only(client, svc, north, clock):
    enrol(client, north)
    clock.advance(hours=2)
    svc.dispatcher().run_once()
    with svc.sessions() as s:
        sid = s.scalar(select(Message.provider_sid).where(Message.direction == "out"))

    def status(value: str, **extra: str) -> int:
        params = {"MessageSid": sid, "MessageStatus": value, **extra}
        return post_twilio(client, "/twilio/status", params).status_code

    assert status("delivered") == 204
    assert status("sent") == 204  # arrives late: ignored
    with svc.sessions() as s:
        assert s.scalar(select(Message.status).where(Message.provider_sid == sid)) == "delivered"


def test_undelivered_status_opens_an_undeliverable_flag(client, svc, north, clock):
    enrol(client, north)
    clock.advance(hours=2)
    svc.dispatcher().run_once()
    with svc.sessions() as s:
        sid = s.scalar(select(Message.provider_sid).where(Message.direction == "out"))
    params = {"MessageSid": sid, "MessageStatus": "undelivered", "ErrorCode": "30005"}
    assert post_twilio(client, "/twilio/status", params).status_code == 204
    assert post_twilio(client, "/twilio/status", params).status_code == 204  # repeated
    flags = client.get("/api/flags", headers=north.auth).get_json()
    assert [(f["reason"], f["level"]) for f in flags] == [("undeliverable", "routine")]
    assert "unknown or no longer in service" in flags[0]["detail"]


def test_status_callback_is_signature_checked(client, north):
    params = {"MessageSid": "SMx", "MessageStatus": "delivered"}
    assert client.post("/twilio/status", data=params,
                       headers={"X-Twilio-Signature": "nope"}).status_code == 403


def test_behind_a_proxy_signatures_still_validate_and_the_client_address_is_used(
    app_config, clock, sms
):
    from flask import request

    from followup.app import create_app

    app = create_app({**app_config, "server": {**app_config["server"], "proxy_hops": 1}},
                     clock=clock, sms=sms)
    seen: list[str] = []

    @app.get("/_whoami")
    def whoami() -> str:
        seen.append(f"{request.scheme} {request.remote_addr}")
        return "ok"

    client = app.test_client()
    proxy = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "followup.example.org"}
    client.get("/_whoami", headers=proxy)
    assert seen == ["https 203.0.113.9"]
    params = {"From": PATIENT, "To": "+13125550199", "Body": "hi", "MessageSid": "SMp"}
    headers = {**proxy, "X-Twilio-Signature": twilio_signature("/twilio/inbound", params)}
    assert client.post("/twilio/inbound", data=params, headers=headers).status_code == 200
