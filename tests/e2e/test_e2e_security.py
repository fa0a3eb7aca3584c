"""The Content-Security-Policy and the framing refusal, in real Chromium.

Every staff page is opened with a listener for CSP violations: the queue's
live polling, the message counter, the SVG charts and the CSV import's
progress must all work with no inline script or style allowed, and nothing
may be blocked on the way."""

from __future__ import annotations

from typing import Any

from factories import enrol_in_db, text_in_ok
from playwright.sync_api import expect

from e2e.test_e2e_staff import sign_in

VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
  e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));
"""


def violations(page: Any) -> list[str]:
    return page.evaluate("window.__csp")  # type: ignore[no-any-return]


def test_staff_pages_work_under_the_csp_with_nothing_blocked(page, admin, svc, north, client,
                                                             tmp_path):
    page.add_init_script(VIOLATIONS)
    patient_id = enrol_in_db(svc, north.clinic)
    text_in_ok(client, "my leg is swollen and red", "SM" + "4" * 32)
    sign_in(page, admin.email)
    response = page.goto("/")
    assert response is not None
    assert "script-src 'self'" in response.headers["content-security-policy"]
    # The live queue: its script polls and updates the list in place.
    text_in_ok(client, "crushing chest pain", "SM" + "5" * 32)
    expect(page.locator("#open-flags li.flag")).to_have_count(2)
    expect(page.locator("#live-status")).to_contain_text("Live · updated")
    assert violations(page) == []
    # The patient page's segment counter.
    page.goto(f"/patients/{patient_id}")
    page.get_by_label("Message").fill("Hi Maria, please call the clinic today.")
    expect(page.locator("#seg-count")).to_contain_text("1 SMS segment")
    assert violations(page) == []
    # The metrics charts: SVG drawn and styled by the stylesheet.
    page.goto("/metrics")
    bars = page.locator("svg.chart rect")
    expect(bars.first).to_be_visible()
    box = bars.first.bounding_box()
    assert box is not None and box["width"] > 0 and box["height"] > 0
    fill = bars.first.evaluate("r => getComputedStyle(r).fill")
    assert fill not in ("", "none", "rgb(0, 0, 0)")  # the stylesheet's colour applied
    assert violations(page) == []
    # The CSV import's chunked progress (fetch + progress bar).
    path = tmp_path / "two.csv"
    path.write_text("phone,first_name,infusion_at\n+13125551001,Ann,2026-11-10T14:00:00-06:00\n"
                    "+13125551002,Bob,2026-11-10T14:00:00-06:00\n")
    page.goto("/enrol/import")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.locator("#import-summary")).to_contain_text("Imported: 2 patients enrolled")
    assert violations(page) == []
    for path in ("/non-responders", "/patients", "/enrol", "/admin/staff", "/admin/tokens",
                 "/admin/settings", "/admin/audit"):
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        assert violations(page) == [], path


def test_an_injected_inline_script_does_not_run(page, nurse):
    """Defence in depth: were markup ever to get through the escaping, the
    browser would still refuse to run it."""
    page.add_init_script(VIOLATIONS)
    sign_in(page, nurse.email)
    expect(page.get_by_role("heading", name="Flagged responses")).to_be_visible()
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.ran = 1';
        document.body.appendChild(s);
        const d = document.createElement('div');
        d.innerHTML = '<img src=x onerror="window.ran = 2">';
        document.body.appendChild(d);
    }""")
    page.wait_for_function("window.__csp.length >= 1")
    assert page.evaluate("window.ran") is None
    assert any(v.startswith("script-src") for v in violations(page))


def test_a_staff_page_cannot_be_framed(page, nurse, live_server):
    sign_in(page, nurse.email)
    expect(page.get_by_role("heading", name="Flagged responses")).to_be_visible()
    # A page of the same site (say, an uploaded file) that frames the queue.
    page.route(f"{live_server}/framer", lambda route: route.fulfill(
        status=200, content_type="text/html",
        body='<h1>framer</h1><iframe id="f" src="/" width="800" height="600"></iframe>'))
    page.goto("/framer")
    expect(page.get_by_role("heading", name="framer")).to_be_visible()
    page.wait_for_timeout(500)  # the frame's navigation settles (blocked or not)
    frame = page.frame_locator("#f")
    expect(frame.get_by_role("heading", name="Flagged responses")).to_have_count(0)
