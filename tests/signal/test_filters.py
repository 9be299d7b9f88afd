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


def _reference_filtfilt(sos: np.ndarray, x: np.ndarray, axis: int) -> np.ndarray:
    """The straightforward odd-extension forward-backward filter through the public
    ``scipy.signal.sosfilt`` (what ``_filtfilt`` computes in place)."""
    from scipy import signal as sps

    xt = np.moveaxis(x, axis, -1)
    n = xt.shape[-1]
    pad = min(3 * (2 * len(sos) + 1), n - 1)
    ext = np.concatenate(
        [2 * xt[..., :1] - xt[..., pad:0:-1], xt, 2 * xt[..., -1:] - xt[..., -2 : -pad - 2 : -1]],
        axis=-1,
    )
    zi = sps.sosfilt_zi(sos).reshape(len(sos), *([1] * (xt.ndim - 1)), 2)
    y, _ = sps.sosfilt(sos, ext, zi=zi * ext[..., :1])
    y, _ = sps.sosfilt(sos, y[..., ::-1], zi=zi * y[..., -1:])
    return np.moveaxis(y[..., ::-1][..., pad : pad + n], -1, axis)


@pytest.mark.parametrize(
    ("shape", "axis"),
    [((2,), 0), ((9,), 0), ((1000,), 0), ((400, 3), 0), ((3, 400), 1), ((40, 2, 3), 0)],
)
@pytest.mark.parametrize(
    ("in_place_kernel", "row_by_row"), [(True, False), (False, False), (True, True)]
)
def test_bit_identical_to_reference_filtfilt(
    shape: tuple[int, ...],
    axis: int,
    in_place_kernel: bool,
    row_by_row: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The in-place kernel path (its public-function fallback, and the column-at-a-time
    path for long (n, k) input) changes no bit of output."""
    from scipy import signal as sps

    from boneimu.signal import filters

    if not in_place_kernel:
        monkeypatch.setattr(filters, "_sosfilt_inplace", None)
    if row_by_row:
        monkeypatch.setattr(filters, "ROW_BY_ROW_MIN_SAMPLES", 2)
    rng = np.random.default_rng(7)
    x = rng.normal(size=shape) * 3.0 + 9.0
    for xin in (x, np.asfortranarray(x)):
        for got, order, cutoff, btype in [
            (lowpass(xin, cutoff_hz=20.0, fs_hz=FS, axis=axis), 4, 20.0, "lowpass"),
            (highpass(xin, cutoff_hz=0.1, fs_hz=FS, order=2, axis=axis), 2, 0.1, "highpass"),
            (
                bandpass(xin, low_hz=0.3, high_hz=5.0, fs_hz=FS, order=2, axis=axis),
                2,
                (0.3, 5.0),
                "bandpass",
            ),
        ]:
            sos = sps.butter(order, cutoff, btype=btype, fs=FS, output="sos")
            want = _reference_filtfilt(sos, xin, axis)
            assert got.shape == x.shape and got.flags.c_contiguous
            assert np.array_equal(got, want)


@pytest.mark.parametrize("n", [0, 1, 2, 5, 99, 100, 101, 1000])
@pytest.mark.parametrize("window_s", [0.01, 0.03, 0.5, 1.0, 20.0])
def test_moving_mean_matches_explicit_windows(n: int, window_s: float) -> None:
    x = np.random.default_rng(n).normal(size=(n, 3))
    got = moving_mean(x, window_s=window_s, fs_hz=FS)
    w = max(1, round(window_s * FS))
    want = np.array(
        [x[max(0, i - w // 2) : min(n, i - w // 2 + w)].mean(axis=0) for i in range(n)]
    ).reshape(x.shape)
    assert got.shape == x.shape
    assert_allclose(got, want, rtol=0, atol=1e-12)
    assert_allclose(moving_mean(x[:, 0], window_s=window_s, fs_hz=FS), want[:, 0], atol=1e-12)
