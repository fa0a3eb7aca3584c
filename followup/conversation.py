"""What happens when a patient texts us.

One function, ``handle_inbound``, serves Twilio's webhook and the dev phone
alike, so the dev phone exercises exactly what production does. It is
idempotent per provider message id: Twilio retries webhooks, and a retried
"chest pain" must not page a nurse twice.

This is the hottest path in the service (every reply from every patient,
inside Twilio's webhook timeout), so it talks SQL directly on the session's
connection: a handful of statements, each compiled once per process, in the
request's one transaction. The rare paths (STOP, START, HELP) use the ORM.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from followup import askback
from followup.consent import KEYWORDS, START_WORDS, STOP_WORDS, opt_in, opt_out
from followup.dispatch import STAFF_KIND
from followup.flags import TRIAGE_TO_FLAG, open_flag
from followup.models import Checkin, Clinic, Message, Patient
from followup.notify import patient_text
from followup.triage import PriorFinding, Rulebook, TriageResult, triage

log = logging.getLogger(__name__)

# A reply more than this long after the last check-in is not an answer to it.
ANSWER_WINDOW = timedelta(days=8)
# A bare "yes" is read against a check-in question only this long after it.
QUESTION_WINDOW = timedelta(hours=24)
# Earlier reports that "worse" or "still" can refer to.
HISTORY_WINDOW = timedelta(days=10)
KEYWORD_RE = re.compile(r"^\W*([A-Za-z]+)\W*$")

messages = Message.__table__
checkins = Checkin.__table__
clinics = Clinic.__table__
patients = Patient.__table__

# The hot path's statements, built once: building and cache-keying a
# statement costs more than running it.
_SENDER_COLUMNS = (clinics.c.id, clinics.c.name, clinics.c.phone, clinics.c.emergency_number,
                   patients.c.id.label("patient_id"), patients.c.language)
SENDER_BY_CLINIC_NUMBER = (
    select(*_SENDER_COLUMNS).select_from(clinics)
    .outerjoin(patients, and_(patients.c.clinic_id == clinics.c.id,
                              patients.c.phone == bindparam("from_number")))
    .where(clinics.c.sms_number == bindparam("to_number"))
)
SENDER_BY_PHONE = (
    select(*_SENDER_COLUMNS).join(patients, patients.c.clinic_id == clinics.c.id)
    .where(patients.c.phone == bindparam("from_number")).limit(2)
)
_original = checkins.alias("original")
LAST_CHECKIN_SENT = (
    select(checkins.c.id, checkins.c.template, checkins.c.sent_at, checkins.c.reminder_for_id,
           _original.c.template.label("original_template"))
    .outerjoin(_original, _original.c.id == checkins.c.reminder_for_id)
    .where(checkins.c.patient_id == bindparam("patient_id"), checkins.c.status == "sent",
           checkins.c.kind != STAFF_KIND,
           checkins.c.sent_at <= bindparam("now"), checkins.c.sent_at >= bindparam("since"))
    .order_by(checkins.c.sent_at.desc(), checkins.c.id.desc())
    .limit(1)
)
RECENT_FINDINGS = (
    select(messages.c.id, messages.c.findings, messages.c.created_at)
    .where(messages.c.patient_id == bindparam("patient_id"), messages.c.direction == "in",
           messages.c.created_at >= bindparam("since"), messages.c.findings.is_not(None))
    .order_by(messages.c.created_at)
)
CLOSE_CHECKINS = (
    update(checkins)
    .where(checkins.c.id.in_(bindparam("ids", expanding=True)), checkins.c.answered_at.is_(None))
    .values(answered_at=bindparam("now"))
)
INSERT_MESSAGE = insert(messages)
MESSAGE_BY_SID = select(messages.c.id, messages.c.level).where(
    messages.c.provider_sid == bindparam("sid"))
REPLY_TO = select(messages.c.body).where(messages.c.reply_to_id == bindparam("inbound_id"))
INSERT_ONCE = {
    name: dialect.insert(messages).on_conflict_do_nothing(
        index_elements=["provider_sid"]).returning(messages.c.id)
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}
INSERT_RETURNING_ID = insert(messages).returning(messages.c.id)


@dataclass(frozen=True)
class InboundOutcome:
    reply: str
    message_id: int
    duplicate: bool = False
    level: str | None = None
    flag_id: int | None = None


@dataclass(frozen=True)
class _Sender:
    """Who texted, as far as the reply needs to know."""

    clinic: Row[Any] | None  # id, name, phone, emergency_number of the clinic texted
    patient_id: int | None
    language: str


@dataclass(frozen=True)
class _Answered:
    """The check-in a reply answers, and what it asked."""

    id: int
    ids_to_close: tuple[int, ...]
    question: str | None
    sent_at: datetime | None = None


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
    with "on conflict do nothing" is race-free (a concurrent twin waits for
    the first to commit) and costs no extra query."""
    conn = session.connection()
    sender = _identify(conn, from_number, to_number)
    clinic_id = sender.clinic.id if sender.clinic is not None else None
    row: dict[str, Any] = {
        "clinic_id": clinic_id, "patient_id": sender.patient_id, "direction": "in",
        "body": body, "from_number": from_number, "to_number": to_number,
        "provider_sid": sid, "status": "received", "created_at": now,
    }
    keyword = _keyword(body)
    if sender.patient_id is None or keyword in KEYWORDS:
        message_id = _insert_once(conn, row)
        if message_id is None:
            return _already_handled(conn, sid)
        return _handle_keyword(session, sender, keyword, message_id, row, now)

    answered = _answered_checkin(conn, sender.patient_id, now)
    recent = conn.execute(RECENT_FINDINGS, {"patient_id": sender.patient_id,
                                            "since": now - HISTORY_WINDOW}).all()
    asked = askback.pending(recent, answered.sent_at if answered else None, now,
                            QUESTION_WINDOW)
    question = askback.QUESTION if asked is not None else (
        answered.question if answered else None)
    result = triage(body, lang=sender.language, rulebook=rulebook, question=question,
                    history=_history(recent))
    findings = [f.to_dict() for f in result.findings]
    if result.ask_back:
        findings.append(askback.marker(result))
    row.update(level=result.level, findings=findings, reasons=list(result.reasons) or None,
               checkin_id=answered.id if answered else None)
    message_id = _insert_once(conn, row)
    if message_id is None:  # the same webhook again (a retry, or concurrently)
        return _already_handled(conn, sid)
    if answered is not None:
        conn.execute(CLOSE_CHECKINS, {"ids": list(answered.ids_to_close), "now": now})
    flag_id = askback.answer(session, asked, result, message_id, findings, now) \
        if asked is not None else None
    if flag_id is None:
        flag_id = _flag(session, sender, result, message_id, answered, findings, now)
    log.info("inbound message %s from patient %s triaged %s%s%s", message_id,
             sender.patient_id, result.level, " (asked back)" if result.ask_back else "",
             f", flag {flag_id}" if flag_id else "")
    reply = patient_text(askback.QUESTION if result.ask_back else f"reply_{result.level}",
                         sender.language, sender.clinic)
    _record_reply(conn, row, message_id, reply)
    return InboundOutcome(reply, message_id, level=result.level, flag_id=flag_id)


def _handle_keyword(session: Session, sender: _Sender, keyword: str | None, message_id: int,
                    row: dict[str, Any], now: datetime) -> InboundOutcome:
    """Unknown numbers and the carrier keywords: rare, so plain ORM."""
    conn = session.connection()
    if sender.patient_id is None:
        log.info("inbound message %s from an unknown number", message_id)
        reply = patient_text("unknown_number", "en", sender.clinic)
    else:
        patient = session.get_one(Patient, sender.patient_id)
        if keyword in STOP_WORDS:
            cancelled = opt_out(session, patient, now)
            log.info("patient %s opted out; %d check-ins cancelled", patient.id, cancelled)
            reply = patient_text("opted_out", sender.language, sender.clinic)
        elif keyword in START_WORDS:
            restored = opt_in(session, patient, now)
            log.info("patient %s opted back in; %d check-ins restored", patient.id, restored)
            reply = patient_text("opted_in", sender.language, sender.clinic)
        else:
            reply = patient_text("help", sender.language, sender.clinic)
    _record_reply(conn, row, message_id, reply)
    return InboundOutcome(reply, message_id)


def _flag(session: Session, sender: _Sender, result: TriageResult, message_id: int,
          answered: _Answered | None, findings: list[dict[str, Any]], now: datetime) -> int | None:
    flag_level = "urgent" if result.ask_back else TRIAGE_TO_FLAG.get(result.level)
    if flag_level is None or sender.patient_id is None or sender.clinic is None:
        return None
    if result.ask_back:
        reason, detail = askback.REASON, askback.detail(result)
    else:
        reason = "question" if result.level == "unclear" else "triage"
        detail = _detail(result.reasons)
    return open_flag(
        session, clinic_id=sender.clinic.id, patient_id=sender.patient_id, level=flag_level,
        reason=reason, now=now, message_id=message_id,
        checkin_id=answered.id if answered else None, findings=findings, detail=detail,
    )


def _insert_once(conn: Connection, row: dict[str, Any]) -> int | None:
    """Insert the inbound message; None if its provider id is already stored."""
    stmt = INSERT_ONCE.get(conn.dialect.name)
    if stmt is not None:
        return conn.execute(stmt, row).scalar()
    try:
        with conn.begin_nested():
            return conn.execute(INSERT_RETURNING_ID, row).scalar_one()
    except IntegrityError:
        return None


def _record_reply(conn: Connection, inbound: dict[str, Any], inbound_id: int, reply: str) -> None:
    """Record the reply we return in the webhook's TwiML."""
    conn.execute(INSERT_MESSAGE, {
        "clinic_id": inbound["clinic_id"], "patient_id": inbound["patient_id"],
        "reply_to_id": inbound_id, "checkin_id": inbound.get("checkin_id"), "direction": "out",
        "body": reply, "from_number": inbound["to_number"], "to_number": inbound["from_number"],
        "status": "sent", "created_at": inbound["created_at"],
    })


def _already_handled(conn: Connection, sid: str) -> InboundOutcome:
    existing = conn.execute(MESSAGE_BY_SID, {"sid": sid}).one()
    reply = conn.scalar(REPLY_TO, {"inbound_id": existing.id})
    return InboundOutcome(reply or "", existing.id, duplicate=True, level=existing.level)


def _identify(conn: Connection, from_number: str, to_number: str) -> _Sender:
    """The clinic by the number texted, the patient by the number texting.

    When a deployment shares one sending number between clinics, the patient's
    number alone decides, but only when it belongs to exactly one clinic."""
    params = {"from_number": from_number, "to_number": to_number}
    row = conn.execute(SENDER_BY_CLINIC_NUMBER, params).first()
    if row is None:
        candidates = conn.execute(SENDER_BY_PHONE, params).all()
        if len(candidates) != 1:
            return _Sender(None, None, "en")
        row = candidates[0]
    if row.patient_id is None:
        return _Sender(row, None, "en")
    return _Sender(row, row.patient_id, row.language or "en")


def _answered_checkin(conn: Connection, patient_id: int, now: datetime) -> _Answered | None:
    """The latest check-in sent to the patient, if a reply now can answer it;
    a reminder repeats, and closes, the check-in it chases."""
    row = conn.execute(LAST_CHECKIN_SENT, {"patient_id": patient_id, "now": now,
                                           "since": now - ANSWER_WINDOW}).first()
    if row is None:
        return None
    question = None
    if row.sent_at is not None and now - row.sent_at <= QUESTION_WINDOW:
        question = row.original_template if row.reminder_for_id is not None else row.template
    ids = (row.id,) if row.reminder_for_id is None else (row.id, row.reminder_for_id)
    return _Answered(row.id, ids, question, row.sent_at)


def _history(rows: Sequence[Row[Any]]) -> list[PriorFinding]:
    """What the patient reported lately, so "worse" and "still" can be read."""
    return [
        PriorFinding(key=f["key"], level=f["level"], at=at)
        for _, findings, at in rows for f in (findings or [])
        if isinstance(f, dict) and "key" in f and "level" in f
    ]


def _detail(reasons: tuple[str, ...]) -> str | None:
    text = "; ".join(reasons)
    return text[:252] + "..." if len(text) > 255 else (text or None)


def _keyword(body: str) -> str | None:
    match = KEYWORD_RE.match(body or "")
    return match.group(1).upper() if match else None
