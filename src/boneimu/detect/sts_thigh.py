"""Sit-to-stand detection from a thigh IMU: the thigh swings from near horizontal (sitting,
tilt > 60° from upright) to near vertical (< 30°). See docs/algorithms/reps.md."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from boneimu.detect.events import Rep, sample_time_s
from boneimu.signal.filters import lowpass


class ThighSitToStandDetector:
    """Thigh sensor: a rise is the tilt passing from > ``sit_tilt_deg`` to < ``stand_tilt_deg``;
    the rep spans the whole movement (tilt falling faster than ``min_rate_deg_s``)."""

    def __init__(
        self,
        *,
        sit_tilt_deg: float = 60.0,
        stand_tilt_deg: float = 30.0,
        max_duration_s: float = 4.5,
        min_rate_deg_s: float = 10.0,
    ) -> None:
        self.min_rate_deg_s = min_rate_deg_s
        self.sit_tilt_deg = sit_tilt_deg
        self.stand_tilt_deg = stand_tilt_deg
        self.max_duration_s = max_duration_s

    def detect(
        self,
        tilt_deg: NDArray[np.floating],
        resultant_g: NDArray[np.floating],
        *,
        fs_hz: float,
        t_s: NDArray[np.float64] | None = None,
    ) -> ThighSitToStandDetector:
        tilt = lowpass(tilt_deg, cutoff_hz=min(2.0, 0.4 * fs_hz), fs_hz=fs_hz, order=2)
        state = np.zeros(tilt.size, dtype=np.int8)  # 1 sitting, -1 standing, 0 between
        state[tilt > self.sit_tilt_deg] = 1
        state[tilt < self.stand_tilt_deg] = -1
        idx = np.flatnonzero(state != 0)
        reps: list[Rep] = []
        if idx.size >= 2:
            st = state[idx]
            change = np.flatnonzero((st[:-1] == 1) & (st[1:] == -1))
            rate = np.gradient(tilt) * fs_hz  # deg/s, negative while the thigh rises
            moving = rate < -self.min_rate_deg_s
            for c in change:
                s, e = int(idx[c]), int(idx[c + 1])
                # widen to the whole movement: while the tilt keeps falling
                still_before = np.flatnonzero(~moving[:s])
                still_after = np.flatnonzero(~moving[e:])
                s = int(still_before[-1]) + 1 if still_before.size else 0
                e = e + int(still_after[0]) if still_after.size else tilt.size - 1
                if (e - s) / fs_hz > self.max_duration_s:
                    continue
                reps.append(
                    Rep(
                        exercise="sit_to_stand",
                        start_s=sample_time_s(t_s, s, fs_hz=fs_hz),
                        end_s=sample_time_s(t_s, e + 1, fs_hz=fs_hz),
                        peak_acc_g=float(np.max(resultant_g[s : e + 1])),
                    )
                )
        self.reps_ = reps
        return self
