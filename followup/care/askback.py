"""Asking back: when no reader can place a message that touches a red flag.

"Someone will read it" is the wrong answer to "my chest feels weird" at 2 a.m. Such a
message gets, right away, the numbered red-flag question (`templates/sms/<lang>/
askback.txt`, read by `followup.triage.choices`), and the nurse an urgent flag marked
"unclear, asked back". The patient's answer then moves that flag, each step in its
history: a number raises it to that red flag's level; "0" records that the patient
denied every red flag and lowers it to routine, which is never paged; anything else
is noted and leaves it as it is (unsure stays up).

The pending question is found without another query: the asked-back message carries
a marker finding (`MARKER_KEY`), and the conversation already reads the patient's
recent findings; the ask-back is pending while that message is the latest one and
no check-in was sent after it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from followup.care.flags import INSERT_EVENT, LEVEL_ORDER
from followup.models import Flag, FlagAction, FlagLevel, FlagReason, FlagStatus, TriageLevel
from followup.triage import TriageResult
from followup.triage.choices import NONE_KEY

QUESTION = "askback"  # the numbered question's name (choices.toml, the template)
MARKER_KEY = "asked_back"
REASON = FlagReason.ASKED_BACK  # the flag's reason
# Keyed by str: the triage result carries its level as the rulebook spells it.
TRIAGE_TO_FLAG: dict[str, FlagLevel] = {TriageLevel.EMERGENCY: FlagLevel.EMERGENCY,
                                        TriageLevel.URGENT: FlagLevel.URGENT}


def marker(result: TriageResult) -> dict[str, str]:
    """The finding that records, on the message, that the patient was asked back."""
    topics = ", ".join(t.replace("_", " ") for t in result.ask_back)
    return {"key": MARKER_KEY, "level": "unclear",
            "label": f"unclear, asked back (touches {topics})", "matched": ""}


def detail(result: TriageResult) -> str:
    topics = ", ".join(t.replace("_", " ") for t in result.ask_back)
    return (f"unclear, asked back: touches {topics}; no reader could place it, so the "
            "patient was sent the numbered red-flag question")[:255]


def pending(rows: Sequence[Any], last_checkin_at: datetime | None, now: datetime,
            window: timedelta) -> int | None:
    """The id of the asked-back message whose question is still open, if any.

    `rows` are the patient's recent inbound messages with findings (id, findings,
    created_at), oldest first; only the latest can be waiting for its answer."""
    if not rows:
        return None
    latest = rows[-1]
    asked = any(isinstance(f, dict) and f.get("key") == MARKER_KEY
                for f in (latest.findings or []))
    if not asked or now - latest.created_at > window:
        return None
    if last_checkin_at is not None and last_checkin_at > latest.created_at:
        return None  # a check-in asked its own question since
    return int(latest.id)


def answer(session: Session, asked_message_id: int, result: TriageResult, message_id: int,
           findings: list[dict[str, Any]], now: datetime) -> int | None:
    """Move the asked-back flag with the patient's answer; its id, or None when it is
    no longer open (a nurse took it: the answer then opens a flag of its own)."""
    flag = session.query(Flag).filter(Flag.message_id == asked_message_id,
                                      Flag.reason == REASON).one_or_none()
    if flag is None:
        return None
    keys = {f.key for f in result.findings}
    raised = TRIAGE_TO_FLAG.get(result.level)
    if flag.status != FlagStatus.OPEN:
        _event(session, flag.id, now, FlagAction.ANSWERED,
               f"the patient answered ({result.level}) after the flag was "
               f"{flag.status}; the answer is read on its own")
        return None
    said = "; ".join(f.label for f in result.findings) or "nothing a reader could place"
    if raised is not None:
        if LEVEL_ORDER[raised] < LEVEL_ORDER[flag.level]:
            _move(session, flag, raised, findings)
            action, text = FlagAction.RAISED, f"the patient answered: {said}; raised to {raised}"
        else:
            action, text = FlagAction.ANSWERED, f"the patient answered: {said}; stays {flag.level}"
    elif NONE_KEY in keys:
        _move(session, flag, FlagLevel.ROUTINE, findings)
        action = FlagAction.DENIED
        text = (f"the patient answered 0: denied every red flag ({said}); lowered to "
                "routine, nobody is paged")
    else:
        action = FlagAction.ANSWERED
        text = f"the patient answered: {said} ({result.level}); stays {flag.level}"
    _event(session, flag.id, now, action, f"{text} (message {message_id})")
    return flag.id


def _move(session: Session, flag: Flag, level: FlagLevel, findings: list[dict[str, Any]]) -> None:
    """A new level re-arms the escalation from scratch (routine is never paged)."""
    flag.level = level
    flag.findings = [*(flag.findings or []), *findings]
    if flag.escalation_step == 0 or level == FlagLevel.ROUTINE:
        flag.next_escalation_at = None


def _event(session: Session, flag_id: int, now: datetime, action: FlagAction,
           text: str) -> None:
    session.flush()
    session.connection().execute(INSERT_EVENT, {
        "flag_id": flag_id, "at": now, "actor": "patient", "action": action,
        "detail": text})
