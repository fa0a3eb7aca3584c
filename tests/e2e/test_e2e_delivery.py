"""What a nurse sees when texts are not going out, in real headless Chromium:
the clinic's delivery alerts on every staff page, and texts from numbers no
clinic knows on the flag queue (issue 15, items 1 and 4)."""

from __future__ import annotations

import os
from typing import Any

from conftest import post_twilio
from playwright.sync_api import expect
from web.staffkit import PASSWORD

from followup.care.alerts import CREDENTIALS, UNSENT, raise_alert

SCREENSHOTS = os.environ.get("FOLLOWUP_E2E_SCREENSHOTS")  # a folder, to look at the pages


def sign_in(page: Any, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_nurse_sees_the_delivery_alerts_and_dismisses_the_unsent_count(
        page, nurse, svc, north, client):
    now = svc.clock.now()
    with svc.sessions() as s:  # as the dispatcher raises them (tests/test_delivery_safety.py)
        raise_alert(s, clinic_id=north.clinic.id, kind=CREDENTIALS, now=now,
                    detail="HTTP 401, error 20003")
        raise_alert(s, clinic_id=north.clinic.id, kind=UNSENT, now=now, detail="Twilio "
                    "is unavailable (HTTP 500) until it was too late", count=3)
        s.commit()
    assert post_twilio(client, "/twilio/inbound", {
        "From": "+13125559999", "To": "+13125550199", "Body": "crushing chest pain",
        "MessageSid": "SM" + "5" * 32}).status_code == 200

    sign_in(page, nurse.email)
    alerts = page.locator(".delivery-alert")
    expect(alerts).to_have_count(2)
    expect(alerts.first).to_contain_text(
        "Twilio refuses our credentials since 15:00: nothing is being sent")
    expect(alerts.nth(1)).to_contain_text("3 check-ins were not sent since 15:00")
    unknown = page.locator("#unknown-texts")
    expect(unknown).to_contain_text("crushing chest pain")
    expect(unknown).to_contain_text("emergency")
    expect(unknown).to_contain_text("+13125559999")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/delivery_alerts.png", full_page=True)

    page.get_by_role("link", name="Patients").click()  # on every staff page
    expect(page.locator(".delivery-alert")).to_have_count(2)
    page.get_by_role("button", name="Seen: dismiss").click()
    expect(page.get_by_text("Alert dismissed.")).to_be_visible()
    expect(page.locator(".delivery-alert")).to_have_count(1)
    expect(page.locator(".delivery-alert")).to_contain_text("refuses our credentials")
    expect(page.get_by_role("button", name="Seen: dismiss")).to_have_count(0)
