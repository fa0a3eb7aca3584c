"""A patient's notes and call log, apart from resolving flags.

"Called, no answer; left a voicemail" belongs on the patient's record even
when no flag is open, and resolving a flag should not be the only place a
nurse can write. Each entry is audited with ids only (the text stays here).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from followup.models import CallOutcome, NoteKind, Patient, PatientNote
from followup.staff.audit import audit

NOTE_MAX = 2000
CALL_OUTCOMES = {CallOutcome.REACHED: "reached the patient", CallOutcome.NO_ANSWER: "no answer",
                 CallOutcome.VOICEMAIL: "left a voicemail",
                 CallOutcome.WRONG_NUMBER: "wrong number"}


class NoteError(ValueError):
    """The note cannot be saved; the message says why."""


def add(session: Session, patient: Patient, *, kind: str, outcome: str | None, body: str,
        actor: str, now: datetime) -> PatientNote:
    """Save a note or a call; ``kind`` and ``outcome`` come from a form, so are checked here."""
    body = body.strip()
    if kind not in tuple(NoteKind):
        raise NoteError("choose a note or a call")
    call_outcome: CallOutcome | None = None
    if kind == NoteKind.CALL:
        if outcome not in CALL_OUTCOMES:
            raise NoteError("say how the call went (" + ", ".join(CALL_OUTCOMES.values())
                            + ")")
        call_outcome = CallOutcome(outcome)
    elif not body:
        raise NoteError("the note is empty")
    if len(body) > NOTE_MAX:
        raise NoteError(f"the note is too long (at most {NOTE_MAX} characters)")
    note = PatientNote(clinic_id=patient.clinic_id, patient_id=patient.id, kind=NoteKind(kind),
                       outcome=call_outcome, body=body, author=actor, created_at=now)
    session.add(note)
    session.flush()
    audit(session, clinic_id=patient.clinic_id, actor=actor, action="patient.note",
          target_type="patient", target_id=patient.id, now=now,
          detail={"note_id": note.id, "kind": note.kind, "outcome": call_outcome})
    return note


def for_patient(session: Session, patient_id: int) -> list[PatientNote]:
    """Newest first."""
    return list(session.scalars(select(PatientNote).where(PatientNote.patient_id == patient_id)
                                .order_by(PatientNote.created_at.desc(),
                                          PatientNote.id.desc())))
