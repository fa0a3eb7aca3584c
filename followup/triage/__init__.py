"""Triage of patient SMS replies after an IVIG infusion.

Public API (other modules code against exactly this)::

    from followup.triage import triage, load_rulebook, TriageResult, Finding, RulebookError

The clinical content lives in the data file `rulebook.toml`; the code here only
reads it. `triage()` uses the bundled rulebook, loaded once and cached.
"""

from __future__ import annotations

from functools import lru_cache

from .engine import Finding, TriageResult, analyse
from .rulebook import Rulebook, RulebookError, load_rulebook

__all__ = ["Finding", "Rulebook", "RulebookError", "TriageResult", "load_rulebook", "triage"]


@lru_cache(maxsize=1)
def _default_rulebook() -> Rulebook:
    return load_rulebook()


def triage(text: str, lang: str | None = None, rulebook: Rulebook | None = None) -> TriageResult:
    """Triage one patient message.

    `lang` is only a hint for the reply language when the text itself does not
    tell ("ok", "👍"); the findings never depend on it, because patients mix
    languages.
    """
    return analyse(text or "", lang, rulebook if rulebook is not None else _default_rulebook())
