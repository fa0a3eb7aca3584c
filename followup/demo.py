"""The demo clinic `make run` starts with: three patients at different points
of their follow-up, so a newcomer sees due, sent and skipped check-ins at once."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from itertools import zip_longest
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from followup.audit import audit
from followup.conversation import handle_inbound
from followup.enrollment import EnrollmentRequest, enroll
from followup.models import Checkin, Clinic, Message, User
from followup.notify import checkin_text
from followup.tokens import issue_token
from followup.triage import Rulebook

if TYPE_CHECKING:
    from followup.app import Services

DEMO_SLUG = "demo"
DEMO_EMAIL = "admin@demo.example"
# (first name, language, hours since the infusion ended, first infusion, product, lot,
#  what they answered to the check-ins already sent, oldest first)
PATIENTS = (
    ("Ana", "es", 2, True, "Privigen", "P100234", ()),
    ("Ben", "en", 26, True, "Gammagard Liquid", "LE12F045", ("slight headache, otherwise ok",)),
    ("Cara", "en", 6 * 24 + 2, False, "Octagam 10%", "M2417",
     ("all good", "a bit tired", "no swelling, peeing normal")),
)
PHONES = ("+13125550141", "+13125550142", "+13125550143")
# An on-call ladder so an unacknowledged emergency pages someone: with the
# console backend (the demo's), each page is printed in the server's log.
ONCALL = ({"name": "Dr Lee (demo)", "phone": "+13125550181"},
          {"name": "Kim (demo)", "phone": "+13125550182"})


def seed(session: Session, svc: Services) -> tuple[str, str, str] | None:
    """Create the demo data once; returns (email, password, API token) or None."""
    if session.scalar(select(Clinic).where(Clinic.slug == DEMO_SLUG)) is not None:
        return None
    now = svc.clock.now()
    clinic = Clinic(slug=DEMO_SLUG, name="Demo Infusion Center", phone="+13125550100",
                    timezone="America/Chicago", sms_number="+13125550199",
                    emergency_number="911", show_product_in_texts=False,
                    oncall_phones=[dict(r) for r in ONCALL], created_at=now)
    session.add(clinic)
    session.flush()
    password = secrets.token_urlsafe(12)
    session.add(User(clinic_id=clinic.id, email=DEMO_EMAIL, role="admin",
                     password_hash=generate_password_hash(password), created_at=now))
    token = issue_token(session, clinic, "demo", actor="cli", now=now)
    for (name, lang, hours_ago, first, product, lot, answers), phone in zip(
        PATIENTS, PHONES, strict=True
    ):
        request = EnrollmentRequest(
            phone=phone, first_name=name, infusion_at=now - timedelta(hours=hours_ago),
            timezone=clinic.timezone, language=lang, product=product, lot=lot,
            first_infusion=first, external_id=None,
        )
        result = enroll(session, clinic, request, settings=svc.settings, now=now)
        _replay_history(session, clinic, result.checkins, answers, now, svc.rulebook)
    audit(session, clinic_id=clinic.id, actor="cli", action="demo.seed", now=now)
    session.flush()
    return DEMO_EMAIL, password, token


def _replay_history(session: Session, clinic: Clinic, checkins: list[Checkin],
                    answers: tuple[str, ...], now: datetime, rulebook: Rulebook) -> None:
    """Mark the check-ins already due as sent and answered, as if the service
    had been running: a newcomer sees real threads on the dev phone at once."""
    past = [c for c in checkins if c.status == "pending" and c.next_attempt_at <= now]
    for checkin, answer in zip_longest(past, answers):
        if checkin is None:
            break
        patient = checkin.patient
        session.add(Message(
            clinic_id=clinic.id, patient_id=patient.id, checkin_id=checkin.id,
            direction="out", body=checkin_text(patient, clinic, checkin.infusion.product,
                                               checkin.template, checkin.kind),
            from_number=clinic.sms_number, to_number=patient.phone,
            provider_sid="SMdemo" + secrets.token_hex(13), status="delivered",
            created_at=checkin.next_attempt_at,
        ))
        checkin.status, checkin.sent_at, checkin.attempts = "sent", checkin.next_attempt_at, 1
        session.flush()
        if answer is not None:
            handle_inbound(session, from_number=patient.phone, to_number=clinic.sms_number or "",
                           body=answer, sid="SMdemo" + secrets.token_hex(13),
                           now=checkin.next_attempt_at + timedelta(minutes=25),
                           rulebook=rulebook)


__all__ = ["seed"]
