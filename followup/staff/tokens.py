"""API tokens: random, shown once, stored only as a SHA-256 hash.

A plain hash (not a slow password hash) is right here: tokens are 256-bit
random strings, so there is nothing to brute-force, and every API request
must look one up quickly."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.orm import Session

from followup.db import rows_changed
from followup.models import ApiToken, Clinic, table
from followup.staff.audit import audit

PREFIX = "fu_"
# "Last used" is worth knowing to the minute, not worth a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, clinic: Clinic, name: str, *, actor: str,
                now: datetime) -> str:
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(clinic_id=clinic.id, name=name, token_hash=hash_token(token), created_at=now)
    session.add(row)
    session.flush()
    audit(session, clinic_id=clinic.id, actor=actor, action="token.create",
          target_type="api_token", target_id=row.id, now=now)
    return token


def note_use(session: Session, token: ApiToken, now: datetime) -> bool:
    """Record that the token was used, at most once a minute: the check is made
    on the row already loaded, and the conditional update keeps concurrent
    requests from writing twice. True when written (the caller commits)."""
    last = token.last_used_at
    if last is not None and now - last < LAST_USED_RESOLUTION:
        return False
    tokens = table(ApiToken)
    written = rows_changed(session.execute(
        update(tokens).where(tokens.c.id == token.id, or_(
            tokens.c.last_used_at.is_(None),
            tokens.c.last_used_at <= now - LAST_USED_RESOLUTION))
        .values(last_used_at=now)))
    return bool(written)
