"""/healthz and the development phone (console backend only)."""

from __future__ import annotations

import re

from sqlalchemy import select

from followup.demo import seed
from followup.models import Patient


def test_healthz_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"


def test_dev_phone_replies_go_through_triage_and_flag(client, svc):
    with svc.sessions() as s:
        email, _password, token = seed(s, svc)
        s.commit()
        ana = s.scalar(select(Patient).where(Patient.first_name == "Ana"))
    page = client.get("/dev/phone")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count('class="phone"') == 5
    response = client.post(f"/dev/phone/{ana.id}", data={"body": "chest pain"})
    assert response.status_code == 302
    flags = client.get("/api/flags", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert [f["level"] for f in flags if f["patient_id"] == ana.id] == ["emergency"]
    thread = client.get("/dev/phone").get_data(as_text=True)
    assert re.search(r"chest pain", thread)


def test_dev_phone_shows_patient_text_as_text(client, svc):
    with svc.sessions() as s:
        seed(s, svc)
        s.commit()
        ana = s.scalar(select(Patient).where(Patient.first_name == "Ana"))
    client.post(f"/dev/phone/{ana.id}", data={"body": "<script>alert(1)</script>"})
    html = client.get("/dev/phone").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_dev_phone_is_absent_with_the_twilio_backend(app_config, clock):
    from followup.app import create_app

    config = {**app_config, "sms": {"backend": "twilio"},
              "twilio": {"account_sid": "AC" + "0" * 32, "auth_token": "t",
                         "from_number": "+13125550199"}}
    app = create_app(config, clock=clock)
    assert app.test_client().get("/dev/phone").status_code == 404


def test_demo_patients_are_at_different_points_of_their_follow_up(client, svc):
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


def test_dev_phone_shows_a_patient_enrolled_through_the_api(client, north):
    client.post("/api/enrollments", headers=north.auth, json={
        "phone": "+13125550188", "first_name": "Sam",
        "infusion_at": "2026-11-10T14:00:00-06:00"})
    assert "Sam" in client.get("/dev/phone").get_data(as_text=True)
