"""The APScheduler baseline measures what it says: the N check-ins of the
workload, not the warm-up, on both sides; and bad sizes are refused."""

from __future__ import annotations

import argparse

import pytest

from bench import baseline
from bench.common import positive


@pytest.mark.parametrize("way", sorted(baseline.WAYS))
def test_each_side_sends_exactly_the_workload_after_its_warm_up(way: str) -> None:
    out = baseline.child(way, 25, trace=True)
    assert out["sent"] == 25  # the warm-up's check-ins are neither sent again nor counted
    assert out["add_s"] > 0 and out["run_s"] > 0
    assert out["py_peak_mb"] == max(out["add_mb"], out["run_mb"]) > 0


def test_memory_growth_is_per_thousand_more_check_ins() -> None:
    row = {"add_s": 1.0, "run_s": 1.0, "py_peak_mb": 2.0, "big_py_peak_mb": 6.0}
    flat = {**row, "big_py_peak_mb": 2.0}
    r = baseline.BaselineResult(2000, ours=flat, theirs=row, big_n=6000)
    assert r.growth(r.theirs) == pytest.approx(1.0)
    assert r.growth(r.ours) == 0
    assert r.memory_ratio == 1 and r.big_memory_ratio == 3


@pytest.mark.parametrize(("text", "problem"), [("0", "at least 1"), ("-3", "at least 1"),
                                               ("two", "not a whole number")])
def test_bench_sizes_must_be_positive_whole_numbers(text: str, problem: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=problem):
        positive(text)
