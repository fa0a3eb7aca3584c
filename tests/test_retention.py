"""Data lifecycle: old message texts removed, the record kept; a patient's export."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner
from conftest import post_twilio
from sqlalchemy import select

from followup.cli import cli
from followup.models import AuditEvent
from followup.patients.retention import REMOVED, purge_message_bodies


def conversation(client, north, clock):  # type: ignore[no-untyped-def]
    created = client.post("/api/enrollments", headers=north.auth, json={
        "phone": "+13125550123", "first_name": "Maria",
        "infusion_at": "2026-11-10T14:00:00-06:00"}).get_json()
    post_twilio(client, "/twilio/inbound", {"From": "+13125550123", "To": "+13125550199",
                                            "Body": "my leg is swollen", "MessageSid": "SM1"})
    return created["patient_id"]


def test_old_texts_are_removed_but_the_record_stays(client, svc, north, clock):
    pid = conversation(client, north, clock)
    with svc.sessions() as s:
        assert purge_message_bodies(s, older_than_days=30, now=clock.now()) == 0
        s.commit()
    later = clock.now() + timedelta(days=31)
    with svc.sessions() as s:
        assert purge_message_bodies(s, older_than_days=30, now=later) == 2
        s.commit()
    messages = client.get(f"/api/patients/{pid}/messages", headers=north.auth).get_json()
    assert {m["body"] for m in messages} == {REMOVED}
    assert messages[0]["level"] == "urgent"  # what was found stays...
    assert messages[0]["findings"][0]["matched"] == ""  # ...the patient's words do not
    flag = client.get("/api/flags", headers=north.auth).get_json()[0]
    assert flag["message"] == REMOVED and flag["findings"][0]["matched"] == ""
    with svc.sessions() as s:
        assert s.scalar(select(AuditEvent).where(
            AuditEvent.action == "retention.purge_message_bodies")) is not None


def test_export_has_everything_about_the_patient_and_is_audited(client, svc, north, south,
                                                                clock):
    pid = conversation(client, north, clock)
    data = client.get(f"/api/patients/{pid}/export", headers=north.auth).get_json()
    assert data["patient"]["phone"] == "+13125550123"
    assert [m["body"] for m in data["messages"]][0] == "my leg is swollen"
    assert data["flags"][0]["history"][0]["action"] == "opened"
    assert len(data["checkins"]) == 4
    assert client.get(f"/api/patients/{pid}/export", headers=south.auth).status_code == 404
    with svc.sessions() as s:
        assert s.scalar(select(AuditEvent.actor).where(AuditEvent.action == "patient.export")) \
            .startswith("token:")


def test_cli_retention_and_export(tmp_path: Path, database_url: str, client, north, clock):
    pid = conversation(client, north, clock)
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[retention]\nmessage_body_days = 1\n'
                      '[server]\nsecret_key = "x"\n')
    runner = CliRunner()
    out = runner.invoke(cli, ["--config", str(config), "export-patient", "--clinic", "north",
                              "--patient", str(pid)])
    assert out.exit_code == 0 and '"my leg is swollen"' in out.output
    bad = runner.invoke(cli, ["--config", str(config), "export-patient", "--clinic", "north",
                              "--patient", "999"])
    assert bad.exit_code != 0 and "no patient 999" in bad.output
    result = runner.invoke(cli, ["--config", str(config), "retention", "--as-of",
                                 "2026-11-20T00:00:00+00:00"])
    assert result.exit_code == 0 and "removed the text of 2 messages" in result.output
