"""Opening and closing flags: the nurse-facing side of every worrying event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from followup.audit import audit
from followup.ehr import outbox
from followup.models import Flag, FlagEvent

TRIAGE_TO_FLAG = {"emergency": "emergency", "urgent": "urgent", "unclear": "routine"}
LEVEL_ORDER = {"emergency": 0, "urgent": 1, "routine": 2}
INSERT_FLAG = insert(Flag.__table__).returning(Flag.__table__.c.id)
INSERT_EVENT = insert(FlagEvent.__table__)


class FlagStateError(ValueError):
    """The flag cannot move to the asked state (e.g. acknowledging a resolved one)."""


def open_flag(
    session: Session,
    *,
    clinic_id: int,
    patient_id: int,
    level: str,
    reason: str,
    now: datetime,
    message_id: int | None = None,
    checkin_id: int | None = None,
    findings: list[dict[str, Any]] | None = None,
    detail: str | None = None,
) -> int:
    """Open a flag with its first history entry; returns the flag's id.

    Plain SQL on the session's connection: a patient's worrying reply opens
    one inside Twilio's webhook, the hottest path there is."""
    session.flush()  # rows the flag points at, added through the ORM, exist first
    conn = session.connection()
    flag_id: int = conn.execute(INSERT_FLAG, {
        "clinic_id": clinic_id, "patient_id": patient_id, "level": level, "reason": reason,
        "message_id": message_id, "checkin_id": checkin_id, "findings": findings or [],
        "detail": detail, "status": "open", "created_at": now,
    }).scalar_one()
    conn.execute(INSERT_EVENT, {
        "flag_id": flag_id, "at": now, "actor": "system", "action": "opened", "detail": detail,
    })
    outbox.enqueue(session, flag_id, "opened", now)  # into the chart, by the scheduler
    return flag_id


def record_event(session: Session, flag: Flag, *, actor: str, action: str, now: datetime,
                 detail: str | None = None) -> None:
    """Append to the flag's history (who did what, when)."""
    session.add(FlagEvent(flag_id=flag.id, at=now, actor=actor, action=action, detail=detail))


def acknowledge(session: Session, flag: Flag, *, actor: str, now: datetime) -> Flag:
    if flag.status == "resolved":
        raise FlagStateError("the flag is already resolved")
    if flag.status == "open":
        flag.status = "acknowledged"
        flag.acknowledged_at = now
        flag.acknowledged_by = actor
        flag.next_escalation_at = None
        record_event(session, flag, actor=actor, action="acknowledged", now=now)
        audit(session, clinic_id=flag.clinic_id, actor=actor, action="flag.acknowledge",
              target_type="flag", target_id=flag.id, now=now)
    return flag


def resolve(session: Session, flag: Flag, *, actor: str, note: str, now: datetime) -> Flag:
    if flag.status == "resolved":
        raise FlagStateError("the flag is already resolved")
    if flag.acknowledged_at is None:
        flag.acknowledged_at = now
        flag.acknowledged_by = actor
    flag.status = "resolved"
    flag.resolved_at = now
    flag.resolved_by = actor
    flag.note = note
    flag.next_escalation_at = None
    record_event(session, flag, actor=actor, action="resolved", now=now, detail=note)
    outbox.enqueue(session, flag.id, "resolved", now)
    audit(session, clinic_id=flag.clinic_id, actor=actor, action="flag.resolve",
          target_type="flag", target_id=flag.id, now=now)
    return flag


def queue(session: Session, clinic_id: int, status: str) -> list[Flag]:
    """Emergency first, then urgent, then routine; oldest first within a level."""
    flags = session.scalars(
        select(Flag).where(Flag.clinic_id == clinic_id, Flag.status == status)
        .options(selectinload(Flag.message), selectinload(Flag.patient))
        .order_by(Flag.created_at, Flag.id)
    ).all()
    return sorted(flags, key=lambda f: LEVEL_ORDER.get(f.level, 9))

