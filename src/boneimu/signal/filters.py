"""Zero-phase Butterworth filters and moving windows. Arrays in, arrays out; ``fs_hz`` required.

Filters run along ``axis`` (default 0, samples) and keep the input shape. Inputs shorter than
the filter's padding are filtered with reduced padding rather than failing.
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import NDArray
from scipy import signal as sps


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


def _filtfilt(
    design: tuple[NDArray[np.float64], NDArray[np.float64]],
    x: NDArray[np.floating],
    axis: int,
) -> NDArray[np.float64]:
    """Forward-backward filtering with odd extension: the algorithm of
    ``scipy.signal.sosfiltfilt`` (same output), reusing the cached initial state."""
    sos, zi = design
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1)
    n = int(x.shape[-1])
    if n < 2:
        return np.moveaxis(np.array(x, dtype=np.float64), -1, axis)
    pad = min(3 * (2 * len(sos) + 1), n - 1)
    ext = np.concatenate(
        [
            2 * x[..., :1] - x[..., pad:0:-1],
            x,
            2 * x[..., -1:] - x[..., -2 : -pad - 2 : -1],
        ],
        axis=-1,
    )
    zi_shape = (len(sos), *x.shape[:-1], 2)
    zi_b = zi.reshape(len(sos), *([1] * (x.ndim - 1)), 2)
    y, _ = sps.sosfilt(sos, ext, axis=-1, zi=np.broadcast_to(zi_b * ext[..., :1], zi_shape))
    y = y[..., ::-1]
    y, _ = sps.sosfilt(sos, y, axis=-1, zi=np.broadcast_to(zi_b * y[..., :1], zi_shape))
    y = y[..., ::-1][..., pad : pad + n]
    return np.ascontiguousarray(np.moveaxis(y, -1, axis))


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
    """Centred moving mean over ``window_s`` along axis 0 (edges use the available samples)."""
    x = np.asarray(x, dtype=np.float64)
    w = max(1, round(window_s * fs_hz))
    csum = np.cumsum(np.concatenate([np.zeros((1, *x.shape[1:])), x], axis=0), axis=0)
    n = x.shape[0]
    idx = np.arange(n)
    lo = np.clip(idx - w // 2, 0, n)
    hi = np.clip(idx - w // 2 + w, 0, n)
    counts = (hi - lo).reshape(-1, *([1] * (x.ndim - 1)))
    return (csum[hi] - csum[lo]) / counts


def norm(x: NDArray[np.floating]) -> NDArray[np.float64]:
    """Euclidean norm of (n, 3) vectors -> (n,)."""
    x = np.asarray(x, dtype=np.float64)
    return np.sqrt(np.einsum("ij,ij->i", x, x))
