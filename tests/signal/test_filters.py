"""Filters: known answers on sines of known frequency."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from boneimu.signal.filters import bandpass, highpass, lowpass, moving_mean, norm

FS = 100.0
T = np.arange(2000) / FS


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x[200:-200] ** 2)))


def test_lowpass_keeps_slow_removes_fast() -> None:
    slow, fast = np.sin(2 * np.pi * 0.5 * T), np.sin(2 * np.pi * 20 * T)
    y = lowpass(slow + fast, cutoff_hz=5.0, fs_hz=FS)
    assert_allclose(y[200:-200], slow[200:-200], atol=0.01)


def test_highpass_and_bandpass() -> None:
    slow, mid, fast = (np.sin(2 * np.pi * f * T) for f in (0.1, 3.0, 30.0))
    assert _rms(highpass(slow + mid, cutoff_hz=1.0, fs_hz=FS) - mid) < 0.02
    assert _rms(bandpass(slow + mid + fast, low_hz=1.0, high_hz=8.0, fs_hz=FS) - mid) < 0.03


def test_filters_work_column_wise_and_on_short_input() -> None:
    x = np.column_stack([np.sin(2 * np.pi * 0.5 * T)] * 3)
    assert lowpass(x, cutoff_hz=5.0, fs_hz=FS).shape == x.shape
    assert lowpass(np.ones(5), cutoff_hz=5.0, fs_hz=FS).shape == (5,)


def test_cutoff_above_nyquist_refused() -> None:
    with pytest.raises(ValueError, match="Nyquist"):
        lowpass(np.ones(100), cutoff_hz=60.0, fs_hz=FS)


def test_moving_mean_and_norm() -> None:
    x = np.arange(10, dtype=float)
    assert_allclose(moving_mean(x, window_s=0.03, fs_hz=FS)[1:-1], x[1:-1])
    assert_allclose(norm(np.array([[3.0, 4.0, 0.0], [0.0, 0.0, -2.0]])), [5.0, 2.0])


@pytest.mark.parametrize("shape", [(50,), (7,), (300, 3), (3, 2)])
def test_identical_to_scipy_sosfiltfilt(shape: tuple[int, ...]) -> None:
    from scipy import signal as sps

    x = np.random.default_rng(3).normal(size=shape)
    cases = [
        (lowpass(x, cutoff_hz=5.0, fs_hz=FS), 5.0, "lowpass"),
        (highpass(x, cutoff_hz=1.0, fs_hz=FS), 1.0, "highpass"),
        (bandpass(x, low_hz=1.0, high_hz=8.0, fs_hz=FS), (1.0, 8.0), "bandpass"),
    ]
    for got, cutoff, btype in cases:
        sos = sps.butter(4, cutoff, btype=btype, fs=FS, output="sos")
        pad = min(3 * (2 * len(sos) + 1), shape[0] - 1)
        assert_allclose(got, sps.sosfiltfilt(sos, x, axis=0, padlen=pad), rtol=0, atol=1e-12)
