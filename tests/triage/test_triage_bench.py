"""The triage benchmark's size: a steady figure in a bounded time as the labelled set grows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from followup.triage.bench import READINGS, main, passes


def test_passes_time_about_a_fixed_number_of_readings() -> None:
    """Ten passes over 99,004 messages took over nine minutes; now as many passes as make
    about `READINGS` readings, and never none."""
    assert passes(99_004) == 2
    assert passes(1_000) == READINGS // 1_000
    assert passes(10 * READINGS) == 1
    assert passes(0) == READINGS


def test_the_bench_prints_its_rate_and_the_evaluation(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(json.dumps(c) for c in (
        {"text": "chest pain", "expect": "emergency", "lang": "en"},
        {"text": "feeling fine", "expect": "ok", "lang": "en"})) + "\n", encoding="utf-8")
    main([str(cases), "--repeat", "3"])
    out = capsys.readouterr().out
    assert "2 messages x 3:" in out and "messages/s (one core)" in out
    assert "red-flag sensitivity 100.0%" in out


def test_a_bad_repeat_is_refused_by_name(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text(json.dumps({"text": "ok", "expect": "ok"}) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="--repeat"):
        main([str(cases), "--repeat", "0"])
