"""What happens when a patient texts us.

One function, ``handle_inbound``, serves Twilio's webhook and the dev phone
alike, so the dev phone exercises exactly what production does. It is
idempotent per provider message id: Twilio retries webhooks, and a retried
"chest pain" must not page a nurse twice.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from followup.consent import HELP_WORDS, START_WORDS, STOP_WORDS, opt_in, opt_out
from followup.dispatch import STAFF_KIND
from followup.flags import TRIAGE_TO_FLAG, open_flag
from followup.models import Checkin, Clinic, Flag, Message, Patient
from followup.notify import patient_text
from followup.triage import PriorFinding, Rulebook, triage

log = logging.getLogger(__name__)

# A reply more than this long after the last check-in is not an answer to it.
ANSWER_WINDOW = timedelta(days=8)
# A bare "yes" is read against a check-in question only this long after it.
QUESTION_WINDOW = timedelta(hours=24)
# Earlier reports that "worse" or "still" can refer to.
HISTORY_WINDOW = timedelta(days=10)
KEYWORD_RE = re.compile(r"^\W*([A-Za-z]+)\W*$")


@dataclass(frozen=True)
class InboundOutcome:
    reply: str
    message_id: int
    duplicate: bool = False
    level: str | None = None
    flag_id: int | None = None


def handle_inbound(
    session: Session,
    *,
    from_number: str,
    to_number: str,
    body: str,
    sid: str,
    now: datetime,
    rulebook: Rulebook | None = None,
) -> InboundOutcome:
    """Store, understand and answer one inbound text. The caller commits.

    The unique provider id decides whether a webhook is a repeat: inserting
    first and catching the conflict is both race-free and one query cheaper
    than looking first."""
    clinic, patient = _identify(session, from_number, to_number)
    message = Message(
        clinic_id=clinic.id if clinic else None, patient_id=patient.id if patient else None,
        direction="in", body=body, from_number=from_number, to_number=to_number,
        provider_sid=sid, status="received", created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(message)
    except IntegrityError:  # the same webhook again (a retry, or concurrently)
        previous = _already_handled(session, sid)
        assert previous is not None
        return previous
    if patient is None:
        log.info("inbound message %s from an unknown number", message.id)
        reply = patient_text("unknown_number", "en", clinic)
        return _answer(session, message, reply, clinic, None, now)
    assert clinic is not None
    keyword = _keyword(body)
    if keyword in STOP_WORDS:
        cancelled = opt_out(session, patient, now)
        log.info("patient %s opted out; %d check-ins cancelled", patient.id, cancelled)
        return _answer(session, message, patient_text("opted_out", patient.language, clinic),
                       clinic, patient, now)
    if keyword in START_WORDS:
        restored = opt_in(session, patient, now)
        log.info("patient %s opted back in; %d check-ins restored", patient.id, restored)
        return _answer(session, message, patient_text("opted_in", patient.language, clinic),
                       clinic, patient, now)
    if keyword in HELP_WORDS:
        return _answer(session, message, patient_text("help", patient.language, clinic),
                       clinic, patient, now)
    return _triage(session, message, clinic, patient, now, rulebook)


def _triage(session: Session, message: Message, clinic: Clinic, patient: Patient,
            now: datetime, rulebook: Rulebook | None) -> InboundOutcome:
    checkin = _answered_checkin(session, patient, now)
    question = None
    if checkin is not None:
        message.checkin_id = checkin.id
        question = _question_of(session, checkin, now)
        _mark_answered(session, checkin, now)
    result = triage(message.body, lang=patient.language, rulebook=rulebook, question=question,
                    history=_history(session, patient, message, now))
    findings = [f.to_dict() for f in result.findings]
    message.level, message.findings = result.level, findings
    message.reasons = list(result.reasons) or None
    flag: Flag | None = None
    flag_level = TRIAGE_TO_FLAG.get(result.level)
    if flag_level is not None:
        flag = open_flag(
            session, clinic_id=clinic.id, patient_id=patient.id, level=flag_level,
            reason="question" if result.level == "unclear" else "triage", now=now,
            message_id=message.id, checkin_id=checkin.id if checkin else None,
            findings=findings, detail=_detail(result.reasons),
        )
    log.info("inbound message %s from patient %s triaged %s%s", message.id, patient.id,
             result.level, f", flag {flag.id}" if flag else "")
    reply = patient_text(f"reply_{result.level}", patient.language, clinic)
    outcome = _answer(session, message, reply, clinic, patient, now)
    return InboundOutcome(outcome.reply, message.id, level=result.level,
                          flag_id=flag.id if flag else None)


def _answer(session: Session, inbound: Message, reply: str, clinic: Clinic | None,
            patient: Patient | None, now: datetime) -> InboundOutcome:
    """Record the reply we return in the webhook's TwiML."""
    session.add(Message(
        clinic_id=clinic.id if clinic else None, patient_id=patient.id if patient else None,
        reply_to_id=inbound.id, checkin_id=inbound.checkin_id, direction="out", body=reply,
        from_number=inbound.to_number, to_number=inbound.from_number, status="sent",
        created_at=now,
    ))
    return InboundOutcome(reply, inbound.id, level=inbound.level)


def _already_handled(session: Session, sid: str) -> InboundOutcome | None:
    existing = session.scalar(select(Message).where(Message.provider_sid == sid))
    if existing is None:
        return None
    reply = session.scalar(select(Message.body).where(Message.reply_to_id == existing.id))
    return InboundOutcome(reply or "", existing.id, duplicate=True, level=existing.level)


def _identify(session: Session, from_number: str,
              to_number: str) -> tuple[Clinic | None, Patient | None]:
    """The clinic by the number texted, the patient by the number texting.

    When a deployment shares one sending number between clinics, the patient's
    number alone decides, but only when it belongs to exactly one clinic."""
    row = session.execute(
        select(Clinic, Patient)
        .outerjoin(Patient, and_(Patient.clinic_id == Clinic.id, Patient.phone == from_number))
        .where(Clinic.sms_number == to_number)
    ).first()
    if row is not None:
        return row[0], row[1]
    candidates = session.scalars(select(Patient).where(Patient.phone == from_number)).all()
    if len(candidates) == 1:
        return candidates[0].clinic, candidates[0]
    return None, None


def _answered_checkin(session: Session, patient: Patient, now: datetime) -> Checkin | None:
    return session.scalar(
        select(Checkin)
        .where(Checkin.patient_id == patient.id, Checkin.status == "sent",
               Checkin.kind != STAFF_KIND,
               Checkin.sent_at <= now, Checkin.sent_at >= now - ANSWER_WINDOW)
        .order_by(Checkin.sent_at.desc(), Checkin.id.desc())
        .limit(1)
    )


def _question_of(session: Session, checkin: Checkin, now: datetime) -> str | None:
    """The check-in question a short answer ("yes", "2") refers to: only a
    recent one; a reminder repeats the question of the check-in it chases."""
    if checkin.sent_at is None or now - checkin.sent_at > QUESTION_WINDOW:
        return None
    if checkin.reminder_for_id is not None:
        original = session.get(Checkin, checkin.reminder_for_id)
        return original.template if original is not None else None
    return checkin.template


def _history(session: Session, patient: Patient, message: Message,
             now: datetime) -> list[PriorFinding]:
    """What the patient reported lately, so "worse" and "still" can be read."""
    rows = session.execute(
        select(Message.findings, Message.created_at)
        .where(Message.patient_id == patient.id, Message.direction == "in",
               Message.id != message.id, Message.created_at >= now - HISTORY_WINDOW,
               Message.findings.is_not(None))
        .order_by(Message.created_at)
    ).all()
    return [
        PriorFinding(key=f["key"], level=f["level"], at=at)
        for findings, at in rows for f in (findings or [])
        if isinstance(f, dict) and "key" in f and "level" in f
    ]


def _detail(reasons: tuple[str, ...]) -> str | None:
    text = "; ".join(reasons)
    return text[:252] + "..." if len(text) > 255 else (text or None)


def _mark_answered(session: Session, checkin: Checkin, now: datetime) -> None:
    """An answer closes the loop: on the check-in, and on the one a reminder chased."""
    if checkin.answered_at is None:
        checkin.answered_at = now
    if checkin.reminder_for_id is not None:
        original = session.get(Checkin, checkin.reminder_for_id)
        if original is not None and original.answered_at is None:
            original.answered_at = now


def _keyword(body: str) -> str | None:
    match = KEYWORD_RE.match(body or "")
    return match.group(1).upper() if match else None
