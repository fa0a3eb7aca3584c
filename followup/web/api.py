"""The clinic-facing JSON API, authenticated by per-clinic bearer tokens.

A token sees only its own clinic: every lookup is scoped by clinic id, so
another clinic's ids answer 404 exactly like ids that do not exist.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from followup.care import flags as flag_service
from followup.extensions import db, services
from followup.messaging.staff_text import EmptyText, StaffTextError, TextTooLong, queue_staff_text
from followup.models import (
    ApiToken,
    Checkin,
    CheckinStatus,
    Clinic,
    Flag,
    FlagStatus,
    Infusion,
    Message,
    Patient,
)
from followup.patients import pause as patient_pause
from followup.patients.enrollment import (
    IdentityChoice,
    IdentityConflict,
    edit_patient,
    enroll,
    parse_request,
    record_conflict,
)
from followup.patients.retention import export_patient
from followup.staff import ratelimit
from followup.staff.audit import audit
from followup.staff.tokens import hash_token, note_use
from followup.validation import ValidationError, region_of
from followup.web.scoping import owned

bp = Blueprint("api", __name__, url_prefix="/api")
F = TypeVar("F", bound=Callable[..., Any])
FLAG_STATUSES = tuple(FlagStatus)


def token_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorized("missing bearer token (Authorization: Bearer <token>)")
        row = db().scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token.strip())))
        if row is None or row.revoked_at is not None:
            return _unauthorized("unknown or revoked token")
        if note_use(db(), row, services().clock.now()):
            db().commit()  # before the view: a read-only request commits nothing
        g.clinic = db().get(Clinic, row.clinic_id)
        g.token_id = row.id
        g.actor = f"token:{row.id}"
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def _unauthorized(why: str) -> Any:
    response = jsonify(error=why)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="followup"'
    return response


class ApiError(Exception):
    """Answered as ``{"error", "fields"}`` with the given status; nothing is stored."""

    def __init__(self, error: str, fields: dict[str, str] | None = None, status: int = 400,
                 headers: dict[str, str] | None = None):
        super().__init__(error)
        self.error, self.fields, self.status = error, fields or {}, status
        self.headers = headers or {}


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):  # type: ignore[no-untyped-def]
    db().rollback()
    return jsonify(error=exc.error, fields=exc.fields), exc.status, exc.headers


@bp.errorhandler(IdentityConflict)
def _identity_conflict(exc: IdentityConflict):  # type: ignore[no-untyped-def]
    """409 naming the patient already on the phone (id and first name only);
    nothing the request began is kept, but the conflict is audited."""
    session = db()
    session.rollback()
    record_conflict(session, g.clinic.id, exc, actor=g.actor, now=services().clock.now(),
                    channel="api edit" if request.method == "PATCH" else "api")
    session.commit()
    return jsonify(
        error=(f"{exc.describe()}. Nothing was changed. If it is the same person, send "
               f"again with \"same_patient_id\": {exc.patient_id}; if it is a different "
               "person sharing the phone, send again with \"new_household_member\": true."),
        existing_patient={"id": exc.patient_id, "first_name": exc.first_name},
        fields={"phone": exc.describe()},
    ), 409


IDENTITY_FIELDS = ("same_patient_id", "new_household_member")


def identity_choice(data: dict[str, Any]) -> IdentityChoice | None:
    """Take the answer to an earlier 409 out of an enrolment body."""
    same = data.pop("same_patient_id", None)
    new = data.pop("new_household_member", None)
    errors: dict[str, str] = {}
    if same is not None and (isinstance(same, bool) or not isinstance(same, int)
                             or not 0 < same < 2**31):
        errors["same_patient_id"] = "must be the id of the patient already on this phone"
    if new is not None and not isinstance(new, bool):
        errors["new_household_member"] = "must be true or false"
    if same is not None and new:
        errors["new_household_member"] = "give same_patient_id or new_household_member, not both"
    if errors:
        raise ApiError("invalid enrolment", errors)
    if same is not None:
        return IdentityChoice(same_as=same)
    return IdentityChoice(new_person=True) if new else None


def json_object() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError("the body must be a JSON object (Content-Type: application/json)")
    return data


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


# -- serialisers ---------------------------------------------------------------
def checkin_json(c: Checkin) -> dict[str, Any]:
    return {
        "id": c.id, "kind": c.kind, "due_at": iso(c.due_at), "status": c.status,
        "send_at": iso(c.next_attempt_at) if c.status == CheckinStatus.PENDING else None,
        "sent_at": iso(c.sent_at), "answered_at": iso(c.answered_at),
        "skip_reason": c.skip_reason, "infusion_id": c.infusion_id,
    }


def infusion_json(i: Infusion) -> dict[str, Any]:
    return {
        "id": i.id, "ended_at": iso(i.ended_at), "timezone": i.timezone, "product": i.product,
        "lot": i.lot, "first_infusion": i.first_infusion, "external_id": i.external_id,
    }


def patient_json(p: Patient) -> dict[str, Any]:
    return {
        "id": p.id, "first_name": p.first_name, "phone": p.phone, "language": p.language,
        "timezone": p.timezone, "external_id": p.external_id,
        "opted_out": p.opted_out_at is not None, "opted_out_at": iso(p.opted_out_at),
        "paused": p.paused_at is not None, "paused_at": iso(p.paused_at),
        "paused_by": p.paused_by,
        "infusions": [infusion_json(i) for i in p.infusions],
        "checkins": [checkin_json(c) for c in p.checkins],
    }


def flag_json(f: Flag) -> dict[str, Any]:
    return {
        "id": f.id, "level": f.level, "reason": f.reason, "patient_id": f.patient_id,
        "message": f.message.body if f.message else None,
        "reasons": (f.message.reasons or []) if f.message else [],
        "detail": f.detail, "findings": f.findings or [], "created_at": iso(f.created_at),
        "status": f.status, "acknowledged_at": iso(f.acknowledged_at),
        "acknowledged_by": f.acknowledged_by, "resolved_at": iso(f.resolved_at),
        "resolved_by": f.resolved_by, "note": f.note,
    }


def message_json(m: Message) -> dict[str, Any]:
    return {
        "id": m.id, "direction": m.direction, "body": m.body, "at": iso(m.created_at),
        "status": m.status, "level": m.level, "findings": m.findings, "reasons": m.reasons,
        "checkin_id": m.checkin_id, "error_code": m.error_code,
    }


# -- lookups scoped to the token's clinic -------------------------------------
def own_patient(patient_id: int) -> Patient:
    return owned(Patient, patient_id, "patient")


def own_flag(flag_id: int) -> Flag:
    return owned(Flag, flag_id, "flag")


# -- routes --------------------------------------------------------------------
@bp.post("/enrollments")
@token_required
def create_enrollment():  # type: ignore[no-untyped-def]
    svc = services()
    now = svc.clock.now()
    session = db()
    _limit_enrolments(session, now)
    data = dict(json_object())
    choice = identity_choice(data)
    try:
        req = parse_request(data, g.clinic, now)
        result = enroll(session, g.clinic, req, settings=svc.settings, now=now, choice=choice,
                        actor=g.actor)
    except ValidationError as exc:
        raise ApiError("invalid enrolment", exc.fields) from None
    audit(session, clinic_id=g.clinic.id, actor=g.actor,
          action="enrollment.create" if result.created else "enrollment.replay",
          target_type="infusion", target_id=result.infusion.id, now=now)
    session.commit()
    body = {
        "patient_id": result.patient.id,
        "infusion_id": result.infusion.id,
        "opted_out": result.patient.opted_out_at is not None,
        "checkins": [checkin_json(c) for c in result.checkins],
    }
    return jsonify(body), 201 if result.created else 200


def _limit_enrolments(session: Any, now: datetime) -> None:
    """Every enrolment texts someone: a leaked token must not be able to
    pump texts to thousands of numbers (SMS pumping), so each token gets
    ``api.enrollments_per_minute`` requests a minute, counted atomically."""
    limit = services().settings.api_enrollments_per_minute
    taken = ratelimit.take(session, f"enrol:token:{g.token_id}", limit=limit,
                           window=timedelta(minutes=1), now=now)
    session.commit()
    if not taken.allowed:
        raise ApiError(f"too many enrolments: this token may make {limit} a minute; retry in "
                       f"{taken.retry_after_seconds} s", status=429,
                       headers={"Retry-After": str(taken.retry_after_seconds)})


@bp.get("/patients/<int:patient_id>")
@token_required
def get_patient(patient_id: int):  # type: ignore[no-untyped-def]
    patient = own_patient(patient_id)
    _audit_view("patient.view", patient.id)
    return jsonify(patient_json(patient))


@bp.patch("/patients/<int:patient_id>")
@token_required
def patch_patient(patient_id: int):  # type: ignore[no-untyped-def]
    """Change who the patient is (first_name, language, phone): recorded with
    the values before and after, and audited. Moving onto a phone another
    patient holds answers 409 unless ``new_household_member`` is true."""
    patient = own_patient(patient_id)
    data = dict(json_object())
    household = data.pop("new_household_member", False)
    if not isinstance(household, bool):
        raise ApiError("invalid edit", {"new_household_member": "must be true or false"})
    try:
        changes = edit_patient(db(), patient, data, actor=g.actor, now=services().clock.now(),
                               region=region_of(g.clinic.phone), household_ok=household)
    except ValidationError as exc:
        raise ApiError("invalid edit", exc.fields) from None
    db().commit()
    body = patient_json(patient)
    body["changed"] = [c.field for c in changes]
    return jsonify(body)


@bp.post("/patients/<int:patient_id>/pause")
@token_required
def pause_patient(patient_id: int):  # type: ignore[no-untyped-def]
    """Pause the patient's check-ins (audited); 409 if they already are."""
    return _pause_or_resume(patient_pause.pause, patient_id)


@bp.post("/patients/<int:patient_id>/resume")
@token_required
def resume_patient(patient_id: int):  # type: ignore[no-untyped-def]
    """Resume the patient's check-ins (audited); 409 if they are not paused."""
    return _pause_or_resume(patient_pause.resume, patient_id)


def _pause_or_resume(change: Callable[..., Patient], patient_id: int) -> Any:
    patient = own_patient(patient_id)
    try:
        change(db(), patient, actor=g.actor, now=services().clock.now())
    except patient_pause.PauseError as exc:
        raise ApiError(str(exc), status=409) from None
    db().commit()
    return jsonify(patient_json(patient))


@bp.get("/patients/<int:patient_id>/messages")
@token_required
def get_messages(patient_id: int):  # type: ignore[no-untyped-def]
    patient = own_patient(patient_id)
    messages = db().scalars(
        select(Message).where(Message.patient_id == patient.id)
        .order_by(Message.created_at, Message.id)
    ).all()
    _audit_view("patient.messages.view", patient.id)
    return jsonify([message_json(m) for m in messages])


@bp.post("/patients/<int:patient_id>/messages")
@token_required
def send_patient_message(patient_id: int):  # type: ignore[no-untyped-def]
    """Queue a staff text to the patient, under the same rules as the staff
    page (``messaging/staff_text.py``); it goes out at the next dispatch, even
    in quiet hours. Audited as ``patient.message`` by the token."""
    patient = own_patient(patient_id)
    data = json_object()
    errors = {name: "unknown field" for name in data if name != "body"}
    body = data.get("body")
    if not isinstance(body, str):
        errors["body"] = "required: the text to send, as a string"
    if errors:
        raise ApiError("invalid message", errors)
    assert isinstance(body, str)
    try:
        queued = queue_staff_text(db(), patient, body, actor=g.actor,
                                  now=services().clock.now())
    except (EmptyText, TextTooLong) as exc:
        raise ApiError("invalid message", {"body": str(exc)}) from None
    except StaffTextError as exc:  # the patient's state, not the request, is in the way
        raise ApiError(f"not sent: {exc}", status=409) from None
    db().commit()
    return jsonify({"checkin": checkin_json(queued.checkin), "text": queued.text,
                    "segments": queued.segments}), 201


@bp.get("/patients/<int:patient_id>/export")
@token_required
def export_patient_data(patient_id: int):  # type: ignore[no-untyped-def]
    """Everything held about the patient (a records request); audited."""
    data = export_patient(db(), own_patient(patient_id), actor=g.actor,
                          now=services().clock.now())
    db().commit()
    return jsonify(data)


@bp.get("/flags")
@token_required
def list_flags():  # type: ignore[no-untyped-def]
    status = request.args.get("status", FlagStatus.OPEN)
    if status not in FLAG_STATUSES:
        raise ApiError("invalid query", {"status": "must be open, acknowledged or resolved"})
    flags = flag_service.queue(db(), g.clinic.id, FlagStatus(status))
    return jsonify([flag_json(f) for f in flags])


@bp.post("/flags/<int:flag_id>/acknowledge")
@token_required
def acknowledge_flag(flag_id: int):  # type: ignore[no-untyped-def]
    flag = own_flag(flag_id)
    try:
        flag_service.acknowledge(db(), flag, actor=g.actor, now=services().clock.now())
    except flag_service.FlagStateError as exc:
        raise ApiError(str(exc), status=409) from None
    db().commit()
    return jsonify(flag_json(flag))


@bp.post("/flags/<int:flag_id>/resolve")
@token_required
def resolve_flag(flag_id: int):  # type: ignore[no-untyped-def]
    flag = own_flag(flag_id)
    note = json_object().get("note")
    if not isinstance(note, str) or not note.strip():
        raise ApiError("invalid resolve", {"note": "required: what was done"})
    if len(note) > 2000:
        raise ApiError("invalid resolve", {"note": "too long (at most 2000 characters)"})
    try:
        flag_service.resolve(db(), flag, actor=g.actor, note=note.strip(),
                             now=services().clock.now())
    except flag_service.FlagStateError as exc:
        raise ApiError(str(exc), status=409) from None
    db().commit()
    return jsonify(flag_json(flag))


def _audit_view(action: str, patient_id: int) -> None:
    audit(db(), clinic_id=g.clinic.id, actor=g.actor, action=action, target_type="patient",
          target_id=patient_id, now=services().clock.now())
    db().commit()
