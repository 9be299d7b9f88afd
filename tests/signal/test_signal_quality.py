"""Quality checks: clipping (known range and plateau), gravity direction, axis ranges."""

from __future__ import annotations

import numpy as np
import pytest

from boneimu.signal.quality import axis_ranges, detect_clipping, gravity_direction
from boneimu.units import STANDARD_GRAVITY_M_S2 as G


def hops(n: int = 2000, peak_g: float = 6.0, seed: int = 0) -> np.ndarray:
    """Phone upright (+y up) with impact spikes every second at 100 Hz."""
    rng = np.random.default_rng(seed)
    acc = np.column_stack([rng.normal(0, 0.3, n), G + rng.normal(0, 0.3, n), rng.normal(0, 0.3, n)])
    spikes = np.arange(50, n, 100)
    acc[spikes, 1] = peak_g * G + rng.normal(0, 0.1, spikes.size)
    return acc


def test_no_clipping_on_a_clean_signal() -> None:
    for rng_g in (None, 8.0):
        c = detect_clipping(hops(), acc_range_g=rng_g)
        assert not c.detected and c.n_samples == 0 and c.axes == []


def test_plateau_at_typical_full_scale_is_found() -> None:
    acc = hops(peak_g=9.0)
    fs = 8.0 * G * (32767 / 32768)  # an int16 ±8 g sensor's top count
    spikes = np.arange(50, 2000, 100)
    acc[spikes, 1] = fs
    acc[spikes + 1, 1] = fs  # 2-sample plateaus
    c = detect_clipping(acc)
    assert c.detected and c.method == "plateau" and c.full_scale_g == 8.0
    assert c.n_samples == 2 * spikes.size and c.axes == ["+y"]
    assert c.fraction == pytest.approx(2 * spikes.size / 2000)


def test_single_extreme_sample_or_odd_scale_is_not_clipping() -> None:
    acc = hops()
    acc[500, 2] = -8.0 * G  # one sample exactly at -8 g: no run
    assert not detect_clipping(acc).detected
    acc = hops()
    acc[500:503, 2] = -6.0 * G  # a run, but 6 g is no typical full scale
    assert not detect_clipping(acc).detected


def test_negative_plateau_and_known_range() -> None:
    acc = hops()
    acc[700:705, 2] = -2.0 * G
    c = detect_clipping(acc)
    assert c.detected and c.axes == ["-z"] and c.full_scale_g == 2.0 and c.n_samples == 5
    known = detect_clipping(hops(peak_g=4.1), acc_range_g=4.0)
    assert known.method == "known_range" and known.n_samples == 20 and known.axes == ["+y"]
    assert not detect_clipping(hops(peak_g=3.9), acc_range_g=4.0).detected


@pytest.mark.parametrize(
    ("up", "expected"),
    [((0, 1, 0), "+y"), ((0, -1, 0), "-y"), ((0, 0, 1), "+z"), ((-1, 0, 0), "-x")],
)
def test_gravity_direction_names_the_up_axis(up: tuple[int, int, int], expected: str) -> None:
    rng = np.random.default_rng(1)
    acc = np.asarray(up, dtype=np.float64) * G + rng.normal(0, 1.0, (3000, 3))
    g = gravity_direction(acc)
    assert g.up_axis == expected and g.description.startswith(f"{expected} up: ")
    assert g.norm_m_s2 == pytest.approx(G, abs=0.1) and g.tilt_deg < 3


def test_gravity_tilt_angle() -> None:
    tilt = np.radians(30)
    acc = np.tile([0.0, G * np.cos(tilt), G * np.sin(tilt)], (100, 1))
    g = gravity_direction(acc)
    assert g.up_axis == "+y" and g.tilt_deg == pytest.approx(30.0)
    assert g.mean_m_s2[2] == pytest.approx(G / 2)


def test_axis_ranges_in_m_s2_and_g() -> None:
    acc = np.array([[0.0, G, -G], [2 * G, 0.0, 0.0]])
    r = axis_ranges(acc)
    assert [a.axis for a in r] == ["x", "y", "z"]
    assert (r[0].min_m_s2, r[0].max_m_s2, r[0].max_g) == (0.0, 2 * G, 2.0)
    assert (r[2].min_g, r[2].max_g) == (-1.0, 0.0)
