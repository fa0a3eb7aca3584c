"""Follow-through on silence: one gentle reminder, then a flag for a nurse.

A patient who stops answering on day 3 may be the one whose kidneys are
failing, so silence is itself a finding. Each pass looks at check-ins that
went out and got no reply:

1. after ``reminder_after_waking_hours`` waking hours (time outside the
   patient's quiet hours: a text sent at 20:30 has not been "ignored for 4
   hours" at 08:00) one reminder is queued as a check-in of kind
   ``reminder``, so it rides the dispatcher with its quiet hours, pacing and
   retries;
2. if there is still no reply by the end of the ``flag_after_waking_days``-th
   waking day after the reminder, a routine ``no_response`` flag is opened.

The clots-and-kidneys check-ins (``late_kinds``) do both sooner, counted in
waking hours. Any text from the patient since the check-in went out closes
the loop, not only one that conversation.py tied to this check-in. Nothing is
done for staff messages, reminders themselves, paused or opted-out patients,
texts the carrier could not deliver (those already have an ``undeliverable``
flag) or check-ins a newer check-in has already asked again (no reminder; the
newer one carries its own follow-through). One open ``no_response`` flag per
patient: further silences are added to its history instead of a new flag.

Both steps are claimed with a conditional UPDATE on the check-in
(``reminded_at IS NULL`` / ``no_response_flagged_at IS NULL``), so two
workers running the pass at once never remind or flag twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased, sessionmaker

from followup.care.flags import open_flag, record_event
from followup.clock import Clock
from followup.config import Settings
from followup.db import rows_changed, write_transaction
from followup.messaging.delivery import UNDELIVERABLE
from followup.messaging.dispatch import replied_since
from followup.models import (
    Checkin,
    CheckinKind,
    CheckinStatus,
    Flag,
    FlagAction,
    FlagLevel,
    FlagReason,
    FlagStatus,
    Message,
    Patient,
)
from followup.patients.schedule import QuietHours, local_moment, next_allowed

log = logging.getLogger(__name__)

REMINDER_TEMPLATE = "reminder"
# Check-ins older than this are history, not silence (e.g. when the feature is
# switched on over an existing database): no reminder, no flag.
HORIZON = timedelta(days=8)
_MAX_DAYS_SCANNED = 400  # a bound on the waking-time walk, whatever the settings


def waking_after(start: datetime, hours: float, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """The instant ``hours`` of waking time (outside quiet hours) after ``start``.

    Walks from one quiet period to the next in the patient's zone, so a DST
    change or quiet hours that do not cross midnight come out right."""
    remaining = timedelta(hours=hours)
    if quiet.start == quiet.end:
        return start + remaining
    cursor = next_allowed(start, tz, quiet)
    for _ in range(_MAX_DAYS_SCANNED):
        quiet_begins = _next_quiet_start(cursor, tz, quiet)
        window = quiet_begins - cursor
        if remaining <= window:
            return cursor + remaining
        remaining -= window
        cursor = next_allowed(quiet_begins, tz, quiet)
    raise ValueError("waking time walk did not end")  # pragma: no cover


def end_of_waking_day(start: datetime, days: int, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    """When quiet hours begin on the ``days``-th local day after ``start``'s waking day.

    ``start`` is first moved out of quiet hours, so a reminder queued at 02:00
    counts from the morning it actually goes out."""
    awake = next_allowed(start, tz, quiet).astimezone(tz)
    day: date = awake.date() + timedelta(days=days)
    if quiet.start == quiet.end:
        return local_moment(day + timedelta(days=1), time(0, 0), tz)
    return _next_quiet_start(local_moment(day, time(0, 0), tz), tz, quiet)


def _next_quiet_start(instant: datetime, tz: ZoneInfo, quiet: QuietHours) -> datetime:
    local_day = instant.astimezone(tz).date()
    for offset in range(3):
        candidate = local_moment(local_day + timedelta(days=offset), quiet.start, tz)
        if candidate > instant:
            return candidate
    raise ValueError("no quiet start within two days")  # pragma: no cover


@dataclass
class FollowThroughSummary:
    reminders: int = 0
    flagged: int = 0


class FollowThrough:
    """One pass of the non-responder rules; safe to run from several workers."""

    def __init__(self, *, settings: Settings, sessions: sessionmaker[Session],
                 clock: Clock) -> None:
        self.settings = settings
        self.rules = settings.followthrough
        self.sessions = sessions
        self.clock = clock
        self.quiet = QuietHours(settings.quiet_start, settings.quiet_end)

    def run_once(self, as_of: datetime | None = None) -> FollowThroughSummary:
        now = as_of or self.clock.now()
        summary = FollowThroughSummary()
        for checkin_id in self._candidates(now):
            with write_transaction(self.sessions) as session:
                outcome = self._consider(session, checkin_id, now)
            if outcome == "reminded":
                summary.reminders += 1
            elif outcome == "flagged":
                summary.flagged += 1
        return summary

    def _candidates(self, now: datetime) -> list[int]:
        """Sent, unanswered, not yet flagged check-ins of active patients (ids only)."""
        undelivered = aliased(Message)
        with self.sessions() as session:
            return list(session.scalars(
                select(Checkin.id)
                .join(Patient, Patient.id == Checkin.patient_id)
                .where(
                    Checkin.status == CheckinStatus.SENT,
                    Checkin.answered_at.is_(None),
                    Checkin.no_response_flagged_at.is_(None),
                    Checkin.kind.not_in(tuple(CheckinKind)),
                    Checkin.reminder_for_id.is_(None),
                    Checkin.sent_at.is_not(None),
                    Checkin.sent_at >= now - HORIZON,
                    Patient.opted_out_at.is_(None),
                    Patient.paused_at.is_(None),
                    ~exists().where(undelivered.checkin_id == Checkin.id,
                                    undelivered.status.in_(UNDELIVERABLE)),
                )
                .order_by(Checkin.sent_at, Checkin.id)
            ))

    def _consider(self, session: Session, checkin_id: int, now: datetime) -> str | None:
        checkin = session.get(Checkin, checkin_id)
        if checkin is None or checkin.sent_at is None or checkin.answered_at is not None:
            return None
        patient = checkin.patient
        if patient.opted_out_at is not None or patient.paused_at is not None:
            return None
        if replied_since(session, patient.id, checkin.sent_at):
            return None
        tz = ZoneInfo(patient.timezone)
        late = checkin.kind in self.rules.late_kinds
        if checkin.reminded_at is None:
            if self._superseded(session, checkin):
                return None
            hours = (self.rules.late_reminder_after_waking_hours if late
                     else self.rules.reminder_after_waking_hours)
            if waking_after(checkin.sent_at, hours, tz, self.quiet) > now:
                return None
            return "reminded" if self._remind(session, checkin, now) else None
        if self._flag_due(session, checkin, tz, late) > now:
            return None
        return "flagged" if self._flag(session, checkin, now) else None

    def _superseded(self, session: Session, checkin: Checkin) -> bool:
        """A newer check-in already went out: it asks again, so no reminder for this one."""
        assert checkin.sent_at is not None
        newer = session.scalar(
            select(Checkin.id).where(
                Checkin.patient_id == checkin.patient_id, Checkin.id != checkin.id,
                Checkin.status == CheckinStatus.SENT, Checkin.kind.not_in(tuple(CheckinKind)),
                Checkin.sent_at > checkin.sent_at,
            ).limit(1))
        return newer is not None

    def _remind(self, session: Session, checkin: Checkin, now: datetime) -> bool:
        if not _mark_once(session, checkin, Checkin.reminded_at, now):
            return False  # another worker got there first
        session.add(Checkin(
            patient_id=checkin.patient_id, infusion_id=checkin.infusion_id,
            kind=CheckinKind.REMINDER, template=REMINDER_TEMPLATE, reminder_for_id=checkin.id,
            due_at=now, next_attempt_at=now, status=CheckinStatus.PENDING, attempts=0,
            created_by="system", created_at=now,
        ))
        log.info("checkin %s unanswered: reminder queued for patient %s",
                 checkin.id, checkin.patient_id)
        return True

    def _flag_due(self, session: Session, checkin: Checkin, tz: ZoneInfo, late: bool) -> datetime:
        """The end of the window after the reminder (from when it went out, if it did)."""
        assert checkin.reminded_at is not None
        reminder_sent = session.scalar(
            select(Checkin.sent_at).where(Checkin.reminder_for_id == checkin.id,
                                          Checkin.sent_at.is_not(None))
            .order_by(Checkin.sent_at).limit(1))
        base = reminder_sent or checkin.reminded_at
        if late:
            return waking_after(base, self.rules.late_flag_after_waking_hours, tz, self.quiet)
        return end_of_waking_day(base, self.rules.flag_after_waking_days, tz, self.quiet)

    def _flag(self, session: Session, checkin: Checkin, now: datetime) -> bool:
        if not _mark_once(session, checkin, Checkin.no_response_flagged_at, now):
            return False  # another worker got there first
        patient = checkin.patient
        detail = f"no reply to the {checkin.kind} check-in or its reminder"
        existing = session.scalar(
            select(Flag).where(Flag.patient_id == patient.id, Flag.reason == FlagReason.NO_RESPONSE,
                               Flag.status != FlagStatus.RESOLVED)
            .order_by(Flag.created_at.desc(), Flag.id.desc()).limit(1))
        if existing is not None:
            record_event(session, existing, actor="system", action=FlagAction.NOTED, now=now,
                         detail=f"still silent: {detail}")
            log.info("checkin %s unanswered: added to flag %s", checkin.id, existing.id)
            return True
        flag_id = open_flag(session, clinic_id=patient.clinic_id, patient_id=patient.id,
                            level=FlagLevel.ROUTINE, reason=FlagReason.NO_RESPONSE, now=now,
                            checkin_id=checkin.id, detail=detail)
        log.info("checkin %s unanswered: flag %s for patient %s", checkin.id, flag_id, patient.id)
        return True


def _mark_once(session: Session, checkin: Checkin, marker: InstrumentedAttribute[datetime | None],
               now: datetime) -> bool:
    """Set a once-only marker column (reminded, flagged) if no worker has yet: the
    conditional UPDATE is the claim, so two workers never remind or flag twice."""
    claimed = rows_changed(session.execute(
        update(Checkin)
        .where(Checkin.id == checkin.id, marker.is_(None))
        .values({marker: now})
        .execution_options(synchronize_session=False)
    ))
    if claimed != 1:
        return False
    session.refresh(checkin)
    return True
