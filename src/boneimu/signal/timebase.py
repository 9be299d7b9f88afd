"""Sample-interval statistics, gap detection and merging streams onto one time base."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from boneimu.units import NS_PER_S

GAP_MIN_S = 0.1
"""A gap is an interval longer than max(GAP_MIN_S, GAP_PERIODS x median interval)."""
GAP_PERIODS = 5.0


@dataclass(frozen=True, slots=True)
class TimebaseStats:
    median_dt_s: float
    measured_rate_hz: float
    jitter_ms: float
    gap_limit_s: float
    gap_after: NDArray[np.intp]
    """Indices i such that time[i+1] - time[i] exceeds the gap limit."""


def gap_limit_s(median_dt_s: float) -> float:
    """The documented gap limit for a stream with this median sample interval."""
    return max(GAP_MIN_S, GAP_PERIODS * median_dt_s)


def timebase_stats(time_ns: NDArray[np.int64]) -> TimebaseStats:
    """Rate, jitter and gaps of a strictly increasing int64 ns time vector (>= 2 samples)."""
    dt_s = np.diff(time_ns).astype(np.float64) / NS_PER_S
    median_dt = float(np.median(dt_s))
    limit = gap_limit_s(median_dt)
    is_gap = dt_s > limit
    regular = dt_s[~is_gap]
    jitter_ms = float(np.std(regular) * 1e3) if regular.size > 1 else 0.0
    return TimebaseStats(
        median_dt_s=median_dt,
        measured_rate_hz=1.0 / median_dt,
        jitter_ms=jitter_ms,
        gap_limit_s=limit,
        gap_after=np.flatnonzero(is_gap),
    )


def interp_onto(
    src_time_ns: NDArray[np.int64],
    src_values: NDArray[np.float64],
    dst_time_ns: NDArray[np.int64],
    *,
    max_gap_s: float,
) -> NDArray[np.float64]:
    """Linearly interpolate ``src_values`` (n, k) at ``dst_time_ns``.

    Destination instants inside a source gap longer than ``max_gap_s``, or further than
    ``max_gap_s`` outside the source's time range, get NaN: never interpolated across.
    """
    origin = src_time_ns[0]
    xs = (src_time_ns - origin).astype(np.float64) / NS_PER_S
    xd = (dst_time_ns - origin).astype(np.float64) / NS_PER_S
    values = np.asarray(src_values, dtype=np.float64)
    vals2 = values.reshape(len(xs), -1)
    out = np.empty((len(xd), vals2.shape[1]), dtype=np.float64)
    for k in range(vals2.shape[1]):  # per channel (3), vectorised over samples
        out[:, k] = np.interp(xd, xs, vals2[:, k])
    # NaN strictly inside each source gap and beyond the ends; gaps are few, so work per gap
    # interval (searchsorted on its bounds) instead of allocating per-sample index arrays
    gap_after = np.flatnonzero(np.diff(xs) > max_gap_s)
    lo = np.searchsorted(xd, xs[gap_after], side="right")
    hi = np.searchsorted(xd, xs[gap_after + 1], side="left")
    for a, b in zip(lo.tolist(), hi.tolist(), strict=True):
        out[a:b] = np.nan
    out[: np.searchsorted(xd, xs[0] - max_gap_s, side="left")] = np.nan
    out[np.searchsorted(xd, xs[-1] + max_gap_s, side="right") :] = np.nan
    return out.reshape((len(xd), *values.shape[1:]))
