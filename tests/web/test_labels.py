"""Every stored state a nurse can see has words of its own, not a code name."""

from __future__ import annotations

from enum import StrEnum

import pytest

from followup.models import CheckinKind, CheckinStatus, FlagAction, FlagStatus
from followup.web import labels


@pytest.mark.parametrize(("states", "table"), [(CheckinStatus, labels.CHECKIN_STATUSES),
                                               (FlagStatus, labels.FLAG_STATUSES),
                                               (FlagAction, labels.FLAG_EVENTS),
                                               (CheckinKind, labels.KINDS)])
def test_each_state_of_the_model_has_a_label(states: type[StrEnum],
                                             table: dict[str, str]) -> None:
    assert [s.value for s in states if s not in table] == []


def test_the_stored_string_finds_the_label_of_its_enum() -> None:
    """Rows come back from the database as plain strings (StrEnum hashes as its value)."""
    assert labels.flag_event("escalated") == "paged on-call"
    assert labels.checkin_status("failed") == "could not send"
    assert labels.kind("day3") == "Day 3"
    assert labels.kind("staff") == "Message from staff"
    assert labels.flag_event("something_new") == "something new"
