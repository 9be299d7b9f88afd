"""Typed event tables shared by the detectors (sample indices are 0-based, half-open)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

BoutKind = Literal["heel_drop", "hop", "sit_to_stand", "balance", "walking", "other"]


@dataclass(frozen=True, slots=True)
class Rep:
    """One detected repetition. Times are seconds from the recording's first sample."""

    exercise: Literal["heel_drop", "hop", "sit_to_stand"]
    start_s: float
    end_s: float
    peak_acc_g: float
    """Peak resultant acceleration, g incl. gravity (1.0 at rest)."""
    impact_s: float | None = None
    """Heel strike / landing instant; None for sit-to-stand."""
    loading_rate_g_s: float | None = None
    """Rise of |a| to the impact peak over the preceding 50 ms window, g/s (indicative)."""
    clipped: bool = False
    flight_s: float | None = None
    vertical_displacement_m: float | None = None
    peak_vertical_velocity_m_s: float | None = None
    phases_s: dict[str, float] = field(default_factory=dict)
    impact_lp_g: float | None = None
    """Impact peak of |a| low-passed at 20 Hz (the body's loading, without sensor jolts); g."""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class Bout:
    """A contiguous stretch of one activity; ``reps`` only for exercise bouts."""

    kind: BoutKind
    start_s: float
    end_s: float
    reps: tuple[Rep, ...] = ()
    steps: int = 0


def sample_time_s(t_s: NDArray[np.float64] | None, index: int, *, fs_hz: float) -> float:
    """Time (s) of sample ``index`` (``index == len(t_s)`` is one period past the last sample).

    ``t_s`` None: the segment is taken as uniformly sampled from 0 s. Real clocks drift and
    jitter, so callers pass the recording's own times whenever they have them.
    """
    if t_s is None:
        return index / fs_hz
    n = t_s.shape[0]
    if index >= n:
        return float(t_s[n - 1]) + (index - n + 1) / fs_hz
    return float(t_s[max(index, 0)])
