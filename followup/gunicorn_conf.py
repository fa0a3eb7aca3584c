"""gunicorn settings for the web app: ``gunicorn -c python:followup.gunicorn_conf
'followup.app:create_app()'`` (a checkout's ``gunicorn.conf.py`` loads it).

The second reader is fitted on the shipped labelled messages when a process first needs
it: about ten seconds for 76,204 messages on one core. Fitted in every worker at once, a
few workers on two cores took longer than gunicorn's 30 s worker timeout; a worker that
does not answer its master in time is killed, and its successor starts the fit again,
so no webhook was ever answered (`make bench`, ninth session). Here the app is loaded
once in the master (`preload_app`), the reader is fitted there before the first fork,
and every worker inherits it. A connection the master's app may have opened is not
shared: each worker drops its inherited pool (`post_fork`) and opens its own.
"""

from __future__ import annotations

import sys
from typing import Any

preload_app = True


def pre_fork(server: Any, worker: Any) -> None:
    """Fit the second reader in the master, once, before any worker is forked (a no-op
    for an app that does not read patients' messages)."""
    reader = sys.modules.get("followup.triage.second_reader")
    if reader is not None:
        reader.default_reader()


def post_fork(server: Any, worker: Any) -> None:
    """Each worker starts with an empty connection pool: connections opened in the master
    are left to it, never used by two processes (SQLAlchemy's advice for forking)."""
    from followup.extensions import EXTENSION_KEY

    services = getattr(worker.app.wsgi(), "extensions", {}).get(EXTENSION_KEY)
    if services is not None:  # not for another app served with these settings
        services.engine.dispose(close=False)
