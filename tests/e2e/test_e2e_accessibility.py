"""axe-core on every staff page, in Chromium, at a desktop and a phone width.

axe-core (MPL-2.0, vendored with its licence in tests/data/axe/) is injected
into each page as it is served, with real data on it (flags of each level,
an acknowledged one, a conversation, metrics, an import preview, the audit
log). Any serious or critical violation fails the test, naming the rule, the
page, the width and the elements.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import post_twilio
from factories import enrol_in_db

from e2e.test_e2e_staff import sign_in

AXE = Path(__file__).resolve().parent.parent / "data" / "axe" / "axe.min.js"
WIDTHS = (1366, 390)
FAILING = ("serious", "critical")


def _violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    return [v for v in result if v["impact"] in FAILING]


@pytest.fixture
def staffed(browser: Any, live_server: str, admin: Any, svc: Any, north: Any, client: Any,
            clock: Any) -> dict[str, Any]:
    """A clinic with something on every page, and an admin's page to look at it."""
    maria = enrol_in_db(svc, north.clinic)
    omar = enrol_in_db(svc, north.clinic, phone="+13125550124", first_name="Omar")
    clock.advance(hours=2)
    svc.dispatcher().run_once()
    for n, (phone, body) in enumerate((("+13125550123", "my chest hurts and I can't breathe"),
                                       ("+13125550124", "my leg is swollen"),
                                       ("+13125550124", "I have a question"))):
        post_twilio(client, "/twilio/inbound", {"From": phone, "To": "+13125550199",
                                                "Body": body, "MessageSid": f"SM{n:032d}"})
    return {"maria": maria, "omar": omar}


PAGES = ("/", "/patients/{maria}#flag-1", "/patients/{omar}", "/patients", "/non-responders",
         "/metrics", "/enrol", "/enrol/import", "/admin/staff", "/admin/tokens",
         "/admin/settings", "/admin/quick-replies", "/admin/audit", "/dev/phone")


@pytest.mark.parametrize("width", WIDTHS)
def test_no_serious_or_critical_axe_violation_on_any_staff_page(
        browser, live_server, admin, staffed, width, tmp_path):
    # bypass_csp: the page's Content-Security-Policy rightly refuses injected
    # scripts; axe is the test's, not the page's.
    context = browser.new_context(base_url=live_server, bypass_csp=True,
                                  viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/login")
        found: dict[str, list[dict[str, Any]]] = {"/login": _violations(page)}
        sign_in(page, admin.email)
        page.wait_for_selector("#queue")
        # An acknowledged flag and an import preview with a bad row, so their
        # markup is checked too.
        page.locator("#open-flags li.flag").last.get_by_role(
            "button", name="Acknowledge").click()
        page.wait_for_selector("#acked-flags li.flag")
        csv = tmp_path / "patients.csv"
        csv.write_text("phone,first_name,infusion_at\n+1312,Bad,soon\n")
        page.goto("/enrol/import")
        page.get_by_label("CSV file").set_input_files(str(csv))
        page.get_by_role("button", name="Upload and preview").click()
        page.wait_for_selector("#import-summary")
        found["import preview"] = _violations(page)
        for path in PAGES:
            url = path.format(**staffed)
            page.goto(url)
            found[url] = _violations(page)
            page.evaluate("window.scrollTo(0, 0)")
        # Signed out at the queue: the banner and counts are checked as well.
        page.goto("/")
        page.evaluate("document.getElementById('signed-out').hidden = false")
        found["/ (signed-out banner)"] = _violations(page)
    finally:
        context.close()
    bad = {url: v for url, v in found.items() if v}
    assert not bad, f"axe at {width}px:\n" + json.dumps(bad, indent=1)
