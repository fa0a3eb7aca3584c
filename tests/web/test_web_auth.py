"""Signing in and staying signed in: passwords, throttling, CSRF, idle and max age, roles."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from followup.models import AuditEvent, LoginAttempt
from web.staffkit import PASSWORD, csrf_of, login, post


def test_pages_need_a_login(client, north):
    page = client.get("/")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert client.get("/patients/1").status_code == 302
    # The queue's script gets a 401 it can act on, not a redirect to HTML.
    polled = client.get("/queue/fragment", headers={"X-Requested-With": "fetch"})
    assert polled.status_code == 401


def test_sign_in_and_out(client, nurse, svc):
    signed = login(client, nurse.email)
    assert signed.status_code == 302 and signed.headers["Location"] == "/"
    queue = client.get("/")
    assert queue.status_code == 200 and "Flagged responses" in queue.get_data(as_text=True)
    out = post(client, "/logout")
    assert out.status_code == 302
    assert client.get("/").status_code == 302
    with svc.sessions() as s:
        actions = s.scalars(select(AuditEvent.action).where(
            AuditEvent.actor == f"user:{nurse.id}")).all()
    assert "user.login" in actions and "user.logout" in actions


def test_wrong_password_is_refused_without_saying_which_part(client, nurse):
    wrong = login(client, nurse.email, "not the password")
    unknown = login(client, "nobody@north.example", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "Wrong email or password" in wrong.get_data(as_text=True)
    assert "Wrong email or password" in unknown.get_data(as_text=True)


def test_email_is_case_insensitive(client, nurse):
    assert login(client, nurse.email.upper()).status_code == 302


def test_failed_logins_are_throttled_per_account(client, nurse, svc, clock):
    limit = svc.settings.web.login_max_failures
    for _ in range(limit):
        assert login(client, nurse.email, "guess").status_code == 401
    # Even the right password is refused now, with a clear message.
    refused = login(client, nurse.email)
    assert refused.status_code == 429
    assert "Too many failed sign-ins" in refused.get_data(as_text=True)
    # After the window the owner gets in.
    clock.advance(minutes=svc.settings.web.login_window_minutes + 1)
    assert login(client, nurse.email).status_code == 302


def test_failed_logins_are_throttled_per_address(client, nurse, admin, svc):
    limit = svc.settings.web.login_max_failures
    for i in range(limit):
        login(client, f"someone{i}@north.example", "guess")
    # Guessing at many accounts from one address is stopped too.
    assert login(client, admin.email).status_code == 429
    other = client.application.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert login(other, admin.email).status_code == 302
    with svc.sessions() as s:
        assert s.scalar(select(LoginAttempt).where(LoginAttempt.succeeded.is_(True)))


def test_forms_without_the_csrf_token_are_refused(as_nurse, north, enrol_patient):
    patient_id = enrol_patient(north.clinic)
    refused = as_nurse.post(f"/patients/{patient_id}/pause", data={})
    assert refused.status_code == 400
    assert "security token" in refused.get_data(as_text=True)
    forged = as_nurse.post(f"/patients/{patient_id}/pause", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    page = as_nurse.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert "Pause check-ins" in page  # nothing was paused


def test_login_form_needs_the_csrf_token_too(client, nurse):
    refused = client.post("/login", data={"email": nurse.email, "password": PASSWORD})
    assert refused.status_code == 400


@pytest.mark.parametrize("path", ["/enrol", "/enrol/import", "/admin/staff", "/admin/tokens",
                                  "/admin/settings"])
def test_every_staff_area_refuses_a_form_without_the_token_on_the_staff_error_page(
        as_admin, svc, path):
    def audited() -> int:
        with svc.sessions() as s:
            return s.scalar(select(func.count()).select_from(AuditEvent)) or 0

    before = audited()
    refused = as_admin.post(path, data={"email": "new@example.org", "name": "New token"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Request refused" in page and "security token" in page
    assert audited() == before  # nothing was done, so nothing was audited


def test_session_ends_after_idle_minutes(as_nurse, clock, svc):
    idle = svc.settings.web.session_idle_minutes
    clock.advance(minutes=idle - 1)
    assert as_nurse.get("/").status_code == 200  # activity resets the idle timer
    clock.advance(minutes=idle - 1)
    assert as_nurse.get("/").status_code == 200
    clock.advance(minutes=idle + 1)
    ended = as_nurse.get("/")
    assert ended.status_code == 302 and "/login" in ended.headers["Location"]
    page = as_nurse.get(ended.headers["Location"]).get_data(as_text=True)
    assert "without activity" in page
    assert as_nurse.get("/").status_code == 302  # stays signed out


def test_polling_does_not_keep_an_idle_session_alive(as_nurse, clock, svc):
    idle = svc.settings.web.session_idle_minutes
    for _ in range(4):
        clock.advance(minutes=idle / 4 + 0.1)
        as_nurse.get("/queue/fragment", headers={"X-Requested-With": "fetch"})
    assert as_nurse.get("/queue/fragment",
                        headers={"X-Requested-With": "fetch"}).status_code == 401


def test_session_ends_after_max_hours_even_when_active(as_nurse, clock, svc):
    hours = svc.settings.web.session_max_hours
    steps = int(hours * 60 / 10) + 1
    for _ in range(steps - 1):
        clock.advance(minutes=10)
        as_nurse.get("/")
    clock.advance(minutes=10)
    ended = as_nurse.get("/")
    assert ended.status_code == 302
    assert "at most" in as_nurse.get(ended.headers["Location"]).get_data(as_text=True)


def test_nurses_cannot_open_admin_pages(as_nurse):
    for path in ("/admin/staff", "/admin/tokens", "/admin/settings", "/admin/audit"):
        assert as_nurse.get(path).status_code == 403, path
    for path in ("/enrol", "/enrol/import"):  # nurses enrol at the infusion chair
        assert as_nurse.get(path).status_code == 200, path


def test_admins_can(as_admin):
    for path in ("/admin/staff", "/admin/tokens", "/admin/settings", "/admin/audit", "/enrol",
                 "/enrol/import", "/", "/metrics", "/non-responders", "/patients"):
        assert as_admin.get(path).status_code == 200, path


def test_next_only_redirects_within_the_site(client, nurse):
    client.get("/login")
    resp = client.post("/login", data={"email": nurse.email, "password": PASSWORD,
                                       "csrf_token": csrf_of(client),
                                       "next": "https://evil.example/"})
    assert resp.headers["Location"] == "/"


def test_cookie_is_secure_httponly_samesite_over_https(client, nurse):
    login(client, nurse.email)
    resp = client.get("/")
    cookies = client.get_cookie("session")
    assert cookies is not None
    header = " ".join(resp.headers.getlist("Set-Cookie"))
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
