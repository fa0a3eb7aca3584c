"""Pausing and resuming a patient's check-ins (a nurse's decision, e.g. the
patient is in hospital).

One place for the rule, shared by the staff pages and the JSON API: while
paused, no scheduled check-in or reminder is sent and no no-response flag is
raised (the dispatcher and follow-through read ``paused_at``); a nurse's own
message still goes. Each change is audited with ids only.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from followup.models import Patient
from followup.staff.audit import audit


class PauseError(ValueError):
    """The patient is not in the state the request assumed; the message says which."""


class AlreadyPaused(PauseError):
    """Pausing a patient whose check-ins are already paused (by someone, since then)."""

    def __init__(self, patient: Patient) -> None:
        super().__init__("the patient's check-ins are already paused")
        self.paused_by = patient.paused_by
        self.paused_at = patient.paused_at


class NotPaused(PauseError):
    """Resuming a patient whose check-ins are not paused."""

    def __init__(self) -> None:
        super().__init__("the patient's check-ins are not paused")


def pause(session: Session, patient: Patient, *, actor: str, now: datetime) -> Patient:
    """Pause the patient's check-ins. The first pause stands (who and when are
    shown to every nurse), so pausing again raises ``AlreadyPaused``."""
    if patient.paused_at is not None:
        raise AlreadyPaused(patient)
    patient.paused_at, patient.paused_by = now, actor
    audit(session, clinic_id=patient.clinic_id, actor=actor, action="patient.pause",
          target_type="patient", target_id=patient.id, now=now)
    return patient


def resume(session: Session, patient: Patient, *, actor: str, now: datetime) -> Patient:
    """Resume the patient's check-ins; those whose time passed while paused were
    skipped by the dispatcher and are not sent late. Raises ``NotPaused``."""
    if patient.paused_at is None:
        raise NotPaused()
    patient.paused_at, patient.paused_by = None, None
    audit(session, clinic_id=patient.clinic_id, actor=actor, action="patient.resume",
          target_type="patient", target_id=patient.id, now=now)
    return patient
