"""Measure the triage engine against labelled messages.

The figures follow the safety rules of the policy: red-flag sensitivity and
emergency recall (never miss), false-alarm rate on ok/mild messages (do not page
nurses for nothing) and exact-level accuracy, overall and per language.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import PriorFinding, triage
from .rulebook import Rulebook

RED_FLAGS = frozenset({"emergency", "urgent"})
QUIET = frozenset({"ok", "mild"})


@dataclass(frozen=True)
class Miss:
    """One message whose predicted level differs from the label."""

    text: str
    expected: str
    predicted: str
    lang: str

    @property
    def is_safety_miss(self) -> bool:
        """A red flag predicted as non-red-flag (or an emergency predicted lower)."""
        return (self.expected in RED_FLAGS and self.predicted not in RED_FLAGS) or (
            self.expected == "emergency" and self.predicted != "emergency")


@dataclass
class Scores:
    """Counts for one slice of the data (all messages or one language)."""

    total: int = 0
    exact: int = 0
    red_flags: int = 0
    red_flags_caught: int = 0
    emergencies: int = 0
    emergencies_caught: int = 0
    quiet: int = 0
    false_alarms: int = 0

    def add(self, expected: str, predicted: str) -> None:
        """Count one labelled prediction."""
        self.total += 1
        self.exact += expected == predicted
        if expected in RED_FLAGS:
            self.red_flags += 1
            self.red_flags_caught += predicted in RED_FLAGS
        if expected == "emergency":
            self.emergencies += 1
            self.emergencies_caught += predicted == "emergency"
        if expected in QUIET:
            self.quiet += 1
            self.false_alarms += predicted in RED_FLAGS

    @property
    def red_flag_sensitivity(self) -> float:
        return _ratio(self.red_flags_caught, self.red_flags)

    @property
    def emergency_recall(self) -> float:
        return _ratio(self.emergencies_caught, self.emergencies)

    @property
    def false_alarm_rate(self) -> float:
        return _ratio(self.false_alarms, self.quiet, empty=0.0)

    @property
    def accuracy(self) -> float:
        return _ratio(self.exact, self.total)


def _ratio(part: int, whole: int, empty: float = 1.0) -> float:
    """Rates over an empty slice are reported as perfect (nothing was missed)."""
    return part / whole if whole else empty


@dataclass
class EvalReport:
    """Overall and per-language scores plus every miss."""

    overall: Scores = field(default_factory=Scores)
    by_language: dict[str, Scores] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    # language -> (expected, predicted) -> count
    confusion: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    # expected level -> messages asked back (read as unclear, the patient asked the
    # numbered red-flag question and a nurse flagged urgent)
    asked_back: Counter[str] = field(default_factory=Counter)

    def meets(self, min_sensitivity: float = 1.0, min_emergency_recall: float = 1.0,
              max_false_alarms: float = 0.03, min_accuracy: float = 0.95) -> bool:
        """Whether the overall figures meet the project's thresholds."""
        s = self.overall
        return (s.red_flag_sensitivity >= min_sensitivity
                and s.emergency_recall >= min_emergency_recall
                and s.false_alarm_rate <= max_false_alarms and s.accuracy >= min_accuracy)


def evaluate(cases: Iterable[Mapping[str, Any]], rulebook: Rulebook | None = None) -> EvalReport:
    """Triage every case and score the results.

    A case is {"text", "expect"} with optional "lang", "question" (the check-in template
    the text answers, e.g. "checkin_late") and "history" (earlier findings:
    [{"key": "headache", "level": "mild", "at": "2026-11-10T09:00:00+00:00"}, ...]).
    """
    report = EvalReport()
    for case in cases:
        text, expected = str(case["text"]), str(case["expect"])
        lang = str(case.get("lang") or "en")
        question = case.get("question")
        result = triage(text, lang=lang, rulebook=rulebook,
                        question=str(question) if question else None,
                        history=parse_history(case.get("history")))
        predicted = result.level
        report.overall.add(expected, predicted)
        report.by_language.setdefault(lang, Scores()).add(expected, predicted)
        report.confusion.setdefault(lang, Counter())[(expected, predicted)] += 1
        if result.ask_back:
            report.asked_back[expected] += 1
        if predicted != expected:
            report.misses.append(Miss(text, expected, predicted, lang))
    return report


def parse_history(raw: Any) -> tuple[PriorFinding, ...]:
    """The optional "history" of an eval case as PriorFinding objects."""
    if not raw:
        return ()
    if not isinstance(raw, list):
        raise ValueError("\"history\" must be a list of {key, level, at}")
    try:
        return tuple(PriorFinding(str(h["key"]), str(h["level"]), datetime.fromisoformat(h["at"]))
                     for h in raw)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"bad \"history\" entry: {exc}") from exc


def load_cases(path: str | Path) -> list[dict[str, Any]]:
    """Read a JSONL file of labelled cases, skipping blank lines."""
    with Path(path).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _format_scores(name: str, s: Scores) -> str:
    return (f"{name:<8} n={s.total:<4} red-flag sensitivity {s.red_flag_sensitivity:6.1%} "
            f"({s.red_flags_caught}/{s.red_flags})  emergency recall {s.emergency_recall:6.1%} "
            f"({s.emergencies_caught}/{s.emergencies})  false alarms {s.false_alarm_rate:5.1%} "
            f"({s.false_alarms}/{s.quiet})  exact {s.accuracy:6.1%} ({s.exact}/{s.total})")


def format_summary(report: EvalReport) -> str:
    """The figures only: overall and per language."""
    lines = [_format_scores("overall", report.overall)]
    lines += [_format_scores(lang, s) for lang, s in sorted(report.by_language.items())]
    return "\n".join(lines)


LEVELS = ("emergency", "urgent", "mild", "ok", "unclear")


def format_confusion(report: EvalReport) -> str:
    """Per language, rows = expected level, columns = the reading's level."""
    lines = []
    for lang, counts in sorted(report.confusion.items()):
        lines.append(f"confusion [{lang}] expected \\ read: " + " ".join(
            f"{level[:9]:>9}" for level in LEVELS))
        for expected in LEVELS:
            row = [counts.get((expected, predicted), 0) for predicted in LEVELS]
            if any(row):
                lines.append(f"  {expected:<31}" + " ".join(f"{n:>9}" for n in row))
    if report.asked_back:
        lines.append("asked back (unclear, patient sent the numbered question, urgent flag): "
                     + ", ".join(f"{n} {level}" for level, n in sorted(report.asked_back.items())))
    return "\n".join(lines)


def format_report(report: EvalReport) -> str:
    """Human-readable summary; safety misses are listed first and marked with '!'."""
    lines = [format_summary(report), format_confusion(report)]
    if report.misses:
        lines.append(f"misses ({len(report.misses)}):")
        for miss in sorted(report.misses, key=lambda m: not m.is_safety_miss):
            mark = "!" if miss.is_safety_miss else " "
            lines.append(f" {mark} [{miss.lang}] expected {miss.expected:<9} got "
                         f"{miss.predicted:<9} {miss.text!r}")
    return "\n".join(lines)
