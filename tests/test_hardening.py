"""Security hardening outside the web layer: the database file, passwords,
the dev setting, atomic rate limits (issue 15)."""

from __future__ import annotations

import stat
from pathlib import Path

from followup.migrate import upgrade


def test_a_new_sqlite_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    upgrade(f"sqlite:///{path}")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for extra in tmp_path.glob("fresh.db-*"):  # WAL and shared memory, if left
        assert stat.S_IMODE(extra.stat().st_mode) & 0o077 == 0, extra.name


def test_simultaneous_guesses_never_pass_the_limit(svc, north) -> None:
    """60 guesses at once (one database connection each, like gunicorn
    workers) against a limit of 5: at most 5 reach the password check."""
    import threading

    from conftest import run_concurrently
    from web.staffkit import make_user

    from followup.staff.accounts import attempt_login

    make_user(svc, north.clinic, "nurse@north.example")
    web = svc.settings.web
    start = threading.Barrier(60)
    checked: list[bool] = []

    def guess() -> None:
        with svc.sessions() as s:
            start.wait()
            result = attempt_login(s, email="nurse@north.example", password="wrong guess",
                                   address="203.0.113.9", now=svc.clock.now(), web=web)
            s.commit()
            checked.append(not result.throttled)

    run_concurrently(guess, workers=60)
    assert len(checked) == 60
    assert sum(checked) == web.login_max_failures
