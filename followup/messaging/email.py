"""Email backends for the daily digest.

The digest carries counts only (no PHI), but a mail server is still an
outside system that can be down or slow: the backends raise ``EmailError``
so the digest pass can try again at its next tick rather than record a
digest that never left. Without ``digest.smtp_host`` there is nowhere to
send, which is logged (so an operator notices) instead of failing.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import Protocol

from followup.config import DigestSettings

log = logging.getLogger(__name__)

SMTP_TIMEOUT_SECONDS = 10.0


class EmailError(Exception):
    """The message was not handed to the mail server."""


class EmailBackend(Protocol):
    def send(self, *, to: str, subject: str, body: str) -> bool:
        """Send one plain-text email; False if deliberately not sent (no server)."""
        ...


class SmtpEmail:
    """Plain SMTP through ``smtplib`` (no auth: a relay on the local network)."""

    def __init__(self, host: str, port: int, sender: str,
                 timeout: float = SMTP_TIMEOUT_SECONDS) -> None:
        self.host, self.port, self.sender, self.timeout = host, port, sender, timeout

    def send(self, *, to: str, subject: str, body: str) -> bool:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise EmailError(f"SMTP server refused or unreachable ({type(exc).__name__})") from exc
        return True


class LogOnlyEmail:
    """No SMTP server configured: say so in the log, send nothing."""

    def send(self, *, to: str, subject: str, body: str) -> bool:
        log.warning("digest email not sent: digest.smtp_host is not configured")
        return False


def make_email_backend(settings: DigestSettings) -> EmailBackend:
    if not settings.smtp_host:
        return LogOnlyEmail()
    return SmtpEmail(settings.smtp_host, settings.smtp_port, settings.smtp_from)
