"""Live sit-to-stand: the rushed rule at standing (rise pace against floor and baseline)."""

from __future__ import annotations

import pytest

from boneimu.detect.live import LiveRepMonitor
from boneimu.detect.live_sts import STS_MIN_RISE_S, rise_pace_s
from boneimu.detect.quality import QualityConfig, RepQuality
from boneimu.dose.baseline import RepBaseline


def _rep(disp_m: float, peak_v: float) -> RepQuality:
    return RepQuality(
        "sit_to_stand",
        0.0,
        2.0,
        phases_s={"flexion": 0.5, "rise": 0.8, "extension": 0.3},
        vertical_displacement_m=disp_m,
        peak_vertical_velocity_m_s=peak_v,
    )


def test_rise_pace_is_the_minimum_jerk_duration() -> None:
    # a minimum-jerk lift of 0.3 m in 0.75 s peaks at 1.875 * 0.3 / 0.75 = 0.75 m/s
    assert rise_pace_s(_rep(0.3, 0.75)) == pytest.approx(0.75)
    assert rise_pace_s(_rep(0.0, 0.75)) is None
    assert rise_pace_s(_rep(0.3, 0.0)) is None


def test_rushed_against_floor_then_history() -> None:
    mon = LiveRepMonitor("sit_to_stand", fs_hz=100.0)
    fast = _rep(0.3, 1.875 * 0.3 / (0.9 * STS_MIN_RISE_S))
    flag = mon._rushed_up(fast)
    assert flag is not None and flag.threshold == pytest.approx(STS_MIN_RISE_S)
    assert mon._rushed_up(_rep(0.3, 0.7)) is None  # no history: only the floor applies
    mon._history = [_rep(0.3, 0.45)] * 4  # usual pace 1.25 s
    flag = mon._rushed_up(_rep(0.3, 0.85))  # 0.66 s < 0.6 x 1.25 s
    assert flag is not None and "earlier reps" in flag.reason
    assert mon._rushed_up(_rep(0.3, 0.7)) is None  # 0.80 s: not rushed
    # sensitivity scales the ratio: 0.8 s < min(0.95, 0.6 * 1.5) x 1.25 s
    mon.config = QualityConfig(sensitivity=1.5)
    assert mon._rushed_up(_rep(0.3, 0.7)) is not None


def test_rushed_against_the_persons_baseline() -> None:
    base = RepBaseline(exercise="sit_to_stand", n=6, phases_s={"rise": (1.5,) * 6})
    mon = LiveRepMonitor("sit_to_stand", fs_hz=100.0, baseline=base)
    flag = mon._rushed_up(_rep(0.3, 0.7))  # 0.80 s < 0.6 x 1.5 s
    assert flag is not None and "your usual" in flag.reason
