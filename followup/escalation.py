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
the staff app; nothing else about the patient. It goes straight to the SMS
backend (it is not a patient check-in: no quiet hours, no staleness), outside
any transaction. Each rung is claimed with a conditional UPDATE on
``escalation_step`` so two workers never page the same rung twice; a send
that fails transiently gives the rung back and is retried at the next pass.
Every page, and every failed one, is a ``FlagEvent`` in the flag's history.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from followup.alerts import CREDENTIALS, raise_alert
from followup.clock import Clock
from followup.config import Settings
from followup.db import write_transaction
from followup.flags import record_event
from followup.models import Clinic, Flag, FlagEvent, Message
from followup.notify import STAFF_LANGUAGE, clinic_context
from followup.pacing import Pacer
from followup.sms.base import (
    AccountSendError,
    PermanentSendError,
    SendError,
    SendResult,
    SmsBackend,
    TransientSendError,
)
from followup.texts import render_sms

log = logging.getLogger(__name__)

ESCALATED_LEVELS = ("emergency", "urgent")


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


def flag_link(public_url: str, flag: Flag) -> str:
    """Where the staff app shows this flag (its patient's page, anchored)."""
    return f"{public_url}/patients/{flag.patient_id}#flag-{flag.id}"


class Escalator:
    """One pass of the on-call rules; safe to run from several workers."""

    def __init__(self, *, settings: Settings, sessions: sessionmaker[Session], sms: SmsBackend,
                 clock: Clock, pacer: Pacer | None | Literal["auto"] = "auto") -> None:
        self.settings = settings
        self.sessions = sessions
        self.sms = sms
        self.clock = clock
        if pacer == "auto":
            pacer = (Pacer(sessions, settings.rate_limit)
                     if getattr(sms, "name", "") == "twilio" else None)
        self.pacer = pacer

    def threshold(self, level: str) -> timedelta:
        rules = self.settings.escalation
        minutes = rules.emergency_minutes if level == "emergency" else rules.urgent_minutes
        return timedelta(minutes=minutes)

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
            ladder = [p for p in (clinic.oncall_phones or []) if isinstance(p, str) and p]
            if not ladder:
                flag.next_escalation_at = now + self.repeat  # look again: a number may be added
                if not self._has_event(session, flag.id, "not_escalated"):
                    record_event(session, flag, actor="system", action="not_escalated",
                                 now=now, detail="the clinic has no on-call phone number")
                summary.no_ladder += 1
                log.warning("flag %s unacknowledged but clinic %s has no on-call ladder",
                            flag.id, clinic.id)
                return None
            step = flag.escalation_step
            claimed = session.execute(
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
        outcome: SendResult | SendError
        try:
            if self.pacer is not None:  # a page goes first; the queue makes room
                self.pacer.acquire(page.from_ or self.settings.twilio.from_number or "default",
                                   max(now, self.clock.now()), force=True)
            outcome = self.sms.send(to=page.phone, body=page.body, from_=page.from_,
                                    status_callback=self.settings.public_url + "/twilio/status")
        except SendError as exc:
            outcome = exc
        rung = f"on-call rung {page.rung + 1} of {page.ladder_size} ({page.phone})"
        with write_transaction(self.sessions) as session:
            flag = session.get(Flag, page.flag_id)
            assert flag is not None
            if isinstance(outcome, SendResult):
                session.add(Message(
                    clinic_id=flag.clinic_id, patient_id=None, direction="out", body=page.body,
                    from_number=page.from_, to_number=page.phone, provider_sid=outcome.sid,
                    status=outcome.status, level=flag.level, created_at=now))
                record_event(session, flag, actor="system", action="escalated", now=now,
                             detail=f"texted {rung}")
                summary.texted += 1
                log.info("flag %s escalated to on-call rung %d", flag.id, page.rung + 1)
                return
            summary.failed += 1
            if isinstance(outcome, TransientSendError | AccountSendError):
                # Give the rung back: the next pass pages the same number again.
                session.execute(
                    update(Flag)
                    .where(Flag.id == flag.id, Flag.escalation_step == page.step + 1)
                    .values(escalation_step=page.step, next_escalation_at=now)
                    .execution_options(synchronize_session=False))
                why = "the SMS provider did not take it; will retry"
                if isinstance(outcome, AccountSendError):
                    # No page can go out: the clinic's banner says why (alerts).
                    raise_alert(session, clinic_id=flag.clinic_id, kind=CREDENTIALS, now=now,
                                detail=f"HTTP {outcome.http_status}, error {outcome.code}")
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
                record_event(session, flag, actor="system", action="escalation_failed",
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
