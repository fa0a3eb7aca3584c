"""Lookups scoped to the signed-in clinic, shared by the API and the staff pages.

Another clinic's record answers exactly like one that does not exist (404), so
ids reveal nothing across clinics."""

from __future__ import annotations

from typing import Any, TypeVar

from flask import abort, g

from followup.extensions import db

T = TypeVar("T")
# Larger ids cannot exist, and would overflow the database's integer.
MAX_ID = 2**31 - 1


def owned(model: type[T], record_id: int, noun: str) -> T:
    """The clinic's ``model`` row with this id, or a 404 naming the ``noun``."""
    record: Any = db().get(model, record_id) if 0 < record_id <= MAX_ID else None
    if record is None or record.clinic_id != g.clinic.id:
        abort(404, description=f"There is no such {noun} at your clinic.")
    return record  # type: ignore[no-any-return]
