"""Sending what is due: claim rows, apply quiet hours and staleness, send.

The database is the source of truth. A pass claims a batch of due check-ins
atomically (so concurrent dispatchers never send the same one), decides and
renders the whole batch in one read, and sends in small chunks whose outcomes
are committed together. A claim that is never finished (the process died)
expires after a lease and the check-in is looked at again.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Row, and_, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session, joinedload, sessionmaker

from followup.care.alerts import CREDENTIALS, UNSENT, clear_alerts, raise_alert
from followup.care.flags import open_flag
from followup.clock import Clock
from followup.config import Settings
from followup.db import claim_due, write_transaction
from followup.messaging.delivery import describe_error
from followup.messaging.notify import checkin_text
from followup.messaging.pacing import Pacer
from followup.messaging.sms.base import (
    AccountSendError,
    PermanentSendError,
    SendError,
    SendResult,
    SmsBackend,
    TransientSendError,
)
from followup.models import Checkin, Clinic, Infusion, Message, Patient
from followup.patients.consent import opt_out
from followup.patients.schedule import QuietHours, next_allowed

log = logging.getLogger(__name__)


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


# A free-text message from a nurse rides the check-in queue with this kind.
STAFF_KIND = "staff"
# A gentle nudge after silence (see ``followthrough``) rides it with this kind.
REMINDER_KIND = "reminder"
# Waiting for a paced slot inside a pass is worth it only if it is this close.
MAX_PACE_WAIT_SECONDS = 1.0


# How often a check-in is tried again while Twilio refuses our account: soon
# enough that texts resume minutes after someone fixes it.
ACCOUNT_RETRY = timedelta(minutes=5)
# What ``last_error`` adds while the check-in will still be tried (and only then).
WILL_RETRY = ": will retry"
ACCOUNT_WAIT = ": waiting for the account to be fixed"

# Texts sent between two commits: the most a crash can leave unrecorded.
SEND_CHUNK = 10

_checkins = Checkin.__table__
_held = (_checkins.c.claim_token == bindparam("token"), _checkins.c.status == "sending")
_claimed = (_checkins.c.id.in_(bindparam("ids", expanding=True)), *_held)
# Built once: a chunk's bookkeeping runs thousands of times a minute at peak.
MARK_STARTED = update(_checkins).where(*_claimed).values(send_started_at=bindparam("at"))
RECORD_SENT = update(_checkins).where(*_claimed).values(
    status="sent", sent_at=bindparam("now"), last_error=None, claim_token=None,
    attempts=_checkins.c.attempts + 1)
# What deciding and rendering a claimed check-in need, one row each: plain rows,
# not ORM objects with their identity map, cost a batch of 200 about a tenth.
_patients, _clinics = Patient.__table__, Clinic.__table__
LOAD_DUE = (
    select(_checkins.c.id, _checkins.c.kind, _checkins.c.template, _checkins.c.body,
           _checkins.c.due_at, _checkins.c.reminder_for_id, _checkins.c.created_by,
           _checkins.c.last_error,
           _patients.c.id.label("patient_id"), _patients.c.phone.label("to"),
           _patients.c.first_name, _patients.c.language, _patients.c.timezone,
           _patients.c.opted_out_at, _patients.c.paused_at,
           _clinics.c.id.label("clinic_id"), _clinics.c.name, _clinics.c.phone,
           _clinics.c.emergency_number, _clinics.c.sms_number,
           _clinics.c.show_product_in_texts, Infusion.__table__.c.product)
    .join(_patients, _patients.c.id == _checkins.c.patient_id)
    .join(_clinics, _clinics.c.id == _patients.c.clinic_id)
    .join(Infusion.__table__, Infusion.__table__.c.id == _checkins.c.infusion_id)
    .where(*_held)  # the whole batch holds the token: no list of ids to send
    .order_by(_checkins.c.id)
)
# A plain executemany: psycopg pipelines the rows in one round trip and SQLite
# runs them in-process. (RETURNING would make SQLAlchemy render one multi-row
# INSERT whose hundred-odd parameters psycopg re-parses on every chunk.)
INSERT_SENT = insert(Message.__table__)
# Push a live claim's lease on; matches nothing once it ran out or changed hands.
RENEW_LEASE = update(_checkins).where(
    *_held, _checkins.c.lease_expires_at > bindparam("at")
).values(lease_expires_at=bindparam("until"))
# Give back, unsent, what is left of a claim this dispatcher stops working.
RELEASE_UNSENT = update(_checkins).where(*_claimed).values(
    status="pending", claim_token=None, send_started_at=None, lease_expires_at=None,
    next_attempt_at=bindparam("at"))


@dataclass(frozen=True)
class SendPlan:
    """One text to send, decided and rendered before any provider call."""

    checkin_id: int
    body: str
    to: str
    from_: str | None
    night_applies: bool  # a nurse's message ignores quiet hours
    tz: ZoneInfo
    patient_id: int
    clinic_id: int
    created_by: str | None


class DueCheckin(Protocol):
    """A claimed check-in as ``_decide`` sees it: a ``LOAD_DUE`` row."""

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

    status: str
    reason: str | None = None
    next_attempt_at: datetime | None = None


def replied_since(session: Session, patient_id: int, since: datetime) -> bool:
    """Whether the patient has texted us at all since ``since``.

    Any reply closes the loop: a patient who answers the day-2 check-in has
    not gone silent on day 1, even though the reply marks only the latest."""
    found = session.scalar(
        select(Message.id).where(Message.patient_id == patient_id, Message.direction == "in",
                                 Message.created_at >= since).limit(1))
    return found is not None


class Dispatcher:
    def __init__(
        self,
        *,
        settings: Settings,
        sessions: sessionmaker[Session],
        sms: SmsBackend,
        clock: Clock,
        jitter: Callable[[], float] = random.random,
        pacer: Pacer | None | Literal["auto"] = "auto",
        sleep: Callable[[float], None] = time.sleep,
        max_pace_wait: float = MAX_PACE_WAIT_SECONDS,
    ) -> None:
        self.settings = settings
        self.sessions = sessions
        self.sms = sms
        self.clock = clock
        self.jitter = jitter
        self.quiet = QuietHours(settings.quiet_start, settings.quiet_end)
        # Rate limits are the provider's: a backend that sends nothing needs no pacing.
        if pacer == "auto":
            pacer = (Pacer(sessions, settings.rate_limit)
                     if getattr(sms, "name", "") == "twilio" else None)
        self.pacer = pacer
        self.sleep = sleep
        self.max_pace_wait = max_pace_wait
        self._lease = timedelta(seconds=settings.claim_lease_seconds)
        # Renew a lease this long before it runs out: half the lease, and never
        # less than one provider call can take, so no send outlives the lease.
        self._renew_margin = max(self._lease / 2,
                                 timedelta(seconds=settings.twilio.timeout_seconds))
        self._lease_until: datetime | None = None
        # Once Twilio refuses our account in a pass, every other send of the
        # pass would be refused too: they wait without hammering the API.
        self._refused: AccountSendError | None = None
        self._account_works = False  # a send succeeded this pass (alert cleared)

    # -- one pass ---------------------------------------------------------
    def run_once(
        self, as_of: datetime | None = None, *, max_batches: int = 1000
    ) -> DispatchSummary:
        """Send everything due at ``as_of`` (default: the clock's now)."""
        now = as_of or self.clock.now()
        self._started = self.clock.now()
        self._refused = None
        self._account_works = False
        summary = DispatchSummary()
        summary.reclaimed = self._expire_claims(now)
        for _ in range(max_batches):
            token, ids = self._claim(now)
            if not ids:
                break
            self._handle_batch(token, now, summary)
        return summary

    def _expire_claims(self, now: datetime) -> int:
        cutoff = now - timedelta(seconds=self.settings.claim_lease_seconds)
        with write_transaction(self.sessions) as session:
            expired = (Checkin.status == "sending", or_(
                Checkin.lease_expires_at < now,
                and_(Checkin.lease_expires_at.is_(None), Checkin.claimed_at < cutoff)))
            # The provider may have accepted these before the dispatcher died.
            risky = session.execute(
                update(Checkin)
                .where(*expired, Checkin.send_started_at.is_not(None),
                       Checkin.send_started_at >= Checkin.claimed_at)
                .values(status="pending", claim_token=None, possible_duplicate=True,
                        last_error="the dispatcher stopped after the send began: "
                                   "the patient may get this text twice")
            ).rowcount or 0
            result = session.execute(
                update(Checkin)
                .where(*expired)
                .values(status="pending", claim_token=None,
                        last_error="claim expired: the dispatcher stopped before sending")
            )
            if risky:
                log.warning("%d re-queued check-ins may already have been sent", risky)
            count = risky + (result.rowcount or 0)
        if count:
            log.warning("re-queued %d check-ins whose dispatcher stopped mid-send", count)
        return count

    def _claim(self, now: datetime) -> tuple[str, list[int]]:
        """Atomically take up to a batch of due check-ins for this pass.

        One statement: the update picks its rows with a subquery (on
        PostgreSQL locking them and skipping rows another dispatcher holds)
        and returns the ids it took."""
        token = uuid.uuid4().hex
        # The lease runs from the present of the pass, which for a long pass
        # (or ``dispatch --as-of``) is later than its instant ``now``.
        self._lease_until = self._moment(now) + self._lease
        with write_transaction(self.sessions) as session:
            ids = claim_due(session, _checkins, now=now, token=token,
                            limit=self.settings.batch_size,
                            lease_expires_at=self._lease_until)
        return token, ids

    # -- a claimed batch ---------------------------------------------------
    # No database lock is held while the provider is called: read and decide
    # for the whole batch, then send in chunks, each chunk marked as started
    # (committed) before its first send and its outcomes recorded in one
    # transaction after its last. A crash inside a chunk re-queues the chunk's
    # unfinished check-ins as possible duplicates (see _expire_claims).
    def _handle_batch(self, token: str, now: datetime, summary: DispatchSummary) -> None:
        plans, verdicts = self._plan(token, now, summary)
        if verdicts:
            with write_transaction(self.sessions) as session:
                for checkin in self._load(session, list(verdicts), token):
                    checkin.claim_token = None
                    self._apply_verdict(session, checkin, verdicts[checkin.id], summary, now)
        chunks = [plans[i:i + SEND_CHUNK] for i in range(0, len(plans), SEND_CHUNK)]
        marked = False
        for index, chunk in enumerate(chunks):
            following = chunks[index + 1] if index + 1 < len(chunks) else []
            try:
                if not marked:
                    with write_transaction(self.sessions) as session:
                        self._mark_started(session, chunk, token, now)
                if not self._send_chunk(chunk, following, token, now, summary):
                    # The lease ran out: the rest of the batch is given back unsent.
                    rest = [p.checkin_id for c in chunks[index + 2:] for p in c]
                    self._release(rest, token, now)
                    return
                marked = True
            except Exception as exc:  # the chunk goes back to the queue, not the batch
                marked = False
                for plan in chunk:
                    self._internal_error(plan.checkin_id, token, now, exc, summary)

    def _load(self, session: Session, ids: list[int], token: str) -> list[Checkin]:
        return list(session.scalars(
            select(Checkin)
            .where(Checkin.id.in_(ids), Checkin.claim_token == token,
                   Checkin.status == "sending")
            .options(joinedload(Checkin.patient).joinedload(Patient.clinic))
            .order_by(Checkin.id)
        ).unique())

    def _plan(self, token: str, now: datetime, summary: DispatchSummary
              ) -> tuple[list[SendPlan], dict[int, Verdict]]:
        plans: list[SendPlan] = []
        verdicts: dict[int, Verdict] = {}
        broken: list[tuple[int, Exception]] = []
        with self.sessions() as session:
            # Fetched whole first: deciding a reminder runs queries of its own.
            rows: list[Row[Any]] = list(session.connection().execute(LOAD_DUE, {"token": token}))
            for due in rows:
                try:
                    verdict = self._decide(session, due, now)
                    if verdict is not None:
                        verdicts[due.id] = verdict
                        continue
                    body = due.body or checkin_text(due, due, due.product, due.template,
                                                    due.kind)
                    plans.append(SendPlan(due.id, body, due.to, due.sms_number,
                                          due.kind != STAFF_KIND, ZoneInfo(due.timezone),
                                          due.patient_id, due.clinic_id, due.created_by))
                except Exception as exc:  # one bad check-in must not stall the rest
                    broken.append((due.id, exc))
        for checkin_id, exc in broken:
            self._internal_error(checkin_id, token, now, exc, summary)
        return plans, verdicts

    def _mark_started(self, session: Session, chunk: list[SendPlan], token: str,
                      now: datetime) -> None:
        """Record that these are about to be sent (see _expire_claims)."""
        if chunk:
            session.connection().execute(MARK_STARTED, {
                "ids": [p.checkin_id for p in chunk], "token": token, "at": self._moment(now)})

    def _send_chunk(self, chunk: list[SendPlan], following: list[SendPlan], token: str,
                    now: datetime, summary: DispatchSummary) -> bool:
        """Send a chunk already marked as started; record it and mark the next
        chunk in one transaction (one commit per chunk).

        Returns False when the claim's lease ran out before the chunk was
        through: what was not sent is given back (the following chunk too)."""
        outcomes: dict[int, SendResult | SendError | datetime] = {}
        released: list[int] = []
        for plan in chunk:
            if released or not self._hold_lease(token, now):
                released.append(plan.checkin_id)
                continue
            outcomes[plan.checkin_id] = self._send_one(plan, now)
        accepted = [p for p in chunk if isinstance(outcomes.get(p.checkin_id), SendResult)]
        others = {p.checkin_id: p.body for p in chunk
                  if p not in accepted and p.checkin_id in outcomes}
        with write_transaction(self.sessions) as session:
            self._record_accepted(session, accepted, outcomes, token, now, summary)
            for checkin in self._load(session, list(others), token) if others else ():
                checkin.claim_token = None
                self._record(session, checkin, others[checkin.id], outcomes[checkin.id], now,
                             summary)
            if released:
                self._release_in(session, released + [p.checkin_id for p in following],
                                 token, now)
            else:
                self._mark_started(session, following, token, now)
        if released:
            log.warning("claim lease ran out: %d check-ins given back unsent", len(released))
        return not released

    # -- the claim's lease -------------------------------------------------
    def _hold_lease(self, token: str, now: datetime) -> bool:
        """Whether this dispatcher may still send for its claim; renews the
        lease when it runs low. False once it has run out: another dispatcher
        may already have taken the claim over, and a send now could be a
        second copy of the same text."""
        assert self._lease_until is not None
        moment = self._moment(now)
        if self._lease_until - moment > self._renew_margin:
            return True
        if moment >= self._lease_until:
            return False
        until = moment + self._lease
        with write_transaction(self.sessions) as session:
            renewed = session.connection().execute(
                RENEW_LEASE, {"token": token, "at": moment, "until": until}).rowcount
        if not renewed:
            return False
        self._lease_until = until
        return True

    def _release(self, ids: list[int], token: str, now: datetime) -> None:
        if ids:
            with write_transaction(self.sessions) as session:
                self._release_in(session, ids, token, now)

    def _release_in(self, session: Session, ids: list[int], token: str, now: datetime) -> None:
        """Give back unsent check-ins still held by this claim (none once it changed hands)."""
        session.connection().execute(RELEASE_UNSENT, {"ids": ids, "token": token,
                                                      "at": self._moment(now)})

    def _record_accepted(self, session: Session, plans: list[SendPlan],
                         outcomes: dict[int, SendResult | SendError | datetime], token: str,
                         now: datetime, summary: DispatchSummary) -> None:
        """The common case, in two statements for the whole chunk: one UPDATE
        over its ids and one multi-row INSERT."""
        if not plans:
            return
        conn = session.connection()
        result = conn.execute(RECORD_SENT, {"ids": [p.checkin_id for p in plans], "token": token,
                                            "now": now})
        if result.rowcount != len(plans):  # a claim was taken over: record none twice
            raise RuntimeError("a claim changed hands while its chunk was being sent")
        conn.execute(INSERT_SENT, [{
            "clinic_id": p.clinic_id, "patient_id": p.patient_id, "checkin_id": p.checkin_id,
            "direction": "out", "body": p.body, "from_number": p.from_, "to_number": p.to,
            "provider_sid": outcome.sid, "status": outcome.status, "sent_by": p.created_by,
            "created_at": now,
        } for p in plans if isinstance(outcome := outcomes[p.checkin_id], SendResult)])
        self._account_accepted(session, now)
        summary.sent += len(plans)
        for p in plans:
            log.info("checkin %s sent to patient %s", p.checkin_id, p.patient_id)

    def _send_one(self, plan: SendPlan, now: datetime) -> SendResult | SendError | datetime:
        """Send one text, or the moment to come back (pacing, quiet hours)."""
        sender = self.sender_key(plan.from_)
        paced_until = self._pace(sender, now)
        if paced_until is None and plan.night_applies:
            # A wait for the slot must not carry a text over into quiet hours.
            moment = self._moment(now)
            allowed = next_allowed(moment, plan.tz, self.quiet)
            if allowed > moment:
                paced_until = allowed
        if paced_until is not None:
            return paced_until
        if self._refused is not None:
            return self._refused
        try:
            return self.sms.send(to=plan.to, body=plan.body, from_=plan.from_,
                                 status_callback=self.settings.public_url + "/twilio/status")
        except AccountSendError as exc:
            self._refused = exc
            return exc
        except SendError as exc:
            if exc.http_status == 429 and self.pacer is not None:
                # The provider says the sender is over its rate: everyone from it waits.
                retry_after = getattr(exc, "retry_after", None) or 0.0
                pause = max(retry_after, 1.0)
                self.pacer.push_back(sender, self._moment(now) + timedelta(seconds=pause))
            return exc

    def _record(self, session: Session, checkin: Checkin, body: str,
                outcome: SendResult | SendError | datetime, now: datetime,
                summary: DispatchSummary) -> None:
        if isinstance(outcome, datetime):
            checkin.status, checkin.next_attempt_at = "pending", outcome
            summary.paced += 1
        elif isinstance(outcome, SendResult):
            self._sent(session, checkin, body, outcome, now, summary)
        elif isinstance(outcome, AccountSendError):
            self._account_refused(session, checkin, outcome, now, summary)
        elif isinstance(outcome, TransientSendError):
            checkin.attempts += 1
            if outcome.maybe_sent:
                checkin.possible_duplicate = True  # Twilio may have it: say so on the retry
            self._retry_later(session, checkin, outcome, now, summary)
        elif isinstance(outcome, PermanentSendError):
            checkin.attempts += 1
            self._give_up(session, checkin, body, outcome, now)
            summary.failed += 1

    def _internal_error(self, checkin_id: int, token: str, now: datetime, exc: Exception,
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
                checkin.status = "pending"
                checkin.next_attempt_at = now + self.backoff(checkin.attempts)
                summary.retrying += 1

    def sender_key(self, from_number: str | None) -> str:
        """Which sender a text is paced under: the number it goes out from."""
        twilio = self.settings.twilio
        return from_number or twilio.from_number or twilio.messaging_service_sid or "default"

    def _moment(self, now: datetime) -> datetime:
        """The present within a pass: its instant plus the time the pass has taken.

        A long pass moves on (pacing, quiet hours) from the instant it began,
        also when that instant is not the wall clock's (``dispatch --as-of``)."""
        started = getattr(self, "_started", None) or self.clock.now()
        return now + max(timedelta(0), self.clock.now() - started)

    def _pace(self, sender: str, now: datetime) -> datetime | None:
        """Wait for the sender's slot if it is close; else the time to come back.

        Never waits so long that the pass could outlive its claims' lease:
        another dispatcher would take them up and send them twice."""
        if self.pacer is None:
            return None
        moment = self._moment(now)
        budget = self.settings.claim_lease_seconds / 2 - (moment - now).total_seconds()
        max_wait = timedelta(seconds=max(0.0, min(self.max_pace_wait, budget)))
        slot = self.pacer.acquire(sender, moment, max_wait=max_wait)
        if not slot.granted:
            return slot.at
        wait = (slot.at - moment).total_seconds()
        if wait > 0:
            self.sleep(wait)
        return None

    def _decide(self, session: Session, checkin: DueCheckin, now: datetime) -> Verdict | None:
        """Why not to send now, or None to send."""
        if checkin.opted_out_at is not None:
            return Verdict("cancelled", reason="opted_out")
        if checkin.kind == STAFF_KIND:
            return None  # a nurse chose to send it now: no quiet hours, never stale
        if checkin.paused_at is not None:
            return Verdict("skipped", reason="paused by staff")
        if checkin.kind == REMINDER_KIND and checkin.reminder_for_id is not None:
            # A reminder held back by the night must not nag someone who has answered.
            original = session.get(Checkin, checkin.reminder_for_id)
            if original is not None and (
                original.answered_at is not None
                or (original.sent_at is not None
                    and replied_since(session, checkin.patient_id, original.sent_at))):
                return Verdict("skipped", reason="answered before the reminder went out")
        stale_after = timedelta(hours=self.settings.stale_after_hours)
        allowed = next_allowed(now, ZoneInfo(checkin.timezone), self.quiet)
        hours = f"{self.settings.stale_after_hours:g} h"
        if allowed - checkin.due_at > stale_after:
            reason = (f"stale: quiet hours would make it more than {hours} late"
                      if allowed > now else f"stale: more than {hours} late")
            return Verdict("skipped", reason=reason)
        if allowed > now:
            return Verdict("pending", next_attempt_at=allowed)
        return None

    def _apply_verdict(self, session: Session, checkin: Checkin, verdict: Verdict,
                       summary: DispatchSummary, now: datetime) -> None:
        checkin.status = verdict.status
        if verdict.status == "pending":
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

    def _sent(self, session: Session, checkin: Checkin, body: str, result: SendResult,
              now: datetime, summary: DispatchSummary) -> None:
        patient = checkin.patient
        session.add(Message(
            clinic_id=patient.clinic_id, patient_id=patient.id, checkin_id=checkin.id,
            direction="out", body=body, from_number=patient.clinic.sms_number,
            to_number=patient.phone, provider_sid=result.sid, status=result.status,
            sent_by=checkin.created_by, created_at=now,
        ))
        checkin.attempts += 1
        checkin.status, checkin.sent_at, checkin.last_error = "sent", now, None
        self._account_accepted(session, now)
        summary.sent += 1
        log.info("checkin %s sent to patient %s (sid %s)", checkin.id, patient.id, result.sid)

    def _retry_later(self, session: Session, checkin: Checkin, exc: TransientSendError,
                     now: datetime, summary: DispatchSummary) -> None:
        """A provider outage: retry with back-off for as long as the text is
        still worth sending (the staleness rule), then tell a person."""
        if exc.maybe_sent:
            problem = ("Twilio did not answer in time; it may have sent it, so the patient "
                       "may get it twice")
        elif exc.http_status:
            problem = f"Twilio is unavailable (HTTP {exc.http_status})"
        else:
            problem = "Twilio could not be reached"
        retry_at = now + self.backoff(checkin.attempts, exc.retry_after)
        if retry_at > self.send_deadline(checkin):
            self._not_sent(session, checkin, f"{problem} until it was too late", now, summary)
            return
        checkin.last_error = f"{problem}{WILL_RETRY}"[:255]
        checkin.status = "pending"
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
        checkin.status = "failed"
        checkin.last_error = f"not sent: {why}"[:255]
        summary.failed += 1
        raise_alert(session, clinic_id=checkin.patient.clinic_id, kind=UNSENT, now=now,
                    detail=why)
        log.warning("checkin %s not sent after %d attempts", checkin.id, checkin.attempts)

    def _account_accepted(self, session: Session, now: datetime) -> None:
        """Twilio took a text: our account works, so its alert (if any) ends.
        Once per pass: a statement per chunk would cost the hot path a fifth."""
        if not self._account_works:
            clear_alerts(session, kind=CREDENTIALS, now=now)
            self._account_works = True

    def _account_refused(self, session: Session, checkin: Checkin, exc: AccountSendError,
                         now: datetime, summary: DispatchSummary) -> None:
        """Twilio refuses our account: not the check-in's fault, so no attempt
        is counted; it waits (until stale) and the clinic is alerted once."""
        why = f"Twilio refused our account (HTTP {exc.http_status}, error {exc.code})"
        raise_alert(session, clinic_id=checkin.patient.clinic_id, kind=CREDENTIALS, now=now,
                    detail=f"HTTP {exc.http_status}, error {exc.code}")
        retry_at = now + ACCOUNT_RETRY
        if retry_at > self.send_deadline(checkin):
            self._not_sent(session, checkin, why, now, summary)
            return
        checkin.status = "pending"
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

    def _give_up(self, session: Session, checkin: Checkin, body: str, exc: PermanentSendError,
                 now: datetime) -> None:
        patient, clinic = checkin.patient, checkin.patient.clinic
        checkin.status = "failed"
        checkin.last_error = f"provider refused (error {exc.code})"
        message = Message(
            clinic_id=clinic.id, patient_id=patient.id, checkin_id=checkin.id, direction="out",
            body=body, from_number=clinic.sms_number, to_number=patient.phone,
            status="failed", error_code=exc.code, created_at=now,
        )
        session.add(message)
        session.flush()
        if exc.opted_out:
            opt_out(session, patient, now)
        open_flag(session, clinic_id=clinic.id, patient_id=patient.id, level="routine",
                  reason="undeliverable", now=now, message_id=message.id,
                  checkin_id=checkin.id, detail=describe_error(exc.code))
        log.warning("checkin %s undeliverable (error %s)", checkin.id, exc.code)

