"""Impact peaks, bins, osteogenic index, daily stress stimulus, clipping."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from boneimu.errors import AnalysisError
from boneimu.metrics.impact import (
    DEFAULT_IMPACT_BINS_G,
    clipped_mask,
    daily_stress_stimulus,
    impact_bin_counts,
    impact_peaks,
    impacts_over,
    osteogenic_index,
    resultant_g,
)
from boneimu.units import STANDARD_GRAVITY_M_S2 as G

FS = 100.0


def _standing_with_impacts(peaks_g: list[float], spacing_s: float = 1.0) -> np.ndarray:
    """Still sensor (1 g on z) with triangular impacts of the given resultant peak heights."""
    n = int((len(peaks_g) + 1) * spacing_s * FS)
    z = np.full(n, G)
    for k, p in enumerate(peaks_g):
        c = int((k + 1) * spacing_s * FS)
        rise = np.linspace(0.0, 1.0, 6)
        shape = np.concatenate([rise, rise[-2::-1]])
        z[c - 5 : c + 6] = G + (p - 1.0) * G * shape
    return np.column_stack([np.zeros(n), np.zeros(n), z])


def test_resultant_is_one_g_at_rest_in_any_orientation() -> None:
    v = np.array([[G, 0, 0], [0, -G, 0], [G / math.sqrt(3)] * 3])
    assert_allclose(resultant_g(v), 1.0)


def test_impact_peaks_recovers_heights_and_times() -> None:
    heights = [1.8, 3.2, 4.5]
    acc = _standing_with_impacts(heights)
    found = impact_peaks(acc, fs_hz=FS)
    assert_allclose(found.peak_acc_g, heights, rtol=1e-9)
    assert_array_equal(found.index, [100, 200, 300])
    assert not found.any_clipped
    # triangle rises (p - 1) g over 5 samples: slope = (p - 1) / 5 * fs g/s
    assert_allclose(found.loading_rate_g_s, [(p - 1.0) / 5 * FS for p in heights], rtol=1e-9)


def test_small_bumps_below_threshold_are_ignored() -> None:
    found = impact_peaks(_standing_with_impacts([1.2, 2.0]), fs_hz=FS)
    assert_allclose(found.peak_acc_g, [2.0])


def test_clipped_peak_is_flagged_as_lower_bound() -> None:
    acc = _standing_with_impacts([2.0, 6.0])
    range_m_s2 = 4.0 * G
    acc = np.clip(acc, -range_m_s2, range_m_s2)
    found = impact_peaks(acc, fs_hz=FS, range_m_s2=range_m_s2)
    assert_array_equal(found.clipped, [False, True])
    assert_allclose(found.peak_acc_g[1], 4.0)
    # unknown range: a flat top of >= 3 samples at the maximum is detected as clipping
    assert clipped_mask(acc, range_m_s2=None).sum() >= 3
    assert not clipped_mask(_standing_with_impacts([2.0]), range_m_s2=None).any()
    # a perfectly still (noise-free) sensor is not "clipped" at 1 g
    assert not clipped_mask(np.tile([0.0, 0.0, G], (100, 1)), range_m_s2=None).any()


def test_bin_counts_half_open_with_open_last_bin() -> None:
    peaks = [1.0, 1.1, 1.49, 1.5, 3.9, 5.19, 5.2, 9.0]
    counts = impact_bin_counts(np.array(peaks), DEFAULT_IMPACT_BINS_G)
    # bins [1.1,1.5) [1.5,2) [2,3) [3,3.9) [3.9,5.2) [5.2,inf); 1.0 is below the first edge
    assert_array_equal(counts, [2, 1, 0, 0, 2, 2])
    with pytest.raises(AnalysisError):
        impact_bin_counts(np.array(peaks), (2.0, 1.0))


def test_osteogenic_index_known_values() -> None:
    # ten peaks of 3.05 g in one 0.1-g bin (centre 3.05): OI = 3.05 * ln(11)
    assert_allclose(osteogenic_index(np.full(10, 3.04)), 3.05 * math.log(11))
    # two bins: 2 x 1.25 g and 1 x 4.05 g
    assert_allclose(
        osteogenic_index(np.array([1.21, 1.29, 4.0])), 1.25 * math.log(3) + 4.05 * math.log(2)
    )
    # magnitude outweighs count: 10 big impacts beat 100 small ones
    assert osteogenic_index(np.full(10, 4.0)) > osteogenic_index(np.full(100, 1.3))
    assert osteogenic_index(np.array([1.5, 2.0]), min_g=5.2) == 0.0


def test_daily_stress_stimulus_known_values() -> None:
    assert_allclose(daily_stress_stimulus(np.array([2.0] * 16), m=4), 4.0)
    assert_allclose(daily_stress_stimulus(np.array([4.0]), m=4), 4.0)
    assert daily_stress_stimulus(np.array([])) == 0.0


def test_impacts_over_threshold() -> None:
    assert impacts_over(np.array([3.9, 4.0, 4.1, 1.0]), 4.0) == 2
