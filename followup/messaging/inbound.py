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
from typing import Any, TypeAlias

from sqlalchemy import Connection, Row, and_, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from followup.care import askback
from followup.care.flags import TRIAGE_TO_FLAG, open_flag
from followup.messaging.notify import patient_text
from followup.models import (
    Checkin,
    CheckinKind,
    CheckinStatus,
    Clinic,
    Direction,
    FlagLevel,
    FlagReason,
    Infusion,
    Message,
    MessageStatus,
    Patient,
    TriageLevel,
    table,
)
from followup.patients.consent import (
    KEYWORDS,
    START_WORDS,
    STOP_WORDS,
    opt_in,
    opt_out_mid_followup,
)
from followup.triage import PriorFinding, Rulebook, TriageResult, triage

log = logging.getLogger(__name__)

# A reply more than this long after the last check-in is not an answer to it.
ANSWER_WINDOW = timedelta(days=8)
# A bare "yes" is read against a check-in question only this long after it.
QUESTION_WINDOW = timedelta(hours=24)
# Earlier reports that "worse" or "still" can refer to.
HISTORY_WINDOW = timedelta(days=10)
KEYWORD_RE = re.compile(r"^\W*([A-Za-z]+)\W*$")
# STOP and START act on the sending number for that phone (the carrier's rule).
OPT_WORDS = frozenset(STOP_WORDS) | frozenset(START_WORDS)
WORD_RE = re.compile(r"[^\W_]+")

# A row of any width (SQLAlchemy 2.1 types a Row by its columns).
AnyRow: TypeAlias = "Row[*tuple[Any, ...]]"

messages = table(Message)
checkins = table(Checkin)
clinics = table(Clinic)
patients = table(Patient)

# The hot path's statements, built once: building and cache-keying a
# statement costs more than running it.
_SENDER_COLUMNS = (clinics.c.id, clinics.c.name, clinics.c.phone, clinics.c.emergency_number,
                   patients.c.id.label("patient_id"), patients.c.language,
                   patients.c.first_name)
SENDER_BY_CLINIC_NUMBER = (
    select(*_SENDER_COLUMNS).select_from(clinics)
    .outerjoin(patients, and_(patients.c.clinic_id == clinics.c.id,
                              patients.c.phone == bindparam("from_number")))
    .where(clinics.c.sms_number == bindparam("to_number"))
)
_infusions = table(Infusion)
# Every clinic where the number is a patient, with what tells them apart: the
# most recent infusion (whose follow-up is the active one) and opt-out.
SENDERS_BY_PHONE = (
    select(*_SENDER_COLUMNS, patients.c.opted_out_at,
           select(func.max(_infusions.c.ended_at))
           .where(_infusions.c.patient_id == patients.c.id)
           .scalar_subquery().label("last_infusion"))
    .join(patients, patients.c.clinic_id == clinics.c.id)
    .where(patients.c.phone == bindparam("from_number"))
    .order_by(clinics.c.id, patients.c.id)
)
# Which members of a household (one phone, several patients) have a check-in
# sent and not yet answered: a reply is theirs when only one has.
HOUSEHOLD_OPEN = (
    select(checkins.c.patient_id).distinct()
    .where(checkins.c.patient_id.in_(bindparam("ids", expanding=True)),
           checkins.c.status == CheckinStatus.SENT, checkins.c.kind != CheckinKind.STAFF,
           checkins.c.answered_at.is_(None),
           checkins.c.sent_at <= bindparam("now"), checkins.c.sent_at >= bindparam("since"))
)
_original = checkins.alias("original")
LAST_CHECKIN_SENT = (
    select(checkins.c.id, checkins.c.template, checkins.c.sent_at, checkins.c.reminder_for_id,
           _original.c.template.label("original_template"))
    .outerjoin(_original, _original.c.id == checkins.c.reminder_for_id)
    .where(checkins.c.patient_id == bindparam("patient_id"),
           checkins.c.status == CheckinStatus.SENT,
           checkins.c.kind != CheckinKind.STAFF,
           checkins.c.sent_at <= bindparam("now"), checkins.c.sent_at >= bindparam("since"))
    .order_by(checkins.c.sent_at.desc(), checkins.c.id.desc())
    .limit(1)
)
RECENT_FINDINGS = (
    select(messages.c.id, messages.c.findings, messages.c.created_at)
    .where(messages.c.patient_id == bindparam("patient_id"),
           messages.c.direction == Direction.INBOUND,
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
    # A phone shared by several patients of the clinic: all of them, and the
    # first name every text must then carry (``about``).
    household: tuple[Row[Any], ...] = ()
    about: str | None = None

    @property
    def unclear(self) -> bool:
        """A household reply that could not be attached to one patient."""
        return bool(self.household) and self.patient_id is None


@dataclass(frozen=True)
class _Routing:
    """Where an inbound text goes: ``routes`` get it triaged and flagged;
    ``everyone`` (all clinics behind the number texted) hears STOP and START,
    which the carrier applies to the sending number, whoever's patient it is."""

    routes: list[_Sender]
    everyone: list[_Sender]


@dataclass(frozen=True)
class _Handled:
    """One clinic's copy of an inbound text, stored and triaged."""

    message_id: int
    row: dict[str, Any]
    reply: str
    level: str | None = None
    flag_id: int | None = None


# Which reply wins when one text reached several clinics: the most urgent.
SEVERITY = {"emergency": 0, "urgent": 1, "unclear": 2, "mild": 3, "ok": 4}


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
    the first to commit) and costs no extra query. A text that must reach
    several clinics (see ``_route``) is stored once per clinic, the first copy
    carrying the provider id, all in this one transaction, so a retry finds
    the first and changes nothing."""
    conn = session.connection()
    routing = _identify(conn, from_number, to_number)
    keyword = _keyword(body)
    targets = routing.everyone if keyword in OPT_WORDS else routing.routes
    handled: list[_Handled] = []
    for index, sender in enumerate(targets):
        if sender.household and keyword not in KEYWORDS:
            sender = _household_member(conn, sender, body, now)
        row: dict[str, Any] = {
            "clinic_id": sender.clinic.id if sender.clinic is not None else None,
            "patient_id": sender.patient_id, "direction": Direction.INBOUND, "body": body,
            "from_number": from_number, "to_number": to_number,
            "provider_sid": sid if index == 0 else None, "status": MessageStatus.RECEIVED,
            "created_at": now,
        }
        one = _take(session, sender, keyword, row, now, rulebook)
        if one is None:  # the same webhook again (a retry, or concurrently)
            return _already_handled(conn, sid)
        handled.append(one)
    first = handled[0]
    worst = min(handled, key=lambda h: SEVERITY.get(h.level or "", 9))
    _record_reply(conn, first.row, first.message_id, worst.reply)
    return InboundOutcome(worst.reply, first.message_id, level=worst.level,
                          flag_id=worst.flag_id)


def _take(session: Session, sender: _Sender, keyword: str | None, row: dict[str, Any],
          now: datetime, rulebook: Rulebook | None) -> _Handled | None:
    """Store and triage one clinic's copy of the text; None if already stored."""
    conn = session.connection()
    body = row["body"]
    if sender.unclear and keyword not in KEYWORDS:
        return _take_unclear(session, sender, row, rulebook, now)
    if sender.patient_id is None and not sender.household:
        return _take_unknown(conn, sender, row, rulebook)
    if keyword in KEYWORDS:
        message_id = _insert_once(conn, row)
        if message_id is None:
            return None
        return _Handled(message_id, row, _handle_keyword(session, sender, keyword, now))

    answered = (_answered_checkin(conn, sender.patient_id, now)
                if sender.patient_id is not None else None)
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
    if message_id is None:
        return None
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
                         sender.language, sender.clinic, about=sender.about)
    return _Handled(message_id, row, reply, result.level, flag_id)


def _take_unclear(session: Session, sender: _Sender, row: dict[str, Any],
                  rulebook: Rulebook | None, now: datetime) -> _Handled | None:
    """A household reply nobody can attach to one patient: triaged all the same
    (a red flag must not wait), kept off both patients' records, and put on an
    ``unclear`` flag naming them so a nurse asks whom it is about."""
    conn = session.connection()
    members = sender.household
    languages = {m.language for m in members}
    result = triage(row["body"], lang=languages.pop() if len(languages) == 1 else None,
                    rulebook=rulebook)
    row.update(level=result.level, findings=[f.to_dict() for f in result.findings],
               reasons=list(result.reasons) or None)
    message_id = _insert_once(conn, row)
    if message_id is None:
        return None
    names = " and ".join(f"{m.first_name} (patient {m.patient_id})" for m in members)
    detail = _detail((f"sent from the phone {names} share: could not tell whom it is "
                      "about; ask, then note it on the right patient", *result.reasons))
    assert sender.clinic is not None
    flag_id = open_flag(
        session, clinic_id=sender.clinic.id, patient_id=members[0].patient_id,
        level=TRIAGE_TO_FLAG.get(result.level, FlagLevel.ROUTINE), reason=FlagReason.UNCLEAR,
        now=now,
        message_id=message_id, findings=row["findings"], detail=detail)
    log.info("inbound message %s from a shared phone, patient unclear; flag %s",
             message_id, flag_id)
    lang = members[0].language
    if result.level in ("emergency", "urgent"):
        reply = patient_text(f"reply_{result.level}", lang, sender.clinic)
    else:
        reply = patient_text("which_patient", lang, sender.clinic,
                             names=[m.first_name for m in members])
    return _Handled(message_id, row, reply, result.level, flag_id)


def _take_unknown(conn: Connection, sender: _Sender, row: dict[str, Any],
                  rulebook: Rulebook | None) -> _Handled | None:
    """A number we do not know is still triaged: red-flag words get the
    emergency instruction at once (naming no patient), and the text, with its
    level, waits on the clinic's queue page under "Texts from unknown numbers"."""
    result = triage(row["body"], lang="en", rulebook=rulebook)
    row.update(level=result.level, findings=[f.to_dict() for f in result.findings] or None,
               reasons=list(result.reasons) or None)
    message_id = _insert_once(conn, row)
    if message_id is None:
        return None
    log.info("inbound message %s from an unknown number triaged %s", message_id, result.level)
    name = "unknown_emergency" if result.level == "emergency" else "unknown_number"
    return _Handled(message_id, row, patient_text(name, "en", sender.clinic), result.level)


def _handle_keyword(session: Session, sender: _Sender, keyword: str | None,
                    now: datetime) -> str:
    """The carrier keywords of a known patient: rare, so plain ORM; the reply.

    STOP and START are about the phone (the carrier blocks or unblocks it whole),
    so they hold for everyone in a household."""
    ids = [m.patient_id for m in sender.household] or [sender.patient_id]
    for patient in (session.get_one(Patient, i) for i in ids):
        if keyword in STOP_WORDS:
            cancelled = opt_out_mid_followup(session, patient, now)
            log.info("patient %s opted out; %d check-ins cancelled", patient.id, cancelled)
        elif keyword in START_WORDS:
            restored = opt_in(session, patient, now)
            log.info("patient %s opted back in; %d check-ins restored", patient.id, restored)
    name = ("opted_out" if keyword in STOP_WORDS
            else "opted_in" if keyword in START_WORDS else "help")
    return patient_text(name, sender.language, sender.clinic)


def _flag(session: Session, sender: _Sender, result: TriageResult, message_id: int,
          answered: _Answered | None, findings: list[dict[str, Any]], now: datetime) -> int | None:
    flag_level = FlagLevel.URGENT if result.ask_back else TRIAGE_TO_FLAG.get(result.level)
    if flag_level is None or sender.patient_id is None or sender.clinic is None:
        return None
    detail: str | None
    if result.ask_back:
        reason, detail = askback.REASON, askback.detail(result)
    else:
        reason = FlagReason.QUESTION if result.level == TriageLevel.UNCLEAR else FlagReason.TRIAGE
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
        inserted: int | None = conn.execute(stmt, row).scalar()
        return inserted
    try:
        with conn.begin_nested():
            new_id: int = conn.execute(INSERT_RETURNING_ID, row).scalar_one()
            return new_id
    except IntegrityError:
        return None


def _record_reply(conn: Connection, inbound: dict[str, Any], inbound_id: int, reply: str) -> None:
    """Record the reply we return in the webhook's TwiML."""
    conn.execute(INSERT_MESSAGE, {
        "clinic_id": inbound["clinic_id"], "patient_id": inbound["patient_id"],
        "reply_to_id": inbound_id, "checkin_id": inbound.get("checkin_id"),
        "direction": Direction.OUTBOUND,
        "body": reply, "from_number": inbound["to_number"], "to_number": inbound["from_number"],
        "status": MessageStatus.SENT, "created_at": inbound["created_at"],
    })


def _already_handled(conn: Connection, sid: str) -> InboundOutcome:
    existing = conn.execute(MESSAGE_BY_SID, {"sid": sid}).one()
    reply = conn.scalar(REPLY_TO, {"inbound_id": existing.id})
    return InboundOutcome(reply or "", existing.id, duplicate=True, level=existing.level)


def _identify(conn: Connection, from_number: str, to_number: str) -> _Routing:
    """The clinic by the number texted, the patient by the number texting.

    When a deployment shares one sending number between clinics, the
    patient's number decides (see ``_route``); a number no clinic knows still
    reaches the clinic texted, or, on a shared number, the unknown-numbers
    list of the clinics sharing it."""
    params = {"from_number": from_number, "to_number": to_number}
    rows = conn.execute(SENDER_BY_CLINIC_NUMBER, params).all()
    if rows:
        return _Routing([_sender(rows)], [_sender(rows)])
    candidates = _by_clinic(conn.execute(SENDERS_BY_PHONE, params).all())
    if not candidates:
        unknown = _Sender(None, None, "en")
        return _Routing([unknown], [unknown])
    return _Routing([_sender(g) for g in _route(candidates)], [_sender(g) for g in candidates])


def _by_clinic(rows: Sequence[AnyRow]) -> list[list[AnyRow]]:
    """The patients on the phone, one group per clinic (rows come ordered by clinic)."""
    groups: dict[int, list[AnyRow]] = {}
    for row in rows:
        groups.setdefault(row.id, []).append(row)
    return list(groups.values())


def _route(candidates: Sequence[Sequence[AnyRow]]) -> list[Sequence[AnyRow]]:
    """Which clinics get a text to a shared number from a patient of several.

    The clinic whose follow-up is active for the phone, i.e. with the most
    recent infusion; when that cannot be told (the same infusion time, or
    none), every clinic where it is an active (not opted-out) patient: a
    reply must reach someone, and a nurse can tell a misrouted copy at once.
    Each candidate is one clinic's patients on the phone (a household has several)."""
    if len(candidates) == 1:
        return list(candidates)

    def last(group: Sequence[AnyRow]) -> datetime | None:
        return max((r.last_infusion for r in group if r.last_infusion is not None), default=None)

    latest = max((t for t in map(last, candidates) if t is not None), default=None)
    newest = [g for g in candidates if latest is not None and last(g) == latest]
    if len(newest) == 1:
        return newest
    pool = newest or list(candidates)
    return [g for g in pool if any(r.opted_out_at is None for r in g)] or pool


def _sender(rows: Sequence[AnyRow]) -> _Sender:
    """One clinic's view of the phone: no patient, one, or a household of several."""
    row = rows[0]
    if len(rows) > 1:
        return _Sender(row, None, row.language or "en", household=tuple(rows))
    if row.patient_id is None:
        return _Sender(row, None, "en")
    return _Sender(row, row.patient_id, row.language or "en")


def _household_member(conn: Connection, sender: _Sender, body: str,
                      now: datetime) -> _Sender:
    """Which patient of a shared phone a reply is about: the one it names
    (exactly one first name), else the only one with an open check-in; else
    nobody (``unclear``)."""
    members = sender.household
    text = _words(body)
    named = [m for m in members if _words(m.first_name) in text]
    if len(named) != 1:
        open_ids = set(conn.execute(HOUSEHOLD_OPEN, {
            "ids": [m.patient_id for m in members], "now": now,
            "since": now - ANSWER_WINDOW}).scalars())
        named = [m for m in members if m.patient_id in open_ids]
    if len(named) != 1:
        return sender
    member = named[0]
    return _Sender(sender.clinic, member.patient_id, member.language or "en",
                   household=members, about=member.first_name)


# How far back the queue page lists texts from numbers no clinic knows.
UNKNOWN_TEXTS_WINDOW = timedelta(days=14)


def unknown_number_texts(session: Session, clinic: Clinic, now: datetime) -> list[Message]:
    """Recent texts from numbers that are not the clinic's patients, for its queue page.

    Those sent to the clinic's own number, and, for a clinic without one (it
    shares the deployment's number), those sent to the shared number that no
    clinic could place. The most urgent first: an unknown sender with red-flag
    words was told to call the emergency number, and a person should know."""
    mine = Message.clinic_id == clinic.id
    if clinic.sms_number is None:
        mine = mine | Message.clinic_id.is_(None)
    found = session.scalars(
        select(Message).where(mine, Message.direction == Direction.INBOUND,
                              Message.patient_id.is_(None),
                              Message.created_at >= now - UNKNOWN_TEXTS_WINDOW)
        .order_by(Message.created_at.desc(), Message.id.desc()).limit(100)).all()
    return sorted(found, key=lambda m: SEVERITY.get(m.level or "", 9))


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


def _history(rows: Sequence[AnyRow]) -> list[PriorFinding]:
    """What the patient reported lately, so "worse" and "still" can be read."""
    return [
        PriorFinding(key=f["key"], level=f["level"], at=at)
        for _, findings, at in rows for f in (findings or [])
        if isinstance(f, dict) and "key" in f and "level" in f
    ]


def _detail(reasons: tuple[str, ...]) -> str | None:
    text = "; ".join(reasons)
    return text[:252] + "..." if len(text) > 255 else (text or None)


def _words(text: str) -> str:
    """Lower-case words between spaces, so a name is found only as whole words."""
    return f" {' '.join(WORD_RE.findall(text.casefold()))} "


def _keyword(body: str) -> str | None:
    match = KEYWORD_RE.match(body or "")
    return match.group(1).upper() if match else None
