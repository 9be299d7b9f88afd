"""Sway: known amplitude recovered, ordering, tilt invariance."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from boneimu.errors import AnalysisError
from boneimu.metrics.sway import (
    RMS_WEIGHT,
    STEADY_JERK_RMS_M_S3,
    STEADY_RMS_M_S2,
    UNSTEADY_JERK_RMS_M_S3,
    UNSTEADY_RMS_M_S2,
    rotation_to_vertical,
    sway_metrics,
    sway_score,
)
from boneimu.units import STANDARD_GRAVITY_M_S2 as G

FS = 100.0


def _hold(rms_m_s2: float, duration_s: float = 30.0, seed: int = 0) -> np.ndarray:
    """Upright sensor (+z up) with band-limited random horizontal sway of a known RMS."""
    rng = np.random.default_rng(seed)
    n = int(duration_s * FS)
    t = np.arange(n) / FS
    freqs = np.linspace(0.2, 1.5, 14)
    xy = np.zeros((n, 2))
    for k, weight in enumerate((1.0, 0.6)):  # larger sway on one axis
        phases = rng.uniform(0, 2 * np.pi, freqs.size)
        xy[:, k] = weight * np.sin(2 * np.pi * freqs[None, :] * t[:, None] + phases).sum(axis=1)
    xy *= rms_m_s2 / np.sqrt(np.mean(np.sum(xy**2, axis=1)))
    return np.column_stack([xy, np.full(n, G)])


def _rotate(acc: np.ndarray, axis: np.ndarray, angle_rad: float) -> np.ndarray:
    k = axis / np.linalg.norm(axis)
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    r = np.eye(3) + math.sin(angle_rad) * kx + (1 - math.cos(angle_rad)) * kx @ kx
    return acc @ r.T


def test_known_rms_is_recovered() -> None:
    for rms in (0.03, 0.1, 0.4):
        m = sway_metrics(_hold(rms), fs_hz=FS)
        assert_allclose(m.rms_m_s2, rms, rtol=0.02)
        assert m.rms_major_m_s2 > m.rms_minor_m_s2
        assert 0.2 < m.mean_freq_hz < 1.5
        assert m.mean_freq_hz <= m.f95_hz <= 1.7


def test_sine_sway_known_measures() -> None:
    t = np.arange(0, 20, 1 / FS)
    amp, f = 0.1, 1.0
    acc = np.column_stack([amp * np.sin(2 * np.pi * f * t), np.zeros_like(t), np.full_like(t, G)])
    m = sway_metrics(acc, fs_hz=FS)
    assert_allclose(m.rms_m_s2, amp / math.sqrt(2), rtol=0.01)
    assert_allclose(m.jerk_rms_m_s3, 2 * math.pi * f * amp / math.sqrt(2), rtol=0.02)
    assert_allclose(m.jerk_m2_s5, 0.5 * (2 * math.pi * f * amp) ** 2 / 2 * 20.0, rtol=0.03)
    # velocity amplitude amp / (2 pi f); mean |v| of a sine = 2/pi * amplitude
    assert_allclose(m.mean_velocity_m_s, 2 / math.pi * amp / (2 * math.pi * f), rtol=0.05)
    assert_allclose(m.mean_freq_hz, f, atol=0.05)
    assert m.ellipse_area_m2_s4 < 1e-6  # one-dimensional sway: degenerate ellipse


def test_ellipse_area_of_isotropic_sway() -> None:
    t = np.arange(0, 60, 1 / FS)
    a = 0.1
    acc = np.column_stack(
        [a * np.sin(2 * np.pi * 0.5 * t), a * np.cos(2 * np.pi * 0.5 * t), np.full_like(t, G)]
    )
    m = sway_metrics(acc, fs_hz=FS)
    # covariance = diag(a^2/2, a^2/2); area = 2 pi F95(2, n-2) * a^2 / 2, F ~ 3.0
    assert_allclose(m.ellipse_area_m2_s4, 2 * math.pi * 2.996 * a**2 / 2, rtol=0.01)


def test_larger_sway_lower_score() -> None:
    scores = [sway_score(sway_metrics(_hold(r), fs_hz=FS)) for r in (0.02, 0.05, 0.15, 0.5)]
    assert all(0.0 <= s <= 100.0 for s in scores)
    assert scores == sorted(scores, reverse=True)
    assert scores[0] > 90 and scores[-1] < 15


def test_tilted_sensor_gives_same_metrics() -> None:
    acc = _hold(0.1, seed=3)
    base = sway_metrics(acc, fs_hz=FS)
    for axis, deg in (([1, 0, 0], 25.0), ([0.3, 1, 0.2], 70.0), ([1, 1, 0], 160.0)):
        tilted = _rotate(acc, np.array(axis, dtype=float), math.radians(deg))
        m = sway_metrics(tilted, fs_hz=FS)
        for key in (
            "rms_m_s2",
            "rms_major_m_s2",
            "jerk_rms_m_s3",
            "ellipse_area_m2_s4",
            "mean_velocity_m_s",
            "mean_freq_hz",
        ):
            assert_allclose(getattr(m, key), getattr(base, key), rtol=1e-3, err_msg=key)
        assert m.tilt_deg > 10


def test_rotation_to_vertical_maps_mean_to_z() -> None:
    for v in ([0, 0, -1.0], [1.0, 2.0, 3.0], [0, 9.8, 0]):
        r = rotation_to_vertical(np.array(v))
        assert_allclose(r @ (np.array(v) / np.linalg.norm(v)), [0, 0, 1], atol=1e-12)
        assert_allclose(r @ r.T, np.eye(3), atol=1e-12)


def test_short_or_bad_hold_raises() -> None:
    with pytest.raises(AnalysisError):
        sway_metrics(_hold(0.1, duration_s=1.0), fs_hz=FS)
    bad = _hold(0.1)
    bad[5, 0] = np.nan
    with pytest.raises(AnalysisError):
        sway_metrics(bad, fs_hz=FS)


def test_score_weights_jerk_over_rms() -> None:
    """Two holds of equal RMS: the one with faster sway (more jerk) scores lower; the score is
    RMS_WEIGHT * S_rms + (1 - RMS_WEIGHT) * S_jerk."""
    t = np.arange(0, 20, 1 / FS)
    slow, fast = (
        np.column_stack(
            [0.1 * np.sqrt(2) * np.sin(2 * np.pi * f * t), np.zeros_like(t), np.full_like(t, G)]
        )
        for f in (0.3, 1.2)
    )
    ms, mf = sway_metrics(slow, fs_hz=FS), sway_metrics(fast, fs_hz=FS)
    assert_allclose(ms.rms_m_s2, mf.rms_m_s2, rtol=0.05)
    assert sway_score(mf) < sway_score(ms) - 10
    s_rms = (
        100
        * math.log(UNSTEADY_RMS_M_S2 / ms.rms_m_s2)
        / math.log(UNSTEADY_RMS_M_S2 / STEADY_RMS_M_S2)
    )
    s_jerk = (
        100
        * math.log(UNSTEADY_JERK_RMS_M_S3 / ms.jerk_rms_m_s3)
        / math.log(UNSTEADY_JERK_RMS_M_S3 / STEADY_JERK_RMS_M_S3)
    )
    assert_allclose(sway_score(ms), RMS_WEIGHT * s_rms + (1 - RMS_WEIGHT) * s_jerk, rtol=1e-9)
