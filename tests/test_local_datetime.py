"""Dates and times as spreadsheets write them (CSV import): read in the clinic's zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from followup.validation import FieldError, local_datetime

CHICAGO = "America/Chicago"


@pytest.mark.parametrize(("text", "expected"), [
    ("11/30/2026 11:00", datetime(2026, 11, 30, 17, 0, tzinfo=UTC)),  # CST, UTC-6
    ("11/30/2026 11:00 AM", datetime(2026, 11, 30, 17, 0, tzinfo=UTC)),
    ("11/30/2026 12:15 a.m.", datetime(2026, 11, 30, 6, 15, tzinfo=UTC)),
    ("7/4/2026 2:30 PM", datetime(2026, 7, 4, 19, 30, tzinfo=UTC)),  # CDT, UTC-5
    ("2026-11-30 11:00", datetime(2026, 11, 30, 17, 0, tzinfo=UTC)),
    ("2026-11-30T11:00:00", datetime(2026, 11, 30, 17, 0, tzinfo=UTC)),
    ("2026-11-30T11:00:00-05:00", datetime(2026, 11, 30, 16, 0, tzinfo=UTC)),  # offset wins
])
def test_us_and_iso_times_without_an_offset_are_the_clinics(text, expected):
    assert local_datetime(text, CHICAGO, region="US") == expected


def test_day_first_outside_the_us():
    assert local_datetime("30/11/2026 11:00", "Europe/Madrid", region="ES") == \
        datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    with pytest.raises(FieldError, match="DD/MM/YYYY"):
        local_datetime("11/30/2026 11:00", "Europe/Madrid", region="ES")


@pytest.mark.parametrize(("text", "why"), [
    ("30/11/2026 11:00", "MM/DD/YYYY HH:MM"),  # no 30th month
    ("11/30/2026 13:00 PM", "MM/DD/YYYY HH:MM"),
    ("soon", "MM/DD/YYYY HH:MM"),
    ("3/8/2026 2:30", "does not exist in America/Chicago"),  # the spring-forward gap
    ("", "required"),
])
def test_what_cannot_be_read_is_named(text, why):
    with pytest.raises(FieldError, match=why):
        local_datetime(text, CHICAGO, region="US")
