"""Postural sway over one stance hold from a trunk / waist accelerometer (ISway-style).

Pipeline (docs/algorithms/sway.md):
1. Tilt correction (Moe-Nilssen 1998, generalised to 3-D): rotate the device frame so the
   hold's MEAN acceleration points along +z; the x/y components are then horizontal and free
   of the static gravity component that a tilted sensor would otherwise leak into them.
2. Zero-phase low-pass at ``cutoff_hz`` (default 3.5 Hz, the ISway choice of Mancini et al.
   2012) of the two horizontal components, mean removed.
3. Axes: the sensor's heading is unknown, so the horizontal plane is expressed in its principal
   axes (``major`` = direction of largest sway, ``minor`` perpendicular). These are NOT
   labelled AP/ML: for a belt sensor sway is usually largest AP in two-leg stance and ML in
   tandem stance, but boneimu does not assume it.
4. Measures after Mancini et al. 2012 (definitions adapted from Prieto et al. 1996).

References: Moe-Nilssen R (1998) Clin Biomech 13:320-327. Mancini M et al. (2012) ISway,
J NeuroEng Rehabil 9:59. Prieto TE et al. (1996) IEEE Trans Biomed Eng 43:956-966.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import signal as sps
from scipy import stats

from boneimu.errors import AnalysisError
from boneimu.signal.filters import highpass, lowpass

SWAY_CUTOFF_HZ = 3.5
"""Low-pass cut-off for sway (Mancini et al. 2012)."""
VELOCITY_HIGHPASS_HZ = 0.1
"""High-pass applied to the integrated horizontal velocity to remove integration drift."""
MIN_HOLD_S = 2.0
"""Shortest hold boneimu computes sway on."""

STEADY_RMS_M_S2 = 0.02
UNSTEADY_RMS_M_S2 = 0.5
STEADY_JERK_RMS_M_S3 = 0.1
UNSTEADY_JERK_RMS_M_S3 = 5.0
"""Score anchors (PROVISIONAL; sources in docs/algorithms/sway.md): published trunk RMS in
quiet stance runs from ~0.04 m/s² (two legs, eyes open, firm floor) to ~0.9 m/s² (tandem,
eyes closed, on foam; Neville et al. 2015), so 0.02 m/s² lies just below the steadiest
typical value and 0.5 m/s² at the hard end of firm-ground stances. Jerk anchors follow from
RMS x 2*pi*f at typical sway frequencies (0.8 and 1.6 Hz); no jerk norms were found."""
RMS_WEIGHT = 0.25
"""Weight of the RMS sub-score in :func:`sway_score` (the jerk sub-score has the rest). The
static (Moe-Nilssen) tilt correction leaves the trunk's dynamic tilt in the horizontal
acceleration as projected gravity (g x tilt), whose share of the RMS depends on the sway's
frequency and on how high the sensor sits (placement); differentiating weights frequency, so
the jerk follows the body's actual horizontal acceleration more closely. Chosen on simulated
development sessions (docs/algorithms/sway.md, "Sway score")."""


@dataclass(frozen=True)
class SwayMetrics:
    """Sway measures for one hold; horizontal = after tilt correction and low-pass.

    rms_m_s2: RMS of the horizontal acceleration magnitude (m/s²); rms_major_m_s2 /
    rms_minor_m_s2: per principal axis. jerk_m2_s5: Mancini's JERK, 0.5 * integral of the
    squared horizontal jerk (m²/s⁵, grows with duration); jerk_rms_m_s3: RMS of the
    horizontal jerk magnitude (m/s³, duration-independent). ellipse_area_m2_s4: 95%
    confidence ellipse of the horizontal acceleration (m²/s⁴). mean_velocity_m_s: mean
    horizontal speed of the integrated, drift-filtered acceleration (m/s). mean_freq_hz:
    centroid of the horizontal power spectrum; f95_hz: frequency below which 95% of the
    power lies (both within 0..cutoff). tilt_deg: angle between the hold's mean acceleration
    and the nearest device axis (how far the sensor sits from square). duration_s: hold length.
    """

    rms_m_s2: float
    rms_major_m_s2: float
    rms_minor_m_s2: float
    jerk_m2_s5: float
    jerk_rms_m_s3: float
    ellipse_area_m2_s4: float
    mean_velocity_m_s: float
    mean_freq_hz: float
    f95_hz: float
    tilt_deg: float
    duration_s: float

    def as_dict(self) -> dict[str, float]:
        return {k: float(v) for k, v in self.__dict__.items()}


def rotation_to_vertical(mean_acc: NDArray[np.floating]) -> NDArray[np.float64]:
    """3x3 rotation matrix R with ``R @ unit(mean_acc) = [0, 0, 1]`` (Rodrigues' formula)."""
    m = np.asarray(mean_acc, dtype=np.float64)
    n = float(np.linalg.norm(m))
    if n == 0 or not math.isfinite(n):
        raise AnalysisError("mean acceleration is zero or not finite; cannot find vertical")
    u = m / n
    z = np.array([0.0, 0.0, 1.0])
    v = np.cross(u, z)
    s = float(np.linalg.norm(v))
    c = float(u @ z)
    if s < 1e-12:
        return np.eye(3) if c > 0 else np.diag([1.0, -1.0, -1.0])
    vx = np.array([[0.0, -v[2], v[1]], [v[2], 0.0, -v[0]], [-v[1], v[0], 0.0]])
    return np.eye(3) + vx + vx @ vx * ((1.0 - c) / s**2)


def horizontal_sway(
    acc_m_s2: NDArray[np.floating], *, fs_hz: float, cutoff_hz: float = SWAY_CUTOFF_HZ
) -> tuple[NDArray[np.float64], float]:
    """Tilt-corrected, low-passed horizontal acceleration in principal axes, (n, 2) in m/s²
    (column 0 = major axis), and the tilt-correction angle in degrees."""
    a = np.asarray(acc_m_s2, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] != 3:
        raise AnalysisError(f"acceleration must have shape (n, 3), got {a.shape}")
    if not np.all(np.isfinite(a)):
        raise AnalysisError("acceleration contains NaN or infinite values")
    if not fs_hz > 0:
        raise AnalysisError(f"sample rate must be positive, got {fs_hz!r} Hz")
    if a.shape[0] < MIN_HOLD_S * fs_hz:
        raise AnalysisError(f"hold of {a.shape[0] / fs_hz:.2f} s is shorter than {MIN_HOLD_S} s")
    if cutoff_hz >= fs_hz / 2:
        raise AnalysisError(f"sway cut-off {cutoff_hz} Hz must be below Nyquist ({fs_hz / 2} Hz)")
    mean = a.mean(axis=0)
    rot = rotation_to_vertical(mean)
    cos_nearest = float(np.max(np.abs(mean)) / np.linalg.norm(mean))
    tilt_deg = math.degrees(math.acos(min(1.0, cos_nearest)))
    h = (a @ rot.T)[:, :2]
    h = lowpass(h - h.mean(axis=0), cutoff_hz=cutoff_hz, fs_hz=fs_hz)
    h -= h.mean(axis=0)
    _, vecs = np.linalg.eigh(np.cov(h, rowvar=False))
    return h @ vecs[:, ::-1], tilt_deg


def sway_metrics(
    acc_m_s2: NDArray[np.floating], *, fs_hz: float, cutoff_hz: float = SWAY_CUTOFF_HZ
) -> SwayMetrics:
    """Sway measures of one stance hold; ``acc_m_s2`` is (n, 3) incl. gravity, device frame."""
    h, tilt_deg = horizontal_sway(acc_m_s2, fs_hz=fs_hz, cutoff_hz=cutoff_hz)
    n = h.shape[0]
    dt = 1.0 / fs_hz
    duration_s = n * dt
    mag2 = np.einsum("ij,ij->i", h, h)
    jerk = np.diff(h, axis=0) / dt
    jerk2 = np.einsum("ij,ij->i", jerk, jerk)
    cov = np.cov(h, rowvar=False)
    f95_stat = _f95(max(n - 2, 1))
    area = 2.0 * math.pi * f95_stat * math.sqrt(max(float(np.linalg.det(cov)), 0.0))
    vel = np.cumsum(h, axis=0) * dt
    vel = highpass(vel, cutoff_hz=VELOCITY_HIGHPASS_HZ, fs_hz=fs_hz, order=2)
    nperseg = min(n, round(10.0 * fs_hz))
    freq, psd = sps.welch(h, fs=fs_hz, nperseg=nperseg, axis=0)
    power = psd.sum(axis=1)
    band = (freq > 0) & (freq <= cutoff_hz)
    fb, pb = freq[band], power[band]
    total = float(pb.sum())
    if total > 0:
        mean_freq = float((fb * pb).sum() / total)
        f95 = float(fb[min(np.searchsorted(np.cumsum(pb), 0.95 * total), fb.size - 1)])
    else:
        mean_freq = f95 = 0.0
    return SwayMetrics(
        rms_m_s2=float(np.sqrt(mag2.mean())),
        rms_major_m_s2=float(np.sqrt(np.mean(h[:, 0] ** 2))),
        rms_minor_m_s2=float(np.sqrt(np.mean(h[:, 1] ** 2))),
        jerk_m2_s5=0.5 * float(jerk2.sum()) * dt,
        jerk_rms_m_s3=float(np.sqrt(jerk2.mean())),
        ellipse_area_m2_s4=area,
        mean_velocity_m_s=float(np.mean(np.sqrt(np.einsum("ij,ij->i", vel, vel)))),
        mean_freq_hz=mean_freq,
        f95_hz=f95,
        tilt_deg=tilt_deg,
        duration_s=duration_s,
    )


@functools.lru_cache(maxsize=4096)
def _f95(dof: int) -> float:
    """95th percentile of the F(2, ``dof``) distribution (scipy's ppf costs ~0.2 ms a call;
    holds of one length share it)."""
    return float(stats.f.ppf(0.95, 2, dof))


def _log_subscore(x: float, steady: float, unsteady: float) -> float:
    if x <= 0:
        return 100.0
    frac = (math.log(unsteady) - math.log(x)) / (math.log(unsteady) - math.log(steady))
    return 100.0 * min(1.0, max(0.0, frac))


def sway_score(metrics: SwayMetrics) -> float:
    """0-100, higher = steadier: a weighted mean of two log-scale sub-scores, RMS
    (:data:`RMS_WEIGHT`) and jerk RMS (the rest), each 100 at the "very steady" anchor and 0
    at the "very unsteady" anchor (module constants). PROVISIONAL mapping, not validated
    against a clinical scale."""
    s_rms = _log_subscore(metrics.rms_m_s2, STEADY_RMS_M_S2, UNSTEADY_RMS_M_S2)
    s_jerk = _log_subscore(metrics.jerk_rms_m_s3, STEADY_JERK_RMS_M_S3, UNSTEADY_JERK_RMS_M_S3)
    return RMS_WEIGHT * s_rms + (1.0 - RMS_WEIGHT) * s_jerk
