"""A local fake of Twilio's Messages API that checks requests against Twilio's OpenAPI file.

Why a real HTTP server instead of mocking the SDK: the SDK's parameter names,
form encoding, auth header and error parsing are exactly what can go wrong on
an SDK upgrade, and a mock would skip all of them. Every request is validated,
with openapi-core, against Twilio's own OpenAPI description of the 2010-04-01 API
(vendored in ``tests/data/twilio/``, see its README); anything the description does
not allow is recorded in ``FakeTwilio.errors`` and answered with 400, so a test
asserting ``fake.errors == []`` proves the service speaks the real API.

The fake is deliberately stricter than Twilio (and than openapi-core) in one
respect: the real API silently ignores unknown form parameters, which would
hide a misspelt one, so an undeclared or repeated parameter is an error here.

Usage::

    with FakeTwilio(account_sid, auth_token) as fake:
        settings = TwilioSettings(..., api_base_url=fake.base_url)
        ...
        assert fake.errors == []
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jsonschema_path import SchemaPath
from openapi_core.casting.schemas import oas30_write_schema_casters_factory as _CASTERS
from openapi_core.casting.schemas.exceptions import CastError
from openapi_core.validation.schemas import oas30_read_schema_validators_factory as _READ
from openapi_core.validation.schemas import oas30_write_schema_validators_factory as _WRITE
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue

SPEC_PATH = Path(__file__).resolve().parent / "data" / "twilio" / "twilio_api_v2010.json"
MESSAGES_PATH_TEMPLATE = "/2010-04-01/Accounts/{AccountSid}/Messages.json"

DEFAULT_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
DEFAULT_AUTH_TOKEN = "fake-auth-token-0123456789abcdef"

# Our own code for "request does not match the OpenAPI description": Twilio has
# no such error (it ignores unknown parameters), so it is just the HTTP status.
SPEC_VIOLATION_CODE = 400

# Default texts for scripted failures, shaped like Twilio's. 21211's quotes the
# number, as Twilio's does, so tests can check that it never reaches a log.
_DEFAULT_MESSAGES: dict[int, str] = {
    20003: "Authenticate",
    20404: "The requested resource was not found",
    20429: "Too Many Requests",
    20500: "Internal Server Error",
    21211: "The 'To' number {to} is not a valid phone number.",
    21602: "Message body is required.",
    21610: "Attempt to send to unsubscribed recipient",
    21614: "'To' number is not a valid mobile number",
}

# GSM 03.38 basic character set (plus the escape-table characters, which count
# double); anything else forces UCS-2 and shorter segments.
_GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = set("^{}\\[~]|€\f")


def count_segments(body: str) -> int:
    """How many SMS segments Twilio would bill ``body`` as (GSM-7 or UCS-2)."""
    if not body:
        return 1
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in body):
        units = sum(2 if ch in _GSM_EXTENDED else 1 for ch in body)
        single, multi = 160, 153
    else:
        units = len(body.encode("utf-16-le")) // 2
        single, multi = 70, 67
    return 1 if units <= single else -(-units // multi)


def rfc2822(moment: datetime) -> str:
    """Twilio's date format: ``Thu, 24 Aug 2023 05:01:45 +0000``."""
    return format_datetime(moment.astimezone(UTC)).replace("-0000", "+0000")


@cache
def load_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    """Twilio's OpenAPI document as data (read once per process: it is ~2 MB)."""
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)  # type: ignore[no-any-return]


def _is_uri(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _is_date_time(value: str) -> bool:
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_rfc2822(value: str) -> bool:
    try:
        parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return False
    return True


# jsonschema checks these formats only with optional packages, and Twilio's own
# ``date-time-rfc-2822`` not at all: without these a malformed URL would pass.
_FORMATS = {"uri": _is_uri, "date-time": _is_date_time, "date-time-rfc-2822": _is_rfc2822}


def _contents(path: SchemaPath) -> Any:
    """What a place in the description holds, its ``$ref`` followed."""
    with path.resolve() as resolved:
        return resolved.contents


def _messages(errors: Iterable[Any], where: str) -> list[str]:
    """jsonschema's errors, one line each, named by the field they are about."""
    return [f"{'/'.join(str(part) for part in error.path) or where}: {error.message}"
            for error in errors]


class OpenApiChecker:
    """Checks one operation's requests and answers with openapi-core's casters and
    schema validators (OpenAPI 3.0: ``nullable``, enums, patterns, formats).

    Built once per process and operation (``checker_for``): openapi-core's
    request-level API (``OpenAPI.unmarshal_request``) builds a caster and a
    validator for each of the 25 form properties on every request, 15-50 ms a
    request here, which made the timing tests of test_delivery_safety time out;
    built once, a request costs about 0.2 ms.

    Two checks are this fake's own: openapi-core drops form parameters the
    description does not declare, and keeps the first of a repeated one; Twilio
    ignores unknown ones, which would hide a misspelt parameter. Both are errors."""

    def __init__(self, spec_path: Path, path_template: str, method: str) -> None:
        spec = SchemaPath.from_dict(load_spec(spec_path))
        operation = spec / "paths" / path_template / method.lower()
        schema = (operation / "requestBody" / "content" / "application/x-www-form-urlencoded"
                  / "schema")
        properties = _contents(schema)["properties"]
        self.form_validator = _WRITE.create(spec, schema, extra_format_validators=_FORMATS)
        self.casters = {name: _CASTERS.create(spec, schema / "properties" / name,
                                              extra_format_validators=_FORMATS)
                        for name in properties}
        self.arrays = {name for name in properties
                       if _contents(schema / "properties" / name).get("type") == "array"}
        self.path_validators = {
            param["name"]: _WRITE.create(spec, operation / "parameters" / i / "schema",
                                         extra_format_validators=_FORMATS)
            for i, param in enumerate(_contents(operation).get("parameters", []))
            if param["in"] == "path"}
        self.answer_validators: dict[int, Any] = {}
        self.answer_properties: dict[int, set[str]] = {}
        for status, answer in _contents(operation)["responses"].items():
            if "application/json" in answer.get("content", {}):
                body = operation / "responses" / status / "content" / "application/json" / "schema"
                self.answer_validators[int(status)] = _READ.create(
                    spec, body, extra_format_validators=_FORMATS)
                self.answer_properties[int(status)] = set(_contents(body).get("properties", {}))

    def check_request(self, path_params: dict[str, str],
                      params: dict[str, list[str]]) -> list[str]:
        """Everything about a request's path and form the description does not allow."""
        problems: list[str] = []
        for name, value in path_params.items():
            problems += self._validate(self.path_validators[name], value, f"path {name}")
        form: dict[str, Any] = {}
        for name, values in params.items():
            if name not in self.casters:
                problems.append(f"parameter {name} is not declared in the API description")
            elif len(values) > 1 and name not in self.arrays:
                problems.append(f"parameter {name} given {len(values)} times")
            else:
                raw = values if name in self.arrays else values[0]
                try:
                    form[name] = self.casters[name].cast(raw)
                except CastError as error:
                    problems.append(f"{name}: {error}")
        return problems + self._validate(self.form_validator, form, "body")

    def check_response(self, status: int, payload: dict[str, Any]) -> list[str]:
        """Everything about the fake's own JSON answer the description does not allow."""
        declared = self.answer_properties.get(status, set())
        return self._validate(self.answer_validators[status], payload, "response") + [
            f"{name}: not declared in the API description"
            for name in payload if name not in declared]

    def form_record(self, params: dict[str, list[str]]) -> dict[str, str | list[str]]:
        """The form as sent: array parameters as lists, the others as their one value."""
        return {name: values if name in self.arrays else values[0]
                for name, values in params.items()}

    @staticmethod
    def _validate(validator: Any, value: Any, where: str) -> list[str]:
        try:
            validator.validate(value)
        except InvalidSchemaValue as error:
            return _messages(error.schema_errors, where)
        return []


@cache
def checker_for(spec_path: Path, path_template: str, method: str) -> OpenApiChecker:
    """One checker per process and operation: building one reads the ~2 MB description."""
    return OpenApiChecker(spec_path, path_template, method)


@dataclass(frozen=True)
class ScriptedFailure:
    """An error response the fake gives instead of accepting a message."""

    status: int
    code: int
    message: str | None = None
    retry_after: str | None = None


@dataclass(frozen=True)
class RecordedRequest:
    """What reached the fake (method and path only; bodies are in ``messages``)."""

    method: str
    path: str
    status: int


class FakeTwilio:
    """Twilio's Messages API on ``127.0.0.1``, validated against Twilio's OpenAPI file.

    Attributes tests read:
      ``base_url``  – pass as ``twilio.api_base_url``;
      ``messages``  – accepted messages, each the form parameters as sent
                      (``{"To": "+1...", "Body": "...", ...}``; array
                      parameters such as MediaUrl as lists);
      ``responses`` – the JSON bodies returned for them, in the same order;
      ``errors``    – every way a request broke the API description;
      ``requests``  – every request, in order.
    """

    def __init__(
        self,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = DEFAULT_AUTH_TOKEN,
        *,
        spec_path: Path = SPEC_PATH,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.checker = checker_for(spec_path, MESSAGES_PATH_TEMPLATE, "post")
        self.messages: list[dict[str, str | list[str]]] = []
        self.responses: list[dict[str, Any]] = []
        self.errors: list[str] = []
        self.requests: list[RecordedRequest] = []
        self._failures: list[ScriptedFailure | None] = []  # None: accept this one
        self._delays: list[float] = []
        self._holds: list[threading.Event] = []
        # Called with the form of each valid create request before it is
        # answered: a test makes Twilio "slow" on its injected clock here.
        self.before_answer: Callable[[dict[str, list[str]]], None] | None = None
        self.cut_requests = 0  # bodies shorter than their Content-Length (client died)
        self._arrived = 0
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._path_re = re.compile(
            "^" + re.escape(MESSAGES_PATH_TEMPLATE).replace(r"\{AccountSid\}", "([^/]+)") + "$"
        )

    # -- lifecycle --

    def start(self) -> FakeTwilio:
        """Listen on an ephemeral port of 127.0.0.1 in a background thread."""
        if self._server is not None:
            return self
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True  # a delayed handler must not block close()
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-twilio",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving; cuts short any scripted delay still running."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeTwilio:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeTwilio is not running (use it as a context manager)")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def messages_url(self) -> str:
        """Absolute URL of this account's Messages resource on the fake."""
        return self.base_url + MESSAGES_PATH_TEMPLATE.format(AccountSid=self.account_sid)

    # -- scripting --

    def queue_failure(
        self,
        *,
        status: int,
        code: int,
        times: int = 1,
        message: str | None = None,
        retry_after: float | str | None = None,
    ) -> None:
        """Answer the next ``times`` valid create requests with this Twilio error."""
        header = None if retry_after is None else str(retry_after)
        with self._lock:
            self._failures.extend(
                ScriptedFailure(status, code, message, header) for _ in range(times)
            )

    def queue_accept(self, times: int = 1) -> None:
        """Accept the next ``times`` valid requests (to interleave scripted failures)."""
        with self._lock:
            self._failures.extend(None for _ in range(times))

    def status_callback(self, sid: str, status: str,
                        error_code: int | None = None) -> dict[str, str]:
        """The form Twilio posts to a message's StatusCallback URL for ``status``.

        Built from the message as accepted (its To/From), with the fields Twilio
        sends for SMS status callbacks; ``ErrorCode`` only with a failure."""
        with self._lock:
            found = [m for m in self.responses if m["sid"] == sid]
        if not found:
            raise KeyError(f"no accepted message {sid}")
        message = found[0]
        params = {
            "AccountSid": self.account_sid, "ApiVersion": "2010-04-01",
            "From": str(message["from"] or ""), "To": str(message["to"]),
            "MessageSid": sid, "MessageStatus": status, "SmsSid": sid, "SmsStatus": status,
        }
        if message.get("messaging_service_sid"):
            params["MessagingServiceSid"] = str(message["messaging_service_sid"])
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return params

    def delay(self, seconds: float, *, times: int = 1) -> None:
        """Hold the next ``times`` responses for ``seconds`` (to provoke client timeouts).

        The delayed request is still processed afterwards, as Twilio may well
        accept a message whose client already gave up.
        """
        with self._lock:
            self._delays.extend(seconds for _ in range(times))

    def hold(self, release: threading.Event, *, times: int = 1) -> None:
        """Hold the next ``times`` responses until ``release`` is set, then
        process them (accept, as Twilio may accept a text whose client gave up).

        Deterministic where ``delay`` is timed: the test decides when Twilio answers."""
        with self._lock:
            self._holds.extend(release for _ in range(times))

    @property
    def arrived(self) -> int:
        """How many valid requests have reached the fake so far (answered or held)."""
        with self._lock:
            return self._arrived

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` requests have reached the fake (answered or held)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._arrived >= count, timeout)

    def wait_for_messages(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` messages were accepted (e.g. after a delayed request)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.messages) >= count, timeout)

    # -- request handling (called from server threads) --

    def _record_error(self, problem: str) -> None:
        with self._lock:
            self.errors.append(problem)

    def _next(self, queue: list[Any]) -> Any:
        with self._lock:
            return queue.pop(0) if queue else None

    def handle(
        self, method: str, target: str, headers: Any, body: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        """Answer one request: (HTTP status, JSON body, extra headers)."""
        path = urlsplit(target).path
        status, payload, extra = self._handle(method, path, headers, body)
        with self._changed:
            self.requests.append(RecordedRequest(method, path, status))
            self._changed.notify_all()
        return status, payload, extra

    def _handle(
        self, method: str, path: str, headers: Any, body: bytes
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        match = self._path_re.match(path)
        if match is None:
            self._record_error(f"{method} {path}: not a path this fake serves")
            return _error(404, 20404)
        if method != "POST":
            self._record_error(f"{method} {path}: only POST (create) is implemented")
            return _error(405, 20004, "Method not allowed")

        account_sid = match.group(1)
        auth_problem = self._check_auth(headers.get("Authorization"), account_sid)
        if auth_problem:
            self._record_error(auth_problem)
            return _error(401, 20003, extra={"WWW-Authenticate": 'Basic realm="Twilio API"'})

        problems: list[str] = []
        content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            problems.append(f"Content-Type {content_type!r}, expected form-urlencoded")
        try:
            params = parse_qs(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
        except UnicodeDecodeError:
            params = {}
            problems.append("body is not UTF-8")
        problems += self.checker.check_request({"AccountSid": account_sid}, params)
        if "From" not in params and "MessagingServiceSid" not in params:
            problems.append("one of From or MessagingServiceSid is required")
        if problems:
            for problem in problems:
                self._record_error(f"POST Messages.json: {problem}")
            return _error(
                400,
                SPEC_VIOLATION_CODE,
                "Request does not match Twilio's API description: " + "; ".join(problems),
            )
        if not any(name in params for name in ("Body", "MediaUrl", "ContentSid")):
            self._record_error("POST Messages.json: no Body, MediaUrl or ContentSid (Twilio 21602)")
            return _error(400, 21602)

        with self._changed:
            self._arrived += 1
            self._changed.notify_all()
        if self.before_answer is not None:
            self.before_answer(params)
        pause = self._next(self._delays)
        if pause and self._stopping.wait(pause):
            return _error(503, 20500, "fake shutting down")
        gate: threading.Event | None = self._next(self._holds)
        while gate is not None and not gate.wait(0.05):
            if self._stopping.is_set():
                return _error(503, 20500, "fake shutting down")

        failure: ScriptedFailure | None = self._next(self._failures)
        if failure is not None:
            extra = {"Retry-After": failure.retry_after} if failure.retry_after else {}
            to = params["To"][0]
            return _error(failure.status, failure.code, failure.message, extra=extra, to=to)

        form = self.checker.form_record(params)
        message = self._message_resource(form)
        for problem in self.checker.check_response(201, message):
            self._record_error(f"fake's own 201 response breaks the schema: {problem}")
        with self._changed:
            self.messages.append(form)
            self.responses.append(message)
            self._changed.notify_all()
        return 201, message, {}

    def _check_auth(self, header: str | None, path_account: str) -> str | None:
        if not header or not header.startswith("Basic "):
            return "request without HTTP Basic auth"
        try:
            user, _, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return "malformed Basic auth header"
        if user != self.account_sid or password != self.auth_token:
            return "wrong account SID or auth token"
        if path_account != self.account_sid:
            return "AccountSid in the path is not the authenticated account"
        return None

    def _message_resource(self, form: dict[str, str | list[str]]) -> dict[str, Any]:
        """A Message resource as Twilio returns it right after create."""
        sid = "SM" + uuid.uuid4().hex
        now = rfc2822(datetime.now(UTC))
        base = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}"
        body = str(form.get("Body", ""))
        media = form.get("MediaUrl", [])
        service = form.get("MessagingServiceSid")
        sender = form.get("From")
        # Through a Messaging Service without a From, Twilio picks the sender
        # later and reports "accepted" instead of "queued".
        status = "accepted" if service and not sender else "queued"
        return {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": body,
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": sender,
            "messaging_service_sid": service,
            "num_media": str(len(media)),
            "num_segments": str(count_segments(body)),
            "price": None,
            "price_unit": "USD",
            "sid": sid,
            "status": status,
            "subresource_uris": {"media": f"{base}/Media.json"},
            "to": form["To"],
            "uri": f"{base}.json",
        }


def _error(
    status: int,
    code: int,
    message: str | None = None,
    *,
    extra: dict[str, str] | None = None,
    to: str = "",
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Twilio's (legacy, non-RFC-9457) error body, which the SDK turns into TwilioRestException."""
    text = message or _DEFAULT_MESSAGES.get(code, "Error").format(to=to)
    payload = {
        "code": code,
        "message": text,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }
    return status, payload, dict(extra or {})


class _Handler(BaseHTTPRequestHandler):
    """Thin HTTP adapter: read the whole request, let ``FakeTwilio.handle`` decide."""

    protocol_version = "HTTP/1.1"
    server_version = "FakeTwilio/1.0"

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fake: FakeTwilio = self.server.fake  # type: ignore[attr-defined]
        if len(body) < length:
            # The client died mid-request (a SIGKILLed dispatcher): Twilio
            # never sees a request it did not receive whole, so neither does
            # the fake (it is not an API violation of ours to record).
            with fake._lock:
                fake.cut_requests += 1
            self.close_connection = True
            return
        status, payload, extra = fake.handle(self.command, self.path, self.headers, body)
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test): nothing to answer

    do_POST = _serve
    do_GET = _serve
    do_PUT = _serve
    do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""


def iter_fake(
    account_sid: str = DEFAULT_ACCOUNT_SID, auth_token: str = DEFAULT_AUTH_TOKEN
) -> Iterator[FakeTwilio]:
    """Generator for a pytest fixture: ``yield from iter_fake(sid, token)``."""
    with FakeTwilio(account_sid, auth_token) as fake:
        yield fake
