"""The scheduler's one job runs every pass in order; the CLI prints their counts."""

from __future__ import annotations

from datetime import UTC, datetime

from click.testing import CliRunner

from followup.care.escalation import Escalator
from followup.care.flags import open_flag
from followup.models import Checkin, Patient
from followup.scheduler import _dispatch_job, run_passes


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_one_tick_sends_follows_through_and_escalates(app, client, svc, north, clock, sms):
    from conftest import make_clinic

    oncall = make_clinic(svc, "oncall", "+13125550599", oncall_phones=["+13125550901"])
    client.post("/api/enrollments", headers=north.auth, json={
        "phone": "+13125550123", "first_name": "Maria",
        "infusion_at": "2026-11-10T09:00:00-06:00"})
    with svc.sessions() as s:
        p = Patient(clinic_id=oncall.clinic.id, phone="+13125550124", first_name="Ana",
                    language="en", timezone="America/Chicago", created_at=clock.now())
        s.add(p)
        s.flush()
        open_flag(s, clinic_id=oncall.clinic.id, patient_id=p.id, level="emergency",
                  reason="triage", now=clock.now())
        s.commit()
    first = run_passes(svc, local("2026-11-10T12:00-06:00"))
    assert first.dispatch and first.dispatch.sent == 1
    assert first.escalation and first.escalation.texted == 0
    later = run_passes(svc, local("2026-11-10T16:00-06:00"))
    assert later.followthrough and later.followthrough.reminders == 1
    assert later.escalation and later.escalation.texted == 1
    assert later.errors == []
    line = later.line(local("2026-11-10T16:00-06:00"))
    assert line.startswith("dispatch at 2026-11-10T22:00:00+00:00: sent 0")
    assert "reminders 1" in line and "escalations 1" in line
    # The reminder queued by that tick goes out at the next one.
    clock.set(local("2026-11-10T16:00:30-06:00"))
    _dispatch_job(app)
    with svc.sessions() as s:
        reminder = s.query(Checkin).filter(Checkin.kind == "reminder").one()
        assert reminder.status == "sent"


def test_a_failing_pass_does_not_stop_the_others(svc, monkeypatch, caplog):
    def boom(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("ladder broke")

    monkeypatch.setattr(Escalator, "run_once", boom)
    summary = run_passes(svc)
    assert summary.errors == ["escalation"]
    assert summary.dispatch is not None and summary.digest is not None
    assert "escalation pass failed" in caplog.text
    assert "failed passes: escalation" in summary.line(svc.clock.now())


def test_cli_dispatch_prints_one_line_with_the_follow_through_counts(tmp_path, database_url):
    from followup.cli import cli

    config = tmp_path / "followup.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[scheduler]\nenabled = false\n'
                      '[server]\nsecret_key = "x"\n')
    result = CliRunner().invoke(cli, ["--config", str(config), "dispatch", "--as-of",
                                      "2026-11-10T12:00:00-06:00"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("dispatch at 2026-11-10T18:00:00+00:00: sent 0")
    assert "reminders 0, no-response flags 0, escalations 0, digests 0" in lines[0]
