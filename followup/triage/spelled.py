"""Temperatures said in words: voice-to-text and older patients write "one oh one
point five", "a hundred and two", "treinta y ocho y medio".

A run of number words becomes one number token (the same kind the tokenizer makes for
"101.5"), so the rulebook's thresholds read it like digits. Only where it can be a
temperature: the run is more than a lone small word ("one side", "only once" keep their
words), its value lies in a thermometer's range, and a temperature word is near it or it
is told with its decimal ("tengo treinta y ocho y medio y escalofríos"), as "38.5" is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .rulebook import TemperatureRules
from .text import Token

_DIGITS = {"zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
           "six": 6, "seven": 7, "eight": 8, "nine": 9,
           "cero": 0, "uno": 1, "un": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4,
           "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9}
_TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
          "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
          "diez": 10, "once": 11, "doce": 12, "trece": 13, "catorce": 14, "quince": 15,
          "dieciseis": 16, "diecisiete": 17, "dieciocho": 18, "diecinueve": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90, "veinte": 20, "treinta": 30, "cuarenta": 40,
         "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90}
_HUNDRED = frozenset({"hundred", "cien", "ciento"})
_POINT = frozenset({"point", "punto", "coma"})
_AND = frozenset({"and", "y", "a"})
_HALF = (("and", "a", "half"), ("y", "medio"), ("y", "media"))
_NUMBER_WORDS = frozenset(_DIGITS) | frozenset(_TEENS) | frozenset(_TENS) | _HUNDRED
_STARTS = _NUMBER_WORDS | {"a"}  # "a hundred and two"
_RANGES = ((35.0, 45.0), (95.0, 110.0))


def spelled_temperatures(tokens: list[Token], rules: TemperatureRules) -> list[Token]:
    """`tokens` with each spelled-out temperature replaced by one number token."""
    if not any(t.text in _TENS or t.text in _HUNDRED or (
            t.text in _DIGITS and k + 1 < len(tokens) and tokens[k + 1].text in _DIGITS)
               for k, t in enumerate(tokens)):
        return tokens  # a reading needs a tens or hundreds word, or digits said one by one
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        parsed = _parse(tokens, i) if tokens[i].text in _STARTS else None
        if parsed is not None:
            value, decimal, end = parsed
            # a reading told with its decimal ("treinta y ocho y medio") is one, like
            # "38.5" in digits, unless a unit says what else it counts ("thirty eight and
            # a half weeks")
            told_to_the_half = decimal and not (
                end < len(tokens) and tokens[end].text in rules.other_units)
            near = any(t.text in rules.words
                       for t in tokens[max(0, i - rules.window): end + rules.window]) \
                or told_as_the_reading(tokens, i, rules) or told_to_the_half
            if near and any(low <= value <= high for low, high in _RANGES):
                out.append(replace(tokens[i], text="", end=tokens[end - 1].end, kind="num",
                                   value=value, decimal=decimal))
                i = end
                continue
        out.append(tokens[i])
        i += 1
    return out


def told_as_the_reading(tokens: Sequence[Token], i: int, rules: TemperatureRules) -> bool:
    """Whether the number at `i` follows a word of `reads` ("la temperatura de mi hijo es
    de 39"), with a temperature word further back (`reads_reach` words at most) and no
    number or comma between."""
    if i == 0 or tokens[i - 1].text not in rules.reads:
        return False
    for t in reversed(tokens[max(0, i - rules.reads_reach):i - 1]):
        if t.kind in ("num", "soft", "hard"):
            return False
        if t.text in rules.words:
            return True
    return False


def point_dropped(tokens: list[Token], temperature_words: frozenset[str],
                  window: int) -> list[Token]:
    """`tokens` with a reading whose decimal point was lost joined again: "temp 100 8",
    "38 5 de fiebre" (voice-to-text and a thumb that missed the dot). Only a whole number
    in a thermometer's range, one space, then one digit, with a temperature word near."""
    joined: dict[int, Token] = {}
    for k in range(len(tokens) - 1):
        first, second = tokens[k], tokens[k + 1]
        if first.kind != "num" or second.kind != "num" or first.decimal or second.decimal \
                or first.unit is not None or second.unit is not None \
                or first.value is None or second.value is None or k - 1 in joined \
                or second.start != first.end + 1 or second.end - second.start != 1 \
                or not any(low <= first.value <= high for low, high in _RANGES) \
                or not any(t.text in temperature_words
                           for t in tokens[max(0, k - window):k + 2 + window]):
            continue
        joined[k] = replace(first, text=f"{first.text}.{second.text}", end=second.end,
                            value=first.value + second.value / 10, decimal=True)
    if not joined:
        return tokens
    return [joined.get(k, t) for k, t in enumerate(tokens) if k - 1 not in joined]


def _parse(tokens: Sequence[Token], i: int) -> tuple[float, bool, int] | None:
    """(value, written with decimals, index after the run) of the run at `i`, or None."""
    words: list[str] = []
    j = i
    while j < len(tokens) and tokens[j].kind == "word" and (
            tokens[j].text in _NUMBER_WORDS or (tokens[j].text in _AND and j + 1 < len(tokens)
                                                and tokens[j + 1].text in _NUMBER_WORDS)):
        words.append(tokens[j].text)
        j += 1
    whole = _whole(words)
    if whole is None or (len([w for w in words if w not in _AND]) < 2 and whole < 100):
        return None  # a lone "one" or "two" is a count, not a reading
    if j + 1 < len(tokens) and tokens[j].text in _POINT:
        k = j + 1
        digits = ""
        while k < len(tokens) and tokens[k].text in _DIGITS:
            digits += str(_DIGITS[tokens[k].text])
            k += 1
        if digits:
            return whole + float("0." + digits), True, k
    half = half_at(tokens, j)
    if half:
        return whole + 0.5, True, j + half
    return float(whole), False, j


def amount(tokens: Sequence[Token], i: int) -> tuple[float, int] | None:
    """(value, index after it) of an amount told at `i`: digits or one number word ("2",
    "dos", "five"; not "oh", "un", "once", which are words first), with a half said
    right after it ("two and a half"); None when `i` holds no amount."""
    token = tokens[i]
    if token.kind == "num" and token.value is not None and token.unit is None:
        value = token.value
    elif token.kind == "word" and (token.text in _DIGITS or token.text in _TEENS) \
            and token.text not in ("oh", "una", "un", "uno", "once"):
        value = float(_DIGITS.get(token.text, _TEENS.get(token.text, 0)))
    else:
        return None
    half = half_at(tokens, i + 1)
    return value + (0.5 if half else 0.0), i + 1 + half


def half_at(tokens: Sequence[Token], i: int) -> int:
    """How many tokens from `i` say "and a half" / "y medio" (0 when they do not)."""
    for half in _HALF:
        if tuple(t.text for t in tokens[i:i + len(half)]) == half:
            return len(half)
    return 0


def _whole(words: Sequence[str]) -> int | None:
    """"one oh one" -> 101 (digit by digit), "a hundred and two" -> 102, "treinta y ocho"
    -> 38; None when the words do not make one number."""
    said = [w for w in words if w not in _AND]
    if not said:
        return None
    if len(said) >= 2 and all(w in _DIGITS for w in said):
        return int("".join(str(_DIGITS[w]) for w in said))
    total, current = 0, 0
    for word in said:
        if word in _HUNDRED:
            total += (current or 1) * 100
            current = 0
        elif word in _TENS and current % 100 == 0:
            current += _TENS[word]
        elif word in _TEENS and current % 100 == 0:
            current += _TEENS[word]
        elif word in _DIGITS and current % 10 == 0:
            current += _DIGITS[word]
        else:
            return None
    return total + current
