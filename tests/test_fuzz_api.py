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
from hypothesis import HealthCheck, settings
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from followup.app import create_app
from followup.clock import FixedClock
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
from followup.sms.console import ConsoleBackend

SPEC = Path(__file__).resolve().parents[1] / "docs" / "openapi.yaml"
EXAMPLES = int(os.environ.get("FOLLOWUP_FUZZ_EXAMPLES", "300"))
schema = schemathesis.openapi.from_path(str(SPEC))
TABLES = (Patient, Infusion, Checkin, Message, Flag, AuditEvent, EhrIntake, EhrOutbox)


@pytest.fixture
def fuzz_app(app_config: dict[str, Any]):  # type: ignore[no-untyped-def]
    from conftest import T0

    app = create_app(app_config, clock=FixedClock(T0), sms=ConsoleBackend())
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
        assert counts(app) == before, f"{case.method} {case.path} refused but stored something"
