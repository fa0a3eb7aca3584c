"""A clinic's settings: parsed and checked once (followup/care/clinic_settings.py),
each wrong value named by its field, nothing saved unless all are right."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from followup.care import clinic_settings
from followup.extensions import Services
from followup.models import AuditEvent, Clinic

GOOD = {"emergency_number": "911", "oncall_phones": "Dr Lee, (312) 555-0111\n\n+13125550112",
        "enrol_countries": "US, CA", "contact_email": "ward@north.example",
        "contact_phone": "312 555 0100", "digest_channel": "sms", "digest_time": "07:30",
        "show_product_in_texts": "on"}


def test_a_good_form_becomes_typed_settings() -> None:
    values = clinic_settings.parse(GOOD, "US")
    assert values.oncall_phones == [{"name": "Dr Lee", "phone": "+13125550111"}, "+13125550112"]
    assert values.enrol_countries == ["US", "CA"]
    assert values.contact_phone == "+13125550100"
    assert (values.digest_channel, values.digest_time) == ("sms", "07:30")
    assert values.show_product_in_texts is True


def test_empty_optional_fields_mean_off() -> None:
    values = clinic_settings.parse({"emergency_number": "112"}, "GB")
    assert values.oncall_phones is None and values.enrol_countries is None
    assert values.digest_channel is None and values.contact_email is None
    assert values.show_product_in_texts is False


@pytest.mark.parametrize(("change", "field", "reason"), [
    ({"emergency_number": "call us"}, "emergency_number", "digits only"),
    ({"oncall_phones": "+13125550111\nnope"}, "oncall_phones", "line 2"),
    ({"enrol_countries": "Narnia"}, "enrol_countries", ""),
    ({"contact_email": "ward"}, "contact_email", "an email address"),
    ({"contact_email": "", "digest_channel": "email"}, "contact_email",
     "needed for an email digest"),
    ({"contact_phone": "", "digest_channel": "sms"}, "contact_phone", "needed for a text digest"),
    ({"digest_channel": "pager"}, "digest_channel", "off, email or sms"),
    ({"digest_time": "7.30"}, "digest_time", "a time such as 07:30"),
])
def test_each_wrong_value_is_named_by_its_field(change: dict[str, str], field: str,
                                                reason: str) -> None:
    with pytest.raises(clinic_settings.ClinicSettingsError) as caught:
        clinic_settings.parse({**GOOD, **change}, "US")
    assert list(caught.value.fields) == [field]
    assert reason in caught.value.fields[field]


def test_saving_reports_and_audits_what_changed(svc: Services, north) -> None:  # type: ignore[no-untyped-def]
    now = datetime(2026, 11, 10, 21, tzinfo=UTC)
    with svc.sessions() as s:
        clinic = s.get(Clinic, north.clinic.id)
        changed = clinic_settings.save(s, clinic, clinic_settings.parse(GOOD, "US"),
                                       actor="user:1", now=now)
        assert "digest_channel" in changed and "emergency_number" not in changed
        again = clinic_settings.save(s, clinic, clinic_settings.parse(GOOD, "US"),
                                     actor="user:1", now=now)
        s.commit()
        assert again == []
        details = s.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "clinic.settings")).all()
    assert details == [{"changed": changed}, {"changed": []}]
