"""Sender pacing: at most N texts a second per sending number, across every process.

Twilio queues, then refuses (429), texts sent faster than a number's rate (1 a
second for a long code, 3 for toll-free, up to 100 for a short code). A burst
of check-ins at 10:00 should drain at that rate rather than bounce. Pacing
lives in the database (``sender_rates``: per sender, the next free send slot)
because several dispatchers may run at once and an in-process limiter would
let each of them send at the full rate.

A slot is claimed with a compare-and-set ``UPDATE ... WHERE next_free_at =
<what we read>``: two dispatchers that read the same value cannot both win,
the loser reads again. Nothing here sleeps; the caller decides whether a slot
a moment away is worth waiting for (with its own injectable sleep) or whether
the text goes back to the queue until the slot comes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from followup.config import RateLimitSettings
from followup.db import rows_changed, write_transaction
from followup.models import SenderRate

log = logging.getLogger(__name__)

# Compare-and-set attempts before giving up on a slot this pass (heavy contention).
MAX_CAS_ATTEMPTS = 20
# Slots are only taken a moment ahead (or a Retry-After ahead), so a next free
# slot further away than this came from a skewed clock or `dispatch --as-of` in
# the future; honouring it would silence a sender for that long.
MAX_AHEAD = timedelta(hours=1)


@dataclass(frozen=True)
class Slot:
    """When this sender may next send; ``granted`` if the slot is now ours."""

    at: datetime
    granted: bool


class Pacer:
    """Hands out send slots per sender, shared through the ``sender_rates`` table."""

    def __init__(self, sessions: sessionmaker[Session], rate_limit: RateLimitSettings) -> None:
        self.sessions = sessions
        self.rate_limit = rate_limit

    def interval(self, sender: str) -> timedelta:
        """Time between two texts from ``sender`` (1 / messages per second)."""
        return timedelta(seconds=1.0 / self.rate_limit.per_second(sender))

    def acquire(self, sender: str, now: datetime, *, max_wait: timedelta = timedelta(0),
                force: bool = False) -> Slot:
        """Claim the sender's next slot if it is at most ``max_wait`` after ``now``.

        Returns the slot's time either way; when it is further away the slot
        is not taken (``granted`` False) so the caller can queue the text for
        then without holding a slot it will not use. ``force`` takes the slot
        however far it is (an on-call page goes first and pushes the queue
        back)."""
        step = self.interval(sender)
        for _ in range(MAX_CAS_ATTEMPTS):
            with write_transaction(self.sessions) as session:
                current = session.scalar(
                    select(SenderRate.next_free_at).where(SenderRate.sender == sender))
                if current is None:
                    if self._insert(session, sender, now + step):
                        return Slot(now, True)
                    continue  # another process created the row first: read it
                slot = max(current, now) if current - now <= MAX_AHEAD else now
                if slot - now > max_wait and not force:
                    return Slot(slot, False)
                result = session.execute(
                    update(SenderRate)
                    .where(SenderRate.sender == sender, SenderRate.next_free_at == current)
                    .values(next_free_at=slot + step)
                )
                if rows_changed(result) == 1:
                    return Slot(slot, True)
        log.warning("pacing: could not claim a slot after %d attempts", MAX_CAS_ATTEMPTS)
        return Slot(now + step, False)

    def push_back(self, sender: str, until: datetime) -> None:
        """The provider said "slow down" (429): nobody sends from ``sender`` before ``until``."""
        with write_transaction(self.sessions) as session:
            current = session.scalar(
                select(SenderRate.next_free_at).where(SenderRate.sender == sender))
            if current is None:
                self._insert(session, sender, until)
            elif current < until:
                session.execute(
                    update(SenderRate)
                    .where(SenderRate.sender == sender, SenderRate.next_free_at < until)
                    .values(next_free_at=until)
                )

    @staticmethod
    def _insert(session: Session, sender: str, next_free_at: datetime) -> bool:
        try:
            with session.begin_nested():
                session.add(SenderRate(sender=sender, next_free_at=next_free_at))
        except IntegrityError:
            return False
        return True
