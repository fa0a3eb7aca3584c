"""Patient identity: a phone number is not a person.

A phone on file for a patient with another name or MRN is a conflict, never
an overwrite; a household may share a phone, and then every text says whom it
is about and a reply reaches the right patient (or a nurse, when that cannot
be told); who a patient is changes only by an explicit, recorded edit.
"""

from __future__ import annotations

import itertools
import threading
from functools import partial
from typing import Any

from conftest import ClinicHandle, run_concurrently
from factories import answer_to, post_enrolment
from flask.testing import FlaskClient
from sqlalchemy import select

from followup.models import AuditEvent, Flag, Message, Patient, PatientChange

CARA_PHONE = "+13125550123"


# Cara, MRN-3, at the usual number; each call answers with the response, whatever its status.
enrol = partial(post_enrolment, first_name="Cara", language="en", external_id="MRN-3")


def audit_actions(svc: Any) -> list[tuple[str, int | None, dict[str, Any] | None]]:
    with svc.sessions() as s:
        return [(e.action, e.target_id, e.detail) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.action.like("patient.%"))
            .order_by(AuditEvent.id))]


def patients(svc: Any) -> list[tuple[int, str, str, str]]:
    with svc.sessions() as s:
        return [(p.id, p.first_name, p.language, p.phone)
                for p in s.scalars(select(Patient).order_by(Patient.id))]


# -- the conflict ---------------------------------------------------------------------
def test_another_name_on_a_known_phone_is_409_and_changes_nothing(client, svc, north):
    cara = enrol(client, north).get_json()["patient_id"]
    before = patients(svc)
    response = enrol(client, north, first_name="Carlos", language="es", external_id=None,
                     infusion_at="2026-11-10T15:00:00-06:00")
    assert response.status_code == 409
    body = response.get_json()
    assert body["existing_patient"] == {"id": cara, "first_name": "Cara"}
    assert "belongs to Cara (patient" in body["error"]
    assert patients(svc) == before  # Cara is still Cara, in English
    with svc.sessions() as s:
        assert len(s.scalars(select(Patient).where(Patient.id == cara)).one().infusions) == 1
    # The audit log shows the conflict (ids only: no name in the trail).
    conflict = audit_actions(svc)[-1]
    assert conflict[:2] == ("patient.identity_conflict", cara)
    assert conflict[2] == {"channel": "api", "phone_holders": [cara]}
    assert "Carlos" not in str(audit_actions(svc))


def test_another_mrn_with_the_same_name_is_a_conflict_too(client, north):
    enrol(client, north)
    assert enrol(client, north, external_id="MRN-99",
                 infusion_at="2026-11-10T15:00:00-06:00").status_code == 409


def test_the_same_person_is_recognised_whatever_the_case_or_spacing(client, svc, north):
    cara = enrol(client, north).get_json()["patient_id"]
    again = enrol(client, north, first_name="  cara ", phone="(312) 555-0123",
                  infusion_at="2026-11-03T14:00:00-06:00")
    assert again.status_code == 201
    assert again.get_json()["patient_id"] == cara
    assert patients(svc)[0][1] == "Cara"


def test_a_new_language_in_an_enrolment_does_not_change_the_patient(client, svc, north):
    enrol(client, north)
    assert enrol(client, north, language="es",
                 infusion_at="2026-11-03T14:00:00-06:00").status_code == 201
    assert patients(svc)[0][2] == "en"  # a change of language is an explicit edit


def test_same_person_choice_enrols_the_existing_patient(client, svc, north):
    cara = enrol(client, north).get_json()["patient_id"]
    response = enrol(client, north, first_name="Carla", external_id=None,
                     infusion_at="2026-11-03T14:00:00-06:00", same_patient_id=cara)
    assert response.status_code == 201
    assert response.get_json()["patient_id"] == cara
    assert patients(svc) == [(cara, "Cara", "en", CARA_PHONE)]
    assert audit_actions(svc)[-1] == ("patient.identity_choice", cara,
                                      {"choice": "same_person", "phone_holders": [cara]})


def test_same_patient_id_must_be_a_patient_on_that_phone(client, svc, north):
    enrol(client, north)
    other = enrol(client, north, phone="+13125550177", first_name="Luis",
                  external_id=None).get_json()["patient_id"]
    response = enrol(client, north, first_name="Carlos", external_id=None,
                     infusion_at="2026-11-03T14:00:00-06:00", same_patient_id=other)
    assert response.status_code == 400
    assert "does not have this phone" in response.get_json()["fields"]["same_patient_id"]
    assert len(patients(svc)) == 2


def test_different_person_choice_makes_a_household(client, svc, north):
    cara = enrol(client, north).get_json()["patient_id"]
    response = enrol(client, north, first_name="Carlos", language="es", external_id=None,
                     new_household_member=True)
    assert response.status_code == 201
    carlos = response.get_json()["patient_id"]
    assert carlos != cara
    assert patients(svc) == [(cara, "Cara", "en", CARA_PHONE), (carlos, "Carlos", "es",
                                                                 CARA_PHONE)]
    assert audit_actions(svc)[-1] == ("patient.identity_choice", carlos,
                                      {"choice": "different_person", "phone_holders": [cara]})
    # A third enrolment for Carlos finds him among the two, with no question asked.
    again = enrol(client, north, first_name="Carlos", external_id=None,
                  infusion_at="2026-11-03T14:00:00-06:00")
    assert again.status_code == 201 and again.get_json()["patient_id"] == carlos


def test_a_bad_choice_field_is_refused_by_name(client, north):
    response = enrol(client, north, same_patient_id="3")
    assert response.status_code == 400
    assert "same_patient_id" in response.get_json()["fields"]


def test_racing_enrolments_of_a_new_phone_never_make_twins(app, svc, north):
    """Two systems enrolling the same new phone at once: one patient, and a
    different name racing in gets the conflict, not a second patient."""
    names = itertools.cycle(["Cara", "Cara", "Carlos"])
    minutes = itertools.count()
    lock = threading.Lock()
    statuses: list[int] = []

    def work() -> None:
        with lock:
            name, minute = next(names), next(minutes)
        response = app.test_client().post("/api/enrollments", headers=north.auth, json={
            "phone": CARA_PHONE, "first_name": name,
            "infusion_at": f"2026-11-10T14:{minute:02d}:00-06:00"})
        with lock:
            statuses.append(response.status_code)

    run_concurrently(work, workers=6)
    assert sorted(statuses) in ([201] * 4 + [409] * 2, [201] * 2 + [409] * 4)
    # Whoever won the race holds the phone alone; the other name got the question.
    assert len(patients(svc)) == 1


# -- explicit edits --------------------------------------------------------------------
def test_patch_changes_name_and_language_recording_before_and_after(client, svc, north):
    cara = enrol(client, north).get_json()["patient_id"]
    response = client.patch(f"/api/patients/{cara}", headers=north.auth,
                            json={"first_name": "Carolina", "language": "es"})
    assert response.status_code == 200
    assert sorted(response.get_json()["changed"]) == ["first_name", "language"]
    with svc.sessions() as s:
        changes = [(c.field, c.before, c.after, c.actor) for c in s.scalars(
            select(PatientChange).order_by(PatientChange.field))]
    token = changes[0][3]
    assert token.startswith("token:")
    assert changes == [("first_name", "Cara", "Carolina", token), ("language", "en", "es", token)]
    action, target, detail = audit_actions(svc)[-1]
    assert (action, target, detail["fields"]) == ("patient.edit", cara, ["first_name", "language"])
    assert "Carolina" not in str(detail)  # before/after live beside the patient, not in the trail


def test_patch_refuses_bad_values_and_unknown_fields(client, svc, north):
    cara = enrol(client, north).get_json()["patient_id"]
    response = client.patch(f"/api/patients/{cara}", headers=north.auth,
                            json={"language": "fr", "timezone": "UTC", "phone": "12"})
    assert response.status_code == 400
    assert set(response.get_json()["fields"]) == {"language", "timezone", "phone"}
    assert patients(svc)[0][2] == "en"


def test_moving_onto_a_phone_someone_holds_is_a_conflict_unless_confirmed(client, svc, north):
    cara = enrol(client, north).get_json()["patient_id"]
    luis = enrol(client, north, phone="+13125550177", first_name="Luis",
                 external_id=None).get_json()["patient_id"]
    response = client.patch(f"/api/patients/{luis}", headers=north.auth,
                            json={"phone": "(312) 555-0123"})
    assert response.status_code == 409
    assert response.get_json()["existing_patient"] == {"id": cara, "first_name": "Cara"}
    assert patients(svc)[1][3] == "+13125550177"
    confirmed = client.patch(f"/api/patients/{luis}", headers=north.auth,
                             json={"phone": "(312) 555-0123", "new_household_member": True})
    assert confirmed.status_code == 200
    assert patients(svc)[1][3] == CARA_PHONE


def test_another_clinics_patient_cannot_be_edited(client, north, south):
    cara = enrol(client, north).get_json()["patient_id"]
    response = client.patch(f"/api/patients/{cara}", headers=south.auth,
                            json={"first_name": "X"})
    assert response.status_code == 404


# -- a household on one phone -------------------------------------------------------------
def household(client: FlaskClient, north: ClinicHandle) -> tuple[int, int]:
    cara = enrol(client, north).get_json()["patient_id"]
    carlos = enrol(client, north, first_name="Carlos", language="es", external_id=None,
                   new_household_member=True,
                   infusion_at="2026-11-09T14:00:00-06:00").get_json()["patient_id"]
    return cara, carlos


def test_household_reply_naming_one_patient_is_theirs_and_says_so(client, svc, north):
    cara, carlos = household(client, north)
    reply = answer_to(client, "Carlos tiene dolor de cabeza", "SM" + "1" * 32)
    assert reply.startswith("Sobre Carlos:")
    with svc.sessions() as s:
        message = s.scalars(select(Message).where(Message.direction == "in")).one()
        assert message.patient_id == carlos


def test_household_reply_goes_to_the_only_open_checkin(client, svc, north, clock):
    cara, carlos = household(client, north)
    with svc.sessions() as s:  # only Cara's check-in has gone out
        carlos_row = s.get(Patient, carlos)
        for c in carlos_row.checkins:
            c.status = "cancelled"
        s.commit()
    clock.advance(hours=2)
    assert svc.dispatcher().run_once().sent == 1
    sent = svc.sms.last()
    assert sent.to == CARA_PHONE and "Cara" in sent.body
    reply = answer_to(client, "I have a headache", "SM" + "2" * 32)
    assert reply.startswith("About Cara:")
    with svc.sessions() as s:
        message = s.scalars(select(Message).where(Message.direction == "in")).one()
        assert message.patient_id == cara and message.checkin_id is not None


def test_household_reply_that_cannot_be_placed_opens_an_unclear_flag(client, svc, north, clock):
    cara, carlos = household(client, north)
    clock.advance(hours=2)
    svc.dispatcher().run_once()  # both get a check-in: a reply could be either's
    reply = answer_to(client, "ok", "SM" + "3" * 32)
    assert "Cara or Carlos" in reply and "who it is about" in reply
    with svc.sessions() as s:
        message = s.scalars(select(Message).where(Message.direction == "in")).one()
        assert message.patient_id is None  # on nobody's record until a nurse says whose
        flag = s.scalars(select(Flag)).one()
        assert (flag.level, flag.reason, flag.message_id) == ("routine", "unclear", message.id)
        assert f"Cara (patient {cara}) and Carlos (patient {carlos})" in flag.detail


def test_an_emergency_from_a_shared_phone_is_not_held_up_by_the_question(client, svc, north,
                                                                          clock):
    household(client, north)
    clock.advance(hours=2)
    svc.dispatcher().run_once()
    reply = answer_to(client, "crushing chest pain and can't breathe", "SM" + "4" * 32)
    assert "911" in reply
    with svc.sessions() as s:
        flag = s.scalars(select(Flag)).one()
        assert (flag.level, flag.reason) == ("emergency", "unclear")


def test_stop_from_a_shared_phone_stops_everyone_on_it(client, svc, north):
    cara, carlos = household(client, north)
    answer_to(client, "STOP", "SM" + "5" * 32)
    with svc.sessions() as s:
        assert all(s.get(Patient, i).opted_out_at is not None for i in (cara, carlos))
        reasons = sorted((f.patient_id, f.reason) for f in s.scalars(select(Flag)))
    assert reasons == [(cara, "stopped"), (carlos, "stopped")]


def test_stop_mid_followup_says_which_day_in_plain_words(client, svc, north, clock):
    enrol(client, north, first_infusion=True)
    clock.advance(hours=48)  # 12 Nov in Chicago: day 2 of 7
    answer_to(client, "stop", "SM" + "6" * 32)
    with svc.sessions() as s:
        flag = s.scalars(select(Flag)).one()
    assert (flag.level, flag.reason, flag.detail) == (
        "routine", "stopped", "Stopped texts on day 2 of 7: call?")
    # A second STOP is no news: no second flag.
    answer_to(client, "STOP", "SM" + "7" * 32)
    with svc.sessions() as s:
        assert len(s.scalars(select(Flag)).all()) == 1


def test_stop_after_the_last_checkin_opens_nothing(client, svc, north, clock):
    enrol(client, north)
    clock.advance(days=9)
    svc.dispatcher().run_once()
    answer_to(client, "STOP", "SM" + "8" * 32)
    with svc.sessions() as s:
        assert s.scalars(select(Flag).where(Flag.reason == "stopped")).all() == []
