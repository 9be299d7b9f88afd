"""Exact time conversions shared by the readers: float seconds or scaled units -> int64 ns,
and int ns -> an aware UTC datetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray


def seconds_to_ns(t_s: NDArray[np.float64]) -> NDArray[np.int64]:
    """Float seconds -> int64 ns, rounded to the nearest ns (never truncated).

    Whole and fractional seconds are converted separately so Unix-epoch seconds keep their
    full float64 precision.
    """
    return scaled_to_ns(t_s, 1_000_000_000)


def scaled_to_ns(t: NDArray[np.float64], ns_per_unit: int) -> NDArray[np.int64]:
    """Float times in a unit of ``ns_per_unit`` ns -> int64 ns, rounded to the nearest ns."""
    t = np.asarray(t, dtype=np.float64)
    whole = np.floor(t)
    frac = t - whole
    return whole.astype(np.int64) * ns_per_unit + np.rint(frac * ns_per_unit).astype(np.int64)


def ns_to_datetime(t_ns: int) -> datetime:
    """Unix-epoch int ns -> aware UTC datetime (microsecond resolution, exact integer math)."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=int(t_ns) // 1000)
