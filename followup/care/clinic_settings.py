"""A clinic's own settings (emergency number, on-call ladder, digest, contacts):
parsed, checked and saved in one place.

The admin page and anything else that edits them share the rules; a wrong
value raises ``ClinicSettingsError`` naming each field at fault, and nothing is
changed. Saving is audited with the names of the changed fields only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from followup import validation as v
from followup.care.escalation import Rung, ladder_entries, parse_rung
from followup.models import Clinic, DigestChannel
from followup.staff.audit import audit

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
HHMM_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
EMERGENCY_RE = re.compile(r"^\+?[0-9]{2,15}$")


class ClinicSettingsError(v.ValidationError):
    """One or more settings are wrong; ``fields`` maps each to what is expected."""


@dataclass(frozen=True)
class ClinicSettings:
    """The editable settings, each named as the clinic's column it is saved to."""

    emergency_number: str
    show_product_in_texts: bool
    oncall_phones: list[str | dict[str, Any]] | None
    enrol_countries: list[str] | None
    contact_email: str | None
    contact_phone: str | None
    digest_channel: DigestChannel | None
    digest_time: str | None


def parse(form: Mapping[str, str], region: str | None) -> ClinicSettings:
    """The settings as typed on the form (strings; a checkbox is "on"), checked.

    ``region`` is the clinic's own country, for phone numbers written without
    a country code. Raises ``ClinicSettingsError`` with every field at fault."""
    errors: dict[str, str] = {}
    emergency = form.get("emergency_number", "").strip().replace(" ", "")
    if not EMERGENCY_RE.match(emergency):
        errors["emergency_number"] = "digits only, such as 911"
    rungs: list[Rung] = []
    for i, line in enumerate(form.get("oncall_phones", "").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rungs.append(parse_rung(line, region))
        except v.FieldError as exc:
            errors["oncall_phones"] = f"line {i}: {exc}"
            break
    countries: list[str] | None = None
    try:
        countries = list(v.countries(form.get("enrol_countries", ""))) or None
    except v.FieldError as exc:
        errors["enrol_countries"] = str(exc)
    email = form.get("contact_email", "").strip() or None
    if email and (not EMAIL_RE.match(email) or len(email) > 254):
        errors["contact_email"] = "an email address"
    contact_phone = _contact_phone(form.get("contact_phone", "").strip(), region, errors)
    given = form.get("digest_channel", "") or None
    channel = DigestChannel(given) if given in tuple(DigestChannel) else None
    if given is not None and channel is None:
        errors["digest_channel"] = "off, email or sms"
    if channel == DigestChannel.EMAIL and not email:
        errors["contact_email"] = "needed for an email digest"
    if channel == DigestChannel.SMS and not contact_phone:
        errors["contact_phone"] = "needed for a text digest"
    digest_time = form.get("digest_time", "").strip() or None
    if digest_time and not HHMM_RE.match(digest_time):
        errors["digest_time"] = "a time such as 07:30"
    if errors:
        raise ClinicSettingsError(errors, "invalid clinic settings")
    return ClinicSettings(
        emergency_number=emergency, show_product_in_texts=form.get("show_product_in_texts") == "on",
        oncall_phones=ladder_entries(rungs), enrol_countries=countries, contact_email=email,
        contact_phone=contact_phone, digest_channel=channel, digest_time=digest_time)


def _contact_phone(value: str, region: str | None, errors: dict[str, str]) -> str | None:
    if not value:
        return None
    try:
        return v.phone(value, region=region)
    except v.FieldError as exc:
        errors["contact_phone"] = str(exc)
        return None


def save(session: Session, clinic: Clinic, values: ClinicSettings, *, actor: str,
         now: datetime) -> list[str]:
    """Apply checked settings; returns the names of those that changed (audited)."""
    new = asdict(values)
    changed = sorted(k for k, val in new.items() if getattr(clinic, k) != val)
    for key, val in new.items():
        setattr(clinic, key, val)
    audit(session, clinic_id=clinic.id, actor=actor, action="clinic.settings",
          target_type="clinic", target_id=clinic.id, now=now, detail={"changed": changed})
    return changed
