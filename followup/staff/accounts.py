"""Staff logins: password checks, throttling of failed sign-ins, and what an
administrator (or the ``followup user`` command) does to a login.

Every change that must end a person's open sessions bumps
``users.session_version``; the session carries the version it was signed in
with and is refused on its next request once they differ (see web/auth.py).

Passwords are scrypt hashes (werkzeug's default, the same the CLI writes).
Throttling counts in the database (``followup.staff.ratelimit``) rather than in
memory, so it holds across processes and restarts: several gunicorn workers
must not each grant an attacker their own five guesses. ``login_attempts``
keeps the history.
"""

from __future__ import annotations

import gzip
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from followup.config import WebSettings
from followup.models import LoginAttempt, Role, User
from followup.staff import ratelimit
from followup.staff.audit import audit

MIN_PASSWORD = 12  # the same rule as `followup create-user`
ROLES = tuple(Role)
# Checked against when the email is unknown, so a wrong email costs as much
# time as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password-just-for-timing")


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    throttled: bool = False
    retry_after_minutes: int = 0
    disabled: bool = False  # the right password for a disabled login


def hash_password(password: str) -> str:
    return generate_password_hash(password)


COMMON_PASSWORDS = Path(__file__).resolve().parent / "passwords" / "common-passwords.txt.gz"
# Runs of keys and letters that make "long" passwords no one needs to guess.
SEQUENCES = ("0123456789" * 3, "abcdefghijklmnopqrstuvwxyz" * 2, "qwertyuiopasdfghjklzxcvbnm",
             "qwertzuiopasdfghjklyxcvbnm", "azertyuiopqsdfghjklmwxcvbn", "1qaz2wsx3edc4rfv5tgb")
MIN_DISTINCT = 5


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list (see ``followup/staff/passwords/README.md``), lowercased."""
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
    disabled = ok and user is not None and user.disabled_at is not None
    if ok and not disabled:
        ratelimit.reset(session, pair_key)
        ratelimit.give_back(session, address_key)
    session.add(LoginAttempt(email=email, address=address, succeeded=ok and not disabled,
                             at=now))
    return LoginResult(user if ok and not disabled else None, disabled=disabled)


# -- what an administrator does to a login ---------------------------------------------
class StaffError(ValueError):
    """An action on a login is refused; the message says why."""


# No look-alike characters (0/O, 1/l/I): the password is read off a screen.
_PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def generate_password() -> str:
    """A random password (about 95 bits) in four groups, easy to read out."""
    raw = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(raw[i:i + 4] for i in range(0, 16, 4))


def end_sessions(user: User) -> None:
    """Make every session of this person invalid on its next request."""
    user.session_version = (user.session_version or 0) + 1


def _other_active_admins(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.clinic_id == user.clinic_id, User.role == Role.ADMIN, User.id != user.id,
        User.disabled_at.is_(None))) or 0


def _keep_an_admin(session: Session, user: User) -> None:
    if user.role == Role.ADMIN and user.disabled_at is None and not _other_active_admins(
            session, user):
        raise StaffError(f"{user.email} is the clinic's only active administrator: "
                         "make someone else an administrator first")


def _audit_user(session: Session, user: User, action: str, actor: str, now: datetime,
                detail: dict[str, str] | None = None) -> None:
    audit(session, clinic_id=user.clinic_id, actor=actor, action=action, target_type="user",
          target_id=user.id, detail=detail, now=now)


def disable_user(session: Session, user: User, *, actor: str, now: datetime) -> bool:
    """Lock a login out: no sign-in, and its open sessions end at once.
    False when it was already disabled. The caller commits."""
    if user.disabled_at is not None:
        return False
    _keep_an_admin(session, user)
    user.disabled_at = now
    end_sessions(user)
    _audit_user(session, user, "user.disable", actor, now)
    return True


def enable_user(session: Session, user: User, *, actor: str, now: datetime) -> bool:
    """Let a disabled login sign in again (its old sessions stay ended)."""
    if user.disabled_at is None:
        return False
    user.disabled_at = None
    _audit_user(session, user, "user.enable", actor, now)
    return True


def reset_password(session: Session, user: User, *, actor: str, now: datetime) -> str:
    """Give the login a new random password, shown once to whoever asked;
    its open sessions end."""
    password = generate_password()
    user.password_hash = hash_password(password)
    end_sessions(user)
    _audit_user(session, user, "user.reset_password", actor, now)
    return password


def set_role(session: Session, user: User, role: str, *, actor: str, now: datetime) -> bool:
    """Change a login's role; its sessions end, so the new rights apply at once."""
    if role not in ROLES:
        raise StaffError(f"the role must be {' or '.join(ROLES)}")
    if role == user.role:
        return False
    if role != Role.ADMIN:
        _keep_an_admin(session, user)
    before, user.role = user.role, Role(role)
    end_sessions(user)
    _audit_user(session, user, "user.set_role", actor, now, {"from": before, "to": role})
    return True


def set_display_name(session: Session, user: User, name: str, *, actor: str,
                     now: datetime) -> bool:
    """How colleagues see this person in histories; empty shows the email."""
    cleaned = " ".join(name.split())
    if len(cleaned) > 100:
        raise StaffError("the name is too long (at most 100 characters)")
    if any(ord(ch) < 32 for ch in cleaned):
        raise StaffError("the name contains control characters")
    if (cleaned or None) == user.display_name:
        return False
    user.display_name = cleaned or None
    _audit_user(session, user, "user.set_name", actor, now)
    return True
