"""Enrolling a patient after an infusion, and planning their check-ins.

The same entry point serves the API, the staff form, CSV imports and the CLI
demo, so every channel validates the same way and answers with the same field
names.

Identity: a phone number is not a person. Households share phones, and a text
that greets the wrong name is a privacy and safety error. So a phone already
on file for a patient with another name or MRN is an ``IdentityConflict``,
never an overwrite: the caller asks a person ("same person, or a different
person on the same phone?") and enrols again with the answer
(``IdentityChoice``). Who a patient is (name, language, phone) changes only
by an explicit, recorded edit (``edit_patient``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from followup import validation as v
from followup.config import Settings
from followup.models import Checkin, CheckinStatus, Clinic, Infusion, Patient, PatientChange
from followup.patients.schedule import QuietHours, Slot, merge, plan
from followup.staff.audit import audit

FIELDS = (
    "phone", "first_name", "infusion_at", "timezone", "language",
    "product", "lot", "first_infusion", "external_id",
)
# An infusion further back than this has no check-in left worth sending.
MAX_AGE = timedelta(days=14)
# Clocks drift; a clinic enrolling right at the end of an infusion may be ahead.
MAX_FUTURE = timedelta(hours=1)
ACTIVE = (CheckinStatus.PENDING, CheckinStatus.SENDING, CheckinStatus.SENT)


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
    # The patient already on file had another language: kept (an edit changes it).
    language_kept: bool = False


@dataclass(frozen=True)
class PatientRef:
    """A patient as a conflict names them: the id and first name, nothing more."""

    id: int
    first_name: str


class IdentityConflict(Exception):
    """The phone is on file for someone with another name or MRN.

    Carries the patient(s) already on that phone so every channel can ask the
    same question: the API answers 409, the form and the CSV preview ask
    "same person? / different person"."""

    def __init__(self, existing: Sequence[PatientRef]) -> None:
        self.existing = tuple(existing)
        super().__init__(self.describe())

    @property
    def patient_id(self) -> int:
        return self.existing[0].id

    @property
    def first_name(self) -> str:
        return self.existing[0].first_name

    def describe(self) -> str:
        names = " and ".join(f"{p.first_name} (patient {p.id})" for p in self.existing)
        return f"this number belongs to {names}"


@dataclass(frozen=True)
class IdentityChoice:
    """A person's answer to an ``IdentityConflict``.

    ``same_as``: the enrolment is for that patient already on the phone.
    ``new_person``: a different person who shares the phone (a household)."""

    same_as: int | None = None
    new_person: bool = False

    @property
    def label(self) -> str:
        return "same_person" if self.same_as is not None else "different_person"


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
    choice: IdentityChoice | None = None,
    actor: str = "system",
) -> EnrollmentResult:
    """Record the infusion and its check-ins. The caller commits.

    The same phone with the same first name (and no other MRN) is the same
    patient: only the time zone is refreshed, and an opt-out is kept (they
    told us to stop; only they can undo it). Another name or MRN on that
    phone raises ``IdentityConflict`` unless ``choice`` answers it; the
    answer is audited as ``actor``."""
    patient, language_kept = _identify(session, clinic, request, choice, actor, now)
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
    return EnrollmentResult(patient, infusion, checkins, language_kept=language_kept)


def _normal_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def same_identity(patient: Patient, first_name: str, external_id: str | None) -> bool:
    """Whether an enrolment names the patient on file: the same first name
    (case and spacing aside), and no other MRN when both have one."""
    if _normal_name(patient.first_name) != _normal_name(first_name):
        return False
    return not (external_id and patient.external_id and patient.external_id != external_id)


def phone_holders(session: Session, clinic_id: int, phone: str,
                  exclude: int | None = None) -> list[Patient]:
    """The clinic's patients on this phone, first enrolled first."""
    stmt = select(Patient).where(Patient.clinic_id == clinic_id, Patient.phone == phone)
    if exclude is not None:
        stmt = stmt.where(Patient.id != exclude)
    return list(session.scalars(stmt.order_by(Patient.phone_slot, Patient.id)))


def refs(patients: Sequence[Patient]) -> list[PatientRef]:
    return [PatientRef(p.id, p.first_name) for p in patients]


def find_conflict(session: Session, clinic: Clinic,
                  request: EnrollmentRequest) -> IdentityConflict | None:
    """The conflict enrolling ``request`` would raise, without enrolling (CSV preview)."""
    holders = phone_holders(session, clinic.id, request.phone)
    if not holders or any(same_identity(p, request.first_name, request.external_id)
                          for p in holders):
        return None
    return IdentityConflict(refs(holders))


def _identify(session: Session, clinic: Clinic, request: EnrollmentRequest,
              choice: IdentityChoice | None, actor: str, now: datetime
              ) -> tuple[Patient, bool]:
    """The patient this enrolment is for, created if new; (patient, language kept)."""
    for attempt in range(2):
        holders = phone_holders(session, clinic.id, request.phone)
        match = next((p for p in holders
                      if same_identity(p, request.first_name, request.external_id)), None)
        if match is None and holders:
            if choice is None:
                raise IdentityConflict(refs(holders))
            if choice.same_as is not None:
                match = next((p for p in holders if p.id == choice.same_as), None)
                if match is None:
                    raise v.ValidationError({"same_patient_id": (
                        f"patient {choice.same_as} does not have this phone number")})
            _audit_choice(session, clinic, choice, holders, match, actor, now)
        if match is not None:
            match.timezone = request.timezone
            if request.external_id and not match.external_id:
                match.external_id = request.external_id
            session.flush()
            return match, match.language != request.language
        slot = max((p.phone_slot for p in holders), default=-1) + 1
        patient = Patient(clinic_id=clinic.id, phone=request.phone, phone_slot=slot,
                          first_name=request.first_name, language=request.language,
                          timezone=request.timezone, external_id=request.external_id,
                          created_at=now)
        try:
            with session.begin_nested():
                session.add(patient)
        except IntegrityError:  # the same phone enrolled concurrently: look again
            if attempt:
                raise
            continue
        if holders:
            _audit_choice(session, clinic, choice, holders, patient, actor, now)
        return patient, False
    raise AssertionError("unreachable")  # pragma: no cover


def _audit_choice(session: Session, clinic: Clinic, choice: IdentityChoice | None,
                  holders: Sequence[Patient], patient: Patient | None, actor: str,
                  now: datetime) -> None:
    if choice is None or patient is None:
        return
    session.flush()
    audit(session, clinic_id=clinic.id, actor=actor, action="patient.identity_choice",
          target_type="patient", target_id=patient.id, now=now,
          detail={"choice": choice.label, "phone_holders": [p.id for p in holders]})


def record_conflict(session: Session, clinic_id: int, conflict: IdentityConflict, *,
                    actor: str, now: datetime, channel: str) -> None:
    """Audit that a conflict was found and nothing was changed. The caller commits
    (after rolling back whatever the refused request had begun)."""
    audit(session, clinic_id=clinic_id, actor=actor, action="patient.identity_conflict",
          target_type="patient", target_id=conflict.patient_id, now=now,
          detail={"channel": channel, "phone_holders": [p.id for p in conflict.existing]})


# -- explicit edits of who a patient is ------------------------------------------
EDITABLE = ("first_name", "language", "phone")


def edit_patient(session: Session, patient: Patient, data: Mapping[str, Any], *,
                 actor: str, now: datetime, region: str | None,
                 household_ok: bool = False) -> list[PatientChange]:
    """Change a patient's name, language or phone; each change is recorded with
    its value before and after, and audited (ids only). The caller commits.

    Moving a patient onto a phone another patient holds raises
    ``IdentityConflict`` unless ``household_ok`` says they share it."""
    if not isinstance(data, Mapping):
        raise v.ValidationError({}, "the body must be a JSON object")
    errors: dict[str, str] = {name: "unknown field" for name in data if name not in EDITABLE}
    parsers: dict[str, Callable[[Any], str | None]] = {
        "first_name": lambda x: v.text(x, max_length=50, required=True),
        "language": v.language,
        "phone": lambda x: v.phone(x, region=region),
    }
    wanted: dict[str, str] = {}
    for name, parse in parsers.items():
        if name in data:
            try:
                value = parse(data[name])
                if value is None:  # none of these fields may be blanked
                    raise v.FieldError("required")
                wanted[name] = value
            except v.FieldError as exc:
                errors[name] = str(exc)
    if errors:
        raise v.ValidationError(errors)
    changed = {k: val for k, val in wanted.items() if getattr(patient, k) != val}
    if "phone" in changed:
        others = phone_holders(session, patient.clinic_id, changed["phone"], exclude=patient.id)
        if others and not household_ok:
            raise IdentityConflict(refs(others))
        patient.phone_slot = max((p.phone_slot for p in others), default=-1) + 1
    rows = [PatientChange(patient_id=patient.id, field=k, before=getattr(patient, k),
                          after=val, actor=actor, at=now) for k, val in changed.items()]
    for k, val in changed.items():
        setattr(patient, k, val)
    if rows:
        session.add_all(rows)
        session.flush()
        audit(session, clinic_id=patient.clinic_id, actor=actor, action="patient.edit",
              target_type="patient", target_id=patient.id, now=now,
              detail={"fields": sorted(changed), "changes": [r.id for r in rows],
                      **({"household": True} if "phone" in changed and household_ok else {})})
    return rows


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
        if row.id in decision.upgrades and row.status == CheckinStatus.PENDING:
            row.template = decision.upgrades[row.id]
    opted_out = patient.opted_out_at is not None
    rows: list[Checkin] = []
    for item in decision.keep:
        rows.append(Checkin(
            patient_id=patient.id, infusion_id=infusion.id, kind=item.kind,
            template=item.template, due_at=item.due_at, next_attempt_at=item.send_at,
            status=CheckinStatus.CANCELLED if opted_out else CheckinStatus.PENDING,
            skip_reason="opted_out" if opted_out else None, created_at=now,
        ))
    for item in decision.merged:
        rows.append(Checkin(
            patient_id=patient.id, infusion_id=infusion.id, kind=item.kind,
            template=item.template, due_at=item.due_at, next_attempt_at=item.send_at,
            status=CheckinStatus.SKIPPED,
            skip_reason="merged: another check-in is due that half-day",
            created_at=now,
        ))
    session.add_all(rows)
    session.flush()
    rows.sort(key=lambda c: c.due_at)
    return rows
