"""A staff text through the API: the staff page's rules, scoped to the token's clinic, audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from conftest import ClinicHandle
from factories import enrol
from flask.testing import FlaskClient
from sqlalchemy import select

from followup.extensions import Services
from followup.messaging.staff_text import NoInfusion, queue_staff_text
from followup.models import AuditEvent, Checkin, Message, Patient


def post(client: FlaskClient, clinic: ClinicHandle, patient_id: int, body: Any) -> Any:
    return client.post(f"/api/patients/{patient_id}/messages", headers=clinic.auth, json=body)


def staff_checkins(svc: Services) -> list[Checkin]:
    with svc.sessions() as s:
        return list(s.scalars(select(Checkin).where(Checkin.kind == "staff")))


def audits(svc: Services, action: str) -> list[AuditEvent]:
    with svc.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_staff_text_is_queued_audited_and_sent_even_at_night(client, svc, north, sms, clock):
    patient_id = enrol(client, north)["patient_id"]
    clock.set(clock.now().replace(hour=5))  # 23:00 the evening before in Chicago: quiet hours
    response = post(client, north, patient_id, {"body": "  Please call us back today.  "})
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["checkin"]["kind"] == "staff" and data["checkin"]["status"] == "pending"
    assert "Please call us back today." in data["text"] and data["segments"] == 1
    [event] = audits(svc, "patient.message")
    token_actor = event.actor
    assert token_actor.startswith("token:")
    assert (event.clinic_id, event.target_type, event.target_id) == (
        north.clinic.id, "patient", patient_id)
    assert event.detail == {"checkin_id": data["checkin"]["id"]}
    assert svc.dispatcher().run_once(clock.now()).sent == 1
    assert sms.sent[-1].body == data["text"] and sms.sent[-1].to == "+13125550123"
    with svc.sessions() as s:
        message = s.scalar(select(Message).where(Message.checkin_id == data["checkin"]["id"]))
        assert message is not None and message.sent_by == token_actor


def test_another_clinics_patient_is_not_found(client, svc, north, south):
    patient_id = enrol(client, south)["patient_id"]
    response = post(client, north, patient_id, {"body": "hello"})
    assert response.status_code == 404
    assert staff_checkins(svc) == [] and audits(svc, "patient.message") == []


def test_without_a_token_nothing_is_queued(client, svc, north):
    patient_id = enrol(client, north)["patient_id"]
    response = client.post(f"/api/patients/{patient_id}/messages", json={"body": "hello"})
    assert response.status_code == 401
    assert staff_checkins(svc) == []


@pytest.mark.parametrize(("body", "field", "says"), [
    ({"body": "   "}, "body", "the message is empty"),
    ({"body": "word " * 80}, "body", "SMS segments long; at most 2 are allowed"),
    ({}, "body", "required: the text to send"),
    ({"body": 42}, "body", "required: the text to send"),
    ({"body": "hi", "to": "+13125550000"}, "to", "unknown field"),
])
def test_a_bad_message_is_400_naming_the_field(client, svc, north, body, field, says):
    patient_id = enrol(client, north)["patient_id"]
    response = post(client, north, patient_id, body)
    assert response.status_code == 400
    data = response.get_json()
    assert data["error"] == "invalid message" and says in data["fields"][field]
    assert staff_checkins(svc) == [] and audits(svc, "patient.message") == []


def test_a_patient_who_texted_stop_gets_nothing(client, svc, north, clock):
    patient_id = enrol(client, north)["patient_id"]
    with svc.sessions() as s:
        s.get_one(Patient, patient_id).opted_out_at = clock.now() - timedelta(hours=1)
        s.commit()
    response = post(client, north, patient_id, {"body": "hello"})
    assert response.status_code == 409
    assert response.get_json()["error"] == ("not sent: this patient texted STOP. Only they can "
                                            "restart texts (START)")
    assert staff_checkins(svc) == [] and audits(svc, "patient.message") == []


def test_a_patient_with_no_infusion_cannot_be_texted(svc, north, clock):
    with svc.sessions() as s:
        patient = Patient(clinic_id=north.clinic.id, phone="+13125550123", first_name="Maria",
                          language="en", timezone="America/Chicago", created_at=clock.now())
        s.add(patient)
        s.flush()
        with pytest.raises(NoInfusion, match="no infusion on record"):
            queue_staff_text(s, patient, "hello", actor="user:1", now=clock.now())
