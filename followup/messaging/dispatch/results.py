"""Recording what became of each check-in of a pass.

Sent (the common case, two statements per chunk), back to the queue (paced,
quiet hours, a provider outage with back-off, our account refused), given up
(the provider refused the number, or it went stale while failing: then the
clinic's one alert says so) or an internal error. Also the pass's counts.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from followup.care.alerts import UNSENT, raise_alert
from followup.care.flags import open_flag
from followup.config import Settings
from followup.db import write_transaction
from followup.messaging.delivery import describe_error
from followup.messaging.dispatch.claims import CLAIMED, checkins
from followup.messaging.dispatch.planning import SendPlan, Verdict
from followup.messaging.outbound import Disposition, Outbound, Outcome, Text, classify
from followup.messaging.sms.base import (
    PermanentSendError,
    SendError,
    SendResult,
    TransientSendError,
)
from followup.models import Checkin, CheckinStatus, FlagLevel, FlagReason, Message, Patient
from followup.patients.consent import opt_out

log = logging.getLogger(__name__)

# How often a check-in is tried again while Twilio refuses our account: soon
# enough that texts resume minutes after someone fixes it.
ACCOUNT_RETRY = timedelta(minutes=5)
# What ``last_error`` adds while the check-in will still be tried (and only then).
WILL_RETRY = ": will retry"
ACCOUNT_WAIT = ": waiting for the account to be fixed"

RECORD_SENT = update(checkins).where(*CLAIMED).values(
    status=CheckinStatus.SENT, sent_at=bindparam("now"), last_error=None, claim_token=None,
    attempts=checkins.c.attempts + 1)
# A plain executemany: psycopg pipelines the rows in one round trip and SQLite
# runs them in-process. (RETURNING would make SQLAlchemy render one multi-row
# INSERT whose hundred-odd parameters psycopg re-parses on every chunk.)
INSERT_SENT = insert(cast(Table, Message.__table__))

# What one send came to: the provider's outcome, or the moment to come back
# (the sender's next slot, or the end of quiet hours that began mid-pass).
SendOutcome = Outcome | datetime


@dataclass
class DispatchSummary:
    sent: int = 0
    deferred: int = 0  # quiet hours
    skipped: int = 0  # stale or opted out
    retrying: int = 0
    failed: int = 0
    reclaimed: int = 0
    paced: int = 0  # back in the queue until the sender's next free slot
    errors: list[str] = field(default_factory=list)

    def line(self, at: datetime) -> str:
        return (f"dispatch at {at.isoformat()}: sent {self.sent}, deferred {self.deferred}, "
                f"skipped {self.skipped}, retrying {self.retrying}, failed {self.failed}")


class Recorder:
    """Writes each outcome onto its check-in (and its Message, flag or alert)."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session], outbound: Outbound,
                 jitter: Callable[[], float] = random.random) -> None:
        self.settings = settings
        self.sessions = sessions
        self.outbound = outbound
        self.jitter = jitter
        self._account_works = False  # a send succeeded this pass (alert cleared)

    def start_pass(self) -> None:
        self._account_works = False

    @staticmethod
    def load(session: Session, ids: list[int], token: str) -> list[Checkin]:
        """The check-ins of ``ids`` this claim still holds, with patient and clinic."""
        return list(session.scalars(
            select(Checkin)
            .where(Checkin.id.in_(ids), Checkin.claim_token == token,
                   Checkin.status == CheckinStatus.SENDING)
            .options(joinedload(Checkin.patient).joinedload(Patient.clinic))
            .order_by(Checkin.id)
        ).unique())

    # -- sent ------------------------------------------------------------------
    def record_accepted(self, session: Session, plans: list[SendPlan],
                        outcomes: dict[int, SendOutcome], token: str, now: datetime,
                        summary: DispatchSummary) -> None:
        """The common case, in two statements for the whole chunk: one UPDATE
        over its ids and one executemany INSERT."""
        if not plans:
            return
        conn = session.connection()
        result = conn.execute(RECORD_SENT, {"ids": [p.checkin_id for p in plans],
                                            "token": token, "now": now})
        if result.rowcount != len(plans):  # a claim was taken over: record none twice
            raise RuntimeError("a claim changed hands while its chunk was being sent")
        row = self.outbound.message_row
        conn.execute(INSERT_SENT, [
            row(p.text, outcome, now, clinic_id=p.clinic_id, patient_id=p.patient_id,
                checkin_id=p.checkin_id, sent_by=p.created_by)
            for p in plans if isinstance(outcome := outcomes[p.checkin_id], SendResult)])
        self._account_accepted(session, now)
        summary.sent += len(plans)
        for p in plans:
            log.info("checkin %s sent to patient %s", p.checkin_id, p.patient_id)

    def _account_accepted(self, session: Session, now: datetime) -> None:
        """Twilio took a text: our account works, so its alert (if any) ends.
        Once per pass: a statement per chunk would cost the hot path a fifth."""
        if not self._account_works:
            self.outbound.account_works(session, now)
            self._account_works = True

    # -- not sent (yet) ----------------------------------------------------------
    def record(self, session: Session, checkin: Checkin, text: Text, outcome: SendOutcome,
               now: datetime, summary: DispatchSummary) -> None:
        """A check-in that was not accepted: back to the queue, or given up."""
        if isinstance(outcome, datetime):
            checkin.status, checkin.next_attempt_at = CheckinStatus.PENDING, outcome
            summary.paced += 1
            return
        disposition = classify(outcome)
        assert isinstance(outcome, SendError), "accepted texts go through record_accepted"
        if disposition is Disposition.ACCOUNT:
            self._account_refused(session, checkin, outcome, now, summary)
        elif disposition is Disposition.RETRY:
            checkin.attempts += 1
            if isinstance(outcome, TransientSendError) and outcome.maybe_sent:
                checkin.possible_duplicate = True  # Twilio may have it: say so on the retry
            self._retry_later(session, checkin, outcome, now, summary)
        else:
            assert isinstance(outcome, PermanentSendError)
            checkin.attempts += 1
            self._give_up(session, checkin, text, outcome, now)
            summary.failed += 1

    def apply_verdict(self, session: Session, checkin: Checkin, verdict: Verdict,
                      summary: DispatchSummary, now: datetime) -> None:
        checkin.status = verdict.status
        if verdict.status == CheckinStatus.PENDING:
            assert verdict.next_attempt_at is not None
            checkin.next_attempt_at = verdict.next_attempt_at
            summary.deferred += 1
            return
        checkin.skip_reason = verdict.reason
        summary.skipped += 1
        log.info("checkin %s %s (%s)", checkin.id, verdict.status, verdict.reason)
        if verdict.reason and verdict.reason.startswith("stale") and checkin.last_error:
            # It went stale because sending kept failing: that is a text not
            # sent, which a person must hear about, not a quiet skip.
            why = checkin.last_error.removesuffix(WILL_RETRY).removesuffix(ACCOUNT_WAIT)
            checkin.last_error = f"not sent in time: {why}"[:255]
            raise_alert(session, clinic_id=checkin.patient.clinic_id, kind=UNSENT, now=now,
                        detail=why)

    def internal_error(self, checkin_id: int, token: str, now: datetime, exc: Exception,
                       summary: DispatchSummary) -> None:
        """Put the check-in back with a back-off and say what broke (no PHI)."""
        log.error("checkin %s: %s while sending", checkin_id, type(exc).__name__)
        summary.errors.append(f"checkin {checkin_id}: {type(exc).__name__}")
        with write_transaction(self.sessions) as session:
            checkin = session.get(Checkin, checkin_id)
            if checkin is None or checkin.claim_token != token:
                return
            checkin.attempts += 1
            checkin.claim_token = None
            checkin.last_error = f"internal error ({type(exc).__name__}): will retry"
            if (checkin.send_started_at is not None and checkin.claimed_at is not None
                    and checkin.send_started_at >= checkin.claimed_at):
                checkin.possible_duplicate = True  # it may have gone out before the error
            if checkin.attempts >= self.settings.max_attempts:
                self._not_sent(session, checkin, f"internal error ({type(exc).__name__}) "
                               f"{checkin.attempts} times", now, summary)
            else:
                checkin.status = CheckinStatus.PENDING
                checkin.next_attempt_at = now + self.backoff(checkin.attempts)
                summary.retrying += 1

    def _retry_later(self, session: Session, checkin: Checkin, exc: SendError,
                     now: datetime, summary: DispatchSummary) -> None:
        """A provider outage: retry with back-off for as long as the text is
        still worth sending (the staleness rule), then tell a person."""
        transient = exc if isinstance(exc, TransientSendError) else None
        if transient is not None and transient.maybe_sent:
            problem = ("Twilio did not answer in time; it may have sent it, so the patient "
                       "may get it twice")
        elif exc.http_status:
            problem = f"Twilio is unavailable (HTTP {exc.http_status})"
        else:
            problem = "Twilio could not be reached"
        retry_at = now + self.backoff(checkin.attempts,
                                      transient.retry_after if transient else None)
        if retry_at > self.send_deadline(checkin):
            self._not_sent(session, checkin, f"{problem} until it was too late", now, summary)
            return
        checkin.last_error = f"{problem}{WILL_RETRY}"[:255]
        checkin.status = CheckinStatus.PENDING
        checkin.next_attempt_at = retry_at
        summary.retrying += 1
        log.info("checkin %s will retry (attempt %d)", checkin.id, checkin.attempts)

    def send_deadline(self, checkin: Checkin) -> datetime:
        """The last moment a check-in is worth sending: ``stale_after_hours``
        after it was due (a nurse's message too, though quiet hours never
        make it stale)."""
        return checkin.due_at + timedelta(hours=self.settings.stale_after_hours)

    def _not_sent(self, session: Session, checkin: Checkin, why: str, now: datetime,
                  summary: DispatchSummary) -> None:
        """Give up on a check-in and count it into the clinic's one alert (not a
        flag per patient: an outage would bury the queue)."""
        checkin.status = CheckinStatus.FAILED
        checkin.last_error = f"not sent: {why}"[:255]
        summary.failed += 1
        raise_alert(session, clinic_id=checkin.patient.clinic_id, kind=UNSENT, now=now,
                    detail=why)
        log.warning("checkin %s not sent after %d attempts", checkin.id, checkin.attempts)

    def _account_refused(self, session: Session, checkin: Checkin, exc: SendError,
                         now: datetime, summary: DispatchSummary) -> None:
        """Twilio refuses our account: not the check-in's fault, so no attempt
        is counted; it waits (until stale) and the clinic is alerted once."""
        why = f"Twilio refused our account (HTTP {exc.http_status}, error {exc.code})"
        self.outbound.account_refused(session, checkin.patient.clinic_id, exc, now)
        retry_at = now + ACCOUNT_RETRY
        if retry_at > self.send_deadline(checkin):
            self._not_sent(session, checkin, why, now, summary)
            return
        checkin.status = CheckinStatus.PENDING
        checkin.next_attempt_at = retry_at
        checkin.last_error = f"{why}{ACCOUNT_WAIT}"
        summary.retrying += 1

    def backoff(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """Exponential with full jitter, never sooner than the provider asked."""
        base = self.settings.retry_base_seconds * (2 ** (attempts - 1))
        delay = min(self.settings.retry_max_seconds, base)
        delay = delay / 2 + delay / 2 * self.jitter()
        if retry_after:
            delay = max(delay, retry_after)
        return timedelta(seconds=delay)

    def _give_up(self, session: Session, checkin: Checkin, text: Text,
                 exc: PermanentSendError, now: datetime) -> None:
        """The provider refused the number: recorded as a failed Message and a
        routine flag, so a nurse finds another way to reach the patient."""
        patient = checkin.patient
        checkin.status = CheckinStatus.FAILED
        checkin.last_error = f"provider refused (error {exc.code})"
        message = self.outbound.record(session, text, exc, now, clinic_id=patient.clinic_id,
                                       patient_id=patient.id, checkin_id=checkin.id)
        if exc.opted_out:
            opt_out(session, patient, now)
        open_flag(session, clinic_id=patient.clinic_id, patient_id=patient.id,
                  level=FlagLevel.ROUTINE, reason=FlagReason.UNDELIVERABLE, now=now,
                  message_id=message.id, checkin_id=checkin.id, detail=describe_error(exc.code))
        log.warning("checkin %s undeliverable (error %s)", checkin.id, exc.code)
