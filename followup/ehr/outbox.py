"""The write-back outbox: a row per flag event, added in the flag's own transaction.

Kept apart from ``writeback`` (the HTTP side) so that opening a flag, inside
Twilio's webhook, costs one INSERT ... SELECT and imports nothing heavy. The
row is only added for a patient the EHR knows (an MRN on file); the scheduler's
pass sends it later, never the request that opened the flag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, insert, literal, select
from sqlalchemy.orm import Session

from followup.models import EhrOutbox, Flag, OutboxEvent, OutboxStatus, Patient, UTCDateTime, table

EVENTS = tuple(OutboxEvent)


@dataclass
class WritebackSummary:
    """What one write-back pass did (here, not in ``writeback``, so the
    scheduler's summary line needs no HTTP or FHIR imports)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    deferred: int = 0  # claimed, then left for the next pass (server down or slow)


# Built once: it runs inside Twilio's webhook whenever a reply opens a flag.
_flag, _patient = table(Flag), table(Patient)
_event = bindparam("event", type_=table(EhrOutbox).c.event.type)  # refuses a non-event
ENQUEUE = insert(table(EhrOutbox)).from_select(
    ["clinic_id", "flag_id", "event", "status", "attempts", "next_attempt_at", "created_at"],
    select(_flag.c.clinic_id, _flag.c.id, _event,
           literal(OutboxStatus.PENDING.value), literal(0), bindparam("now", type_=UTCDateTime()),
           bindparam("now", type_=UTCDateTime()))
    .join(_patient, and_(_patient.c.id == _flag.c.patient_id,
                         _patient.c.external_id.is_not(None)))
    .where(_flag.c.id == bindparam("flag_id")))


def enqueue(session: Session, flag_id: int, event: OutboxEvent, now: datetime) -> None:
    """Queue ``event`` of the flag for the chart, if its patient has an MRN."""
    session.connection().execute(ENQUEUE, {"flag_id": flag_id, "event": event, "now": now})


def failures(session: Session, clinic_id: int, limit: int = 100) -> list[EhrOutbox]:
    """What did not reach the chart, or not yet: for the admin page."""
    return list(session.scalars(
        select(EhrOutbox)
        .where(EhrOutbox.clinic_id == clinic_id,
               (EhrOutbox.status == OutboxStatus.FAILED) | (EhrOutbox.last_error.is_not(None)
                                                 & (EhrOutbox.status != OutboxStatus.SENT)))
        .order_by(EhrOutbox.created_at.desc(), EhrOutbox.id.desc()).limit(limit)))
