"""The one way a text leaves the service.

Check-ins, reminders and nurses' texts (the dispatcher), on-call pages
(escalation) and SMS digests all go out through an ``Outbound`` built once
with the app's services, so they agree on what used to be decided in three
places and had drifted apart:

* **the sender key**: which number's pace a text counts against. It is the
  number the text goes out from: the clinic's own number, else the account's
  from-number, else its messaging-service SID. A page and a check-in sent from
  the same sender therefore hold each other back.
* **pacing**, switched on by the backend's declared ``paces`` capability (a
  backend that sends nothing has no provider rate to respect).
* **the status callback** every text carries, so its delivery is tracked.
* **the ``Message`` row** that records it, accepted or refused.
* **retry classification**: what a send's outcome means for whoever sent it
  (see :class:`Disposition`).
* **the account's alert**: a refusal of our credentials raises the clinic's
  one alert; a text taken clears it.

What each sender does *with* an outcome (back off a check-in, give a page's
rung back, delete a digest's claim) stays with the sender: those are its rules.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Literal

from sqlalchemy.orm import Session, sessionmaker

from followup.care.alerts import CREDENTIALS, clear_alerts, raise_alert
from followup.clock import Clock
from followup.config import Settings
from followup.messaging.pacing import Pacer
from followup.messaging.sms.base import (
    AccountSendError,
    PermanentSendError,
    SendError,
    SendResult,
    SmsBackend,
)
from followup.models import Direction, Message, MessageStatus

log = logging.getLogger(__name__)

# Where Twilio reports a text's delivery (see ``web/webhooks.py``).
STATUS_CALLBACK_PATH = "/twilio/status"
# Waiting for a paced slot inside a pass is worth it only if it is this close.
MAX_PACE_WAIT_SECONDS = 1.0
# A provider that says "too many requests" without a Retry-After gets this long.
MIN_PUSH_BACK_SECONDS = 1.0

Outcome = SendResult | SendError


class Disposition(StrEnum):
    """What a send's outcome means, whoever sent the text."""

    SENT = "sent"  # the provider took it
    RETRY = "retry"  # an outage, a rate limit or a timeout: the same text may go later
    ACCOUNT = "account"  # our account is refused: nothing goes until a person fixes it
    REFUSED = "refused"  # never to this number (landline, invalid, opted out)


def classify(outcome: Outcome) -> Disposition:
    """The one reading of a backend's outcome. A ``SendError`` of no known kind
    is treated as passing (retry): giving up on a text needs the provider to say so."""
    if isinstance(outcome, SendResult):
        return Disposition.SENT
    if isinstance(outcome, AccountSendError):
        return Disposition.ACCOUNT
    if isinstance(outcome, PermanentSendError):
        return Disposition.REFUSED
    return Disposition.RETRY


@dataclass(frozen=True)
class Text:
    """One text to send: to whom, what, and from the clinic's own number (None:
    the account's from-number or messaging service)."""

    to: str
    body: str
    from_: str | None


class Outbound:
    """Sender key, pacing, status callback, Message row and outcome classification."""

    def __init__(
        self,
        *,
        settings: Settings,
        sessions: sessionmaker[Session],
        sms: SmsBackend,
        clock: Clock,
        pacer: Pacer | None | Literal["auto"] = "auto",
        sleep: Callable[[float], None] = time.sleep,
        max_pace_wait: float = MAX_PACE_WAIT_SECONDS,
    ) -> None:
        self.settings = settings
        self.sms = sms
        self.clock = clock
        if pacer == "auto":
            # Rate limits are the provider's: a backend that sends nothing needs no pacing.
            pacer = Pacer(sessions, settings.rate_limit) if sms.paces else None
        self.pacer = pacer
        self.sleep = sleep
        self.max_pace_wait = max_pace_wait
        self.status_callback = settings.public_url + STATUS_CALLBACK_PATH

    # -- the sender and its pace --------------------------------------------
    def sender_key(self, from_: str | None) -> str:
        """Which sender a text is paced under: the number (or messaging service)
        it actually goes out from, the same for every kind of text."""
        twilio = self.settings.twilio
        return from_ or twilio.from_number or twilio.messaging_service_sid or "default"

    def wait_for_slot(self, from_: str | None, moment: datetime,
                      max_wait: float | None = None) -> datetime | None:
        """Take the sender's next slot if it is at most ``max_wait`` seconds away
        (default and ceiling: ``max_pace_wait``), sleeping until it, and return
        None: the text may go now. Otherwise take nothing and return when the
        slot comes, for the caller to try again then."""
        if self.pacer is None:
            return None
        limit = self.max_pace_wait if max_wait is None else min(max_wait, self.max_pace_wait)
        slot = self.pacer.acquire(self.sender_key(from_), moment,
                                  max_wait=timedelta(seconds=max(0.0, limit)))
        if not slot.granted:
            return slot.at
        wait = (slot.at - moment).total_seconds()
        if wait > 0:
            self.sleep(wait)
        return None

    def go_first(self, from_: str | None, moment: datetime) -> None:
        """An on-call page does not wait its turn: it takes the sender's next
        slot however far away, so the queue behind it moves back by one text."""
        if self.pacer is not None:
            self.pacer.acquire(self.sender_key(from_), moment, force=True)

    # -- sending -------------------------------------------------------------
    def send(self, text: Text, moment: datetime) -> Outcome:
        """Hand one text to the backend with the status callback; never raises a
        ``SendError`` (it is returned). A rate-limit refusal (429) holds back
        every text from the same sender, not only this one, from when it came
        (``moment``, the sender's present, plus the time the call took)."""
        began = self.clock.now()
        try:
            return self.sms.send(to=text.to, body=text.body, from_=text.from_,
                                 status_callback=self.status_callback)
        except SendError as exc:
            if exc.http_status == 429 and self.pacer is not None:
                pause = max(getattr(exc, "retry_after", None) or 0.0, MIN_PUSH_BACK_SECONDS)
                answered = moment + max(timedelta(0), self.clock.now() - began)
                self.pacer.push_back(self.sender_key(text.from_),
                                     answered + timedelta(seconds=pause))
            return exc

    # -- recording -----------------------------------------------------------
    @staticmethod
    def message_row(text: Text, outcome: Outcome, now: datetime, *, clinic_id: int,
                    patient_id: int | None = None, checkin_id: int | None = None,
                    sent_by: str | None = None, level: str | None = None) -> dict[str, Any]:
        """The ``messages`` row of a text the provider took or refused: the same
        columns for every kind of text (a page or a digest has no patient), so a
        chunk's rows can go in as one executemany."""
        if isinstance(outcome, SendResult):
            sid, status, code = outcome.sid, outcome.status, None
        else:
            sid, status, code = None, MessageStatus.FAILED, outcome.code
        return {
            "clinic_id": clinic_id, "patient_id": patient_id, "checkin_id": checkin_id,
            "direction": Direction.OUTBOUND, "body": text.body, "from_number": text.from_,
            "to_number": text.to, "provider_sid": sid, "status": status, "error_code": code,
            "sent_by": sent_by, "level": level, "created_at": now,
        }

    def record(self, session: Session, text: Text, outcome: Outcome, now: datetime, *,
               clinic_id: int, patient_id: int | None = None, checkin_id: int | None = None,
               sent_by: str | None = None, level: str | None = None) -> Message:
        """Add (and flush, for its id) the ``Message`` of one text."""
        message = Message(**self.message_row(
            text, outcome, now, clinic_id=clinic_id, patient_id=patient_id,
            checkin_id=checkin_id, sent_by=sent_by, level=level))
        session.add(message)
        session.flush()
        return message

    # -- the account ---------------------------------------------------------
    @staticmethod
    def account_works(session: Session, now: datetime) -> None:
        """The provider took a text: our account works, so its alert (if any) ends."""
        clear_alerts(session, kind=CREDENTIALS, now=now)

    @staticmethod
    def account_refused(session: Session, clinic_id: int, exc: SendError,
                        now: datetime) -> None:
        """The provider refuses our account: the clinic's one alert says so."""
        raise_alert(session, clinic_id=clinic_id, kind=CREDENTIALS, now=now,
                    detail=f"HTTP {exc.http_status}, error {exc.code}")

    def settle_account(self, session: Session, outcome: Outcome, *, clinic_id: int,
                       now: datetime) -> None:
        """What one outcome says about the account, for a sender of single texts."""
        disposition = classify(outcome)
        if disposition is Disposition.SENT:
            self.account_works(session, now)
        elif disposition is Disposition.ACCOUNT:
            assert isinstance(outcome, SendError)
            self.account_refused(session, clinic_id, outcome, now)
