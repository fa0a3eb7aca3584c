"""Send texts through Twilio's Messages API with the official SDK.

Why the SDK is wrapped rather than used bare:

* Its default HTTP client has no timeout, so one hung connection to Twilio would
  stall the dispatcher forever; :class:`RoutedTwilioHttpClient` always sets one.
* Tests (and a local dev stack) need the SDK's real requests to reach a fake
  Twilio on ``127.0.0.1``; ``twilio.api_base_url`` reroutes them at the HTTP
  layer, so everything above it (parameter names, serialisation, auth, error
  parsing) is the real SDK code path.
* The dispatcher only understands accepted / try later / never
  (:mod:`followup.messaging.sms.base`), so Twilio's errors are translated here.

Patient phone numbers and message texts are PHI: nothing in this module logs
them or puts them in exception messages. Twilio's own error text often quotes
the number ("The 'To' number +1555... is not a valid phone number"), so it is
dropped and only the HTTP status and Twilio error code are kept.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from twilio.base import values
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from followup.config import TWILIO_API_BASE_URL, TwilioSettings
from followup.messaging.sms.base import (
    AccountSendError,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from followup.models import MessageStatus

log = logging.getLogger(__name__)

_TWILIO_DOMAIN = "twilio.com"
# Twilio errors about our account, not the message (twilio.com/docs/api/errors):
# 10001 and 20005 account not active, 20003 authentication failed or permission
# denied, 30002 account suspended, 90010 account not in an active state.
ACCOUNT_ERROR_CODES = frozenset({10001, 20003, 20005, 30002, 90010})


def accepted_status(reported: object) -> MessageStatus:
    """Twilio's status for a message it just accepted, as one of ours.

    The message is sent whatever word comes back, so a word we do not know
    (a status Twilio adds later) is stored as "queued", the stage every send
    starts at, instead of failing the record of a text that went out; the
    status callbacks move it on."""
    if reported is None:
        return MessageStatus.QUEUED
    try:
        return MessageStatus(str(reported))
    except ValueError:
        log.warning("twilio reported an unknown status %r; stored as queued", str(reported)[:20])
        return MessageStatus.QUEUED


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date).

    Returns None when the header is absent or unreadable, so the dispatcher
    falls back to its own backoff instead of trusting garbage.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
    return max(0.0, seconds)


class RoutedTwilioHttpClient(TwilioHttpClient):  # type: ignore[misc]  # the SDK is untyped
    """The SDK's requests-based client, with a timeout and an optional base-URL override.

    The SDK builds absolute URLs such as
    ``https://api.twilio.com/2010-04-01/Accounts/AC.../Messages.json`` (or a
    regional ``api.dublin.ie1.twilio.com`` when TWILIO_EDGE/TWILIO_REGION are
    set). When ``base_url`` is not Twilio's default, the scheme and host of every
    ``*.twilio.com`` URL are replaced by ``base_url`` (keeping the path and
    query), so no request of a test or dev stack can reach the real Twilio.

    It also remembers, per thread, the headers of the last response: the SDK's
    exceptions drop them, and a 429's ``Retry-After`` is worth keeping.
    """

    def __init__(
        self,
        *,
        timeout: float,
        base_url: str = TWILIO_API_BASE_URL,
        **kwargs: Any,
    ) -> None:
        if timeout <= 0:
            raise ValueError("timeout must be > 0 seconds")
        super().__init__(timeout=timeout, **kwargs)
        base = urlsplit(base_url.rstrip("/"))
        if base.scheme not in ("http", "https") or not base.netloc:
            raise ValueError(f"Twilio API base URL must be http(s)://host[:port], got {base_url!r}")
        if base.query or base.fragment:
            raise ValueError(f"Twilio API base URL must not have a query or fragment: {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._base = base
        self._reroute = self.base_url != TWILIO_API_BASE_URL
        self._local = threading.local()

    def rewrite_url(self, url: str) -> str:
        """Where a URL built by the SDK is really sent (unchanged unless rerouted)."""
        if not self._reroute:
            return url
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if host != _TWILIO_DOMAIN and not host.endswith("." + _TWILIO_DOMAIN):
            return url
        path = self._base.path.rstrip("/") + parts.path
        return urlunsplit((self._base.scheme, self._base.netloc, path, parts.query, ""))

    def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        self._local.last_headers = None
        response = super().request(
            method,
            self.rewrite_url(url),
            params=params,
            data=data,
            headers=headers,
            auth=auth,
            timeout=timeout,
            allow_redirects=allow_redirects,
        )
        self._local.last_headers = response.headers
        return response

    @property
    def last_response_headers(self) -> Mapping[str, str] | None:
        """Headers of this thread's most recent response (case-insensitive mapping)."""
        return getattr(self._local, "last_headers", None)


class TwilioBackend:
    """``SmsBackend`` that hands texts to Twilio's Messages API.

    One SDK client is built at construction and reused, so the HTTP
    connection pool is shared between sends.
    """

    name = "twilio"
    paces = True  # Twilio queues, then refuses (429), texts faster than a sender's rate

    def __init__(self, settings: TwilioSettings, *, http_client: HttpClient | None = None) -> None:
        if not settings.account_sid or not settings.auth_token:
            raise ValueError("Twilio account_sid and auth_token are required")
        if not (settings.from_number or settings.messaging_service_sid):
            raise ValueError("Twilio from_number or messaging_service_sid is required")
        self.settings = settings
        self.http_client: HttpClient = http_client or RoutedTwilioHttpClient(
            timeout=settings.timeout_seconds, base_url=settings.api_base_url
        )
        self.client = Client(
            settings.account_sid, settings.auth_token, http_client=self.http_client
        )

    def send(
        self,
        *,
        to: str,
        body: str,
        from_: str | None = None,
        status_callback: str | None = None,
    ) -> SendResult:
        """Create one outbound Message; map Twilio's failures to transient/permanent.

        A read timeout is reported as transient with ``maybe_sent``: Twilio may
        have accepted the text before the connection gave up, so a retry can
        send it twice, and the dispatcher records it as a possible duplicate.
        For check-in questions a rare, recorded duplicate is better than a
        silent gap. (A connect timeout never reached Twilio: nothing was sent.)
        """
        sender = from_ or self.settings.from_number
        kwargs: dict[str, Any] = {
            "to": to,
            "body": body,
            "validity_period": self.settings.validity_period_seconds,
            "status_callback": status_callback if status_callback else values.unset,
        }
        if sender:
            kwargs["from_"] = sender
        else:
            kwargs["messaging_service_sid"] = self.settings.messaging_service_sid
        try:
            message = self.client.messages.create(**kwargs)
        except (TwilioRestException, TwilioServiceException) as exc:
            raise self._api_error(exc) from None  # the cause's text may quote the number
        except requests.ConnectTimeout as exc:
            log.warning("twilio connect timed out after %ss", self.settings.timeout_seconds)
            raise TransientSendError("could not reach Twilio in time") from exc
        except requests.Timeout as exc:
            log.warning("twilio send timed out after %ss", self.settings.timeout_seconds)
            raise TransientSendError("Twilio did not answer in time: it may have sent the text",
                                     maybe_sent=True) from exc
        except requests.RequestException as exc:
            log.warning("twilio send failed: %s", type(exc).__name__)
            raise TransientSendError(f"could not reach Twilio ({type(exc).__name__})") from exc
        except json.JSONDecodeError:
            log.warning("twilio send: success response was not JSON")
            raise TransientSendError("Twilio answered with an unreadable response") from None
        except TwilioException as exc:
            log.warning("twilio send failed: %s", type(exc).__name__)
            raise TransientSendError(f"Twilio client error ({type(exc).__name__})") from None
        sid = message.sid
        if not sid:
            log.warning("twilio send: response had no message sid")
            raise TransientSendError("Twilio accepted the request but returned no message sid")
        log.info("twilio accepted message sid=%s status=%s", sid, message.status)
        return SendResult(sid=sid, status=accepted_status(message.status))

    def _api_error(
        self, exc: TwilioRestException | TwilioServiceException
    ) -> TransientSendError | PermanentSendError | AccountSendError:
        """Translate an error response; only status and code survive (no PHI)."""
        status = int(exc.status)
        code = int(exc.code) if isinstance(exc.code, int) else None
        if status in (401, 403) or code in ACCOUNT_ERROR_CODES:
            # Our credentials, not the patient's number: failing every check-in
            # (and flagging each as undeliverable) would bury the real problem.
            # Keep them pending until an operator fixes the account settings.
            log.error("twilio refused our credentials http_status=%s code=%s", status, code)
            return AccountSendError(
                f"Twilio refused the account credentials (HTTP {status}, error {code})",
                code=code,
                http_status=status,
            )
        if status == 429 or status >= 500:
            retry_after = self._retry_after()
            log.warning(
                "twilio send failed transiently http_status=%s code=%s retry_after=%s",
                status,
                code,
                retry_after,
            )
            return TransientSendError(
                f"Twilio is unavailable or rate limiting (HTTP {status}, error {code})",
                code=code,
                http_status=status,
                retry_after=retry_after,
            )
        log.warning("twilio rejected message http_status=%s code=%s", status, code)
        return PermanentSendError(
            f"Twilio rejected the message (HTTP {status}, error {code})",
            code=code,
            http_status=status,
        )

    def _retry_after(self) -> float | None:
        headers = getattr(self.http_client, "last_response_headers", None)
        if not headers:
            return None
        return parse_retry_after(headers.get("Retry-After"))
