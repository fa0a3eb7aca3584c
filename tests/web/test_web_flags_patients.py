"""The flag queue and the patient timeline, as a nurse uses them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from factories import text_in_ok
from sqlalchemy import select

from followup.models import AuditEvent, Checkin, FlagEvent, Patient
from followup.patients.pause import pause
from web.staffkit import login, post


def test_queue_orders_by_level_then_age_and_shows_what_triggered(
        as_nurse, north, enrol_patient, clock):
    enrol_patient(north.clinic, phone="+13125550123", first_name="Maria")
    enrol_patient(north.clinic, phone="+13125550124", first_name="Omar")
    text_in_ok(as_nurse, "I have a question about my bill", "SM" + "a" * 32)
    clock.advance(minutes=5)
    text_in_ok(as_nurse, "my leg is swollen and painful", "SM" + "b" * 32, from_="+13125550124")
    clock.advance(minutes=5)
    text_in_ok(as_nurse, "my chest hurts and I can't breathe", "SM" + "c" * 32)
    page = as_nurse.get("/").get_data(as_text=True)
    levels = re.findall(r'data-level="(\w+)"', page)
    assert levels[0] == "emergency"
    assert levels == sorted(levels, key=["emergency", "urgent", "routine"].index)
    assert "my chest hurts and I can&#39;t breathe" in page
    assert "Maria" in page and "Omar" in page
    assert "matched" in page  # the words that triggered the finding
    assert "waiting" in page and "10 min" in page  # the oldest has waited 10 minutes


def test_fragment_has_new_flags_for_the_poller(as_nurse, north, enrol_patient):
    enrol_patient(north.clinic)
    before = as_nurse.get("/queue/fragment", headers={"X-Requested-With": "fetch"})
    assert "data-flag-id" not in before.get_data(as_text=True)
    text_in_ok(as_nurse, "my chest hurts", "SM" + "d" * 32)
    after = as_nurse.get("/queue/fragment", headers={"X-Requested-With": "fetch"})
    assert 'data-level="emergency"' in after.get_data(as_text=True)


def _flag_id(client) -> int:
    match = re.search(r'data-flag-id="(\d+)"', client.get("/").get_data(as_text=True))
    assert match
    return int(match.group(1))


def test_acknowledge_then_resolve_with_a_note(as_nurse, nurse, north, enrol_patient, svc):
    enrol_patient(north.clinic)
    text_in_ok(as_nurse, "my chest hurts", "SM" + "e" * 32)
    flag_id = _flag_id(as_nurse)
    acked = post(as_nurse, f"/flags/{flag_id}/acknowledge", {"back": "/"},
                 follow_redirects=True)
    page = acked.get_data(as_text=True)
    assert "acknowledged" in page and f"Acknowledged by {nurse.email}" in page
    refused = post(as_nurse, f"/flags/{flag_id}/resolve", {"note": "  "}, follow_redirects=True)
    assert "write a note" in refused.get_data(as_text=True)
    done = post(as_nurse, f"/flags/{flag_id}/resolve", {"note": "Called her; going to ER"},
                follow_redirects=True)
    assert f'data-flag-id="{flag_id}"' not in done.get_data(as_text=True)
    with svc.sessions() as s:
        events = s.scalars(select(FlagEvent).where(FlagEvent.flag_id == flag_id)).all()
        assert [(e.action, e.actor) for e in events][1:] == [
            ("acknowledged", f"user:{nurse.id}"), ("resolved", f"user:{nurse.id}")]
        assert events[-1].detail == "Called her; going to ER"


def test_another_clinics_ids_answer_404(client, south_nurse, north, enrol_patient):
    patient_id = enrol_patient(north.clinic)
    text_in_ok(client, "my chest hurts", "SM" + "f" * 32)
    login(client, south_nurse.email)
    assert client.get(f"/patients/{patient_id}").status_code == 404
    assert post(client, f"/patients/{patient_id}/pause").status_code == 404
    assert post(client, f"/patients/{patient_id}/message", {"body": "hi"}).status_code == 404
    assert post(client, "/flags/1/acknowledge").status_code == 404
    assert post(client, "/flags/1/resolve", {"note": "x"}).status_code == 404
    assert client.get("/patients/99999999999").status_code == 404
    assert "data-flag-id" not in client.get("/").get_data(as_text=True)


def test_timeline_shows_everything_and_is_audited(as_nurse, nurse, north, enrol_patient, svc,
                                                   clock):
    patient_id = enrol_patient(north.clinic, product="Privigen", lot="P100234")
    clock.advance(hours=2)
    svc.dispatcher().run_once()
    text_in_ok(as_nurse, "my leg is swollen", "SM" + "g" * 32)
    login(as_nurse, nurse.email)  # two hours later: signed out for being idle
    page = as_nurse.get(f"/patients/{patient_id}").get_data(as_text=True)
    for expected in ("Privigen", "P100234", "Same day", "Day 1", "my leg is swollen",
                     "Receiving texts", "Urgent", "History", "opened"):
        assert expected in page, expected
    # Nurses read words, not the code's names for things.
    for internal in (">same_day<", ">day1<", ">pending<", "not_escalated"):
        assert internal not in page, internal
    with svc.sessions() as s:
        view = s.scalar(select(AuditEvent).where(AuditEvent.action == "patient.view"))
        assert view is not None
        assert (view.actor, view.target_id) == (f"user:{nurse.id}", patient_id)


def test_patient_text_is_shown_as_text(as_nurse, north, enrol_patient):
    patient_id = enrol_patient(north.clinic)
    text_in_ok(as_nurse, "<script>window.pwned=1</script><img src=x onerror=alert(1)>",
            "SM" + "h" * 32)
    for path in ("/", f"/patients/{patient_id}", "/queue/fragment"):
        page = as_nurse.get(path).get_data(as_text=True)
        assert "<script>window.pwned" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page, path


def test_nurse_sends_a_message_that_the_dispatcher_sends_at_once(
        as_nurse, nurse, north, enrol_patient, svc, sms):
    patient_id = enrol_patient(north.clinic)
    form = as_nurse.get(f"/patients/{patient_id}").get_data(as_text=True)
    label = re.search(r'<label for="body">([^<]+)</label>', form).group(1)
    sent = post(as_nurse, f"/patients/{patient_id}/message",
                {"body": "Hi Maria, please call us at the clinic."}, follow_redirects=True)
    assert "Message queued" in sent.get_data(as_text=True)
    # What the form promises is what the confirmation says.
    promise = "goes out within a minute, even in quiet hours"
    assert promise in label and promise in sent.get_data(as_text=True)
    assert "right away" not in label
    with svc.sessions() as s:
        row = s.scalar(select(Checkin).where(Checkin.kind == "staff"))
        assert row is not None and row.created_by == f"user:{nurse.id}"
        assert row.due_at == row.next_attempt_at == svc.clock.now()
    svc.dispatcher().run_once()
    assert sms.sent[-1].body == "Hi Maria, please call us at the clinic."
    page = as_nurse.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert f"by {nurse.email}" in page


def test_message_refused_when_empty_too_long_or_opted_out(as_nurse, north, enrol_patient, svc):
    patient_id = enrol_patient(north.clinic)
    empty = post(as_nurse, f"/patients/{patient_id}/message", {"body": "   "})
    assert empty.status_code == 400 and "empty" in empty.get_data(as_text=True)
    long = post(as_nurse, f"/patients/{patient_id}/message", {"body": "word " * 80})
    assert long.status_code == 400 and "3 SMS segments" in long.get_data(as_text=True)
    # The draft is kept so the nurse can shorten it.
    assert "word word word" in long.get_data(as_text=True)
    text_in_ok(as_nurse, "STOP", "SM" + "i" * 32)
    stopped = post(as_nurse, f"/patients/{patient_id}/message", {"body": "Hello"})
    assert stopped.status_code == 400 and "STOP" in stopped.get_data(as_text=True)
    with svc.sessions() as s:
        assert s.scalar(select(Checkin).where(Checkin.kind == "staff")) is None


def test_pause_and_resume(as_nurse, nurse, north, enrol_patient, svc, clock):
    patient_id = enrol_patient(north.clinic)
    paused = post(as_nurse, f"/patients/{patient_id}/pause", follow_redirects=True)
    page = paused.get_data(as_text=True)
    assert "Check-ins paused by nurse@north.example" in page and "Resume check-ins" in page
    clock.advance(hours=3)
    assert svc.dispatcher().run_once().sent == 0
    login(as_nurse, nurse.email)
    resumed = post(as_nurse, f"/patients/{patient_id}/resume", follow_redirects=True)
    assert "Pause check-ins" in resumed.get_data(as_text=True)
    with svc.sessions() as s:
        assert s.get(Patient, patient_id).paused_at is None
        actions = s.scalars(select(AuditEvent.action).where(
            AuditEvent.actor == f"user:{nurse.id}")).all()
    assert "patient.pause" in actions and "patient.resume" in actions


def test_non_responders_by_how_long(as_nurse, nurse, north, enrol_patient, svc, clock):
    enrol_patient(north.clinic, phone="+13125550123", first_name="Maria", hours_ago=1)
    enrol_patient(north.clinic, phone="+13125550124", first_name="Omar", hours_ago=2)
    clock.advance(hours=2)
    svc.dispatcher().run_once()
    clock.advance(hours=1)
    text_in_ok(as_nurse, "all good", "SM" + "j" * 32, from_="+13125550124")
    login(as_nurse, nurse.email)
    page = as_nurse.get("/non-responders").get_data(as_text=True)
    assert "Maria" in page and "Omar" not in page


def test_patient_search_keeps_names_out_of_the_url(as_nurse, north, enrol_patient):
    from tests.web.staffkit import post

    enrol_patient(north.clinic, first_name="Marisabel")
    enrol_patient(north.clinic, phone="+13125550124", first_name="Zoe")
    page = post(as_nurse, "/patients", {"q": "marisab"})
    # Answered with a redirect to a GET (Back works without resubmitting) whose
    # URL carries the query sealed, never in the clear. The query is long enough
    # that the random token cannot hold it by chance (a three-letter one could:
    # the sealed token is random base64, and "mar" turned up in one CI run).
    assert page.status_code == 303
    location = page.headers["Location"]
    assert location.startswith("/patients?s=") and "marisab" not in location.lower()
    assert set(parse_qs(urlsplit(location).query)) == {"s"}
    html = as_nurse.get(location).get_data(as_text=True)
    assert "Marisabel" in html and "Zoe" not in html
    assert 'method="post" class="search"' in html and "?q=" not in html
    assert as_nurse.post("/patients", data={"q": "Maria"}).status_code == 400  # no CSRF
    # A sealed search is the searcher's own: a forged or altered one shows nothing.
    forged = as_nurse.get(location[:-6] + "AAAAAA").get_data(as_text=True)
    assert "That search has expired" in forged and "Marisabel" in forged  # the plain list


def test_mrn_search_is_partial_and_case_insensitive(as_nurse, north, enrol_patient, svc):
    from tests.web.staffkit import post

    enrol_patient(north.clinic, first_name="Maria", external_id="MRN-0042")
    enrol_patient(north.clinic, phone="+13125550124", first_name="Zoe", external_id="MRN-1999")
    for query in ("mrn-0042", "0042", "n-004"):
        html = as_nurse.get(post(as_nurse, "/patients", {"q": query}).headers["Location"]
                            ).get_data(as_text=True)
        assert "Maria" in html and "Zoe" not in html, query
    # LIKE wildcards typed in a search are taken literally.
    html = as_nurse.get(post(as_nurse, "/patients", {"q": "%"}).headers["Location"]
                        ).get_data(as_text=True)
    assert "Maria" not in html and "No patients found" in html


def test_an_asked_back_flag_shows_the_patients_answer_in_its_history(
        as_nurse, north, enrol_patient, clock):
    patient_id = enrol_patient(north.clinic)
    text_in_ok(as_nurse, "something is wrong with my leg", "SM" + "e" * 32)
    queue = as_nurse.get("/").get_data(as_text=True)
    assert "Unclear, asked back" in queue and 'data-level="urgent"' in queue
    clock.advance(minutes=4)
    text_in_ok(as_nurse, "0", "SM" + "f" * 32)
    page = as_nurse.get(f"/patients/{patient_id}").get_data(as_text=True)
    assert "denied by the patient (by text)" in page
    assert "denied every red flag" in page and "lowered to routine" in page


def test_pausing_a_patient_a_colleague_just_paused_keeps_the_first_pause(
        as_nurse, nurse, north, enrol_patient, svc, clock):
    patient_id = enrol_patient(north.clinic)
    with svc.sessions() as s:
        pause(s, s.get(Patient, patient_id), actor="user:999", now=clock.now())
        s.commit()
    page = post(as_nurse, f"/patients/{patient_id}/pause", follow_redirects=True)
    assert "Check-ins were already paused." in page.get_data(as_text=True)
    with svc.sessions() as s:
        assert s.get(Patient, patient_id).paused_by == "user:999"
        assert s.scalars(select(AuditEvent.actor).where(
            AuditEvent.action == "patient.pause")).all() == ["user:999"]
