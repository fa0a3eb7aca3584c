"""Throughput benchmark: `python -m followup.triage.bench` (not a test; timings vary by machine).

Times `triage()` over the dev cases and the project's extra cases, repeated, on one
core, after a warm-up pass so the one-off rulebook load is not counted.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from . import load_rulebook, triage
from .evaluate import load_cases

_REPO = Path(__file__).resolve().parents[2]
DEFAULT_FILES = (
    _REPO.parent / "shared" / "triage" / "dev_cases.jsonl",
    _REPO / "tests" / "triage" / "cases_extra.jsonl",
)


def run(texts: list[str], repeat: int) -> float:
    """Return messages per second for `repeat` passes over `texts`."""
    book = load_rulebook()
    for text in texts:  # warm-up: fills the fuzzy-correction cache like a running service
        triage(text, rulebook=book)
    start = time.perf_counter()
    for _ in range(repeat):
        for text in texts:
            triage(text, rulebook=book)
    elapsed = time.perf_counter() - start
    return len(texts) * repeat / elapsed


def main(argv: list[str] | None = None) -> None:
    """Print messages/s for the dev + extra cases (or the JSONL files given)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("files", nargs="*", type=Path, default=list(DEFAULT_FILES))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args(argv)
    texts = [str(c["text"]) for f in args.files if f.exists() for c in load_cases(f)]
    if not texts:
        raise SystemExit("no cases found")
    rate = run(texts, args.repeat)
    print(f"{len(texts)} messages x {args.repeat}: {rate:,.0f} messages/s")


if __name__ == "__main__":
    main()
