"""Triage of patient SMS replies after an IVIG infusion.

Public API (other modules code against exactly this)::

    from followup.triage import (triage, load_rulebook, TriageResult, Finding, PriorFinding,
                                 RulebookError)

The clinical content lives in the data file `rulebook.toml`; the code here only
reads it. `triage()` uses the bundled rulebook, loaded once and cached.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from .engine import Finding, PriorFinding, TriageResult, analyse
from .rulebook import Rulebook, RulebookError, load_rulebook

__all__ = ["Finding", "PriorFinding", "Rulebook", "RulebookError", "TriageResult", "load_rulebook",
           "triage"]


@lru_cache(maxsize=1)
def _default_rulebook() -> Rulebook:
    return load_rulebook()


def triage(text: str, lang: str | None = None, rulebook: Rulebook | None = None, *,
           question: str | None = None, history: Sequence[PriorFinding] = ()) -> TriageResult:
    """Triage one patient message.

    `lang` is only a hint for the reply language when the text itself does not
    tell ("ok", "👍"); the findings never depend on it, because patients mix
    languages.

    `question` is the template name of the check-in this message answers
    ("checkin_early", "checkin_late") or None; a bare "yes"/"no"/"1"/"2" is read
    against it (an unknown name is treated like None). `history` holds the patient's
    findings from earlier messages within the window the caller chose; a mild finding
    reported again and worse escalates. `TriageResult.reasons` says why.
    """
    book = rulebook if rulebook is not None else _default_rulebook()
    return analyse(text or "", lang, book, question, history)
