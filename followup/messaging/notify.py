"""Composing what a patient reads: one place that knows which facts about a
clinic and an infusion may appear in a text (a lock screen shows it)."""

from __future__ import annotations

from typing import Any, Protocol

from followup.messaging.texts import render_sms
from followup.validation import display_phone

# Texts to staff (pages, digests) are in English: a clinic has no language setting.
STAFF_LANGUAGE = "en"


class ClinicContact(Protocol):
    """What a text may say about its clinic: a ``Clinic`` or a row with these columns."""

    @property
    def name(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def emergency_number(self) -> str: ...


def clinic_context(clinic: ClinicContact | None) -> dict[str, Any]:
    if clinic is None:
        return {"clinic_name": None, "clinic_phone": None, "emergency_number": "911"}
    return {
        "clinic_name": clinic.name,
        "clinic_phone": display_phone(clinic.phone),
        "emergency_number": clinic.emergency_number or "911",
    }


class Addressee(Protocol):
    """Whom a check-in speaks to: a ``Patient`` or a row with these columns."""

    @property
    def language(self) -> str: ...
    @property
    def first_name(self) -> str: ...


class TextingClinic(ClinicContact, Protocol):
    """A clinic as a check-in sees it: whether it names the product, and its contact."""

    @property
    def show_product_in_texts(self) -> bool: ...


def checkin_text(patient: Addressee, clinic: TextingClinic, product: str | None,
                 template: str, kind: str) -> str:
    """The product is named only where the clinic allows it (a lock screen shows it)."""
    return render_sms(template, patient.language, first_name=patient.first_name,
                      product=product if clinic.show_product_in_texts else None, kind=kind,
                      **clinic_context(clinic))


def patient_text(name: str, lang: str, clinic: ClinicContact | None, **extra: Any) -> str:
    return render_sms(name, lang, **clinic_context(clinic), **extra)
