"""Issue 15, items 4 and 7: a reply always reaches someone, and Twilio's
retries of the inbound webhook change nothing.

Two clinics share the deployment's sending number (neither has its own), as
small clinics do; a patient can be enrolled at both.
"""

from __future__ import annotations

import re
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import factories
import pytest
from conftest import PUBLIC_URL, T0, ClinicHandle, make_clinic
from factories import enrol
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from web.staffkit import login, make_user

from followup.extensions import Services
from followup.models import Checkin, Flag, Message

SHARED = "+13125550100"  # the deployment's number, no clinic's own
STRANGER = "+13125559999"


@pytest.fixture
def east(svc: Services) -> ClinicHandle:
    return make_clinic(svc, "east", None, name="East Infusion Center", phone="+13125550111")


@pytest.fixture
def west(svc: Services) -> ClinicHandle:
    return make_clinic(svc, "west", None, name="West Infusion Center", phone="+13125550222",
                       emergency_number="112")


# Texts reach the deployment's shared number.
text_in = partial(factories.text_in, to=SHARED)


def ago(hours: float) -> str:
    """An infusion that ended ``hours`` before T0."""
    return (T0 - timedelta(hours=hours)).isoformat()


def reply_of(response: Any) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)
    return str(response.get_data(as_text=True)).split("<Message>")[1].split("</Message>")[0]


def flags_of(svc: Services, clinic: ClinicHandle) -> list[Flag]:
    with svc.sessions() as s:
        return list(s.scalars(select(Flag).where(Flag.clinic_id == clinic.clinic.id)))


def snapshot(svc: Services) -> tuple[Any, ...]:
    """Everything a repeated webhook could change."""
    with svc.sessions() as s:
        return (
            s.execute(select(Message.id, Message.clinic_id, Message.patient_id, Message.body,
                             Message.level, Message.provider_sid).order_by(Message.id)).all(),
            s.execute(select(Flag.id, Flag.clinic_id, Flag.level, Flag.status)
                      .order_by(Flag.id)).all(),
            s.execute(select(Checkin.id, Checkin.answered_at, Checkin.status)
                      .order_by(Checkin.id)).all(),
        )


# -- item 4 -------------------------------------------------------------------------------
def test_a_shared_number_reply_goes_to_the_clinic_with_the_most_recent_infusion(
        client, svc, east, west):
    enrol(client, east, infusion_at=ago(72))
    west_patient = int(enrol(client, west, infusion_at=ago(1))["patient_id"])

    reply = reply_of(text_in(client, "crushing chest pain"))

    assert "112" in reply  # West's emergency instruction, not "we do not know you"
    [flag] = flags_of(svc, west)
    assert (flag.level, flag.patient_id) == ("emergency", west_patient)
    assert flags_of(svc, east) == []


def test_when_the_clinic_cannot_be_told_each_clinic_gets_the_reply_triaged(
        client, svc, east, west):
    east_patient = int(enrol(client, east, infusion_at=ago(5))["patient_id"])
    west_patient = int(enrol(client, west, infusion_at=ago(5))["patient_id"])

    reply = reply_of(text_in(client, "crushing chest pain"))

    assert "call" in reply.lower()
    assert [(f.level, f.patient_id) for f in flags_of(svc, east)] == [("emergency", east_patient)]
    assert [(f.level, f.patient_id) for f in flags_of(svc, west)] == [("emergency", west_patient)]
    # A retry of the same webhook: the same answer, nothing new anywhere.
    before = snapshot(svc)
    assert reply_of(text_in(client, "crushing chest pain")) == reply
    assert snapshot(svc) == before


def test_stop_to_a_shared_number_opts_out_at_every_clinic_behind_it(client, svc, east, west):
    """The carrier blocks the sending number for that phone, whoever's patient it is."""
    east_patient = int(enrol(client, east, infusion_at=ago(72))["patient_id"])
    west_patient = int(enrol(client, west, infusion_at=ago(1))["patient_id"])
    reply_of(text_in(client, "STOP"))
    for clinic, pid in ((east, east_patient), (west, west_patient)):
        patient = client.get(f"/api/patients/{pid}", headers=clinic.auth).get_json()
        assert patient["opted_out"] is True


def test_an_unknown_number_with_red_flag_words_is_told_to_call_for_help(client, svc, east):
    enrol(client, east, infusion_at=ago(5))

    reply = reply_of(text_in(client, "crushing chest pain", from_=STRANGER))

    assert reply.startswith("Please call 911 now")
    assert "Maria" not in reply and "(312) 555-0111" not in reply
    with svc.sessions() as s:
        message = s.scalar(select(Message).where(Message.from_number == STRANGER))
        assert (message.patient_id, message.level) == (None, "emergency")
    calm = reply_of(text_in(client, "who is this?", sid="SM" + "8" * 32, from_=STRANGER))
    assert "do not know your number" in calm


def test_unknown_number_texts_are_shown_on_the_queue_of_the_clinics_they_may_concern(
        client, svc, east, north):
    """A text to the shared number that no clinic can place: every clinic
    sharing that number sees it; a clinic with its own number does not."""
    reply_of(text_in(client, "crushing chest pain", from_=STRANGER))
    reply_of(text_in(client, "wrong number?", sid="SM" + "9" * 32, from_="+13125558888",
                     to=north.clinic.sms_number))

    make_user(svc, east.clinic, "nurse@east.example")
    assert login(client, "nurse@east.example").status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Texts from numbers we do not know" in page
    assert "crushing chest pain" in page and STRANGER in page
    assert "wrong number?" not in page  # north's own number: north's list

    north_staff = client.application.test_client()
    make_user(svc, north.clinic, "nurse@north.example")
    assert login(north_staff, "nurse@north.example").status_code == 302
    page = north_staff.get("/").get_data(as_text=True)
    assert "wrong number?" in page and "crushing chest pain" not in page


# -- item 7 -------------------------------------------------------------------------------
def test_twilio_retrying_after_a_500_and_after_a_lost_answer_changes_nothing(
        client, svc, east, monkeypatch):
    """docs/deployment.md has Twilio retry the inbound webhook on 5xx and
    timeouts (#rc=...&rp=...). The first try dies on the database (500,
    nothing kept); the retry is handled; a further retry of a request whose
    answer was lost gets the same answer and changes nothing."""
    enrol(client, east, infusion_at=ago(5))
    from followup.web import webhooks

    real = webhooks.handle_inbound
    outage = {"on": True}

    def failing(session: Any, **kw: Any) -> Any:
        outcome = real(session, **kw)
        if outage["on"]:
            raise OperationalError("COMMIT", {}, Exception("server closed the connection"))
        return outcome

    monkeypatch.setattr(webhooks, "handle_inbound", failing)
    client.application.config["PROPAGATE_EXCEPTIONS"] = False
    assert text_in(client, "crushing chest pain").status_code == 500
    with svc.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 0  # rolled back

    outage["on"] = False
    reply = reply_of(text_in(client, "crushing chest pain"))
    assert len(flags_of(svc, east)) == 1
    before = snapshot(svc)
    assert reply_of(text_in(client, "crushing chest pain")) == reply
    assert snapshot(svc) == before


def test_the_documented_webhook_urls_retry_5xx_within_twilios_limits(client, east):
    """docs/deployment.md's URLs: Twilio's override syntax and ranges, 5xx
    retried, and the path (the fragment is never sent) is the signed one."""
    docs = (Path(__file__).resolve().parents[1] / "docs" / "deployment.md").read_text()
    urls = re.findall(r"`(https://followup\.example\.org/twilio/inbound#[^`]+)`", docs)
    assert len(urls) == 2  # the webhook and its fallback
    limits = {"ct": (100, 10000), "rt": (100, 15000), "tt": (100, 15000), "rc": (0, 5)}
    for url in urls:
        base, fragment = url.split("#")
        overrides = dict(pair.split("=") for pair in fragment.split("&"))
        assert set(overrides) <= {*limits, "rp", "e", "sni"}
        for key, (low, high) in limits.items():
            if key in overrides:
                assert low <= int(overrides[key]) <= high, (key, overrides[key])
        policy = set(overrides["rp"].split(","))
        assert policy <= {"4xx", "5xx", "ct", "rt", "all"}
        assert policy & {"5xx", "all"} and int(overrides["rc"]) >= 1
        assert urlsplit(base).path == "/twilio/inbound" and base.startswith(PUBLIC_URL)
    enrol(client, east, infusion_at=ago(5))
    assert text_in(client, "fine thanks").status_code == 200  # signed over public_url + path
