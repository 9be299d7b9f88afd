"""Zero-phase Butterworth filters and moving windows. Arrays in, arrays out; ``fs_hz`` required.

Filters run along ``axis`` (default 0, samples) and keep the input shape. Inputs shorter than
the filter's padding are filtered with reduced padding rather than failing.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray
from scipy import signal as sps

ROW_BY_ROW_MIN_SAMPLES = 100_000
"""Multi-signal inputs at least this long are filtered one signal at a time (less memory)."""

try:  # scipy's in-place kernel behind ``sosfilt`` (private; the public function is the fallback)
    from scipy.signal._sosfilt import _sosfilt as _sosfilt_inplace
except ImportError:  # pragma: no cover
    _sosfilt_inplace = None


@functools.lru_cache(maxsize=256)
def _design(
    order: int, cutoff_hz: float | tuple[float, float], fs_hz: float, btype: str
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Butterworth second-order sections and their step-response initial state, cached:
    per-rep and streaming callers filter thousands of short windows with the same design."""
    nyq = fs_hz / 2.0
    if np.any(np.asarray(cutoff_hz) >= nyq):
        raise ValueError(f"cutoff {cutoff_hz} Hz must be below Nyquist ({nyq:g} Hz)")
    sos = np.asarray(sps.butter(order, cutoff_hz, btype=btype, fs=fs_hz, output="sos"))
    return sos, np.asarray(sps.sosfilt_zi(sos))


def _sosfilt_rows(
    sos: NDArray[np.float64], zi: NDArray[np.float64], rows: NDArray[np.float64]
) -> None:
    """Filter each row of the C-contiguous (m, n) ``rows`` IN PLACE, starting from the
    step-response state ``zi`` scaled by each row's first value."""
    z = np.ascontiguousarray(zi[None, :, :] * rows[:, :1, None])
    if _sosfilt_inplace is not None:
        _sosfilt_inplace(sos, rows, z)
    else:  # pragma: no cover - scipy moved its kernel: the public function (one more copy)
        rows[...] = sps.sosfilt(sos, rows, axis=-1, zi=z.transpose(1, 0, 2))[0]


def _filtfilt(
    design: tuple[NDArray[np.float64], NDArray[np.float64]],
    x: NDArray[np.floating],
    axis: int,
) -> NDArray[np.float64]:
    """Forward-backward filtering with odd extension: the algorithm of
    ``scipy.signal.sosfiltfilt`` (same output, bit for bit), reusing the cached initial state.

    Each signal is laid out once as a contiguous row of the padded buffer and filtered in
    place by scipy's second-order-section kernel (two passes, one reversed copy between
    them), instead of the public ``sosfilt``'s validation and defensive copies per pass:
    (n, 3) whole-recording signals filter about twice as fast with half the temporary memory,
    and short windows (per-rep, per-hold) about four times as fast."""
    sos, zi = design
    xf: NDArray[np.float64] = np.asarray(x, dtype=np.float64)
    # (signals, samples) view; the common 1-D and (n, k) cases without np.moveaxis's overhead
    columns = xf.ndim == 2 and axis in (0, -2)
    if xf.ndim == 1:
        xt = xf[None, :]
    elif columns:
        xt = xf.T
    else:
        xt = np.moveaxis(xf, axis, -1)
    n = int(xt.shape[-1])
    if n < 2:
        return np.array(xf, dtype=np.float64)
    rows = xt.reshape(-1, n)
    pad = min(3 * (2 * len(sos) + 1), n - 1)
    if columns and n >= ROW_BY_ROW_MIN_SAMPLES:
        # long (n, k) input (a whole recording's vectors): one column at a time, straight
        # into the result, so the padded buffers hold one signal, not all of them
        res = np.empty(xf.shape)
        for k in range(xf.shape[1]):
            res[:, k] = _filtfilt_rows(sos, zi, rows[k : k + 1], pad)[0]
        return res
    y = _filtfilt_rows(sos, zi, rows, pad)
    if xf.ndim == 1:
        return np.ascontiguousarray(y[0])
    if columns:
        return np.ascontiguousarray(y.T)
    return np.ascontiguousarray(np.moveaxis(y.reshape(*xt.shape), -1, axis))


def _filtfilt_rows(
    sos: NDArray[np.float64], zi: NDArray[np.float64], rows: NDArray[np.float64], pad: int
) -> NDArray[np.float64]:
    """Zero-phase filtering of each row of (m, n) ``rows`` with ``pad`` samples of odd
    extension at both ends; returns an (m, n) view into a new buffer."""
    n = rows.shape[1]
    ext = np.empty((rows.shape[0], n + 2 * pad))
    ext[:, pad : pad + n] = rows
    np.subtract(2 * rows[:, :1], rows[:, pad:0:-1], out=ext[:, :pad])
    np.subtract(2 * rows[:, -1:], rows[:, -2 : -pad - 2 : -1], out=ext[:, pad + n :])
    _sosfilt_rows(sos, zi, ext)
    back = ext[:, ::-1].copy()
    del ext
    _sosfilt_rows(sos, zi, back)
    return back[:, ::-1][:, pad : pad + n]


def lowpass(
    x: NDArray[np.floating], *, cutoff_hz: float, fs_hz: float, order: int = 4, axis: int = 0
) -> NDArray[np.float64]:
    """Zero-phase Butterworth low-pass (effective order 2 x ``order``)."""
    return _filtfilt(_design(order, cutoff_hz, fs_hz, "lowpass"), x, axis)


def highpass(
    x: NDArray[np.floating], *, cutoff_hz: float, fs_hz: float, order: int = 4, axis: int = 0
) -> NDArray[np.float64]:
    """Zero-phase Butterworth high-pass."""
    return _filtfilt(_design(order, cutoff_hz, fs_hz, "highpass"), x, axis)


def bandpass(
    x: NDArray[np.floating],
    *,
    low_hz: float,
    high_hz: float,
    fs_hz: float,
    order: int = 4,
    axis: int = 0,
) -> NDArray[np.float64]:
    """Zero-phase Butterworth band-pass."""
    return _filtfilt(_design(order, (low_hz, high_hz), fs_hz, "bandpass"), x, axis)


def moving_mean(x: NDArray[np.floating], *, window_s: float, fs_hz: float) -> NDArray[np.float64]:
    """Centred moving mean over ``window_s`` along axis 0 (edges use the available samples).

    Differences of one cumulative sum: sample i averages ``x[i - w // 2 : i - w // 2 + w]``
    clipped to the array; the full windows in the middle are computed on slices, only the
    clipped ones at the ends by index."""
    x = np.asarray(x, dtype=np.float64)
    w = max(1, round(window_s * fs_hz))
    csum = np.empty((x.shape[0] + 1, *x.shape[1:]))
    csum[0] = 0.0
    np.cumsum(x, axis=0, out=csum[1:])
    n = x.shape[0]
    before = w // 2
    first, stop = min(before, n), max(min(before, n), n - w + before + 1)
    out = np.empty(x.shape)
    np.subtract(
        csum[first + w - before : stop + w - before],
        csum[first - before : stop - before],
        out=out[first:stop],
    )
    out[first:stop] /= w
    edge = np.concatenate([np.arange(first), np.arange(stop, n)])
    lo = np.clip(edge - before, 0, n)
    hi = np.clip(edge - before + w, 0, n)
    counts = (hi - lo).reshape(-1, *([1] * (x.ndim - 1)))
    out[edge] = (csum[hi] - csum[lo]) / counts
    return out


def norm(x: NDArray[np.floating]) -> NDArray[np.float64]:
    """Euclidean norm of (n, 3) vectors -> (n,)."""
    x = np.asarray(x, dtype=np.float64)
    return np.sqrt(np.einsum("ij,ij->i", x, x))
