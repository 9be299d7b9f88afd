"""Walking (slow, ordinary, brisk) and stair climbing as pelvis kinematics.

Gait phase φ(t) counts steps (φ = k at the k-th heel strike). Step durations vary step to step
(CV ≈ 2.5 %). The pelvis moves with harmonics of the step frequency (vertical and fore-aft)
and of the stride frequency (medio-lateral, roll, yaw), plus a heel-strike transient per step.
Turns (yaw changes of 90–180°) happen every ~6–15 s in a room or corridor.
References for magnitudes: Zijlstra & Hof 2003 (pelvis accelerations in walking), Kavanagh &
Menz 2008 (review of accelerometry in gait), CADENCE-Adults (brisk ≥ 100 steps/min).
"""

from __future__ import annotations

import numpy as np

from firmware_sims.motion.common import G
from firmware_sims.motion.shapes import band_noise, gamma_pulse, min_jerk_pos, smooth_envelope
from firmware_sims.motion.track import OtherEvent, Track, WalkEvent
from firmware_sims.person import Person

KIND_CADENCE = {"slow_walk": 0.85, "walk": 1.0, "brisk_walk": 1.12}


def _steps(rng: np.random.Generator, t0: float, t1: float, cadence_spm: float) -> np.ndarray:
    period = 60.0 / cadence_spm
    n = int((t1 - t0) / period) + 2
    d = period * (1.0 + 0.025 * rng.standard_normal(n))
    times = t0 + np.concatenate([[0.0], np.cumsum(d)])
    return times[times <= t1]


def _gait(
    tr: Track,
    rng: np.random.Generator,
    person: Person,
    t0: float,
    t1: float,
    *,
    cadence_spm: float,
    vert_scale: float,
    hs_scale: float,
    pitch_lean: float,
    thigh_amp: float,
    climb_m_per_step: float = 0.0,
) -> np.ndarray:
    """Add one bout of gait over [t0, t1]; returns the heel-strike times."""
    hs = _steps(rng, t0, t1, cadence_spm)
    if hs.size < 3:
        return hs[:0]
    t = tr.t
    sl = tr.window(hs[0], hs[-1])
    ts = t[sl]
    phi = np.interp(ts, hs, np.arange(hs.size, dtype=float))
    f_step = cadence_spm / 60.0
    w = 2 * np.pi * f_step
    env = smooth_envelope(ts, hs[0], hs[-1], min(2.0 * 60 / cadence_spm, (hs[-1] - hs[0]) / 3))
    amp = 1.0 + 0.08 * np.interp(phi, np.arange(hs.size), rng.standard_normal(hs.size))
    z_amp = 0.020 * vert_scale * (cadence_spm / 108.0)
    acc = tr.acc[sl]
    # vertical: COM lowest (upward acceleration max) just after heel strike
    acc[:, 2] += (
        env
        * amp
        * z_amp
        * w**2
        * (np.cos(2 * np.pi * (phi - 0.08)) + 0.25 * np.cos(4 * np.pi * phi))
    )
    side = np.where(np.floor(phi) % 2 == 0, 1.0, -1.0)
    asym = 1.0 + 0.05 * side * rng.uniform(-1.0, 1.0)
    cad_k = cadence_spm / 108.0
    # fore-aft: braking after heel strike, propulsion before the next (two harmonics)
    acc[:, 0] += (
        env
        * amp
        * asym
        * vert_scale
        * cad_k
        * (2.6 * np.cos(2 * np.pi * (phi + 0.12)) + 0.8 * np.cos(4 * np.pi * (phi + 0.05)))
    )
    acc[:, 1] += env * 1.3 * cad_k * (np.sin(np.pi * phi) + 0.3 * side * np.sin(2 * np.pi * phi))
    # step-to-step irregularity (foot placement, arm swing): 4–12 Hz, ~0.35 m/s² per axis
    for ax in range(3):
        acc[:, ax] += (
            env
            * 0.35
            * vert_scale
            * band_noise(rng, ts.size, fs_hz=tr.fs_hz, low_hz=4.0, high_hz=12.0)
        )
    tr.rpy[sl, 0] += env * 0.05 * np.sin(np.pi * phi + 0.3)
    tr.rpy[sl, 1] += env * (0.025 * np.cos(2 * np.pi * phi) + pitch_lean)
    tr.rpy[sl, 2] += env * 0.07 * np.sin(np.pi * phi - 0.5)
    tr.thigh[sl] += -env * (0.18 + thigh_amp * np.sin(np.pi * phi + 0.6))
    # heel-strike transients (upward, with a fore-aft braking component)
    dv = 0.13 * person.gait_impact * hs_scale * (cadence_spm / 108.0) ** 1.5
    for k, th in enumerate(hs):
        e = float(np.interp(th, ts, env))
        if e < 0.05:
            continue
        wk = tr.window(th - 0.005, th + 0.25)
        tau = rng.uniform(0.008, 0.014) / person.impact_stiffness
        p = gamma_pulse(t[wk], th, tau, dv * e * rng.uniform(0.8, 1.2))
        tr.impact[wk, 2] += p - p.mean()
        tr.impact[wk, 0] -= 0.4 * (p - p.mean())
        tr.impact[wk, 1] += (0.25 if k % 2 else -0.25) * (p - p.mean())
        # forefoot loading ~60–90 ms after heel strike: a softer second transient
        p2 = gamma_pulse(t[wk], th + rng.uniform(0.06, 0.09), 2.5 * tau, 0.5 * dv * e)
        tr.impact[wk, 2] += p2 - p2.mean()
    del climb_m_per_step
    return hs


def walk(
    person: Person,
    rng: np.random.Generator,
    fs_hz: float,
    *,
    seconds: float,
    kind: str = "walk",
    cadence_spm: float | None = None,
) -> Track:
    """Continuous walking in a room or corridor, turning (90–180°) every 6–15 s while walking.

    One :class:`WalkEvent` from the first to the last heel strike.
    """
    cad = cadence_spm or person.cadence_spm * KIND_CADENCE.get(kind, 1.0) * rng.uniform(0.97, 1.03)
    tr = Track(seconds, fs_hz)
    t0, t1 = rng.uniform(0.3, 1.0), seconds - rng.uniform(0.3, 0.8)
    scale = {"slow_walk": 0.8, "walk": 1.0, "brisk_walk": 1.25}.get(kind, 1.0)
    scale *= rng.uniform(0.85, 1.2)  # people differ in how much their trunk bounces
    hs = _gait(
        tr,
        rng,
        person,
        t0,
        t1,
        cadence_spm=cad,
        vert_scale=scale,
        hs_scale=scale,
        pitch_lean=0.02 * scale,
        thigh_amp=0.3 * scale,
    )
    t = t0 + rng.uniform(6.0, 15.0)
    while t < t1 - 4.0:
        turn_s = rng.uniform(1.5, 2.5)
        ang = rng.choice([-1.0, 1.0]) * rng.choice([np.pi / 2, np.pi])
        tr.rpy[:, 2] += min_jerk_pos(tr.t, t, turn_s, ang)
        t += turn_s + rng.uniform(6.0, 15.0)
    if hs.size:
        tr.events.append(WalkEvent(float(hs[0]), float(hs[-1]), kind, int(hs.size), float(cad)))
    _rotate_horizontal(tr)
    return tr


def stairs(person: Person, rng: np.random.Generator, fs_hz: float, *, seconds: float) -> Track:
    """Alternating flights up and down (10–14 steps) with turning landings in between."""
    tr = Track(seconds, fs_hz)
    t, up = rng.uniform(0.3, 1.0), True
    while t < seconds - 5.0:
        n_steps = int(rng.integers(10, 15))
        cad = person.cadence_spm * (0.85 if up else 0.95) * rng.uniform(0.95, 1.05)
        bout = min(n_steps * 60.0 / cad, seconds - t - 0.5)
        if bout < 3.0:
            break
        steps = _gait(
            tr,
            rng,
            person,
            t,
            t + bout,
            cadence_spm=cad,
            vert_scale=1.7 if up else 1.4,
            hs_scale=1.5 if up else 2.6,
            pitch_lean=0.12 if up else 0.03,
            thigh_amp=0.45 if up else 0.3,
        )
        if steps.size:
            kind = "stairs_up" if up else "stairs_down"
            ev = WalkEvent(float(steps[0]), float(steps[-1]), kind, int(steps.size), float(cad))
            tr.events.append(ev)
        t += bout
        land = rng.uniform(2.0, 3.5)
        if t + land < seconds:
            # a few flat steps while turning on the landing
            _gait(
                tr,
                rng,
                person,
                t + 0.2,
                t + land - 0.2,
                cadence_spm=cad,
                vert_scale=0.8,
                hs_scale=0.8,
                pitch_lean=0.02,
                thigh_amp=0.25,
            )
            tr.rpy[:, 2] += min_jerk_pos(tr.t, t + 0.3, land - 0.6, np.pi)
            tr.events.append(OtherEvent(t, t + land, "stair_landing"))
        t += land
        up = not up
    _rotate_horizontal(tr)
    return tr


def _rotate_horizontal(tr: Track) -> None:
    """Gait accelerations were built in the body heading frame; express them in the track frame."""
    yaw = tr.rpy[:, 2]
    c, s = np.cos(yaw), np.sin(yaw)
    for arr in (tr.acc, tr.impact):
        x, y = arr[:, 0].copy(), arr[:, 1].copy()
        arr[:, 0] = c * x - s * y
        arr[:, 1] = s * x + c * y


__all__ = ["G", "stairs", "walk"]
