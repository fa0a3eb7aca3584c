"""A nurse's own text to a patient: the rules, whoever asks (staff pages or API).

A staff text rides the dispatcher's queue as a check-in of kind ``staff``
(retries, pacing, delivery tracking, the Message row) and goes out within a
minute, even in quiet hours: a nurse chose to send it now. It is refused, with
a reason a nurse can act on, when the patient texted STOP (only they can
restart texts), when it is empty or longer than ``MAX_SEGMENTS`` SMS segments
as the patient receives it, or when the patient has no infusion on record (a
check-in belongs to one). Every queued text is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from followup.messaging.dispatch import STAFF_KIND
from followup.messaging.texts import render_sms, sms_segments
from followup.models import Checkin, CheckinStatus, Patient
from followup.patients.enrollment import phone_holders
from followup.staff.audit import audit

# Longer texts arrive split, out of order on some phones, and cost more.
MAX_SEGMENTS = 2
TEMPLATE = "staff_message"


class StaffTextError(Exception):
    """Why a staff text was not queued, in words for the nurse (no PHI)."""


class PatientOptedOut(StaffTextError):
    """The patient texted STOP: nothing is sent until they text START."""

    def __init__(self) -> None:
        super().__init__("this patient texted STOP. Only they can restart texts (START)")


class EmptyText(StaffTextError):
    def __init__(self) -> None:
        super().__init__("the message is empty")


class TextTooLong(StaffTextError):
    def __init__(self, segments: int) -> None:
        super().__init__(f"the message is {segments} SMS segments long; at most "
                         f"{MAX_SEGMENTS} are allowed. Shorten it")
        self.segments = segments


class NoInfusion(StaffTextError):
    def __init__(self) -> None:
        super().__init__("the patient has no infusion on record")


@dataclass(frozen=True)
class QueuedText:
    """A staff text on the queue: its check-in and the words the patient gets."""

    checkin: Checkin
    text: str
    segments: int


def patient_text(session: Session, patient: Patient, body: str) -> str:
    """A nurse's words as the patient receives them: on a shared phone the text
    says whom it is about ("About Cara: ...")."""
    shared = bool(phone_holders(session, patient.clinic_id, patient.phone, exclude=patient.id))
    return render_sms(TEMPLATE, patient.language, body=body,
                      about=patient.first_name if shared else None)


def queue_staff_text(session: Session, patient: Patient, body: str, *, actor: str,
                     now: datetime, action: str = "patient.message",
                     detail: dict[str, Any] | None = None) -> QueuedText:
    """Check the rules, queue the text for the next dispatch and audit it as
    ``action`` (with ``detail``, ids only). Raises a ``StaffTextError``; the
    caller commits."""
    body = body.strip()
    text = patient_text(session, patient, body)
    segments = sms_segments(text)
    if patient.opted_out_at is not None:
        raise PatientOptedOut()
    if not body:
        raise EmptyText()
    if segments > MAX_SEGMENTS:
        raise TextTooLong(segments)
    if not patient.infusions:
        raise NoInfusion()
    checkin = Checkin(
        patient_id=patient.id, infusion_id=patient.infusions[-1].id, kind=STAFF_KIND,
        template=TEMPLATE, body=text, created_by=actor, due_at=now, next_attempt_at=now,
        status=CheckinStatus.PENDING, created_at=now)
    session.add(checkin)
    session.flush()
    audit(session, clinic_id=patient.clinic_id, actor=actor, action=action,
          target_type="patient", target_id=patient.id,
          detail={"checkin_id": checkin.id, **(detail or {})}, now=now)
    return QueuedText(checkin, text, segments)
