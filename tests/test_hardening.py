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
