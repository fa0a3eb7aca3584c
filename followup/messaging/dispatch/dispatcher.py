"""One dispatch pass: claim, decide, send in chunks, record.

The parts are in their own modules: ``claims`` (atomic claims and their
lease), ``planning`` (quiet hours, staleness, opt-out: what goes now),
``results`` (what became of each check-in) and ``messaging.outbound`` (the
sender's pace, the provider call, the Message row). This module only
orders them.

No database lock is held while the provider is called: read and decide for
the whole batch, then send in chunks, each chunk marked as started
(committed) before its first send and its outcomes recorded in one
transaction after its last. A crash inside a chunk re-queues the chunk's
unfinished check-ins as possible duplicates (see ``Claims.expire``).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from followup.clock import Clock
from followup.config import Settings
from followup.db import write_transaction
from followup.messaging.dispatch.claims import Claims
from followup.messaging.dispatch.planning import Planner, SendPlan
from followup.messaging.dispatch.results import DispatchSummary, Recorder, SendOutcome
from followup.messaging.outbound import Outbound
from followup.messaging.sms.base import AccountSendError, SendResult

log = logging.getLogger(__name__)

# Texts sent between two commits: the most a crash can leave unrecorded.
SEND_CHUNK = 10


class Dispatcher:
    """Sends every due check-in, reminder and nurse's text; safe with several at once."""

    def __init__(
        self,
        *,
        settings: Settings,
        sessions: sessionmaker[Session],
        clock: Clock,
        outbound: Outbound,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        """``outbound`` is the one way out (``Services.outbound``): the dispatcher never
        holds an SMS backend of its own, so it cannot pace or record apart from it."""
        self.settings = settings
        self.sessions = sessions
        self.clock = clock
        self.outbound = outbound
        self.claims = Claims(settings, sessions)
        self.planner = Planner(settings)
        self.recorder = Recorder(settings, sessions, self.outbound, jitter)
        self._started: datetime | None = None
        # Once Twilio refuses our account in a pass, every other send of the
        # pass would be refused too: they wait without hammering the API.
        self._refused: AccountSendError | None = None

    def backoff(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """Exponential with full jitter, never sooner than the provider asked."""
        return self.recorder.backoff(attempts, retry_after)

    # -- one pass ---------------------------------------------------------
    def run_once(
        self, as_of: datetime | None = None, *, max_batches: int = 1000
    ) -> DispatchSummary:
        """Send everything due at ``as_of`` (default: the clock's now)."""
        now = as_of or self.clock.now()
        self._started = self.clock.now()
        self._refused = None
        self.recorder.start_pass()
        summary = DispatchSummary()
        summary.reclaimed = self.claims.expire(now)
        for _ in range(max_batches):
            token, ids = self.claims.claim(now, self.moment(now))
            if not ids:
                break
            self._handle_batch(token, now, summary)
        return summary

    def moment(self, now: datetime) -> datetime:
        """The present within a pass: its instant plus the time the pass has taken.

        A long pass moves on (pacing, quiet hours, the lease) from the instant
        it began, also when that instant is not the wall clock's (``dispatch --as-of``)."""
        started = self._started or self.clock.now()
        return now + max(timedelta(0), self.clock.now() - started)

    # -- a claimed batch ---------------------------------------------------
    def _handle_batch(self, token: str, now: datetime, summary: DispatchSummary) -> None:
        with self.sessions() as session:
            batch = self.planner.plan(session, token, now)
        for checkin_id, exc in batch.broken:
            self.recorder.internal_error(checkin_id, token, now, exc, summary)
        if batch.verdicts:
            with write_transaction(self.sessions) as session:
                for checkin in self.recorder.load(session, list(batch.verdicts), token):
                    checkin.claim_token = None
                    self.recorder.apply_verdict(session, checkin, batch.verdicts[checkin.id],
                                                summary, now)
        plans = batch.plans
        chunks = [plans[i:i + SEND_CHUNK] for i in range(0, len(plans), SEND_CHUNK)]
        marked = False
        for index, chunk in enumerate(chunks):
            following = chunks[index + 1] if index + 1 < len(chunks) else []
            try:
                if not marked:
                    with write_transaction(self.sessions) as session:
                        self.claims.mark_started(session, [p.checkin_id for p in chunk],
                                                 token, self.moment(now))
                if not self._send_chunk(chunk, following, token, now, summary):
                    # The lease ran out: the rest of the batch is given back unsent.
                    rest = [p.checkin_id for c in chunks[index + 2:] for p in c]
                    self.claims.release(rest, token, self.moment(now))
                    return
                marked = True
            except Exception as exc:  # the chunk goes back to the queue, not the batch
                marked = False
                for plan in chunk:
                    self.recorder.internal_error(plan.checkin_id, token, now, exc, summary)

    def _send_chunk(self, chunk: list[SendPlan], following: list[SendPlan], token: str,
                    now: datetime, summary: DispatchSummary) -> bool:
        """Send a chunk already marked as started; record it and mark the next
        chunk in one transaction (one commit per chunk).

        Returns False when the claim's lease ran out before the chunk was
        through: what was not sent is given back (the following chunk too)."""
        outcomes: dict[int, SendOutcome] = {}
        released: list[int] = []
        for plan in chunk:
            if released or not self.claims.hold(token, self.moment(now)):
                released.append(plan.checkin_id)
                continue
            outcomes[plan.checkin_id] = self._send_one(plan, now)
        accepted = [p for p in chunk if isinstance(outcomes.get(p.checkin_id), SendResult)]
        others = {p.checkin_id: p.text for p in chunk
                  if p not in accepted and p.checkin_id in outcomes}
        with write_transaction(self.sessions) as session:
            self.recorder.record_accepted(session, accepted, outcomes, token, now, summary)
            for checkin in self.recorder.load(session, list(others), token) if others else ():
                checkin.claim_token = None
                self.recorder.record(session, checkin, others[checkin.id],
                                     outcomes[checkin.id], now, summary)
            moment = self.moment(now)
            if released:
                self.claims.release_in(session, released + [p.checkin_id for p in following],
                                       token, moment)
            else:
                self.claims.mark_started(session, [p.checkin_id for p in following], token,
                                         moment)
        if released:
            log.warning("claim lease ran out: %d check-ins given back unsent", len(released))
        return not released

    def _send_one(self, plan: SendPlan, now: datetime) -> SendOutcome:
        """Send one text, or the moment to come back (pacing, quiet hours)."""
        moment = self.moment(now)
        # Never wait so long that the pass could outlive its claims' lease:
        # another dispatcher would take them up and send them twice.
        budget = self.settings.claim_lease_seconds / 2 - (moment - now).total_seconds()
        come_back = self.outbound.wait_for_slot(plan.text.from_, moment, max_wait=budget)
        if come_back is None:
            # A wait for the slot must not carry a text over into quiet hours.
            come_back = self.planner.night_until(plan, self.moment(now))
        if come_back is not None:
            return come_back
        if self._refused is not None:
            return self._refused
        outcome = self.outbound.send(plan.text, self.moment(now))
        if isinstance(outcome, AccountSendError):
            self._refused = outcome
        return outcome
