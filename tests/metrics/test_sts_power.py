"""Alcazar STS power and vertical kinematics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from boneimu.errors import AnalysisError
from boneimu.metrics.sts_power import (
    sts_power,
    sts_power_5x,
    sts_power_30s,
    vertical_kinematics,
)
from boneimu.units import STANDARD_GRAVITY_M_S2 as G


def test_alcazar_5x_hand_computed() -> None:
    p = sts_power_5x(body_mass_kg=70.0, height_m=1.70, time_5x_s=10.0, chair_height_m=0.46)
    expected = 0.9 * 70.0 * G * (0.85 - 0.46) / (0.1 * 10.0)
    assert_allclose(p.power_w, expected)
    assert_allclose(p.power_w_kg, expected / 70.0)
    assert_allclose(p.rise_m, 0.39)
    assert_allclose(p.concentric_s, 1.0)


def test_30s_variant_matches_per_rep_time() -> None:
    # 15 reps in 30 s = 2 s per rep, 1 s concentric -> same as 5 reps in 10 s
    a = sts_power_30s(body_mass_kg=60.0, height_m=1.6, n_reps=15)
    b = sts_power_5x(body_mass_kg=60.0, height_m=1.6, time_5x_s=10.0)
    assert_allclose(a.power_w, b.power_w)
    c = sts_power(body_mass_kg=60.0, height_m=1.6, concentric_s=1.0)
    assert_allclose(c.power_w, a.power_w)


def test_invalid_geometry_and_inputs() -> None:
    with pytest.raises(AnalysisError):
        sts_power(body_mass_kg=70, height_m=0.9, concentric_s=1.0)  # 0.45 m < chair
    with pytest.raises(AnalysisError):
        sts_power_30s(body_mass_kg=70, height_m=1.7, n_reps=0)
    with pytest.raises(AnalysisError):
        sts_power_5x(body_mass_kg=-1, height_m=1.7, time_5x_s=10)


def test_vertical_kinematics_recovers_rise() -> None:
    """Minimum-jerk rise of 0.4 m in 1.2 s; plus a constant bias that integration must remove."""
    fs = 100.0
    dur, h = 1.2, 0.4
    t = np.arange(0.0, dur + 1e-9, 1 / fs)
    tau = t / dur
    acc = h / dur**2 * (60 * tau - 180 * tau**2 + 120 * tau**3)
    peak_v = h / dur * 1.875  # min-jerk peak velocity
    k = vertical_kinematics(acc + 0.05, fs_hz=fs)
    assert_allclose(k.displacement_change_m, h, rtol=0.03)
    assert_allclose(k.peak_velocity_m_s, peak_v, rtol=0.03)
    assert_allclose(k.velocity_m_s[[0, -1]], 0.0, atol=1e-12)
    assert k.peak_displacement_m >= k.displacement_change_m - 1e-12
    assert math.isfinite(k.peak_displacement_m)


def test_vertical_kinematics_bad_input() -> None:
    with pytest.raises(AnalysisError):
        vertical_kinematics(np.zeros(2), fs_hz=100)
    with pytest.raises(AnalysisError):
        vertical_kinematics(np.zeros(10), fs_hz=0)
