"""Web hardening (issue 15): redirects, paging, headers, input boundary, flashes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from followup.models import AuditEvent
from web.staffkit import PASSWORD, csrf_of, login


def test_a_crlf_in_next_signs_in_and_goes_to_the_queue(client, nurse):
    client.get("/login")
    response = client.post("/login", data={
        "email": nurse.email, "password": PASSWORD, "csrf_token": csrf_of(client),
        "next": "/patients\r\nSet-Cookie: evil=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "evil" not in response.headers.get("Set-Cookie", "")
    # (Other control characters are refused before any view: see below.)
    for target in ("/%5Cevil.example/", "/%09x", "/%0D%0ALocation:%20//evil.example"):
        assert login(client, nurse.email).status_code == 302
        again = client.get("/login?next=" + target)
        assert again.headers["Location"] == "/", target


def test_an_absurd_audit_page_shows_the_last_page(as_admin, svc):
    response = as_admin.get("/admin/audit?page=99999999999999999999")
    assert response.status_code == 200
    with svc.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) >= 1
    assert "user.login" in response.get_data(as_text=True)
    assert as_admin.get("/admin/audit?page=-99999999999999999999").status_code == 200


def test_a_huge_unsigned_webhook_is_refused_before_parsing(client, north):
    many_fields = "&".join(f"f{i}=x" for i in range(200_000))
    for path in ("/twilio/inbound", "/twilio/status"):
        response = client.post(path, data=many_fields,
                               content_type="application/x-www-form-urlencoded",
                               headers={"X-Twilio-Signature": "forged"})
        assert response.status_code == 413, path
    # Small enough in bytes, too many fields: refused too.
    response = client.post("/twilio/inbound", data="&" * 20_000,
                           content_type="application/x-www-form-urlencoded",
                           headers={"X-Twilio-Signature": "forged"})
    assert response.status_code == 413
    multipart = {f"f{i}": "x" for i in range(500)}
    response = client.post("/twilio/inbound", data=multipart, content_type="multipart/form-data",
                           headers={"X-Twilio-Signature": "forged"})
    assert response.status_code == 413


def test_a_real_sized_webhook_still_goes_through(client, north):
    from conftest import post_twilio

    fields = {"From": "+13125550123", "To": "+13125550199", "MessageSid": "SM" + "a" * 32,
              "Body": "😀" * 800, "NumMedia": "10",
              **{f"MediaUrl{i}": f"https://api.twilio.com/m/{i}" for i in range(10)},
              **{f"MediaContentType{i}": "image/jpeg" for i in range(10)},
              **{k: "x" for k in ("AccountSid", "SmsSid", "SmsMessageSid", "ApiVersion",
                                  "SmsStatus", "NumSegments", "FromCity", "FromState",
                                  "FromZip", "FromCountry", "ToCity", "ToState", "ToZip",
                                  "ToCountry", "MessagingServiceSid", "ReferralNumMedia")}}
    assert post_twilio(client, "/twilio/inbound", fields).status_code == 200


def _session_cookie(client) -> str:
    """What anyone holding the cookie can read (it is signed, not encrypted)."""
    import json

    app = client.application
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    return json.dumps(data, default=str)


def test_flash_messages_carry_no_patient_name_in_the_cookie(as_nurse, svc, north,
                                                             enrol_patient):
    from conftest import post_twilio

    from followup.models import Flag
    from web.staffkit import post

    enrol_patient(north.clinic, first_name="Zelda")
    assert post_twilio(as_nurse, "/twilio/inbound", {
        "From": "+13125550123", "To": "+13125550199", "Body": "chest pain",
        "MessageSid": "SM" + "7" * 32}).status_code == 200
    with svc.sessions() as s:
        flag_id = s.scalar(select(Flag.id))
    steps = [(f"/flags/{flag_id}/acknowledge", {}, "Flag for Zelda acknowledged."),
             (f"/flags/{flag_id}/resolve", {"note": "called her"}, "Flag for Zelda resolved."),
             ("/enrol", {"phone": "+13125550177", "first_name": "Yolanda",
                         "infusion_at": "2026-11-10T14:00"}, "Yolanda is enrolled")]
    for path, data, shown in steps:
        response = post(as_nurse, path, data)
        assert response.status_code == 302, path
        cookie = _session_cookie(as_nurse)
        assert "Zelda" not in cookie and "Yolanda" not in cookie, path
        page = as_nurse.get(response.headers["Location"]).get_data(as_text=True)
        assert shown in page, path


def test_guessing_from_elsewhere_does_not_lock_the_nurse_out(client, nurse, svc):
    attacker = client.application.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.66"
    for _ in range(svc.settings.web.login_max_failures * 2):
        login(attacker, nurse.email, "guess guess guess")
    stopped = login(attacker, nurse.email)
    assert stopped.status_code == 429  # the attacker is stopped
    assert stopped.headers["Retry-After"] == str(int(svc.settings.web.login_window_minutes * 60))
    assert login(client, nurse.email).status_code == 302  # the nurse, at her desk, is not


def test_signing_in_often_from_one_address_uses_up_nothing(client, nurse, admin, svc):
    for _ in range(svc.settings.web.login_max_failures + 2):
        assert login(client, nurse.email).status_code == 302
        client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert login(client, admin.email).status_code == 302


def test_an_admin_sets_the_countries_the_clinic_enrols(as_admin, svc, north):
    from followup.models import Clinic
    from web.staffkit import post

    bad = post(as_admin, "/admin/settings", {"emergency_number": "911",
                                             "enrol_countries": "US, ZZ"})
    assert bad.status_code == 400
    assert "unknown country code &#39;ZZ&#39;" in bad.get_data(as_text=True)
    ok = post(as_admin, "/admin/settings", {"emergency_number": "911",
                                            "enrol_countries": "us pr"})
    assert ok.status_code == 302
    with svc.sessions() as s:
        assert s.get(Clinic, north.clinic.id).enrol_countries == ["US", "PR"]
    assert 'value="US, PR"' in as_admin.get("/admin/settings").get_data(as_text=True)


# -- security headers on every route (item 6) -----------------------------------------
STAFF_BLUEPRINTS = {"auth", "dashboard", "imports", "admin", "devphone"}


def _ids(client, svc, north, enrol_patient) -> dict[str, Any]:
    """One real id for each kind of URL parameter, so every page renders."""
    from conftest import post_twilio

    from followup.care.alerts import raise_alert
    from followup.models import ApiToken, ClinicAlert, CsvImport, Flag, User

    patient_id = enrol_patient(north.clinic)
    post_twilio(client, "/twilio/inbound", {
        "From": "+13125550123", "To": "+13125550199", "Body": "chest pain",
        "MessageSid": "SM" + "9" * 32})
    now = svc.clock.now()
    with svc.sessions() as s:
        imp = CsvImport(clinic_id=north.clinic.id, created_by="tests", filename="a.csv",
                        content="phone,first_name,infusion_at\n", status="previewed",
                        total_rows=0, done_rows=0, errors=[], created_at=now)
        s.add(imp)
        raise_alert(s, clinic_id=north.clinic.id, kind="unsent", now=now, detail=None)
        s.commit()
        return {"patient_id": patient_id, "flag_id": s.scalar(select(Flag.id)),
                "import_id": imp.id, "token_id": s.scalar(select(ApiToken.id)),
                "alert_id": s.scalar(select(ClinicAlert.id)),
                "user_id": s.scalar(select(User.id).order_by(User.id.desc())),
                "filename": "staff.css"}


def _method(rule: Any) -> str:
    """GET where the route has it, else the route's one writing method (POST, PATCH)."""
    return "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]


def test_every_route_sends_the_security_headers(as_admin, svc, north, enrol_patient):
    from followup.web.security import CSP

    app = as_admin.application
    ids = _ids(app.test_client(), svc, north, enrol_patient)
    checked = 0
    for rule in app.url_map.iter_rules():
        method = _method(rule)
        # A page must render with a real id; a POST is refused (no CSRF token) before
        # its id is looked at, so any id does there.
        missing = [a for a in rule.arguments if a not in ids]
        assert method != "GET" or not missing, f"{rule.rule}: give this test an id for {missing}"
        path = app.url_map.bind("localhost").build(rule.endpoint, {a: ids.get(a, 1) for a in
                                                                 rule.arguments})
        headers = ({"Authorization": north.auth["Authorization"]}
                   if rule.rule.startswith("/api/") else {})
        response = as_admin.open(path, method=method, headers=headers)
        assert response.status_code < 500, path
        blueprint = rule.endpoint.rpartition(".")[0]
        if method == "GET" and blueprint in STAFF_BLUEPRINTS:
            # Signed in, /login sends on to the queue; every other page shows. The queue's
            # waiting counts answer only the pager token in their header (none sent here).
            expected = {"auth.login": 302, "dashboard.queue_waiting": 401}
            assert response.status_code == expected.get(rule.endpoint, 200), path
        h = response.headers
        assert h["Content-Security-Policy"] == CSP, path
        assert "frame-ancestors 'none'" in CSP and "unsafe-inline" not in CSP
        assert h["X-Frame-Options"] == "DENY", path
        assert h["X-Content-Type-Options"] == "nosniff", path
        assert h["Referrer-Policy"] == "no-referrer", path
        if rule.endpoint.endswith("static"):
            assert "no-store" not in h.get("Cache-Control", ""), path
        else:
            assert h["Cache-Control"] == "no-store", path
        response.close()  # a static file is streamed from an open file
        checked += 1
    assert checked >= 30


def test_no_staff_template_holds_inline_script_or_style():
    """The CSP forbids them: any left would silently stop working."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=", re.I)
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.html")
                 if inline.search(p.read_text())]
    assert offenders == []


# -- control characters at the input boundary (item 9) ----------------------------------
def _flag_and_patient(client, svc, north, enrol_patient) -> tuple[int, int]:
    from conftest import post_twilio

    from followup.models import Flag

    patient_id = enrol_patient(north.clinic)
    post_twilio(client, "/twilio/inbound", {"From": "+13125550123", "To": "+13125550199",
                                            "Body": "chest pain", "MessageSid": "SM" + "8" * 32})
    with svc.sessions() as s:
        return s.scalar(select(Flag.id)), patient_id


def _stored(svc) -> dict[str, int]:
    from followup.models import Checkin, CsvImport, Flag, Message, Patient

    with svc.sessions() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0
                for t in (Patient, Checkin, Message, Flag, CsvImport)} | {
            "resolved": s.scalar(select(func.count()).select_from(Flag)
                                 .where(Flag.status != "open")) or 0}


def test_the_inputs_that_gave_500s_on_postgresql_are_refused_clearly(as_nurse, svc, north,
                                                                     enrol_patient):
    """The seven NUL inputs of the attack run (a 500 on PostgreSQL each), and more."""
    import io

    from web.staffkit import post

    flag_id, patient_id = _flag_and_patient(as_nurse, svc, north, enrol_patient)
    before = _stored(svc)
    csv_ok = b"phone,first_name,infusion_at\n+13125550166,Ann,2026-11-10T14:00:00-06:00\n"
    attempts = [
        ("note", lambda: as_nurse.post(f"/api/flags/{flag_id}/resolve", headers=north.auth,
                                       json={"note": "called\x00"})),
        ("first_name", lambda: as_nurse.post("/api/enrollments", headers=north.auth, json={
            "phone": "+13125550166", "first_name": "A\x01nn",
            "infusion_at": "2026-11-10T14:00:00-06:00"})),
        ("q", lambda: post(as_nurse, "/patients", {"q": "Mar\x00"})),
        ("note", lambda: post(as_nurse, f"/flags/{flag_id}/resolve", {"note": "done\x00"})),
        ("body", lambda: post(as_nurse, f"/patients/{patient_id}/message",
                              {"body": "hello\x00"})),
        ("file (file name)", lambda: post(as_nurse, "/enrol/import", {
            "file": (io.BytesIO(csv_ok), "list\x00.csv")}, content_type="multipart/form-data")),
        ("action", lambda: as_nurse.get("/admin/audit?action=user.login%00")),
        ("email", lambda: as_nurse.post("/login", data={"email": "a\x00@b.example",
                                                        "password": "x"})),
    ]
    for field, attempt in attempts:
        response = attempt()
        assert response.status_code == 400, field
        text = response.get_data(as_text=True)
        assert "control character" in text and field in text.replace("&#34;", '"'), field
        assert _stored(svc) == before, field
    content = post(as_nurse, "/enrol/import", {"file": (io.BytesIO(csv_ok + b"+1312\x00,B,x\n"),
                                                        "list.csv")},
                   content_type="multipart/form-data")
    assert content.status_code == 400
    assert "Line 3 of the file contains a control character (U+0000)" in content.get_data(
        as_text=True)
    assert _stored(svc) == before


def test_every_route_refuses_a_control_character_in_its_query(as_admin, svc, north,
                                                               enrol_patient):
    """Once, for every route, not form by form."""
    app = as_admin.application
    ids = _ids(app.test_client(), svc, north, enrol_patient)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("twilio."):
            continue  # a patient's text is never refused for an odd character
        path = app.url_map.bind("localhost").build(rule.endpoint, {a: ids.get(a, 1) for a in
                                                                 rule.arguments})
        method = _method(rule)
        response = as_admin.open(path, method=method, query_string={"x": "\x1b[31m"},
                                 headers=north.auth if path.startswith("/api/") else {})
        assert response.status_code == 400, path
        assert "U+001B" in response.get_data(as_text=True), path


# -- staff logins: common passwords, other clinics' addresses (items 11, 16) -------------
def test_common_and_trivial_passwords_are_refused(as_admin):
    from web.staffkit import post

    for weak in ("password1234", "aaaaaaaaaaaa", "iloveyou2024!", "123456789012",
                 "qwertyuiopas", "abcdabcdabcd"):
        response = post(as_admin, "/admin/staff", {"email": "new@north.example",
                                                   "role": "nurse", "password": weak})
        assert response.status_code == 400, weak
        text = response.get_data(as_text=True)
        assert "most common passwords" in text or "too simple" in text, weak
    ok = post(as_admin, "/admin/staff", {"email": "new@north.example", "role": "nurse",
                                         "password": "lantern oyster gravel"})
    assert ok.status_code == 302


def test_the_bundled_list_is_the_20000_commonest():
    from followup.staff.accounts import common_passwords, password_problem

    words = common_passwords()
    assert len(words) > 19_000 and "password" in words and "password1234" in words
    assert password_problem("Password1234") is not None  # case does not help


def test_an_address_taken_at_another_clinic_is_not_revealed(as_admin, svc, south_nurse):
    from followup.models import AuditEvent
    from web.staffkit import post

    elsewhere = post(as_admin, "/admin/staff", {"email": south_nurse.email, "role": "nurse",
                                                "password": "lantern oyster gravel"})
    here = post(as_admin, "/admin/staff", {"email": "admin@north.example", "role": "nurse",
                                           "password": "lantern oyster gravel"})
    assert elsewhere.status_code == here.status_code == 400

    def error(response: Any) -> str:
        import re

        found = re.search(r'id="email-error">(.*?)</p>', response.get_data(as_text=True), re.S)
        assert found
        return found.group(1)

    assert error(elsewhere) == error(here)
    assert "already exists" not in error(elsewhere)  # it says what to do, not what exists
    text = elsewhere.get_data(as_text=True)
    assert "South" not in text and "south" not in text.replace(south_nurse.email, "")
    with svc.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "user.create_refused")) == 2


def test_json_at_any_depth_is_checked_and_too_deep_is_refused(client, north):
    for depth, words in ((900, "control character"), (5000, "nested too deeply")):
        body = '{"note":' + "[" * depth + '"x\\u0000"' + "]" * depth + "}"
        response = client.post("/api/flags/1/resolve", data=body, headers=north.auth,
                               content_type="application/json")
        assert response.status_code == 400, depth
        assert words in response.get_json()["error"], depth
