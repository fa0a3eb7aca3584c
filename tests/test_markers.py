"""The `database` mark (tests/conftest.py) picks CI's PostgreSQL pass: a test that
reaches the database through its fixtures must carry it, or it would run on SQLite only."""

from __future__ import annotations

import pytest


def test_a_test_that_reaches_the_database_is_marked(request: pytest.FixtureRequest,
                                                    database_url: str) -> None:
    assert database_url
    assert request.node.get_closest_marker("database") is not None


def test_a_test_that_reads_no_database_is_not_marked(request: pytest.FixtureRequest) -> None:
    assert request.node.get_closest_marker("database") is None
