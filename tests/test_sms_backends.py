"""SMS backends: the Twilio backend against a local, OpenAPI-validated fake; the console one.

The Twilio tests drive the real twilio SDK over real HTTP, so they catch what a
mocked SDK cannot: parameter names, form encoding, auth, error parsing.
"""

from __future__ import annotations

import base64
import logging
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from fake_twilio import DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, FakeTwilio, count_segments

from followup.config import TWILIO_API_BASE_URL, TwilioSettings
from followup.messaging.sms.base import (
    AccountSendError,
    PermanentSendError,
    SendResult,
    TransientSendError,
)
from followup.messaging.sms.console import ConsoleBackend
from followup.messaging.sms.twilio import (
    RoutedTwilioHttpClient,
    TwilioBackend,
    accepted_status,
    parse_retry_after,
)
from followup.models import MessageStatus

PATIENT = "+15558675310"
SENDER = "+15005550006"
SERVICE = "MG" + "fedcba9876543210" * 2
CALLBACK = "https://followup.example.org/sms/status/42"
BODY = "Hi, it's the infusion clinic. How are you feeling today? Reply 1-5."


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN) as server:
        yield server


def make_settings(fake: FakeTwilio, **changes: object) -> TwilioSettings:
    settings = TwilioSettings(
        account_sid=fake.account_sid,
        auth_token=fake.auth_token,
        from_number=SENDER,
        messaging_service_sid="",
        api_base_url=fake.base_url,
        timeout_seconds=5.0,
        validity_period_seconds=3600,
    )
    return replace(settings, **changes)  # type: ignore[arg-type]


# -- Twilio backend: success ---------------------------------------------------


def test_send_reaches_twilio_with_exact_parameters(fake: FakeTwilio) -> None:
    backend = TwilioBackend(make_settings(fake))

    result = backend.send(to=PATIENT, body=BODY, status_callback=CALLBACK)

    assert fake.errors == []
    assert fake.messages == [
        {
            "To": PATIENT,
            "Body": BODY,
            "From": SENDER,
            "StatusCallback": CALLBACK,
            "ValidityPeriod": "3600",
        }
    ]
    assert result == SendResult(sid=fake.responses[0]["sid"], status="queued")
    assert re.fullmatch(r"SM[0-9a-f]{32}", result.sid)
    assert [(r.method, r.status) for r in fake.requests] == [("POST", 201)]


def test_a_status_word_twilio_adds_later_is_stored_as_queued_not_lost(
        caplog: pytest.LogCaptureFixture) -> None:
    """The text went out whatever word comes back: recording it must not fail
    on the new CHECK constraint of messages.status."""
    assert accepted_status("accepted") is MessageStatus.ACCEPTED
    assert accepted_status(None) is MessageStatus.QUEUED
    with caplog.at_level(logging.WARNING):
        assert accepted_status("teleported") is MessageStatus.QUEUED
    assert "unknown status 'teleported'" in caplog.text


def test_explicit_from_overrides_configured_number(fake: FakeTwilio) -> None:
    backend = TwilioBackend(make_settings(fake))

    backend.send(to=PATIENT, body="x", from_="+15005550001")

    assert fake.errors == []
    assert fake.messages[0]["From"] == "+15005550001"
    assert "StatusCallback" not in fake.messages[0]


def test_messaging_service_used_when_no_from_number(fake: FakeTwilio) -> None:
    backend = TwilioBackend(make_settings(fake, from_number="", messaging_service_sid=SERVICE))

    result = backend.send(to=PATIENT, body=BODY)

    assert fake.errors == []
    assert fake.messages == [
        {"To": PATIENT, "Body": BODY, "MessagingServiceSid": SERVICE, "ValidityPeriod": "3600"}
    ]
    assert result.status == "accepted"  # Twilio's status for a Messaging Service send


def test_backend_requires_a_sender() -> None:
    settings = TwilioSettings(DEFAULT_ACCOUNT_SID, "t", "", "", TWILIO_API_BASE_URL, 5.0, 3600)
    with pytest.raises(ValueError, match="from_number"):
        TwilioBackend(settings)


# -- Twilio backend: failures --------------------------------------------------


def test_rate_limit_is_transient_with_retry_after(fake: FakeTwilio) -> None:
    backend = TwilioBackend(make_settings(fake))
    fake.queue_failure(status=429, code=20429, retry_after=7)

    with pytest.raises(TransientSendError) as info:
        backend.send(to=PATIENT, body=BODY)

    assert (info.value.http_status, info.value.code, info.value.retry_after) == (429, 20429, 7.0)
    assert fake.errors == []  # the failing request was still a valid one
    assert fake.messages == []


def test_rate_limit_without_retry_after(fake: FakeTwilio) -> None:
    backend = TwilioBackend(make_settings(fake))
    fake.queue_failure(status=429, code=20429, times=2)

    for _ in range(2):
        with pytest.raises(TransientSendError) as info:
            backend.send(to=PATIENT, body=BODY)
        assert info.value.retry_after is None
    assert backend.send(to=PATIENT, body=BODY).status == "queued"  # queue used up
    assert len(fake.requests) == 3  # the SDK does not retry on its own


def test_server_error_is_transient(fake: FakeTwilio) -> None:
    backend = TwilioBackend(make_settings(fake))
    fake.queue_failure(status=500, code=20500)

    with pytest.raises(TransientSendError) as info:
        backend.send(to=PATIENT, body=BODY)

    assert info.value.http_status == 500
    assert fake.errors == []


def test_timeout_is_transient_and_fast(fake: FakeTwilio) -> None:
    backend = TwilioBackend(make_settings(fake, timeout_seconds=0.2))
    fake.delay(0.5)

    started = time.monotonic()
    with pytest.raises(TransientSendError) as info:
        backend.send(to=PATIENT, body=BODY)
    assert time.monotonic() - started < 0.45
    assert info.value.maybe_sent  # the dispatcher records the retry as a possible duplicate

    # Twilio may still accept a text whose request timed out: a retry can
    # duplicate it. The fake behaves the same way.
    assert fake.wait_for_messages(1, timeout=2.0)
    assert fake.errors == []


def test_connection_refused_is_transient(fake: FakeTwilio) -> None:
    settings = make_settings(fake)
    fake.close()  # nothing listens on that port any more

    with pytest.raises(TransientSendError) as info:
        TwilioBackend(settings).send(to=PATIENT, body=BODY)
    assert not info.value.maybe_sent  # it never reached Twilio


def test_invalid_number_is_permanent_and_no_phi_leaks(
    fake: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    backend = TwilioBackend(make_settings(fake))
    fake.queue_failure(status=400, code=21211)  # its text quotes the number, like Twilio's

    with pytest.raises(PermanentSendError) as info:
        backend.send(to=PATIENT, body=BODY)

    assert info.value.code == 21211
    assert info.value.http_status == 400
    assert info.value.opted_out is False
    assert fake.errors == []
    for text in (str(info.value), caplog.text):
        assert PATIENT not in text and BODY not in text
    assert info.value.__cause__ is None
    assert "code=21211" in caplog.text


def test_unsubscribed_recipient_is_permanent_opt_out(fake: FakeTwilio) -> None:
    backend = TwilioBackend(make_settings(fake))
    fake.queue_failure(status=400, code=21610)

    with pytest.raises(PermanentSendError) as info:
        backend.send(to=PATIENT, body=BODY)

    assert info.value.code == 21610
    assert info.value.opted_out is True


def test_not_a_mobile_number_is_permanent(fake: FakeTwilio) -> None:
    backend = TwilioBackend(make_settings(fake))
    fake.queue_failure(status=400, code=21614)

    with pytest.raises(PermanentSendError) as info:
        backend.send(to=PATIENT, body=BODY)

    assert (info.value.code, info.value.opted_out) == (21614, False)


def test_success_logs_only_sid(fake: FakeTwilio, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    result = TwilioBackend(make_settings(fake)).send(to=PATIENT, body=BODY)

    assert result.sid in caplog.text
    assert PATIENT not in caplog.text and BODY not in caplog.text


# -- the HTTP client -------------------------------------------------------------


def test_client_reroutes_every_twilio_host() -> None:
    client = RoutedTwilioHttpClient(timeout=1.0, base_url="http://127.0.0.1:8099/")
    path = "/2010-04-01/Accounts/AC1/Messages.json?PageSize=2"

    for host in ("api.twilio.com", "api.dublin.ie1.twilio.com", "API.us1.twilio.com"):
        assert client.rewrite_url(f"https://{host}{path}") == f"http://127.0.0.1:8099{path}"
    assert client.rewrite_url("https://example.org/x") == "https://example.org/x"
    assert client.timeout == 1.0


def test_client_leaves_real_twilio_alone() -> None:
    client = RoutedTwilioHttpClient(timeout=1.0, base_url=TWILIO_API_BASE_URL)
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json"

    assert client.rewrite_url(url) == url


def test_client_rejects_bad_base_url() -> None:
    with pytest.raises(ValueError):
        RoutedTwilioHttpClient(timeout=1.0, base_url="127.0.0.1:8099")


def test_parse_retry_after() -> None:
    assert parse_retry_after("12") == 12.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


# -- the fake itself: prove its validation can fail ---------------------------------


VALID = {"To": PATIENT, "From": SENDER, "Body": "hi"}


def send_form(fake: FakeTwilio, form: dict[str, str | list[str]]) -> requests.Response:
    return requests.post(
        fake.messages_url, data=form, auth=(fake.account_sid, fake.auth_token), timeout=5
    )


def test_fake_accepts_every_optional_parameter_the_service_sends(fake: FakeTwilio) -> None:
    """The control for the refusals below: declared, well-typed parameters pass."""
    form = {**VALID, "StatusCallback": CALLBACK, "ValidityPeriod": "3600",
            "MessagingServiceSid": SERVICE, "RiskCheck": "disable",
            "MediaUrl": ["https://example.org/a.png", "https://example.org/b.png"]}

    assert send_form(fake, form).status_code == 201
    assert fake.errors == []
    assert fake.messages[0]["MediaUrl"] == form["MediaUrl"]


@pytest.mark.parametrize(("form", "problem"), [
    # (a) a required parameter missing
    ({"From": SENDER, "Body": "hi"}, "body: 'To' is a required property"),
    # (b) a wrong type, a value outside the enum, a malformed URL
    ({**VALID, "ValidityPeriod": "an hour"},
     "ValidityPeriod: Failed to cast value to integer type: an hour"),
    ({**VALID, "RiskCheck": "maybe"}, "RiskCheck: 'maybe' is not one of ['enable', 'disable']"),
    ({**VALID, "StatusCallback": "/sms/42"}, "StatusCallback: '/sms/42' is not a 'uri'"),
    ({**VALID, "MessagingServiceSid": "MG123"}, "MessagingServiceSid: 'MG123' is too short"),
    # (c) a parameter the description does not declare (Twilio would ignore it),
    # or a single-valued one given twice (openapi-core keeps the first)
    ({**VALID, "ValidityPeriodSeconds": "60"},
     "parameter ValidityPeriodSeconds is not declared in the API description"),
    ({**VALID, "Body": ["hi", "there"]}, "parameter Body given 2 times"),
    # and Twilio's rule the description cannot say
    ({"To": PATIENT, "Body": "hi"}, "one of From or MessagingServiceSid is required"),
], ids=["required", "type", "enum", "uri", "pattern", "undeclared", "repeated", "sender"])
def test_fake_refuses_what_the_description_does_not_allow(
        fake: FakeTwilio, form: dict[str, str | list[str]], problem: str) -> None:
    response = send_form(fake, form)

    assert response.status_code == 400
    assert fake.messages == []
    assert f"POST Messages.json: {problem}" in fake.errors


def test_fake_reports_every_problem_of_a_request_at_once(fake: FakeTwilio) -> None:
    form = {"Body": "hi", "ValidityPeriod": "an hour", "RiskCheck": "maybe"}

    assert send_form(fake, form).status_code == 400
    assert sorted(fake.errors) == [f"POST Messages.json: {problem}" for problem in [
        "RiskCheck: 'maybe' is not one of ['enable', 'disable']",
        "ValidityPeriod: Failed to cast value to integer type: an hour",
        "body: 'To' is a required property",
        "one of From or MessagingServiceSid is required",
    ]]


def test_fake_checks_the_account_sid_in_the_path() -> None:
    with FakeTwilio("AC123", DEFAULT_AUTH_TOKEN) as fake:
        assert send_form(fake, VALID).status_code == 400
        assert fake.errors == [
            "POST Messages.json: path AccountSid: 'AC123' is too short",
            "POST Messages.json: path AccountSid: 'AC123' does not match '^AC[0-9a-fA-F]{32}$'",
        ]


def test_fake_checks_its_own_answers(fake: FakeTwilio) -> None:
    """The response check can fail too (it guards the fake's 201 bodies)."""
    assert send_form(fake, VALID).status_code == 201
    good = fake.responses[0]

    assert fake.checker.check_response(201, good) == []
    broken = {**good, "status": "sending-ish", "num_media": 0, "colour": "red"}
    assert sorted(fake.checker.check_response(201, broken)) == [
        "colour: not declared in the API description",
        "num_media: 0 is not of type 'string'",
        "status: 'sending-ish' is not one of ['queued', 'sending', 'sent', 'failed', "
        "'delivered', 'undelivered', 'receiving', 'received', 'accepted', 'scheduled', "
        "'read', 'partially_delivered', 'canceled']",
    ]


def test_fake_checks_auth(fake: FakeTwilio) -> None:
    form = {"To": PATIENT, "From": SENDER, "Body": "hi"}
    unauthenticated = requests.post(fake.messages_url, data=form, timeout=5)
    wrong_token = requests.post(
        fake.messages_url, data=form, auth=(fake.account_sid, "nope"), timeout=5
    )

    assert (unauthenticated.status_code, wrong_token.status_code) == (401, 401)
    assert fake.errors == ["request without HTTP Basic auth", "wrong account SID or auth token"]


def test_wrong_credentials_are_an_account_error_not_blamed_on_the_patient(
        fake: FakeTwilio) -> None:
    backend = TwilioBackend(make_settings(fake, auth_token="stale-token"))

    with pytest.raises(AccountSendError) as info:
        backend.send(to=PATIENT, body=BODY)

    assert (info.value.http_status, info.value.code) == (401, 20003)
    assert fake.errors == ["wrong account SID or auth token"]


def test_segment_count() -> None:
    assert count_segments("a" * 160) == 1
    assert count_segments("a" * 161) == 2
    assert count_segments("é" * 160) == 1  # in GSM-7
    assert count_segments("ł" * 71) == 2  # forces UCS-2


# -- console backend -------------------------------------------------------------


def test_console_backend_records_and_returns_unique_sids() -> None:
    backend = ConsoleBackend()

    first = backend.send(to=PATIENT, body=BODY)
    second = backend.send(to=PATIENT, body="second", status_callback=CALLBACK)

    assert first.sid != second.sid
    for result in (first, second):
        assert re.fullmatch(r"SM[0-9a-f]{32}", result.sid)
        assert result.status == "sent"
    assert [(t.to, t.body, t.sid) for t in backend.sent] == [
        (PATIENT, BODY, first.sid),
        (PATIENT, "second", second.sid),
    ]
    assert backend.last() == backend.sent[-1]


def test_console_backend_logs_no_phi(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    result = ConsoleBackend().send(to=PATIENT, body=BODY)

    assert len(caplog.records) == 1
    line = caplog.records[0].getMessage()
    assert result.sid in line and str(len(BODY)) in line
    assert PATIENT not in caplog.text and BODY not in caplog.text


def test_console_backend_keeps_only_recent_texts() -> None:
    backend = ConsoleBackend(max_kept=3)

    sids = [backend.send(to=PATIENT, body=str(i)).sid for i in range(5)]

    assert [t.sid for t in backend.sent] == sids[-3:]
    assert ConsoleBackend().max_kept == 1000


# -- the dispatcher over the real SDK -----------------------------------------------


def test_dispatcher_sends_through_twilio_as_the_api_describes(
    fake: FakeTwilio, app_config, clock
) -> None:
    from conftest import enrol_with_checkin_due, twilio_config

    from followup.app import create_app

    app = create_app(twilio_config(app_config, fake, validity_period_seconds=1800), clock=clock)
    svc = app.extensions["followup"]
    clinic = enrol_with_checkin_due(app, clock)
    client = app.test_client()
    fake.queue_failure(status=429, code=20429)
    assert svc.dispatcher().run_once().retrying == 1
    clock.advance(minutes=5)
    assert svc.dispatcher().run_once().sent == 1
    assert fake.errors == []
    sent = fake.messages[-1]
    assert sent["To"] == "+13125550123" and sent["From"] == "+13125550199"
    assert sent["StatusCallback"] == "https://followup.example.org/twilio/status"
    assert sent["ValidityPeriod"] == "1800"
    assert "Maria" in str(sent["Body"])
    messages = client.get("/api/patients/1/messages", headers=clinic.auth).get_json()
    assert messages[0]["status"] == "queued"
    app.extensions["followup"].dispose()


def test_a_request_cut_short_by_a_killed_client_is_not_a_request(fake: FakeTwilio) -> None:
    """A SIGKILLed dispatcher can die after sending the headers and half the
    form: Twilio never processes half a request, and the fake must not record
    it as an API violation (it made the crash test fail 1 run in 4)."""
    host, port = fake.base_url.removeprefix("http://").split(":")
    auth = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
    form = urlencode({"Body": "x", "From": SENDER, "To": PATIENT})
    head = (f"POST {urlsplit(fake.messages_url).path} HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Basic {auth}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(form)}\r\n\r\n")
    with socket.create_connection((host, int(port))) as conn:
        conn.sendall((head + form[:len(form) // 2]).encode())  # then the client dies
        conn.shutdown(socket.SHUT_WR)
        assert conn.recv(1024) == b""  # no answer to half a request
    assert fake.errors == [] and fake.messages == [] and fake.cut_requests == 1
    # A whole request on the same server still works.
    assert TwilioBackend(make_settings(fake)).send(to=PATIENT, body=BODY).status == "queued"
