"""What tests build again and again: enrolments, inbound texts, due check-ins.

Why one module: each test file used to carry its own near-copy of an ``enrol()``
helper, and the copies drifted (one asserted the 201, one did not; one sent
``first_infusion``, one the product). Here each thing is built one way, and a
test says only what is special about its case, as keyword arguments.

Two ways to enrol:
  ``enrol`` / ``post_enrolment`` go through ``POST /api/enrollments``, as a
  clinic's system would (the test client and a ``ClinicHandle``);
  ``enrol_in_db`` calls the domain service directly, for tests that need a
  patient and no HTTP (staff pages, end-to-end tests).
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any

from conftest import ClinicHandle, post_twilio
from flask.testing import FlaskClient

from followup.clock import Clock
from followup.config import Settings
from followup.extensions import Services
from followup.messaging.outbound import Outbound
from followup.messaging.sms.base import SmsBackend
from followup.models import Checkin, Clinic, Infusion, Patient
from followup.patients.enrollment import EnrollmentRequest, enroll

# The clinic ``north`` (conftest) texts from this number; the patient most tests
# follow texts from the other.
CLINIC_NUMBER = "+13125550199"
PATIENT_PHONE = "+13125550123"
# Tuesday 10 Nov 2026, 14:00 in Chicago: the infusion most tests start from.
INFUSION_AT = "2026-11-10T14:00:00-06:00"


def enrolment_body(**overrides: Any) -> dict[str, Any]:
    """The JSON of ``POST /api/enrollments``: Maria, the usual infusion, plus ``overrides``."""
    return {"phone": PATIENT_PHONE, "first_name": "Maria", "infusion_at": INFUSION_AT,
            **overrides}


def post_enrolment(client: FlaskClient, clinic: ClinicHandle, **overrides: Any) -> Any:
    """POST an enrolment and return the response, whatever its status (for tests of refusals)."""
    return client.post("/api/enrollments", headers=clinic.auth,
                       json=enrolment_body(**overrides))


def enrol(client: FlaskClient, clinic: ClinicHandle, **overrides: Any) -> dict[str, Any]:
    """Enrol through the API; the enrolment must succeed. Returns the created JSON."""
    response = post_enrolment(client, clinic, **overrides)
    assert response.status_code == 201, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def enrol_in_db(svc: Services, clinic: Clinic, *, phone: str = PATIENT_PHONE,
                first_name: str = "Maria", infusion_at: datetime | None = None,
                hours_ago: float = 1, product: str | None = "Privigen",
                lot: str | None = "P100234", first_infusion: bool = True,
                external_id: str | None = None, language: str = "en") -> int:
    """Enrol through the domain service (no HTTP), committed; returns the patient id.

    The infusion ended ``hours_ago`` before the clock's now unless ``infusion_at``
    is given; the time zone is the clinic's."""
    now = svc.clock.now()
    with svc.sessions() as s:
        row = s.get(Clinic, clinic.id)
        assert row is not None
        request = EnrollmentRequest(
            phone=phone, first_name=first_name,
            infusion_at=infusion_at or now - timedelta(hours=hours_ago),
            timezone=row.timezone, language=language, product=product, lot=lot,
            first_infusion=first_infusion, external_id=external_id)
        result = enroll(s, row, request, settings=svc.settings, now=now)
        s.commit()
        return result.patient.id


def text_in(client: FlaskClient, body: str, sid: str = "SM" + "1" * 32, *,
            from_: str = PATIENT_PHONE, to: str = CLINIC_NUMBER) -> Any:
    """A patient's text reaching the inbound webhook, signed as Twilio signs it."""
    return post_twilio(client, "/twilio/inbound",
                       {"From": from_, "To": to, "Body": body, "MessageSid": sid})


def twiml_reply(response: Any) -> str:
    """The text of the one ``<Message>`` in a webhook's TwiML answer, unescaped."""
    xml = response.get_data(as_text=True)
    return html.unescape(xml.split("<Message>")[1].split("</Message>")[0])


def text_in_ok(client: FlaskClient, body: str, sid: str = "SM" + "1" * 32,
               **sender: str) -> Any:
    """``text_in`` (``from_``/``to`` likewise), which the webhook must accept (200)."""
    response = text_in(client, body, sid, **sender)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def answer_to(client: FlaskClient, body: str, sid: str = "SM" + "1" * 32,
              **sender: str) -> str:
    """``text_in_ok``, returning the text of the reply the patient gets."""
    return twiml_reply(text_in_ok(client, body, sid, **sender))


def api_flags(client: FlaskClient, clinic: ClinicHandle) -> list[dict[str, Any]]:
    """The clinic's flags as ``GET /api/flags`` lists them."""
    return client.get("/api/flags", headers=clinic.auth).get_json()  # type: ignore[no-any-return]


def add_due_checkin(s: Any, clinic_id: int, *, phone: str, first_name: str,
                    at: datetime) -> Checkin:
    """Rows, without the enrolment service: a patient whose day-1 check-in is due at ``at``
    (infusion the day before, Chicago). Added to ``s``, not committed."""
    patient = Patient(clinic_id=clinic_id, phone=phone, first_name=first_name, language="en",
                      timezone="America/Chicago", created_at=at)
    s.add(patient)
    s.flush()
    infusion = Infusion(patient_id=patient.id, ended_at=at - timedelta(days=1),
                        timezone="America/Chicago", created_at=at)
    s.add(infusion)
    s.flush()
    checkin = Checkin(patient_id=patient.id, infusion_id=infusion.id, kind="day1",
                      template="checkin_early", due_at=at, next_attempt_at=at, created_at=at)
    s.add(checkin)
    return checkin


def way_out(svc: Services, sms: SmsBackend | None = None, clock: Clock | None = None, *,
            settings: Settings | None = None, **pacing: Any) -> Outbound:
    """The one way out on a test's own SMS backend, clock or settings (``pacer``,
    ``sleep``, ``max_pace_wait`` as keywords): the dispatcher, the escalator and the
    digest take an ``Outbound``, never a backend of their own."""
    return Outbound(settings=settings or svc.settings, sessions=svc.sessions,
                    sms=sms if sms is not None else svc.sms,
                    clock=clock if clock is not None else svc.clock, **pacing)
