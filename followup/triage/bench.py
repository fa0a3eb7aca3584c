"""Throughput benchmark: `python -m followup.triage.bench` (not a test; timings vary by machine).

Times `triage()` over the dev cases and the project's extra cases (with their check-in
question and history, as in production), repeated, on one core, after a warm-up pass so
the one-off rulebook load is not counted. The same run prints the evaluation figures
(red-flag sensitivity, emergency recall, false alarms, exact) of those cases.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from . import PriorFinding, load_rulebook, triage
from .evaluate import evaluate, format_summary, load_cases, parse_history

Call = tuple[str, str | None, str | None, tuple[PriorFinding, ...]]

_REPO = Path(__file__).resolve().parents[2]
DEFAULT_FILES = (
    _REPO / "tests" / "data" / "triage" / "dev_cases.jsonl",
    *sorted((_REPO / "tests" / "triage").glob("cases_*.jsonl")),
)


def run(calls: list[Call], repeat: int) -> float:
    """Return messages per second for `repeat` passes over `calls`."""
    book = load_rulebook()
    for text, lang, question, history in calls:  # warm-up: fills the fuzzy-correction cache
        triage(text, lang, book, question=question, history=history)
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
    # 10 passes over the 76,204 labelled messages time about 762,000 readings: enough for
    # a steady figure, within `make bench`'s limit for this step
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args(argv)
    cases = [c for f in args.files if f.exists() for c in load_cases(f)]
    if not cases:
        raise SystemExit("no cases found")
    calls = [(str(c["text"]), c.get("lang"), c.get("question"), parse_history(c.get("history")))
             for c in cases]
    rate = run(calls, args.repeat)
    print(f"{len(calls)} messages x {args.repeat}: {rate:,.0f} messages/s (one core)")
    print(format_summary(evaluate(cases)))


if __name__ == "__main__":
    main()
