"""Small sealed tokens: encrypted, authenticated, dated by the injected clock.

Two things travel in the open and must reveal nothing: a patient search kept
in the results page's URL (so Back works without resubmitting a form, and no
name or phone reaches access logs or browser history), and the queue page's
pager token (so a page whose session ended can still learn how many flags
wait). Fernet (AES-CBC + HMAC) seals a small JSON payload; each use has its
own key derived from the app's secret, so one kind of token is never
accepted as another.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import datetime, timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


def _fernet(secret: str, purpose: str) -> Fernet:
    key = hashlib.sha256(f"followup.{purpose}:{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, purpose: str, payload: dict[str, Any], now: datetime) -> str:
    data = json.dumps(payload, separators=(",", ":")).encode()
    return _fernet(secret, purpose).encrypt_at_time(data, int(now.timestamp())).decode()


def unseal(secret: str, purpose: str, token: str, now: datetime,
           ttl: timedelta) -> dict[str, Any] | None:
    """The payload, or None if the token is forged, for another purpose, or too old."""
    if not token or len(token) > 2000:
        return None
    try:
        data = _fernet(secret, purpose).decrypt_at_time(
            token.encode(), int(ttl.total_seconds()), int(now.timestamp()))
    except (InvalidToken, ValueError):
        return None
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None
