"""The staff pages in real headless Chromium, against a real server thread."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from conftest import post_twilio
from playwright.sync_api import expect
from web.staffkit import PASSWORD

from followup.enrollment import EnrollmentRequest, enroll
from followup.models import Clinic

SCREENSHOTS = os.environ.get("FOLLOWUP_E2E_SCREENSHOTS")  # a folder, to look at the pages


def sign_in(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def enrol(svc: Any, clinic: Clinic, phone: str = "+13125550123", name: str = "Maria") -> int:
    now = svc.clock.now()
    with svc.sessions() as s:
        clinic = s.get(Clinic, clinic.id)
        result = enroll(s, clinic, EnrollmentRequest(
            phone=phone, first_name=name, infusion_at=now - timedelta(hours=1),
            timezone=clinic.timezone, language="en", product="Privigen", lot="P100234",
            first_infusion=True, external_id=None), settings=svc.settings, now=now)
        s.commit()
        return result.patient.id


def text_in(client: Any, body: str, sid: str, phone: str = "+13125550123") -> None:
    resp = post_twilio(client, "/twilio/inbound", {"From": phone, "To": "+13125550199",
                                                   "Body": body, "MessageSid": sid})
    assert resp.status_code == 200


def test_sign_in_and_wrong_password(page, nurse):
    sign_in(page, nurse.email, "wrong password!")
    expect(page.locator("#login-error")).to_contain_text("Wrong email or password")
    sign_in(page, nurse.email)
    expect(page.get_by_role("heading", name="Flagged responses")).to_be_visible()
    expect(page.get_by_text(nurse.email)).to_be_visible()


def test_new_flag_appears_live_then_acknowledge_and_resolve(page, nurse, svc, north, client):
    enrol(svc, north.clinic)
    sign_in(page, nurse.email)
    expect(page.get_by_text("No open flags")).to_be_visible()
    # The patient texts while the page is open: it appears without a reload.
    page.evaluate("window.notReloaded = true")
    text_in(client, "my chest hurts and I can't breathe", "SM" + "1" * 32)
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
    patient_id = enrol(svc, north.clinic)
    payload = ('<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2;'
               'alert(1)">')
    text_in(client, payload, "SM" + "2" * 32)
    sign_in(page, nurse.email)
    expect(page.locator("#open-flags blockquote.patient-text")).to_have_text(payload)
    page.goto(f"/patients/{patient_id}")
    expect(page.locator(".msg-in .msg-body").first).to_have_text(payload)
    # And when it arrives through the live poll rather than the page load.
    page.goto("/")
    text_in(client, payload + " again", "SM" + "3" * 32)
    expect(page.locator("#open-flags blockquote.patient-text")).to_have_count(2)
    assert page.evaluate("window.pwned") is None
    assert page.locator("#open-flags img").count() == 0
    assert page.dialogs == []


def test_patient_page_send_message_and_pause(page, nurse, svc, north, sms):
    patient_id = enrol(svc, north.clinic)
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
    patient_id = enrol(svc, north.clinic)
    sign_in(page, nurse.email)
    page.goto(f"/patients/{patient_id}")
    page.evaluate("document.querySelectorAll('input[name=csrf_token]')"
                  ".forEach(i => i.value = 'forged')")
    page.get_by_role("button", name="Pause check-ins").click()
    expect(page.get_by_role("heading", name="Request refused")).to_be_visible()
    expect(page.get_by_text("security token")).to_be_visible()
    page.goto(f"/patients/{patient_id}")
    expect(page.get_by_role("button", name="Pause check-ins")).to_be_visible()


def test_idle_timeout_signs_the_queue_out(page, nurse, clock, svc):
    sign_in(page, nurse.email)
    expect(page.get_by_role("heading", name="Flagged responses")).to_be_visible()
    clock.advance(minutes=svc.settings.web.session_idle_minutes + 1)
    # The next poll finds the session over and the page goes to the sign-in form.
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_text("without activity")).to_be_visible()


def test_a_nurse_cannot_open_another_clinics_patient(page, south_nurse, svc, north):
    patient_id = enrol(svc, north.clinic)
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
