"""POST /api/enrollments: what a clinic's system sees when it enrols a patient."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import ClinicHandle
from flask.testing import FlaskClient


def enrolment(**overrides: Any) -> dict[str, Any]:
    body = {
        "phone": "(312) 555-0123",
        "first_name": "Maria",
        "infusion_at": "2026-11-10T14:00:00-06:00",
        "language": "es",
        "product": "Privigen",
        "lot": "P100234",
        "first_infusion": True,
        "external_id": "MRN-0001",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not ...}


def test_enrolment_stores_e164_and_plans_checkins(client: FlaskClient, north: ClinicHandle):
    response = client.post("/api/enrollments", json=enrolment(), headers=north.auth)
    assert response.status_code == 201
    body = response.get_json()
    assert [c["kind"] for c in body["checkins"]] == ["same_day", "day1", "day2", "day3", "day7"]
    assert body["checkins"][0]["due_at"] == "2026-11-10T23:00:00+00:00"
    patient = client.get(f"/api/patients/{body['patient_id']}", headers=north.auth).get_json()
    assert patient["phone"] == "+13125550123"
    assert patient["language"] == "es"
    assert patient["timezone"] == "America/Chicago"  # the clinic's, by default
    assert patient["infusions"][0]["product"] == "Privigen"
    assert patient["infusions"][0]["lot"] == "P100234"
    assert patient["infusions"][0]["first_infusion"] is True


def test_same_phone_in_another_format_reuses_the_patient(client: FlaskClient,
                                                          north: ClinicHandle):
    first = client.post("/api/enrollments", json=enrolment(), headers=north.auth).get_json()
    second = client.post("/api/enrollments", headers=north.auth, json=enrolment(
        phone="+1 312 555 0123", infusion_at="2026-11-03T14:00:00-06:00", first_infusion=False,
    ))
    assert second.status_code == 201
    assert second.get_json()["patient_id"] == first["patient_id"]
    assert second.get_json()["infusion_id"] != first["infusion_id"]


def test_a_retried_request_creates_nothing_new(client: FlaskClient, north: ClinicHandle):
    first = client.post("/api/enrollments", json=enrolment(), headers=north.auth)
    again = client.post("/api/enrollments", json=enrolment(), headers=north.auth)
    assert again.status_code == 200
    assert again.get_json()["infusion_id"] == first.get_json()["infusion_id"]
    assert again.get_json()["checkins"] == first.get_json()["checkins"]


@pytest.mark.parametrize(("field", "value", "why"), [
    ("phone", "12", "not a valid phone number"),
    ("phone", "call me", "not a phone number"),
    ("phone", ..., "required"),
    ("first_name", "", "required"),
    ("first_name", "x" * 51, "too long"),
    ("infusion_at", "2026-11-10 14:00", "needs a UTC offset"),
    ("infusion_at", "yesterday", "not an ISO 8601"),
    ("infusion_at", "2026-11-12T14:00:00-06:00", "in the future"),
    ("infusion_at", "2026-10-01T14:00:00-06:00", "more than 14 days ago"),
    ("timezone", "Mars/Olympus", "unknown time zone"),
    ("language", "fr", "must be \"en\" or \"es\""),
    ("first_infusion", "yes", "true or false"),
    ("lot", 12345, "must be text"),
    ("frist_name", "Maria", "unknown field"),
])
def test_each_bad_field_is_named_and_nothing_is_stored(
    client: FlaskClient, north: ClinicHandle, field: str, value: Any, why: str
) -> None:
    response = client.post("/api/enrollments", json=enrolment(**{field: value}),
                           headers=north.auth)
    assert response.status_code == 400
    body = response.get_json()
    assert why in body["fields"][field]
    assert list(body["fields"]) == [field]
    assert client.get("/api/flags", headers=north.auth).status_code == 200
    listing = client.get("/api/patients/1", headers=north.auth)
    assert listing.status_code == 404  # nothing was stored


@pytest.mark.parametrize("payload", [b"not json", b"[1, 2]", b"null", b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_refused(client: FlaskClient, north: ClinicHandle,
                                                     payload: bytes) -> None:
    response = client.post("/api/enrollments", data=payload, headers=north.auth,
                           content_type="application/json")
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["error"]


def test_several_bad_fields_are_reported_together(client: FlaskClient, north: ClinicHandle):
    response = client.post("/api/enrollments", headers=north.auth,
                           json={"phone": "x", "language": "de"})
    fields = response.get_json()["fields"]
    assert set(fields) == {"phone", "first_name", "infusion_at", "language"}


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong", "Basic abc", "fu_123"])
def test_missing_or_wrong_token_is_401(client: FlaskClient, north: ClinicHandle,
                                       header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = client.post("/api/enrollments", json=enrolment(), headers=headers)
    assert response.status_code == 401
    assert "error" in response.get_json()


def test_another_clinics_patient_is_404(client: FlaskClient, north: ClinicHandle,
                                        south: ClinicHandle) -> None:
    created = client.post("/api/enrollments", json=enrolment(), headers=north.auth).get_json()
    pid = created["patient_id"]
    assert client.get(f"/api/patients/{pid}", headers=south.auth).status_code == 404
    assert client.get(f"/api/patients/{pid}/messages", headers=south.auth).status_code == 404
    assert client.get(f"/api/patients/{pid}", headers=north.auth).status_code == 200


def test_same_phone_at_two_clinics_is_two_patients(client: FlaskClient, north: ClinicHandle,
                                                   south: ClinicHandle) -> None:
    a = client.post("/api/enrollments", json=enrolment(), headers=north.auth).get_json()
    b = client.post("/api/enrollments", json=enrolment(timezone="America/New_York"),
                    headers=south.auth).get_json()
    assert a["patient_id"] != b["patient_id"]


def test_unknown_api_path_answers_json_404(client: FlaskClient, north: ClinicHandle):
    response = client.get("/api/nothing-here", headers=north.auth)
    assert response.status_code == 404
    assert "error" in response.get_json()


@pytest.mark.parametrize("path", ["/api/patients/99999999999999999999",
                                  "/api/patients/99999999999999999999/messages",
                                  "/api/patients/-1", "/api/patients/abc"])
def test_odd_ids_are_404_not_500(client: FlaskClient, north: ClinicHandle, path: str) -> None:
    assert client.get(path, headers=north.auth).status_code == 404


def test_huge_flag_id_is_404(client: FlaskClient, north: ClinicHandle) -> None:
    response = client.post("/api/flags/99999999999999999999/resolve", headers=north.auth,
                           json={"note": "x"})
    assert response.status_code == 404
