"""Rushed-rep checks."""

from __future__ import annotations

import pytest
from numpy.testing import assert_allclose

from boneimu.errors import AnalysisError
from boneimu.metrics.tempo import check_rushed, phase_durations, robust_z


def test_absolute_minimum_per_exercise() -> None:
    assert check_rushed(1.6, exercise="sit_to_stand").rushed
    assert not check_rushed(3.0, exercise="sit_to_stand").rushed
    assert check_rushed(0.7, exercise="heel_drop").rushed
    assert not check_rushed(0.3, exercise="hop").rushed  # tempo not judged for hops
    r = check_rushed(1.6, exercise="sit_to_stand")
    assert r.value == 1.6 and r.threshold == 2.0 and "1.60 s" in r.reason


def test_phase_minimum() -> None:
    r = check_rushed(3.0, exercise="sit_to_stand", phases_s={"rise": 1.5, "descent": 0.6})
    assert r.rushed and "descent" in r.reason


def test_baseline_outlier() -> None:
    baseline = [3.1, 3.0, 3.3, 2.9, 3.2, 3.0]
    assert check_rushed(2.2, exercise="sit_to_stand", baseline_s=baseline).rushed
    assert not check_rushed(2.9, exercise="sit_to_stand", baseline_s=baseline).rushed
    # too few baseline reps: baseline not used
    assert not check_rushed(2.2, exercise="sit_to_stand", baseline_s=baseline[:3]).rushed


def test_robust_z_known_value_and_floor() -> None:
    assert_allclose(robust_z(4.0, [1.0, 2.0, 3.0]), (4.0 - 2.0) / (1.4826 * 1.0))
    assert_allclose(robust_z(2.5, [2.0, 2.0, 2.0]), 0.5 / 0.1)  # MAD 0 floored at 0.1 s


def test_phase_durations() -> None:
    d = phase_durations([0.0, 1.2, 1.5, 3.0], ["rise", "hold", "descent"])
    assert_allclose(list(d.values()), [1.2, 0.3, 1.5])
    with pytest.raises(AnalysisError):
        phase_durations([0.0, 1.0], ["a", "b"])


def test_bad_inputs() -> None:
    with pytest.raises(AnalysisError):
        check_rushed(0.0, exercise="sit_to_stand")
    with pytest.raises(AnalysisError):
        check_rushed(2.0, exercise="plank")
