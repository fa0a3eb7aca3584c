"""Patient-facing SMS wording: rendering the templates and counting SMS segments.

The words patients read live in ``templates/sms/<lang>/<name>.txt`` so they can be
reviewed (clinically and for translation) without reading Python. This module only
renders them and tells the caller how many SMS segments a text will cost, because
every extra segment costs money and a long text may arrive split or out of order.

Rendering rules and why:

* autoescape is off: this is plain SMS, HTML escaping would put ``&amp;`` in texts.
* StrictUndefined: a misspelt or forgotten variable must fail loudly in tests,
  never send "Hi , call  now" to a patient.
* ``None`` renders as an empty string (``finalize``), so an optional value that
  is switched off can never show up as the word "None" on a patient's phone.
* ``product`` defaults to ``None``: the drug name is opt-in per clinic, so callers
  that do not show it need not pass it.
* Whitespace is normalised: each template line is one output line, runs of
  spaces collapse to one, blank lines are dropped and the text is stripped.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from followup.resources import templates_dir

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "TEMPLATE_DIR",
    "render_sms",
    "sms_segments",
    "template_names",
]

TEMPLATE_DIR: Path = templates_dir() / "sms"
LANGUAGES: tuple[str, ...] = ("en", "es")
DEFAULT_LANGUAGE = "en"

# Context values that may be left out by the caller (see module docstring).
_OPTIONAL_DEFAULTS: dict[str, object] = {"product": None, "about": None, "alerts": ()}

_NAME_RE = re.compile(r"^[a-z0-9_]+$")
_HSPACE_RE = re.compile(r"[^\S\n]+")  # any whitespace except newline


def _finalize(value: Any) -> Any:
    """Render ``None`` as nothing: an SMS must never say "None"."""
    return "" if value is None else value


# Built once at import: parsing templates on every text would be wasted work, and
# jinja's own cache only helps if the Environment is reused.
_ENV = Environment(
    loader=FileSystemLoader(str(TEMPLATE_DIR), encoding="utf-8"),
    autoescape=False,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
    finalize=_finalize,
)


def _language(lang: str | None) -> str:
    """Map a stored language tag to one we have texts for.

    Patients' records may say "es-MX", "ES" or something we do not translate yet;
    an English text is better than no text at all.
    """
    base = (lang or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def _normalise(text: str) -> str:
    """Clean up rendered text so template layout never leaks into the SMS.

    Every space or newline costs a character, and stray blank lines look broken
    on a phone, so: collapse spaces within a line, strip each line, drop empty
    lines, keep single newlines between the remaining lines.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = (_HSPACE_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def render_sms(name: str, lang: str, **context: object) -> str:
    """Render the SMS template ``name`` in ``lang`` and return clean text.

    With ``about`` (a first name), the text starts by naming whom it is
    about: the phone is shared, so "Thanks for your reply" alone would not
    say which patient. Unknown languages fall back to English. A missing template raises
    ``jinja2.TemplateNotFound``; a missing variable raises ``jinja2.UndefinedError``.
    """
    if not _NAME_RE.fullmatch(name):
        # Names come from code, not patients, but refuse paths anyway.
        raise ValueError(f"invalid SMS template name {name!r}")
    template = _ENV.get_template(f"{_language(lang)}/{name}.txt")
    text = _normalise(template.render({**_OPTIONAL_DEFAULTS, **context}))
    about = context.get("about")
    if about:
        # A phone shared by a household: say whom the text is about (first name).
        prefix = _ENV.get_template(f"{_language(lang)}/about.txt").render(about=about)
        text = f"{_normalise(prefix)} {text}"
    return text


def template_names(lang: str) -> list[str]:
    """Names (without ``.txt``) of the templates available in ``lang``, sorted.

    Uses the same language fallback as :func:`render_sms`, so a name listed here
    can always be rendered with the same ``lang``.
    """
    folder = TEMPLATE_DIR / _language(lang)
    return sorted(p.stem for p in folder.glob("*.txt") if p.is_file())


# --- SMS segment counting ---------------------------------------------------------
#
# GSM 03.38 default alphabet. Texts made only of these characters are sent as 7-bit
# GSM (160 characters in one SMS, 153 per part when split). The extension table
# characters need an escape, so each costs two. Anything else forces the whole
# text into UCS-2 (70 UTF-16 code units in one SMS, 67 per part). Note that the
# basic set has é, ñ, ¿ and ¡ but not á, í, ó or ú.
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

_GSM7_SINGLE, _GSM7_MULTI = 160, 153
_UCS2_SINGLE, _UCS2_MULTI = 70, 67


def _pack(costs: list[int], single: int, multi: int) -> int:
    """Count segments, never splitting one character across two segments.

    Phones and providers keep an escape sequence (GSM) or a surrogate pair (UCS-2)
    in one part, so a part may hold one unit less than its nominal size.
    """
    total = sum(costs)
    if total == 0:
        return 0
    if total <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments += 1
            used = 0
        used += cost
    return segments


def sms_segments(text: str) -> int:
    """Number of SMS segments ``text`` is billed as (0 for an empty text).

    Used by tests to keep every template within two segments, and available to
    the caller to check free text (e.g. a nurse's message) before sending.
    """
    if all(ch in _GSM7_BASIC or ch in _GSM7_EXTENSION for ch in text):
        costs = [2 if ch in _GSM7_EXTENSION else 1 for ch in text]
        return _pack(costs, _GSM7_SINGLE, _GSM7_MULTI)
    costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]  # UTF-16 code units
    return _pack(costs, _UCS2_SINGLE, _UCS2_MULTI)
