"""Claiming due check-ins, and the lease that keeps a claim this dispatcher's.

A pass claims a batch atomically (so concurrent dispatchers never send the
same check-in), marks each chunk as started before its first send, renews the
claim's lease while it works and gives back what it will not send. A claim
whose dispatcher died expires after the lease and is taken up again; one that
died after a send began is re-queued as a possible duplicate.

Every method takes ``moment``, the present within the pass (see
``Dispatcher.moment``), because a long pass outlives its starting instant.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, or_, update
from sqlalchemy.orm import Session, sessionmaker

from followup.config import Settings
from followup.db import claim_due, write_transaction
from followup.models import Checkin, CheckinStatus

log = logging.getLogger(__name__)

# Typed as the Table it is (the ORM declares ``__table__`` as any FromClause).
checkins = cast(Table, Checkin.__table__)
# A check-in this claim still holds.
HELD = (checkins.c.claim_token == bindparam("token"), checkins.c.status == CheckinStatus.SENDING)
CLAIMED = (checkins.c.id.in_(bindparam("ids", expanding=True)), *HELD)
# Built once: a chunk's bookkeeping runs thousands of times a minute at peak.
MARK_STARTED = update(checkins).where(*CLAIMED).values(send_started_at=bindparam("at"))
# Push a live claim's lease on; matches nothing once it ran out or changed hands.
RENEW_LEASE = update(checkins).where(
    *HELD, checkins.c.lease_expires_at > bindparam("at")
).values(lease_expires_at=bindparam("until"))
# Give back, unsent, what is left of a claim this dispatcher stops working.
RELEASE_UNSENT = update(checkins).where(*CLAIMED).values(
    status=CheckinStatus.PENDING, claim_token=None, send_started_at=None, lease_expires_at=None,
    next_attempt_at=bindparam("at"))


class Claims:
    """One dispatcher's claims and their lease."""

    def __init__(self, settings: Settings, sessions: sessionmaker[Session]) -> None:
        self.settings = settings
        self.sessions = sessions
        self.lease = timedelta(seconds=settings.claim_lease_seconds)
        # Renew a lease this long before it runs out: half the lease, and never
        # less than one provider call can take, so no send outlives the lease.
        self.renew_margin = max(self.lease / 2,
                                timedelta(seconds=settings.twilio.timeout_seconds))
        self.lease_until: datetime | None = None

    def expire(self, now: datetime) -> int:
        """Re-queue claims whose dispatcher stopped; the number re-queued."""
        cutoff = now - self.lease
        with write_transaction(self.sessions) as session:
            expired = (Checkin.status == CheckinStatus.SENDING, or_(
                Checkin.lease_expires_at < now,
                and_(Checkin.lease_expires_at.is_(None), Checkin.claimed_at < cutoff)))
            # The provider may have accepted these before the dispatcher died.
            conn = session.connection()
            risky = conn.execute(
                update(Checkin)
                .where(*expired, Checkin.send_started_at.is_not(None),
                       Checkin.send_started_at >= Checkin.claimed_at)
                .values(status=CheckinStatus.PENDING, claim_token=None, possible_duplicate=True,
                        last_error="the dispatcher stopped after the send began: "
                                   "the patient may get this text twice")
            ).rowcount or 0
            result = conn.execute(
                update(Checkin)
                .where(*expired)
                .values(status=CheckinStatus.PENDING, claim_token=None,
                        last_error="claim expired: the dispatcher stopped before sending")
            )
            if risky:
                log.warning("%d re-queued check-ins may already have been sent", risky)
            count = risky + (result.rowcount or 0)
        if count:
            log.warning("re-queued %d check-ins whose dispatcher stopped mid-send", count)
        return count

    def claim(self, now: datetime, moment: datetime) -> tuple[str, list[int]]:
        """Atomically take up to a batch of check-ins due at ``now``.

        One statement: the update picks its rows with a subquery (on
        PostgreSQL locking them and skipping rows another dispatcher holds)
        and returns the ids it took."""
        token = uuid.uuid4().hex
        # The lease runs from the present of the pass, which for a long pass
        # (or ``dispatch --as-of``) is later than its instant ``now``.
        self.lease_until = moment + self.lease
        with write_transaction(self.sessions) as session:
            ids = claim_due(session, checkins, now=now, token=token,
                            limit=self.settings.batch_size, lease_expires_at=self.lease_until)
        return token, ids

    def hold(self, token: str, moment: datetime) -> bool:
        """Whether this dispatcher may still send for its claim; renews the
        lease when it runs low. False once it has run out: another dispatcher
        may already have taken the claim over, and a send now could be a
        second copy of the same text."""
        assert self.lease_until is not None
        if self.lease_until - moment > self.renew_margin:
            return True
        if moment >= self.lease_until:
            return False
        until = moment + self.lease
        with write_transaction(self.sessions) as session:
            renewed = session.connection().execute(
                RENEW_LEASE, {"token": token, "at": moment, "until": until}).rowcount
        if not renewed:
            return False
        self.lease_until = until
        return True

    @staticmethod
    def mark_started(session: Session, ids: list[int], token: str, moment: datetime) -> None:
        """Record that these are about to be sent (see ``expire``)."""
        if ids:
            session.connection().execute(MARK_STARTED, {"ids": ids, "token": token,
                                                        "at": moment})

    def release(self, ids: list[int], token: str, moment: datetime) -> None:
        """Give back unsent check-ins, in a transaction of their own."""
        if ids:
            with write_transaction(self.sessions) as session:
                self.release_in(session, ids, token, moment)

    @staticmethod
    def release_in(session: Session, ids: list[int], token: str, moment: datetime) -> None:
        """Give back unsent check-ins still held by this claim (none once it changed hands)."""
        session.connection().execute(RELEASE_UNSENT, {"ids": ids, "token": token,
                                                      "at": moment})
