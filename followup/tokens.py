"""API tokens: random, shown once, stored only as a SHA-256 hash.

A plain hash (not a slow password hash) is right here: tokens are 256-bit
random strings, so there is nothing to brute-force, and every API request
must look one up quickly."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy.orm import Session

from followup.audit import audit
from followup.models import ApiToken, Clinic

PREFIX = "fu_"


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
