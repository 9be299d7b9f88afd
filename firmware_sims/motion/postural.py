"""Balance holds, quiet standing and sitting, posture transitions, fidgeting, phone handling."""

from __future__ import annotations

import numpy as np

from firmware_sims.motion.common import (
    add_footfall,
    add_shuffle_steps,
    add_sway,
    add_tremor,
    second_derivative,
)
from firmware_sims.motion.shapes import band_noise, min_jerk_pos, smooth_envelope
from firmware_sims.motion.track import (
    SIT_PITCH_RAD,
    SIT_THIGH_RAD,
    STAND_PITCH_RAD,
    BalanceEvent,
    OtherEvent,
    Posture,
    Track,
)
from firmware_sims.person import Person

# COM sway RMS (m) per stance (AP, ML), eyes open; eyes closed multiplies by EYES_CLOSED.
SWAY_RMS_M: dict[str, tuple[float, float]] = {
    "two_leg": (0.0030, 0.0018),
    "tandem": (0.0045, 0.0065),
    "single_leg": (0.0070, 0.0080),
}
EYES_CLOSED = {"two_leg": 1.5, "tandem": 1.7, "single_leg": 1.9}
# fast (0.5–3 Hz) corrective sway RMS (m): ankle/hip strategy, grows with stance difficulty
FAST_SWAY_M = {"two_leg": 0.00008, "tandem": 0.0002, "single_leg": 0.0005}
# chance of at least one touch-down in a 30 s hold, eyes open / closed (balance_skill 1)
TOUCHDOWN_P30 = {"two_leg": (0.0, 0.02), "tandem": (0.12, 0.4), "single_leg": (0.3, 0.75)}


def balance_hold(
    person: Person,
    rng: np.random.Generator,
    fs_hz: float,
    *,
    stance: str,
    seconds: float,
    eyes: str = "open",
    touchdown_p: float | None = None,
) -> Track:
    """Step into the stance, hold it for ``seconds`` with sway and touch-downs, step out.

    The hold (the label) starts when the last step into the stance ends: from then on the
    person is in the stance and swaying, as an observer would mark it.
    """
    n_steps = 1 if stance == "two_leg" else 2
    leave = rng.uniform(1.2, 2.0)
    enter_max = 0.2 + n_steps * 0.8 * person.tempo  # add_shuffle_steps' longest step-in
    tr = Track(enter_max + seconds + leave, fs_hz)
    t0 = add_shuffle_steps(tr, rng, person, 0.2, n_steps)
    t1 = t0 + seconds
    sl = tr.window(t0, t1)
    k = EYES_CLOSED[stance] if eyes == "closed" else 1.0
    ap, ml = SWAY_RMS_M[stance]
    lvl = person.sway_level * k * rng.uniform(0.85, 1.15)
    add_sway(tr, rng, person, ap_rms_m=ap * lvl, ml_rms_m=ml * lvl, low_hz=0.05, high_hz=0.6, sl=sl)
    fast = FAST_SWAY_M[stance] * lvl
    add_sway(tr, rng, person, ap_rms_m=fast, ml_rms_m=fast, low_hz=0.7, high_hz=3.0, sl=sl)
    if stance == "single_leg":  # weight over the stance leg: trunk leans sideways
        tr.rpy[:, 0] += smooth_envelope(tr.t, t0 - 0.4, t1 + 0.4, 0.4) * rng.uniform(0.03, 0.07)
    if touchdown_p is None:
        p30 = TOUCHDOWN_P30[stance][1 if eyes == "closed" else 0] / person.balance_skill
        touchdown_p = float(np.clip(1.0 - (1.0 - min(p30, 0.95)) ** (seconds / 30.0), 0.0, 0.97))
    touchdowns: list[float] = []
    t = t0
    while rng.random() < touchdown_p * (0.5 ** len(touchdowns)):
        td = t + rng.uniform(0.15, 0.9) * (t1 - t)
        if td > t1 - 1.0:
            break
        touchdowns.append(float(td))
        add_footfall(tr, rng, td, dv_m_s=rng.uniform(0.12, 0.25), tau_s=rng.uniform(0.012, 0.02))
        rec = tr.window(td - 0.3, min(td + 1.5, t1))
        side = rng.choice([-1.0, 1.0])
        ts = tr.t[rec]
        x = side * 0.02 * np.sin(np.pi * np.clip((ts - ts[0]) / (ts[-1] - ts[0] + 1e-9), 0, 1))
        tr.acc[rec, 1] += second_derivative(x, fs_hz)
        tr.rpy[rec, 0] += x / person.com_height_m * 2.0
        t = td + 1.5
    add_shuffle_steps(tr, rng, person, t1, n_steps)  # the hold ends as the step out starts
    tr.events.append(BalanceEvent(t0, t1, stance, eyes, touchdowns))
    return tr


def stand_idle(
    person: Person,
    rng: np.random.Generator,
    fs_hz: float,
    *,
    seconds: float,
    label: str = "standing",
) -> Track:
    """Quiet standing with sway and an occasional weight shift."""
    tr = Track(seconds, fs_hz)
    add_sway(
        tr, rng, person, ap_rms_m=0.004 * person.sway_level, ml_rms_m=0.003 * person.sway_level
    )
    t = rng.uniform(1.0, 6.0)
    while t < seconds - 2.0:
        if rng.random() < 0.4:
            t = add_shuffle_steps(tr, rng, person, t, int(rng.integers(1, 3)))
        t += rng.uniform(4.0, 12.0)
    tr.events.append(OtherEvent(0.0, tr.duration_s, label))
    return tr


def sit_idle(
    person: Person,
    rng: np.random.Generator,
    fs_hz: float,
    *,
    seconds: float,
    label: str = "sitting",
) -> Track:
    """Seated: breathing, small trunk movements and the odd posture shift."""
    tr = Track(seconds, fs_hz, posture="sit")
    n = tr.n
    tr.rpy[:, 1] += 0.01 * band_noise(rng, n, fs_hz=fs_hz, low_hz=0.02, high_hz=0.4)
    tr.chest += 0.02 * band_noise(rng, n, fs_hz=fs_hz, low_hz=0.02, high_hz=0.5)
    t = rng.uniform(2.0, 8.0)
    while t < seconds - 3.0:
        d = rng.uniform(0.8, 2.0)
        amt = rng.normal(0.0, 0.05)
        tr.rpy[:, 1] += min_jerk_pos(tr.t, t, d, amt) - min_jerk_pos(tr.t, t + d + 1.0, d, amt)
        tr.rpy[:, 2] += min_jerk_pos(tr.t, t, d, amt) - min_jerk_pos(tr.t, t + d + 1.0, d, amt)
        t += rng.uniform(6.0, 20.0)
    tr.events.append(OtherEvent(0.0, tr.duration_s, label))
    tr.end_posture = "sit"
    return tr


def posture_change(person: Person, rng: np.random.Generator, fs_hz: float, *, to: Posture) -> Track:
    """Unlabelled-as-exercise stand-up or sit-down (an 'other' activity)."""
    dur = rng.uniform(1.4, 2.2) * person.tempo
    pad = 0.5
    start: Posture = "sit" if to == "stand" else "stand"
    tr = Track(dur + 2 * pad, fs_hz, posture=start)
    t, L = tr.t, person.thigh_length_m
    up = -SIT_THIGH_RAD
    sign = 1.0 if to == "stand" else -1.0
    theta = tr.thigh.copy() + sign * min_jerk_pos(t, pad + 0.25 * dur, 0.6 * dur, up)
    flex = rng.uniform(0.35, 0.55)
    p_from = SIT_PITCH_RAD if to == "stand" else STAND_PITCH_RAD
    p_to = STAND_PITCH_RAD if to == "stand" else SIT_PITCH_RAD
    pitch = p_from + min_jerk_pos(t, pad, 0.45 * dur, flex)
    pitch += min_jerk_pos(t, pad + 0.5 * dur, 0.5 * dur, p_to - p_from - flex)
    hip = np.stack([L * np.sin(theta), np.zeros(tr.n), L * np.cos(theta)], -1)
    tr.acc += second_derivative(hip, fs_hz)
    tr.thigh[:] = theta
    tr.rpy[:, 1] = pitch
    if to == "sit":
        add_footfall(
            tr, rng, pad + 0.85 * dur, dv_m_s=rng.uniform(0.1, 0.25), tau_s=0.03, ring_hz=7
        )
    tr.end_posture = to
    tr.events.append(OtherEvent(0.0, tr.duration_s, "stand_up" if to == "stand" else "sit_down"))
    return tr


def fidget(person: Person, rng: np.random.Generator, fs_hz: float, *, seconds: float) -> Track:
    """Standing with trunk twists, arm movements and shuffling."""
    tr = Track(seconds, fs_hz)
    n = tr.n
    add_sway(tr, rng, person, ap_rms_m=0.006, ml_rms_m=0.005)
    tr.rpy[:, 2] += 0.15 * band_noise(rng, n, fs_hz=fs_hz, low_hz=0.1, high_hz=0.8)
    tr.rpy[:, 1] += 0.04 * band_noise(rng, n, fs_hz=fs_hz, low_hz=0.1, high_hz=1.0)
    tr.chest += 0.08 * band_noise(rng, n, fs_hz=fs_hz, low_hz=0.1, high_hz=1.2)
    add_tremor(tr, rng, slice(0, n), rms_m_s2=0.25, low_hz=0.5, high_hz=4.0)
    t = rng.uniform(0.5, 3.0)
    while t < seconds - 2.0:
        t = add_shuffle_steps(tr, rng, person, t, int(rng.integers(1, 4)))
        t += rng.uniform(2.0, 6.0)
    tr.events.append(OtherEvent(0.0, tr.duration_s, "fidget"))
    return tr


def handling(
    person: Person,
    rng: np.random.Generator,
    fs_hz: float,
    *,
    seconds: float,
    start_rv: np.ndarray | None = None,
    end_rv: np.ndarray | None = None,
    posture: Posture = "stand",
) -> Track:
    """The phone is taken out / looked at / put back: large rotations, hand motion, no impacts.

    ``hand_rv`` goes from ``start_rv`` to ``end_rv`` (default: zero) through large random
    rotations; the end value persists afterwards (the phone now sits differently).
    """
    tr = Track(seconds, fs_hz, posture=posture)
    n, t = tr.n, tr.t
    r0 = np.zeros(3) if start_rv is None else np.asarray(start_rv, float)
    r1 = np.zeros(3) if end_rv is None else np.asarray(end_rv, float)
    ramp = min(1.5, seconds / 3)
    w_in = min_jerk_pos(t, 0.0, ramp, 1.0)
    w_out = min_jerk_pos(t, seconds - ramp, ramp, 1.0)
    big = rng.normal(0.0, 1.0, 3)
    big *= rng.uniform(1.2, 2.6) / np.linalg.norm(big)
    wander = np.stack(
        [0.3 * band_noise(rng, n, fs_hz=fs_hz, low_hz=0.1, high_hz=0.7) for _ in range(3)], -1
    )
    mid = (big[None, :] + wander) * (w_in - w_out)[:, None]
    tr.hand_rv[:] = r0[None, :] * (1 - w_in)[:, None] + mid + r1[None, :] * w_out[:, None]
    pos = np.stack(
        [0.03 * band_noise(rng, n, fs_hz=fs_hz, low_hz=0.2, high_hz=1.2) for _ in range(3)], -1
    )
    pos *= (w_in - w_out)[:, None]
    pos[:, 2] += 0.35 * (w_in - w_out)
    tr.hand_acc[:] = second_derivative(pos, fs_hz)
    if posture == "stand":
        add_sway(tr, rng, person, ap_rms_m=0.005, ml_rms_m=0.004)
    tr.events.append(OtherEvent(0.0, tr.duration_s, "handling"))
    tr.end_posture = posture
    return tr
