"""One dose from the EHR, whichever way it came: enrol, cancel or ignore it.

FHIR and HL7 v2 readers turn what they received into an ``EhrDose`` that
still says where each value came from (``Patient.telecom``, ``PID-13``), so a
refusal by the shared enrolment validation names the element the sender has
to fix, in the sender's own terms.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from followup import validation as v
from followup.config import Settings
from followup.db import rows_changed
from followup.ehr.codes import load_codes
from followup.models import (
    Checkin,
    CheckinStatus,
    Clinic,
    EhrIntake,
    Infusion,
    IntakeOutcome,
    IntakeSource,
    Patient,
)
from followup.patients import enrollment
from followup.staff.audit import audit

MAX_KEY = 200
# Where each enrolment field comes from when the reader does not say otherwise.
ENROLMENT_FIELDS = ("phone", "first_name", "infusion_at", "language", "product", "lot",
                    "external_id")


# An enrolment the shared service refuses: bad data, or a phone on file for a patient
# with another name or MRN (never overwritten: the EHR's sender is told, as the API's
# caller is with a 409).
ENROL_ERRORS: tuple[type[Exception], ...] = (v.ValidationError, enrollment.IdentityConflict)


def identity_conflict(exc: Exception) -> str | None:
    """What the conflict is, when an enrolment refusal is an identity conflict."""
    if isinstance(exc, enrollment.IdentityConflict):
        return exc.describe()
    return None


@dataclass(frozen=True)
class EhrPatient:
    first_name: str | None = None
    phone: str | None = None
    language: str | None = None  # as sent: "es", "es-MX", "spa", "SPA^Spanish"
    mrn: str | None = None


@dataclass(frozen=True)
class EhrDose:
    """An administration as the EHR described it; nothing validated yet."""

    source: IntakeSource  # FHIR or HL7
    key: str  # the sender's identity of this administration
    status: str  # "completed" | "cancelled"
    codes: tuple[tuple[str, str], ...]  # (system, code), with displays below
    displays: tuple[str | None, ...] = ()
    lot: str | None = None
    ended_at: str | None = None  # ISO 8601 with an offset
    patient: EhrPatient = field(default_factory=EhrPatient)
    # Enrolment field -> where the sender put it ("Patient.telecom", "PID-13").
    locations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Outcome:
    action: str  # enrolled | replayed | ignored | cancelled | nothing_to_cancel
    reason: str
    infusion_id: int | None = None
    patient_id: int | None = None
    intake_id: int | None = None

    @property
    def created(self) -> bool:
        return self.action == "enrolled"


class IntakeError(ValueError):
    """The dose cannot be enrolled. ``fields`` maps the sender's location to why;
    ``conflict`` is set for an identity conflict (HTTP 409, HL7 AE)."""

    def __init__(self, fields: dict[str, str], *, conflict: bool = False) -> None:
        super().__init__("; ".join(f"{k}: {m}" for k, m in fields.items()))
        self.fields = fields
        self.conflict = conflict


def dose_key(*parts: str | None) -> str:
    """A key that fits the column: long identifiers are hashed, not cut."""
    text = "|".join(p or "" for p in parts)
    if len(text) <= MAX_KEY:
        return text
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def language_code(value: str | None) -> str | None:
    """"es-MX", "spa", "SPA", "Spanish" -> "es"; None when nothing was sent."""
    if not value or not value.strip():
        return None
    text = value.strip().lower()
    three = {"eng": "en", "spa": "es", "english": "en", "spanish": "es", "español": "es",
             "espanol": "es"}
    if text in three:
        return three[text]
    return text.split("-")[0].split("_")[0]


def record(session: Session, clinic: Clinic, dose: EhrDose, *, settings: Settings,
           actor: str, now: datetime) -> Outcome:
    """Apply one dose. The caller commits (or rolls back on ``IntakeError``)."""
    product = _ivig_product(dose, settings)
    if product is None:
        codes = [f"{s}|{c}" for s, c in dose.codes][:5]
        reason = "not an immune globulin product on the clinic's list"
        audit(session, clinic_id=clinic.id, actor=actor, action="ehr.dose_ignored", now=now,
              detail={"source": dose.source, "reason": reason, "codes": codes,
                      "status": dose.status})
        return Outcome("ignored", f"{reason}: {', '.join(codes) or 'no product code'}")
    intake = session.scalar(select(EhrIntake).where(
        EhrIntake.clinic_id == clinic.id, EhrIntake.source == dose.source,
        EhrIntake.key == dose.key))
    if dose.status == "cancelled":
        return _cancel(session, clinic, dose, intake, actor=actor, now=now)
    if intake is not None and intake.infusion_id is not None:
        infusion = session.get(Infusion, intake.infusion_id)
        return Outcome("replayed", "already enrolled from this administration",
                       intake.infusion_id, infusion.patient_id if infusion else None, intake.id)
    return _enrol(session, clinic, dose, product, settings=settings, actor=actor, now=now)


def _ivig_product(dose: EhrDose, settings: Settings) -> str | None:
    codes = load_codes(settings.ehr.codes_file)
    for i, (system, code) in enumerate(dose.codes):
        name = codes.product(system, code)
        if name is not None:
            display = dose.displays[i] if i < len(dose.displays) else None
            return display or name
    return None


def _enrol(session: Session, clinic: Clinic, dose: EhrDose, product: str, *,
           settings: Settings, actor: str, now: datetime) -> Outcome:
    p = dose.patient
    data = {
        "phone": p.phone, "first_name": p.first_name, "infusion_at": dose.ended_at,
        "language": language_code(p.language), "product": product, "lot": dose.lot,
        "external_id": p.mrn,
    }
    try:
        request = enrollment.parse_request(data, clinic, now)
    except v.ValidationError as exc:
        raise IntakeError(_located(exc.fields, dose)) from None
    request = replace(request, first_infusion=_first_infusion(session, clinic, request))
    try:
        with session.begin_nested():
            result = enrollment.enroll(session, clinic, request, settings=settings, now=now)
    except ENROL_ERRORS as exc:
        conflict = identity_conflict(exc)
        if conflict is not None:
            audit(session, clinic_id=clinic.id, actor=actor, action="ehr.identity_conflict",
                  now=now, detail={"source": dose.source})
            raise IntakeError({_where(dose, "external_id", "Patient"): conflict},
                              conflict=True) from None
        fields = exc.fields if isinstance(exc, v.ValidationError) else {"patient": str(exc)}
        raise IntakeError(_located(fields, dose)) from None
    # The infusion is known to the EHR by its administration, the patient by the MRN.
    result.infusion.external_id = dose.key[:100]
    intake: EhrIntake | None = EhrIntake(
        clinic_id=clinic.id, source=dose.source, key=dose.key,
        infusion_id=result.infusion.id, outcome=IntakeOutcome.ENROLLED, created_at=now)
    try:
        with session.begin_nested():
            session.add(intake)
    except IntegrityError:  # the same administration, sent twice at once
        intake = session.scalar(select(EhrIntake).where(
            EhrIntake.clinic_id == clinic.id, EhrIntake.source == dose.source,
            EhrIntake.key == dose.key))
    audit(session, clinic_id=clinic.id, actor=actor,
          action="ehr.enrol" if result.created else "ehr.enrol_replay",
          target_type="infusion", target_id=result.infusion.id, now=now,
          detail={"source": dose.source, "first_infusion": request.first_infusion})
    return Outcome("enrolled" if result.created else "replayed",
                   "enrolled" if result.created else "this infusion was already enrolled",
                   result.infusion.id, result.patient.id, intake.id if intake else None)


def _first_infusion(session: Session, clinic: Clinic,
                    request: enrollment.EnrollmentRequest) -> bool:
    """First infusion unless the clinic has an earlier one for this patient
    (the same phone, or the same MRN)."""
    same = Patient.phone == request.phone
    if request.external_id:
        same = same | (Patient.external_id == request.external_id)
    earlier = exists().where(Infusion.patient_id == Patient.id,
                             Infusion.ended_at < request.infusion_at)
    return not session.scalar(select(exists().where(Patient.clinic_id == clinic.id, same,
                                                    earlier)))


def _cancel(session: Session, clinic: Clinic, dose: EhrDose, intake: EhrIntake | None, *,
            actor: str, now: datetime) -> Outcome:
    if intake is None or intake.infusion_id is None:
        audit(session, clinic_id=clinic.id, actor=actor, action="ehr.cancel_unknown", now=now,
              detail={"source": dose.source})
        return Outcome("nothing_to_cancel", "no enrolment from this administration")
    infusion = session.get(Infusion, intake.infusion_id)
    count = rows_changed(session.execute(
        update(Checkin)
        .where(Checkin.infusion_id == intake.infusion_id, Checkin.status == CheckinStatus.PENDING)
        .values(status=CheckinStatus.CANCELLED, skip_reason="cancelled in the EHR")
    ))
    intake.outcome = IntakeOutcome.CANCELLED
    intake.updated_at = now
    audit(session, clinic_id=clinic.id, actor=actor, action="ehr.cancel", now=now,
          target_type="infusion", target_id=intake.infusion_id,
          detail={"source": dose.source, "checkins_cancelled": count})
    return Outcome("cancelled", f"{count} pending check-ins cancelled", intake.infusion_id,
                   infusion.patient_id if infusion else None, intake.id)


def _where(dose: EhrDose, name: str, default: str) -> str:
    return dose.locations.get(name, default)


def _located(fields: Mapping[str, str], dose: EhrDose) -> dict[str, str]:
    """Enrolment's field names -> the sender's element names."""
    return {_where(dose, name, name): message for name, message in fields.items()}
