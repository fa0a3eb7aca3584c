"""GET /api/flags and acknowledging / resolving them."""

from __future__ import annotations

from datetime import timedelta

from conftest import ClinicHandle, post_twilio
from flask.testing import FlaskClient


def flag_from(client: FlaskClient, clinic: ClinicHandle, phone: str, body: str, sid: str) -> None:
    client.post("/api/enrollments", headers=clinic.auth, json={
        "phone": phone, "first_name": "Pat", "infusion_at": "2026-11-10T14:00:00-06:00"})
    post_twilio(client, "/twilio/inbound", {"From": phone, "To": clinic.clinic.sms_number,
                                            "Body": body, "MessageSid": sid})


def test_queue_is_emergency_then_urgent_then_routine_oldest_first(client, north, clock):
    flag_from(client, north, "+13125550101", "who is this", "SM1")
    clock.advance(minutes=1)
    flag_from(client, north, "+13125550102", "my leg is swollen", "SM2")
    clock.advance(minutes=1)
    flag_from(client, north, "+13125550103", "chest pain", "SM3")
    clock.advance(minutes=1)
    flag_from(client, north, "+13125550104", "chest pain again", "SM4")
    flags = client.get("/api/flags", headers=north.auth).get_json()
    assert [f["level"] for f in flags] == ["emergency", "emergency", "urgent", "routine"]
    assert [f["message"] for f in flags[:2]] == ["chest pain", "chest pain again"]
    assert set(flags[0]) >= {"id", "level", "reason", "patient_id", "message", "findings",
                             "created_at", "status"}


def test_acknowledge_then_resolve_with_a_note(client, north, clock):
    flag_from(client, north, "+13125550101", "chest pain", "SM1")
    flag = client.get("/api/flags", headers=north.auth).get_json()[0]
    clock.advance(minutes=3)
    acked = client.post(f"/api/flags/{flag['id']}/acknowledge", headers=north.auth).get_json()
    assert acked["status"] == "acknowledged"
    assert acked["acknowledged_by"].startswith("token:")
    assert client.get("/api/flags", headers=north.auth).get_json() == []
    assert len(client.get("/api/flags?status=acknowledged", headers=north.auth).get_json()) == 1
    clock.advance(minutes=10)
    resolved = client.post(f"/api/flags/{flag['id']}/resolve", headers=north.auth,
                           json={"note": "Called, sent to ER"}).get_json()
    assert resolved["status"] == "resolved" and resolved["note"] == "Called, sent to ER"
    assert resolved["resolved_at"] == (clock.now()).isoformat()
    assert resolved["acknowledged_at"] == (clock.now() - timedelta(minutes=10)).isoformat()
    again = client.post(f"/api/flags/{flag['id']}/acknowledge", headers=north.auth)
    assert again.status_code == 409


def test_resolve_needs_a_note(client, north):
    flag_from(client, north, "+13125550101", "chest pain", "SM1")
    flag_id = client.get("/api/flags", headers=north.auth).get_json()[0]["id"]
    for body in ({}, {"note": ""}, {"note": 5}):
        response = client.post(f"/api/flags/{flag_id}/resolve", headers=north.auth, json=body)
        assert response.status_code == 400
        assert "note" in response.get_json()["fields"]
    assert client.get("/api/flags", headers=north.auth).get_json()[0]["status"] == "open"


def test_bad_status_filter_is_400(client, north):
    response = client.get("/api/flags?status=closed", headers=north.auth)
    assert response.status_code == 400
    assert "status" in response.get_json()["fields"]


def test_another_clinics_flag_cannot_be_seen_or_touched(client, north, south):
    flag_from(client, north, "+13125550101", "chest pain", "SM1")
    flag_id = client.get("/api/flags", headers=north.auth).get_json()[0]["id"]
    assert client.get("/api/flags", headers=south.auth).get_json() == []
    assert client.post(f"/api/flags/{flag_id}/acknowledge", headers=south.auth).status_code == 404
    assert client.post(f"/api/flags/{flag_id}/resolve", headers=south.auth,
                       json={"note": "x"}).status_code == 404
    assert client.get("/api/flags", headers=north.auth).get_json()[0]["status"] == "open"


def test_staff_actions_are_audited_without_phi(client, svc, north):
    from sqlalchemy import select

    from followup.models import AuditEvent

    flag_from(client, north, "+13125550101", "chest pain", "SM1")
    flag_id = client.get("/api/flags", headers=north.auth).get_json()[0]["id"]
    client.post(f"/api/flags/{flag_id}/acknowledge", headers=north.auth)
    client.get("/api/patients/1", headers=north.auth)
    with svc.sessions() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        actions = [e.action for e in events]
        dumped = repr([(e.actor, e.action, e.target_type, e.target_id, e.detail) for e in events])
    assert {"enrollment.create", "flag.acknowledge", "patient.view"} <= set(actions)
    assert "+1312" not in dumped and "Pat" not in dumped
