"""Data lifecycle: removing old message texts, and exporting a patient's data.

Texts are the most sensitive thing we hold and the least useful after the
follow-up is over. Removing them keeps what staff and auditors need (that a
text went out or came in, when, its triage level and flags) and drops the
words, including the words quoted in findings.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from followup.models import Checkin, Flag, FlagEvent, Infusion, Message, Patient, PatientChange
from followup.staff.audit import audit

REMOVED = "[text removed by the retention policy]"


def purge_message_bodies(session: Session, *, older_than_days: int, now: datetime,
                         actor: str = "system") -> int:
    """Blank the texts of messages older than the limit; returns how many."""
    if older_than_days <= 0:
        return 0
    cutoff = now - timedelta(days=older_than_days)
    ids = list(session.scalars(
        select(Message.id).where(Message.created_at < cutoff, Message.body != REMOVED)
    ))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        session.execute(update(Message).where(Message.id.in_(chunk)).values(body=REMOVED))
        for message in session.scalars(select(Message).where(Message.id.in_(chunk),
                                                             Message.findings.is_not(None))):
            message.findings = [{**f, "matched": ""} for f in message.findings or []
                                if isinstance(f, dict)]
        for flag in session.scalars(select(Flag).where(Flag.message_id.in_(chunk),
                                                       Flag.findings.is_not(None))):
            flag.findings = [{**f, "matched": ""} for f in flag.findings or []
                             if isinstance(f, dict)]
    audit(session, clinic_id=None, actor=actor, action="retention.purge_message_bodies",
          now=now, detail={"messages": len(ids), "older_than_days": older_than_days})
    return len(ids)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def export_patient(session: Session, patient: Patient, *, actor: str,
                   now: datetime) -> dict[str, Any]:
    """Everything we hold about one patient, for a records request."""
    infusions = session.scalars(select(Infusion).where(Infusion.patient_id == patient.id)
                                .order_by(Infusion.ended_at)).all()
    checkins = session.scalars(select(Checkin).where(Checkin.patient_id == patient.id)
                               .order_by(Checkin.due_at)).all()
    messages = session.scalars(select(Message).where(Message.patient_id == patient.id)
                               .order_by(Message.created_at, Message.id)).all()
    flags = session.scalars(select(Flag).where(Flag.patient_id == patient.id)
                            .order_by(Flag.created_at)).all()
    events = session.scalars(select(FlagEvent).where(FlagEvent.flag_id.in_([f.id for f in flags]))
                             .order_by(FlagEvent.at)).all() if flags else []
    changes = session.scalars(select(PatientChange).where(PatientChange.patient_id == patient.id)
                              .order_by(PatientChange.at, PatientChange.id)).all()
    audit(session, clinic_id=patient.clinic_id, actor=actor, action="patient.export",
          target_type="patient", target_id=patient.id, now=now)
    return {
        "exported_at": now.isoformat(),
        "patient": {
            "id": patient.id, "first_name": patient.first_name, "phone": patient.phone,
            "language": patient.language, "timezone": patient.timezone,
            "external_id": patient.external_id, "opted_out_at": _iso(patient.opted_out_at),
            "paused_at": _iso(patient.paused_at), "created_at": _iso(patient.created_at),
        },
        "infusions": [{
            "id": i.id, "ended_at": _iso(i.ended_at), "timezone": i.timezone,
            "product": i.product, "lot": i.lot, "first_infusion": i.first_infusion,
        } for i in infusions],
        "checkins": [{
            "id": c.id, "kind": c.kind, "due_at": _iso(c.due_at), "status": c.status,
            "sent_at": _iso(c.sent_at), "answered_at": _iso(c.answered_at),
            "skip_reason": c.skip_reason,
        } for c in checkins],
        "messages": [{
            "id": m.id, "direction": m.direction, "body": m.body, "at": _iso(m.created_at),
            "status": m.status, "level": m.level, "findings": m.findings,
        } for m in messages],
        "flags": [{
            "id": f.id, "level": f.level, "reason": f.reason, "status": f.status,
            "created_at": _iso(f.created_at), "note": f.note,
            "history": [{"at": _iso(e.at), "actor": e.actor, "action": e.action,
                         "detail": e.detail} for e in events if e.flag_id == f.id],
        } for f in flags],
        "changes": [{"at": _iso(c.at), "field": c.field, "before": c.before,
                     "after": c.after, "actor": c.actor} for c in changes],
    }
