"""Identity conflicts on the staff pages, calling links, and locking staff out."""

from __future__ import annotations

import io
import re
from typing import Any

from conftest import post_twilio
from flask.testing import FlaskClient
from sqlalchemy import select

from followup.models import ApiToken, AuditEvent, Patient, PatientChange, User
from web.staffkit import login, post

CARA = {"first_name": "Cara", "phone": "(773) 555-0107", "infusion_at": "2026-11-10T14:00",
        "language": "en"}
CARLOS = {**CARA, "first_name": "Carlos", "language": "es", "infusion_at": "2026-11-10T14:30"}


def people(svc: Any) -> list[tuple[str, str, str]]:
    with svc.sessions() as s:
        return [(p.first_name, p.language, p.phone)
                for p in s.scalars(select(Patient).order_by(Patient.id))]


def actions(svc: Any, prefix: str) -> list[tuple[str, dict[str, Any] | None]]:
    with svc.sessions() as s:
        return [(e.action, e.detail) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action.like(prefix + "%"))
            .order_by(AuditEvent.id))]


# -- the enrol form ------------------------------------------------------------------
def test_enrol_form_shows_the_conflict_and_changes_nothing(as_nurse, svc, north):
    assert post(as_nurse, "/enrol", CARA).status_code == 302
    resp = post(as_nurse, "/enrol", CARLOS)
    assert resp.status_code == 409
    page = resp.get_data(as_text=True)
    assert "this number belongs to Cara (patient 1)" in page
    assert 'name="identity" value="same:1"' in page and 'name="identity" value="new"' in page
    assert 'value="Carlos"' in page  # what was typed is kept for the choice
    assert people(svc) == [("Cara", "en", "+17735550107")]
    assert actions(svc, "patient.identity")[-1][0] == "patient.identity_conflict"


def test_enrol_form_same_person_enrols_the_patient_on_file(as_nurse, svc, north):
    post(as_nurse, "/enrol", CARA)
    resp = post(as_nurse, "/enrol", {**CARLOS, "identity": "same:1"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/patients/1"
    assert people(svc) == [("Cara", "en", "+17735550107")]
    with svc.sessions() as s:
        assert len(s.get(Patient, 1).infusions) == 2
    assert actions(svc, "patient.identity")[-1] == (
        "patient.identity_choice", {"choice": "same_person", "phone_holders": [1]})


def test_enrol_form_different_person_adds_a_household_member(as_nurse, svc, north):
    post(as_nurse, "/enrol", CARA)
    resp = post(as_nurse, "/enrol", {**CARLOS, "identity": "new"})
    assert resp.status_code == 302
    assert people(svc) == [("Cara", "en", "+17735550107"), ("Carlos", "es", "+17735550107")]
    page = as_nurse.get("/patients/2").get_data(as_text=True)
    assert "shared with" in page and "Cara (patient 1)" in page


def test_the_audit_log_page_shows_the_conflict_and_the_choice(as_admin, svc, north):
    post(as_admin, "/enrol", CARA)
    post(as_admin, "/enrol", CARLOS)
    post(as_admin, "/enrol", {**CARLOS, "identity": "new"})
    page = re.search(r'<table id="audit-table".*?</table>',
                     as_admin.get("/admin/audit").get_data(as_text=True), re.S).group(0)
    conflict, choice = page.index("Found a phone on file for someone else"), page.index(
        "Answered same or different person")
    assert choice < conflict  # newest first: the choice came after the question
    assert "different_person" in page and "Carlos" not in page  # ids only in the trail


# -- CSV ------------------------------------------------------------------------------
HEADER = "phone,first_name,infusion_at,language\n"


def upload(client: FlaskClient, content: str) -> int:
    resp = post(client, "/enrol/import", {"file": (io.BytesIO(content.encode()), "p.csv")},
                content_type="multipart/form-data")
    assert resp.status_code == 302
    return int(resp.headers["Location"].rsplit("/", 1)[1])


def test_csv_preview_asks_same_or_different_and_imports_nothing_until_answered(
        as_nurse, svc, north):
    post(as_nurse, "/enrol", CARA)
    import_id = upload(as_nurse, HEADER + "7735550107,Carlos,2026-11-10T14:30:00-06:00,es\n"
                       "7735550111,Ana,2026-11-10T14:30:00-06:00,en\n")
    page = as_nurse.get(f"/enrol/import/{import_id}").get_data(as_text=True)
    assert "this number belongs to Cara (patient 1): same person? / different person" in page
    assert "Same person as Cara (patient 1)" in page and "Different person" in page
    refused = post(as_nurse, f"/enrol/import/{import_id}/chunk")
    assert refused.status_code == 409
    assert len(people(svc)) == 1
    chosen = post(as_nurse, f"/enrol/import/{import_id}/identity", {"line": "2",
                                                                    "identity": "new"})
    assert chosen.status_code == 302
    page = as_nurse.get(f"/enrol/import/{import_id}").get_data(as_text=True)
    assert "Chosen: a different person on the same phone" in page
    done = post(as_nurse, f"/enrol/import/{import_id}/chunk")
    assert done.status_code == 200 and done.get_json()["imported"] == 2
    assert people(svc) == [("Cara", "en", "+17735550107"), ("Carlos", "es", "+17735550107"),
                           ("Ana", "en", "+17735550111")]
    assert [a for a, _ in actions(svc, "patient.identity")] == [
        "patient.identity_conflict", "patient.identity_choice"]


def test_csv_choice_must_name_a_patient_on_that_phone(as_nurse, svc, north):
    post(as_nurse, "/enrol", CARA)
    import_id = upload(as_nurse, HEADER + "7735550107,Carlos,2026-11-10T14:30:00-06:00,es\n")
    resp = post(as_nurse, f"/enrol/import/{import_id}/identity", {"line": "2",
                                                                  "identity": "same:99"})
    assert "does not match a row waiting for one" in as_nurse.get(
        resp.headers["Location"]).get_data(as_text=True)
    assert post(as_nurse, f"/enrol/import/{import_id}/chunk").status_code == 409


def test_csv_rows_naming_two_people_on_one_new_phone_enrol_only_the_first(as_nurse, svc,
                                                                          north):
    import_id = upload(as_nurse, HEADER + "7735550107,Cara,2026-11-10T14:30:00-06:00,en\n"
                       "7735550107,Carlos,2026-11-10T15:30:00-06:00,es\n")
    done = post(as_nurse, f"/enrol/import/{import_id}/chunk")
    assert done.status_code == 200 and done.get_json()["imported"] == 1
    assert people(svc) == [("Cara", "en", "+17735550107")]
    page = as_nurse.get(f"/enrol/import/{import_id}").get_data(as_text=True)
    assert "this number belongs to Cara (patient 1) (found while importing" in page


# -- explicit edits on the patient page ------------------------------------------------
def test_patient_page_edit_records_before_and_after(as_nurse, svc, nurse, north, enrol_patient):
    pid = enrol_patient(north.clinic, first_name="Cara")
    resp = post(as_nurse, f"/patients/{pid}/edit", {"first_name": "Carolina", "language": "es",
                                                     "phone": "+13125550123"})
    assert resp.status_code == 302
    page = as_nurse.get(f"/patients/{pid}").get_data(as_text=True)
    assert "first name: “Cara” → “Carolina” by nurse@north.example" in page
    assert "language: “en” → “es”" in page
    with svc.sessions() as s:
        assert [c.field for c in s.scalars(select(PatientChange))] == ["first_name", "language"]
    assert actions(svc, "patient.edit")[-1][1]["fields"] == ["first_name", "language"]


def test_patient_page_edit_onto_a_held_phone_asks_first(as_nurse, svc, north, enrol_patient):
    enrol_patient(north.clinic, first_name="Cara", phone="+17735550107")
    luis = enrol_patient(north.clinic, first_name="Luis", phone="+13125550123")
    form = {"first_name": "Luis", "language": "en", "phone": "773 555 0107"}
    resp = post(as_nurse, f"/patients/{luis}/edit", form)
    assert resp.status_code == 409
    assert "this number belongs to Cara (patient 1)" in resp.get_data(as_text=True)
    assert people(svc)[1][2] == "+13125550123"
    assert post(as_nurse, f"/patients/{luis}/edit", {**form, "household": "1"}).status_code == 302
    assert people(svc)[1][2] == "+17735550107"


def test_a_nurse_text_to_a_shared_phone_says_whom_it_is_about(as_nurse, svc, north):
    post(as_nurse, "/enrol", CARA)
    post(as_nurse, "/enrol", {**CARLOS, "identity": "new"})
    post(as_nurse, "/patients/2/message", {"body": "Llame a la clínica, por favor."})
    svc.dispatcher().run_once()
    assert svc.sms.last().body == "Sobre Carlos: Llame a la clínica, por favor."


# -- calling --------------------------------------------------------------------------
def test_every_phone_shown_is_formatted_and_a_tel_link(as_nurse, svc, nurse, north, clock):
    post(as_nurse, "/enrol", CARA)
    link = '<a class="tel" href="tel:+17735550107">(773) 555-0107</a>'
    assert link in as_nurse.get("/patients/1").get_data(as_text=True)
    found = post(as_nurse, "/patients", {"q": "Cara"})  # answered with a GET (Back works)
    assert link in as_nurse.get(found.headers["Location"]).get_data(as_text=True)
    clock.advance(hours=2)
    svc.dispatcher().run_once()
    clock.advance(days=1)
    login(as_nurse, nurse.email)  # a day later: a fresh sign-in
    assert link in as_nurse.get("/non-responders").get_data(as_text=True)
    post_twilio(as_nurse, "/twilio/inbound", {"From": "+17735550107", "To": "+13125550199",
                                               "Body": "chest pain", "MessageSid": "SM" + "9" * 32})
    assert link in as_nurse.get("/").get_data(as_text=True)


def test_a_foreign_number_is_shown_in_international_format(as_nurse, north, enrol_patient):
    pid = enrol_patient(north.clinic, phone="+525512345678")
    page = as_nurse.get(f"/patients/{pid}").get_data(as_text=True)
    assert '<a class="tel" href="tel:+525512345678">+52 55 1234 5678</a>' in page


# -- sessions ended on the server ----------------------------------------------------------
def test_a_cookie_copied_before_logout_is_refused_afterwards(app, client, nurse):
    login(client, nurse.email)
    copy = app.test_client()
    for cookie in client._cookies.values():  # noqa: SLF001  (a stolen cookie, as is)
        copy.set_cookie(cookie.key, cookie.value, domain=cookie.domain)
    assert copy.get("/").status_code == 200
    post(client, "/logout")
    refused = copy.get("/")
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]


def test_a_disabled_nurse_is_out_at_once_and_cannot_sign_in(app, as_admin, svc, nurse):
    other = app.test_client()
    login(other, nurse.email)
    assert other.get("/").status_code == 200
    resp = post(as_admin, f"/admin/staff/{nurse.id}/disable")
    assert "is disabled" in as_admin.get(resp.headers["Location"]).get_data(as_text=True)
    assert other.get("/").status_code == 302  # the open session, refused on its next request
    again = login(other, nurse.email)
    assert again.status_code == 403 and "disabled" in again.get_data(as_text=True)
    post(as_admin, f"/admin/staff/{nurse.id}/enable")
    assert login(other, nurse.email).status_code == 302
    assert [a for a, _ in actions(svc, "user.")][-2:] == ["user.enable", "user.login"]
    assert ("user.disable", None) in actions(svc, "user.")


def test_reset_password_is_shown_once_and_ends_sessions(app, as_admin, svc, nurse):
    other = app.test_client()
    login(other, nurse.email)
    resp = post(as_admin, f"/admin/staff/{nurse.id}/reset-password")
    assert resp.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="new-password" class="token">([^<]+)<',
                         resp.get_data(as_text=True)).group(1)
    assert other.get("/").status_code == 302
    assert login(other, nurse.email).status_code == 401  # the old password is gone
    assert login(other, nurse.email, password).status_code == 302
    assert password not in as_admin.get("/admin/staff").get_data(as_text=True)


def test_role_change_applies_at_once(app, as_admin, svc, nurse):
    other = app.test_client()
    login(other, nurse.email)
    post(as_admin, f"/admin/staff/{nurse.id}/role", {"role": "admin"})
    assert other.get("/admin/staff").status_code == 302  # signed out: sign in for new rights
    login(other, nurse.email)
    assert other.get("/admin/staff").status_code == 200
    assert ("user.set_role", {"from": "nurse", "to": "admin"}) in actions(svc, "user.")


def test_the_last_admin_cannot_be_demoted_or_disable_themselves(as_admin, svc, admin):
    resp = post(as_admin, f"/admin/staff/{admin.id}/role", {"role": "nurse"})
    assert "only active administrator" in as_admin.get(
        resp.headers["Location"]).get_data(as_text=True)
    resp = post(as_admin, f"/admin/staff/{admin.id}/disable")
    with svc.sessions() as s:
        user = s.get(User, admin.id)
        assert (user.role, user.disabled_at) == ("admin", None)


def test_display_name_shows_in_histories(as_admin, svc, admin, north, nurse, enrol_patient):
    post(as_admin, f"/admin/staff/{admin.id}/name", {"display_name": "Kim Lee, RN"})
    pid = enrol_patient(north.clinic)
    post(as_admin, f"/patients/{pid}/pause")
    assert "Check-ins paused by Kim Lee, RN" in as_admin.get(
        f"/patients/{pid}").get_data(as_text=True)


def test_another_clinics_login_cannot_be_touched(as_admin, svc, south_nurse):
    assert post(as_admin, f"/admin/staff/{south_nurse.id}/disable").status_code == 404
    with svc.sessions() as s:
        assert s.get(User, south_nurse.id).disabled_at is None


def test_nurses_cannot_disable_anyone(as_nurse, svc, admin):
    assert post(as_nurse, f"/admin/staff/{admin.id}/disable").status_code == 403


# -- tokens -----------------------------------------------------------------------------
def test_token_last_used_is_written_at_most_once_a_minute(client, svc, north, clock):
    def last_used() -> Any:
        with svc.sessions() as s:
            return s.scalar(select(ApiToken.last_used_at))

    assert last_used() is None
    client.get("/api/flags", headers=north.auth)
    first = last_used()
    assert first == clock.now()
    clock.advance(seconds=30)
    client.get("/api/flags", headers=north.auth)
    assert last_used() == first
    clock.advance(seconds=31)
    client.get("/api/flags", headers=north.auth)
    assert last_used() == clock.now()

