"""Field parsers shared by every way data comes in (API, CLI, CSV, webhooks).

Each parser raises ``FieldError`` with a message a clinic's staff can act on;
callers collect them per field so one response names everything wrong at once.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers


class FieldError(ValueError):
    """One field's value is wrong; the message says why."""


class ValidationError(ValueError):
    """Several fields may be wrong; ``fields`` maps each to its reason."""

    def __init__(self, fields: dict[str, str], message: str = "invalid input") -> None:
        super().__init__(message)
        self.fields = fields
        self.message = message

    def __str__(self) -> str:
        return "; ".join(f"{k}: {v}" for k, v in self.fields.items()) or self.message


# C0 control characters and DEL, except tab, line feed and carriage return
# (text areas and CSV files hold lines). No text a person types holds them;
# PostgreSQL refuses NUL outright (a 500 before they were refused here).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def control_character(value: str) -> str | None:
    """The first forbidden control character in ``value``, written like U+001B, or None."""
    found = CONTROL_CHARS.search(value)
    return f"U+{ord(found.group()):04X}" if found else None


LANGUAGES = ("en", "es")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def phone(value: Any, *, region: str | None = "US") -> str:
    """Any common way of writing a number, returned as E.164."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError("required: a phone number such as +1 312 555 0123")
    try:
        parsed = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException:
        raise FieldError("not a phone number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise FieldError("not a valid phone number (check the digits and the country code)")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


# Numbers a text can reach. FIXED_LINE_OR_MOBILE is what the US, Canada and
# others give every geographic number (the plan does not tell them apart).
# Premium, toll-free, shared-cost, satellite, VoIP, pager and landline-only
# numbers are refused: texts to them fail, or cost the clinic (SMS pumping).
TEXTABLE_TYPES = {phonenumbers.PhoneNumberType.MOBILE,
                  phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
TYPE_WORDS = {
    phonenumbers.PhoneNumberType.FIXED_LINE: "a landline",
    phonenumbers.PhoneNumberType.TOLL_FREE: "a toll-free number",
    phonenumbers.PhoneNumberType.PREMIUM_RATE: "a premium-rate number",
    phonenumbers.PhoneNumberType.SHARED_COST: "a shared-cost number",
    phonenumbers.PhoneNumberType.VOIP: "an internet (VoIP) number",
    phonenumbers.PhoneNumberType.PERSONAL_NUMBER: "a personal forwarding number",
    phonenumbers.PhoneNumberType.PAGER: "a pager",
    phonenumbers.PhoneNumberType.UAN: "a company number",
    phonenumbers.PhoneNumberType.VOICEMAIL: "a voicemail number",
}


def mobile_phone(value: Any, *, region: str | None, countries: tuple[str, ...]) -> str:
    """A patient's number: valid, in one of ``countries`` and able to get texts."""
    e164 = phone(value, region=region)
    parsed = phonenumbers.parse(e164, None)
    country = phonenumbers.region_code_for_number(parsed)
    if country not in countries:
        where = "satellite or international service" if country in (None, "001") else country
        raise FieldError(f"a number of {where}: this clinic enrols numbers of "
                         f"{', '.join(countries)} only")
    kind = phonenumbers.number_type(parsed)
    if kind not in TEXTABLE_TYPES:
        raise FieldError(f"{TYPE_WORDS.get(kind, 'not a mobile number')} cannot receive "
                         "the check-in texts: give the patient's mobile number")
    return e164


def countries(value: Any) -> tuple[str, ...]:
    """ISO country codes ("US, PR" or a list), known to the phone number plan."""
    items = value.replace(",", " ").split() if isinstance(value, str) else value
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise FieldError("must be a list of country codes such as [\"US\", \"PR\"]")
    codes = tuple(dict.fromkeys(i.strip().upper() for i in items if i.strip()))
    unknown = [c for c in codes if c not in phonenumbers.SUPPORTED_REGIONS]
    if unknown:
        raise FieldError(f"unknown country code {unknown[0]!r} (use ISO codes such as US, PR)")
    return codes


def region_of(e164: str) -> str | None:
    """The country of a number, to read local-format numbers of the same clinic."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=1024)
def display_phone(e164: str) -> str:
    """How a patient expects to see their clinic's number in a text.

    Cached: every text of a clinic shows the same few numbers, and parsing
    one costs more than rendering the rest of the text."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)


@lru_cache(maxsize=4096)
def phone_for_region(e164: str, region: str | None) -> str:
    """A number as staff in ``region`` dial it: national format for their own
    country, international for any other. Cached: a queue shows the same
    numbers on every refresh."""
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    same = region is not None and phonenumbers.region_code_for_number(parsed) == region
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL if same
                                      else phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def timezone(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError("must be an IANA time zone such as America/Chicago")
    name = value.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise FieldError(f"unknown time zone {name!r} (use an IANA name such as "
                         "America/Chicago)") from None
    return name


def aware_datetime(value: Any) -> datetime:
    """ISO 8601 with an offset: a time without one is ambiguous by hours."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError("required: a date and time in ISO 8601 with an offset, "
                         "such as 2026-03-01T14:30:00-06:00")
    text = value.strip()
    if text.endswith(("z", "Z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise FieldError("not an ISO 8601 date and time, such as "
                         "2026-03-01T14:30:00-06:00") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise FieldError("needs a UTC offset, such as 2026-03-01T14:30:00-06:00")
    return parsed.astimezone(UTC)


_US_DATE_RE = re.compile(
    r"^(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})[ T]+(?P<h>\d{1,2}):(?P<mi>\d{2})"
    r"(?::(?P<s>\d{2}))?\s*(?P<ampm>[AaPp]\.?[Mm]\.?)?$")
MONTH_FIRST_REGIONS = frozenset({"US", "CA", "PH"})


def local_datetime(value: Any, tz_name: str, *, region: str | None = "US") -> datetime:
    """A date and time as spreadsheets write them, read in ``tz_name`` when it
    has no offset: ISO 8601 with or without an offset, or "11/30/2026 11:00"
    (month first in the US, day first elsewhere), with an optional AM/PM.

    A local time that does not exist (clocks went forward) is refused."""
    if not isinstance(value, str) or not value.strip():
        raise FieldError("required: a date and time such as 11/30/2026 11:00 or "
                         "2026-11-30T11:00:00-06:00")
    text = value.strip()
    try:
        return aware_datetime(text)
    except FieldError:
        pass
    tz = ZoneInfo(tz_name)
    match = _US_DATE_RE.match(text)
    try:
        if match:
            a, b = int(match["a"]), int(match["b"])
            month, day = (a, b) if (region or "US") in MONTH_FIRST_REGIONS else (b, a)
            hour = int(match["h"])
            ampm = (match["ampm"] or "").lower().replace(".", "")
            if ampm:
                if not 1 <= hour <= 12:
                    raise ValueError
                hour = hour % 12 + (12 if ampm == "pm" else 0)
            naive = datetime(int(match["y"]), month, day, hour, int(match["mi"]),
                             int(match["s"] or 0))
        else:
            naive = datetime.fromisoformat(text)
            if naive.tzinfo is not None:
                raise ValueError
    except ValueError:
        order = "MM/DD/YYYY" if (region or "US") in MONTH_FIRST_REGIONS else "DD/MM/YYYY"
        raise FieldError(f"not a date and time: write it as {order} HH:MM or "
                         "2026-11-30T11:00:00-06:00") from None
    local = naive.replace(tzinfo=tz)
    if local.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise FieldError(f"{text} does not exist in {tz_name} (the clocks went forward): "
                         "check the time")
    return local.astimezone(UTC)


def language(value: Any) -> str:
    if not isinstance(value, str) or value.strip().lower() not in LANGUAGES:
        raise FieldError("must be \"en\" or \"es\"")
    return value.strip().lower()


def text(value: Any, *, max_length: int, required: bool = False) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FieldError("required")
        return None
    if not isinstance(value, str):
        raise FieldError("must be text")
    cleaned = " ".join(value.split())
    if len(cleaned) > max_length:
        raise FieldError(f"too long (at most {max_length} characters)")
    if any(ord(ch) < 32 for ch in cleaned):
        raise FieldError("contains control characters")
    return cleaned


def boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise FieldError("must be true or false")


def slug(value: Any) -> str:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        raise FieldError("must be lowercase letters, digits and dashes, such as north-clinic")
    return value
