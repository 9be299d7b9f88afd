"""Sit-to-stand phase timing of one rep: flexion / rise / extension / stand / descent
(:func:`_sts_phases`), from the vertical velocity's pulses and the trunk rotation (helpers in
:mod:`boneimu.detect.phases`). See docs/algorithms/rep_quality.md.
"""

from __future__ import annotations

import numpy as np

from boneimu.detect.phases import (
    MINJERK_FWHM_FRACTION,
    _excursion,
    _half_width,
    _pulse,
)
from boneimu.detect.rep_data import STS_LOWPASS, FloatArray, RepSignals, _cut
from boneimu.signal.filters import highpass

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
