"""A patient's consent to texts: STOP and START, from them or from the carrier."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from followup.models import Checkin, Patient

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
KEYWORDS = STOP_WORDS | START_WORDS | HELP_WORDS


def opt_out(session: Session, patient: Patient, now: datetime) -> int:
    """Stop all texts to a patient; returns how many pending check-ins were cancelled."""
    if patient.opted_out_at is None:
        patient.opted_out_at = now
    result = session.execute(
        update(Checkin)
        .where(Checkin.patient_id == patient.id, Checkin.status == "pending")
        .values(status="cancelled", skip_reason="opted_out")
    )
    return result.rowcount or 0


def opt_in(session: Session, patient: Patient, now: datetime) -> int:
    """Resume texts; check-ins cancelled by the opt-out and still ahead come back."""
    patient.opted_out_at = None
    result = session.execute(
        update(Checkin)
        .where(Checkin.patient_id == patient.id, Checkin.status == "cancelled",
               Checkin.skip_reason == "opted_out", Checkin.next_attempt_at > now)
        .values(status="pending", skip_reason=None)
    )
    return result.rowcount or 0
