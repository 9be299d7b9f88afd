"""Per-exercise phase timing of one rep from the signal (:mod:`boneimu.detect.quality`).

Heel drop: rise / hold / drop (:func:`heel_drop_phases`); hop: flight and ground contact
(:func:`hop_phases`); sit-to-stand phases live in :mod:`boneimu.detect.sts_phases`. Phase
timing uses the full width at half maximum (FWHM) of velocity pulses, which is robust to noise
and integration drift, scaled to a minimum-jerk movement's full duration.
See docs/algorithms/rep_quality.md.
"""

from __future__ import annotations

import numpy as np

from boneimu.detect.rep_data import (
    HEEL_VELOCITY_LOWPASS,
    FloatArray,
    RepSignals,
    _cut,
)
from boneimu.signal.filters import lowpass

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
PUSH_MIN_M_S2 = 0.05
"""Heel drop: a rise that began before the velocity window needs an upward push (5 Hz
low-passed) of at least this much (a 3 cm rise over 1.6 s pushes with about 0.07 m/s²)."""
MINJERK_EDGE_WIDTH = 0.7071
"""Width of a minimum-jerk velocity bump at 25 % of its peak / its duration."""
PUSH_FRACTION = 0.4
PUSH_REACH_S = 1.0
"""Heel drop: pieces of a stop-and-go rise whose pushes are less than PUSH_REACH_S / 2 apart
count as one push (the rise is timed from its first piece). A jerky rise pauses up to about
0.3 x its duration between pieces, so its pushes can be 0.4-0.5 s apart; at 0.6 s the
first pieces were dropped and the rep read as rushed (development seeds 0-29)."""
MINJERK_ACC_EDGE_WIDTH = 0.912
"""A minimum-jerk acceleration reaches 40 % of its peak 4.4 % of the movement time after the
start (and before the end): the span between those crossings is 0.912 x the duration. The
heel-drop rise is timed from the first crossing of the push (pieces of a stop-and-go rise
less than PUSH_REACH_S / 2 apart count as one push) to the last crossing of the braking."""
PRIOR_FALL_M_S = 0.25
"""Heel drop: a downward velocity beyond this before the rise is an earlier fall (a heel drop
falls at 0.4-0.7 m/s; the knees' dip after a landing, sway and drift stay well below)."""
RISE_AFTER_LANDING_S = 0.3
"""Heel drop: the rise after such an earlier fall is searched from this long after it."""
MAX_DROP_S = 0.4
"""Heel drop: the fall from the toes (3-7 cm, at 0.5-1 g) lasts well under this; an apex
found earlier came from an offset velocity and is replaced by the fall's onset."""
FALL_ONSET_FRACTION = 0.1
"""Heel drop: the fall begins where its downward acceleration first reaches 10 % of its
peak."""
MAX_CONTACT_S = 4.0
"""Hop: a ground contact longer than this is the end of the set, not a rep's contact."""
FLIGHT_G = 0.35
"""Resultant acceleration below this (g) is free flight (a hop's airborne phase)."""


def _half_width(x: FloatArray, k: int, lo: int, hi: int) -> tuple[float, float]:
    """Sub-sample left/right half-maximum crossings of the positive pulse peaking at ``k``;
    a side that does not fall to half maximum within [lo, hi) ends at that bound (never
    extrapolated: a pulse cut by the end of the data)."""
    half = 0.5 * x[k]
    left = np.flatnonzero(x[lo:k] <= half)
    right = np.flatnonzero(x[k:hi] <= half)

    def cross(a: int, b: int) -> float:
        d = x[b] - x[a]
        return a + (half - x[a]) / d if d != 0 else float(a)

    i = lo + int(left[-1]) if left.size else -1
    j = k + int(right[0]) if right.size else -1
    lx = cross(i, i + 1) if 0 <= i < k else float(lo if i < 0 else i)
    rx = cross(j - 1, j) if j > k else float(hi - 1 if j < 0 else j)
    return lx, rx


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


def _fall_start(sig: RepSignals, impact_i: int) -> int | None:
    """Onset of the fall ending in the heel-drop impact at ``impact_i``: the last sample
    before the fall's peak downward (5 Hz low-passed) acceleration, within
    :data:`MAX_DROP_S`, that is still above :data:`FALL_ONSET_FRACTION` of that peak."""
    fs = sig.fs_hz
    a, b = max(0, impact_i - round(MAX_DROP_S * fs)), impact_i - round(0.03 * fs)
    if b - a < 3:
        return None
    c = max(0, a - round(0.5 * fs))
    acc = lowpass(sig.vertical_m_s2[c : b + 1], cutoff_hz=min(5.0, 0.4 * fs), fs_hz=fs, order=2)
    acc = acc[a - c :]
    k = int(np.argmin(acc))
    if acc[k] >= 0.0:
        return None
    above = np.flatnonzero(acc[:k] >= FALL_ONSET_FRACTION * acc[k])
    return a + int(above[-1]) + 1 if above.size else None


def heel_drop_phases(
    sig: RepSignals, impact_i: int, lo_i: int, rise_lo_i: int | None = None
) -> tuple[dict[str, float], int, int] | None:
    """Rise / hold / drop of one heel drop ending in the impact at ``impact_i``; ``lo_i`` is a
    sample at rest before the rise (or within it, when the rise began early) and
    ``rise_lo_i`` (default ``lo_i``) the earliest sample the rise may start at. Returns phases
    and the indices where the upward movement is first under way and the drop starts.

    Vertical velocity is integrated from ``lo_i`` to :data:`IMPACT_SETTLED_S` after the impact
    and linearly detrended to zero at both ends, which removes the sensor's bias and scale
    error. The drop starts at the apex: the last instant before the impact when the body was
    not yet falling (v >= -:data:`APEX_TOL_M_S`). The rise is timed on the (5 Hz low-passed)
    acceleration from ``rise_lo_i`` on, which has no integration drift: from the first
    crossing of :data:`PUSH_FRACTION` of the largest upward push to the last crossing of that
    fraction of the largest braking before the fall (the pieces of a stop-and-go rise count
    from the first one, :data:`PUSH_REACH_S`), scaled to a full minimum-jerk duration
    (:data:`MINJERK_ACC_EDGE_WIDTH`); the hold is the rest until the apex. A fall before the
    rise (:data:`PRIOR_FALL_M_S`: a heel drop the detector missed) moves the search after it.
    A rise needs an upward velocity of :data:`RISE_MIN_M_S` after ``lo_i`` or, when it began
    before ``lo_i``, a push of :data:`PUSH_MIN_M_S2`. An apex more than :data:`MAX_DROP_S`
    before the impact (a velocity offset) is replaced by the fall's onset
    (:func:`_fall_start`)."""
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
    apex = lo_i + int(still_up[-1]) + 1  # absolute sample index from here on
    if impact_i - apex > round(MAX_DROP_S * fs):
        # the velocity's offset put the apex back in the rise: the fall begins at the onset
        # of its downward acceleration
        onset = _fall_start(sig, impact_i)
        if onset is None or impact_i - onset > round(MAX_DROP_S * fs):
            return None
        apex = onset
    r_lo = lo_i if rise_lo_i is None else min(rise_lo_i, lo_i)
    # a fall before this rep's rise (a previous heel drop the detector did not report): the
    # rise begins after that landing
    fell = np.flatnonzero(v[: max(0, apex - lo_i - round(0.3 * fs))] < -PRIOR_FALL_M_S)
    if fell.size:
        r_lo = max(r_lo, lo_i + int(fell[-1]) + round(RISE_AFTER_LANDING_S * fs))
    lo = max(r_lo, apex - round(2.5 * fs))
    end = apex - round(FALL_GUARD_S * fs)
    if end - lo < 3:
        return None
    # rise timing from the acceleration (no integration drift): the first upward push to the
    # end of the last braking lobe before the fall; filtered with context (no edge transient)
    c0 = max(0, lo - round(0.5 * fs))
    acc = lowpass(sig.vertical_m_s2[c0 : end + 1], cutoff_hz=min(5.0, 0.4 * fs), fs_hz=fs, order=2)[
        lo - c0 : end - c0
    ]
    k = int(np.argmax(acc))
    rose = float(np.max(v[max(0, lo - lo_i) : apex - lo_i])) >= RISE_MIN_M_S
    if not rose and not (r_lo < lo_i and acc[k] >= PUSH_MIN_M_S2):
        return None
    push = _excursion(acc, k, k + 1, round(PUSH_REACH_S * fs), 1e-9, fraction=PUSH_FRACTION)
    if push is None:
        return None
    brake = acc[round(push[1]) :]
    stop = np.flatnonzero(brake <= PUSH_FRACTION * brake.min()) if brake.min() < 0 else None
    r0 = lo + push[1]
    r1 = r0 + (float(stop[-1]) + 1.0 if stop is not None and stop.size else float(brake.size))
    rise_n = (r1 - r0) / MINJERK_ACC_EDGE_WIDTH
    rs = max(float(r_lo), 0.5 * (r0 + r1) - 0.5 * rise_n)
    hold_n = max(0.0, apex - rs - rise_n)
    phases = {"rise": rise_n / fs, "hold": hold_n / fs, "drop": (lo_i + p - apex) / fs}
    return phases, round(r0), apex


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
