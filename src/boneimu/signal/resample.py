"""Resampling onto a uniform time grid, one contiguous segment at a time (never across gaps).

Method: linear interpolation. Each segment (the samples between two gaps) gets its own grid
starting at the segment's first sample, ``1 / rate_hz`` apart, ending at or before its last
sample; nothing is invented inside a gap. There is no anti-alias filter: downsampling a signal
with content above ``rate_hz / 2`` aliases and lowers short peaks (docs/units.md, Resampling).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from boneimu.recording import Gap, Recording, ResampleInfo
from boneimu.signal.timebase import timebase_stats
from boneimu.units import NS_PER_S


class Resampled(NamedTuple):
    time_ns: NDArray[np.int64]
    values: NDArray[np.float64]
    segment_starts: NDArray[np.intp]
    """Output index where each contiguous segment begins (first is 0)."""


def resample_uniform(
    time_ns: NDArray[np.int64],
    values: NDArray[np.floating],
    *,
    rate_hz: float,
    gap_limit_s: float,
) -> Resampled:
    """Linearly interpolate ``values`` (n,) or (n, k) onto a uniform grid at ``rate_hz``.

    Intervals longer than ``gap_limit_s`` split the input into segments resampled separately.
    Grid times are ``t_seg0 + round(i * 1e9 / rate_hz)`` ns. NaN inputs make the adjacent
    outputs NaN (nothing is filled). Returns times, values and the segment start indices.
    """
    t = np.asarray(time_ns)
    if t.dtype != np.int64 or t.ndim != 1:
        raise TypeError("time_ns must be a 1-D int64 array")
    if not rate_hz > 0 or not gap_limit_s > 0:
        raise ValueError("rate_hz and gap_limit_s must be positive")
    x = np.asarray(values, dtype=np.float64)
    if x.shape[0] != t.shape[0]:
        raise ValueError(f"values has {x.shape[0]} rows but time_ns has {t.shape[0]}")
    if t.size == 0:
        return Resampled(t.copy(), x.copy(), np.zeros(0, dtype=np.intp))
    dt = np.diff(t)
    if np.any(dt <= 0):
        raise ValueError("time_ns must be strictly increasing")
    step_ns = NS_PER_S / rate_hz
    cuts = np.flatnonzero(dt > gap_limit_s * NS_PER_S) + 1
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [t.size]]) - 1  # inclusive last index per segment
    n_out = np.floor((t[ends] - t[starts]) / step_ns + 1e-9).astype(np.int64) + 1
    out_starts = np.concatenate([[0], np.cumsum(n_out)[:-1]])
    seg_of = np.repeat(np.arange(starts.size), n_out)
    k = np.arange(int(n_out.sum()), dtype=np.int64) - out_starts[seg_of]
    t_out = t[starts][seg_of] + np.round(k * step_ns).astype(np.int64)
    # interpolate in float seconds relative to the first sample (exact to < 1 ns for days)
    origin = t[0]
    xs = (t - origin).astype(np.float64) / NS_PER_S
    xd = (t_out - origin).astype(np.float64) / NS_PER_S
    # bracketing source samples, confined to the output sample's own segment
    right = np.searchsorted(t, t_out, side="left")
    right = np.minimum(right, ends[seg_of])
    left = np.maximum(right - 1, starts[seg_of])
    span = xs[right] - xs[left]
    w = np.divide(xd - xs[left], span, out=np.zeros_like(xd), where=span > 0)
    flat = x.reshape(t.size, -1)
    w2 = w[:, None]
    y = flat[left] * (1.0 - w2) + flat[right] * w2
    exact = t_out == t[right]
    y[exact] = flat[right[exact]]
    return Resampled(t_out, y.reshape((t_out.size, *x.shape[1:])), out_starts.astype(np.intp))


def resample_recording(rec: Recording, rate_hz: float) -> Recording:
    """``rec`` linearly resampled to ``rate_hz`` per contiguous segment; gaps stay gaps.

    Fills ``meta.resampled``, adds a line to ``meta.conversions`` and re-measures rate and
    jitter. Gaps are carried over from ``rec`` even when shorter than the new gap limit.
    """
    if not rate_hz > 0:
        raise ValueError("rate_hz must be positive")
    cols = [rec.acc_m_s2] if rec.gyro_rad_s is None else [rec.acc_m_s2, rec.gyro_rad_s]
    res = resample_uniform(
        rec.time_ns, np.hstack(cols), rate_hz=rate_hz, gap_limit_s=rec.meta.gap_limit_s
    )
    t = res.time_ns
    acc = np.ascontiguousarray(res.values[:, :3])
    gyro = None if rec.gyro_rad_s is None else np.ascontiguousarray(res.values[:, 3:])
    if t.size >= 2:
        stats = timebase_stats(t)
        measured, jitter, limit = stats.measured_rate_hz, stats.jitter_ms, stats.gap_limit_s
    else:
        measured, jitter, limit = rate_hz, 0.0, rec.meta.gap_limit_s
    t0 = t[0]
    gaps = [
        Gap(
            start_s=float(t[s - 1] - t0) / NS_PER_S,
            end_s=float(t[s] - t0) / NS_PER_S,
            after_index=int(s - 1),
        )
        for s in res.segment_starts[1:]
    ]
    info = ResampleInfo(
        from_rate_hz=rec.meta.measured_rate_hz,
        to_rate_hz=rate_hz,
        n_samples_in=rec.n_samples,
        n_samples_out=int(t.size),
        n_segments=int(res.segment_starts.size),
        gap_limit_s=rec.meta.gap_limit_s,
    )
    conversions = [
        *rec.meta.conversions,
        f"resampled {rec.meta.measured_rate_hz:.2f} Hz -> {rate_hz:g} Hz (linear, per segment, "
        f"{info.n_segments} segment(s), gaps kept)",
    ]
    warnings = list(rec.meta.warnings)
    if rate_hz < rec.meta.measured_rate_hz * 0.99:
        warnings.append(
            f"downsampled to {rate_hz:g} Hz without an anti-alias filter: short impact peaks "
            "may read lower than in the original"
        )
    meta = rec.meta.model_copy(
        update={
            "measured_rate_hz": measured,
            "jitter_ms": jitter,
            "gap_limit_s": limit,
            "gaps": gaps,
            "conversions": conversions,
            "warnings": warnings,
            "resampled": info,
            "gyro_rate_hz": measured if gyro is not None else None,
        }
    )
    return replace(rec, time_ns=t, acc_m_s2=acc, gyro_rad_s=gyro, meta=meta)
