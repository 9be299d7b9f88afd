"""Stance of a balance hold from its sway spectrum (PROVISIONAL, docs/algorithms/balance.md)."""

from __future__ import annotations

import numpy as np
import scipy.signal as sps
from numpy.typing import NDArray

from boneimu.labels import Stance
from boneimu.metrics.sway import SWAY_CUTOFF_HZ, SwayMetrics, horizontal_sway

CORRECTIVE_SPLIT_HZ = 0.7
"""Sway power above this frequency (Hz) counts as fast corrective sway."""
STANCE_BANDS: dict[str, tuple[float, float, float, float]] = {
    "two_leg": (0.0, 0.15, 0.0, 0.55),
    "tandem": (0.15, 0.25, 0.65, 0.9),
    "single_leg": (0.25, 1.01, 0.9, 99.0),
}
"""PROVISIONAL stance bands: (corrective fraction lo, hi, mean frequency lo, hi in Hz); a hold
inside none of them is ``unknown``. Chosen on simulated holds (development seeds 0-299)."""
SINGLE_LEG_MIN_AXIS_RATIO = 0.55
"""Single-leg stance also needs sway in both horizontal directions (minor / major principal
axis RMS at least this): the base of support is small both ways, while casual two-leg standing
sways mostly one way (real standing, HAPT users 1-8, median ratio 0.55)."""
SINGLE_LEG_MIN_RMS_M_S2 = 0.15
"""... and horizontal sway RMS of at least this (m/s²): standing on one leg is never very
steady (simulated single-leg holds 5th percentile 0.2 m/s²)."""
NO_STANCE_PLACEMENTS = ("thigh",)
"""Placements whose sensor does not ride on the trunk: no stance from their sway (a thigh in
stance hardly sways like the trunk; simulated thigh holds were named right 55 % of the time)."""


def corrective_fraction(acc_m_s2: NDArray[np.floating], *, fs_hz: float) -> float:
    """Share of the horizontal sway power (0 to the sway cut-off) above
    :data:`CORRECTIVE_SPLIT_HZ`: the fast ankle/hip corrections that narrow stances need."""
    h, _ = horizontal_sway(acc_m_s2, fs_hz=fs_hz)
    return horizontal_corrective_fraction(h, fs_hz=fs_hz)


def horizontal_corrective_fraction(h: NDArray[np.float64], *, fs_hz: float) -> float:
    freq, psd = sps.welch(h, fs=fs_hz, nperseg=min(h.shape[0], round(10.0 * fs_hz)), axis=0)
    power = psd.sum(axis=1)
    band = (freq > 0) & (freq <= SWAY_CUTOFF_HZ)
    total = float(power[band].sum())
    return float(power[band & (freq >= CORRECTIVE_SPLIT_HZ)].sum() / total) if total > 0 else 0.0


def classify_stance(m: SwayMetrics, corrective: float, *, placement: str | None = None) -> Stance:
    """two_leg / tandem / single_leg when the sway's spectrum falls clearly in one band, else
    unknown (:data:`STANCE_BANDS`, PROVISIONAL); always unknown for a sensor not on the trunk
    (:data:`NO_STANCE_PLACEMENTS`).

    Harder stances need faster corrections, so both the share of sway power above 0.7 Hz
    (``corrective``) and the mean frequency rise from two-leg to tandem to single-leg stance,
    largely independent of how much a person sways. Single-leg stance also needs sway in both
    directions (:data:`SINGLE_LEG_MIN_AXIS_RATIO`) and of some size
    (:data:`SINGLE_LEG_MIN_RMS_M_S2`): real casual standing often has fast sway too."""
    if placement in NO_STANCE_PLACEMENTS:
        return "unknown"
    for stance, (c_lo, c_hi, f_lo, f_hi) in STANCE_BANDS.items():
        if c_lo <= corrective < c_hi and f_lo <= m.mean_freq_hz < f_hi:
            if stance == "single_leg" and not (
                m.rms_minor_m_s2 >= SINGLE_LEG_MIN_AXIS_RATIO * m.rms_major_m_s2
                and m.rms_m_s2 >= SINGLE_LEG_MIN_RMS_M_S2
            ):
                return "unknown"
            return stance  # type: ignore[return-value]
    return "unknown"
