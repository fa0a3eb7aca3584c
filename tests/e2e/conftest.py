"""A real server thread and headless Chromium for end-to-end tests.

The app runs in werkzeug's threaded server on 127.0.0.1 (a free port),
backed by the test database and the test's FixedClock, so a test can post a
webhook, move time, then look at what the browser shows. Chromium is
Debian's (/usr/bin/chromium); Playwright's own browser download cannot work
offline. Without either, the tests skip, except under CI where a missing
browser is a broken set-up and must fail.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from web.staffkit import admin, nurse, south_nurse  # noqa: F401  (fixtures)
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _unavailable(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"end-to-end tests cannot run under CI: {why}")
    pytest.skip(why)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    # The test config's public URL is https (for webhook signatures), which
    # makes the session cookie Secure; the browser talks plain http to
    # 127.0.0.1 here, so the flag is lifted for this server only.
    app.config["SESSION_COOKIE_SECURE"] = False
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server, viewport={"width": 1180, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]

    def _on_dialog(dialog: Any) -> None:
        page.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    page.on("dialog", _on_dialog)
    yield page
    context.close()
