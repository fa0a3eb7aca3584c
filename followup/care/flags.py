"""Opening and closing flags: the nurse-facing side of every worrying event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from followup.ehr import outbox
from followup.models import (
    Flag,
    FlagAction,
    FlagEvent,
    FlagLevel,
    FlagReason,
    FlagStatus,
    OutboxEvent,
    Patient,
    TriageLevel,
    table,
)
from followup.staff.audit import audit

# Keyed by str: the triage result carries its level as the rulebook spells it.
TRIAGE_TO_FLAG: dict[str, FlagLevel] = {TriageLevel.EMERGENCY: FlagLevel.EMERGENCY,
                                        TriageLevel.URGENT: FlagLevel.URGENT,
                                        TriageLevel.UNCLEAR: FlagLevel.ROUTINE}
# Most severe first, as FlagLevel lists them.
LEVEL_ORDER: dict[str, int] = {level: rank for rank, level in enumerate(FlagLevel)}
INSERT_FLAG = insert(table(Flag)).returning(table(Flag).c.id)
INSERT_EVENT = insert(table(FlagEvent))


class FlagStateError(ValueError):
    """The flag cannot move to the asked state (e.g. acknowledging a resolved one)."""


def open_flag(
    session: Session,
    *,
    clinic_id: int,
    patient_id: int,
    level: FlagLevel,
    reason: FlagReason,
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
        "detail": detail, "status": FlagStatus.OPEN, "created_at": now,
    }).scalar_one()
    conn.execute(INSERT_EVENT, {
        "flag_id": flag_id, "at": now, "actor": "system", "action": FlagAction.OPENED,
        "detail": detail,
    })
    outbox.enqueue(session, flag_id, OutboxEvent.OPENED, now)  # into the chart, by the scheduler
    return flag_id


def record_event(session: Session, flag: Flag, *, actor: str, action: FlagAction, now: datetime,
                 detail: str | None = None) -> None:
    """Append to the flag's history (who did what, when)."""
    session.add(FlagEvent(flag_id=flag.id, at=now, actor=actor, action=action, detail=detail))


def acknowledge(session: Session, flag: Flag, *, actor: str, now: datetime) -> Flag:
    if flag.status == FlagStatus.RESOLVED:
        raise FlagStateError("the flag is already resolved")
    if flag.status == FlagStatus.OPEN:
        flag.status = FlagStatus.ACKNOWLEDGED
        flag.acknowledged_at = now
        flag.acknowledged_by = actor
        flag.next_escalation_at = None
        if flag.assigned_to is None:  # whoever takes it holds it until reassigned
            flag.assigned_to, flag.assigned_at = actor, now
        record_event(session, flag, actor=actor, action=FlagAction.ACKNOWLEDGED, now=now)
        audit(session, clinic_id=flag.clinic_id, actor=actor, action="flag.acknowledge",
              target_type="flag", target_id=flag.id, now=now)
    return flag


def resolve(session: Session, flag: Flag, *, actor: str, note: str, now: datetime) -> Flag:
    if flag.status == FlagStatus.RESOLVED:
        raise FlagStateError("the flag is already resolved")
    if flag.acknowledged_at is None:
        flag.acknowledged_at = now
        flag.acknowledged_by = actor
    flag.status = FlagStatus.RESOLVED
    flag.resolved_at = now
    flag.resolved_by = actor
    flag.note = note
    flag.next_escalation_at = None
    record_event(session, flag, actor=actor, action=FlagAction.RESOLVED, now=now, detail=note)
    outbox.enqueue(session, flag.id, OutboxEvent.RESOLVED, now)
    audit(session, clinic_id=flag.clinic_id, actor=actor, action="flag.resolve",
          target_type="flag", target_id=flag.id, now=now)
    return flag


def assign(session: Session, flag: Flag, *, assignee: str | None, actor: str,
           now: datetime) -> bool:
    """Give the flag to a nurse ("user:3"), or to nobody; False if nothing changed.

    The caller checks that the assignee works at the flag's clinic."""
    if flag.status == FlagStatus.RESOLVED:
        raise FlagStateError("the flag is already resolved")
    if flag.assigned_to == assignee:
        return False
    flag.assigned_to, flag.assigned_at = assignee, (now if assignee else None)
    action = FlagAction.ASSIGNED if assignee else FlagAction.UNASSIGNED
    record_event(session, flag, actor=actor, action=action, now=now, detail=assignee)
    audit(session, clinic_id=flag.clinic_id, actor=actor, action="flag.assign",
          target_type="flag", target_id=flag.id, now=now, detail={"to": assignee})
    return True


SORTS = ("priority", "oldest", "newest")


@dataclass(frozen=True)
class QueueFilter:
    """What a nurse narrowed the queue to. Empty fields mean "any".

    ``assignee`` is "mine", "unassigned" or an actor such as "user:3";
    ``viewer`` is who "mine" means."""

    level: str = ""
    reason: str = ""
    language: str = ""
    assignee: str = ""
    viewer: str = ""
    sort: str = "priority"

    @property
    def active(self) -> bool:
        return bool(self.level or self.reason or self.language or self.assignee)


def queue(session: Session, clinic_id: int, status: FlagStatus,
          where: QueueFilter | None = None) -> list[Flag]:
    """By default emergency first, then urgent, then routine; oldest first
    within a level. ``where`` narrows it and may sort by age alone."""
    where = where or QueueFilter()
    stmt = (select(Flag).where(Flag.clinic_id == clinic_id, Flag.status == status)
            .options(selectinload(Flag.message), selectinload(Flag.patient),
                     selectinload(Flag.events)))
    if where.level:
        stmt = stmt.where(Flag.level == where.level)
    if where.reason:
        stmt = stmt.where(Flag.reason == where.reason)
    if where.language:
        stmt = stmt.where(Flag.patient_id.in_(
            select(Patient.id).where(Patient.clinic_id == clinic_id,
                                     Patient.language == where.language)))
    if where.assignee == "mine":
        stmt = stmt.where(Flag.assigned_to == where.viewer)
    elif where.assignee == "unassigned":
        stmt = stmt.where(Flag.assigned_to.is_(None))
    elif where.assignee:
        stmt = stmt.where(Flag.assigned_to == where.assignee)
    if where.sort == "newest":
        return list(session.scalars(stmt.order_by(Flag.created_at.desc(), Flag.id.desc())))
    flags = session.scalars(stmt.order_by(Flag.created_at, Flag.id)).all()
    if where.sort == "oldest":
        return list(flags)
    return sorted(flags, key=lambda f: LEVEL_ORDER.get(f.level, 9))

