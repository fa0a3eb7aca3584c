"""Generated inputs against the documented API and webhooks (docs/openapi.yaml).

Thousands of requests in all (examples per operation x operations; raise with
FOLLOWUP_FUZZ_EXAMPLES): none may answer 5xx or show a traceback, answers must
match the document, and a refused request must store nothing.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from conftest import AUTH_TOKEN, PUBLIC_URL, make_clinic
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from followup.app import create_app
from followup.clock import FixedClock
from followup.messaging.sms.console import ConsoleBackend
from followup.models import (
    AuditEvent,
    Checkin,
    EhrIntake,
    EhrOutbox,
    Flag,
    Infusion,
    Message,
    Patient,
)

SPEC = Path(__file__).resolve().parents[1] / "docs" / "openapi.yaml"
EXAMPLES = int(os.environ.get("FOLLOWUP_FUZZ_EXAMPLES", "300"))
schema = schemathesis.openapi.from_path(str(SPEC))
TABLES = (Patient, Infusion, Checkin, Message, Flag, AuditEvent, EhrIntake, EhrOutbox)


@pytest.fixture
def fuzz_app(app_config: dict[str, Any]):  # type: ignore[no-untyped-def]
    from conftest import T0

    # Enrolments are rate-limited per token; the fuzzer sends hundreds.
    app = create_app({**app_config, "api": {"enrollments_per_minute": 1_000_000}},
                     clock=FixedClock(T0), sms=ConsoleBackend())
    svc = app.extensions["followup"]
    clinic = make_clinic(svc, "north", "+13125550199")
    other = make_clinic(svc, "south", "+13125550299")
    client = app.test_client()
    # Something to find: a patient with a flag, in each clinic.
    for handle, phone in ((clinic, "+13125550123"), (other, "+13125550124")):
        client.post("/api/enrollments", headers=handle.auth, json={
            "phone": phone, "first_name": "Fuzz", "infusion_at": "2026-11-10T14:00:00-06:00"})
        body = {"From": phone, "To": handle.clinic.sms_number, "Body": "chest pain",
                "MessageSid": "SM" + phone[-4:] * 8}
        sig = RequestValidator(AUTH_TOKEN).compute_signature(PUBLIC_URL + "/twilio/inbound", body)
        client.post("/twilio/inbound", data=body, headers={"X-Twilio-Signature": sig})
    yield app, clinic
    svc.dispose()


def counts(app: Any) -> dict[str, int]:
    with app.extensions["followup"].sessions() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
                for t in TABLES}


def sign_form(case: Any) -> dict[str, str]:
    """Sign a generated webhook like Twilio would, so the handler behind the
    signature check gets fuzzed too (not just the 403)."""
    if not isinstance(case.body, dict) or not all(isinstance(v, str) for v in case.body.values()):
        return {}
    url = PUBLIC_URL + case.formatted_path
    return {"X-Twilio-Signature": RequestValidator(AUTH_TOKEN).compute_signature(url, case.body)}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_breaks_the_api(case: Any, fuzz_app: Any) -> None:
    app, clinic = fuzz_app
    headers = dict(case.headers or {})
    if case.path.startswith("/twilio/"):
        headers.update(sign_form(case))
    elif case.path.startswith(("/api/", "/fhir/")):
        headers.setdefault("Authorization", clinic.auth["Authorization"])
    before = counts(app)
    response = case.call(app=app, headers=headers)
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text
    case.validate_response(response, excluded_checks=[
        schemathesis.checks.not_a_server_error,  # asserted above with the body shown
        schemathesis.checks.ignored_auth,  # the token is ours: we add it on purpose
        # Unknown query parameters are ignored, as most APIs do; invalid values
        # of known ones are refused (tests/test_api_*.py).
        schemathesis.checks.negative_data_rejection,
        # A schema-valid phone can still be no phone number: refused with 400, by design.
        schemathesis.checks.positive_data_acceptance,
        schemathesis.checks.missing_required_header,
    ])
    if response.status_code >= 400:
        after = counts(app)
        if response.status_code == 409:  # an identity conflict is audited, by design
            after["audit_events"] = before["audit_events"]
        assert after == before, f"{case.method} {case.path} refused but stored something"



# -- every text field of the staff forms and the API, with control characters ------------
CONTROL = [chr(i) for i in range(32) if chr(i) not in "\t\n\r"] + ["\x7f"]
ENROL_FIELDS = ["phone", "first_name", "infusion_at", "timezone", "language", "product",
                "lot", "external_id"]
# (method, path, where the fields go, the fields)
TARGETS = [
    ("POST", "/login", "form", ["email", "password", "next"]),
    ("POST", "/patients", "form", ["q"]),
    ("POST", "/patients/{patient}/message", "form", ["body"]),
    ("POST", "/patients/{patient}/pause", "form", ["x"]),
    ("POST", "/flags/{flag}/resolve", "form", ["note", "back"]),
    ("POST", "/flags/{flag}/acknowledge", "form", ["back"]),
    ("POST", "/enrol", "form", ENROL_FIELDS),
    ("POST", "/admin/staff", "form", ["email", "role", "password"]),
    ("POST", "/admin/tokens", "form", ["name"]),
    ("POST", "/admin/settings", "form", ["emergency_number", "oncall_phones", "contact_email",
                                         "contact_phone", "digest_time", "enrol_countries"]),
    ("GET", "/admin/audit", "query", ["action", "page"]),
    ("GET", "/metrics", "query", ["weeks"]),
    ("GET", "/login", "query", ["next"]),
    ("POST", "/api/enrollments", "json", ENROL_FIELDS),
    ("POST", "/api/flags/{flag}/resolve", "json", ["note"]),
    ("POST", "/api/patients/{patient}/messages", "json", ["body"]),
    ("GET", "/api/flags", "query", ["status"]),
]
with_control = st.builds(lambda a, c, b: a + c + b, st.text(max_size=20),
                         st.sampled_from(CONTROL), st.text(max_size=20))


@pytest.fixture
def signed_in(fuzz_app: Any) -> Any:
    """An admin of "north" signed in, and ids of its patient and flag."""
    from web.staffkit import csrf_of, login, make_user

    app, clinic = fuzz_app
    svc = app.extensions["followup"]
    make_user(svc, clinic.clinic, "admin@north.example", "admin")
    client = app.test_client()
    assert login(client, "admin@north.example").status_code == 302
    with svc.sessions() as s:
        flag = s.scalar(select(Flag).where(Flag.clinic_id == clinic.clinic.id))
        ids = {"patient": flag.patient_id, "flag": flag.id}
    return app, clinic, client, csrf_of(client), ids


@given(data=st.data())
@settings(max_examples=max(EXAMPLES // 2, 50), deadline=None,
          suppress_health_check=list(HealthCheck))
def test_control_characters_are_refused_in_every_text_field(data: Any, signed_in: Any) -> None:
    """Any text in any field never gives a 5xx; one holding a control
    character is refused with 400 naming it, and nothing is stored (on
    PostgreSQL a NUL used to reach the database and give a 500)."""
    app, clinic, client, csrf, ids = signed_in
    method, path, where, fields = data.draw(st.sampled_from(TARGETS))
    field = data.draw(st.sampled_from(fields))
    value = data.draw(st.one_of(with_control, st.text(max_size=60)))
    url = path.format(**ids)
    before = counts(app)
    if where == "json":
        response = client.open(url, method=method, json={field: value}, headers=clinic.auth)
    elif where == "query":
        response = client.open(url, method=method, query_string={field: value},
                               headers=clinic.auth if url.startswith("/api/") else {})
    else:
        response = client.open(url, method=method, data={field: value, "csrf_token": csrf})
    assert response.status_code < 500, (url, field, value)
    if any(c in value for c in CONTROL):
        assert response.status_code == 400, (url, field, value)
        assert "control character" in response.get_data(as_text=True), (url, field)
        assert counts(app) == before, (url, field)
