"""An SMS backend that sends nothing: for development, demos and tests.

Nothing leaves the machine, so a dev database full of real-looking numbers can
never text anyone. The texts are kept in memory (``ConsoleBackend.sent``) for
dev tools and tests to inspect; the log gets only the fake sid and the body
length, because numbers and texts are PHI and logs get shipped and kept.
"""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass

from followup.messaging.sms.base import SendResult
from followup.models import MessageStatus

log = logging.getLogger(__name__)

MAX_KEPT = 1000


@dataclass(frozen=True)
class SentText:
    """One text the console backend pretended to send."""

    to: str
    body: str
    sid: str
    from_: str | None = None
    status_callback: str | None = None


class ConsoleBackend:
    """``SmsBackend`` that records texts in memory instead of sending them."""

    name = "console"
    paces = False  # nothing leaves the machine: no provider rate to respect

    def __init__(self, *, max_kept: int = MAX_KEPT) -> None:
        if max_kept < 1:
            raise ValueError("max_kept must be at least 1")
        self.max_kept = max_kept
        # The last ``max_kept`` texts, oldest first; bounded so a long-running
        # dev server does not grow without limit.
        self.sent: list[SentText] = []
        self._lock = threading.Lock()

    def send(
        self,
        *,
        to: str,
        body: str,
        from_: str | None = None,
        status_callback: str | None = None,
    ) -> SendResult:
        """Pretend to send: return a Twilio-shaped sid so downstream code is exercised."""
        sid = "SM" + uuid.uuid4().hex
        text = SentText(to=to, body=body, sid=sid, from_=from_, status_callback=status_callback)
        with self._lock:
            self.sent.append(text)
            if len(self.sent) > self.max_kept:
                del self.sent[: len(self.sent) - self.max_kept]
        log.info("console sms: not sent (console backend) sid=%s body_chars=%d", sid, len(body))
        return SendResult(sid=sid, status=MessageStatus.SENT)

    def last(self) -> SentText | None:
        """The most recent text, if any (handy in tests and the dev shell)."""
        with self._lock:
            return self.sent[-1] if self.sent else None

    def clear(self) -> None:
        """Forget all recorded texts."""
        with self._lock:
            self.sent.clear()
