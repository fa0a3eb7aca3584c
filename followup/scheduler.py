"""APScheduler as the clock, the database as the memory.

There is exactly one job, every ~30 seconds, running five passes in order:
the dispatcher (send what is due), follow-through (remind or flag silent
patients), escalation (page on-call about unacknowledged flags), the daily
digest and the chart write-back (flags into the EHR, from the outbox).
Check-ins are never individual APScheduler jobs: APScheduler 3's job
stores are not safe with several processes and drop jobs they cannot
unpickle, while rows in our own tables, claimed atomically, are safe with any
number of workers. Each pass is guarded on its own, so a failing digest never
stops an emergency page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from followup.care.digest import DigestSummary
from followup.care.escalation import EscalationSummary
from followup.care.followthrough import FollowThrough, FollowThroughSummary
from followup.ehr.outbox import WritebackSummary
from followup.extensions import Services, services_of
from followup.messaging.dispatch import DispatchSummary

log = logging.getLogger(__name__)


@dataclass
class PassesSummary:
    """What one tick did; a pass that raised is named in ``errors`` and left None."""

    dispatch: DispatchSummary | None = None
    followthrough: FollowThroughSummary | None = None
    escalation: EscalationSummary | None = None
    digest: DigestSummary | None = None
    ehr: WritebackSummary | None = None
    errors: list[str] = field(default_factory=list)

    def line(self, at: datetime) -> str:
        """The `followup dispatch` line: the dispatcher's counts, then the others'."""
        head = (self.dispatch or DispatchSummary()).line(at)
        ft = self.followthrough or FollowThroughSummary()
        esc = self.escalation or EscalationSummary()
        dig = self.digest or DigestSummary()
        ehr = self.ehr or WritebackSummary()
        tail = (f"; paced {(self.dispatch or DispatchSummary()).paced}, "
                f"reminders {ft.reminders}, no-response flags {ft.flagged}, "
                f"escalations {esc.texted}, digests {dig.sent}, "
                f"chart write-backs {ehr.sent} ({ehr.retrying} retrying, {ehr.deferred} deferred, "
                f"{ehr.failed} failed)")
        if self.errors:
            tail += f"; failed passes: {', '.join(self.errors)}"
        return head + tail


def run_passes(services: Services, as_of: datetime | None = None) -> PassesSummary:
    """Dispatch, follow-through, escalation, digest, write-back: in that order, each guarded.

    Order matters: reminders queued by follow-through go out at the next tick
    (never mid-pass), and escalation sees flags the dispatcher just opened."""
    now = as_of or services.clock.now()
    summary = PassesSummary()
    settings, sessions, clock = services.settings, services.sessions, services.clock
    passes: list[tuple[str, str, Callable[[], object]]] = [
        ("dispatch", "dispatcher pass failed", lambda: services.dispatcher().run_once(now)),
        ("followthrough", "follow-through pass failed",
         lambda: FollowThrough(settings=settings, sessions=sessions, clock=clock).run_once(now)),
        ("escalation", "escalation pass failed",
         lambda: services.escalator().run_once(now)),
        ("digest", "digest pass failed",
         lambda: services.digest().run_once(now)),
        # Last: flags opened by the passes above go into the chart in the same tick.
        ("ehr", "chart write-back pass failed", lambda: services.writeback().run_once(now)),
    ]
    for name, failure, run in passes:
        try:
            setattr(summary, name, run())
        except Exception:  # a bad pass must not kill the scheduler thread or the others
            log.exception(failure)
            summary.errors.append(name)
    return summary


def _dispatch_job(app: Flask) -> None:
    summary = run_passes(services_of(app))
    d = summary.dispatch
    if d is not None and (d.sent or d.failed or d.skipped or d.retrying):
        log.info("dispatcher pass: %d sent, %d deferred, %d skipped, %d retrying, %d failed, "
                 "%d paced", d.sent, d.deferred, d.skipped, d.retrying, d.failed, d.paced)
    ft, esc = summary.followthrough, summary.escalation
    if ft is not None and (ft.reminders or ft.flagged):
        log.info("follow-through pass: %d reminders, %d no-response flags",
                 ft.reminders, ft.flagged)
    if esc is not None and (esc.texted or esc.failed):
        log.info("escalation pass: %d on-call texts, %d failed", esc.texted, esc.failed)


def _configure(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    interval = services_of(app).settings.scheduler_interval_seconds
    scheduler.add_job(
        _dispatch_job, "interval", args=[app], seconds=interval, id="dispatch",
        coalesce=True, max_instances=1, misfire_grace_time=interval, replace_existing=True,
        next_run_time=_now(),
    )
    return scheduler


def _now() -> datetime:
    return datetime.now(UTC)


def start_background(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    _configure(scheduler, app)
    scheduler.start()
    log.info("scheduler started: dispatch, follow-through, escalation and digest every %ss",
             services_of(app).settings.scheduler_interval_seconds)
    return scheduler


def run_blocking(app: Flask) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    _configure(scheduler, app)
    log.info("worker started: dispatch, follow-through, escalation and digest every %ss",
             services_of(app).settings.scheduler_interval_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("worker stopping")
