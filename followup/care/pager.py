"""What a signed-out queue page may still learn: how many flags wait.

A queue left open at the nurses' station outlives its session (15 idle
minutes). Going blank would hide an emergency; showing the list would show
names to whoever walks by. So while signed in, the page holds a pager token
(sealed, naming one clinic and one user, valid ``web.pager_hours``) and, once
signed out, trades it for counts of open flags by level: no names, no ids, no
other clinic. A token stops working when its user no longer exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from followup.models import Flag, FlagLevel, FlagStatus, User
from followup.staff.sealed import seal, unseal

PURPOSE = "pager"
LEVELS = tuple(FlagLevel)


@dataclass(frozen=True)
class PagerClaim:
    clinic_id: int
    user_id: int


def issue(secret: str, *, clinic_id: int, user_id: int, now: datetime) -> str:
    return seal(secret, PURPOSE, {"c": clinic_id, "u": user_id}, now)


def read(session: Session, secret: str, token: str, *, now: datetime,
         hours: float) -> PagerClaim | None:
    """The clinic a token speaks for, or None (forged, expired, user gone or disabled:
    a nurse locked out keeps no window onto the queue)."""
    payload = unseal(secret, PURPOSE, token, now, timedelta(hours=hours))
    if payload is None:
        return None
    clinic_id, user_id = payload.get("c"), payload.get("u")
    if not isinstance(clinic_id, int) or not isinstance(user_id, int):
        return None
    user = session.get(User, user_id)
    if user is None or user.clinic_id != clinic_id or user.disabled_at is not None:
        return None
    return PagerClaim(clinic_id, user_id)


def waiting(session: Session, clinic_id: int) -> dict[str, int]:
    """Open (not yet acknowledged) flags by level: counts only."""
    rows = session.execute(
        select(Flag.level, func.count()).where(Flag.clinic_id == clinic_id,
                                               Flag.status == FlagStatus.OPEN)
        .group_by(Flag.level)).all()
    counts: dict[str, int] = dict.fromkeys(LEVELS, 0)
    for level, n in rows:
        if level in counts:
            counts[level] = int(n)
    return counts
