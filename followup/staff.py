"""Staff logins: password checks and throttling of failed sign-ins.

Passwords are scrypt hashes (werkzeug's default, the same the CLI writes).
Throttling counts rows of ``login_attempts`` rather than anything in memory,
so it holds across processes and restarts: several gunicorn workers must not
each grant an attacker their own five guesses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

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


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD:
        return f"at least {MIN_PASSWORD} characters"
    if len(password) > 200:
        return "at most 200 characters"
    return None


def _failures(session: Session, column: object, value: str, since: datetime,
              reset_on_success: bool) -> int:
    if reset_on_success:
        last_ok = session.scalar(
            select(func.max(LoginAttempt.at)).where(column == value,  # type: ignore[operator]
                                                    LoginAttempt.succeeded.is_(True),
                                                    LoginAttempt.at >= since))
        if last_ok is not None:
            since = last_ok
    return session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            column == value, LoginAttempt.succeeded.is_(False),  # type: ignore[operator]
            LoginAttempt.at >= since)
    ) or 0


def is_throttled(session: Session, *, email: str, address: str, now: datetime,
                 web: WebSettings) -> bool:
    """Too many recent failures for this account, or from this address.

    A success resets the account's count (its owner got in), not the
    address's: one valid account must not let an attacker reset the counter
    between guesses at other accounts."""
    since = now - timedelta(minutes=web.login_window_minutes)
    limit = web.login_max_failures
    return (_failures(session, LoginAttempt.email, email, since, True) >= limit
            or _failures(session, LoginAttempt.address, address, since, False) >= limit)


def attempt_login(session: Session, *, email: str, password: str, address: str,
                  now: datetime, web: WebSettings) -> LoginResult:
    """Check a sign-in and record the attempt. The caller commits.

    A throttled attempt is refused before the password is even looked at,
    so guessing on cannot confirm a right password."""
    email = email.strip().lower()[:254]
    address = (address or "unknown")[:64]
    if is_throttled(session, email=email, address=address, now=now, web=web):
        return LoginResult(None, throttled=True,
                           retry_after_minutes=int(web.login_window_minutes))
    user = session.scalar(select(User).where(User.email == email)) if email else None
    ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    ok = ok and user is not None
    session.add(LoginAttempt(email=email, address=address, succeeded=ok, at=now))
    return LoginResult(user if ok else None)
