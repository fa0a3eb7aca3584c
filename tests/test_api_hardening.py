"""Enrolment hardening (issue 15): only textable numbers of the clinic's
countries, and a per-token rate limit against SMS pumping."""

from __future__ import annotations

import pytest
from conftest import make_clinic
from factories import post_enrolment
from sqlalchemy import func, select

from followup.app import create_app
from followup.models import Clinic, Patient


@pytest.mark.parametrize(("phone", "words"), [
    ("+18005550123", "toll-free"),
    ("+19005550123", "premium-rate"),
    ("+881612345678", "satellite"),
    ("+447400123456", "GB"),  # a UK mobile: not this clinic's country
    ("+17875550123", "PR"),  # Puerto Rico: not unless the clinic says so
])
def test_numbers_that_cannot_or_should_not_be_texted_are_refused(client, north, svc, phone,
                                                                 words):
    response = post_enrolment(client, north, phone=phone)
    assert response.status_code == 400
    assert words in response.get_json()["fields"]["phone"]
    with svc.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Patient)) == 0


def test_a_clinic_chooses_its_countries_and_landlines_stay_refused(client, north, svc):
    with svc.sessions() as s:
        s.get(Clinic, north.clinic.id).enrol_countries = ["US", "PR", "GB"]
        s.commit()
    assert post_enrolment(client, north, phone="+17875550123").status_code == 201
    assert post_enrolment(client, north, phone="+447400123456").status_code == 201
    landline = post_enrolment(client, north, phone="+442079460000")
    assert landline.status_code == 400
    assert "landline" in landline.get_json()["fields"]["phone"]


def test_enrolments_per_token_are_rate_limited(app_config, clock, sms):
    app = create_app({**app_config, "api": {"enrollments_per_minute": 3}}, clock=clock, sms=sms)
    svc = app.extensions["followup"]
    try:
        north, south = (make_clinic(svc, "north", "+13125550199"),
                        make_clinic(svc, "south", "+13125550299"))
        client = app.test_client()
        for i in range(3):
            assert post_enrolment(client, north, phone=f"+1312555016{i}").status_code == 201
        refused = post_enrolment(client, north, phone="+13125550169")
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == "60"
        assert "3 a minute" in refused.get_json()["error"]
        with svc.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Patient)) == 3
        # south has its own limit
        assert post_enrolment(client, south, phone="+13125550170").status_code == 201
        clock.advance(seconds=30)
        assert post_enrolment(client, north, phone="+13125550169").headers["Retry-After"] == "30"
        clock.advance(seconds=31)
        assert post_enrolment(client, north, phone="+13125550169").status_code == 201
    finally:
        svc.dispose()
