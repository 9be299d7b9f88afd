"""Movement smoothness per rep: SPARC, LDLJ-V and LDLJ-A. Arrays in, floats out.

All three are dimensionless and NEGATIVE; closer to zero is smoother. Compute them on ONE
movement (one rep or one phase of a rep), never over a long window: both measures assume a
discrete movement that starts and ends at rest (Balasubramanian et al. 2015).

Which input is valid (Melendez-Calderon, Shirota & Balasubramanian 2021):
- :func:`sparc` and :func:`ldlj_v` need a SPEED profile. Translational speed integrated from an
  IMU drifts, so prefer :func:`sparc` on the gyroscope's angular speed (:func:`angular_speed`).
- :func:`ldlj_a` works directly on accelerometer data (optionally gyro-corrected).

References
----------
Balasubramanian S, Melendez-Calderon A, Roby-Brami A, Burdet E (2015). On the analysis of
movement smoothness. J NeuroEng Rehabil 12:112. doi:10.1186/s12984-015-0090-9
Melendez-Calderon A, Shirota C, Balasubramanian S (2021). Estimating movement smoothness from
inertial measurement units. Front Bioeng Biotechnol 8:558771. doi:10.3389/fbioe.2020.558771
See docs/algorithms/smoothness.md.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

from boneimu.errors import AnalysisError
from boneimu.units import STANDARD_GRAVITY_M_S2

SPARC_MAX_FREQ_HZ = 10.0
SPARC_AMP_THRESHOLD = 0.05
SPARC_PADLEVEL = 4


def _check_fs(fs_hz: float) -> None:
    if not (fs_hz > 0 and math.isfinite(fs_hz)):
        raise AnalysisError(f"sample rate must be positive and finite, got {fs_hz!r} Hz")


def _as_1d(x: NDArray[np.floating], name: str, min_len: int) -> NDArray[np.float64]:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise AnalysisError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size < min_len:
        raise AnalysisError(f"{name} needs at least {min_len} samples, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise AnalysisError(f"{name} contains NaN or infinite values")
    return arr


def angular_speed(gyro_rad_s: NDArray[np.floating]) -> NDArray[np.float64]:
    """Angular speed |omega| in rad/s from an (n, 3) gyroscope array in rad/s -> (n,)."""
    g = np.asarray(gyro_rad_s, dtype=np.float64)
    if g.ndim != 2 or g.shape[1] != 3:
        raise AnalysisError(f"gyroscope must have shape (n, 3), got {g.shape}")
    return np.sqrt(np.einsum("ij,ij->i", g, g))


def sparc(
    speed: NDArray[np.floating],
    *,
    fs_hz: float,
    max_freq_hz: float = SPARC_MAX_FREQ_HZ,
    amp_threshold: float = SPARC_AMP_THRESHOLD,
    padlevel: int = SPARC_PADLEVEL,
) -> float:
    """Spectral arc length (SPARC) of one movement's speed profile; dimensionless, <= 0.

    ``nfft = 2 ** (ceil(log2(n)) + padlevel)``; ``M(f) = |FFT(speed, nfft)| / max``; keep
    ``f <= max_freq_hz``; then keep the span from the first to the last frequency with
    ``M >= amp_threshold``; SPARC = -sum(sqrt((df / f_span)^2 + dM^2)) over that span
    (Balasubramanian et al. 2015). Units of ``speed`` cancel (m/s or rad/s alike).
    """
    _check_fs(fs_hz)
    v = _as_1d(speed, "speed", 2)
    if max_freq_hz <= 0 or not (0 < amp_threshold < 1) or padlevel < 0:
        raise AnalysisError("SPARC needs max_freq_hz > 0, 0 < amp_threshold < 1, padlevel >= 0")
    nfft = 2 ** (math.ceil(math.log2(v.size)) + padlevel)
    mag = np.abs(np.fft.rfft(v, nfft))
    peak = mag.max()
    if peak == 0:
        raise AnalysisError("speed profile is all zeros; smoothness is undefined")
    mag = mag / peak
    freq = np.arange(mag.size) * (fs_hz / nfft)
    keep = freq <= max_freq_hz
    freq, mag = freq[keep], mag[keep]
    above = np.flatnonzero(mag >= amp_threshold)
    if above.size < 2:
        return 0.0
    sel = slice(above[0], above[-1] + 1)
    f_sel, m_sel = freq[sel], mag[sel]
    span = f_sel[-1] - f_sel[0]
    return -float(np.sum(np.sqrt((np.diff(f_sel) / span) ** 2 + np.diff(m_sel) ** 2)))


def ldlj_v(speed: NDArray[np.floating], *, fs_hz: float) -> float:
    """Log dimensionless jerk of a speed profile (LDLJ-V); dimensionless, lower = jerkier.

    ``LDLJ-V = -ln( T^3 / v_peak^2 * integral (d^2 v / dt^2)^2 dt )`` with ``T = n / fs_hz``,
    the second derivative by second differences and the integral as a sum times ``1/fs_hz``
    (the discretisation of Balasubramanian et al. 2015). Invariant to amplitude and duration
    scaling of the same profile.
    """
    _check_fs(fs_hz)
    v = _as_1d(speed, "speed", 3)
    dt = 1.0 / fs_hz
    v_peak = float(np.max(np.abs(v)))
    if v_peak == 0:
        raise AnalysisError("speed profile is all zeros; smoothness is undefined")
    jerk = np.diff(v, 2) / dt**2
    cost = float(np.sum(jerk**2)) * dt
    if cost == 0:
        raise AnalysisError("speed profile has no jerk (linear); LDLJ is undefined")
    duration_s = v.size * dt
    return -math.log(duration_s**3 / v_peak**2 * cost)


def ldlj_a(
    acc_m_s2: NDArray[np.floating],
    *,
    fs_hz: float,
    gyro_rad_s: NDArray[np.floating] | None = None,
    gravity_m_s2: float = STANDARD_GRAVITY_M_S2,
) -> float:
    """Log dimensionless jerk from accelerometer data (LDLJ-A); dimensionless, lower = jerkier.

    ``acc_m_s2`` is one movement, (n, 3), specific force INCLUDING gravity in the device frame
    (boneimu's canonical form). ``LDLJ-A = -ln T + ln A - ln J`` (Melendez-Calderon et al.
    2021) with ``T = n / fs_hz`` and ``J = integral |j|^2 dt`` (first differences):

    - without a gyroscope, gravity is removed by subtracting the movement's mean acceleration
      (exact when orientation changes little during the rep): ``j = da/dt`` and
      ``A = mean |a - mean(a)|^2``;
    - with a gyroscope (rad/s, same frame), ``j = da/dt - a x omega`` (whose norm equals the
      world-frame jerk norm for any rotation) and ``A = mean |a|^2 - gravity_m_s2^2``. Pass the
      sensor's own still reading as ``gravity_m_s2``: a 1% accelerometer scale error shifts
      ``A`` by ~2 (m/s²)², comparable to a sit-to-stand's own mean-square acceleration.
    """
    _check_fs(fs_hz)
    a = np.asarray(acc_m_s2, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] != 3:
        raise AnalysisError(f"acceleration must have shape (n, 3), got {a.shape}")
    if a.shape[0] < 3:
        raise AnalysisError(f"acceleration needs at least 3 samples, got {a.shape[0]}")
    if not np.all(np.isfinite(a)):
        raise AnalysisError("acceleration contains NaN or infinite values")
    dt = 1.0 / fs_hz
    jerk = np.diff(a, axis=0) / dt
    if gyro_rad_s is not None:
        w = np.asarray(gyro_rad_s, dtype=np.float64)
        if w.shape != a.shape:
            raise AnalysisError(f"gyroscope shape {w.shape} does not match acceleration {a.shape}")
        if not np.all(np.isfinite(w)):
            raise AnalysisError("gyroscope contains NaN or infinite values")
        a_mid = 0.5 * (a[1:] + a[:-1])
        w_mid = 0.5 * (w[1:] + w[:-1])
        jerk = jerk - np.cross(a_mid, w_mid)
        amp = float(np.mean(np.einsum("ij,ij->i", a, a))) - gravity_m_s2**2
    else:
        centred = a - a.mean(axis=0)
        amp = float(np.mean(np.einsum("ij,ij->i", centred, centred)))
    cost = float(np.sum(np.einsum("ij,ij->i", jerk, jerk))) * dt
    if amp <= 0 or cost == 0:
        raise AnalysisError(
            "movement acceleration is zero or below the gravity-magnitude uncertainty; "
            "LDLJ-A is undefined"
        )
    return -math.log(a.shape[0] * dt) + math.log(amp) - math.log(cost)
