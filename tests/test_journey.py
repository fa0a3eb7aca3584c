"""The whole patient journey through HTTP, as the clinic, Twilio and a nurse see it.

Enrol by API -> the dispatcher texts the check-in -> the patient answers
(signed webhook) -> a nurse sees the flag -> acknowledges and resolves it.
Along the way: a forged webhook, a webhook Twilio retries, a clinic that must
not see another's data, and a patient who says STOP.
"""

from __future__ import annotations

from conftest import post_twilio


def test_enrol_text_answer_flag_stop(client, svc, north, south, sms, clock):
    # The clinic enrols Maria after her first infusion, which ended at 14:00.
    enrolled = client.post("/api/enrollments", headers=north.auth, json={
        "phone": "312 555 0123", "first_name": "Maria", "language": "en",
        "infusion_at": "2026-11-10T14:00:00-06:00", "first_infusion": True,
        "product": "Privigen", "lot": "P100234",
    })
    assert enrolled.status_code == 201
    patient_id = enrolled.get_json()["patient_id"]

    # At 17:00 the dispatcher sends the same-day check-in.
    clock.advance(hours=2)
    assert svc.dispatcher().run_once().sent == 1
    checkin_text = sms.sent[-1]
    assert checkin_text.to == "+13125550123" and "Maria" in checkin_text.body

    # Someone forges a reply: refused, nothing stored.
    inbound = {"From": "+13125550123", "To": "+13125550199",
               "Body": "my chest hurts and I can't breathe", "MessageSid": "SM" + "c" * 32}
    assert post_twilio(client, "/twilio/inbound", inbound, signature="forged").status_code == 403
    assert client.get("/api/flags", headers=north.auth).get_json() == []

    # Maria answers; Twilio delivers the webhook twice.
    clock.advance(minutes=12)
    first = post_twilio(client, "/twilio/inbound", inbound)
    retried = post_twilio(client, "/twilio/inbound", inbound)
    assert first.status_code == retried.status_code == 200
    assert first.get_data() == retried.get_data()
    assert "911" in first.get_data(as_text=True)

    # The nurse sees exactly one emergency flag, with the words that triggered it.
    flags = client.get("/api/flags", headers=north.auth).get_json()
    assert len(flags) == 1
    flag = flags[0]
    assert (flag["level"], flag["reason"], flag["patient_id"]) == ("emergency", "triage",
                                                                   patient_id)
    assert flag["message"] == inbound["Body"] and flag["findings"]

    # Another clinic's token sees none of it.
    assert client.get("/api/flags", headers=south.auth).get_json() == []
    assert client.get(f"/api/patients/{patient_id}", headers=south.auth).status_code == 404
    assert client.post(f"/api/flags/{flag['id']}/acknowledge",
                       headers=south.auth).status_code == 404

    # The nurse acknowledges, calls, resolves.
    assert client.post(f"/api/flags/{flag['id']}/acknowledge",
                       headers=north.auth).get_json()["status"] == "acknowledged"
    resolved = client.post(f"/api/flags/{flag['id']}/resolve", headers=north.auth,
                           json={"note": "Called; sent to the ER"}).get_json()
    assert resolved["status"] == "resolved"

    # The conversation, oldest first: check-in, answer (triaged), our reply.
    messages = client.get(f"/api/patients/{patient_id}/messages", headers=north.auth).get_json()
    assert [(m["direction"], m["level"]) for m in messages] == [
        ("out", None), ("in", "emergency"), ("out", None)]

    # Maria texts STOP: no more check-ins.
    stop = {"From": "+13125550123", "To": "+13125550199", "Body": "STOP",
            "MessageSid": "SM" + "d" * 32}
    assert post_twilio(client, "/twilio/inbound", stop).status_code == 200
    clock.advance(days=8)
    sent_before = len(sms.sent)
    assert svc.dispatcher().run_once().sent == 0
    assert len(sms.sent) == sent_before
    patient = client.get(f"/api/patients/{patient_id}", headers=north.auth).get_json()
    assert patient["opted_out"] is True
