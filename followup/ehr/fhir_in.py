"""FHIR R4 in: a MedicationAdministration, or a transaction/batch Bundle holding one.

Resources are parsed and checked with ``fhir.resources`` (its R4B models,
which read R4 MedicationAdministration, Patient and Medication unchanged) and
answered as a FHIR server would: 201 with a Location for a new enrolment, 200
for one already seen or a dose that is not IVIG, and an OperationOutcome whose
``expression`` names the element for anything wrong (400 for a resource that
is not valid FHIR, 422 for one that is but cannot be enrolled, 409 for an
identity conflict).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pydantic
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medication import Medication
from fhir.resources.R4B.medicationadministration import MedicationAdministration
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.patient import Patient as FhirPatient
from sqlalchemy import select
from sqlalchemy.orm import Session

from followup.config import Settings
from followup.ehr.intake import EhrDose, EhrPatient, IntakeError, Outcome, dose_key, record
from followup.models import Clinic, IntakeSource, Patient

CANCELLING = ("entered-in-error", "not-done")
STATUS_TEXT = {200: "200 OK", 201: "201 Created", 400: "400 Bad Request", 409: "409 Conflict",
               422: "422 Unprocessable Entity"}
# Enrolment field -> element; the resource type is replaced by where it was sent.
LOCATIONS = {
    "phone": "Patient.telecom", "first_name": "Patient.name",
    "language": "Patient.communication", "external_id": "Patient.identifier",
    "infusion_at": "MedicationAdministration.effective", "lot": "Medication.batch.lotNumber",
    "product": "Medication.code",
}


@dataclass(frozen=True)
class Issue:
    severity: str  # fatal | error | warning | information
    code: str  # IssueType: structure | required | value | business-rule | conflict | ...
    diagnostics: str
    expression: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"severity": self.severity, "code": self.code,
                               "diagnostics": self.diagnostics}
        if self.expression:
            out["expression"] = list(self.expression)
        return out


class FhirError(Exception):
    """Answered as an OperationOutcome with this status; nothing is stored."""

    def __init__(self, status: int, issues: list[Issue]) -> None:
        super().__init__("; ".join(i.diagnostics for i in issues))
        self.status, self.issues = status, issues


@dataclass
class FhirResult:
    status: int
    body: dict[str, Any]
    location: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


def operation_outcome(issues: list[Issue]) -> dict[str, Any]:
    """An OperationOutcome, checked by the model library like every resource we send."""
    body = {"resourceType": "OperationOutcome", "issue": [i.to_json() for i in issues]}
    OperationOutcome.model_validate(body)
    return body


def _expression(prefix: str, loc: tuple[Any, ...]) -> str:
    path = prefix
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _model(cls: Any, data: Any, prefix: str) -> Any:
    try:
        return cls.model_validate(data)
    except pydantic.ValidationError as exc:
        issues = [Issue("error", "structure", err["msg"].removeprefix("Value error, "),
                        (_expression(prefix, tuple(err["loc"])),))
                  for err in exc.errors()[:20]]
        raise FhirError(400, issues) from None
    except (ValueError, TypeError, KeyError) as exc:  # the library's own checks
        raise FhirError(400, [Issue("error", "structure", str(exc)[:300], (prefix,))]) from None


def parse(data: Any, expected: str) -> Any:
    """The resource as a model, or a 400 naming what is wrong with it."""
    if not isinstance(data, dict):
        raise FhirError(400, [Issue("error", "structure",
                                    "the body must be a FHIR resource in JSON "
                                    "(Content-Type: application/fhir+json)")])
    kind = data.get("resourceType")
    if kind != expected:
        raise FhirError(400, [Issue("error", "structure",
                                    f"resourceType must be {expected}, got {kind!r}",
                                    ("resourceType",))])
    cls = MedicationAdministration if expected == "MedicationAdministration" else Bundle
    return _model(cls, data, expected)


# -- one administration -> an EhrDose --------------------------------------------------
# A reference -> (the resource, where it is in what was sent), or (None, "").
Resolver = Callable[[str], tuple[Any, str]]


def _codings(concept: Any) -> list[Any]:
    return list(getattr(concept, "coding", None) or [])


def _patient_fields(patient: FhirPatient, mrn_system: str) -> EhrPatient:
    phone = None
    telecoms = list(patient.telecom or [])
    for point in telecoms:
        if point.system == "sms" and point.value:
            phone = point.value
            break
    else:
        for point in telecoms:
            if point.system == "phone" and point.use == "mobile" and point.value:
                phone = point.value
                break
    names = sorted(patient.name or [], key=lambda n: 0 if n.use in ("official", "usual") else 1)
    first = None
    for name in names:
        if name.given:
            first = name.given[0]
            break
        if name.text:
            first = name.text.split()[0]
            break
    language = None
    comms = sorted(patient.communication or [], key=lambda c: 0 if c.preferred else 1)
    if comms:
        lang = comms[0].language
        codes = [c.code for c in _codings(lang) if c.code]
        language = codes[0] if codes else lang.text
    mrn = None
    for ident in patient.identifier or []:
        typed_mr = any(c.code == "MR" for c in _codings(ident.type))
        if (ident.system == mrn_system if mrn_system else typed_mr) and ident.value:
            mrn = ident.value
            break
    return EhrPatient(first_name=first, phone=phone, language=language, mrn=mrn)


def _known_patient(session: Session, clinic: Clinic, identifier: Any,
                   mrn_system: str) -> EhrPatient | None:
    """A patient referred to only by MRN, whom the clinic enrolled before."""
    if identifier is None or not identifier.value:
        return None
    if mrn_system and identifier.system != mrn_system:
        return None
    patient = session.scalar(select(Patient).where(Patient.clinic_id == clinic.id,
                                                   Patient.external_id == identifier.value))
    if patient is None:
        return None
    return EhrPatient(first_name=patient.first_name, phone=patient.phone,
                      language=patient.language, mrn=patient.external_id)


def _ended_at(ma: MedicationAdministration) -> str | None:
    # Typed as datetime by fhir.resources, but a partial dateTime ("2026-01-02",
    # "2026-01") parses to a date or stays a string.
    value: datetime | date | str | None = (
        ma.effectivePeriod.end if ma.effectivePeriod is not None else ma.effectiveDateTime)
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)  # a date alone: enrolment says it needs a time with an offset


def to_dose(ma: MedicationAdministration, resolve: Resolver, *, session: Session,
            clinic: Clinic, settings: Settings, prefix: str) -> EhrDose:
    """What the administration says, with where each part came from."""
    def missing(element: str, why: str) -> FhirError:
        return FhirError(422, [Issue("error", "required", why, (f"{prefix}.{element}",))])

    if ma.identifier:
        first = ma.identifier[0]
        key = dose_key(first.system, first.value)
    elif ma.id:
        key = dose_key("id", ma.id)
    else:
        raise missing("identifier", "an identifier (or id) is needed so that the same "
                                    "administration sent again is recognised")
    status = ma.status
    if status is None:  # the model requires it; only an unvalidated resource lacks it
        raise missing("status", "a status is needed")
    medication: Medication | None = None
    codings = _codings(ma.medicationCodeableConcept)
    if ma.medicationReference is not None:
        medication, medication_at = resolve(ma.medicationReference.reference or "")
        if not isinstance(medication, Medication):
            raise missing("medicationReference", "the Medication it refers to is not in the "
                                                 "Bundle or contained in the resource")
        codings = _codings(medication.code)
    subject, subject_at = resolve(ma.subject.reference or "")
    mrn_system = settings.ehr.mrn_system
    if isinstance(subject, FhirPatient):
        patient = _patient_fields(subject, mrn_system)
        where = subject_at
    else:
        known = _known_patient(session, clinic, ma.subject.identifier, mrn_system)
        if known is None and status not in CANCELLING:
            raise missing("subject", "the Patient must be in the Bundle or contained in the "
                                     "resource (or be a patient already enrolled, referred "
                                     "to by MRN identifier)")
        patient = known or EhrPatient()
        where = f"{prefix}.subject"
    places = {"Patient": where, "Medication": medication_at if medication is not None
              else f"{prefix}.medicationCodeableConcept",
              "MedicationAdministration": prefix}
    locations = {name: places[path.split(".")[0]] + path[path.index("."):]
                 for name, path in LOCATIONS.items()}
    lot = medication.batch.lotNumber if medication is not None and medication.batch else None
    return EhrDose(
        source=IntakeSource.FHIR, key=key,
        status="cancelled" if status in CANCELLING else status,
        codes=tuple((c.system or "", c.code or "") for c in codings),
        displays=tuple(c.display for c in codings),
        lot=lot, ended_at=_ended_at(ma), patient=patient, locations=locations,
    )


def _resolver(contained: list[Any], entries: dict[str, tuple[Any, str]],
              prefix: str) -> Resolver:
    local = {f"#{r.id}": (r, f"{prefix}.contained[{i}]")
             for i, r in enumerate(contained) if r.id}

    def resolve(reference: str) -> tuple[Any, str]:
        return local.get(reference) or entries.get(reference) or (None, "")

    return resolve


# -- requests ----------------------------------------------------------------------------
def _apply(session: Session, clinic: Clinic, ma: MedicationAdministration,
           resolve: Resolver, *, settings: Settings, actor: str, now: datetime,
           prefix: str) -> Outcome:
    if ma.status not in ("completed", *CANCELLING):
        # Still running, stopped or on hold: nothing to follow up (yet).
        return Outcome("ignored", f"status {ma.status!r}: only completed administrations "
                                  "enrol; entered-in-error and not-done cancel")
    dose = to_dose(ma, resolve, session=session, clinic=clinic, settings=settings,
                   prefix=prefix)
    try:
        return record(session, clinic, dose, settings=settings, actor=actor, now=now)
    except IntakeError as exc:
        code = "conflict" if exc.conflict else "business-rule"
        raise FhirError(409 if exc.conflict else 422,
                        [Issue("error", code, message, (where,))
                         for where, message in exc.fields.items()]) from None


def _result(outcome: Outcome, base_url: str) -> FhirResult:
    status = 201 if outcome.created else 200
    location = (f"{base_url}/MedicationAdministration/{outcome.intake_id}"
                if outcome.intake_id is not None else None)
    body = operation_outcome([Issue("information", "informational",
                                    f"{outcome.action}: {outcome.reason}")])
    return FhirResult(status, body, location)


def administration(session: Session, clinic: Clinic, data: Any, *, settings: Settings,
                   actor: str, now: datetime, base_url: str) -> FhirResult:
    """POST [base]/MedicationAdministration. The caller commits."""
    ma = parse(data, "MedicationAdministration")
    prefix = "MedicationAdministration"
    outcome = _apply(session, clinic, ma, _resolver(list(ma.contained or []), {}, prefix),
                     settings=settings, actor=actor, now=now, prefix=prefix)
    return _result(outcome, base_url)


def bundle(session: Session, clinic: Clinic, data: Any, *, settings: Settings, actor: str,
           now: datetime, base_url: str) -> FhirResult:
    """POST [base] with a transaction (all or nothing) or batch (each on its own) Bundle."""
    parsed = parse(data, "Bundle")
    if parsed.type not in ("transaction", "batch"):
        raise FhirError(400, [Issue("error", "value", "only transaction and batch Bundles "
                                    "are accepted", ("Bundle.type",))])
    entries: dict[str, tuple[Any, str]] = {}
    for i, entry in enumerate(parsed.entry or []):
        res = entry.resource
        if res is None:
            continue
        if entry.fullUrl:
            entries[entry.fullUrl] = (res, f"Bundle.entry[{i}].resource")
        if res.id:
            entries[f"{res.get_resource_type()}/{res.id}"] = (res, f"Bundle.entry[{i}].resource")
    transaction = parsed.type == "transaction"
    responses: list[dict[str, Any]] = []
    for i, entry in enumerate(parsed.entry or []):
        res = entry.resource
        prefix = f"Bundle.entry[{i}].resource"
        if not isinstance(res, MedicationAdministration):
            kind = res.get_resource_type() if res is not None else "nothing"
            responses.append({"response": {"status": "200 OK", "outcome": operation_outcome([
                Issue("information", "informational",
                      f"{kind}: read for the administrations that refer to it, not stored")])}})
            continue
        resolve = _resolver(list(res.contained or []), entries, prefix)
        try:
            if transaction:
                outcome = _apply(session, clinic, res, resolve, settings=settings, actor=actor,
                                 now=now, prefix=prefix)
            else:
                with session.begin_nested():
                    outcome = _apply(session, clinic, res, resolve, settings=settings,
                                     actor=actor, now=now, prefix=prefix)
        except FhirError as exc:
            if transaction:
                raise  # the caller rolls everything back
            responses.append({"response": {"status": STATUS_TEXT[exc.status],
                                           "outcome": operation_outcome(exc.issues)}})
            continue
        result = _result(outcome, base_url)
        response: dict[str, Any] = {"status": STATUS_TEXT[result.status],
                                    "outcome": result.body}
        if result.location:
            response["location"] = result.location
        responses.append({"response": response})
    body = {"resourceType": "Bundle", "type": f"{parsed.type}-response", "entry": responses}
    Bundle.model_validate(body)
    return FhirResult(200, body)
