"""Triage messages per second: runs ``python -m followup.triage.bench`` and reads its figure.

The triage team owns that benchmark (it also prints the evaluation scores);
this step runs it in a fresh process, passes its output through, and parses
the messages/s figure for the summary.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RATE = re.compile(r"([\d,]+(?:\.\d+)?) messages/s")


def bench() -> float | None:
    proc = subprocess.run([sys.executable, "-m", "followup.triage.bench"], cwd=REPO,
                          capture_output=True, text=True, timeout=900)
    for line in (proc.stdout + proc.stderr).splitlines():
        print(f"  {line}")
    if proc.returncode:
        return None
    match = RATE.search(proc.stdout)
    return float(match.group(1).replace(",", "")) if match else None


if __name__ == "__main__":
    bench()
