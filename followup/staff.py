"""Staff logins: password checks and throttling of failed sign-ins.

Passwords are scrypt hashes (werkzeug's default, the same the CLI writes).
Throttling counts in the database (``followup.ratelimit``) rather than in
memory, so it holds across processes and restarts: several gunicorn workers
must not each grant an attacker their own five guesses. ``login_attempts``
keeps the history.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from followup import ratelimit
from followup.config import WebSettings
from followup.models import LoginAttempt, User

MIN_PASSWORD = 12  # the same rule as `followup create-user`
ROLES = ("nurse", "admin")
# Checked against when the email is unknown, so a wrong email costs as much
# time as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing")


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    throttled: bool = False
    retry_after_minutes: int = 0


def hash_password(password: str) -> str:
    return generate_password_hash(password)


COMMON_PASSWORDS = Path(__file__).resolve().parent / "passwords" / "common-passwords.txt.gz"
# Runs of keys and letters that make "long" passwords no one needs to guess.
SEQUENCES = ("0123456789" * 3, "abcdefghijklmnopqrstuvwxyz" * 2, "qwertyuiopasdfghjklzxcvbnm",
             "qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn", "1qaz2wsx3edc4rfv5tgb")
MIN_DISTINCT = 5


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list (see ``followup/passwords/README.md``), lowercased."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None (OWASP ASVS 4.0 V2.1).

    Length is what counts (at least 12, any characters, no composition
    rules), but a long password an attacker tries first is refused: one of
    the 20,000 commonest, or one with only digits and symbols added around
    it ("password1234", "!!dragon2024"), a run of keys or letters
    ("123456789012", "qwertyuiopas"), or a few characters repeated
    ("aaaaaaaaaaaa", "abcabcabcabc")."""
    if len(password) < MIN_PASSWORD:
        return f"at least {MIN_PASSWORD} characters"
    if len(password) > 200:
        return "at most 200 characters"
    lowered = password.lower()
    core = lowered.strip("0123456789 !@#$%^&*()-_=+[]{};:'\",.<>/?\\|`~")
    common = common_passwords()
    if lowered in common or (len(core) >= 4 and core in common):
        return ("one of the most common passwords (with only digits or symbols added): "
                "attackers try these first. Choose another, such as three unrelated words")
    squashed = lowered.replace(" ", "")
    repeated = (squashed + squashed).find(squashed, 1) < len(squashed)  # "abcdeabcde"
    if repeated or len(set(squashed)) < MIN_DISTINCT or any(
            squashed in seq or squashed in seq[::-1] for seq in SEQUENCES):
        return ("too simple: a few characters repeated or a run of keys. Choose another, "
                "such as three unrelated words")
    return None


def _keys(email: str, address: str) -> tuple[str, str]:
    """Counter keys: (account, address) and address. Hashed: no email in keys."""
    pair = hashlib.sha256(f"{email}\n{address}".encode()).hexdigest()
    return f"login:pair:{pair}", f"login:addr:{address}"


def attempt_login(session: Session, *, email: str, password: str, address: str,
                  now: datetime, web: WebSettings) -> LoginResult:
    """Check a sign-in and record the attempt. Commits the throttle counters
    at once (so their row locks are not held through the password hash); the
    caller commits the rest.

    Throttled per (account, address) and per address, not per account alone:
    an attacker elsewhere guessing at a nurse's account uses up only their own
    address's guesses, and the nurse still signs in from hers. Guessing at
    many accounts from one address is stopped by the address's count. Every
    attempt is counted before its password is looked at, atomically, so
    simultaneous guesses cannot slip past the limit; a right password gives
    its place back (and clears its account-and-address count). A throttled
    attempt is refused before the password is even looked at, so guessing
    on cannot confirm a right password."""
    email = email.strip().lower()[:254]
    address = (address or "unknown")[:64]
    window = timedelta(minutes=web.login_window_minutes)
    pair_key, address_key = _keys(email, address)
    taken = [ratelimit.take(session, key, limit=web.login_max_failures, window=window, now=now)
             for key in (pair_key, address_key)]
    session.commit()
    refused = [t for t in taken if not t.allowed]
    if refused:
        wait = max(t.retry_after_seconds for t in refused)
        return LoginResult(None, throttled=True, retry_after_minutes=max(1, -(-wait // 60)))
    user = session.scalar(select(User).where(User.email == email)) if email else None
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    ok = ok and user is not None
    if ok:
        ratelimit.reset(session, pair_key)
        ratelimit.give_back(session, address_key)
    session.add(LoginAttempt(email=email, address=address, succeeded=ok, at=now))
    return LoginResult(user if ok else None)
