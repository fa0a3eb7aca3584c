"""Identity conflicts and locking a nurse out, as people see them in Chromium."""

from __future__ import annotations

from typing import Any

from factories import enrol_in_db
from playwright.sync_api import expect
from sqlalchemy import select

from followup.models import AuditEvent, Patient

from .test_e2e_staff import sign_in


def people(svc: Any) -> list[tuple[str, str]]:
    with svc.sessions() as s:
        return [(p.first_name, p.language) for p in s.scalars(select(Patient).order_by(Patient.id))]


def fill_enrolment(page: Any, name: str, phone: str) -> None:
    page.goto("/enrol")
    page.get_by_label("First name").fill(name)
    page.get_by_label("Mobile phone").fill(phone)
    page.get_by_label("Infusion ended at").fill("2026-11-10T14:00")
    page.get_by_label("Language of the texts").select_option("es")
    page.get_by_role("button", name="Enrol", exact=True).click()


def test_enrolling_a_known_number_for_another_name_asks_and_changes_nothing(
        page, nurse, svc, north):
    cara = enrol_in_db(svc, north.clinic, phone="+17735550107", first_name="Cara")
    sign_in(page, nurse.email)
    fill_enrolment(page, "Carlos", "(773) 555-0107")
    conflict = page.locator("#identity-conflict")
    expect(conflict).to_contain_text(f"this number belongs to Cara (patient {cara})")
    expect(conflict.get_by_role("button", name=f"Same person: enrol Cara (patient {cara})")
           ).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Carlos")  # kept for the choice
    assert people(svc) == [("Cara", "en")]  # nothing changed until someone chooses
    # Cara's page still says Cara, with her number to call.
    page.goto(f"/patients/{cara}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cara")
    expect(page.get_by_role("link", name="(773) 555-0107")).to_have_attribute(
        "href", "tel:+17735550107")

    fill_enrolment(page, "Carlos", "(773) 555-0107")
    page.get_by_role("button", name="Different person").click()
    expect(page.get_by_text("Carlos is enrolled")).to_be_visible()
    expect(page.locator("#household")).to_contain_text(f"Cara (patient {cara})")
    assert people(svc) == [("Cara", "en"), ("Carlos", "es")]
    with svc.sessions() as s:
        logged = s.scalars(select(AuditEvent.action).where(
            AuditEvent.action.like("patient.identity%")).order_by(AuditEvent.id)).all()
    # Each time the conflict was shown, then the choice.
    assert logged == ["patient.identity_conflict"] * 2 + ["patient.identity_choice"]


def test_a_disabled_nurses_open_session_is_refused_on_its_next_request(
        page, browser, live_server, nurse, admin, svc, north):
    enrol_in_db(svc, north.clinic)
    sign_in(page, nurse.email)
    expect(page.get_by_role("heading", name="Flagged responses")).to_be_visible()

    admin_context = browser.new_context(base_url=live_server)
    try:
        admin_page = admin_context.new_page()
        sign_in(admin_page, admin.email)
        admin_page.goto("/admin/staff")
        admin_page.on("dialog", lambda dialog: dialog.accept())
        admin_page.get_by_role("button", name=f"Disable {nurse.email}").click()
        expect(admin_page.get_by_text(f"{nurse.email} is disabled")).to_be_visible()
    finally:
        admin_context.close()

    page.goto("/patients")  # the nurse's tab, still open
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_text("This login has been disabled")).to_be_visible()
    sign_in(page, nurse.email)
    expect(page.locator("#login-error")).to_contain_text("disabled")
