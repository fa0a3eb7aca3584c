"""Delivery reports from the provider, applied in order whatever order they arrive in.

Twilio posts a status callback for each step of a message's life (queued,
sent, delivered or undelivered/failed, read) but neither orders nor
deduplicates them: "sent" may arrive after "delivered", the same callback may
arrive twice, two may race in parallel requests. So a status only ever moves
to a later stage, a final state is final, and the move is a compare-and-set
``UPDATE ... WHERE status = <what we read>`` so of two racing callbacks
exactly one wins. Only the winner of the move to ``undelivered``/``failed``
opens the ``undeliverable`` flag, and never a second one for the same message.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from followup.care.flags import open_flag
from followup.db import rows_changed
from followup.models import Checkin, Flag, FlagLevel, FlagReason, Message, MessageStatus, Patient
from followup.patients.consent import opt_out

log = logging.getLogger(__name__)

# Callbacks can arrive out of order ("sent" after "delivered"): a status only
# ever moves to a later stage. Final states share a stage, so none replaces
# another; "read" (WhatsApp/RCS) may follow "delivered".
S = MessageStatus
STAGE = {
    S.ACCEPTED: 0, S.SCHEDULED: 0, S.QUEUED: 1, S.SENDING: 2, S.SENT: 3,
    S.DELIVERED: 4, S.UNDELIVERED: 4, S.FAILED: 4, S.CANCELED: 4,
    S.PARTIALLY_DELIVERED: 4, S.READ: 5,
}
UNDELIVERABLE = (S.UNDELIVERED, S.FAILED)
# Nothing follows a failure: a late "read" or "delivered" after it is noise.
TERMINAL = frozenset({S.UNDELIVERED, S.FAILED, S.CANCELED})
OPTED_OUT_CODE = 21610


def record_status(session: Session, *, sid: str, status: str, error_code: int | None,
                  now: datetime) -> bool:
    """Apply one status callback; returns whether anything changed. The caller commits."""
    message = session.scalar(select(Message).where(Message.provider_sid == sid))
    if message is None:
        log.info("status callback for an unknown message sid %s", sid)
        return False
    if status not in STAGE:
        log.info("message %s: ignored unknown status %r", message.id, status[:20])
        return False
    new, current = MessageStatus(status), message.status
    if current in TERMINAL or STAGE[new] <= STAGE.get(current, -1):
        return False  # repeated, late or after a final state
    values: dict[str, object] = {"status": new, "updated_at": now}
    if error_code is not None:
        values["error_code"] = error_code
    won = rows_changed(session.execute(
        update(Message).where(Message.id == message.id, Message.status == current)
        .values(**values).execution_options(synchronize_session=False)
    ))
    if won != 1:
        return False  # a concurrent callback moved it first
    session.refresh(message)
    if new in UNDELIVERABLE:
        _undeliverable(session, message, error_code, now)
    log.info("message %s is now %s", message.id, status)
    return True


def _undeliverable(session: Session, message: Message, error_code: int | None,
                   now: datetime) -> None:
    if message.patient_id is None:
        # A staff text (on-call page, digest): nobody to flag, but worth a look.
        log.warning("staff message %s not delivered (error %s)", message.id, error_code)
        return
    patient = session.get(Patient, message.patient_id)
    assert patient is not None
    if error_code == OPTED_OUT_CODE:
        opt_out(session, patient, now)
    if message.checkin_id is not None:
        checkin = session.get(Checkin, message.checkin_id)
        if checkin is not None:
            checkin.last_error = f"not delivered (error {error_code})"
    already = session.scalar(select(Flag.id).where(
        Flag.message_id == message.id, Flag.reason == FlagReason.UNDELIVERABLE).limit(1))
    if already is not None:
        return
    open_flag(session, clinic_id=patient.clinic_id, patient_id=patient.id, level=FlagLevel.ROUTINE,
              reason=FlagReason.UNDELIVERABLE, now=now, message_id=message.id,
              checkin_id=message.checkin_id, detail=describe_error(error_code))


KNOWN_ERRORS = {
    21211: "the phone number is not valid",
    21408: "texts to this country are not enabled",
    21610: "the patient has opted out of texts (replied STOP)",
    21612: "this number cannot be reached from the clinic's number",
    21614: "the number is not a mobile phone that can get texts",
    30003: "the phone is unreachable (off or out of service)",
    30004: "the message was blocked by the phone or its owner",
    30005: "the number is unknown or no longer in service",
    30006: "the number is a landline or cannot get texts",
    30007: "the carrier filtered the message",
    30008: "the carrier could not deliver it (unknown error)",
    30032: "the toll-free number is not verified",
    30034: "the sending number is not registered for texting (A2P 10DLC)",
}


def describe_error(code: int | None) -> str:
    """Twilio's error code in words a nurse can act on, the code kept for support."""
    text = KNOWN_ERRORS.get(code or 0, "the text could not be delivered")
    return f"{text} (error {code})" if code else text
