"""Enrolling from the web (form and CSV), metrics, the audit log and admin pages."""

from __future__ import annotations

import io
import re

from conftest import post_twilio
from factories import enrol_in_db
from sqlalchemy import func, select

from followup.models import ApiToken, AuditEvent, Clinic, CsvImport, Patient, User
from followup.staff.tokens import hash_token
from web.staffkit import PASSWORD, login, post


def _count(svc, model) -> int:
    with svc.sessions() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


# -- the form ----------------------------------------------------------------------
def test_enrol_form_enrols_in_the_clinic_time_zone(as_admin, svc, north):
    resp = post(as_admin, "/enrol", {
        "first_name": "Maria", "phone": "(312) 555-0123", "infusion_at": "2026-11-10T14:00",
        "language": "es", "product": "Privigen", "lot": "P100234", "first_infusion": "on"})
    assert resp.status_code == 302
    page = as_admin.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Maria is enrolled" in page and "P100234" in page
    with svc.sessions() as s:
        patient = s.scalar(select(Patient))
        assert patient.phone == "+13125550123" and patient.language == "es"
        # 14:00 in Chicago (UTC-6) is 20:00 UTC.
        assert patient.infusions[0].ended_at.hour == 20
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "enrollment.create"))


def test_enrol_form_shows_the_apis_messages_next_to_each_field(as_admin, svc, north):
    resp = post(as_admin, "/enrol", {"first_name": "", "phone": "12", "infusion_at": "",
                                     "timezone": "Mars/Olympus"})
    assert resp.status_code == 400
    page = resp.get_data(as_text=True)
    api = as_admin.post("/api/enrollments", headers=north.auth, json={
        "first_name": "", "phone": "12", "timezone": "Mars/Olympus"}).get_json()["fields"]
    for field in ("first_name", "phone", "infusion_at", "timezone"):
        match = re.search(rf'id="{field}-error">.*?</span> (.*?)</p>', page, re.S)
        assert match, field
        assert match.group(1).replace("&#39;", "'") == api[field], field
    assert 'value="Mars/Olympus"' in page  # what was typed is kept
    assert _count(svc, Patient) == 0


def test_enrol_form_refuses_an_infusion_too_far_back(as_admin, svc):
    resp = post(as_admin, "/enrol", {"first_name": "Ann", "phone": "3125550123",
                                     "infusion_at": "2026-10-01T10:00"})
    assert resp.status_code == 400
    assert "more than 14 days ago" in resp.get_data(as_text=True)


# -- CSV ---------------------------------------------------------------------------
GOOD = "+13125550123,Maria,2026-11-10T14:00:00-06:00,,en,Privigen,P100234,yes,MRN1\n"
BAD = "+1312,Sam,yesterday,,fr,,,maybe,\n"
HEADER = "phone,first_name,infusion_at,timezone,language,product,lot,first_infusion,external_id\n"


def _upload(client, content: str, name: str = "patients.csv"):
    return post(client, "/enrol/import",
                {"file": (io.BytesIO(content.encode()), name)},
                content_type="multipart/form-data")


def test_sample_file_is_a_valid_import(as_admin, svc, clock):
    sample = as_admin.get("/enrol/sample.csv")
    assert sample.status_code == 200 and sample.mimetype == "text/csv"
    assert sample.get_data(as_text=True).splitlines()[0] == HEADER.strip()


def test_csv_preview_names_bad_rows_by_line_and_imports_nothing(as_admin, svc):
    content = HEADER + GOOD + BAD + GOOD.replace("0123", "0124").replace("Maria", "Omar")
    resp = _upload(as_admin, content)
    assert resp.status_code == 302
    page = as_admin.get(resp.headers["Location"]).get_data(as_text=True)
    assert "3 rows; 2 valid, 1 with errors" in page
    table = page.split('id="row-errors"')[1].split("</table>")[0]
    for field in ("phone", "infusion_at", "language", "first_infusion"):
        assert re.search(rf"<td>3</td><td>{field}</td>", table), field
    import_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    # Importing without choosing "only the valid rows" is refused: nothing enrolled.
    refused = post(as_admin, f"/enrol/import/{import_id}/chunk",
                   headers={"X-Requested-With": "fetch"})
    assert refused.status_code == 409 and "Nothing was imported" in refused.get_json()["error"]
    assert _count(svc, Patient) == 0


def test_csv_import_of_the_valid_rows_in_chunks(as_admin, svc):
    rows = "".join(GOOD.replace("0123", f"0{100 + i}").replace("Maria", f"P{i}")
                   for i in range(60))
    resp = _upload(as_admin, HEADER + rows + BAD)
    import_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    progress = []
    while True:
        step = post(as_admin, f"/enrol/import/{import_id}/chunk", {"valid_only": "1"})
        assert step.status_code == 200
        progress.append(step.get_json()["done"])
        if step.get_json()["status"] == "done":
            break
    assert progress == [25, 50, 61]
    assert step.get_json()["imported"] == 60
    assert _count(svc, Patient) == 60
    with svc.sessions() as s:
        imp = s.get(CsvImport, import_id)
        assert imp.content is None and imp.done_rows == 61
    page = as_admin.get(f"/enrol/import/{import_id}").get_data(as_text=True)
    assert "Imported: 60 patients enrolled" in page


def test_csv_import_without_javascript(as_admin, svc):
    resp = _upload(as_admin, HEADER + GOOD)
    import_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    done = post(as_admin, f"/enrol/import/{import_id}/run", follow_redirects=True)
    assert "Import finished: 1 patient enrolled." in done.get_data(as_text=True)
    assert _count(svc, Patient) == 1


def test_csv_errors_are_listed_once_and_a_repeated_line_is_not_counted(as_admin, svc):
    other = GOOD.replace("0123", "0124").replace("Maria", "Omar")
    resp = _upload(as_admin, HEADER + GOOD + BAD + other + GOOD)
    import_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    page = as_admin.get(resp.headers["Location"]).get_data(as_text=True)
    # Line 5 repeats line 2: an error, so 4 rows are 2 valid, not 3.
    assert "4 rows; 2 valid, 2 with errors" in page
    assert "repeats line 2" in page
    done = post(as_admin, f"/enrol/import/{import_id}/run", {"valid_only": "1"},
                follow_redirects=True).get_data(as_text=True)
    assert "Import finished: 2 patients enrolled." in done
    assert _count(svc, Patient) == 2
    table = done.split('id="row-errors"')[1].split("</table>")[0]
    # Each problem once, after the import as before it.
    for field in ("phone", "infusion_at", "language", "first_infusion"):
        assert len(re.findall(rf"<td>3</td><td>{field}</td>", table)) == 1, field
    assert table.count("repeats line 2") == 1
    # The same file again: nothing new, and the page says so rather than "2 enrolled".
    again = _upload(as_admin, HEADER + GOOD)
    again_id = int(again.headers["Location"].rsplit("/", 1)[1])
    page = post(as_admin, f"/enrol/import/{again_id}/run", follow_redirects=True
                ).get_data(as_text=True)
    assert "Import finished: 0 patients enrolled." in page and "already enrolled" in page


def test_csv_takes_spreadsheet_headers_us_dates_and_local_times(as_admin, svc):
    content = ("First Name,Phone Number,Infusion Date,Language,MRN,First Infusion\n"
               "Maria,(312) 555-0123,11/10/2026 14:00,en,MR-1,yes\n"
               "Omar,312-555-0124,11/10/2026 2:30 PM,es,MR-2,no\n"
               "Lena,3125550125,2026-11-10 13:15,en,MR-3,no\n"
               "Bad,3125550126,31/10/2026 14:00,en,MR-4,no\n")
    resp = _upload(as_admin, content)
    assert resp.status_code == 302
    page = as_admin.get(resp.headers["Location"]).get_data(as_text=True)
    assert "4 rows; 3 valid, 1 with errors" in page
    assert re.search(r"<td>5</td><td>infusion_at</td><td>not a date and time: write it as "
                     r"MM/DD/YYYY HH:MM", page)
    import_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    post(as_admin, f"/enrol/import/{import_id}/run", {"valid_only": "1"})
    with svc.sessions() as s:
        ended = {p.first_name: (p.external_id, p.infusions[0].ended_at.isoformat())
                 for p in s.scalars(select(Patient))}
    # Chicago is UTC-6 in November: times without an offset are the clinic's.
    assert ended == {"Maria": ("MR-1", "2026-11-10T20:00:00+00:00"),
                     "Omar": ("MR-2", "2026-11-10T20:30:00+00:00"),
                     "Lena": ("MR-3", "2026-11-10T19:15:00+00:00")}


def test_csv_file_level_errors(as_admin):
    wrong_column = _upload(as_admin, "phone,name\n+13125550123,Maria\n")
    assert wrong_column.status_code == 400
    assert "Unknown column &#39;name&#39;" in wrong_column.get_data(as_text=True)
    not_utf8 = post(as_admin, "/enrol/import",
                    {"file": (io.BytesIO("phone\n\xe9".encode("latin-1")), "x.csv")},
                    content_type="multipart/form-data")
    assert "not UTF-8" in not_utf8.get_data(as_text=True)
    assert _upload(as_admin, "").status_code == 400


def test_another_clinics_import_is_404(client, svc, admin, south):
    from web.staffkit import make_user
    other = make_user(svc, south.clinic, "admin@south.example", "admin")
    login(client, admin.email)
    resp = _upload(client, HEADER + GOOD)
    import_id = int(resp.headers["Location"].rsplit("/", 1)[1])
    login(client, other.email)
    assert client.get(f"/enrol/import/{import_id}").status_code == 404
    assert post(client, f"/enrol/import/{import_id}/chunk", {"valid_only": "1"}).status_code == 404


# -- metrics -----------------------------------------------------------------------------
def test_metrics_numbers(as_admin, admin, svc, north, clock):

    def enrol(phone: str, lot: str) -> None:
        enrol_in_db(svc, north.clinic, phone=phone, first_name="X", lot=lot,
                    first_infusion=False)

    for i in range(5):
        enrol(f"+1312555020{i}", "BAD1")
        enrol(f"+1312555030{i}", "GOOD1")
    enrol("+13125550400", "ONE1")  # one infusion, two worried answers: not a signal
    clock.advance(hours=2)
    svc.dispatcher().run_once()
    answers = [("+13125550200", "my head hurts a lot, worst headache"),
               ("+13125550201", "my leg is swollen"), ("+13125550202", "bad headache"),
               ("+13125550203", "I have a rash"), ("+13125550300", "all good"),
               ("+13125550301", "all good"), ("+13125550400", "my leg is swollen"),
               ("+13125550400", "and a bad headache")]
    for n, (phone, body) in enumerate(answers):
        post_twilio(as_admin, "/twilio/inbound", {"From": phone, "To": "+13125550199",
                                                   "Body": body, "MessageSid": f"SM{n:032d}"})
    login(as_admin, admin.email)
    clock.advance(minutes=10)
    page = as_admin.get("/").get_data(as_text=True)
    flag_id = re.search(r'data-flag-id="(\d+)"', page).group(1)
    post(as_admin, f"/flags/{flag_id}/acknowledge")
    clock.advance(minutes=10)
    post(as_admin, f"/flags/{flag_id}/resolve", {"note": "called"})
    m = as_admin.get("/metrics").get_data(as_text=True)
    # 11 same-day check-ins sent, 7 answered: 63.6 % is 64 % in the table and the chart.
    assert re.search(r"<td>Same day</td><td>11</td><td>7</td><td>64%</td>", m)
    assert "64% (7/11)" in m and "63%" not in m
    assert '<span class="stat-value" id="median-ack">10 min</span>' in m
    assert '<span class="stat-value" id="median-resolve">20 min</span>' in m
    lots = m.split('id="lots-table"')[1]
    assert lots.index("BAD1") < lots.index("GOOD1")
    assert lots.count("stands out") == 1
    assert "stands out" in lots.split("BAD1")[0] + lots.split("BAD1")[1].split("</tr>")[0]
    one = lots.split("ONE1")[1].split("</tr>")[0]
    assert "stands out" not in lots.split("ONE1")[0].split("<tr")[-1] + one
    assert "at least 5 infusions and 3 reactions" in m
    assert "<svg" in m


# -- audit and admin ----------------------------------------------------------------------------
def test_audit_log_lists_staff_actions_and_views(as_admin, admin, north, svc):
    post(as_admin, "/enrol", {"first_name": "Maria", "phone": "3125550123",
                              "infusion_at": "2026-11-10T14:00"})
    with svc.sessions() as s:
        patient_id = s.scalar(select(Patient.id))
    as_admin.get(f"/patients/{patient_id}")
    page = as_admin.get("/admin/audit").get_data(as_text=True)
    assert "patient.view" in page and "enrollment.create" in page and "user.login" in page
    assert admin.email in page
    filtered = as_admin.get("/admin/audit?action=patient.view").get_data(as_text=True)
    assert "enrollment.create" not in filtered.split('id="audit-table"')[1]


def test_admin_creates_a_nurse_who_can_sign_in(as_admin, client, svc):
    weak = post(as_admin, "/admin/staff", {"email": "new@north.example", "role": "nurse",
                                           "password": "short"})
    assert weak.status_code == 400 and "at least 12 characters" in weak.get_data(as_text=True)
    made = post(as_admin, "/admin/staff", {"email": "New@North.example", "role": "nurse",
                                           "password": PASSWORD}, follow_redirects=True)
    assert "Created nurse login new@north.example" in made.get_data(as_text=True)
    with svc.sessions() as s:
        user = s.scalar(select(User).where(User.email == "new@north.example"))
        assert user.password_hash.startswith("scrypt:")
    dup = post(as_admin, "/admin/staff", {"email": "new@north.example", "role": "nurse",
                                          "password": PASSWORD})
    assert "cannot be used for a new login" in dup.get_data(as_text=True)
    fresh = client.application.test_client()
    assert login(fresh, "new@north.example").status_code == 302


def test_token_is_shown_once_and_can_be_revoked(as_admin, svc, north):
    made = post(as_admin, "/admin/tokens", {"name": "EHR"})
    token = re.search(r'id="new-token" class="token">([^<]+)<', made.get_data(as_text=True))
    assert token and made.headers["Cache-Control"] == "no-store"
    assert as_admin.get("/api/flags", headers={
        "Authorization": f"Bearer {token.group(1)}"}).status_code == 200
    assert token.group(1) not in as_admin.get("/admin/tokens").get_data(as_text=True)
    with svc.sessions() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token.group(1))))
    post(as_admin, f"/admin/tokens/{row.id}/revoke")
    assert as_admin.get("/api/flags", headers={
        "Authorization": f"Bearer {token.group(1)}"}).status_code == 401
    with svc.sessions() as s:
        actions = s.scalars(select(AuditEvent.action)).all()
    assert "token.create" in actions and "token.revoke" in actions


def test_clinic_settings(as_admin, svc, north):
    bad = post(as_admin, "/admin/settings", {"emergency_number": "call us",
                                             "oncall_phones": "+13125550111\nnope",
                                             "digest_channel": "email"})
    assert bad.status_code == 400
    page = bad.get_data(as_text=True)
    assert "line 2" in page and "needed for an email digest" in page
    ok = post(as_admin, "/admin/settings", {
        "emergency_number": "112", "show_product_in_texts": "on",
        "oncall_phones": "(312) 555-0111\n+13125550112", "digest_channel": "email",
        "contact_email": "ward@north.example", "digest_time": "07:00"}, follow_redirects=True)
    assert "Settings saved" in ok.get_data(as_text=True)
    with svc.sessions() as s:
        clinic = s.get(Clinic, north.clinic.id)
        assert clinic.emergency_number == "112" and clinic.show_product_in_texts
        assert clinic.oncall_phones == ["+13125550111", "+13125550112"]
        assert (clinic.digest_channel, clinic.digest_time) == ("email", "07:00")
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "clinic.settings"))
        assert "oncall_phones" in event.detail["changed"]


def test_a_nurse_enrols_but_cannot_reach_the_admin_pages(as_nurse, svc):
    resp = post(as_nurse, "/enrol", {"first_name": "Ann", "phone": "3125550177",
                                     "infusion_at": "2026-11-10T13:00", "language": "en"})
    assert resp.status_code == 302
    assert "Ann" in as_nurse.get(resp.headers["Location"]).get_data(as_text=True)
    assert as_nurse.get("/admin/staff").status_code == 403
