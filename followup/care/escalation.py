"""On-call escalation: an emergency nobody has looked at texts a person's phone.

A flag sitting unread in a web queue at 2 a.m. is how a clot goes unnoticed.
An emergency (urgent) flag still open — not acknowledged — after
``escalation.emergency_minutes`` (``urgent_minutes``) texts the first number
of the clinic's on-call ladder (``Clinic.oncall_phones``), then the next one
every ``repeat_minutes`` until someone acknowledges or resolves it (both
clear ``next_escalation_at``). After the last rung the ladder starts again
from the top: nobody is ever paged "for the last time" about an open
emergency.

The page carries the level, the patient's first name and a link to the flag in
the staff app; nothing else about the patient. It goes out through the one
outbound path (``messaging/outbound.py``) at once, ahead of the sender's queue
(it is not a patient check-in: no quiet hours, no staleness), outside any
transaction. Each rung is claimed with a conditional UPDATE on
``escalation_step`` so two workers never page the same rung twice; a send
that fails transiently gives the rung back and is retried at the next pass.
Every page, and every failed one, is a ``FlagEvent`` in the flag's history.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from followup.care.flags import record_event
from followup.clock import Clock
from followup.config import EscalationSettings, Settings
from followup.db import write_transaction
from followup.messaging.notify import STAFF_LANGUAGE, clinic_context
from followup.messaging.outbound import Disposition, Outbound, Text, classify
from followup.messaging.sms.base import PermanentSendError
from followup.messaging.texts import render_sms
from followup.models import Clinic, Flag, FlagAction, FlagEvent, FlagLevel
from followup.validation import FieldError, display_phone
from followup.validation import phone as phone_field

log = logging.getLogger(__name__)

ESCALATED_LEVELS = (FlagLevel.EMERGENCY, FlagLevel.URGENT)


@dataclass
class EscalationSummary:
    texted: int = 0
    failed: int = 0
    no_ladder: int = 0


@dataclass(frozen=True)
class _Page:
    flag_id: int
    step: int  # escalation_step before this page
    rung: int  # index into the ladder
    ladder_size: int
    phone: str
    from_: str | None
    body: str


@dataclass(frozen=True)
class Rung:
    """One person on the on-call ladder."""

    phone: str
    name: str | None = None

    @property
    def label(self) -> str:
        """What the queue calls them: the name, or the number if none was given."""
        return self.name or display_phone(self.phone)


def oncall_ladder(clinic: Clinic) -> list[Rung]:
    """The clinic's ladder in order. Entries are E.164 strings or
    ``{"name": ..., "phone": ...}``; anything else is ignored."""
    rungs: list[Rung] = []
    for entry in clinic.oncall_phones or []:
        if isinstance(entry, str) and entry:
            rungs.append(Rung(entry))
        elif isinstance(entry, dict) and isinstance(entry.get("phone"), str) and entry["phone"]:
            name = entry.get("name")
            rungs.append(Rung(entry["phone"], name if isinstance(name, str) and name else None))
    return rungs


def threshold(rules: EscalationSettings, level: str) -> timedelta:
    """How long a flag of this level may wait unacknowledged before on-call is texted."""
    minutes = rules.emergency_minutes if level == "emergency" else rules.urgent_minutes
    return timedelta(minutes=minutes)


# How ``Escalator._page`` names the number in a flag's history.
_RUNG_IN_DETAIL = re.compile(r"on-call rung \d+ of \d+ \((\+\d+)\)")


@dataclass(frozen=True)
class EscalationState:
    """What the queue says about an open emergency/urgent flag's paging."""

    text: str
    overdue: bool  # waiting longer than its level's limit
    unset: bool  # the clinic has no on-call ladder: nobody will be texted
    limit: timedelta


def escalation_state(flag: Flag, ladder: list[Rung], *, rules: EscalationSettings,
                     now: datetime, tz: ZoneInfo) -> EscalationState | None:
    """Who gets paged about this flag and when, in plain words; None for flags
    that are never paged (routine, acknowledged, resolved).

    Read from the flag's history (``escalated`` events) and its
    ``escalation_step``/``next_escalation_at``, the same fields the escalator
    moves, so the page says what the next pass will actually do."""
    if flag.status != "open" or flag.level not in ESCALATED_LEVELS:
        return None
    limit = threshold(rules, flag.level)
    overdue = now - flag.created_at > limit

    def hhmm(at: datetime) -> str:
        return at.astimezone(tz).strftime("%H:%M")

    def when(at: datetime, prefix: str) -> str:
        """A page that is due is sent at the escalator's next pass (within a minute)."""
        return "now" if at <= now else f"{prefix}{hhmm(at)}"

    if not ladder:
        return EscalationState("On-call not set: nobody will be texted", overdue, True, limit)
    nxt = flag.next_escalation_at or flag.created_at + limit
    following = ladder[flag.escalation_step % len(ladder)].label
    pages = [e for e in flag.events
             if e.action in (FlagAction.ESCALATED, FlagAction.ESCALATION_FAILED)]
    if flag.escalation_step == 0 and not pages:
        return EscalationState(f"Pages {following} {when(nxt, 'at ')}", overdue, False, limit)
    last = pages[-1] if pages else None
    paged = ladder[(flag.escalation_step - 1) % len(ladder)].label
    named = _RUNG_IN_DETAIL.search(last.detail or "") if last is not None else None
    if named is not None:  # the number actually texted, even if the ladder changed since
        paged = next((r.label for r in ladder if r.phone == named.group(1)),
                     display_phone(named.group(1)))
    if last is not None and last.action == "escalation_failed":
        text = f"Could not page {paged} at {hhmm(last.at)}; trying {following} {when(nxt, '')}"
    elif last is not None:
        text = f"Paged {paged} {hhmm(last.at)}, next {following} {when(nxt, '')}"
    else:
        text = f"Pages {following} {when(nxt, 'at ')}"
    return EscalationState(text, overdue, False, limit)


_RUNG_RE = re.compile(r"^(?P<name>[^0-9+()]*?)[\s,:;–-]*(?P<phone>[+(0-9].*)$")


def parse_rung(line: str, region: str | None) -> Rung:
    """One line of the settings form: "Dr Lee, +1 312 555 0190", "Kim: (312)
    555-0191" or a bare number. Raises ``FieldError`` naming what is wrong."""
    match = _RUNG_RE.match(line.strip())
    if match is None:
        raise FieldError("write a name (optional) and then the phone number")
    name = " ".join(match.group("name").split())[:60] or None
    return Rung(phone_field(match.group("phone"), region=region), name)


def rung_line(rung: Rung) -> str:
    return f"{rung.name}, {rung.phone}" if rung.name else rung.phone


def ladder_entries(rungs: list[Rung]) -> list[str | dict[str, Any]] | None:
    """How a ladder is stored on the clinic (a bare number when no name is given)."""
    out: list[str | dict[str, Any]] = [
        {"name": r.name, "phone": r.phone} if r.name else r.phone for r in rungs]
    return out or None


def flag_link(public_url: str, flag: Flag) -> str:
    """Where the staff app shows this flag (its patient's page, anchored)."""
    return f"{public_url}/patients/{flag.patient_id}#flag-{flag.id}"


class Escalator:
    """One pass of the on-call rules; safe to run from several workers."""

    def __init__(self, *, settings: Settings, sessions: sessionmaker[Session], clock: Clock,
                 outbound: Outbound) -> None:
        """``outbound`` is the app's one way out (``Services.outbound``), so a page is
        paced under the same sender as the check-ins."""
        self.settings = settings
        self.sessions = sessions
        self.clock = clock
        self.outbound = outbound

    def threshold(self, level: str) -> timedelta:
        return threshold(self.settings.escalation, level)

    @property
    def repeat(self) -> timedelta:
        return timedelta(minutes=self.settings.escalation.repeat_minutes)

    def run_once(self, as_of: datetime | None = None) -> EscalationSummary:
        now = as_of or self.clock.now()
        summary = EscalationSummary()
        self._arm()
        with self.sessions() as session:
            due = list(session.scalars(
                select(Flag.id).where(Flag.status == "open",
                                      Flag.level.in_(ESCALATED_LEVELS),
                                      Flag.next_escalation_at <= now)
                .order_by(Flag.next_escalation_at, Flag.id)))
        for flag_id in due:
            page = self._claim(flag_id, now, summary)
            if page is not None:
                self._page(page, now, summary)
        return summary

    def _arm(self) -> None:
        """Give every new open emergency/urgent flag its first escalation time.

        Done here rather than where flags are opened so every path that opens
        one (triage, API, a future one) is covered."""
        with write_transaction(self.sessions) as session:
            fresh = session.execute(
                select(Flag.id, Flag.level, Flag.created_at).where(
                    Flag.status == "open", Flag.level.in_(ESCALATED_LEVELS),
                    Flag.escalation_step == 0, Flag.next_escalation_at.is_(None))).all()
            for flag_id, level, created_at in fresh:
                session.execute(
                    update(Flag)
                    .where(Flag.id == flag_id, Flag.status == "open",
                           Flag.escalation_step == 0, Flag.next_escalation_at.is_(None))
                    .values(next_escalation_at=created_at + self.threshold(level))
                    .execution_options(synchronize_session=False))

    def _claim(self, flag_id: int, now: datetime, summary: EscalationSummary) -> _Page | None:
        """Take the next rung of this flag's ladder, or push it back if there is none."""
        with write_transaction(self.sessions) as session:
            flag = session.get(Flag, flag_id)
            if (flag is None or flag.status != "open" or flag.next_escalation_at is None
                    or flag.next_escalation_at > now):
                return None
            clinic = session.get(Clinic, flag.clinic_id)
            assert clinic is not None
            ladder = [r.phone for r in oncall_ladder(clinic)]
            if not ladder:
                flag.next_escalation_at = now + self.repeat  # look again: a number may be added
                if not self._has_event(session, flag.id, FlagAction.NOT_ESCALATED):
                    record_event(session, flag, actor="system", action=FlagAction.NOT_ESCALATED,
                                 now=now, detail="the clinic has no on-call phone number")
                summary.no_ladder += 1
                log.warning("flag %s unacknowledged but clinic %s has no on-call ladder",
                            flag.id, clinic.id)
                return None
            step = flag.escalation_step
            claimed = session.connection().execute(
                update(Flag)
                .where(Flag.id == flag.id, Flag.status == "open",
                       Flag.escalation_step == step,
                       Flag.next_escalation_at == flag.next_escalation_at)
                .values(escalation_step=step + 1, next_escalation_at=now + self.repeat)
                .execution_options(synchronize_session=False)
            ).rowcount
            if claimed != 1:
                return None  # another worker is paging this rung
            rung = step % len(ladder)
            waited = max(0, int((now - flag.created_at).total_seconds() // 60))
            body = render_sms(
                "oncall_alert", STAFF_LANGUAGE, level=flag.level,
                first_name=flag.patient.first_name, minutes=waited,
                link=flag_link(self.settings.public_url, flag),
                **clinic_context(clinic))
            return _Page(flag.id, step, rung, len(ladder), ladder[rung], clinic.sms_number, body)

    def _page(self, page: _Page, now: datetime, summary: EscalationSummary) -> None:
        text = Text(page.phone, page.body, page.from_)
        moment = max(now, self.clock.now())
        self.outbound.go_first(text.from_, moment)  # a page goes first; the queue makes room
        outcome = self.outbound.send(text, moment)
        disposition = classify(outcome)
        rung = f"on-call rung {page.rung + 1} of {page.ladder_size} ({page.phone})"
        with write_transaction(self.sessions) as session:
            flag = session.get(Flag, page.flag_id)
            assert flag is not None
            self.outbound.settle_account(session, outcome, clinic_id=flag.clinic_id, now=now)
            if disposition in (Disposition.SENT, Disposition.REFUSED):
                # Taken or refused, the page is on record with the clinic's texts.
                self.outbound.record(session, text, outcome, now, clinic_id=flag.clinic_id,
                                     level=flag.level)
            if disposition is Disposition.SENT:
                record_event(session, flag, actor="system", action=FlagAction.ESCALATED, now=now,
                             detail=f"texted {rung}")
                summary.texted += 1
                log.info("flag %s escalated to on-call rung %d", flag.id, page.rung + 1)
                return
            summary.failed += 1
            if disposition is not Disposition.REFUSED:
                # Give the rung back: the next pass pages the same number again.
                session.execute(
                    update(Flag)
                    .where(Flag.id == flag.id, Flag.escalation_step == page.step + 1)
                    .values(escalation_step=page.step, next_escalation_at=now)
                    .execution_options(synchronize_session=False))
                why = "the SMS provider did not take it; will retry"
                if disposition is Disposition.ACCOUNT:
                    # No page can go out: the clinic's banner says why (settle_account).
                    why = "Twilio refuses our credentials; will retry"
            else:
                assert isinstance(outcome, PermanentSendError)
                # This number cannot be texted: move on to the next rung at the next pass.
                session.execute(
                    update(Flag)
                    .where(Flag.id == flag.id, Flag.escalation_step == page.step + 1,
                           Flag.status == "open")
                    .values(next_escalation_at=now)
                    .execution_options(synchronize_session=False))
                why = f"the number was refused (error {outcome.code}); trying the next one"
            detail = f"could not text {rung}: {why}"
            if self._last_event_detail(session, flag.id) != detail:
                record_event(session, flag, actor="system", action=FlagAction.ESCALATION_FAILED,
                             now=now, detail=detail)
            log.warning("flag %s: on-call text to rung %d failed (%s)", flag.id,
                        page.rung + 1, type(outcome).__name__)

    @staticmethod
    def _has_event(session: Session, flag_id: int, action: str) -> bool:
        return session.scalar(select(FlagEvent.id).where(
            FlagEvent.flag_id == flag_id, FlagEvent.action == action).limit(1)) is not None

    @staticmethod
    def _last_event_detail(session: Session, flag_id: int) -> str | None:
        """So a provider outage adds one failure to the history, not one per pass."""
        return session.scalar(select(FlagEvent.detail).where(FlagEvent.flag_id == flag_id)
                              .order_by(FlagEvent.at.desc(), FlagEvent.id.desc()).limit(1))
