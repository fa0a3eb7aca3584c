"""POST /api/patients/<id>/pause and /resume: the same rule as the staff page."""

from __future__ import annotations

from conftest import ClinicHandle
from factories import enrol
from flask.testing import FlaskClient
from sqlalchemy import select

from followup.clock import FixedClock
from followup.extensions import Services
from followup.models import AuditEvent, Checkin


def test_a_paused_patient_gets_no_checkin_until_resumed(client: FlaskClient, north: ClinicHandle,
                                                        svc: Services, clock: FixedClock):
    patient_id = enrol(client, north)["patient_id"]
    paused = client.post(f"/api/patients/{patient_id}/pause", headers=north.auth)
    assert paused.status_code == 200
    body = paused.get_json()
    assert body["paused"] is True and body["paused_by"].startswith("token:")
    assert body["paused_at"] == clock.now().isoformat()
    clock.advance(hours=3)  # the same-day check-in falls due while paused: skipped
    assert svc.dispatcher().run_once().sent == 0
    resumed = client.post(f"/api/patients/{patient_id}/resume", headers=north.auth)
    assert resumed.status_code == 200
    assert resumed.get_json()["paused"] is False and resumed.get_json()["paused_at"] is None
    clock.advance(hours=20)  # day 1, 10:00 local
    assert svc.dispatcher().run_once().sent == 1
    with svc.sessions() as s:
        skipped = s.scalars(select(Checkin.skip_reason).where(Checkin.status == "skipped")).all()
        actions = s.scalars(select(AuditEvent.action).where(
            AuditEvent.target_id == patient_id, AuditEvent.action.like("patient.%"))).all()
    assert skipped == ["paused by staff"]
    assert actions == ["patient.pause", "patient.resume"]


def test_pausing_twice_or_resuming_an_active_patient_is_a_409_that_changes_nothing(
        client: FlaskClient, north: ClinicHandle, svc: Services, clock: FixedClock):
    patient_id = enrol(client, north)["patient_id"]
    not_paused = client.post(f"/api/patients/{patient_id}/resume", headers=north.auth)
    assert not_paused.status_code == 409
    assert not_paused.get_json()["error"] == "the patient's check-ins are not paused"
    first = client.post(f"/api/patients/{patient_id}/pause", headers=north.auth).get_json()
    clock.advance(minutes=5)
    again = client.post(f"/api/patients/{patient_id}/pause", headers=north.auth)
    assert again.status_code == 409
    assert again.get_json()["error"] == "the patient's check-ins are already paused"
    # The first pause stands: who and when.
    now = client.get(f"/api/patients/{patient_id}", headers=north.auth).get_json()
    assert (now["paused_at"], now["paused_by"]) == (first["paused_at"], first["paused_by"])
    with svc.sessions() as s:
        assert s.scalars(select(AuditEvent.action).where(
            AuditEvent.action == "patient.pause")).all() == ["patient.pause"]


def test_another_clinics_patient_is_not_found(client: FlaskClient, north: ClinicHandle,
                                             south: ClinicHandle):
    patient_id = enrol(client, north)["patient_id"]
    for action in ("pause", "resume"):
        response = client.post(f"/api/patients/{patient_id}/{action}", headers=south.auth)
        assert response.status_code == 404
    assert client.get(f"/api/patients/{patient_id}", headers=north.auth).get_json()[
        "paused"] is False
    assert client.post(f"/api/patients/{patient_id}/pause").status_code == 401
