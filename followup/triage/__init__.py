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

from .choices import ChoiceBook, load_choices
from .engine import Finding, PriorFinding, TriageResult
from .reading import read
from .rulebook import DEFAULT_PATH, Rulebook, RulebookError, load_rulebook
from .second_reader import SecondReader, default_reader

__all__ = ["Finding", "PriorFinding", "Rulebook", "RulebookError", "SecondReader", "TriageResult",
           "load_rulebook", "triage"]

# `second_reader=DEFAULT` uses the reader fitted once per process on the shipped messages.
DEFAULT = "default"


@lru_cache(maxsize=1)
def _default_rulebook() -> Rulebook:
    return load_rulebook()


@lru_cache(maxsize=1)
def default_choices() -> ChoiceBook:
    """The numbered questions, checked against the bundled rulebook."""
    return load_choices(rulebook=_default_rulebook())


def triage(text: str, lang: str | None = None, rulebook: Rulebook | None = None, *,
           question: str | None = None, history: Sequence[PriorFinding] = (),
           second_reader: SecondReader | str | None = DEFAULT) -> TriageResult:
    """Triage one patient message.

    `lang` is only a hint for the reply language when the text itself does not
    tell ("ok", "👍"); the findings never depend on it, because patients mix
    languages.

    `question` is the template name of the check-in this message answers
    ("checkin_early", "checkin_late") or None; a bare "yes"/"no"/"1"/"2" is read
    against it (an unknown name is treated like None). `history` holds the patient's
    findings from earlier messages within the window the caller chose; a mild finding
    reported again and worse escalates. `TriageResult.reasons` says why.

    A question with numbered red flags (`choices.toml`: the check-ins, "askback") has
    its numbers read exactly. `second_reader` (None: the rulebook alone; by default the
    shipped one, with the bundled rulebook) may raise a message the rulebook found no
    red flag in. `TriageResult.ask_back` names the
    red-flag topics of a message nobody could place.
    """
    book = rulebook if rulebook is not None else _default_rulebook()
    # The default reader was validated beside the bundled rulebook only.
    if second_reader == DEFAULT:
        second = default_reader() if book.path == DEFAULT_PATH else None
    else:
        second = second_reader if isinstance(second_reader, SecondReader) else None
    return read(text or "", lang, book, default_choices(), question, history, second)
