from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from boneimu.signal.orientation import (
    detect_placement,
    gravity_direction,
    tilt_deg,
    upright_reference,
    vertical_parts,
)
from boneimu.units import STANDARD_GRAVITY_M_S2 as G

FS = 100.0


def _tilted(n: int, deg: float) -> np.ndarray:
    th = np.radians(deg)
    return np.tile([np.sin(th) * G, 0.0, np.cos(th) * G], (n, 1))


def test_static_tilt_gives_gravity_direction_and_tilt() -> None:
    acc = _tilted(1000, 30.0)
    up = gravity_direction(acc, fs_hz=FS)
    assert_allclose(up[500], [0.5, 0.0, np.sqrt(3) / 2], atol=1e-6)
    assert_allclose(tilt_deg(up, np.array([0.0, 0.0, 1.0]))[500], 30.0, atol=1e-4)


def test_vertical_parts_recovers_vertical_oscillation_in_tilted_frame() -> None:
    t = np.arange(3000) / FS
    a_v = 2.0 * np.sin(2 * np.pi * 1.5 * t)
    th = np.radians(40)
    up = np.array([np.sin(th), np.cos(th), 0.0])
    acc = (G + a_v)[:, None] * up
    vp = vertical_parts(acc, fs_hz=FS)
    assert_allclose(vp.vertical_m_s2[300:-300], a_v[300:-300], atol=0.05)
    assert_allclose(vp.resultant_g[300:-300], (G + a_v[300:-300]) / G, atol=1e-9)
    assert np.abs(vp.horizontal_m_s2[300:-300]).max() < 0.05


def test_gyro_complementary_filter_follows_a_fast_rotation() -> None:
    # device pitches 0 -> 60 deg in 0.5 s; accelerometer also reads a 3 m/s² linear jolt
    n = 1000
    angle = np.clip((np.arange(n) - 400) / (0.5 * FS), 0, 1) * np.radians(60)
    rate = np.gradient(angle) * FS
    acc = G * np.column_stack([np.sin(angle), np.zeros(n), np.cos(angle)])
    acc[420:440, 0] += 3.0
    # up tilting towards +x in the device frame = the device rotating about -y
    gyro = np.column_stack([np.zeros(n), -rate, np.zeros(n)])
    true_tilt = np.degrees(angle)
    ref = np.array([0.0, 0.0, 1.0])
    err_acc = np.abs(tilt_deg(gravity_direction(acc, fs_hz=FS), ref) - true_tilt)[380:520]
    err_gyro = np.abs(tilt_deg(gravity_direction(acc, fs_hz=FS, gyro_rad_s=gyro), ref) - true_tilt)[
        380:520
    ]
    assert err_gyro.max() < 0.5 * err_acc.max()
    assert err_gyro.max() < 12.0


def test_nan_gyro_rows_fall_back_to_accelerometer() -> None:
    acc = _tilted(800, 10.0)
    gyro = np.zeros((800, 3))
    gyro[100:200] = np.nan
    up = gravity_direction(acc, fs_hz=FS, gyro_rad_s=gyro)
    assert np.isfinite(up).all()
    assert_allclose(tilt_deg(up, np.array([0.0, 0.0, 1.0])), 10.0, atol=0.5)


def test_placement_is_unknown_without_decisive_evidence() -> None:
    up = gravity_direction(_tilted(6000, 5.0), fs_hz=FS)
    walking = np.zeros(6000, dtype=bool)
    walking[:3000] = True
    still = ~walking
    assert detect_placement(up, walking=walking, still=still, fs_hz=FS) == "unknown"
    assert detect_placement(up, walking=walking, still=still, fs_hz=FS, gyro_rad_s=None) == (
        "unknown"
    )


def test_placement_thigh_when_thigh_swings_and_lies_flat_while_sitting() -> None:
    n = 6000
    up = np.tile([0.0, 0.0, 1.0], (n, 1))
    up[3000:] = [1.0, 0.0, 0.0]  # sitting: thigh horizontal
    walking = np.zeros(n, dtype=bool)
    walking[:2500] = True
    t = np.arange(n) / FS
    gyro = np.column_stack([np.zeros(n), 3.5 * np.sin(2 * np.pi * t), np.zeros(n)])
    assert upright_reference(up, walking)[2] > 0.99
    guess = detect_placement(up, walking=walking, still=~walking, fs_hz=FS, gyro_rad_s=gyro)
    assert guess == "thigh"
    # a trunk sensor lying down (same tilt) but barely rotating while walking: not thigh
    guess = detect_placement(up, walking=walking, still=~walking, fs_hz=FS, gyro_rad_s=gyro / 4)
    assert guess == "unknown"
