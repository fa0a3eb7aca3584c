"""Throughput benchmark: `python -m followup.triage.bench` (not a test; timings vary by machine).

Times `triage()` over the labelled messages (with their check-in question and history,
as in production), repeated, on one core, after a warm-up pass so the one-off rulebook
load is not counted. The warm-up pass is the evaluation whose figures (red-flag
sensitivity, emergency recall, false alarms, exact) the same run prints. The passes are
as many as make about `READINGS` timed readings: the labelled set grows every session,
and ten passes over 99,000 messages (with the warm-up and a second evaluation pass) took
over nine minutes, near `make bench`'s limit for this step.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from . import PriorFinding, Rulebook, load_rulebook, triage
from .evaluate import evaluate, format_summary, load_cases, parse_history

Call = tuple[str, str | None, str | None, tuple[PriorFinding, ...]]

_REPO = Path(__file__).resolve().parents[2]
DEFAULT_FILES = (
    _REPO / "tests" / "data" / "triage" / "dev_cases.jsonl",
    *sorted((_REPO / "tests" / "triage").glob("cases_*.jsonl")),
)


READINGS = 200_000  # timed readings to aim for: a steady figure in a few minutes


def passes(messages: int, readings: int = READINGS) -> int:
    """How many timed passes over `messages` make about `readings` readings (at least 1)."""
    return max(1, round(readings / max(messages, 1)))


def run(calls: list[Call], repeat: int, book: Rulebook | None = None) -> float:
    """Return messages per second for `repeat` passes over `calls`, after a warm-up pass
    unless `book` is given (the caller has just read them all with it)."""
    warm = book is None
    book = book if book is not None else load_rulebook()
    for text, lang, question, history in calls if warm else ():
        triage(text, lang, book, question=question, history=history)  # fills the caches
    start = time.perf_counter()
    for _ in range(repeat):
        for text, lang, question, history in calls:
            triage(text, lang, book, question=question, history=history)
    elapsed = time.perf_counter() - start
    return len(calls) * repeat / elapsed


def main(argv: list[str] | None = None) -> None:
    """Print messages/s for the dev + extra cases (or the JSONL files given)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--repeat", type=int, default=None,
                        help=f"timed passes (default: about {READINGS:,} readings)")
    args = parser.parse_args(argv)
    cases = [c for f in args.files if f.exists() for c in load_cases(f)]
    if not cases:
        raise SystemExit("no cases found")
    if args.repeat is not None and args.repeat < 1:
        raise SystemExit("--repeat must be 1 or more")
    calls = [(str(c["text"]), c.get("lang"), c.get("question"), parse_history(c.get("history")))
             for c in cases]
    book = load_rulebook()
    summary = format_summary(evaluate(cases, book))  # the warm-up pass
    repeat = args.repeat if args.repeat is not None else passes(len(calls))
    rate = run(calls, repeat, book)
    print(f"{len(calls)} messages x {repeat}: {rate:,.0f} messages/s (one core)")
    print(summary)


if __name__ == "__main__":
    main()
