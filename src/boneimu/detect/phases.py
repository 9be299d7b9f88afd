"""Per-exercise phase timing of one rep from the signal (:mod:`boneimu.detect.quality`).

Heel drop: rise / hold / drop (:func:`heel_drop_phases`); hop: flight and ground contact
(:func:`hop_phases`); sit-to-stand: flexion / rise / extension / stand / descent
(:func:`_sts_phases`). Phase timing uses the full width at half maximum (FWHM) of velocity
pulses, which is robust to noise and integration drift, scaled to a minimum-jerk movement's
full duration. See docs/algorithms/rep_quality.md.
"""

from __future__ import annotations

import numpy as np

from boneimu.detect.rep_data import (
    HEEL_VELOCITY_LOWPASS,
    STS_LOWPASS,
    FloatArray,
    RepSignals,
    _cut,
)
from boneimu.signal.filters import highpass, lowpass

MINJERK_FWHM_FRACTION = 0.5412
"""FWHM of a minimum-jerk velocity bump as a fraction of the movement time (Flash & Hogan
1985: v ∝ τ²(1-τ)², half maximum at τ = 0.2294 and 0.7706)."""
APEX_TOL_M_S = 0.02
"""Heel drop: the body counts as falling once its vertical velocity is below -0.02 m/s."""
IMPACT_SETTLED_S = 0.12
"""Heel drop: the impact has stopped the fall this long after the impact peak."""
FALL_GUARD_S = 0.1
"""Heel drop smoothness ends this long before the detected apex (the free fall, meant to be
abrupt, has begun by the time the velocity threshold is crossed)."""
RISE_MIN_M_S = 0.03
"""Heel drop: an upward velocity peak below this is not a rise onto the toes."""
RISE_EDGE_FRACTION = 0.25
MINJERK_EDGE_WIDTH = 0.7071
"""Width of a minimum-jerk velocity bump at 25 % of its peak / its duration."""
PUSH_FRACTION = 0.4
PUSH_REACH_S = 0.6
MINJERK_ACC_EDGE_WIDTH = 0.912
"""A minimum-jerk acceleration reaches 40 % of its peak 4.4 % of the movement time after the
start (and before the end): the span between those crossings is 0.912 x the duration. The
heel-drop rise is timed from the first crossing of the push (pieces of a stop-and-go rise
less than PUSH_REACH_S / 2 apart count as one push) to the last crossing of the braking."""
MAX_CONTACT_S = 4.0
"""Hop: a ground contact longer than this is the end of the set, not a rep's contact."""
FLIGHT_G = 0.35
"""Resultant acceleration below this (g) is free flight (a hop's airborne phase)."""
MAX_DESCENT_S = 4.0
"""Sit-to-stand: a downward movement longer than this is not the return to the seat."""
STS_VELOCITY_HIGHPASS_HZ = 0.1
STS_PIECE_FRACTION = 0.3
"""Sit-to-stand: an earlier upward piece reaching this fraction of the rise's peak velocity,
after a pause, starts a stop-and-go rise (the rise and its smoothness window start there)."""
STS_SEAT_OFF_FRACTION = 0.05
"""Sit-to-stand: the rise is timed from seat-off, when the hip has made this fraction of its
upward movement (the 5 % onset convention), to standing height."""
STS_REACH_S = 0.8
"""Sit-to-stand: upward-velocity pieces within this span (joined across pauses under half of
it) belong to one rise (a stop-and-go rise); used for the smoothness window."""


def _half_width(x: FloatArray, k: int, lo: int, hi: int) -> tuple[float, float]:
    """Sub-sample left/right half-maximum crossings of the positive pulse peaking at ``k``."""
    half = 0.5 * x[k]
    left = np.flatnonzero(x[lo:k] <= half)
    right = np.flatnonzero(x[k:hi] <= half)
    i = lo + int(left[-1]) if left.size else lo
    j = k + int(right[0]) if right.size else hi - 1

    def cross(a: int, b: int) -> float:
        d = x[b] - x[a]
        return a + (half - x[a]) / d if d != 0 else float(a)

    return (cross(i, i + 1) if i < k else float(i)), (cross(j - 1, j) if j > k else float(j))


def _pulse(x: FloatArray, lo: int, hi: int, min_height: float) -> tuple[int, float, float] | None:
    """Largest positive pulse of ``x`` in [lo, hi): (peak index, left, right half crossings)."""
    lo, hi = max(lo, 0), min(hi, x.size)
    if hi - lo < 3:
        return None
    k = lo + int(np.argmax(x[lo:hi]))
    if x[k] < min_height:
        return None
    left, right = _half_width(x, k, lo, hi)
    return k, left, right


def _excursion(
    x: FloatArray,
    lo: int,
    hi: int,
    reach: int,
    min_height: float,
    stop: tuple[int, int] | None = None,
    fraction: float = 0.25,
) -> tuple[int, float, float] | None:
    """The positive excursion of ``x`` peaking in [lo, hi): (peak, first, last index at or
    above ``fraction`` of the peak) within ``reach`` samples of the search span (bounded by
    ``stop``). Pieces closer than ``reach // 2`` (a stop-and-go movement) are one excursion."""
    a, b = (0, x.size) if stop is None else stop
    lo, hi = max(lo, a), min(hi, b)
    if hi - lo < 1:
        return None
    k = lo + int(np.argmax(x[lo:hi]))
    if x[k] < min_height:
        return None
    w0, w1 = max(a, lo - reach), min(b, hi + reach)
    above = np.flatnonzero(x[w0:w1] >= fraction * x[k])
    # keep the pieces joined to the peak by gaps shorter than ``reach``
    gaps = np.flatnonzero(np.diff(above) > reach // 2)
    seg = np.searchsorted(above, k - w0)
    starts = np.concatenate([[0], gaps + 1])
    ends = np.concatenate([gaps, [above.size - 1]])
    j = int(np.searchsorted(starts, seg, side="right") - 1)
    return k, float(w0 + above[starts[j]]), float(w0 + above[ends[j]] + 1)


def _velocity(a: FloatArray, fs_hz: float) -> FloatArray:
    """Velocity from acceleration that is at rest at both ends: cumulative sum, linear detrend."""
    v = np.cumsum(a) / fs_hz
    return v - np.linspace(0.0, v[-1], v.size)


def heel_drop_phases(
    sig: RepSignals, impact_i: int, lo_i: int
) -> tuple[dict[str, float], int, int] | None:
    """Rise / hold / drop of one heel drop ending in the impact at ``impact_i``; ``lo_i`` is a
    sample at rest before the rise. Returns phases and the indices where the upward movement
    is first under way (:data:`RISE_EDGE_FRACTION` of its peak velocity) and the drop starts.

    Vertical velocity is integrated from ``lo_i`` (at rest) to :data:`IMPACT_SETTLED_S` after
    the impact (the fall has been stopped) and linearly detrended to zero at both ends, which
    removes the sensor's bias and scale error. The drop starts at the apex: the last instant
    before the impact when the body was not yet falling (v >= -:data:`APEX_TOL_M_S`). The
    rise is timed on the (5 Hz low-passed) acceleration, which has no integration drift: from
    the first crossing of :data:`RISE_EDGE_FRACTION` of the largest upward push to the last
    crossing of that fraction of the largest braking before the fall (a stop-and-go rise
    counts from its first piece), scaled to a full minimum-jerk duration; the hold is the
    rest until the apex."""
    fs = sig.fs_hz
    post = round(IMPACT_SETTLED_S * fs)
    raw = sig.vertical_m_s2[lo_i : impact_i + post + 1]
    if raw.size < round(0.3 * fs) + post:
        return None
    # at rest at lo_i and again once the impact has stopped the fall: detrend between them
    lp = sig.vertical_lp(*_cut(HEEL_VELOCITY_LOWPASS, fs), lo_i, impact_i + post + 1)
    v_all = _velocity(lp, fs)
    p = raw.size - 1 - post
    pe = max(2, p - round(0.03 * fs))  # before the (low-pass widened) impact edge
    v = v_all[:pe]
    if v[-1] > -3.0 * APEX_TOL_M_S:
        return None  # no fall before this impact
    still_up = np.flatnonzero(v >= -APEX_TOL_M_S)
    if still_up.size == 0:
        return None
    apex = int(still_up[-1]) + 1
    lo = max(0, apex - round(2.5 * fs))
    end = apex - round(FALL_GUARD_S * fs)
    if end - lo < 3 or float(np.max(v[lo:apex])) < RISE_MIN_M_S:
        return None
    # rise timing from the acceleration (no integration drift): the first upward push to the
    # end of the last braking lobe before the fall
    acc = lowpass(raw[: end + 1], cutoff_hz=min(5.0, 0.4 * fs), fs_hz=fs, order=2)[lo:end]
    k = int(np.argmax(acc))
    push = _excursion(acc, k, k + 1, round(PUSH_REACH_S * fs), 1e-9, fraction=PUSH_FRACTION)
    if push is None:
        return None
    brake = acc[round(push[1]) :]
    stop = np.flatnonzero(brake <= PUSH_FRACTION * brake.min()) if brake.min() < 0 else None
    r0 = lo + push[1]
    r1 = r0 + (float(stop[-1]) + 1.0 if stop is not None and stop.size else float(brake.size))
    rise_n = (r1 - r0) / MINJERK_ACC_EDGE_WIDTH
    rs = max(0.0, 0.5 * (r0 + r1) - 0.5 * rise_n)
    hold_n = max(0.0, apex - rs - rise_n)
    phases = {"rise": rise_n / fs, "hold": hold_n / fs, "drop": (p - apex) / fs}
    return phases, lo_i + round(r0), lo_i + apex


def _flight(sig: RepSignals, impact_i: int) -> tuple[int, int] | None:
    """Take-off and landing indices of the flight (resultant < :data:`FLIGHT_G`) that ends in
    the impact at ``impact_i``."""
    lo = max(0, impact_i - round(0.8 * sig.fs_hz))
    low = np.flatnonzero(sig.resultant_g[lo:impact_i] < FLIGHT_G)
    if low.size == 0:
        return None
    run = np.flatnonzero(np.diff(low) > 1)
    start = int(low[run[-1] + 1]) if run.size else int(low[0])
    return lo + start, lo + int(low[-1]) + 1


def hop_phases(sig: RepSignals, impact_i: int, next_impact_i: int | None) -> dict[str, float]:
    """Flight before the landing at ``impact_i`` and the ground contact after it (landing to
    the next take-off; absent for a set's last hop). A hop rep = flight + landing + contact.
    Without ``next_impact_i`` (streaming) the take-off is the first >= 50 ms run below
    :data:`FLIGHT_G` after the landing, when the data already holds it."""
    fs = sig.fs_hz
    fl = _flight(sig, impact_i)
    if fl is None:
        return {}
    phases = {"flight": (fl[1] - fl[0]) / fs}
    takeoff = None
    if next_impact_i is not None:
        nxt = _flight(sig, next_impact_i)
        takeoff = None if nxt is None else nxt[0]
    else:  # streaming: the next landing is not in yet, but its take-off may be
        a = fl[1] + round(0.05 * fs)
        low = sig.resultant_g[a : min(a + round(MAX_CONTACT_S * fs), sig.resultant_g.size)]
        run = round(0.05 * fs)
        below = np.flatnonzero(low < FLIGHT_G)
        if below.size >= run:
            starts = below[: below.size - run + 1]
            ok = below[run - 1 :] - starts == run - 1
            if ok.any():
                takeoff = a + int(starts[np.argmax(ok)])
    if takeoff is not None and 0 < takeoff - fl[1] < round(MAX_CONTACT_S * fs):
        phases["contact"] = (takeoff - fl[1]) / fs
    return phases


def _first_piece(v: FloatArray, k: int, lo: int, left: int) -> int | None:
    """Start of an earlier upward piece of the rise peaking at ``k`` (a stop-and-go rise):
    a pulse in [lo, left) reaching ``STS_PIECE_FRACTION`` of the peak, separated from it by
    a pause (velocity under half the piece's peak) with no downward movement. Its start is
    extrapolated from its half-maximum width like the main piece's; None without one."""
    if left - lo < 3:
        return None
    seg = v[lo:left]
    above = np.flatnonzero(seg >= STS_PIECE_FRACTION * v[k])
    if above.size == 0:
        return None
    k1 = lo + int(above[0]) + int(np.argmax(seg[above[0] :]))
    dip = k1 + int(np.argmin(v[k1 : k + 1]))
    if v[dip] > 0.5 * v[k1] or v[dip] < -0.1 * v[k]:
        return None  # one continuous lift, or a downward movement between: not one rise
    l1, r1 = _half_width(v, k1, lo, dip + 1)
    return max(0, round(0.5 * (l1 + r1) - 0.5 * (r1 - l1) / MINJERK_FWHM_FRACTION))


def _last_piece(v: FloatArray, k: int, right: int, hi: int) -> int | None:
    """End of a later upward piece of the rise peaking at ``k`` within (right, hi), the
    mirror of :func:`_first_piece`; None without one."""
    if hi - right < 3:
        return None
    seg = v[right:hi]
    above = np.flatnonzero(seg >= STS_PIECE_FRACTION * v[k])
    if above.size == 0:
        return None
    k2 = right + int(np.argmax(seg[: above[-1] + 1]))
    dip = k + int(np.argmin(v[k : k2 + 1]))
    if v[dip] > 0.5 * v[k2] or v[dip] < -0.1 * v[k]:
        return None
    l2, r2 = _half_width(v, k2, dip, hi)
    return min(v.size - 1, round(0.5 * (l2 + r2) + 0.5 * (r2 - l2) / MINJERK_FWHM_FRACTION))


def _first_descent(v: FloatArray, lo: int, min_height: float) -> tuple[int, float, float] | None:
    """The first downward pulse of ``v`` after ``lo`` reaching ``min_height`` (m/s): the
    return to the seat. The largest one can be a later movement (the trunk leaning into the
    next rise lowers a chest sensor; the next rep's plop)."""
    d = -v[lo:]
    over = np.flatnonzero(d >= min_height)
    if over.size == 0:
        return None
    i = int(over[0])
    below = np.flatnonzero(d[i:] < 0.5 * min_height)
    j = i + int(below[0]) if below.size else d.size
    return _pulse(-v, lo, lo + j, min_height)


def _sts_phases(
    sig: RepSignals, s_i: int, e_i: int, hi_i: int
) -> tuple[dict[str, float], int, int, int, int] | None:
    """Flexion / rise / extension / stand / descent of the rise found in [s_i, e_i); the
    descent is searched up to ``hi_i``. Returns phases, flexion start, rise start, rise end
    and the end of the upward movement (later than the rise end for a stop-and-go rise)."""
    fs = sig.fs_hz
    lo = max(0, s_i - round(2.5 * fs))
    a = sig.vertical_lp(*_cut(STS_LOWPASS, fs), lo, hi_i)
    v = highpass(np.cumsum(a) / fs, cutoff_hz=STS_VELOCITY_HIGHPASS_HZ, fs_hz=fs, order=2)
    up = _pulse(v, s_i - lo, e_i - lo, 0.1)
    if up is None:
        return None
    k, left, right = up
    rise_n = (right - left) / MINJERK_FWHM_FRACTION
    rs = max(0, round(0.5 * (left + right) - 0.5 * rise_n))
    re = min(v.size - 1, round(0.5 * (left + right) + 0.5 * rise_n))
    first = _first_piece(v, k, max(0, s_i - lo), int(left))
    if first is not None:  # a stop-and-go rise starts with its first piece ...
        rs = min(rs, first)
    last = _last_piece(v, k, int(np.ceil(right)), min(v.size, e_i - lo))
    if last is not None:  # ... and ends with its last
        re = max(re, last)
    # seat-off: the hip has made STS_SEAT_OFF_FRACTION of the lift (the movement's onset,
    # ``rs``, comes earlier: the hips unload before they leave the seat)
    lift = np.cumsum(np.maximum(v[rs : re + 1], 0.0))
    so = rs
    if lift.size and lift[-1] > 0:
        so = rs + int(np.searchsorted(lift, STS_SEAT_OFF_FRACTION * lift[-1]))
    rise_n = float(re - so)
    down = _first_descent(v, re, max(0.1, STS_PIECE_FRACTION * float(v[k])))
    # a stop-and-go rise: the movement goes on while pieces of upward velocity follow
    ext = _excursion(v, k, k + 1, round(STS_REACH_S * fs), 0.1, stop=(0, v.size))
    move_end = max(re, round(ext[2])) if ext is not None else re
    w = sig.rotation_rad_s[lo:hi_i]
    pre = w[max(0, rs - round(2.0 * fs)) : k + 1]
    thr = max(0.1, 0.2 * float(pre.max())) if pre.size else 0.1
    calm = np.flatnonzero(w[: rs + 1] < thr)
    fs_i = int(calm[-1]) if calm.size else 0
    phases = {"flexion": max(0, so - fs_i) / fs, "rise": rise_n / fs}
    if down is not None and (down[2] - down[1]) / MINJERK_FWHM_FRACTION <= MAX_DESCENT_S * fs:
        _, dl, dr = down
        desc_n = (dr - dl) / MINJERK_FWHM_FRACTION
        d0 = max(float(re), 0.5 * (dl + dr) - 0.5 * desc_n)
        after = np.flatnonzero(w[re:] < thr)
        ee = re + int(after[0]) if after.size else re
        ee = int(min(ee, d0))
        seated = d0 + desc_n
        # the trunk leans forward before the hips go down: the descent starts when the
        # rotation leaves calm, as the flexion does before the rise
        busy = np.flatnonzero(w[ee : int(d0) + 1] < thr)
        ds = float(ee + int(busy[-1])) if busy.size else d0
        ds = min(ds, d0)
        phases |= {
            "extension": (ee - re) / fs,
            "stand": max(0.0, ds - ee) / fs,
            "descent": (seated - ds) / fs,
        }
    return phases, lo + fs_i, lo + rs, lo + re, lo + move_end
