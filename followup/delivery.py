"""Delivery reports from the provider, applied in order whatever order they arrive in."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup.consent import opt_out
from followup.flags import open_flag
from followup.models import Checkin, Message, Patient

log = logging.getLogger(__name__)

# Callbacks can arrive out of order ("sent" after "delivered"): a status only
# ever moves to a later stage. Final states share the last stage.
STAGE = {
    "accepted": 0, "scheduled": 0, "queued": 1, "sending": 2, "sent": 3,
    "delivered": 4, "undelivered": 4, "failed": 4, "read": 5, "canceled": 4,
}
UNDELIVERABLE = ("undelivered", "failed")


def record_status(session: Session, *, sid: str, status: str, error_code: int | None,
                  now: datetime) -> bool:
    """Apply one status callback; returns whether anything changed."""
    message = session.scalar(select(Message).where(Message.provider_sid == sid))
    if message is None or status not in STAGE:
        return False
    if STAGE[status] < STAGE.get(message.status, 0) or message.status == status:
        return False
    if message.status in UNDELIVERABLE and STAGE[status] == STAGE[message.status]:
        return False  # already final
    message.status, message.updated_at = status, now
    if error_code is not None:
        message.error_code = error_code
    if status in UNDELIVERABLE and message.patient_id is not None:
        _undeliverable(session, message, error_code, now)
    log.info("message %s is now %s", message.id, status)
    return True


def _undeliverable(session: Session, message: Message, error_code: int | None,
                   now: datetime) -> None:
    patient = session.get(Patient, message.patient_id)
    assert patient is not None
    if error_code == 21610:
        opt_out(session, patient, now)
    if message.checkin_id is not None:
        checkin = session.get(Checkin, message.checkin_id)
        if checkin is not None:
            checkin.last_error = f"not delivered (error {error_code})"
    open_flag(session, clinic_id=patient.clinic_id, patient_id=patient.id, level="routine",
              reason="undeliverable", now=now, message_id=message.id,
              checkin_id=message.checkin_id, detail=describe_error(error_code))


def describe_error(code: int | None) -> str:
    known = {
        21211: "the phone number is not valid",
        21610: "the patient has opted out of texts (replied STOP)",
        21612: "this number cannot be reached from the clinic's number",
        21614: "the number is not a mobile phone that can get texts",
        30003: "the phone is unreachable (off or out of service)",
        30005: "the number is unknown or no longer in service",
        30006: "the number is a landline or cannot get texts",
        30007: "the carrier filtered the message",
    }
    text = known.get(code or 0, "the text could not be delivered")
    return f"{text} (error {code})" if code else text

