"""The daily digest: counts only, once per clinic per local day, by email or SMS."""

from __future__ import annotations

import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pytest
from conftest import make_clinic
from factories import way_out
from sqlalchemy import select

from followup.care.digest import DigestPass
from followup.care.flags import acknowledge, open_flag
from followup.extensions import Services
from followup.messaging.email import EmailError, LogOnlyEmail, SmtpEmail
from followup.messaging.sms.base import TransientSendError
from followup.models import Digest, Flag, Patient


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@dataclass
class Mail:
    sender: str
    recipients: list[str]
    data: str


@dataclass
class TinySmtp:
    """Just enough SMTP on 127.0.0.1 for smtplib: EHLO/HELO, MAIL, RCPT, DATA, QUIT."""

    port: int = 0
    received: list[Mail] = field(default_factory=list)
    refuse_data: bool = False

    stop: threading.Event = field(default_factory=threading.Event)

    def serve(self, server: socket.socket) -> None:
        server.settimeout(0.05)  # so a stop is noticed: close() does not wake accept()
        while not self.stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(5)
            with conn, conn.makefile("rb") as rfile:
                self._session(conn, rfile)

    def _session(self, conn: socket.socket, rfile: object) -> None:
        def say(line: str) -> None:
            conn.sendall(line.encode() + b"\r\n")

        say("220 tiny ESMTP")
        sender, recipients = "", []
        for raw in rfile:  # type: ignore[attr-defined]
            line = raw.decode().rstrip("\r\n")
            verb = line.split(" ")[0].upper()
            if verb in ("EHLO", "HELO"):
                say("250 tiny")
            elif verb == "MAIL":
                sender = line.split(":", 1)[1].strip().strip("<>")
                say("250 OK")
            elif verb == "RCPT":
                recipients.append(line.split(":", 1)[1].strip().strip("<>"))
                say("250 OK")
            elif verb == "DATA":
                say("354 go ahead")
                lines = []
                for data in rfile:  # type: ignore[attr-defined]
                    text = data.decode().rstrip("\r\n")
                    if text == ".":
                        break
                    lines.append(text)
                if self.refuse_data:
                    say("554 no thanks")
                else:
                    self.received.append(Mail(sender, recipients, "\n".join(lines)))
                    say("250 queued")
            elif verb == "QUIT":
                say("221 bye")
                return
            else:
                say("250 OK")


@pytest.fixture
def smtp() -> Iterator[TinySmtp]:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    tiny = TinySmtp(port=server.getsockname()[1])
    thread = threading.Thread(target=tiny.serve, args=(server,), daemon=True)
    thread.start()
    yield tiny
    tiny.stop.set()
    thread.join(timeout=2)
    server.close()


class RecordingEmail:
    def __init__(self, fail: int = 0) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.fail = fail

    def send(self, *, to: str, subject: str, body: str) -> bool:
        if self.fail:
            self.fail -= 1
            raise EmailError("down")
        self.sent.append((to, subject, body))
        return True


def digest_pass(svc: Services, email: object | None = None, **kw: object) -> DigestPass:
    settings = svc.settings
    if kw:
        settings = replace(settings, digest=replace(settings.digest, **kw))
    return DigestPass(settings=settings, sessions=svc.sessions, clock=svc.clock,
                      outbound=way_out(svc, settings=settings),
                      email=email)  # type: ignore[arg-type]


def populate(svc: Services, clinic_id: int) -> None:
    """Two emergencies (one acknowledged), an urgent, silence and a bad number."""
    now = svc.clock.now()
    with svc.sessions() as s:
        patients = []
        for i in range(4):
            p = Patient(clinic_id=clinic_id, phone=f"+1312555{2000 + i}", first_name="Zelda",
                        language="en", timezone="America/Chicago", created_at=now)
            s.add(p)
            patients.append(p)
        s.flush()
        ids = [p.id for p in patients]
        open_flag(s, clinic_id=clinic_id, patient_id=ids[0], level="emergency", reason="triage",
                  now=now)
        seen = open_flag(s, clinic_id=clinic_id, patient_id=ids[1], level="emergency",
                         reason="triage", now=now)
        acknowledge(s, s.get_one(Flag, seen), actor="user:1", now=now)
        open_flag(s, clinic_id=clinic_id, patient_id=ids[1], level="urgent", reason="triage",
                  now=now)
        open_flag(s, clinic_id=clinic_id, patient_id=ids[2], level="routine",
                  reason="no_response", now=now)
        open_flag(s, clinic_id=clinic_id, patient_id=ids[3], level="routine",
                  reason="undeliverable", now=now)
        s.commit()


def test_email_digest_once_a_day_at_the_clinics_time_with_counts_only(svc, clock, smtp):
    clinic = make_clinic(svc, "east", "+13125550399", timezone="America/New_York",
                         contact_email="nurses@east.example", digest_channel="email",
                         digest_time="07:00").clinic
    populate(svc, clinic.id)
    runner = digest_pass(svc, SmtpEmail("127.0.0.1", smtp.port, "followup@test.example"))
    assert runner.run_once(local("2026-11-11T06:59-05:00")).sent == 0
    assert runner.run_once(local("2026-11-11T07:00-05:00")).sent == 1
    assert runner.run_once(local("2026-11-11T07:00:30-05:00")).sent == 0
    assert runner.run_once(local("2026-11-11T23:59-05:00")).sent == 0
    [mail] = smtp.received
    assert mail.sender == "followup@test.example" and mail.recipients == ["nurses@east.example"]
    assert "Subject: East Infusion Center: follow-up summary for 2026-11-11" in mail.data
    assert "Open flags: 1 emergency, 1 urgent, 2 routine; 1 seen but not resolved." in mail.data
    assert "Not answering: 1. Texts not delivered: 1." in mail.data
    assert "Zelda" not in mail.data and "+1312555" not in mail.data  # no PHI
    assert runner.run_once(local("2026-11-12T07:00-05:00")).sent == 1  # the next day
    with svc.sessions() as s:
        days = list(s.scalars(select(Digest.day).where(Digest.clinic_id == clinic.id)))
    assert days == ["2026-11-11", "2026-11-12"]


def test_default_time_and_sms_channel(svc, clock, sms):
    clinic = make_clinic(svc, "west", "+13125550499", contact_phone="+13125550777",
                         digest_channel="sms").clinic
    runner = digest_pass(svc)
    assert runner.run_once(local("2026-11-11T07:29-06:00")).sent == 0
    assert runner.run_once(local("2026-11-11T07:30-06:00")).sent == 1  # default 07:30
    assert sms.sent[-1].to == "+13125550777" and sms.sent[-1].from_ == clinic.sms_number
    assert "Open flags: 0 emergency" in sms.sent[-1].body


def test_clinics_without_a_channel_get_none(svc, north, clock, sms):
    assert digest_pass(svc, RecordingEmail()).run_once(local("2026-11-11T12:00-06:00")).sent == 0
    assert sms.sent == []


def test_a_failed_send_is_retried_and_still_sent_once(svc, clock):
    make_clinic(svc, "east", "+13125550399", contact_email="n@east.example",
                digest_channel="email")
    email = RecordingEmail(fail=1)
    runner = digest_pass(svc, email)
    assert runner.run_once(local("2026-11-11T08:00-06:00")).failed == 1
    assert runner.run_once(local("2026-11-11T08:00:30-06:00")).sent == 1
    assert runner.run_once(local("2026-11-11T08:01-06:00")).sent == 0
    assert len(email.sent) == 1


def test_sms_digest_failure_is_retried(svc, clock):
    make_clinic(svc, "west", "+13125550499", contact_phone="+13125550777",
                digest_channel="sms")

    class Down:
        name = "down"
        paces = False

        def send(self, **_: object) -> object:
            raise TransientSendError("503", http_status=503)

    runner = DigestPass(settings=svc.settings, sessions=svc.sessions, clock=svc.clock,
                        outbound=way_out(svc, Down()))
    assert runner.run_once(local("2026-11-11T08:00-06:00")).failed == 1
    with svc.sessions() as s:
        assert s.scalar(select(Digest)) is None


def test_without_an_smtp_server_it_is_logged_not_sent(svc, clock, caplog):
    make_clinic(svc, "east", "+13125550399", contact_email="n@east.example",
                digest_channel="email")
    runner = digest_pass(svc)  # smtp_host is empty by default
    assert isinstance(runner.email, LogOnlyEmail)
    with caplog.at_level(logging.WARNING, logger="followup"):
        summary = runner.run_once(local("2026-11-11T08:00-06:00"))
        runner.run_once(local("2026-11-11T09:00-06:00"))
    assert summary.not_sent == 1 and summary.sent == 0
    assert caplog.text.count("digest email not sent") == 1  # once a day, not every tick
    assert "n@east.example" not in caplog.text


def test_smtp_refusal_is_an_email_error(smtp):
    smtp.refuse_data = True
    with pytest.raises(EmailError):
        SmtpEmail("127.0.0.1", smtp.port, "a@b.example").send(to="c@d.example", subject="s",
                                                              body="b")


def test_smtp_host_setting_builds_the_smtp_backend(svc, smtp):
    runner = digest_pass(svc, smtp_host="127.0.0.1", smtp_port=smtp.port)
    assert isinstance(runner.email, SmtpEmail)


def test_two_workers_send_one_digest(svc, clock):
    make_clinic(svc, "east", "+13125550399", contact_email="n@east.example",
                digest_channel="email")
    email = RecordingEmail()
    results = []

    def run() -> None:
        results.append(digest_pass(svc, email).run_once(local("2026-11-11T08:00-06:00")).sent)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert sum(results) == 1 and len(email.sent) == 1


def test_a_bad_clinic_digest_time_falls_back_to_the_default(svc, clock):
    clinic = make_clinic(svc, "east", "+13125550399", contact_email="n@east.example",
                         digest_channel="email", digest_time="7h30").clinic
    assert digest_pass(svc).digest_time(clinic) == svc.settings.digest.default_time
    with svc.sessions() as s:
        assert s.scalar(select(Flag)) is None
