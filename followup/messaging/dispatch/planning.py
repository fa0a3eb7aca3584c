"""Deciding a claimed batch: what to send now, and why not the rest.

A whole batch is read in one query and decided before any provider call:
a check-in goes out now (a ``SendPlan``, its text rendered), or gets a
``Verdict``: cancelled (the patient opted out), skipped (paused, already
answered, stale) or back to the queue until quiet hours end.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Row, Table, select
from sqlalchemy.orm import Session

from followup.config import Settings
from followup.messaging.dispatch.claims import HELD, checkins
from followup.messaging.notify import checkin_text
from followup.messaging.outbound import Text
from followup.models import Checkin, CheckinKind, CheckinStatus, Clinic, Infusion, Message, Patient
from followup.patients.schedule import QuietHours, next_allowed

# A free-text message from a nurse rides the check-in queue with this kind.
STAFF_KIND = CheckinKind.STAFF
# A gentle nudge after silence (see ``followthrough``) rides it with this kind.
REMINDER_KIND = CheckinKind.REMINDER

# What deciding and rendering a claimed check-in need, one row each: plain rows,
# not ORM objects with their identity map, cost a batch of 200 about a tenth.
_patients, _clinics, _infusions = (cast(Table, m.__table__) for m in (Patient, Clinic, Infusion))
LOAD_DUE = (
    select(checkins.c.id, checkins.c.kind, checkins.c.template, checkins.c.body,
           checkins.c.due_at, checkins.c.reminder_for_id, checkins.c.created_by,
           checkins.c.last_error,
           _patients.c.id.label("patient_id"), _patients.c.phone.label("to"),
           _patients.c.first_name, _patients.c.language, _patients.c.timezone,
           _patients.c.opted_out_at, _patients.c.paused_at,
           _clinics.c.id.label("clinic_id"), _clinics.c.name, _clinics.c.phone,
           _clinics.c.emergency_number, _clinics.c.sms_number,
           _clinics.c.show_product_in_texts, _infusions.c.product)
    .join(_patients, _patients.c.id == checkins.c.patient_id)
    .join(_clinics, _clinics.c.id == _patients.c.clinic_id)
    .join(_infusions, _infusions.c.id == checkins.c.infusion_id)
    .where(*HELD)  # the whole batch holds the token: no list of ids to send
    .order_by(checkins.c.id)
)


@dataclass(frozen=True)
class SendPlan:
    """One text to send, decided and rendered before any provider call."""

    checkin_id: int
    text: Text
    night_applies: bool  # a nurse's message ignores quiet hours
    tz: ZoneInfo
    patient_id: int
    clinic_id: int
    created_by: str | None


class DueCheckin(Protocol):
    """A claimed check-in as ``Planner.decide`` sees it: a ``LOAD_DUE`` row."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def due_at(self) -> datetime: ...
    @property
    def reminder_for_id(self) -> int | None: ...
    @property
    def patient_id(self) -> int: ...
    @property
    def timezone(self) -> str: ...
    @property
    def opted_out_at(self) -> datetime | None: ...
    @property
    def paused_at(self) -> datetime | None: ...
    @property
    def last_error(self) -> str | None: ...


@dataclass(frozen=True)
class Verdict:
    """A decision not to send now: cancel, skip, or wait until ``next_attempt_at``."""

    status: CheckinStatus
    reason: str | None = None
    next_attempt_at: datetime | None = None


@dataclass
class Batch:
    """A claimed batch, decided: texts to send, verdicts, and check-ins that
    could not be decided (an internal error each)."""

    plans: list[SendPlan]
    verdicts: dict[int, Verdict]
    broken: list[tuple[int, Exception]]


def replied_since(session: Session, patient_id: int, since: datetime) -> bool:
    """Whether the patient has texted us at all since ``since``.

    Any reply closes the loop: a patient who answers the day-2 check-in has
    not gone silent on day 1, even though the reply marks only the latest."""
    found = session.scalar(
        select(Message.id).where(Message.patient_id == patient_id, Message.direction == "in",
                                 Message.created_at >= since).limit(1))
    return found is not None


class Planner:
    """Quiet hours, staleness, opt-out, pause and answered reminders."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.quiet = QuietHours(settings.quiet_start, settings.quiet_end)

    def plan(self, session: Session, token: str, now: datetime) -> Batch:
        """Decide and render every check-in the claim ``token`` holds."""
        batch = Batch([], {}, [])
        # Fetched whole first: deciding a reminder runs queries of its own.
        rows: list[Row[Any]] = list(session.connection().execute(LOAD_DUE, {"token": token}))
        for due in rows:
            try:
                verdict = self.decide(session, due, now)
                if verdict is not None:
                    batch.verdicts[due.id] = verdict
                    continue
                body = due.body or checkin_text(due, due, due.product, due.template, due.kind)
                batch.plans.append(SendPlan(
                    due.id, Text(due.to, body, due.sms_number), due.kind != STAFF_KIND,
                    ZoneInfo(due.timezone), due.patient_id, due.clinic_id, due.created_by))
            except Exception as exc:  # one bad check-in must not stall the rest
                batch.broken.append((due.id, exc))
        return batch

    def decide(self, session: Session, checkin: DueCheckin, now: datetime) -> Verdict | None:
        """Why not to send now, or None to send."""
        if checkin.opted_out_at is not None:
            return Verdict(CheckinStatus.CANCELLED, reason="opted_out")
        if checkin.kind == STAFF_KIND:
            return None  # a nurse chose to send it now: no quiet hours, never stale
        if checkin.paused_at is not None:
            return Verdict(CheckinStatus.SKIPPED, reason="paused by staff")
        if checkin.kind == REMINDER_KIND and checkin.reminder_for_id is not None:
            # A reminder held back by the night must not nag someone who has answered.
            original = session.get(Checkin, checkin.reminder_for_id)
            if original is not None and (
                original.answered_at is not None
                or (original.sent_at is not None
                    and replied_since(session, checkin.patient_id, original.sent_at))):
                return Verdict(CheckinStatus.SKIPPED,
                               reason="answered before the reminder went out")
        stale_after = timedelta(hours=self.settings.stale_after_hours)
        allowed = next_allowed(now, ZoneInfo(checkin.timezone), self.quiet)
        hours = f"{self.settings.stale_after_hours:g} h"
        if allowed - checkin.due_at > stale_after:
            reason = (f"stale: quiet hours would make it more than {hours} late"
                      if allowed > now else f"stale: more than {hours} late")
            return Verdict(CheckinStatus.SKIPPED, reason=reason)
        if allowed > now:
            return Verdict(CheckinStatus.PENDING, next_attempt_at=allowed)
        return None

    def night_until(self, plan: SendPlan, moment: datetime) -> datetime | None:
        """When quiet hours that began during the pass end, for a text they apply to."""
        if not plan.night_applies:
            return None
        allowed = next_allowed(moment, plan.tz, self.quiet)
        return allowed if allowed > moment else None
