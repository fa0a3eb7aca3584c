"""APScheduler as the clock, the database as the memory.

There is exactly one job: "run a dispatcher pass", every ~30 seconds. Check-ins
are never individual APScheduler jobs: APScheduler 3's job stores are not
safe with several processes and drop jobs they cannot unpickle, while rows in
our own tables, claimed atomically, are safe with any number of workers.
"""

from __future__ import annotations

import logging
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

log = logging.getLogger(__name__)


def _dispatch_job(app: Flask) -> None:
    try:
        summary = app.extensions["followup"].dispatcher().run_once()
    except Exception:  # a bad pass must not kill the scheduler thread
        log.exception("dispatcher pass failed")
        return
    if summary.sent or summary.failed or summary.skipped or summary.retrying:
        log.info("dispatcher pass: %d sent, %d deferred, %d skipped, %d retrying, %d failed",
                 summary.sent, summary.deferred, summary.skipped, summary.retrying,
                 summary.failed)


def _configure(scheduler: BaseScheduler, app: Flask) -> BaseScheduler:
    interval = app.extensions["followup"].settings.scheduler_interval_seconds
    scheduler.add_job(
        _dispatch_job, "interval", args=[app], seconds=interval, id="dispatch",
        coalesce=True, max_instances=1, misfire_grace_time=interval, replace_existing=True,
        next_run_time=_now(),
    )
    return scheduler


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def start_background(app: Flask) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC", daemon=True)
    _configure(scheduler, app)
    scheduler.start()
    log.info("scheduler started: a dispatcher pass every %ss",
             app.extensions["followup"].settings.scheduler_interval_seconds)
    return scheduler


def run_blocking(app: Flask) -> None:
    scheduler = BlockingScheduler(timezone="UTC")
    _configure(scheduler, app)
    log.info("worker started: a dispatcher pass every %ss",
             app.extensions["followup"].settings.scheduler_interval_seconds)
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        log.info("worker stopping")
