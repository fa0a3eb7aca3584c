"""Admin → EHR in real headless Chromium: a write-back the chart refused is seen and retried."""

from __future__ import annotations

import socket
from datetime import timedelta
from typing import Any

import pytest
from factories import text_in_ok
from playwright.sync_api import expect

from followup.models import Clinic
from followup.patients.enrollment import EnrollmentRequest, enroll
from followup.scheduler import run_passes

from .test_e2e_staff import SCREENSHOTS, sign_in


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    with socket.socket() as probe:  # an EHR address where nothing answers
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    return {**app_config, "ehr": {"writeback_url": f"http://127.0.0.1:{closed}/fhir/R4",
                                  "bearer_token": "t", "max_attempts": 1}}


def test_a_failed_chart_write_back_is_shown_and_can_be_tried_again(
        page: Any, admin: Any, svc: Any, north: Any, client: Any) -> None:
    now = svc.clock.now()
    with svc.sessions() as s:
        clinic = s.get(Clinic, north.clinic.id)
        enroll(s, clinic, EnrollmentRequest(
            phone="+13125550123", first_name="Ana", infusion_at=now - timedelta(hours=1),
            timezone=clinic.timezone, language="en", product="Privigen", lot="P1",
            first_infusion=True, external_id="E123456"), settings=svc.settings, now=now)
        s.commit()
    text_in_ok(client, "chest pain, can't breathe", "SM" + "e" * 32)
    assert run_passes(svc, now).ehr.failed == 1
    sign_in(page, admin.email)
    page.goto("/admin/ehr")
    expect(page.locator("#ehr-counts")).to_contain_text("failed: 1")
    row = page.locator("#ehr-failures tbody tr")
    expect(row).to_contain_text("emergency flag")
    expect(row).to_contain_text("FHIR server not reached")
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/admin-ehr.png", full_page=True)
    row.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("Queued again")).to_be_visible()
    expect(page.locator("#ehr-counts")).to_contain_text("failed: 0")
    expect(page.locator("#ehr-failures")).to_contain_text("retrying")
