"""/healthz and the development phone (server.dev and the console backend only)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import make_clinic
from flask import Flask
from sqlalchemy import func, select
from web.staffkit import login, make_user, post

from followup.app import create_app
from followup.cli import cli
from followup.config import ConfigError
from followup.demo import DEMO_SLUG, seed
from followup.models import Clinic, Message, Patient
from followup.patients.enrollment import EnrollmentRequest, enroll
from followup.staff.tokens import issue_token

LOCAL_URL = "http://127.0.0.1:5000"


@pytest.fixture
def dev_app(app_config: dict[str, Any], clock: Any, sms: Any) -> Iterator[Flask]:
    """The app as `make run` starts it: server.dev on, plain http on loopback."""
    config = {**app_config, "server": {**app_config["server"], "public_url": LOCAL_URL,
                                       "dev": True}}
    app = create_app(config, clock=clock, sms=sms)
    yield app
    app.extensions["followup"].dispose()


@pytest.fixture
def svc(dev_app: Flask) -> Any:
    return dev_app.extensions["followup"]


@pytest.fixture
def client(dev_app: Flask) -> Any:
    """Signed in as staff of the demo clinic (seeded first)."""
    svc = dev_app.extensions["followup"]
    with svc.sessions() as s:
        seed(s, svc)
        s.commit()
        demo = s.scalar(select(Clinic).where(Clinic.slug == DEMO_SLUG))
    client = dev_app.test_client()
    staff = make_user(svc, demo, "nurse@demo.example")
    assert login(client, staff.email).status_code == 302
    return client


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_dev_phone_replies_go_through_triage_and_flag(client, svc):
    with svc.sessions() as s:
        ana = s.scalar(select(Patient).where(Patient.first_name == "Ana"))
    page = client.get("/dev/phone")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="phone"') == 5
    response = post(client, f"/dev/phone/{ana.id}", {"body": "chest pain"})
    assert response.status_code == 302
    queue = client.get("/").get_data(as_text=True)
    assert "chest pain" in queue and "Emergency" in queue
    thread = client.get("/dev/phone").get_data(as_text=True)
    assert re.search(r"chest pain", thread)


def test_dev_phone_shows_patient_text_as_text(client, svc):
    with svc.sessions() as s:
        ana = s.scalar(select(Patient).where(Patient.first_name == "Ana"))
    post(client, f"/dev/phone/{ana.id}", {"body": "<script>alert(1)</script>"})
    html = client.get("/dev/phone").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_dev_phone_is_absent_with_the_twilio_backend(app_config, clock):
    config = {**app_config, "sms": {"backend": "twilio"},
              "twilio": {"account_sid": "AC" + "0" * 32, "auth_token": "t",
                         "from_number": "+13125550199"}}
    app = create_app(config, clock=clock)
    assert app.test_client().get("/dev/phone").status_code == 404


def test_demo_patients_are_at_different_points_of_their_follow_up(dev_app, svc):
    client = dev_app.test_client()
    with svc.sessions() as s:
        _email, _password, token = seed(s, svc)
        s.commit()
        by_name = {p.first_name: p for p in s.scalars(select(Patient))}
    auth = {"Authorization": f"Bearer {token}"}

    def checkins(name: str) -> list[tuple[str, str]]:
        body = client.get(f"/api/patients/{by_name[name].id}", headers=auth).get_json()
        return [(c["kind"], c["status"]) for c in body["checkins"]]

    assert all(status == "pending" for _kind, status in checkins("Ana"))  # just infused
    assert ("same_day", "sent") in checkins("Ben")
    assert ("day7", "pending") in checkins("Cara")
    thread = client.get(f"/api/patients/{by_name['Cara'].id}/messages", headers=auth).get_json()
    assert [m["level"] for m in thread if m["direction"] == "in"] == ["ok", "mild", "unclear"]


def test_dev_phone_shows_a_patient_enrolled_through_the_api(client, svc):
    token_clinic = make_clinic(svc, "other", "+13125550299")
    with svc.sessions() as s:
        demo = s.scalar(select(Clinic).where(Clinic.slug == DEMO_SLUG))
        token = issue_token(s, demo, "t", actor="tests", now=svc.clock.now())
        s.commit()
    client.post("/api/enrollments", headers={"Authorization": f"Bearer {token}"}, json={
        "phone": "+13125550188", "first_name": "Sam",
        "infusion_at": "2026-11-10T14:00:00-06:00"})
    client.post("/api/enrollments", headers=token_clinic.auth, json={
        "phone": "+13125550189", "first_name": "Otherclinic",
        "infusion_at": "2026-11-10T14:00:00-06:00"})
    html = client.get("/dev/phone").get_data(as_text=True)
    assert "Sam" in html
    assert "Otherclinic" not in html  # only the signed-in clinic's patients


# -- the dev phone is fenced in (issue 15) ----------------------------------------------
def test_dev_phone_is_absent_unless_server_dev_is_on(app):
    """The ordinary app (console backend, dev off) has no dev phone at all."""
    assert app.test_client().get("/dev/phone").status_code == 404


def test_dev_phone_needs_a_sign_in(dev_app):
    response = dev_app.test_client().get("/dev/phone")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_dev_phone_needs_the_csrf_token_and_stores_nothing_without(client, svc):
    with svc.sessions() as s:
        ana = s.scalar(select(Patient).where(Patient.first_name == "Ana"))
        before = s.scalar(select(func.count()).select_from(Message))
    forged = client.post(f"/dev/phone/{ana.id}", data={"body": "forged reply"})
    assert forged.status_code == 400
    with svc.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == before


def test_dev_phone_cannot_reply_as_another_clinics_patient(client, svc):
    other = make_clinic(svc, "south", "+13125550299")
    with svc.sessions() as s:
        result = enroll(s, s.get(Clinic, other.clinic.id), EnrollmentRequest(
            phone="+13125550177", first_name="Southpatient",
            infusion_at=svc.clock.now(), timezone="America/Chicago", language="en",
            product=None, lot=None, first_infusion=False, external_id=None),
            settings=svc.settings, now=svc.clock.now())
        s.commit()
        south_patient = result.patient.id
    assert post(client, f"/dev/phone/{south_patient}", {"body": "hi"}).status_code == 404


def test_dev_phone_answers_only_requests_from_this_machine(client):
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"
    assert client.get("/dev/phone").status_code == 404
    client.environ_base["REMOTE_ADDR"] = "::1"
    assert client.get("/dev/phone").status_code == 200


@pytest.mark.parametrize(("server", "words"), [
    ({"public_url": "https://followup.example.org"}, "server.public_url is https"),
    ({"proxy_hops": 1}, "server.proxy_hops"),
])
def test_dev_is_refused_where_the_service_faces_a_network(app_config, clock, server, words):
    config = {**app_config, "server": {**app_config["server"], "public_url": LOCAL_URL,
                                       "dev": True, **server}}
    with pytest.raises(ConfigError, match=r"server\.dev: .*" + re.escape(words)):
        create_app(config, clock=clock)


def test_followup_dev_in_the_environment_turns_it_on(tmp_path, monkeypatch):
    from followup.config import load_settings

    assert load_settings(instance_path=str(tmp_path), environ={"FOLLOWUP_DEV": "1"}).dev
    assert not load_settings(instance_path=str(tmp_path), environ={}).dev
    with pytest.raises(ConfigError, match="FOLLOWUP_DEV"):
        load_settings(instance_path=str(tmp_path), environ={"FOLLOWUP_DEV": "maybe"})


def test_serve_refuses_a_public_address_with_dev_on(tmp_path, database_url):
    config = tmp_path / "dev.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[scheduler]\nenabled = false\n'
                      '[server]\nsecret_key = "x"\ndev = true\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "serve", "--host", "0.0.0.0"])
    assert result.exit_code != 0
    assert "server.dev" in result.output and "loopback" in result.output
