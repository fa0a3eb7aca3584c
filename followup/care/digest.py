"""The daily digest: each clinic's morning summary, counts only.

A nurse starting the day should know at a glance whether anything is waiting:
open flags by level, patients who stopped answering, numbers our texts cannot
reach. Counts only, no names or numbers, because email and SMS are not places
for PHI.

Exactly once per clinic per local day, however many workers run: the
``digests`` row (unique on clinic and day) is inserted before sending, and the
worker whose insert wins sends. A send that fails removes the row again so the
next pass retries; a worker that dies mid-send leaves the row (at most once,
never twice). A clinic whose channel has no address configured, or email with
no SMTP server, is logged once that day and recorded as not sent. An SMS
digest leaves through the one outbound path: paced under the clinic's sender,
with the status callback, recorded as the clinic's Message (no patient).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from followup.care.alerts import alert_lines
from followup.clock import Clock
from followup.config import ConfigError, Settings, parse_hhmm
from followup.db import write_transaction
from followup.messaging.email import EmailBackend, EmailError, make_email_backend
from followup.messaging.notify import STAFF_LANGUAGE, clinic_context
from followup.messaging.outbound import Disposition, Outbound, Text, classify
from followup.messaging.sms.base import SendError
from followup.messaging.texts import render_sms
from followup.models import Clinic, Digest, DigestChannel, Flag, FlagLevel, FlagReason

log = logging.getLogger(__name__)

CHANNELS = tuple(DigestChannel)


class SenderBusy(Exception):
    """The digest's sender has no slot close enough: today's digest waits a pass."""


@dataclass
class DigestSummary:
    sent: int = 0
    not_sent: int = 0  # no address or no mail server: logged, recorded
    failed: int = 0  # will be retried at the next pass
    paced: int = 0  # the sender's next slot was not close: tried again at the next pass


@dataclass(frozen=True)
class DigestCounts:
    emergency: int
    urgent: int
    routine: int
    acknowledged: int
    no_response: int
    undeliverable: int


def digest_counts(session: Session, clinic_id: int) -> DigestCounts:
    """What is waiting for the clinic's nurses (counts of flags and patients, no PHI)."""
    by_level = dict(session.execute(
        select(Flag.level, func.count()).where(Flag.clinic_id == clinic_id,
                                               Flag.status == "open")
        .group_by(Flag.level)).all())
    acknowledged = session.scalar(select(func.count()).select_from(Flag).where(
        Flag.clinic_id == clinic_id, Flag.status == "acknowledged")) or 0

    def patients(reason: str) -> int:
        return session.scalar(select(func.count(func.distinct(Flag.patient_id))).where(
            Flag.clinic_id == clinic_id, Flag.reason == reason,
            Flag.status != "resolved")) or 0

    return DigestCounts(
        emergency=by_level.get(FlagLevel.EMERGENCY, 0), urgent=by_level.get(FlagLevel.URGENT, 0),
        routine=by_level.get(FlagLevel.ROUTINE, 0), acknowledged=acknowledged,
        no_response=patients(FlagReason.NO_RESPONSE),
        undeliverable=patients(FlagReason.UNDELIVERABLE),
    )


class DigestPass:
    """Send each clinic's digest once its local digest time has come today."""

    def __init__(self, *, settings: Settings, sessions: sessionmaker[Session], clock: Clock,
                 outbound: Outbound, email: EmailBackend | None = None) -> None:
        """``outbound`` is the app's one way out (``Services.outbound``): an SMS digest
        is paced, tracked and recorded like any other text."""
        self.settings = settings
        self.sessions = sessions
        self.clock = clock
        self.email = email or make_email_backend(settings.digest)
        self.outbound = outbound

    def digest_time(self, clinic: Clinic) -> time:
        if clinic.digest_time:
            try:
                return parse_hhmm(clinic.digest_time, "clinic digest_time")
            except ConfigError:
                log.warning("clinic %s has an unreadable digest_time; using the default",
                            clinic.id)
        return self.settings.digest.default_time

    def run_once(self, as_of: datetime | None = None) -> DigestSummary:
        now = as_of or self.clock.now()
        summary = DigestSummary()
        with self.sessions() as session:
            clinics = list(session.scalars(
                select(Clinic).where(Clinic.digest_channel.in_(CHANNELS)).order_by(Clinic.id)))
        for clinic in clinics:
            local = now.astimezone(ZoneInfo(clinic.timezone))
            if local.time() < self.digest_time(clinic):
                continue
            self._one(clinic, local.date().isoformat(), now, summary)
        return summary

    def _one(self, clinic: Clinic, day: str, now: datetime, summary: DigestSummary) -> None:
        channel = clinic.digest_channel or ""
        with self.sessions() as session:
            if session.scalar(select(Digest.id).where(Digest.clinic_id == clinic.id,
                                                      Digest.day == day)) is not None:
                return
            counts = digest_counts(session, clinic.id)
            # Texts not going out (refused credentials, check-ins never sent) lead the digest.
            alerts = [line.headline for line in alert_lines(session, clinic)]
        body = render_sms("digest", STAFF_LANGUAGE, day=day, link=self.settings.public_url + "/",
                          alerts=alerts, **vars(counts), **clinic_context(clinic))
        try:
            with write_transaction(self.sessions) as session:
                session.add(Digest(clinic_id=clinic.id, day=day, channel=channel, body=body,
                                   sent_at=now))
        except IntegrityError:
            return  # another worker claimed today's digest for this clinic
        try:
            sent = self._send(clinic, channel, day, body, now)
        except (EmailError, SendError, SenderBusy) as exc:
            # Today's claim is given back: the next pass tries again.
            with write_transaction(self.sessions) as session:
                session.execute(delete(Digest).where(Digest.clinic_id == clinic.id,
                                                     Digest.day == day))
            if isinstance(exc, SenderBusy):
                summary.paced += 1
                log.info("digest for clinic %s (%s) waits for the sender's next slot",
                         clinic.id, day)
                return
            summary.failed += 1
            log.warning("digest for clinic %s (%s) failed, will retry: %s", clinic.id, day,
                        type(exc).__name__)
            return
        if sent:
            summary.sent += 1
            log.info("digest for clinic %s (%s) sent by %s", clinic.id, day, channel)
        else:
            summary.not_sent += 1

    def _send(self, clinic: Clinic, channel: str, day: str, body: str, now: datetime) -> bool:
        """Whether the digest went out; raises what makes it worth another try."""
        if channel == "email":
            if not clinic.contact_email:
                log.warning("digest for clinic %s not sent: no contact_email", clinic.id)
                return False
            return self.email.send(to=clinic.contact_email,
                                   subject=f"{clinic.name}: follow-up summary for {day}",
                                   body=body)
        if not clinic.contact_phone:
            log.warning("digest for clinic %s not sent: no contact_phone", clinic.id)
            return False
        return self._text(clinic, Text(clinic.contact_phone, body, clinic.sms_number), now)

    def _text(self, clinic: Clinic, text: Text, now: datetime) -> bool:
        """An SMS digest takes its turn in the sender's pace (it is not urgent),
        carries the status callback and is recorded as the clinic's Message.

        Raises ``SenderBusy`` when the sender's next slot is not close, and the
        ``SendError`` when the provider may take it later (an outage, our
        account refused: the clinic's alert says so); a number the provider
        refuses is recorded, logged and not tried again today."""
        moment = max(now, self.clock.now())
        if self.outbound.wait_for_slot(text.from_, moment) is not None:
            raise SenderBusy
        outcome = self.outbound.send(text, max(now, self.clock.now()))
        disposition = classify(outcome)
        with write_transaction(self.sessions) as session:
            self.outbound.settle_account(session, outcome, clinic_id=clinic.id, now=now)
            if disposition in (Disposition.SENT, Disposition.REFUSED):
                self.outbound.record(session, text, outcome, now, clinic_id=clinic.id)
        if isinstance(outcome, SendError) and disposition is not Disposition.REFUSED:
            raise outcome
        if isinstance(outcome, SendError):
            log.warning("digest for clinic %s not sent: the provider refused the number "
                        "(error %s)", clinic.id, outcome.code)
            return False
        return True
