"""APScheduler is only the clock: one interval job that runs a dispatcher pass."""

from __future__ import annotations

from apscheduler.triggers.interval import IntervalTrigger

from followup.scheduler import _dispatch_job, start_background


def test_one_dispatch_job_every_interval_never_a_job_per_checkin(app, client, north):
    for i in range(5):
        client.post("/api/enrollments", headers=north.auth, json={
            "phone": f"+1312555{3000 + i}", "first_name": "P",
            "infusion_at": "2026-11-10T14:00:00-06:00"})
    scheduler = start_background(app)
    try:
        jobs = scheduler.get_jobs()
        assert [job.id for job in jobs] == ["dispatch"]
        trigger = jobs[0].trigger
        assert isinstance(trigger, IntervalTrigger)
        assert trigger.interval.total_seconds() == 30
        assert jobs[0].max_instances == 1 and jobs[0].coalesce is True
    finally:
        scheduler.shutdown(wait=True)


def test_the_job_runs_a_dispatcher_pass(app, client, north, clock, sms):
    client.post("/api/enrollments", headers=north.auth, json={
        "phone": "+13125550123", "first_name": "Maria",
        "infusion_at": "2026-11-10T14:00:00-06:00"})
    clock.advance(hours=2)
    _dispatch_job(app)
    assert len(sms.sent) == 1


def test_a_failing_pass_does_not_kill_the_scheduler(app, monkeypatch, caplog):
    def boom(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr("followup.messaging.dispatch.Dispatcher.run_once", boom)
    _dispatch_job(app)  # must not raise
    assert "dispatcher pass failed" in caplog.text
