"""Enrolling a patient after an infusion, and planning their check-ins.

The same entry point serves the API, the CLI demo and (later) CSV imports, so
every channel validates the same way and answers with the same field names.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from followup import validation as v
from followup.config import Settings
from followup.models import Checkin, Clinic, Infusion, Patient
from followup.schedule import QuietHours, Slot, merge, plan

FIELDS = (
    "phone", "first_name", "infusion_at", "timezone", "language",
    "product", "lot", "first_infusion", "external_id",
)
# An infusion further back than this has no check-in left worth sending.
MAX_AGE = timedelta(days=14)
# Clocks drift; a clinic enrolling right at the end of an infusion may be ahead.
MAX_FUTURE = timedelta(hours=1)
ACTIVE = ("pending", "sending", "sent")


@dataclass(frozen=True)
class EnrollmentRequest:
    phone: str
    first_name: str
    infusion_at: datetime
    timezone: str
    language: str
    product: str | None
    lot: str | None
    first_infusion: bool
    external_id: str | None


@dataclass
class EnrollmentResult:
    patient: Patient
    infusion: Infusion
    checkins: list[Checkin] = field(default_factory=list)
    created: bool = True  # False when the same infusion was enrolled before


def parse_request(data: Any, clinic: Clinic, now: datetime) -> EnrollmentRequest:
    """Validate a whole enrolment at once; raise ``ValidationError`` naming each field."""
    if not isinstance(data, Mapping):
        raise v.ValidationError({}, "the body must be a JSON object")
    errors: dict[str, str] = {}
    for name in data:
        if name not in FIELDS:
            errors[str(name)] = "unknown field"

    def take(name: str, parse: Any, default: Any = None) -> Any:
        if (name not in data or data[name] is None) and default is not None:
            return default
        try:
            return parse(data.get(name))
        except v.FieldError as exc:
            errors[name] = str(exc)
            return None

    phone = take("phone", lambda x: v.mobile_phone(x, region=v.region_of(clinic.phone),
                                                   countries=enrol_countries(clinic)))
    first_name = take("first_name", lambda x: v.text(x, max_length=50, required=True))
    infusion_at = take("infusion_at", v.aware_datetime)
    timezone = take("timezone", v.timezone, clinic.timezone)
    language = take("language", v.language, "en")
    product = take("product", lambda x: v.text(x, max_length=100))
    lot = take("lot", lambda x: v.text(x, max_length=100))
    first_infusion = take("first_infusion", v.boolean, False)
    external_id = take("external_id", lambda x: v.text(x, max_length=100))
    if infusion_at is not None and "infusion_at" not in errors:
        if infusion_at > now + MAX_FUTURE:
            errors["infusion_at"] = "is in the future: give the time the infusion ended"
        elif infusion_at < now - MAX_AGE:
            errors["infusion_at"] = "is more than 14 days ago: no check-in is left to send"
    if errors:
        raise v.ValidationError(errors)
    return EnrollmentRequest(
        phone=phone, first_name=first_name, infusion_at=infusion_at, timezone=timezone,
        language=language, product=product, lot=lot, first_infusion=bool(first_infusion),
        external_id=external_id,
    )


def enrol_countries(clinic: Clinic) -> tuple[str, ...]:
    """Where the clinic's patients' numbers may be from: its own setting, or
    the country of its own phone number."""
    if clinic.enrol_countries:
        return tuple(clinic.enrol_countries)
    own = v.region_of(clinic.phone)
    return (own,) if own else ()


def enroll(
    session: Session,
    clinic: Clinic,
    request: EnrollmentRequest,
    *,
    settings: Settings,
    now: datetime,
) -> EnrollmentResult:
    """Record the infusion and its check-ins. The caller commits.

    The same phone at the same clinic is the same patient: their name,
    language and time zone are refreshed, an opt-out is kept (they told us to
    stop; only they can undo it)."""
    patient = _upsert_patient(session, clinic, request, now)
    existing = session.scalar(
        select(Infusion).where(
            Infusion.patient_id == patient.id, Infusion.ended_at == request.infusion_at
        )
    )
    if existing is not None:  # a retried request: same answer, nothing new
        checkins = list(session.scalars(
            select(Checkin).where(Checkin.infusion_id == existing.id).order_by(Checkin.due_at)
        ))
        return EnrollmentResult(patient, existing, checkins, created=False)
    infusion = Infusion(
        patient_id=patient.id, ended_at=request.infusion_at, timezone=request.timezone,
        product=request.product, lot=request.lot, first_infusion=request.first_infusion,
        external_id=request.external_id, created_at=now,
    )
    session.add(infusion)
    session.flush()
    checkins = schedule_checkins(session, patient, infusion, settings=settings, now=now)
    return EnrollmentResult(patient, infusion, checkins)


def _upsert_patient(
    session: Session, clinic: Clinic, request: EnrollmentRequest, now: datetime
) -> Patient:
    def find() -> Patient | None:
        return session.scalar(
            select(Patient).where(Patient.clinic_id == clinic.id, Patient.phone == request.phone)
        )

    patient = find()
    if patient is None:
        patient = Patient(clinic_id=clinic.id, phone=request.phone, created_at=now)
        try:
            with session.begin_nested():
                session.add(patient)
                _refresh(patient, request)
        except IntegrityError:  # enrolled concurrently by another request
            patient = find()
            assert patient is not None
    _refresh(patient, request)
    session.flush()
    return patient


def _refresh(patient: Patient, request: EnrollmentRequest) -> None:
    patient.first_name = request.first_name
    patient.language = request.language
    patient.timezone = request.timezone
    if request.external_id:
        patient.external_id = request.external_id


def schedule_checkins(
    session: Session, patient: Patient, infusion: Infusion, *, settings: Settings, now: datetime
) -> list[Checkin]:
    tz = ZoneInfo(infusion.timezone)
    quiet = QuietHours(settings.quiet_start, settings.quiet_end)
    planned = plan(infusion.ended_at, tz, first_infusion=infusion.first_infusion,
                   specs=settings.checkins, quiet=quiet)
    ranks = {spec.kind: i for i, spec in enumerate(settings.checkins)}
    templates = {spec.template: i for i, spec in enumerate(settings.checkins)}
    existing_rows = list(session.scalars(
        select(Checkin).where(Checkin.patient_id == patient.id, Checkin.status.in_(ACTIVE))
    ))
    slots = [
        Slot(
            send_at=row.sent_at or row.next_attempt_at,
            rank=max(ranks.get(row.kind, -1), templates.get(row.template, -1)),
            template=row.template,
            id=row.id,
        )
        for row in existing_rows
    ]
    decision = merge(planned, slots, tz)
    for row in existing_rows:
        if row.id in decision.upgrades and row.status == "pending":
            row.template = decision.upgrades[row.id]
    opted_out = patient.opted_out_at is not None
    rows: list[Checkin] = []
    for item in decision.keep:
        rows.append(Checkin(
            patient_id=patient.id, infusion_id=infusion.id, kind=item.kind,
            template=item.template, due_at=item.due_at, next_attempt_at=item.send_at,
            status="cancelled" if opted_out else "pending",
            skip_reason="opted_out" if opted_out else None, created_at=now,
        ))
    for item in decision.merged:
        rows.append(Checkin(
            patient_id=patient.id, infusion_id=infusion.id, kind=item.kind,
            template=item.template, due_at=item.due_at, next_attempt_at=item.send_at,
            status="skipped", skip_reason="merged: another check-in is due that half-day",
            created_at=now,
        ))
    session.add_all(rows)
    session.flush()
    rows.sort(key=lambda c: c.due_at)
    return rows
