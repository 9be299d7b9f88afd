"""Physical constants and the only unit conversions in boneimu.

Readers call these; nothing downstream converts units. See docs/units.md.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

STANDARD_GRAVITY_M_S2 = 9.80665
"""Standard gravity; 1 g. All g <-> m/s² conversions use this value."""

NS_PER_S = 1_000_000_000
NS_PER_MS = 1_000_000
NS_PER_US = 1_000

UNIX_EPOCH_TO_2000_S = 946_684_800
"""Seconds from 1970-01-01T00:00Z to 2000-01-01T00:00Z (Polar device clock epoch)."""

HPA_PER_KPA = 10.0


def g_to_m_s2(x: NDArray[np.floating] | float) -> NDArray[np.float64] | float:
    """Acceleration in g -> m/s²."""
    return np.multiply(x, STANDARD_GRAVITY_M_S2)


def m_s2_to_g(x: NDArray[np.floating] | float) -> NDArray[np.float64] | float:
    """Acceleration in m/s² -> g."""
    return np.divide(x, STANDARD_GRAVITY_M_S2)


def deg_to_rad(x: NDArray[np.floating] | float) -> NDArray[np.float64] | float:
    """Angles or angular rates in degrees -> radians."""
    return np.multiply(x, math.pi / 180.0)


TIME_UNIT_TO_NS: dict[str, int] = {"ns": 1, "us": NS_PER_US, "ms": NS_PER_MS, "s": NS_PER_S}
"""Nanoseconds per unit for the time units a generic CSV may declare."""
