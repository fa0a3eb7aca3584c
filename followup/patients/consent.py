"""A patient's consent to texts: STOP and START, from them or from the carrier."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from followup.care.flags import open_flag
from followup.db import rows_changed
from followup.models import Checkin, CheckinStatus, FlagLevel, FlagReason, Infusion, Patient

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
        .where(Checkin.patient_id == patient.id, Checkin.status == CheckinStatus.PENDING)
        .values(status=CheckinStatus.CANCELLED, skip_reason="opted_out")
    )
    return rows_changed(result)


def opt_in(session: Session, patient: Patient, now: datetime) -> int:
    """Resume texts; check-ins cancelled by the opt-out and still ahead come back."""
    patient.opted_out_at = None
    result = session.execute(
        update(Checkin)
        .where(Checkin.patient_id == patient.id, Checkin.status == CheckinStatus.CANCELLED,
               Checkin.skip_reason == "opted_out", Checkin.next_attempt_at > now)
        .values(status=CheckinStatus.PENDING, skip_reason=None)
    )
    return rows_changed(result)


def opt_out_mid_followup(session: Session, patient: Patient, now: datetime) -> int:
    """``opt_out``, and when scheduled check-ins were still ahead, a routine flag
    so a nurse can call: a patient who stops on day 2 must not simply drop out
    of the follow-up. Returns how many check-ins were cancelled."""
    already_out = patient.opted_out_at is not None
    # The follow-up's last scheduled check-in (reminders and nurses' messages
    # carry a reminder_for_id or a body; scheduled check-ins neither).
    ahead = session.execute(
        select(Checkin.due_at, Infusion.ended_at, Infusion.timezone)
        .join(Infusion, Infusion.id == Checkin.infusion_id)
        .where(Checkin.patient_id == patient.id, Checkin.status == CheckinStatus.PENDING,
               Checkin.reminder_for_id.is_(None), Checkin.body.is_(None))
        .order_by(Checkin.due_at.desc()).limit(1)
    ).first()
    cancelled = opt_out(session, patient, now)
    if already_out or ahead is None:
        return cancelled
    tz = ZoneInfo(ahead.timezone)
    start = ahead.ended_at.astimezone(tz).date()
    day = (now.astimezone(tz).date() - start).days
    last = (ahead.due_at.astimezone(tz).date() - start).days
    open_flag(session, clinic_id=patient.clinic_id, patient_id=patient.id, level=FlagLevel.ROUTINE,
              reason=FlagReason.STOPPED, now=now,
              detail=f"Stopped texts on day {day} of {last}: call?")
    return cancelled
