"""Helpers shared by movement generators: sway, tremor, steps, rep flag selection."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from boneimu.units import STANDARD_GRAVITY_M_S2
from firmware_sims.motion.shapes import band_noise, damped_sine, gamma_pulse
from firmware_sims.motion.track import Track
from firmware_sims.person import Person

FloatArray = NDArray[np.float64]
G = STANDARD_GRAVITY_M_S2


def second_derivative(x: FloatArray, fs_hz: float) -> FloatArray:
    """Numerical d²x/dt² along axis 0 (central differences)."""
    if x.shape[0] < 3:
        return np.zeros_like(x)
    dt = 1.0 / fs_hz
    return np.gradient(np.gradient(x, dt, axis=0), dt, axis=0)


def pick_flags(
    rng: np.random.Generator, n: int, frac: float, *, last: bool = True
) -> NDArray[np.bool_]:
    """Exactly round(frac·n) randomly chosen True entries (never the first rep of a set;
    never the last either with ``last=False``, for a fault the last rep cannot show)."""
    flags = np.zeros(n, dtype=bool)
    k = round(frac * n)
    pool = np.arange(1, n if last or n < 3 else n - 1)
    if k and n > 1:
        idx = rng.choice(pool, size=min(k, pool.size), replace=False)
        flags[idx] = True
    elif k:
        flags[0] = True
    return flags


def add_sway(
    tr: Track,
    rng: np.random.Generator,
    person: Person,
    *,
    ap_rms_m: float,
    ml_rms_m: float,
    low_hz: float = 0.1,
    high_hz: float = 1.0,
    sl: slice | None = None,
) -> None:
    """Inverted-pendulum postural sway: COM displacement band-limited noise → acc and tilt."""
    sl = sl or slice(0, tr.n)
    n = sl.stop - sl.start
    if n < 8:
        return
    fs = tr.fs_hz
    env = np.ones(n)
    ramp = min(int(fs * 0.5), n // 2)
    if ramp > 0:  # a smooth (C2) fade: a linear one has a kink, a spike in acceleration
        x = np.linspace(0.0, 1.0, ramp)
        fade = x**3 * (10.0 - 15.0 * x + 6.0 * x**2)
        env[:ramp] = fade
        env[-ramp:] = fade[::-1]
    x = np.stack(
        [
            ap_rms_m * band_noise(rng, n, fs_hz=fs, low_hz=low_hz, high_hz=high_hz) * env,
            ml_rms_m * band_noise(rng, n, fs_hz=fs, low_hz=low_hz, high_hz=high_hz) * env,
        ],
        -1,
    )
    tr.acc[sl, :2] += second_derivative(x, fs)
    h = person.com_height_m
    tr.rpy[sl, 1] += x[:, 0] / h
    tr.rpy[sl, 0] -= x[:, 1] / h


def add_tremor(
    tr: Track,
    rng: np.random.Generator,
    sl: slice,
    *,
    rms_m_s2: float,
    low_hz: float,
    high_hz: float,
) -> None:
    """Band-limited acceleration noise on all axes (tremor / stop-go corrections)."""
    n = sl.stop - sl.start
    if n < 8:
        return
    for ax in range(3):
        tr.acc[sl, ax] += rms_m_s2 * band_noise(
            rng, n, fs_hz=tr.fs_hz, low_hz=low_hz, high_hz=high_hz
        )


def add_footfall(
    tr: Track,
    rng: np.random.Generator,
    t_s: float,
    *,
    dv_m_s: float,
    tau_s: float,
    ring_hz: float = 14.0,
    lateral: float = 0.3,
) -> None:
    """A foot contact: vertical impact pulse of velocity change ``dv_m_s`` plus tissue ringing."""
    t = tr.t
    sl = tr.window(t_s - 0.01, t_s + 0.6)
    ts = t[sl]
    pulse = gamma_pulse(ts, t_s, tau_s, dv_m_s)
    peak = dv_m_s / (np.e * tau_s)
    ring = damped_sine(ts, t_s + tau_s, ring_hz, 0.25, 0.25 * peak)
    tr.impact[sl, 2] += pulse + ring
    d = rng.normal(0.0, lateral, 2)
    tr.impact[sl, 0] += d[0] * pulse
    tr.impact[sl, 1] += d[1] * pulse


def add_shuffle_steps(
    tr: Track, rng: np.random.Generator, person: Person, t0_s: float, n_steps: int
) -> float:
    """Small weight-shift steps starting at ``t0_s``; returns the end time."""
    t = t0_s
    for _ in range(n_steps):
        dur = rng.uniform(0.45, 0.8) * person.tempo
        sl = tr.window(t, t + dur)
        ts = tr.t[sl]
        side = rng.choice([-1.0, 1.0])
        tr.acc[sl, 1] += side * 1.2 * np.sin(2 * np.pi * (ts - t) / dur)
        tr.acc[sl, 2] += 0.8 * np.sin(2 * np.pi * (ts - t) / dur + np.pi)
        tr.rpy[sl, 0] += side * 0.03 * np.sin(np.pi * (ts - t) / dur)
        tr.rpy[sl, 2] += rng.normal(0.0, 0.04) * np.sin(np.pi * (ts - t) / dur)
        add_footfall(
            tr, rng, t + 0.7 * dur, dv_m_s=rng.uniform(0.06, 0.14), tau_s=rng.uniform(0.014, 0.024)
        )
        t += dur
    return t
