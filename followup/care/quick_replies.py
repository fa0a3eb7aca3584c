"""Quick replies: a clinic's ready-made texts, one tap from the queue.

Defaults live with the other patient-facing words
(``templates/sms/<lang>/quick_replies.toml``); a clinic that edits them gets
its own rows (``QuickReply``) for that language, which then replace the
defaults. A reply may name the patient and the clinic's numbers through
``{first_name}``, ``{clinic_phone}`` and ``{emergency_number}``, nothing else:
the least PHI in a text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from followup.messaging.notify import clinic_context
from followup.messaging.texts import LANGUAGES, TEMPLATE_DIR, sms_segments
from followup.models import Clinic, Patient, QuickReply

MAX_SEGMENTS = 2
TITLE_MAX = 60
PLACEHOLDERS = ("first_name", "clinic_phone", "emergency_number")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
# What a reply is checked against: the longest first name we plan for.
_WORST = {"first_name": "Maximiliana-Josefina", "clinic_phone": "(555) 010-2000",
          "emergency_number": "911"}


@dataclass(frozen=True)
class Reply:
    key: str  # "d3" for the third default, or the row id as a string
    language: str
    title: str
    body: str


@cache
def defaults(language: str) -> tuple[Reply, ...]:
    path = TEMPLATE_DIR / language / "quick_replies.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(Reply(f"d{i}", language, r["title"], r["body"])
                 for i, r in enumerate(data.get("reply", []), start=1))


def for_clinic(session: Session, clinic_id: int, language: str) -> list[Reply]:
    """The clinic's own replies in this language, or the defaults if it has none."""
    rows = session.scalars(select(QuickReply).where(
        QuickReply.clinic_id == clinic_id, QuickReply.language == language)
        .order_by(QuickReply.position, QuickReply.id)).all()
    if rows:
        return [Reply(str(r.id), r.language, r.title, r.body) for r in rows]
    return list(defaults(language)) if language in LANGUAGES else []


def find(session: Session, clinic_id: int, language: str, key: str) -> Reply | None:
    return next((r for r in for_clinic(session, clinic_id, language) if r.key == key), None)


def problem(title: str, body: str) -> str | None:
    """Why a reply cannot be saved, in words; None if it can."""
    if not title.strip():
        return "give it a short title"
    if len(title) > TITLE_MAX:
        return f"the title is too long (at most {TITLE_MAX} characters)"
    if not body.strip():
        return "the text is empty"
    unknown = sorted({m for m in _PLACEHOLDER_RE.findall(body) if m not in PLACEHOLDERS})
    if unknown:
        return ("unknown placeholder " + ", ".join("{" + u + "}" for u in unknown)
                + "; use " + ", ".join("{" + p + "}" for p in PLACEHOLDERS))
    worst = fill(body, _WORST)
    if sms_segments(worst) > MAX_SEGMENTS:
        return (f"too long: {sms_segments(worst)} SMS segments with a long first name; "
                f"at most {MAX_SEGMENTS}")
    return None


def fill(body: str, values: dict[str, str]) -> str:
    return _PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), body)


def text_for(reply: Reply, patient: Patient, clinic: Clinic) -> str:
    ctx = clinic_context(clinic)
    return fill(reply.body, {"first_name": patient.first_name,
                             "clinic_phone": ctx["clinic_phone"],
                             "emergency_number": ctx["emergency_number"]})


def replace_all(session: Session, clinic_id: int, language: str,
                replies: list[tuple[str, str]], now: datetime) -> None:
    """Store the clinic's list for a language (titles and bodies, in order).
    An empty list goes back to the defaults."""
    session.execute(delete(QuickReply).where(QuickReply.clinic_id == clinic_id,
                                             QuickReply.language == language))
    for position, (title, body) in enumerate(replies):
        session.add(QuickReply(clinic_id=clinic_id, language=language, title=title.strip(),
                               body=" ".join(body.split()), position=position,
                               created_at=now))
