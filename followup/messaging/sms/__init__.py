"""Outbound SMS backends behind one small interface (see ``base``)."""

from followup.messaging.sms.base import (
    AccountSendError,
    PermanentSendError,
    SendResult,
    SmsBackend,
    TransientSendError,
)

__all__ = [
    "AccountSendError", "PermanentSendError", "SendResult", "SmsBackend", "TransientSendError",
]
