"""Fixed-window counters in the database, shared by every process.

One ``UPDATE ... RETURNING`` counts and reads in a single statement: on
PostgreSQL the row lock it takes makes concurrent requests queue behind each
other for the few microseconds of the update, so 60 simultaneous sign-in
guesses see counts 1 to 60, never the same count twice (a read-then-insert
count let 8 to 18 of them through a limit of 5). SQLite serialises writers
anyway. The caller commits soon after, so the lock is not held across slow
work such as a password hash.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, literal, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from followup.models import RateCounter, UTCDateTime


@dataclass(frozen=True)
class Taken:
    count: int  # this request's place in the window, 1 for the first
    allowed: bool
    retry_after_seconds: int  # until the window ends (0 when allowed)


def take(session: Session, key: str, *, limit: int, window: timedelta,
         now: datetime) -> Taken:
    """Count one more against ``key``; allowed while the count is within ``limit``."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(RateCounter).values(key=key, window_start=now, count=0)
                    .on_conflict_do_nothing(index_elements=["key"]))
    now_ = literal(now, UTCDateTime())
    expired = RateCounter.window_start <= literal(now - window, UTCDateTime())
    count, started = session.execute(
        update(RateCounter).where(RateCounter.key == key)
        .values(count=case((expired, 1), else_=RateCounter.count + 1),
                window_start=case((expired, now_), else_=RateCounter.window_start))
        .returning(RateCounter.count, RateCounter.window_start)
        .execution_options(synchronize_session=False)
    ).one()
    if count <= limit:
        return Taken(count, True, 0)
    wait = (started + window - now).total_seconds()
    return Taken(count, False, max(1, math.ceil(wait)))


def give_back(session: Session, key: str) -> None:
    """Undo one ``take`` (it turned out not to count, e.g. a right password)."""
    session.execute(update(RateCounter)
                    .where(RateCounter.key == key, RateCounter.count > 0)
                    .values(count=RateCounter.count - 1)
                    .execution_options(synchronize_session=False))


def reset(session: Session, key: str) -> None:
    session.execute(update(RateCounter).where(RateCounter.key == key).values(count=0)
                    .execution_options(synchronize_session=False))
