"""Rep exercises: heel drops, mini hops, sit-to-stand (with stand-to-sit), as world kinematics.

Each generator draws per-rep timing and magnitudes from the person plus rep-to-rep variability,
builds the vertical (and fore-aft) pelvis acceleration from closed-form pieces whose velocity
and displacement budgets balance, and records the truth in a :class:`SetEvent`.
"""

from __future__ import annotations

import numpy as np

from firmware_sims.motion.common import (
    G,
    add_footfall,
    add_sway,
    add_tremor,
    pick_flags,
    second_derivative,
)
from firmware_sims.motion.shapes import (
    damped_sine,
    gamma_pulse,
    gamma_pulse_shift,
    min_jerk_acc,
    min_jerk_pos,
    sin2_pulse,
)
from firmware_sims.motion.track import (
    SIT_PITCH_RAD,
    SIT_THIGH_RAD,
    STAND_PITCH_RAD,
    RepEvent,
    SetEvent,
    Track,
)
from firmware_sims.person import Person


def _impact(tr: Track, t_c: float, tau_s: float, dv: float, ring_hz: float, ring: float) -> None:
    sl = tr.window(t_c - 0.01, t_c + 0.8)
    ts = tr.t[sl]
    tr.impact[sl, 2] += gamma_pulse(ts, t_c, tau_s, dv)
    peak = dv / (np.e * tau_s)
    tr.impact[sl, 2] += damped_sine(ts, t_c + 1.2 * tau_s, ring_hz, 0.22, ring * peak)


def _first(t: np.ndarray, cond: np.ndarray, after_s: float) -> float:
    """First time at or after ``after_s`` where ``cond`` holds (the end of ``t`` if never)."""
    i0 = int(np.searchsorted(t, after_s))
    hit = np.flatnonzero(cond[i0:])
    return float(t[i0 + hit[0]]) if hit.size else float(t[-1])


def _sts_rep(
    t: np.ndarray,
    theta: np.ndarray,
    pitch: np.ndarray,
    mark: tuple[float, float, float, float, float, bool, bool],
    thigh_m: float,
) -> RepEvent:
    """Phase boundaries measured on the synthesised angles with 5 % / 95 % thresholds:
    trunk flexion onset, seat-off, standing height reached, trunk upright, descent onset, seated.
    """
    c, t_d, end, flex_rad, flex_d, rushed, jerky = mark
    up = -SIT_THIGH_RAD
    frac = (theta - SIT_THIGH_RAD) / up
    onset = _first(t, pitch - SIT_PITCH_RAD > 0.05 * flex_rad, c)
    seat_off = _first(t, frac > 0.05, c)
    risen = _first(t, frac > 0.95, seat_off)
    upright = _first(t, pitch - STAND_PITCH_RAD < 0.05 * flex_rad, risen)
    descent = _first(t, pitch - STAND_PITCH_RAD > 0.05 * flex_d, max(upright, t_d - 0.05))
    seated = _first(t, frac < 0.05, descent)
    return RepEvent(
        "sit_to_stand",
        onset,
        max(end, seated + 0.05),
        rushed=rushed,
        jerky=jerky,
        phases_s={
            "flexion": seat_off - onset,
            "rise": risen - seat_off,
            "extension": max(upright - risen, 0.0),
            "stand": max(descent - upright, 0.0),
            "descent": seated - descent,
        },
        vertical_displacement_m=float(thigh_m * (1.0 - np.cos(SIT_THIGH_RAD))),
    )


def _front_loaded(t: np.ndarray, t0: float, dur: float, dist: float) -> np.ndarray:
    """Minimum-jerk move on a warped clock: faster early (momentum at seat-off), slower finish."""
    u = np.clip((t - t0) / dur, 0.0, 1.0)
    return min_jerk_pos(1.0 - (1.0 - u) ** 1.25, 0.0, 1.0, dist)


def _rise_profile(
    tr: Track, rng: np.random.Generator, t0: float, dur: float, dist: float, jerky: bool
) -> None:
    """Vertical min-jerk rise; jerky reps stop and go in 2–3 pieces with abrupt corrections."""
    if not jerky:
        tr.acc[:, 2] += min_jerk_acc(tr.t, t0, dur, dist)
        return
    k = int(rng.integers(2, 4))
    parts = rng.dirichlet(np.full(k, 3.0))
    move = dur * 0.7
    pause = (dur - move) / (k - 1)
    t = t0
    for frac in parts:
        d = move * frac
        tr.acc[:, 2] += min_jerk_acc(tr.t, t, max(d, 0.04), dist * frac)
        t += d + pause
    sl = tr.window(t0, t0 + dur)
    add_tremor(tr, rng, sl, rms_m_s2=rng.uniform(0.4, 0.9), low_hz=6.0, high_hz=11.0)


def heel_drop_set(
    person: Person,
    rng: np.random.Generator,
    fs_hz: float,
    *,
    reps: int,
    rushed: float = 0.0,
    jerky: float = 0.0,
) -> Track:
    """Standing heel raises followed by a free drop onto the heels (heel-strike impact)."""
    f_rush = pick_flags(rng, reps, rushed)
    f_jerk = pick_flags(rng, reps, jerky)
    specs = []
    for i in range(reps):
        if f_rush[i]:
            rise = rng.uniform(0.15, 0.3)
            hold = rng.uniform(0.0, 0.08)
            settle = rng.uniform(0.3, 0.55)
        else:
            rise = rng.uniform(0.5, 1.0) * person.tempo
            hold = rng.uniform(0.15, 0.7) * person.tempo
            settle = rng.uniform(0.7, 1.6) * person.tempo
        h = person.heel_rise_m * rng.uniform(0.85, 1.15)
        a_down = G * rng.uniform(0.55, 0.85)
        fall = 2.0 * np.sqrt(h / a_down)
        tau = rng.uniform(0.010, 0.016) / person.impact_stiffness
        specs.append((rise, hold, fall, settle, h, tau))
    lead, tail = rng.uniform(1.0, 2.0), rng.uniform(0.8, 1.5)
    total = lead + tail + sum(s[0] + s[1] + s[2] + s[3] for s in specs)
    tr = Track(total, fs_hz)
    add_sway(
        tr, rng, person, ap_rms_m=0.003 * person.sway_level, ml_rms_m=0.002 * person.sway_level
    )
    t, reps_ev = lead, []
    for i, (rise, hold, fall, settle, h, tau) in enumerate(specs):
        t_r0 = t
        _rise_profile(tr, rng, t_r0, rise, h, bool(f_jerk[i]))
        lean = rng.uniform(0.01, 0.04)
        tr.rpy[:, 1] += min_jerk_pos(tr.t, t_r0, rise, lean) - min_jerk_pos(
            tr.t, t_r0 + rise + hold + fall, 0.5, lean
        )
        t_d0 = t_r0 + rise + hold
        v = h / fall * 2.0
        tr.acc[:, 2] -= sin2_pulse(tr.t, t_d0, fall, v)
        t_c = t_d0 + fall
        ring_hz = rng.uniform(10.0, 18.0)
        _impact(tr, t_c, tau, v, ring_hz, rng.uniform(0.15, 0.3))
        # knees absorb a little, then the pelvis returns to standing height
        dip = rng.uniform(0.005, 0.015)
        back = gamma_pulse_shift(tau) * v
        tr.acc[:, 2] += min_jerk_acc(tr.t, t_c + 0.03, 0.25, -dip)
        tr.acc[:, 2] += min_jerk_acc(tr.t, t_c + 0.28, 0.4, dip + back)
        if f_jerk[i]:
            sl = tr.window(t_d0 - 0.05, t_c + 0.05)
            add_tremor(tr, rng, sl, rms_m_s2=rng.uniform(0.3, 0.6), low_hz=6.0, high_hz=11.0)
        end = t_c + min(0.5, settle)
        reps_ev.append(
            RepEvent(
                "heel_drop",
                t_r0,
                end,
                contact_s=t_c,
                rushed=bool(f_rush[i]),
                jerky=bool(f_jerk[i]),
                phases_s={"rise": rise, "hold": hold, "drop": fall},
                vertical_displacement_m=h,
            )
        )
        t = t_c + settle
    tr.events.append(SetEvent("heel_drop", reps_ev[0].start_s, reps_ev[-1].end_s, reps_ev))
    return tr


def hop_set(
    person: Person,
    rng: np.random.Generator,
    fs_hz: float,
    *,
    reps: int,
    rushed: float = 0.0,
    jerky: float = 0.0,
) -> Track:
    """Mini hops: countermovement, push-off, free flight (≈ 0 g), landing impact.

    Most sets are continuous (bouncing, short ground contacts); about one in three are
    discrete (land, settle, stand briefly, countermovement, next hop).
    """
    # a rushed hop is a short ground contact after its landing; the last landing of a set is
    # the final stop, so the last hop is never the rushed one
    f_rush = pick_flags(rng, reps, rushed, last=False)
    f_jerk = pick_flags(rng, reps, jerky)
    discrete = bool(rng.random() < 0.3)
    flights = person.hop_flight_s * rng.uniform(0.85, 1.15, reps)
    flights[f_rush] *= 0.8
    stances = np.empty(reps + 1)
    cm = rng.uniform(0.5, 0.8, reps + 1) * person.tempo  # countermovement + push, from rest
    stances[0] = cm[0]
    if discrete:
        stances[1:] = rng.uniform(1.0, 2.0, reps) * person.tempo
    else:
        stances[1:] = rng.uniform(0.28, 0.45, reps) * np.sqrt(person.tempo)
    stances[1:][f_rush] = rng.uniform(0.15, 0.22, int(f_rush.sum()))
    stances[-1] = 1.0
    taus = rng.uniform(0.005, 0.009, reps) / person.impact_stiffness
    lead, tail = rng.uniform(1.0, 2.0), rng.uniform(1.0, 1.5)
    total = lead + tail + stances.sum() + flights.sum()
    tr = Track(total, fs_hz)
    add_sway(
        tr, rng, person, ap_rms_m=0.003 * person.sway_level, ml_rms_m=0.002 * person.sway_level
    )
    t = tr.t
    s = lead
    starts, lands, settled = [], [], []
    for k in range(reps + 1):
        ts_k = stances[k]
        v_in = G * flights[k - 1] / 2.0 if k > 0 else 0.0
        v_out = G * flights[k] / 2.0 if k < reps else 0.0
        win = tr.window(s, s + ts_k)
        a_st = np.zeros(win.stop - win.start)
        tw = t[win]
        # a stance that stops the body (last landing, or discrete hops): flat feet, stiffer
        stop = k == reps or (discrete and k > 0 and not f_rush[k - 1] and ts_k > 0.8)
        imp = np.zeros_like(a_st)
        if k > 0:
            # landing: a sharp transient takes part of the velocity, the legs' spring-like
            # stance force (a smooth bump) the rest
            frac = rng.uniform(0.75, 0.9) if stop else rng.uniform(0.5, 0.7)
            tau = taus[k - 1] * (0.8 if stop else 1.0)
            _impact(tr, s, tau, frac * v_in, rng.uniform(12.0, 22.0), rng.uniform(0.1, 0.25))
            imp = tr.impact[win, 2]
            lands.append(s)
            if stop:
                a_st += sin2_pulse(tw, s, 0.35, (1.0 - frac) * v_in)
            else:
                a_st += sin2_pulse(tw, s, ts_k, (1.0 - frac) * v_in + v_out)
            if f_jerk[k - 1]:
                add_footfall(tr, rng, s + rng.uniform(0.08, 0.15), dv_m_s=0.25, tau_s=0.012)
                tr.acc[:, 1] += sin2_pulse(t, s, 0.2, rng.choice([-1, 1]) * 0.4)
        if k < reps and (k == 0 or stop):
            c0 = s + ts_k - min(cm[k], ts_k - (0.45 if k else 0.0))
            dip = rng.uniform(0.25, 0.45)
            d = s + ts_k - c0
            a_st -= sin2_pulse(tw, c0, 0.45 * d, dip)
            a_st += sin2_pulse(tw, c0 + 0.45 * d, 0.55 * d, dip + v_out)
            starts.append(c0)
            settled.append(c0)
        elif k < reps:
            starts.append(s + min(0.12, 0.4 * ts_k))
            settled.append(np.inf)
        # displacement over the stance must be zero (take-off height = landing height)
        dt = 1.0 / fs_hz
        vel = -v_in + np.cumsum(a_st + imp) * dt
        disp = float(np.sum(vel) * dt)
        a_st += min_jerk_acc(tw, s, ts_k if k < reps else 0.8, -disp)
        tr.acc[win, 2] += a_st
        if k < reps:
            fl = tr.window(s + ts_k, s + ts_k + flights[k])
            tr.acc[fl, 2] -= G
            tr.acc[fl] += 0.3 * rng.standard_normal(3)
        s += ts_k + (flights[k] if k < reps else 0.0)
    reps_ev = []
    for k in range(reps):
        if k + 1 < reps:
            end = starts[k + 1] if np.isinf(settled[k + 1]) else min(lands[k] + 0.5, starts[k + 1])
        else:
            end = lands[k] + 0.5
        reps_ev.append(
            RepEvent(
                "hop",
                starts[k],
                end,
                contact_s=lands[k],
                rushed=bool(f_rush[k]),
                jerky=bool(f_jerk[k]),
                phases_s=(
                    {"flight": float(flights[k]), "contact": float(stances[k + 1])}
                    if k + 1 < reps
                    else {"flight": float(flights[k])}
                ),
                vertical_displacement_m=float(G * flights[k] ** 2 / 8.0),
            )
        )
    tr.events.append(SetEvent("hop", reps_ev[0].start_s, reps_ev[-1].end_s, reps_ev))
    return tr


def sit_to_stand_set(
    person: Person,
    rng: np.random.Generator,
    fs_hz: float,
    *,
    reps: int,
    rushed: float = 0.0,
    jerky: float = 0.0,
) -> Track:
    """Chair rises and returns (seated → standing → seated); starts and ends seated.

    The thigh rotates about a fixed knee from ≈ −85° to 0°, which sets the hip (pelvis)
    path; the trunk flexes forward before seat-off and re-extends while rising.
    """
    f_rush = pick_flags(rng, reps, rushed)
    f_jerk = pick_flags(rng, reps, jerky)
    specs = []
    for i in range(reps):
        if f_rush[i]:
            ph = [rng.uniform(0.15, 0.25), rng.uniform(0.35, 0.55), rng.uniform(0.15, 0.25)]
            ph += [rng.uniform(0.0, 0.15), rng.uniform(0.5, 0.75), rng.uniform(0.05, 0.2)]
        else:
            tp = person.tempo
            ph = [rng.uniform(0.4, 0.7) * tp, rng.uniform(0.85, 1.4) * tp]
            ph += [rng.uniform(0.35, 0.7) * tp, rng.uniform(0.2, 0.9) * tp]
            ph += [rng.uniform(1.0, 1.6) * tp, rng.uniform(0.3, 1.2) * tp]
        specs.append(ph)
    lead, tail = rng.uniform(1.5, 2.5), rng.uniform(1.0, 2.0)
    total = lead + tail + sum(sum(p) for p in specs)
    tr = Track(total, fs_hz, posture="sit")
    t = tr.t
    L = person.thigh_length_m
    theta = np.full(tr.n, SIT_THIGH_RAD)
    pitch = np.full(tr.n, SIT_PITCH_RAD)
    c = lead
    marks: list[tuple[float, float, float, float, float, bool, bool]] = []
    up = -SIT_THIGH_RAD
    for i, (flex, rise, ext, stand, desc, sit) in enumerate(specs):
        flex_rad = rng.uniform(0.45, 0.65)
        t_off = c + flex
        pitch += min_jerk_pos(t, c, flex + 0.3 * rise, flex_rad)
        tr.chest += min_jerk_pos(t, c, flex, 0.15) - min_jerk_pos(t, t_off + 0.4 * rise, rise, 0.15)
        if f_jerk[i]:
            a = rng.uniform(0.35, 0.6)
            theta += min_jerk_pos(t, t_off, 0.55 * rise, a * up)
            theta += min_jerk_pos(t, t_off + 0.7 * rise, 0.45 * rise, (1 - a) * up)
            add_tremor(
                tr, rng, tr.window(t_off, t_off + rise), rms_m_s2=0.6, low_hz=5.0, high_hz=9.0
            )
        else:
            theta += _front_loaded(t, t_off, rise, up)
        # balance corrections while rising and re-extending (small 2–7 Hz ripple)
        sl = tr.window(t_off, t_off + rise + ext)
        add_tremor(tr, rng, sl, rms_m_s2=rng.uniform(0.15, 0.35), low_hz=2.0, high_hz=7.0)
        t_ext = t_off + 0.55 * rise
        pitch -= min_jerk_pos(
            t, t_ext, 0.45 * rise + ext, flex_rad + SIT_PITCH_RAD - STAND_PITCH_RAD
        )
        t_up = t_off + rise + ext
        t_d = t_up + stand
        flex_d = rng.uniform(0.3, 0.5)
        pitch += min_jerk_pos(t, t_d, 0.55 * desc, flex_d)
        theta -= min_jerk_pos(t, t_d + 0.1 * desc, 0.85 * desc, up)
        pitch -= min_jerk_pos(
            t, t_d + 0.55 * desc, 0.45 * desc, flex_d + STAND_PITCH_RAD - SIT_PITCH_RAD
        )
        t_seat = t_d + 0.95 * desc
        plop = rng.uniform(0.35, 0.6) if f_rush[i] else rng.uniform(0.08, 0.2)
        _impact(tr, t_seat, rng.uniform(0.02, 0.035), plop, rng.uniform(6.0, 10.0), 0.2)
        tr.acc[:, 2] -= sin2_pulse(t, t_seat - 0.12, 0.12, plop)
        marks.append(
            (c, t_d, t_d + desc + min(sit, 0.3), flex_rad, flex_d, bool(f_rush[i]), bool(f_jerk[i]))
        )
        c = t_d + desc + sit
    reps_ev = [_sts_rep(t, theta, pitch, m, L) for m in marks]
    # hip path: thigh rotates about a knee that slides back slightly as the shank verticalises
    knee_x = -0.12 * L * (theta - SIT_THIGH_RAD) / up
    hip = np.stack([knee_x + L * np.sin(theta), np.zeros(tr.n), L * np.cos(theta)], -1)
    tr.acc += second_derivative(hip, fs_hz)
    tr.rpy[:, 1] = pitch
    tr.thigh[:] = theta
    u = np.clip(((theta - SIT_THIGH_RAD) / up - 0.8) / 0.2, 0.0, 1.0)
    standing = u**3 * (10.0 - 15.0 * u + 6.0 * u**2)
    if standing.any():
        sway = Track(total, fs_hz)
        sway.rpy[:] = 0.0
        add_sway(sway, rng, person, ap_rms_m=0.003 * person.sway_level, ml_rms_m=0.002)
        tr.acc[:, :2] += sway.acc[:, :2] * standing[:, None]
        tr.rpy[:, :2] += sway.rpy[:, :2] * standing[:, None]
    tr.end_posture = "sit"
    tr.events.append(SetEvent("sit_to_stand", reps_ev[0].start_s, reps_ev[-1].end_s, reps_ev))
    return tr
