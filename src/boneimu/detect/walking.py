"""Walking (and stair) bouts from step periodicity of the vertical acceleration.

Steps are peaks of the band-passed (0.5-3 Hz) vertical acceleration >= 0.5 m/s², >= 0.3 s
apart. A walking bout is a run of >= ``min_steps`` steps whose intervals all lie in
``[min_step_s, max_step_s]`` (0.33-0.8 s, i.e. 75-180 steps/min) and change by at most
``max_interval_change`` (relative) from one step to the next, with no flight phase
(|a| < 0.35 g for >= 0.1 s) in between: hopping in place is periodic too, but airborne
(brisk stair descent has shorter near-free-fall dips, which do not break a bout).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

from boneimu.signal.filters import bandpass

MOTION_BAND_HZ = (0.3, 5.0)
"""Band of the horizontal/vertical motion test (walking) and ratio (heel drops vs steps)."""


def motion_band_power(
    vertical_m_s2: NDArray[np.floating], horizontal_m_s2: NDArray[np.floating], *, fs_hz: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Per-sample (vertical², |horizontal|²) of the 0.3-5 Hz (upper edge capped at 0.4 x fs)
    band-passed acceleration parts: what :class:`WalkingDetector` and
    :class:`boneimu.detect.impacts.ImpactRepDetector` compare. Computed once per recording
    part, it can be passed to both (``band_power=``) instead of each filtering again."""
    hi_hz = min(MOTION_BAND_HZ[1], 0.4 * fs_hz)
    lo_hz = MOTION_BAND_HZ[0]
    vb = bandpass(vertical_m_s2, low_hz=lo_hz, high_hz=hi_hz, fs_hz=fs_hz, order=2)
    hb = bandpass(horizontal_m_s2, low_hz=lo_hz, high_hz=hi_hz, fs_hz=fs_hz, order=2)
    return vb * vb, np.einsum("ij,ij->i", hb, hb)


class WalkingDetector:
    """``detect(...)`` fills ``bouts_`` (list of (start_idx, end_idx, n_steps)) and ``walking_``."""

    def __init__(
        self,
        *,
        min_steps: int = 6,
        min_step_s: float = 0.33,
        max_step_s: float = 0.8,
        max_interval_change: float = 0.3,
        min_peak_m_s2: float = 0.5,
        flight_g: float = 0.35,
        min_flight_s: float = 0.1,
        min_horizontal_ratio: float = 0.15,
    ) -> None:
        self.min_steps = min_steps
        self.min_step_s = min_step_s
        self.max_step_s = max_step_s
        self.max_interval_change = max_interval_change
        self.min_peak_m_s2 = min_peak_m_s2
        self.flight_g = flight_g
        self.min_flight_s = min_flight_s
        self.min_horizontal_ratio = min_horizontal_ratio

    def detect(
        self,
        vertical_m_s2: NDArray[np.floating],
        resultant_g: NDArray[np.floating],
        *,
        fs_hz: float,
        horizontal_m_s2: NDArray[np.floating] | None = None,
        band_power: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    ) -> WalkingDetector:
        """``horizontal_m_s2`` ((n, 3), from ``vertical_parts``): when given, a bout must also
        move horizontally (forward progression, side-to-side sway): 0.3-5 Hz horizontal RMS
        >= ``min_horizontal_ratio`` x the vertical RMS. Heel drops in a rhythm do not.
        ``band_power``: :func:`motion_band_power` of the same parts, when already computed."""
        n = len(vertical_m_s2)
        av = bandpass(
            vertical_m_s2, low_hz=0.5, high_hz=min(3.0, 0.4 * fs_hz), fs_hz=fs_hz, order=2
        )
        peaks, _ = find_peaks(av, height=self.min_peak_m_s2, distance=max(1, round(0.3 * fs_hz)))
        self.steps_ = peaks
        h_rms = v_rms = None
        if horizontal_m_s2 is not None and self.min_horizontal_ratio > 0:
            if band_power is None:
                band_power = motion_band_power(vertical_m_s2, horizontal_m_s2, fs_hz=fs_hz)
            v_rms, h_rms = band_power
        walking = np.zeros(n, dtype=bool)
        bouts: list[tuple[int, int, int]] = []
        if peaks.size > self.min_steps:
            iv = np.diff(peaks) / fs_hz
            ok = (iv >= self.min_step_s) & (iv <= self.max_step_s)
            rel = np.abs(np.diff(iv)) / iv[1:]
            ok[1:] &= rel <= self.max_interval_change
            # flight between consecutive peaks: count low-|a| samples per interval
            low = np.concatenate([[0], np.cumsum(np.asarray(resultant_g) < self.flight_g)])
            n_low = low[peaks[1:]] - low[peaks[:-1]]
            ok &= n_low < self.min_flight_s * fs_hz
            edges = np.diff(np.concatenate([[0], ok.astype(np.int8), [0]]))
            starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
            half = round(0.35 * fs_hz)
            for a, b in zip(starts, ends, strict=True):
                n_steps = b - a + 1  # b - a intervals join b - a + 1 peaks
                if n_steps < self.min_steps:
                    continue
                s = max(0, int(peaks[a]) - half)
                e = min(n, int(peaks[b]) + half)
                if h_rms is not None and v_rms is not None:
                    h = float(np.sqrt(np.mean(h_rms[s:e])))
                    if h < self.min_horizontal_ratio * float(np.sqrt(np.mean(v_rms[s:e]))):
                        continue
                walking[s:e] = True
                bouts.append((s, e, int(n_steps)))
        self.bouts_ = bouts
        self.walking_ = walking
        return self
