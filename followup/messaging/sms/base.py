"""The interface every SMS backend implements.

The dispatcher only needs to know three outcomes of a send: accepted (with the
provider's id), try again later (rate limit, provider outage, timeout) or
never (bad number, opted out). Backends translate their provider's errors
into these so the dispatcher stays provider-agnostic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from followup.models import MessageStatus


@dataclass(frozen=True)
class SendResult:
    sid: str
    status: MessageStatus  # at acceptance, e.g. queued, accepted, sent


class SendError(Exception):
    def __init__(self, message: str, *, code: int | None = None, http_status: int | None = None):
        super().__init__(message)
        self.code = code
        self.http_status = http_status


class TransientSendError(SendError):
    """The provider may accept the same text later (429, 5xx, timeout)."""

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
        maybe_sent: bool = False,
    ):
        super().__init__(message, code=code, http_status=http_status)
        self.retry_after = retry_after
        # The request reached the provider and no answer came back (a read
        # timeout): it may have accepted the text, so a retry may send it twice.
        self.maybe_sent = maybe_sent


class AccountSendError(SendError):
    """The provider refuses our account (credentials, suspension), not this text.

    No text to anyone can go out until a person fixes the account, so the
    dispatcher neither counts it against the check-in nor flags the patient:
    it raises one clinic-level alert and waits."""


class PermanentSendError(SendError):
    """Sending this text to this number will not work; retrying is pointless."""

    @property
    def opted_out(self) -> bool:
        # Twilio 21610: the recipient replied STOP to this sender.
        return self.code == 21610


class SmsBackend(Protocol):
    name: str
    # Whether texts must be paced to the provider's per-sender rate (see
    # ``messaging/pacing.py``): True for a real provider, False for a backend
    # that sends nothing and so has no rate to respect.
    paces: bool

    def send(
        self,
        *,
        to: str,
        body: str,
        from_: str | None = None,
        status_callback: str | None = None,
    ) -> SendResult:
        """Hand one text to the provider; raise a ``SendError`` subclass on failure."""
        ...
