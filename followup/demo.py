"""The demo clinic `make run` starts with: five patients at different points of their
follow-up, so a newcomer sees due, sent and skipped check-ins, and a queue with open flags
of each level, at once.

The patients' answers go through the real inbound path (`handle_inbound`: triage, reply,
flag), so what the queue shows is what the service would have done, not rows made up here.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from itertools import zip_longest
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from followup.messaging.inbound import handle_inbound
from followup.messaging.notify import checkin_text
from followup.models import (
    Checkin,
    CheckinStatus,
    Clinic,
    Direction,
    Message,
    MessageStatus,
    Role,
    User,
)
from followup.patients.enrollment import EnrollmentRequest, enroll
from followup.staff.audit import audit
from followup.staff.tokens import issue_token
from followup.triage import Rulebook

if TYPE_CHECKING:
    from followup.extensions import Services

DEMO_SLUG = "demo"
DEMO_EMAIL = "admin@demo.example"
# (first name, language, hours since the infusion ended, first infusion, product, lot,
#  their answers to the check-ins already sent, oldest first, and a text of their own
#  sent a few minutes ago). Dan's, Elena's and Cara's latest texts leave an emergency, an
#  urgent and a routine flag on the queue, fresh enough for escalation to happen live.
PATIENTS = (
    ("Ana", "es", 2, True, "Privigen", "P100234", (), None),
    ("Ben", "en", 26, True, "Gammagard Liquid", "LE12F045",
     ("slight headache, otherwise ok",), None),
    ("Cara", "en", 6 * 24 + 2, False, "Octagam 10%", "M2417", ("all good", "a bit tired"),
     (50, "Can someone call me about my next appointment?")),
    ("Dan", "en", 3 * 24 + 2, True, "Privigen", "P100311", ("feeling ok",),
     (3, "my chest feels tight and I can't catch my breath")),
    ("Elena", "es", 4 * 24 + 3, False, "Gamunex-C", "G7730", ("bien, gracias",),
     (25, "casi no he orinado hoy y la orina sale muy oscura")),
)
PHONES = ("+13125550141", "+13125550142", "+13125550143", "+13125550144", "+13125550145")
# How long after a check-in the demo patient answers it.
ANSWER_AFTER = timedelta(minutes=25)
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
    session.add(User(clinic_id=clinic.id, email=DEMO_EMAIL, role=Role.ADMIN,
                     password_hash=generate_password_hash(password), created_at=now))
    token = issue_token(session, clinic, "demo", actor="cli", now=now)
    for (name, lang, hours_ago, first, product, lot, answers, latest), phone in zip(
        PATIENTS, PHONES, strict=True
    ):
        request = EnrollmentRequest(
            phone=phone, first_name=name, infusion_at=now - timedelta(hours=hours_ago),
            timezone=clinic.timezone, language=lang, product=product, lot=lot,
            first_infusion=first, external_id=None,
        )
        result = enroll(session, clinic, request, settings=svc.settings, now=now)
        _replay_history(session, clinic, result.checkins, answers, latest, now, svc.rulebook)
    audit(session, clinic_id=clinic.id, actor="cli", action="demo.seed", now=now)
    session.flush()
    return DEMO_EMAIL, password, token


def _replay_history(session: Session, clinic: Clinic, checkins: list[Checkin],
                    answers: tuple[str, ...], latest: tuple[int, str] | None, now: datetime,
                    rulebook: Rulebook) -> None:
    """Mark the check-ins already due as sent (answered, oldest first, while answers
    last), as if the service had been running, then send the patient's latest text
    ``latest[0]`` minutes ago: a newcomer sees real threads and a live queue at once.
    An answer that would come after the latest text is left out (a thread in order)."""
    past = [c for c in checkins if c.status == CheckinStatus.PENDING and c.next_attempt_at <= now]
    cap = now - timedelta(minutes=latest[0] + 1) if latest is not None else now
    for checkin, answer in zip_longest(past, answers[:len(past)]):
        patient = checkin.patient
        session.add(Message(
            clinic_id=clinic.id, patient_id=patient.id, checkin_id=checkin.id,
            direction=Direction.OUTBOUND,
            body=checkin_text(patient, clinic, checkin.infusion.product, checkin.template,
                              checkin.kind),
            from_number=clinic.sms_number, to_number=patient.phone,
            provider_sid="SMdemo" + secrets.token_hex(13), status=MessageStatus.DELIVERED,
            created_at=checkin.next_attempt_at,
        ))
        checkin.status, checkin.sent_at = CheckinStatus.SENT, checkin.next_attempt_at
        checkin.attempts = 1
        session.flush()
        if answer is not None and checkin.next_attempt_at + ANSWER_AFTER <= cap:
            _text_in(session, clinic, patient.phone, answer,
                     checkin.next_attempt_at + ANSWER_AFTER, rulebook)
    if latest is not None:
        minutes, text = latest
        _text_in(session, clinic, checkins[0].patient.phone, text,
                 now - timedelta(minutes=minutes), rulebook)


def _text_in(session: Session, clinic: Clinic, phone: str, body: str, at: datetime,
             rulebook: Rulebook) -> None:
    """A text from a demo patient, handled exactly as a webhook's would be."""
    handle_inbound(session, from_number=phone, to_number=clinic.sms_number or "", body=body,
                   sid="SMdemo" + secrets.token_hex(13), now=at, rulebook=rulebook)


def try_it(base_url: str, token: str, now: datetime) -> str:
    """Commands a newcomer pastes to enrol one more patient and send what is due.

    The infusion time is worked out here, three hours before ``now``, so the README needs
    no shell date arithmetic (GNU's ``date -d`` does not exist on macOS)."""
    body = json.dumps({
        "phone": "(312) 555-0188", "first_name": "Sam", "language": "en",
        "infusion_at": (now - timedelta(hours=3)).isoformat(timespec="seconds"),
        "first_infusion": True, "product": "Privigen", "lot": "P100234",
    })
    return "\n".join((
        f"curl -s -X POST {base_url}/api/enrollments \\",
        f"  -H 'Authorization: Bearer {token}' -H 'Content-Type: application/json' \\",
        f"  -d '{body}'",
    ))


__all__ = ["seed", "try_it"]
