"""Words for staff in place of the code's internal names.

A nurse reads "Same day check-in", "not paged" and "cancelled: texted STOP",
never ``same_day``, ``not_escalated`` or ``opted_out``. One table per kind of
name; anything not listed falls back to the name with underscores as spaces,
so a new value is readable before anyone adds it here.
"""

from __future__ import annotations

import re

from followup.models import CheckinKind, CheckinStatus, FlagAction, FlagStatus

KINDS: dict[str, str] = {CheckinKind.STAFF: "Message from staff", CheckinKind.REMINDER: "Reminder",
         "same_day": "Same day"}  # same_day: a schedule's kind (an open set, see CheckinKind)
# Keyed by the stored states' enums, so a state added to a model without words here
# fails tests/web/test_labels.py instead of reaching a nurse as a code name.
CHECKIN_STATUSES: dict[str, str] = {
                    CheckinStatus.PENDING: "waiting to send", CheckinStatus.SENDING: "sending",
                    CheckinStatus.SENT: "sent", CheckinStatus.FAILED: "could not send",
                    CheckinStatus.SKIPPED: "not sent", CheckinStatus.CANCELLED: "cancelled"}
SKIP_REASONS = {"opted_out": "the patient texted STOP"}
FLAG_STATUSES: dict[str, str] = {FlagStatus.OPEN: "Open", FlagStatus.ACKNOWLEDGED: "Acknowledged",
                 FlagStatus.RESOLVED: "Resolved"}
FLAG_EVENTS: dict[str, str] = {FlagAction.OPENED: "opened", FlagAction.ACKNOWLEDGED: "acknowledged",
               FlagAction.RESOLVED: "resolved", FlagAction.ESCALATED: "paged on-call",
               FlagAction.ESCALATION_FAILED: "page failed",
               FlagAction.NOT_ESCALATED: "not paged", FlagAction.ASSIGNED: "assigned",
               FlagAction.UNASSIGNED: "unassigned", FlagAction.NOTED: "note added",
               # the patient's answer to the red-flag question; shown as "denied by the patient"
               FlagAction.ANSWERED: "answered", FlagAction.RAISED: "raised",
               FlagAction.DENIED: "denied"}
# Audit actions, as the audit page's filter offers them (friendly name first).
AUDIT_ACTIONS = {
    "patient.view": "Opened a patient",
    "patient.messages.view": "Read a patient's messages (API)",
    "patient.export": "Exported a patient's record",
    "patient.message": "Texted a patient",
    "patient.quick_reply": "Sent a quick reply",
    "patient.note": "Added a note or call",
    "patient.pause": "Paused check-ins",
    "patient.resume": "Resumed check-ins",
    "patient.edit": "Changed a patient's name, language or phone",
    "patient.identity_conflict": "Found a phone on file for someone else",
    "patient.identity_choice": "Answered same or different person",
    "flag.acknowledge": "Acknowledged a flag",
    "flag.assign": "Assigned a flag",
    "flag.resolve": "Resolved a flag",
    "enrollment.create": "Enrolled a patient",
    "enrollment.replay": "Repeated an enrolment",
    "csv_import.upload": "Uploaded a CSV file",
    "csv_import.start": "Started a CSV import",
    "csv_import.finish": "Finished a CSV import",
    "csv_import.identity_choice": "Answered same or different person (CSV)",
    "user.login": "Signed in",
    "user.logout": "Signed out",
    "user.create": "Created a login",
    "user.disable": "Disabled a login",
    "user.enable": "Enabled a login",
    "user.reset_password": "Reset a password",
    "user.set_role": "Changed a role",
    "user.set_name": "Changed a display name",
    "token.create": "Created an API token",
    "token.revoke": "Revoked an API token",
    "clinic.settings": "Changed clinic settings",
    "clinic.quick_replies": "Changed quick replies",
    "clinic.create": "Created the clinic",
    "demo.seed": "Created the demo",
    "retention.purge_message_bodies": "Removed old message texts",
}
_DAY_RE = re.compile(r"^day(\d+)$")


def _plain(name: str) -> str:
    return name.replace("_", " ").replace(".", " ")


def kind(name: str | None) -> str:
    """A check-in kind: ``day1`` -> "Day 1", ``same_day`` -> "Same day"."""
    if not name:
        return ""
    day = _DAY_RE.match(name)
    if day:
        return f"Day {day.group(1)}"
    return KINDS.get(name, _plain(name).capitalize())


def checkin_status(name: str | None) -> str:
    return CHECKIN_STATUSES.get(name or "", _plain(name or ""))


def skip_reason(text: str | None) -> str:
    return SKIP_REASONS.get(text or "", text or "")


def flag_status(name: str | None) -> str:
    return FLAG_STATUSES.get(name or "", _plain(name or "").capitalize())


def flag_event(name: str | None) -> str:
    return FLAG_EVENTS.get(name or "", _plain(name or ""))


def audit_action(name: str | None) -> str:
    return AUDIT_ACTIONS.get(name or "", _plain(name or ""))
