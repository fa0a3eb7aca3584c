"""The staff pages in real headless Chromium, against a real server thread."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs, urlsplit

from factories import enrol_in_db, text_in_ok
from playwright.sync_api import expect
from web.staffkit import PASSWORD

from followup.models import Clinic

SCREENSHOTS = os.environ.get("FOLLOWUP_E2E_SCREENSHOTS")  # a folder, to look at the pages


def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_and_wrong_password(page, nurse):
    sign_in(page, nurse.email, "wrong password!")
    expect(page.locator("#login-error")).to_contain_text("Wrong email or password")
    sign_in(page, nurse.email)
    expect(page.get_by_role("heading", name="Flagged responses")).to_be_visible()
    expect(page.locator(".signout .who")).to_contain_text(nurse.email)


def test_new_flag_appears_live_then_acknowledge_and_resolve(page, nurse, svc, north, client):
    enrol_in_db(svc, north.clinic)
    sign_in(page, nurse.email)
    expect(page.get_by_text("No open flags")).to_be_visible()
    # The patient texts while the page is open: it appears without a reload.
    page.evaluate("window.notReloaded = true")
    text_in_ok(client, "my chest hurts and I can't breathe", "SM" + "1" * 32)
    flag = page.locator("#open-flags li.flag").first
    expect(flag).to_contain_text("my chest hurts and I can't breathe")
    expect(flag).to_contain_text("Emergency")
    expect(flag.locator(".new-cue")).to_be_visible()
    expect(page.locator("#live-announce")).to_contain_text("1 new flag, 1 emergency")
    assert page.evaluate("window.notReloaded") is True
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/queue.png", full_page=True)

    flag.get_by_role("button", name="Acknowledge").click()
    acked = page.locator("#acked-flags li.flag").first
    expect(acked).to_contain_text(f"Acknowledged by {nurse.email}")
    acked.get_by_placeholder("What was done").fill("Called Maria; she is going to the ER")
    acked.get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("Flag for Maria resolved.")).to_be_visible()
    expect(page.locator("li.flag")).to_have_count(0)


def test_patient_text_is_never_run_as_markup(page, nurse, svc, north, client):
    patient_id = enrol_in_db(svc, north.clinic)
    payload = ('<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2;'
               'alert(1)">')
    text_in_ok(client, payload, "SM" + "2" * 32)
    sign_in(page, nurse.email)
    expect(page.locator("#open-flags blockquote.patient-text")).to_have_text(payload)
    page.goto(f"/patients/{patient_id}")
    expect(page.locator(".msg-in .msg-body").first).to_have_text(payload)
    # And when it arrives through the live poll rather than the page load.
    page.goto("/")
    text_in_ok(client, payload + " again", "SM" + "3" * 32)
    expect(page.locator("#open-flags blockquote.patient-text")).to_have_count(2)
    assert page.evaluate("window.pwned") is None
    assert page.locator("#open-flags img").count() == 0
    assert page.dialogs == []


def test_patient_page_send_message_and_pause(page, nurse, svc, north, sms):
    patient_id = enrol_in_db(svc, north.clinic)
    sign_in(page, nurse.email)
    page.goto(f"/patients/{patient_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Maria")
    page.get_by_label("Message").fill("Hi Maria, please call the clinic today.")
    expect(page.locator("#seg-count")).to_contain_text("1 SMS segment")
    page.get_by_role("button", name="Send text").click()
    expect(page.get_by_text("Message queued")).to_be_visible()
    svc.dispatcher().run_once()
    assert sms.sent[-1].body == "Hi Maria, please call the clinic today."
    page.get_by_role("button", name="Pause check-ins").click()
    expect(page.get_by_text("Check-ins paused by nurse@north.example")).to_be_visible()
    if SCREENSHOTS:
        page.reload()
        page.screenshot(path=f"{SCREENSHOTS}/patient.png", full_page=True)
    page.get_by_role("button", name="Resume check-ins").click()
    expect(page.get_by_role("button", name="Pause check-ins")).to_be_visible()


def test_a_forged_form_is_refused(page, nurse, svc, north):
    patient_id = enrol_in_db(svc, north.clinic)
    sign_in(page, nurse.email)
    page.goto(f"/patients/{patient_id}")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]')"
                  ".forEach(i => i.value = 'forged')")
    page.get_by_role("button", name="Pause check-ins").click()
    expect(page.get_by_role("heading", name="Request refused")).to_be_visible()
    expect(page.get_by_text("security token")).to_be_visible()
    page.goto(f"/patients/{patient_id}")
    expect(page.get_by_role("button", name="Pause check-ins")).to_be_visible()


def test_the_queue_warns_before_signing_out_then_keeps_counting(page, nurse, clock, svc,
                                                                north, client):
    enrol_in_db(svc, north.clinic)
    idle = svc.settings.web.session_idle_minutes
    sign_in(page, nurse.email)
    expect(page.get_by_role("heading", name="Flagged responses")).to_be_visible()
    page.get_by_label("Beep for emergencies").check()  # a gesture: sound may play later
    warning = page.locator("#idle-warning")
    expect(warning).to_be_hidden()
    # A minute before the idle limit the next poll shows the warning and a countdown.
    clock.advance(minutes=idle - 1)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("You will be signed out in 1:00")
    expect(page.locator("#idle-countdown")).not_to_have_text("1:00", timeout=3000)
    page.get_by_role("button", name="Stay signed in").click()
    expect(warning).to_be_hidden()
    # Staying signed in counted as activity: ten more minutes are still fine.
    clock.advance(minutes=10)
    page.wait_for_timeout(4500)  # one poll, in real time
    expect(page.locator("#signed-out")).to_be_hidden()
    text_in_ok(client, "my chest hurts and I can't breathe", "SM" + "7" * 32)
    expect(page.locator("#open-flags li.flag")).to_have_count(1)
    # Past the limit: signed out, loudly, and nothing about any patient stays on screen.
    clock.advance(minutes=idle + 1)
    banner = page.locator("#signed-out")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("signed out after 15 minutes without activity")
    expect(banner).to_contain_text("1 emergency waiting. Sign in to see them.")
    expect(page.locator("body")).not_to_contain_text("Maria")
    expect(page.locator("body")).not_to_contain_text("chest")
    expect(page.locator(".topbar .signout")).to_be_hidden()  # nor who was signed in
    expect(page.locator("#queue-filters")).to_be_hidden()
    beeps = int(page.evaluate("document.body.dataset.beeps || '0'"))
    # A new emergency while signed out: the count goes up, and it beeps.
    enrol_in_db(svc, north.clinic, phone="+13125550124", first_name="Omar")
    text_in_ok(client, "I passed out and my chest hurts", "SM" + "8" * 32, from_="+13125550124")
    expect(banner).to_contain_text("2 emergencies waiting")
    page.wait_for_function(f"parseInt(document.body.dataset.beeps) > {beeps}")
    expect(page.locator("body")).not_to_contain_text("Omar")
    expect(page).to_have_title("(2 waiting) Signed out · followup")
    banner.get_by_role("link", name="Sign in again").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_an_emergency_with_no_on_call_ladder_says_nobody_will_be_texted(
        page, nurse, clock, svc, north, client):
    enrol_in_db(svc, north.clinic)
    sign_in(page, nurse.email)
    expect(page.locator("#no-oncall")).to_contain_text(
        "On-call not set: an emergency or urgent flag nobody acknowledges here will not be "
        "texted to anyone.")
    text_in_ok(client, "my chest hurts and I can't breathe", "SM" + "9" * 32)
    flag = page.locator("#open-flags li.flag").first
    expect(flag.locator(".esc")).to_have_text("⚠ On-call not set: nobody will be texted")
    clock.advance(minutes=6)
    expect(flag.locator(".esc")).to_contain_text("OVERDUE: waiting more than 5 min")
    # With a ladder, the same card says who is paged and when.
    with svc.sessions() as s:
        s.get(Clinic, north.clinic.id).oncall_phones = [
            {"name": "Dr Lee", "phone": "+13125550181"}]
        s.commit()
    page.reload()
    expect(page.locator("#no-oncall")).to_have_count(0)
    # Its page is due (15:05 has passed): the escalator's next pass sends it.
    expect(page.locator("#open-flags li.flag .esc")).to_contain_text("Pages Dr Lee now")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/escalation.png", full_page=True)


def test_acknowledge_on_a_flag_a_colleague_holds_says_who_and_when(
        browser, live_server, page, nurse, svc, north, client, clock):
    from web.staffkit import make_user

    kim = make_user(svc, north.clinic, "kim@north.example")
    patient_id = enrol_in_db(svc, north.clinic)
    text_in_ok(client, "my chest hurts", "SM" + "a" * 32)
    sign_in(page, nurse.email)
    page.goto(f"/patients/{patient_id}")
    other = browser.new_context(base_url=live_server)
    colleague = other.new_page()
    try:
        sign_in(colleague, kim.email)
        colleague.locator("#open-flags li.flag").first.get_by_role(
            "button", name="Acknowledge").click()
        expect(colleague.get_by_text("Flag for Maria acknowledged.")).to_be_visible()
    finally:
        other.close()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Already acknowledged by kim@north.example at Tue 10 Nov 15:00: Maria's flag is "
        "being worked on.")
    expect(page.get_by_text("Flag for Maria acknowledged.")).to_have_count(0)


def test_a_nurse_cannot_open_another_clinics_patient(page, south_nurse, svc, north):
    patient_id = enrol_in_db(svc, north.clinic)
    sign_in(page, south_nurse.email)
    response = page.goto(f"/patients/{patient_id}")
    assert response is not None and response.status == 404
    expect(page.get_by_text("no such patient")).to_be_visible()


def test_csv_import_with_a_bad_row(page, admin, svc, north, tmp_path):
    header = "phone,first_name,infusion_at,timezone,language,product,lot,first_infusion\n"
    good = "".join(f"+1312555{1000 + i},P{i},2026-11-10T14:00:00-06:00,,en,Privigen,"
                   f"LOT{i % 3},no\n" for i in range(40))
    path = tmp_path / "patients.csv"
    path.write_text(header + good + "+1312,Bad,soon,,en,,,no\n")
    sign_in(page, admin.email)
    page.goto("/enrol/import")
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.locator("#import-summary")).to_contain_text("41 rows; 40 valid, 1 with errors")
    expect(page.locator("#row-errors")).to_contain_text("42")
    expect(page.locator("#row-errors")).to_contain_text("infusion_at")
    # Without choosing to skip the bad row, nothing is imported.
    page.get_by_role("button", name="Import 40 rows").click()
    expect(page.locator("#import-progress-text")).to_contain_text("Nothing was imported")
    page.get_by_label("Import only the 40 valid rows").check()
    page.get_by_role("button", name="Import 40 rows").click()
    expect(page.locator("#import-summary")).to_contain_text("Imported: 40 patients enrolled")


def test_back_after_a_patient_search_shows_the_results_again(page, nurse, svc, north):
    enrol_in_db(svc, north.clinic, first_name="Marisabel")
    enrol_in_db(svc, north.clinic, phone="+13125550124", first_name="Zoe")
    sign_in(page, nurse.email)
    page.goto("/patients")
    page.get_by_label("Find by first name").fill("marisab")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Marisabel")).to_be_visible()
    expect(page.get_by_role("link", name="Zoe")).to_have_count(0)
    # The query is sealed, not in the address (long enough that the random token
    # cannot hold it by chance).
    assert "marisab" not in page.url.lower()
    assert set(parse_qs(urlsplit(page.url).query)) == {"s"}
    page.get_by_role("link", name="Marisabel").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marisabel")
    response = page.go_back()
    # A GET: no "Confirm form resubmission", the same results.
    assert response is not None and response.status == 200
    expect(page.get_by_role("link", name="Marisabel")).to_be_visible()
    expect(page.get_by_label("Find by first name")).to_have_value("marisab")


def test_metrics_chart_labels_fit_inside_their_charts(browser, live_server, nurse, svc, north,
                                                      client, clock):
    for i in range(3):
        enrol_in_db(svc, north.clinic, phone=f"+131255501{30 + i}", first_name=f"P{i}")
    clock.advance(hours=2)
    svc.dispatcher().run_once()
    for i, body in enumerate(("I have a fever of 38.5", "my leg is swollen",
                              "my chest hurts and I can't breathe")):
        text_in_ok(client, body, f"SM{i:032d}", from_=f"+131255501{30 + i}")
    for width in (1366, 390):
        context = browser.new_context(base_url=live_server, viewport={"width": width,
                                                                      "height": 900})
        page = context.new_page()
        try:
            sign_in(page, nurse.email)
            page.goto("/metrics")
            outside = page.evaluate("""() => {
                const bad = [];
                for (const svg of document.querySelectorAll('svg.chart')) {
                    const box = svg.viewBox.baseVal;
                    for (const t of svg.querySelectorAll('text')) {
                        const b = t.getBBox();
                        if (b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5)
                            bad.push(t.textContent);
                    }
                }
                return bad;
            }""")
            labels = page.locator("svg.chart text.chart-label").all_text_contents()
        finally:
            context.close()
        assert outside == [], (width, outside)
        # Whole, not "emperature 38.0…".
        assert "temperature 38.0 °C / 100.4 °F or more" in labels, labels
