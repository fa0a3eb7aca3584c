"""Normalisation and tokenisation of patient text messages.

Patients type on phones: capitals, accents (or no accents), curly apostrophes,
emoji, "sooo", "38,5º". Everything downstream (rulebook phrases and messages)
goes through the same `normalise` so that a clinician can write "rígido" or
"can't" in the rulebook and still match "rigido" or "cant" in a message.
Every token keeps its character span in the ORIGINAL message so the nurse sees
the patient's own words in `Finding.matched`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Curly/backtick apostrophes -> "'"; the ordinal sign in "38º" -> the degree sign.
_APOSTROPHES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u00ba": "\u00b0"})

# Order matters: pain scores before numbers, numbers (with units) before words.
# A score that moves, "gone from a 3 to about an 8", "de un 3 a un 8", is read as the
# score it reached (a count of days, hours or times is not a score).
_TOKEN_RE = re.compile(
    r"(?P<score>\b(?P<score_n>\d{1,2})\s*(?:/|out\s+of|outta|de|sobre)\s*10\b)"
    r"|(?P<range>\b(?:from|de|del)\s+(?:(?:a|an|un|una)\s+)?(?P<range_a>10|\d)\s+"
    r"(?:to|a|al)\s+(?:(?:about|around|like|maybe|an|a|un|una|como|unos)\s+){0,2}"
    r"(?P<range_b>10|\d)\b(?!\s*(?:[.,]\d|%|\u00b0|days?|hours?|hrs?|times?|pm|am|weeks?|mins?"
    r"|minutes?|years?|months?|dias?|horas?|veces|semanas?|minutos?|anos?|meses?)\b))"
    r"|(?P<num>\b\d{1,3}(?:[.,]\d{1,2})?(?!\d))"
    r"(?:\s*(?P<pct>%))?"
    r"(?:\s*(?P<deg>\u00b0|degrees?\b|deg\b|grados?\b))?"
    r"(?:\s*(?P<unit>c|f|celsius|centigrados?|fahrenheit)\b)?"
    r"|(?P<word>[a-z0-9]+(?:'[a-z]+)*)"
    r"|(?P<hard>[.!?;:\n\u2026\u00bf\u00a1]+)"
    r"|(?P<soft>,|\s[-\u2013\u2014]+\s|[()\[\]])"
    r"|(?P<sym>[^\w\s'\-/+*&#@$%^=<>|\\~\"])"
)

_KINDS = ("score", "range", "num", "word", "hard", "soft", "sym")
# The kind of a token by the last group its match closed: a number's unit, degree sign or
# percent closes after the number itself; a score's or range's inner groups close before
# the outer one.
_KIND_OF = {**{k: k for k in _KINDS}, "pct": "num", "deg": "num", "unit": "num"}
SOFT = ","  # text of a soft clause boundary token


@dataclass(frozen=True, slots=True)
class Token:
    """One unit of a message: a word, a number, a symbol or a clause boundary."""

    text: str
    start: int
    end: int
    kind: str  # "word" | "num" | "score" | "sym" | "soft" | "hard"
    value: float | None = None
    unit: str | None = None  # "c", "f", "" (degree sign only) or "%" for numbers; None = no unit
    decimal: bool = False  # a number written with decimals ("37.5", "38,2")


@lru_cache(maxsize=4096)  # per character of every message: the same few hundred recur
def strip_accents(ch: str) -> str:
    """Lower-case one character and drop its diacritics ("Í" -> "i", "ñ" -> "n")."""
    decomposed = unicodedata.normalize("NFKD", ch.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not _is_modifier(c))


def _is_modifier(c: str) -> bool:
    # Emoji skin tones and variation selectors carry no meaning for triage.
    return unicodedata.category(c) == "Sk" or "\ufe00" <= c <= "\ufe0f" or c == "\u200d"


def normalise(text: str) -> tuple[str, list[int]]:
    """Return the lower-cased, accent-free text and, per character, its offset in `text`."""
    norm, offsets = _normalised(text)
    return norm, list(offsets)


# One message is normalised by its tokens and by the steps that read its folded text:
# kept for the last few messages only, like `_tokens`.
@lru_cache(maxsize=8)
def _normalised(text: str) -> tuple[str, tuple[int, ...]]:
    text = text.translate(_APOSTROPHES)
    if text.isascii():
        return text.lower(), tuple(range(len(text)))
    chars: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        for c in strip_accents(ch):
            chars.append(c)
            offsets.append(i)
    return "".join(chars), tuple(offsets)


def folded(text: str) -> str:
    """`normalise(text)` without the offsets, for the few steps of one message's reading
    that each look at its lower-cased, accent-free text (worked out once per message)."""
    return _normalised(text)[0]


def normalise_phrase(text: str) -> str:
    """Normalise a rulebook word the same way message words are normalised."""
    norm, _ = normalise(text)
    return norm.replace("'", "")


def tokenize(text: str) -> list[Token]:
    """Split a raw message into tokens with spans in the raw text."""
    return list(_tokens(text))


# One message is tokenised by several steps of its reading (numbered answers, who and
# when, the rulebook, the topics): the last few are kept, so each is worked out once.
# Kept small on purpose: it serves one message, not a cache of all messages ever seen.
@lru_cache(maxsize=8)
def _tokens(text: str) -> tuple[Token, ...]:
    norm, offsets = _normalised(text)
    tokens: list[Token] = []
    for m in _TOKEN_RE.finditer(norm):
        kind = _KIND_OF[m.lastgroup or ""]
        start, end = offsets[m.start()], offsets[m.end() - 1] + 1
        tokens.append(_make_token(m, kind, start, end))
    return tuple(tokens)


def _make_token(m: re.Match[str], kind: str, start: int, end: int) -> Token:
    if kind == "score":
        return Token("", start, end, "score", value=float(m.group("score_n")))
    if kind == "range":  # only a rise reads as its top: "from 8 to 3" is a score of 3
        return Token("", start, end, "score", value=float(m.group("range_b")))
    if kind == "num":
        unit = m.group("unit")
        unit_code = "%" if m.group("pct") else (
            unit[0] if unit else ("" if m.group("deg") else None))
        num = m.group("num")
        value = float(num.replace(",", "."))
        return Token("", start, end, "num", value=value, unit=unit_code,
                     decimal=not num.isdigit())
    if kind == "word":
        return Token(m.group("word").replace("'", ""), start, end, "word")
    if kind == "soft":
        return Token(SOFT, start, end, "soft")
    if kind == "hard":
        return Token(".", start, end, "hard")
    return Token(m.group(), start, end, "sym")


_RUN3 = re.compile(r"(.)\1{2,}")


def squeeze_variants(word: str) -> tuple[str, ...]:
    """Spellings to try for stretched words: "sooo" -> ("soo", "so")."""
    if not _RUN3.search(word):
        return ()
    return (_RUN3.sub(r"\1\1", word), _RUN3.sub(r"\1", word))


# Letters that sound alike in Spanish, so people who write by ear swap them:
# "cabesa", "toci", "bomito", "desmalle", "horinado", "inchado", "ynchado".
_BY_EAR = (("s", "z"), ("z", "s"), ("s", "c"), ("c", "s"), ("b", "v"), ("v", "b"),
           ("y", "ll"), ("ll", "y"), ("k", "c"), ("c", "k"))
_BY_EAR_START = (("h", ""), ("", "h"), ("y", "hi"), ("i", "hi"))
# English endings written as they sound: "chest tite", "brite lites" (round 119).
_BY_EAR_END = (("ite", "ight"),)


def sound_alike_variants(word: str) -> list[str]:
    """Spellings one by-ear slip away: one letter group before a vowel swapped, a
    silent "h" dropped or added at the start ("mall" stays: its "ll" ends it), an
    ending written as it sounds ("tite" for "tight"), or a Spanish "ll" lost after an
    "i" ("amarios" for "amarillos").
    Only tried for words that are not known."""
    out: list[str] = []
    for old, new in _BY_EAR_START:
        if word.startswith(old):
            out.append(new + word[len(old):])
    out.extend(word[:-len(old)] + new for old, new in _BY_EAR_END if word.endswith(old))
    # the "ll" (a "y" sound) heard into the "i" before it: "amarios", "tobio" (round 118)
    out.extend(word[:at + 1] + "ll" + word[at + 1:] for at in range(1, len(word) - 1)
               if word[at] == "i" and word[at + 1] in "aoe")
    for old, new in _BY_EAR:
        at = word.find(old)
        while at != -1:
            after = at + len(old)
            if after < len(word) and word[after] in "aeiou":  # sounds alike only before a vowel
                out.append(word[:at] + new + word[after:])
            at = word.find(old, at + 1)
    return out

