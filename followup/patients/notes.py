"""A patient's notes and call log, apart from resolving flags.

"Called, no answer; left a voicemail" belongs on the patient's record even
when no flag is open, and resolving a flag should not be the only place a
nurse can write. Each entry is audited with ids only (the text stays here).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup.models import Patient, PatientNote
from followup.staff.audit import audit

NOTE_MAX = 2000
CALL_OUTCOMES = {"reached": "reached the patient", "no_answer": "no answer",
                 "voicemail": "left a voicemail", "wrong_number": "wrong number"}


class NoteError(ValueError):
    """The note cannot be saved; the message says why."""


def add(session: Session, patient: Patient, *, kind: str, outcome: str | None, body: str,
        actor: str, now: datetime) -> PatientNote:
    body = body.strip()
    if kind not in ("note", "call"):
        raise NoteError("choose a note or a call")
    if kind == "call":
        if outcome not in CALL_OUTCOMES:
            raise NoteError("say how the call went (" + ", ".join(CALL_OUTCOMES.values())
                            + ")")
    else:
        outcome = None
        if not body:
            raise NoteError("the note is empty")
    if len(body) > NOTE_MAX:
        raise NoteError(f"the note is too long (at most {NOTE_MAX} characters)")
    note = PatientNote(clinic_id=patient.clinic_id, patient_id=patient.id, kind=kind,
                       outcome=outcome, body=body, author=actor, created_at=now)
    session.add(note)
    session.flush()
    audit(session, clinic_id=patient.clinic_id, actor=actor, action="patient.note",
          target_type="patient", target_id=patient.id, now=now,
          detail={"note_id": note.id, "kind": kind, "outcome": outcome})
    return note


def for_patient(session: Session, patient_id: int) -> list[PatientNote]:
    """Newest first."""
    return list(session.scalars(select(PatientNote).where(PatientNote.patient_id == patient_id)
                                .order_by(PatientNote.created_at.desc(),
                                          PatientNote.id.desc())))
