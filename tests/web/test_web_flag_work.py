"""Working the queue: escalation you can see, a session that warns before it
ends and a page that keeps counting after, flags worked together (who holds
it, assignment, filters), notes and calls, quick replies, the audit filter."""

from __future__ import annotations

import re

from factories import text_in_ok, way_out
from sqlalchemy import select

from followup.models import AuditEvent, Checkin, Clinic, Flag, PatientNote
from web.staffkit import login, make_user, post

LADDER = [{"name": "Dr Lee", "phone": "+13125550181"}, "+13125550182"]


def set_ladder(svc, clinic, ladder) -> None:
    with svc.sessions() as s:
        s.get(Clinic, clinic.id).oncall_phones = ladder
        s.commit()


def card(page: str, name: str) -> str:
    """The queue card (or patient-page flag) showing this patient."""
    for li in re.findall(r'<li class="flag.*?</li>\s*(?=<li class="flag|</ol>)', page, re.S):
        if f">{name}<" in li:
            return li
    raise AssertionError(f"no flag for {name}")


# -- A. escalation you can see --------------------------------------------------------------
def test_no_on_call_ladder_is_said_on_the_queue_and_on_each_emergency(
        as_nurse, north, enrol_patient, clock):
    enrol_patient(north.clinic)
    text_in_ok(as_nurse, "my chest hurts and I can't breathe", "SM" + "1" * 32)
    page = as_nurse.get("/").get_data(as_text=True)
    assert 'id="no-oncall"' in page and "will not be texted to anyone" in page
    flag = card(page, "Maria")
    assert "On-call not set: nobody will be texted" in flag
    assert "OVERDUE" not in flag
    clock.advance(minutes=6)  # past the 5-minute limit for an emergency
    flag = card(as_nurse.get("/queue/fragment").get_data(as_text=True), "Maria")
    assert "OVERDUE" in flag and "more than 5 min unacknowledged" in flag
    assert "is-overdue" in flag


def test_the_queue_says_who_is_paged_when_and_who_is_next(
        as_nurse, nurse, north, enrol_patient, clock, svc, sms):
    set_ladder(svc, north.clinic, LADDER)
    enrol_patient(north.clinic)
    text_in_ok(as_nurse, "my chest hurts and I can't breathe", "SM" + "2" * 32)
    page = as_nurse.get("/").get_data(as_text=True)
    assert 'id="no-oncall"' not in page
    # T0 is 15:00 in Chicago; an emergency pages after 5 minutes.
    assert "Pages Dr Lee at 15:05" in card(page, "Maria")
    clock.advance(minutes=5)
    assert "Pages Dr Lee now" in card(as_nurse.get("/queue/fragment").get_data(as_text=True),
                                      "Maria")
    from followup.care.escalation import Escalator

    Escalator(settings=svc.settings, sessions=svc.sessions, clock=clock,
              outbound=way_out(svc, sms, clock)).run_once()
    assert sms.sent[-1].to == "+13125550181"
    login(as_nurse, nurse.email)
    flag = card(as_nurse.get("/").get_data(as_text=True), "Maria")
    # The second rung has no name: its number is shown the way people write it.
    assert "Paged Dr Lee 15:05, next (312) 555-0182 15:15" in flag
    assert "OVERDUE" not in flag  # exactly at the limit, not past it
    with svc.sessions() as s:
        patient_id = s.scalar(select(Flag.patient_id))
    history = as_nurse.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert "Paged Dr Lee 15:05" in history and "paged on-call" in history
    # Acknowledged: nobody is paged any more and the line goes.
    flag_id = int(re.search(r'data-flag-id="(\d+)"', flag).group(1))
    post(as_nurse, f"/flags/{flag_id}/acknowledge")
    assert "Paged Dr Lee" not in as_nurse.get("/").get_data(as_text=True)


def test_admin_sets_a_named_on_call_ladder(as_admin, svc, north):
    saved = post(as_admin, "/admin/settings", {
        "emergency_number": "911",
        "oncall_phones": "Dr Lee, (312) 555-0181\nKim: +1 312 555 0182\n+13125550183"})
    assert saved.status_code == 302
    with svc.sessions() as s:
        assert s.get(Clinic, north.clinic.id).oncall_phones == [
            {"name": "Dr Lee", "phone": "+13125550181"},
            {"name": "Kim", "phone": "+13125550182"}, "+13125550183"]
    form = as_admin.get("/admin/settings").get_data(as_text=True)
    assert "Dr Lee, +13125550181\nKim, +13125550182\n+13125550183" in form
    bad = post(as_admin, "/admin/settings", {"emergency_number": "911",
                                             "oncall_phones": "Dr Lee, 555"})
    assert bad.status_code == 400 and "line 1" in bad.get_data(as_text=True)


def test_the_demo_pages_an_on_call_ladder(svc, sms, clock):
    from followup.care.escalation import Escalator
    from followup.care.flags import open_flag
    from followup.demo import seed
    from followup.models import Patient

    with svc.sessions() as s:
        seed(s, svc)
        s.commit()
        clinic = s.scalar(select(Clinic))
        patient = s.scalar(select(Patient))
        open_flag(s, clinic_id=clinic.id, patient_id=patient.id, level="emergency",
                  reason="triage", now=clock.now())
        s.commit()
    clock.advance(minutes=6)
    Escalator(settings=svc.settings, sessions=svc.sessions, clock=clock,
              outbound=way_out(svc, sms, clock)).run_once()
    assert [t.to for t in sms.sent[-1:]] == ["+13125550181"]


# -- B. the session warns, then the page keeps counting -------------------------------------
def test_polling_reports_the_time_left_and_does_not_extend_it(as_nurse, clock, svc):
    idle = svc.settings.web.session_idle_minutes * 60
    first = as_nurse.get("/queue/fragment", headers={"X-Requested-With": "fetch"})
    assert int(first.headers["X-Idle-Seconds-Left"]) == idle
    clock.advance(minutes=10)
    later = as_nurse.get("/queue/fragment", headers={"X-Requested-With": "fetch"})
    assert int(later.headers["X-Idle-Seconds-Left"]) == idle - 600
    # "Stay signed in" is a person acting: the clock starts again.
    stay = post(as_nurse, "/session/keepalive", headers={"X-Requested-With": "fetch"})
    assert stay.get_json() == {"idle_seconds_left": idle}
    clock.advance(minutes=svc.settings.web.session_idle_minutes + 1)
    gone = as_nurse.get("/queue/fragment", headers={"X-Requested-With": "fetch"})
    assert gone.status_code == 401 and "without activity" in gone.get_json()["error"]


def _pager_token(client) -> str:
    page = client.get("/").get_data(as_text=True)
    return re.search(r'data-pager-token="([^"]+)"', page).group(1)


def test_a_signed_out_page_learns_counts_and_nothing_else(
        as_nurse, nurse, north, south, enrol_patient, clock, svc, client):
    enrol_patient(north.clinic)
    enrol_patient(south.clinic, phone="+13125550777", first_name="Sofia")
    token = _pager_token(as_nurse)
    text_in_ok(as_nurse, "my chest hurts and I can't breathe", "SM" + "3" * 32)
    text_in_ok(as_nurse, "I have a question", "SM" + "4" * 32)
    text_in_ok(as_nurse, "my chest hurts", "SM" + "5" * 32, from_="+13125550777",
            to="+13125550299")
    clock.advance(minutes=svc.settings.web.session_idle_minutes + 1)
    assert as_nurse.get("/queue/fragment", headers={"X-Requested-With": "fetch"}
                        ).status_code == 401
    # No session, no token: nothing.
    assert client.get("/queue/waiting").status_code == 401
    assert client.get("/queue/waiting", headers={"X-Pager-Token": "forged"}).status_code == 401
    resp = client.get("/queue/waiting", headers={"X-Pager-Token": token})
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    # North's counts only (south's emergency is not there), and no names or ids.
    assert resp.get_json() == {"emergency": 1, "urgent": 0, "routine": 1}
    assert "Maria" not in resp.get_data(as_text=True)
    # A token in the URL is not read (URLs end up in logs).
    assert client.get(f"/queue/waiting?token={token}").status_code == 401
    # Tokens are short-lived.
    clock.advance(hours=svc.settings.web.pager_hours)
    assert client.get("/queue/waiting", headers={"X-Pager-Token": token}).status_code == 401


def test_a_pager_token_is_not_a_search_token_and_dies_with_its_user(
        as_nurse, nurse, north, svc, client):
    token = _pager_token(as_nurse)
    assert client.get("/queue/waiting", headers={"X-Pager-Token": token}).status_code == 200
    assert as_nurse.get(f"/patients?s={token}").get_data(as_text=True).count(
        "That search has expired") == 1
    from followup.models import User

    with svc.sessions() as s:
        s.delete(s.get(User, nurse.id))
        s.commit()
    assert client.get("/queue/waiting", headers={"X-Pager-Token": token}).status_code == 401


def test_a_disabled_nurses_pager_token_shows_nothing(as_nurse, nurse, svc, client, clock):
    from followup.models import User
    from followup.staff.accounts import disable_user

    token = _pager_token(as_nurse)
    assert client.get("/queue/waiting", headers={"X-Pager-Token": token}).status_code == 200
    with svc.sessions() as s:
        disable_user(s, s.get(User, nurse.id), actor="cli", now=clock.now())
        s.commit()
    assert client.get("/queue/waiting", headers={"X-Pager-Token": token}).status_code == 401


def test_every_sign_in_is_audited(client, nurse, svc):
    login(client, nurse.email)
    login(client, nurse.email)
    with svc.sessions() as s:
        logins = s.scalars(select(AuditEvent).where(AuditEvent.action == "user.login")).all()
    assert [(e.actor, e.target_id) for e in logins] == [(f"user:{nurse.id}", nurse.id)] * 2


# -- C. working a flag together ---------------------------------------------------------------
def test_acknowledging_a_flag_someone_holds_says_who_and_when(
        client, nurse, north, enrol_patient, svc, clock):
    kim = make_user(svc, north.clinic, "kim@north.example")
    enrol_patient(north.clinic)
    login(client, nurse.email)
    text_in_ok(client, "my chest hurts", "SM" + "6" * 32)
    flag_id = int(re.search(r'data-flag-id="(\d+)"', client.get("/").get_data(as_text=True)
                            ).group(1))
    post(client, f"/flags/{flag_id}/acknowledge")
    clock.advance(minutes=3)
    login(client, kim.email)
    again = post(client, f"/flags/{flag_id}/acknowledge", {"back": "/"}, follow_redirects=True)
    page = again.get_data(as_text=True)
    assert "Already acknowledged by nurse@north.example at Tue 10 Nov 15:00" in page
    assert "Flag for Maria acknowledged" not in page
    with svc.sessions() as s:
        flag = s.get(Flag, flag_id)
        assert flag.acknowledged_by == f"user:{nurse.id}"
        assert flag.assigned_to == flag.acknowledged_by
    # The acknowledged card says how long it waited, and that number stays put.
    before = card(page, "Maria")
    clock.advance(minutes=30)
    login(client, kim.email)
    after = card(client.get("/").get_data(as_text=True), "Maria")
    assert "acknowledged after <span class=\"waited\">0 min</span>" in after
    assert re.search(r'class="waited">[^<]*<', before).group(0) == \
        re.search(r'class="waited">[^<]*<', after).group(0)


def test_assign_and_filter_the_queue(as_nurse, nurse, north, south, south_nurse,
                                     enrol_patient, svc, clock):
    kim = make_user(svc, north.clinic, "kim@north.example")
    enrol_patient(north.clinic, phone="+13125550123", first_name="Maria")
    enrol_patient(north.clinic, phone="+13125550124", first_name="Pablo", language="es")
    text_in_ok(as_nurse, "my chest hurts and I can't breathe", "SM" + "7" * 32)
    clock.advance(minutes=2)
    text_in_ok(as_nurse, "tengo una pregunta", "SM" + "8" * 32, from_="+13125550124")
    page = as_nurse.get("/").get_data(as_text=True)
    maria = int(re.search(r'data-flag-id="(\d+)"', card(page, "Maria")).group(1))
    pablo = int(re.search(r'data-flag-id="(\d+)"', card(page, "Pablo")).group(1))
    done = post(as_nurse, f"/flags/{pablo}/assign", {"assignee": f"user:{kim.id}"},
                follow_redirects=True).get_data(as_text=True)
    assert "Pablo&#39;s flag is now assigned to kim@north.example." in done
    assert post(as_nurse, f"/flags/{maria}/assign", {"assignee": "me"}).status_code == 302
    # Another clinic's nurse cannot be given a flag.
    refused = post(as_nurse, f"/flags/{maria}/assign", {"assignee": f"user:{south_nurse.id}"},
                   follow_redirects=True).get_data(as_text=True)
    assert "Not assigned: choose a person from your clinic." in refused

    def names(query: str) -> list[str]:
        html = as_nurse.get("/queue/fragment?" + query).get_data(as_text=True)
        return re.findall(r'class="patient-name"[^>]*>([^<]+)<', html)

    assert names("") == ["Maria", "Pablo"]
    assert names("assignee=mine") == ["Maria"]
    assert names(f"assignee=user:{kim.id}") == ["Pablo"]
    assert names("assignee=unassigned") == []
    assert names("level=emergency") == ["Maria"]
    assert names("reason=question") == ["Pablo"]
    assert names("language=es") == ["Pablo"]
    assert names("sort=newest") == ["Pablo", "Maria"]
    assert names("sort=oldest") == ["Maria", "Pablo"]
    assert names("level=nonsense") == ["Maria", "Pablo"]  # an unknown value means any
    # The page keeps the filters in its poll URL and in every form's way back.
    page = as_nurse.get("/?language=es").get_data(as_text=True)
    assert 'data-poll-url="/queue/fragment?language=es"' in page
    assert 'name="back" value="/?language=es"' in page
    with svc.sessions() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "flag.assign")).all()
    assert [e.detail["to"] for e in events] == [f"user:{kim.id}", f"user:{nurse.id}"]
    # Acknowledging a flag assigned to a colleague leaves it theirs, and says so.
    acked = post(as_nurse, f"/flags/{pablo}/acknowledge", follow_redirects=True)
    assert ("Flag for Pablo acknowledged. It stays assigned to kim@north.example."
            in acked.get_data(as_text=True))


def test_notes_and_calls_are_kept_apart_from_flags(as_nurse, nurse, north, enrol_patient, svc):
    patient_id = enrol_patient(north.clinic)
    text_in_ok(as_nurse, "my chest hurts", "SM" + "9" * 32)
    call = post(as_nurse, f"/patients/{patient_id}/notes",
                {"kind": "call", "outcome": "no_answer", "body": "rang twice"},
                follow_redirects=True).get_data(as_text=True)
    assert "Call logged." in call and "Call: no answer" in call and "rang twice" in call
    note = post(as_nurse, f"/patients/{patient_id}/notes", {"kind": "note", "body": "  "})
    assert note.status_code == 400 and "Not saved: the note is empty." in note.get_data(
        as_text=True)
    no_outcome = post(as_nurse, f"/patients/{patient_id}/notes", {"kind": "call", "body": "x"})
    assert no_outcome.status_code == 400 and "how the call went" in no_outcome.get_data(
        as_text=True)
    with svc.sessions() as s:
        notes = s.scalars(select(PatientNote)).all()
        assert [(n.kind, n.outcome, n.author) for n in notes] == [
            ("call", "no_answer", f"user:{nurse.id}")]
        assert s.scalar(select(Flag.status)) == "open"  # a note resolves nothing
        audit = s.scalar(select(AuditEvent).where(AuditEvent.action == "patient.note"))
        assert audit.target_id == patient_id and "rang" not in str(audit.detail)


def test_quick_replies_in_the_patients_language_from_the_queue(
        as_nurse, nurse, north, enrol_patient, svc, sms):
    enrol_patient(north.clinic, phone="+13125550124", first_name="Pablo", language="es")
    text_in_ok(as_nurse, "tengo una pregunta", "SM" + "a" * 32, from_="+13125550124")
    page = as_nurse.get("/").get_data(as_text=True)
    flag = card(page, "Pablo")
    assert "Llámenos" in flag and "Please call us" not in flag
    patient_id = int(re.search(r'/patients/(\d+)/quick-reply', flag).group(1))
    sent = post(as_nurse, f"/patients/{patient_id}/quick-reply", {"reply": "d1", "back": "/"},
                follow_redirects=True).get_data(as_text=True)
    assert "Quick reply “Llámenos” queued for Pablo: it goes out within a minute" in sent
    svc.dispatcher().run_once()
    assert sms.sent[-1].body == ("Hola Pablo, le escribimos de su clínica de infusión. Por favor "
                                 "llámenos cuando pueda al (312) 555-0100.")
    with svc.sessions() as s:
        assert s.scalar(select(Checkin.created_by).where(Checkin.kind == "staff")) == \
            f"user:{nurse.id}"
    assert post(as_nurse, f"/patients/{patient_id}/quick-reply", {"reply": "nope"},
                follow_redirects=True).get_data(as_text=True).count("Not sent") == 1


def test_a_clinic_edits_its_quick_replies(as_admin, north, enrol_patient, svc):
    patient_id = enrol_patient(north.clinic)
    saved = post(as_admin, "/admin/quick-replies", {
        "language": "en", "title": ["Lab results", ""],
        "body": ["Hi {first_name}, your lab results are in. Call {clinic_phone}.", ""]})
    assert saved.status_code == 302
    page = as_admin.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert "Lab results" in page and "Please call us" not in page
    bad = post(as_admin, "/admin/quick-replies", {
        "language": "en", "title": ["Oops"], "body": ["Hi {name}, call us."]})
    assert bad.status_code == 400 and "unknown placeholder {name}" in bad.get_data(as_text=True)
    long = post(as_admin, "/admin/quick-replies", {
        "language": "en", "title": ["Long"], "body": ["word " * 70]})
    assert long.status_code == 400 and "SMS segments" in long.get_data(as_text=True)
    post(as_admin, "/admin/quick-replies", {"language": "en", "restore": "1"})
    assert "Please call us" in as_admin.get(f"/patients/{patient_id}").get_data(as_text=True)
    with svc.sessions() as s:
        changes = s.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "clinic.quick_replies")).all()
    assert changes == [{"language": "en", "count": 1}, {"language": "en", "count": 0}]


# -- D. the audit filter --------------------------------------------------------------------
def test_audit_filters_by_friendly_action_person_patient_and_date(
        as_admin, admin, north, enrol_patient, svc, clock, client):
    maria = enrol_patient(north.clinic)
    omar = enrol_patient(north.clinic, phone="+13125550124", first_name="Omar")
    as_admin.get(f"/patients/{maria}")
    clock.advance(days=2)
    login(as_admin, admin.email)
    as_admin.get(f"/patients/{omar}")
    page = as_admin.get("/admin/audit").get_data(as_text=True)
    assert "<option value=\"patient.view\" >Opened a patient</option>" in page

    def rows(query: str) -> list[str]:
        html = as_admin.get("/admin/audit?" + query).get_data(as_text=True)
        table = html.split('id="audit-table"')[1].split("</table>")[0]
        return re.findall(r"<tr>\s*<td>[^<]*</td>\s*<td>[^<]*</td>\s*<td>([^<]*)</td>\s*"
                          r"<td>(?:<a [^>]*>)?([^<]*)", table)

    assert rows("action=patient.view") == [("Opened a patient", f"patient {omar}"),
                                           ("Opened a patient", f"patient {maria}")]
    assert rows(f"patient={maria}") == [("Opened a patient", f"patient {maria}")]
    assert rows("action=patient.view&from=2026-11-12") == [
        ("Opened a patient", f"patient {omar}")]
    assert rows("action=patient.view&to=2026-11-10") == [
        ("Opened a patient", f"patient {maria}")]
    assert {a for a, _ in rows(f"person=user:{admin.id}")} == {"Opened a patient", "Signed in"}
    assert "1 event," in as_admin.get(f"/admin/audit?patient={maria}").get_data(as_text=True)
    bad = as_admin.get("/admin/audit?from=30/11/2026").get_data(as_text=True)
    assert "Filter ignored, from: a date such as 2026-11-30." in bad
