"""FHIR R4 in: a clinic enrols from the EHR's MedicationAdministration, with no hand entry."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from conftest import ClinicHandle
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from followup.models import AuditEvent, Checkin, Infusion, Patient

EXAMPLE = Path(__file__).resolve().parent / "data" / "ehr" / "bundle-ivig.json"
MRN_SYSTEM = "urn:oid:1.2.840.114350.1.13.0.1.7.5.737384.14"
FHIR = {"Content-Type": "application/fhir+json"}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "ehr": {"mrn_system": MRN_SYSTEM}}


def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text())


def administration(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle's MedicationAdministration with its Patient and Medication contained."""
    patient, medication, ma = (copy.deepcopy(e["resource"]) for e in bundle["entry"])
    patient["id"], medication["id"] = "p", "m"
    ma["contained"] = [patient, medication]
    ma["subject"] = {"reference": "#p"}
    ma["medicationReference"] = {"reference": "#m"}
    return ma


def post(client: FlaskClient, clinic: ClinicHandle, path: str, body: Any) -> Any:
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data=data, headers={**clinic.auth, **FHIR})


def outcome(response: Any) -> OperationOutcome:
    assert response.content_type == "application/fhir+json"
    return OperationOutcome.model_validate(response.get_json())


def test_a_transaction_bundle_enrols_the_patient(client: FlaskClient, north: ClinicHandle,
                                                  session: Session) -> None:
    response = post(client, north, "/fhir/r4", example())
    assert response.status_code == 200, response.get_json()
    reply = Bundle.model_validate(response.get_json())
    assert reply.type == "transaction-response"
    statuses = [e.response.status for e in reply.entry]
    assert statuses == ["200 OK", "200 OK", "201 Created"]
    assert reply.entry[2].response.location.startswith("http://localhost/fhir/r4/"
                                                       "MedicationAdministration/")
    patient = session.scalars(select(Patient)).one()
    # The mobile number, not the home one; the preferred language; the MRN of the
    # configured system; the first given name.
    assert (patient.phone, patient.language, patient.external_id, patient.first_name) == (
        "+13125550123", "es", "E123456", "Ana")
    infusion = session.scalars(select(Infusion)).one()
    assert infusion.product == "Gamunex-C 10 g/100 mL" and infusion.lot == "A4BGK00123"
    assert infusion.ended_at.isoformat() == "2026-11-10T20:00:00+00:00"
    assert infusion.first_infusion is True
    kinds = [c.kind for c in session.scalars(select(Checkin).order_by(Checkin.due_at))]
    assert kinds == ["same_day", "day1", "day2", "day3", "day7"]


def test_the_same_administration_twice_is_one_enrolment(client: FlaskClient,
                                                        north: ClinicHandle,
                                                        session: Session) -> None:
    ma = administration(example())
    first = post(client, north, "/fhir/r4/MedicationAdministration", ma)
    assert first.status_code == 201 and first.headers["Location"]
    again = post(client, north, "/fhir/r4/MedicationAdministration", ma)
    assert again.status_code == 200
    assert "already enrolled" in outcome(again).issue[0].diagnostics
    assert session.scalar(select(func.count()).select_from(Infusion)) == 1
    assert session.scalar(select(func.count()).select_from(Checkin)) == 5


def test_a_later_dose_is_not_a_first_infusion(client: FlaskClient, north: ClinicHandle,
                                              session: Session) -> None:
    ma = administration(example())
    ma["effectivePeriod"] = {"end": "2026-11-03T14:00:00-06:00"}
    assert post(client, north, "/fhir/r4/MedicationAdministration", ma).status_code == 201
    ma["identifier"][0]["value"] = "MA-880099"
    ma["effectivePeriod"] = {"end": "2026-11-10T14:00:00-06:00"}
    assert post(client, north, "/fhir/r4/MedicationAdministration", ma).status_code == 201
    infusions = session.scalars(select(Infusion).order_by(Infusion.ended_at)).all()
    assert [i.first_infusion for i in infusions] == [True, False]


def test_entered_in_error_cancels_the_pending_checkins(client: FlaskClient,
                                                       north: ClinicHandle,
                                                       session: Session) -> None:
    ma = administration(example())
    assert post(client, north, "/fhir/r4/MedicationAdministration", ma).status_code == 201
    ma["status"] = "entered-in-error"
    response = post(client, north, "/fhir/r4/MedicationAdministration", ma)
    assert response.status_code == 200
    assert "5 pending check-ins cancelled" in outcome(response).issue[0].diagnostics
    assert {c.status for c in session.scalars(select(Checkin))} == {"cancelled"}
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "ehr.cancel")).one()
    assert event.detail["checkins_cancelled"] == 5 and event.actor.startswith("token:")


def test_a_dose_that_is_not_ivig_is_acknowledged_ignored_and_audited(
        client: FlaskClient, north: ClinicHandle, session: Session) -> None:
    bundle = example()
    bundle["entry"][1]["resource"]["code"]["coding"][0] = {
        "system": "http://hl7.org/fhir/sid/ndc", "code": "0409-4888-10", "display": "Saline"}
    response = post(client, north, "/fhir/r4", bundle)
    assert response.status_code == 200
    reply = Bundle.model_validate(response.get_json())
    assert reply.entry[2].response.status == "200 OK"
    assert "not an immune globulin" in reply.entry[2].response.outcome.issue[0].diagnostics
    assert session.scalar(select(func.count()).select_from(Patient)) == 0
    event = session.scalars(select(AuditEvent)
                            .where(AuditEvent.action == "ehr.dose_ignored")).one()
    assert event.detail["codes"] == ["http://hl7.org/fhir/sid/ndc|0409-4888-10"]


@pytest.mark.parametrize(("change", "status", "expression", "words"), [
    (lambda b: b["entry"][0]["resource"].update(telecom=[{"system": "phone",
                                                          "value": "3125550100"}]),
     422, "Bundle.entry[0].resource.telecom", "required"),
    (lambda b: b["entry"][0]["resource"]["telecom"][1].update(value="555"),
     422, "Bundle.entry[0].resource.telecom", "phone"),
    (lambda b: b["entry"][2]["resource"].update(effectivePeriod={"start": "2026-11-10T10:00:00Z"}),
     422, "Bundle.entry[2].resource.effective", "required"),
    (lambda b: b["entry"][2]["resource"].update(effectivePeriod={"end": "2026-10-01T10:00:00Z"}),
     422, "Bundle.entry[2].resource.effective", "14 days"),
    (lambda b: b["entry"][2]["resource"].pop("identifier"),
     422, "Bundle.entry[2].resource.identifier", "sent again"),
    (lambda b: b["entry"][2]["resource"].update(effectiveDateTime="yesterday"),
     400, "Bundle.entry[2].resource.effectiveDateTime", None),
    (lambda b: b["entry"][0]["resource"].update(birthDate="soon"),
     400, "Bundle.entry[0].resource.birthDate", None),
    (lambda b: b["entry"][0]["resource"]["communication"][1]["language"]["coding"][0].update(
        code="fr"), 422, "Bundle.entry[0].resource.communication", "en"),
    (lambda b: b.update(type="collection"), 400, "Bundle.type", "transaction"),
])
def test_what_is_wrong_is_named_and_nothing_is_stored(
        client: FlaskClient, north: ClinicHandle, session: Session,
        change: Any, status: int, expression: str, words: str | None) -> None:
    bundle = example()
    change(bundle)
    response = post(client, north, "/fhir/r4", bundle)
    assert response.status_code == status, response.get_json()
    issues = outcome(response).issue
    assert any(expression in (i.expression or [""])[0] for i in issues), issues
    if words:
        assert any(words in i.diagnostics for i in issues), issues
    assert session.scalar(select(func.count()).select_from(Patient)) == 0
    assert session.scalar(select(func.count()).select_from(Infusion)) == 0


def test_a_batch_applies_each_entry_on_its_own(client: FlaskClient, north: ClinicHandle,
                                               session: Session) -> None:
    good = administration(example())
    bad = copy.deepcopy(good)
    bad["identifier"][0]["value"] = "MA-2"
    bad["contained"][0]["telecom"] = [{"system": "sms", "value": "12"}]
    body = {"resourceType": "Bundle", "type": "batch", "entry": [
        {"resource": bad, "request": {"method": "POST", "url": "MedicationAdministration"}},
        {"resource": good, "request": {"method": "POST", "url": "MedicationAdministration"}},
    ]}
    response = post(client, north, "/fhir/r4", body)
    reply = Bundle.model_validate(response.get_json())
    assert [e.response.status for e in reply.entry] == ["422 Unprocessable Entity",
                                                        "201 Created"]
    assert reply.entry[0].response.outcome.issue[0].expression == [
        "Bundle.entry[0].resource.contained[0].telecom"]
    assert session.scalar(select(func.count()).select_from(Infusion)) == 1


def test_a_patient_already_enrolled_can_be_referred_to_by_mrn(
        client: FlaskClient, north: ClinicHandle) -> None:
    ma = administration(example())
    assert post(client, north, "/fhir/r4/MedicationAdministration", ma).status_code == 201
    later = copy.deepcopy(ma)
    later["identifier"][0]["value"] = "MA-880100"
    later["contained"] = [c for c in later["contained"] if c["resourceType"] == "Medication"]
    later["subject"] = {"identifier": {"system": MRN_SYSTEM, "value": "E123456"}}
    later["effectivePeriod"] = {"end": "2026-11-10T20:30:00Z"}
    assert post(client, north, "/fhir/r4/MedicationAdministration", later).status_code == 201
    later["subject"] = {"identifier": {"system": MRN_SYSTEM, "value": "E999999"}}
    later["identifier"][0]["value"] = "MA-880101"
    refused = post(client, north, "/fhir/r4/MedicationAdministration", later)
    assert refused.status_code == 422
    assert outcome(refused).issue[0].expression == ["MedicationAdministration.subject"]


def test_an_identity_conflict_is_a_409_naming_it(client: FlaskClient, north: ClinicHandle,
                                                 session: Session) -> None:
    """The patient's phone is on file for someone else (enrolled by hand under another
    name): the EHR is told who, with a 409 'conflict', and nothing changes."""
    ma = administration(example())
    phone = "(312) 555-0123"  # the mobile number in the example Patient.telecom
    enrolled = client.post("/api/enrollments", headers=north.auth, json={
        "phone": phone, "first_name": "Zoila", "infusion_at": "2026-11-10T14:00:00-06:00"})
    assert enrolled.status_code == 201, enrolled.get_json()
    before = session.scalar(select(func.count()).select_from(Checkin))
    session.rollback()  # end the read: SQLite's one writer is the request's
    response = post(client, north, "/fhir/r4/MedicationAdministration", ma)
    assert response.status_code == 409
    issue = outcome(response).issue[0]
    assert issue.code == "conflict" and "belongs to Zoila (patient 1)" in issue.diagnostics
    assert issue.expression == ["MedicationAdministration.contained[0].identifier"]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Patient)) == 1
    assert session.scalar(select(func.count()).select_from(Checkin)) == before


def test_fhir_needs_the_clinic_token_and_json(client: FlaskClient, north: ClinicHandle) -> None:
    assert client.post("/fhir/r4", json=example()).status_code == 401
    response = post(client, north, "/fhir/r4/MedicationAdministration", "{not json")
    assert response.status_code == 400 and outcome(response).issue[0].code == "structure"
    response = client.get("/fhir/r4/Nothing", headers=north.auth)
    assert response.status_code == 404 and outcome(response).issue[0].code == "not-found"
