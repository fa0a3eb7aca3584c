"""Helpers for the staff web tests: users, sign-in, CSRF-carrying POSTs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pytest
from factories import enrol_in_db
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from followup.extensions import Services
from followup.models import Clinic, User

PASSWORD = "correct horse battery"


@dataclass
class Staff:
    id: int
    email: str
    role: str
    clinic_id: int


def make_user(svc: Services, clinic: Clinic, email: str, role: str = "nurse") -> Staff:
    with svc.sessions() as s:
        user = User(clinic_id=clinic.id, email=email, role=role,
                    password_hash=generate_password_hash(PASSWORD), created_at=svc.clock.now())
        s.add(user)
        s.commit()
        return Staff(user.id, email, role, clinic.id)


@pytest.fixture
def nurse(svc: Services, north: Any) -> Staff:
    return make_user(svc, north.clinic, "nurse@north.example")


@pytest.fixture
def admin(svc: Services, north: Any) -> Staff:
    return make_user(svc, north.clinic, "admin@north.example", "admin")


@pytest.fixture
def south_nurse(svc: Services, south: Any) -> Staff:
    return make_user(svc, south.clinic, "nurse@south.example")


def csrf_of(client: FlaskClient) -> str:
    """The session's CSRF token, as a form on any page would carry it."""
    with client.session_transaction() as sess:
        token = sess.get("csrf")
    if token:
        return str(token)
    page = client.get("/login").get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the sign-in page"
    return match.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    client.get("/login")
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_of(client)})


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """A form POST with the session's CSRF token, as the browser sends it."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_of(client)}, **kw)


@pytest.fixture
def as_nurse(client: FlaskClient, nurse: Staff) -> FlaskClient:
    assert login(client, nurse.email).status_code == 302
    return client


@pytest.fixture
def as_admin(client: FlaskClient, admin: Staff) -> FlaskClient:
    assert login(client, admin.email).status_code == 302
    return client


@pytest.fixture
def enrol_patient(svc: Services) -> Callable[..., int]:
    """Enrol a patient directly (as the API would); returns the patient id."""
    return partial(enrol_in_db, svc)
