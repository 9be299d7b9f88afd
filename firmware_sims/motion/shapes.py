"""Waveform building blocks for motion synthesis: smooth moves, impact pulses, coloured noise.

All functions are vectorised over a time array ``t`` in seconds and return float64 arrays.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def min_jerk_pos(t: FloatArray, t0_s: float, dur_s: float, dist: float) -> FloatArray:
    """Minimum-jerk displacement of ``dist`` from ``t0_s`` over ``dur_s`` (Flash & Hogan 1985)."""
    u = np.clip((t - t0_s) / dur_s, 0.0, 1.0)
    return dist * u**3 * (10.0 - 15.0 * u + 6.0 * u**2)


def min_jerk_vel(t: FloatArray, t0_s: float, dur_s: float, dist: float) -> FloatArray:
    u = np.clip((t - t0_s) / dur_s, 0.0, 1.0)
    return dist / dur_s * 30.0 * u**2 * (1.0 - u) ** 2


def min_jerk_acc(t: FloatArray, t0_s: float, dur_s: float, dist: float) -> FloatArray:
    """Second derivative of :func:`min_jerk_pos` (zero outside the move)."""
    u = (t - t0_s) / dur_s
    inside = (u >= 0.0) & (u <= 1.0)
    uc = np.clip(u, 0.0, 1.0)
    return np.where(inside, dist / dur_s**2 * (60.0 * uc - 180.0 * uc**2 + 120.0 * uc**3), 0.0)


def sin2_pulse(t: FloatArray, t0_s: float, dur_s: float, area: float) -> FloatArray:
    """A sin² bump starting at ``t0_s`` lasting ``dur_s`` whose integral is ``area``."""
    u = (t - t0_s) / dur_s
    inside = (u >= 0.0) & (u <= 1.0)
    peak = 2.0 * area / dur_s
    return np.where(inside, peak * np.sin(np.pi * np.clip(u, 0.0, 1.0)) ** 2, 0.0)


def gamma_pulse(t: FloatArray, t0_s: float, tau_s: float, area: float) -> FloatArray:
    """Impact pulse ``area · x/τ² · exp(−x/τ)`` for x = t − t0 ≥ 0: sharp rise, exponential tail.

    Peaks at x = τ with height ``area / (e·τ)``; integral ``area`` (a velocity change).
    """
    x = t - t0_s
    xs = np.clip(x, 0.0, 60.0 * tau_s)
    return np.where(x >= 0.0, area * xs / tau_s**2 * np.exp(-xs / tau_s), 0.0)


def gamma_pulse_shift(tau_s: float) -> float:
    """Displacement per unit area caused by :func:`gamma_pulse` after it ends (−2τ per m/s)."""
    return 2.0 * tau_s


def damped_sine(t: FloatArray, t0_s: float, freq_hz: float, zeta: float, amp: float) -> FloatArray:
    """``amp · exp(−ζ·2πf·x) · sin(2πf·x)`` for x ≥ 0 (soft-tissue ringing after an impact)."""
    x = t - t0_s
    w = 2.0 * np.pi * freq_hz
    xs = np.clip(x, 0.0, 12.0 / max(zeta * w, 1e-6))
    return np.where(x >= 0.0, amp * np.exp(-zeta * w * xs) * np.sin(w * xs), 0.0)


def band_noise(
    rng: np.random.Generator, n: int, *, fs_hz: float, low_hz: float, high_hz: float
) -> FloatArray:
    """Unit-RMS Gaussian noise band-limited to [low_hz, high_hz] (smooth spectral mask)."""
    if n < 4:
        return np.zeros(n)
    nfft = int(2 ** np.ceil(np.log2(n + 16)))
    spec = np.fft.rfft(rng.standard_normal(nfft))
    f = np.fft.rfftfreq(nfft, 1.0 / fs_hz)
    lo = 1.0 / (1.0 + (max(low_hz, 1e-6) / np.maximum(f, 1e-9)) ** 8)
    hi = 1.0 / (1.0 + (f / high_hz) ** 8)
    x = np.fft.irfft(spec * lo * hi, nfft)[:n]
    rms = float(np.sqrt(np.mean(x**2)))
    return x / rms if rms > 0 else x


def smooth_envelope(t: FloatArray, t0_s: float, t1_s: float, ramp_s: float) -> FloatArray:
    """1 inside [t0, t1], 0 outside, with minimum-jerk ramps of ``ramp_s`` at both ends."""
    up = min_jerk_pos(t, t0_s, ramp_s, 1.0)
    down = min_jerk_pos(t, t1_s - ramp_s, ramp_s, 1.0)
    return up - down
