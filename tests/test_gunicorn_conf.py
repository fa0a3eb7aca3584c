"""The gunicorn settings fit the second reader once, in the master, and give each worker
its own connection pool (docs/deployment.md)."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest
from flask import Flask

from followup import gunicorn_conf


class _Worker:
    def __init__(self, app: Any) -> None:
        self.app = types.SimpleNamespace(wsgi=lambda: app)


def test_the_app_is_loaded_once_in_the_master() -> None:
    assert gunicorn_conf.preload_app is True


def test_the_second_reader_is_fitted_before_the_first_fork(
        monkeypatch: pytest.MonkeyPatch) -> None:
    fitted: list[bool] = []
    fake = types.ModuleType("followup.triage.second_reader")
    fake.default_reader = lambda: fitted.append(True)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "followup.triage.second_reader", fake)
    gunicorn_conf.pre_fork(server=None, worker=None)
    assert fitted == [True]


def test_an_app_that_reads_no_messages_fits_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "followup.triage.second_reader", raising=False)
    gunicorn_conf.pre_fork(server=None, worker=None)
    assert "followup.triage.second_reader" not in sys.modules  # not even imported


def test_each_worker_drops_the_pool_it_inherited(app: Flask) -> None:
    from followup.extensions import services_of

    engine = services_of(app).engine
    with engine.connect():
        pass
    before = engine.pool
    gunicorn_conf.post_fork(server=None, worker=_Worker(app))
    assert engine.pool is not before  # a new, empty pool for this process


def test_another_app_served_with_these_settings_is_left_alone() -> None:
    gunicorn_conf.post_fork(server=None, worker=_Worker(Flask("bare")))


def test_warm_up_imports_the_fitting_libraries_before_its_thread_starts() -> None:
    """The background fit must not compile scikit-learn's modules beside the app's own
    start-up: two threads compiling at once can fail on CPython 3.11 (seen in CI)."""
    import subprocess
    import sys

    script = ("import sys, threading\n"
              "from followup.triage import second_reader\n"
              "seen = []\n"
              "threading.Thread.start = lambda self: seen.append("
              "'sklearn.linear_model' in sys.modules and 'scipy.sparse' in sys.modules)\n"
              "second_reader.warm_up()\n"
              "print(seen)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120)
    assert out.stdout.strip() == "[True]", out.stderr
