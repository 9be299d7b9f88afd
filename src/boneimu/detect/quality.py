"""Per-rep tempo (phase durations), smoothness and the ``rushed`` / ``jerky`` flags (issue 5).

For every rep a detector found (:class:`boneimu.detect.events.Rep`: start, end, impact) this
module measures the rep's phases from the signal, computes valid smoothness measures on the
controlled part of the movement (LDLJ-A with gravity removed, gyro-corrected when a gyroscope
exists; SPARC on the gyroscope's angular speed; :mod:`boneimu.metrics.smoothness`) and flags a
rep ``rushed`` or ``jerky`` against documented floors and the person's own baseline (their
stored reps, :class:`boneimu.dose.baseline.RepBaseline`, else the set's other reps).
Phase timing uses the full width at half maximum (FWHM) of velocity pulses, which is robust to
noise and integration drift. See docs/algorithms/rep_quality.md.

The work is split over :mod:`boneimu.detect.rep_data` (:class:`RepSignals`,
:func:`rep_signals`, :class:`RepQuality`), :mod:`boneimu.detect.phases` (per-exercise phase
timing) and :mod:`boneimu.detect.flags` (:class:`QualityConfig`, :func:`flag_reps`); this
module measures each rep (:func:`measure_reps`) and is the public entry: every name below is
importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from boneimu.detect.events import Rep
from boneimu.detect.flags import LDLJ_PER_LOG_DURATION, QualityConfig, flag_reps
from boneimu.detect.phases import (
    APEX_TOL_M_S,
    FALL_GUARD_S,
    FLIGHT_G,
    IMPACT_SETTLED_S,
    MAX_CONTACT_S,
    MINJERK_ACC_EDGE_WIDTH,
    MINJERK_EDGE_WIDTH,
    MINJERK_FWHM_FRACTION,
    PUSH_FRACTION,
    PUSH_MIN_M_S2,
    PUSH_REACH_S,
    RISE_EDGE_FRACTION,
    RISE_MIN_M_S,
    heel_drop_phases,
    hop_phases,
)
from boneimu.detect.rep_data import (
    HEEL_VELOCITY_LOWPASS,
    JOLT_HIGHPASS_HZ,
    SMOOTHNESS_LOWPASS_HZ,
    STS_LOWPASS,
    FloatArray,
    RepQuality,
    RepSignals,
    rep_signals,
)
from boneimu.detect.sts_phases import (
    MAX_DESCENT_S,
    STS_PIECE_FRACTION,
    STS_REACH_S,
    STS_SEAT_OFF_FRACTION,
    STS_VELOCITY_HIGHPASS_HZ,
    _sts_phases,
)
from boneimu.errors import AnalysisError
from boneimu.metrics.smoothness import angular_speed, ldlj_a, sparc
from boneimu.metrics.sts_power import sts_power, vertical_kinematics
from boneimu.results import RepResult

__all__ = [
    "APEX_TOL_M_S",
    "FALL_GUARD_S",
    "FLIGHT_G",
    "HEEL_MIN_SMOOTH_S",
    "HEEL_RECOVERY_S",
    "HEEL_RISE_AFTER_S",
    "HEEL_VELOCITY_LOWPASS",
    "IMPACT_SETTLED_S",
    "JOLT_HIGHPASS_HZ",
    "LANDING_JOLT_S",
    "LANDING_SKIP_S",
    "LANDING_WINDOW_S",
    "LDLJ_PER_LOG_DURATION",
    "MAX_CONTACT_S",
    "MAX_DESCENT_S",
    "MINJERK_ACC_EDGE_WIDTH",
    "MINJERK_EDGE_WIDTH",
    "MINJERK_FWHM_FRACTION",
    "PUSH_FRACTION",
    "PUSH_MIN_M_S2",
    "PUSH_REACH_S",
    "RISE_EDGE_FRACTION",
    "RISE_MIN_M_S",
    "SMOOTHNESS_LOWPASS_HZ",
    "STS_LOWPASS",
    "STS_PIECE_FRACTION",
    "STS_REACH_S",
    "STS_SEAT_OFF_FRACTION",
    "STS_VELOCITY_HIGHPASS_HZ",
    "TAKEOFF_GUARD_S",
    "FloatArray",
    "QualityConfig",
    "RepQuality",
    "RepSignals",
    "assess_reps",
    "baseline_for",
    "flag_reps",
    "heel_drop_phases",
    "hop_phases",
    "measure_reps",
    "merge_quality",
    "rep_signals",
    "sts_set_extra",
]

HEEL_RECOVERY_S = 0.7
"""Heel drop: the knees absorb the landing and return within about 0.7 s; the next rep's
velocity and smoothness are measured after that (or after 0.35 s when the next impact
follows sooner)."""
HEEL_MIN_SMOOTH_S = 0.2
"""Heel drop: smoothness is measured over at least this long before the fall (a quick,
stop-and-go rise of 0.15-0.25 s is otherwise too short to measure, and its jerk missed)."""
HEEL_RISE_AFTER_S = 0.45
"""Heel drop: the next rise is searched from this long after the previous impact. A person
often rises again before the knees have finished recovering from the landing (about 0.7 s):
searching only after the recovery cut such rises short (read as rushed) or lost them. The
knee flexion and the recovery push take the first ~0.45 s."""
LANDING_WINDOW_S = 0.4
"""Hop: landing smoothness is measured over at most this much of the ground contact
(discrete hops stand still afterwards)."""
LANDING_SKIP_S = 0.05
"""Hop: the landing jolt is measured from this long after landing (the impact itself leaks
into the horizontal through any error in the up direction)."""
LANDING_JOLT_S = 0.2
"""Hop: ... to this long after landing: a stumble, a second foot slap or a sideways catch
comes within the first 0.2 s; later the legs are already pushing off or standing."""
TAKEOFF_GUARD_S = 0.05
"""Hop: the jolt window ends this long before the take-off (leaving the ground is itself an
abrupt change of acceleration)."""


def _smoothness(sig: RepSignals, i0: int, i1: int) -> tuple[float | None, float | None]:
    fs = sig.fs_hz
    if i1 - i0 < max(3, round(0.2 * fs)):
        return None, None
    gyro = None if sig.gyro_rad_s is None else sig.gyro_rad_s[i0:i1]
    if gyro is not None and np.isnan(gyro).any():
        gyro = None
    ldlj = sp = None
    try:
        ldlj = ldlj_a(sig.linear_m_s2[i0:i1], fs_hz=fs)
    except AnalysisError:
        ldlj = None
    if gyro is not None:
        try:
            sp = sparc(angular_speed(gyro), fs_hz=fs)
        except AnalysisError:
            sp = None
    return ldlj, sp


def measure_reps(
    exercise: str,
    reps: Sequence[Rep],
    sig: RepSignals,
    *,
    body_mass_kg: float | None = None,
    height_m: float | None = None,
    chair_height_m: float | None = None,
) -> list[RepQuality]:
    """Phases, smoothness and (sit-to-stand) kinematics of each rep of one set, no flags.

    ``reps`` are in time order; rep times are seconds from the signals' first sample."""
    fs = sig.fs_hz
    n = sig.vertical_m_s2.size
    out: list[RepQuality] = []
    idx = [sig.index(r.start_s) for r in reps]
    for j, r in enumerate(reps):
        s_i, e_i = sig.index(r.start_s), sig.index(r.end_s) + 1
        q = RepQuality(exercise, r.start_s, r.end_s)
        prev = reps[j - 1] if j else None
        if exercise in ("heel_drop", "hop") and r.impact_s is not None:
            p = sig.index(r.impact_s)
            pp = None if prev is None or prev.impact_s is None else sig.index(prev.impact_s)
            if exercise == "heel_drop":
                lo = rise_lo = max(0, p - round(3.0 * fs))
                if pp is not None:  # after the previous landing's knee dip and recovery
                    settled = pp + round(HEEL_RECOVERY_S * fs)
                    if settled > p - round(0.6 * fs):
                        settled = pp + round(0.35 * fs)
                    lo = max(lo, settled)
                    # but the rise may begin while the knees still recover (a rushed rep
                    # after a rushed rep takes ~0.6 s from rise to impact)
                    first = min(pp + round(HEEL_RISE_AFTER_S * fs), p - round(0.6 * fs))
                    rise_lo = max(rise_lo, first, pp + round(0.3 * fs))
                got = heel_drop_phases(sig, p, lo, rise_lo)
                if got is not None:
                    phases, rs, ds = got
                    # the fall is under way before v reaches -APEX_TOL: keep it out; the
                    # recovery's push before ``lo`` is not the rise's jerk
                    s1 = ds - round(FALL_GUARD_S * fs)
                    s0 = max(lo, min(rs, s1 - round(HEEL_MIN_SMOOTH_S * fs)))
                    ldlj, sp = _smoothness(sig, s0, s1)
                    rs = ds - round((phases["rise"] + phases["hold"]) * fs)
                    q = replace(
                        q,
                        phases_s=phases,
                        cycle_s=sum(phases.values()),
                        ldlj_a=ldlj,
                        sparc=sp,
                        rise_start_s=sig.time(rs),
                    )
            else:
                nxt = reps[j + 1] if j + 1 < len(reps) else None
                pn = None if nxt is None or nxt.impact_s is None else sig.index(nxt.impact_s)
                phases = hop_phases(sig, p, pn)
                land = p
                if "flight" in phases:
                    land = p - round(0.02 * fs)
                end = land + round(min(phases.get("contact", 0.3), LANDING_WINDOW_S) * fs)
                ldlj, sp = _smoothness(sig, land + round(0.04 * fs), min(n, end))
                cyc = phases["flight"] + phases["contact"] if len(phases) == 2 else None
                sway = None
                s0 = land + round(LANDING_SKIP_S * fs)
                jolt_s = LANDING_JOLT_S
                if "contact" in phases:
                    jolt_s = min(jolt_s, phases["contact"] - TAKEOFF_GUARD_S)
                e0 = min(n, land + round(jolt_s * fs))
                if "flight" in phases and e0 - s0 >= 3:
                    h = sig.horizontal_jolt(s0, e0)
                    sway = float(np.sqrt(np.max(np.einsum("ij,ij->i", h, h))))
                q = replace(
                    q, phases_s=phases, cycle_s=cyc, ldlj_a=ldlj, sparc=sp, landing_sway=sway
                )
        elif exercise == "sit_to_stand":
            hi = idx[j + 1] if j + 1 < len(reps) else n
            hi = min(hi, e_i + round(8.0 * fs), n)
            got_s = _sts_phases(sig, s_i, e_i, hi)
            if got_s is not None:
                phases, _, rs, re, move_end = got_s
                ldlj, sp = _smoothness(sig, rs, move_end)
                disp: float | None
                peak_v: float | None
                try:  # a degenerate (few-sample) rise has no kinematics
                    kin = vertical_kinematics(sig.vertical_m_s2[rs : re + 1], fs_hz=fs)
                    disp, peak_v = kin.displacement_change_m, kin.peak_velocity_m_s
                except AnalysisError:
                    disp = peak_v = None
                power = None
                if body_mass_kg is not None and height_m is not None:
                    try:
                        kw = {} if chair_height_m is None else {"chair_height_m": chair_height_m}
                        power = sts_power(
                            body_mass_kg=body_mass_kg,
                            height_m=height_m,
                            concentric_s=phases["rise"],
                            **kw,
                        ).power_w
                    except AnalysisError:
                        power = None
                q = replace(
                    q,
                    phases_s=phases,
                    cycle_s=sum(phases.values()) if "descent" in phases else None,
                    ldlj_a=ldlj,
                    sparc=sp,
                    rise_start_s=sig.time(re - round(phases["rise"] * fs)),
                    rise_end_s=sig.time(re),
                    vertical_displacement_m=disp,
                    peak_vertical_velocity_m_s=peak_v,
                    power_w=power,
                    smooth_window_s=(move_end - rs) / fs,
                )
        out.append(q)
    return out


def assess_reps(
    exercise: str,
    reps: Sequence[Rep],
    sig: RepSignals,
    *,
    baseline: object | None = None,
    config: QualityConfig | None = None,
    body_mass_kg: float | None = None,
    height_m: float | None = None,
    chair_height_m: float | None = None,
) -> list[RepQuality]:
    """Phases, smoothness, kinematics and rushed/jerky flags of one set's reps (time order).

    ``sig`` from :func:`rep_signals`; ``baseline`` a ``RepBaseline`` of this exercise or None.
    Sit-to-stand power (Alcazar) needs ``body_mass_kg`` and ``height_m``; ``chair_height_m``
    defaults to :data:`boneimu.metrics.sts_power.DEFAULT_CHAIR_HEIGHT_M`.
    """
    if exercise not in ("heel_drop", "hop", "sit_to_stand"):
        raise AnalysisError(f"unknown exercise {exercise!r} for rep quality")
    qs = measure_reps(
        exercise,
        reps,
        sig,
        body_mass_kg=body_mass_kg,
        height_m=height_m,
        chair_height_m=chair_height_m,
    )
    return flag_reps(qs, baseline=baseline, config=config)


def baseline_for(baseline: object | None, exercise: str) -> object | None:
    """The baseline of ``exercise`` from one RepBaseline or a mapping exercise -> RepBaseline."""
    if isinstance(baseline, dict):
        return baseline.get(exercise)
    if baseline is not None and getattr(baseline, "exercise", None) == exercise:
        return baseline
    return None


def merge_quality(reps: Sequence[RepResult], qs: Sequence[RepQuality]) -> list[RepResult]:
    """Copy phases, smoothness, flags and STS kinematics into the analysis' rep results."""
    out = []
    for r, q in zip(reps, qs, strict=True):
        upd: dict[str, object] = {"flags": [*r.flags, *q.flags]}
        if q.phases_s:
            upd["phases_s"] = {k: round(float(v), 4) for k, v in q.phases_s.items()}
        for name in ("ldlj_a", "sparc", "power_w"):
            if getattr(q, name) is not None:
                upd[name] = float(getattr(q, name))
        if q.exercise == "sit_to_stand" and q.vertical_displacement_m is not None:
            upd["vertical_displacement_m"] = float(q.vertical_displacement_m)
            upd["peak_vertical_velocity_m_s"] = float(q.peak_vertical_velocity_m_s or 0.0)
        # validated copy (model_copy(update=...) would not check the values)
        out.append(RepResult.model_validate({**r.model_dump(), **upd}))
    return out


def sts_set_extra(
    qs: Sequence[RepQuality], *, body_mass_kg: float | None = None
) -> dict[str, float]:
    """Set-level sit-to-stand performance for ``SetResult.extra``: mean rise time,
    displacement and peak velocity; and, when the set looks like a test (continuous: no
    rise-to-rise interval above twice the median or the median + 2 s), the five-times-sit-to-
    stand time (start of the first rep to standing after the fifth rise, >= 5 rises) and the
    30-s chair-stand count (rises completed within 30 s of the start, sets lasting >= 30 s).
    These are the tests' quantities measured on the person's exercise set, which is usually
    done at a controlled pace rather than "as fast as possible": compare them with each other
    over weeks, not with the tests' norms."""
    ok = [q for q in qs if q.rise_end_s is not None and q.rise_start_s is not None]
    if not ok:
        return {}
    ends = [float(q.rise_end_s) for q in ok if q.rise_end_s is not None]
    first = ok[0]
    t0 = float(first.rise_start_s or 0.0) - first.phases_s.get("flexion", 0.0)
    extra: dict[str, float] = {
        "mean_rise_s": float(np.mean([q.phases_s["rise"] for q in ok])),
        "mean_vertical_displacement_m": float(
            np.mean([q.vertical_displacement_m or 0.0 for q in ok])
        ),
        "mean_peak_vertical_velocity_m_s": float(
            np.mean([q.peak_vertical_velocity_m_s or 0.0 for q in ok])
        ),
    }
    starts = np.array([float(q.rise_start_s or 0.0) for q in ok])
    gaps = np.diff(starts)
    # a test is done without pauses: no rise-to-rise interval far above the set's usual
    continuous = gaps.size == 0 or bool(
        gaps.max() <= max(2.0 * float(np.median(gaps)), float(np.median(gaps)) + 2.0)
    )
    if continuous and len(ends) >= 5:
        extra["time_5x_sts_s"] = ends[4] - t0
    if continuous and qs[-1].end_s - t0 >= 30.0:
        extra["chair_stands_30s"] = float(sum(e <= t0 + 30.0 for e in ends))
    powers = [q.power_w for q in ok if q.power_w is not None]
    if powers:
        extra["mean_power_w"] = float(np.mean(powers))
        if body_mass_kg:
            extra["mean_power_w_kg"] = float(np.mean(powers)) / body_mass_kg
    return extra
