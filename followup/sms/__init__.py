"""Outbound SMS backends behind one small interface (see ``base``)."""

from followup.sms.base import (
    PermanentSendError,
    SendResult,
    SmsBackend,
    TransientSendError,
)

__all__ = ["PermanentSendError", "SendResult", "SmsBackend", "TransientSendError"]
