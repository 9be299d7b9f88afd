"""Smoothness: published vectors (Balasubramanian et al.) and properties."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from boneimu.errors import AnalysisError
from boneimu.metrics.smoothness import angular_speed, ldlj_a, ldlj_v, sparc
from boneimu.units import STANDARD_GRAVITY_M_S2

FS = 100.0


def gaussian_speed(duration_s: float = 2.0, fs_hz: float = FS, amp: float = 1.0) -> np.ndarray:
    """The authors' test profile: exp(-5 t^2), t = arange(-1, 1, 1/fs) scaled to duration."""
    t = np.arange(-1.0, 1.0, 2.0 / (duration_s * fs_hz))
    return amp * np.exp(-5.0 * t**2)


def test_sparc_published_vector() -> None:
    assert_allclose(sparc(gaussian_speed(), fs_hz=FS), -1.41403, atol=1e-4)


def test_ldlj_v_published_vector() -> None:
    assert_allclose(ldlj_v(gaussian_speed(), fs_hz=FS), -5.81636, atol=1e-4)


def _jerky(v: np.ndarray) -> np.ndarray:
    n = v.size
    return v * (1.0 + 0.3 * np.sin(2 * np.pi * 4.0 * np.arange(n) / FS))


def test_jerkier_profile_scores_lower() -> None:
    v = gaussian_speed()
    assert sparc(_jerky(v), fs_hz=FS) < sparc(v, fs_hz=FS) - 0.1
    assert ldlj_v(_jerky(v), fs_hz=FS) < ldlj_v(v, fs_hz=FS) - 0.5


def test_ldlj_v_invariant_to_amplitude_and_duration() -> None:
    base = ldlj_v(gaussian_speed(), fs_hz=FS)
    assert_allclose(ldlj_v(gaussian_speed(amp=7.3), fs_hz=FS), base, atol=1e-9)
    assert_allclose(ldlj_v(gaussian_speed(duration_s=4.0), fs_hz=FS), base, atol=0.02)


def _reach_acc(duration_s: float, amp_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Minimum-jerk point-to-point movement along x; world acceleration (n,) and time."""
    t = np.arange(0.0, duration_s, 1 / FS)
    tau = t / duration_s
    acc = amp_m / duration_s**2 * (60 * tau - 180 * tau**2 + 120 * tau**3)
    return acc, t


def test_ldlj_a_invariant_to_amplitude_and_duration_and_gravity() -> None:
    acc, _ = _reach_acc(1.5, 0.3)
    a3 = np.column_stack([acc, np.zeros_like(acc), np.full_like(acc, STANDARD_GRAVITY_M_S2)])
    base = ldlj_a(a3, fs_hz=FS)
    bigger = a3.copy()
    bigger[:, 0] *= 4.0
    assert_allclose(ldlj_a(bigger, fs_hz=FS), base, atol=1e-9)
    acc2, _ = _reach_acc(3.0, 0.3)
    slower = np.column_stack([acc2, np.zeros_like(acc2), np.full_like(acc2, 9.0)])
    assert_allclose(ldlj_a(slower, fs_hz=FS), base, atol=0.05)


def test_ldlj_a_jerkier_movement_scores_lower() -> None:
    acc, t = _reach_acc(1.5, 0.3)
    tremor = 0.8 * np.sin(2 * np.pi * 6.0 * t)
    smooth = np.column_stack([acc, np.zeros_like(acc), np.full_like(acc, STANDARD_GRAVITY_M_S2)])
    shaky = smooth.copy()
    shaky[:, 1] += tremor
    assert ldlj_a(shaky, fs_hz=FS) < ldlj_a(smooth, fs_hz=FS) - 1.0


def test_ldlj_a_gyro_correction_removes_pure_rotation() -> None:
    """A sensor rotating at constant rate about x sees gravity sweep through y/z. Without the
    gyro that looks like movement; with it, LDLJ-A equals the non-rotating value."""
    acc, t = _reach_acc(2.0, 0.3)
    w = 0.8  # rad/s about x
    ang = w * t
    g = STANDARD_GRAVITY_M_S2
    sensor = np.column_stack([acc, g * np.sin(ang), g * np.cos(ang)])
    gyro = np.column_stack([np.full_like(t, w), np.zeros_like(t), np.zeros_like(t)])
    still = np.column_stack([acc, np.zeros_like(acc), np.full_like(acc, g)])
    reference = ldlj_a(still, fs_hz=FS)
    with_gyro = ldlj_a(sensor, fs_hz=FS, gyro_rad_s=gyro)
    without = ldlj_a(sensor, fs_hz=FS)
    assert_allclose(with_gyro, reference, atol=0.05)
    assert abs(without - reference) > 0.5


def test_ldlj_a_gyro_path_needs_movement_above_gravity_uncertainty() -> None:
    acc, _ = _reach_acc(2.0, 0.3)
    a3 = np.column_stack([acc, np.zeros_like(acc), np.full_like(acc, STANDARD_GRAVITY_M_S2)])
    with pytest.raises(AnalysisError):
        ldlj_a(
            a3, fs_hz=FS, gyro_rad_s=np.zeros_like(a3), gravity_m_s2=1.02 * STANDARD_GRAVITY_M_S2
        )


def test_angular_speed_and_sparc_on_gyro() -> None:
    gyro = np.zeros((200, 3))
    gyro[:, 2] = gaussian_speed()
    gyro[:, 0] = 0.0
    assert_allclose(angular_speed(gyro), gaussian_speed())
    assert_allclose(sparc(angular_speed(gyro), fs_hz=FS), -1.41403, atol=1e-4)


@pytest.mark.parametrize(
    "call",
    [
        lambda: sparc(np.zeros(50), fs_hz=FS),
        lambda: sparc(np.ones(50), fs_hz=0.0),
        lambda: ldlj_v(np.array([1.0, np.nan, 2.0]), fs_hz=FS),
        lambda: ldlj_a(np.ones((10, 2)), fs_hz=FS),
        lambda: ldlj_a(np.ones((10, 3)), fs_hz=FS),
        lambda: ldlj_a(
            np.random.default_rng(0).normal(size=(10, 3)), fs_hz=FS, gyro_rad_s=np.zeros((9, 3))
        ),
    ],
)
def test_bad_input_raises_typed_error(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(AnalysisError):
        call()
