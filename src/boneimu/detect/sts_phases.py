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
from boneimu.signal.filters import highpass, lowpass

MAX_DESCENT_S = 4.0
"""Sit-to-stand: a downward movement longer than this is not the return to the seat."""
STS_VELOCITY_HIGHPASS_HZ = 0.1
STS_CONTEXT_S = 5.0
"""Sit-to-stand: seconds of signal past the rep's search span integrated with it (the
velocity high-pass bends its last seconds)."""
STS_PIECE_FRACTION = 0.3
"""Sit-to-stand: an earlier upward piece reaching this fraction of the rise's peak velocity,
after a pause, starts a stop-and-go rise (the rise and its smoothness window start there)."""
STS_SEAT_OFF_FRACTION = 0.05
"""Sit-to-stand: the rise is timed from seat-off, when the hip has made this fraction of its
upward movement (the 5 % onset convention), to standing height."""
MINJERK_TAIL_FACTOR = 0.5 / (0.5 * (1.0 + MINJERK_FWHM_FRACTION) - 0.5)
"""A minimum-jerk velocity bump ends this many times its peak-to-half-maximum span after its
peak (0.5 / 0.2706)."""
STS_SEATED_FRACTION = 0.92
"""Sit-to-stand: seated once the hip has made this fraction of its descent (the thigh within
5 % of its seated angle leaves about 8 % of the hip's drop, as seat-off's 5 % of the thigh's
rotation is about 8 % of its lift)."""
STS_UPRIGHT_FRACTION = 0.05
"""Sit-to-stand: the trunk is upright once its pitch is within this fraction of the flexion's
lean of its standing pitch; the descent starts when it leaves standing by this fraction of
the descent's lean (the 5 % onset convention, as for seat-off)."""
STS_MAX_LEVER_M = 0.6
"""Sit-to-stand: the largest sensor distance from the trunk's pitch axis believed (m)."""
STS_THIGH_SWING_RAD = 1.0
"""Sit-to-stand: a sensor turning more than this (rad) after seat-off turns with the thigh
(≈ 85°), not the trunk (its lean is mostly done by seat-off)."""
STS_THIGH_REACH_S = 0.5
"""... measured up to this long after the rise's end (a stop-and-go rise can end later)."""
STS_SIT_SEARCH_S = 1.0
"""Sit-to-stand: the seated pitch is looked for from this long before the rotation-based
flexion onset."""
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


def _last_piece(v: FloatArray, k: int, right: int, hi: int, *, runs: bool = False) -> int | None:
    """End of a later upward piece of the rise peaking at ``k`` within (right, hi), the
    mirror of :func:`_first_piece`; None without one. ``runs``: the piece is looked for after
    the main piece's tail first turns up again (a slower second piece, under half the main
    peak, is otherwise taken for that tail), and a shallow pause between still counts."""
    if hi - right < 3:
        return None
    seg = v[right:hi]
    off = 0
    if runs:
        turn = np.flatnonzero(np.diff(seg) > 0)
        if turn.size == 0:
            return None
        off = int(turn[0])
    above = np.flatnonzero(seg[off:] >= STS_PIECE_FRACTION * v[k])
    if above.size == 0:
        return None
    k2 = right + off + int(np.argmax(seg[off : off + above[-1] + 1]))
    if k2 <= k:  # the main pulse's edge at the end of the data: no later piece to see
        return None
    dip = k + int(np.argmin(v[k : k2 + 1]))
    if v[dip] < -0.1 * v[k] or (v[dip] > 0.5 * v[k2] and not runs):
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


def _pitch(sig: RepSignals, lo: int, hi: int, a: int, b: int) -> FloatArray | None:
    """Signed trunk pitch (rad, up positive = leaning forward) over [lo, hi) from the gyroscope:
    the angular rate along its principal axis over [lo + a, lo + b) (the flexion and rise),
    integrated; its sign makes the flexion (before ``b``) positive. None without a gyroscope."""
    g = sig.gyro_rad_s
    if g is None or b - a < 3:
        return None
    w = np.nan_to_num(g[lo:hi])
    if not np.isfinite(g[lo:hi]).any():
        return None
    _, _, vt = np.linalg.svd(w[a:b] - w[a:b].mean(axis=0), full_matrices=False)
    rate = w @ vt[0]
    # the gyroscope's bias would tilt a standing or seated pitch: most of the span is still,
    # so the rate's median is that bias
    p = np.cumsum(rate - np.median(rate)) / sig.fs_hz
    if p[a : b + 1].max() - p[a] < p[a] - p[a : b + 1].min():
        p = -p
    return p


def _pitch_onset(p: FloatArray, w0: int, so: int, re: int) -> tuple[int, int]:
    """Seated pitch sample and trunk-flexion onset from the signed pitch ``p``: the seated
    pitch is its lowest point in [w0, seat-off ``so``]; the onset is the first sample after
    it past STS_UPRIGHT_FRACTION of the flexion (seated -> deepest lean before ``re``)."""
    so = max(so, w0)
    sit_i = w0 + int(np.argmin(p[w0 : so + 1]))
    flex = float(p[sit_i : re + 1].max() - p[sit_i])
    over = np.flatnonzero(p[sit_i : re + 1] - p[sit_i] > STS_UPRIGHT_FRACTION * flex)
    return sit_i, sit_i + int(over[0]) if over.size else sit_i


def _pitch_marks(p: FloatArray, f0: int, re: int, d0: int, seated: int) -> tuple[int, int] | None:
    """Trunk upright and descent-lean onset from the signed pitch ``p`` (5 % thresholds, as
    the flexion onset): upright = first sample from the rise end ``re`` within
    STS_UPRIGHT_FRACTION of the flexion (seated -> deepest lean) of the standing pitch (the
    pitch's lowest point before the hips go down at ``d0``); the descent starts when the pitch
    last leaves the standing pitch by that fraction of the descent's lean before it peaks."""
    if f0 >= re or re >= p.size - 1:
        return None
    d0 = min(max(d0, re + 1), p.size - 1)
    flex = float(p[f0 : re + 1].max() - p[f0])
    if flex <= 0:
        return None
    stand_i = re + int(np.argmin(p[re : d0 + 1]))
    stand = float(p[stand_i])
    near = np.flatnonzero(p[re : stand_i + 1] - stand < STS_UPRIGHT_FRACTION * flex)
    ee = re + int(near[0]) if near.size else stand_i
    top = min(max(seated, d0 + 1), p.size)
    lean_i = stand_i + int(np.argmax(p[stand_i:top]))
    lean = float(p[lean_i] - stand)
    calm = np.flatnonzero(p[stand_i : lean_i + 1] - stand <= STS_UPRIGHT_FRACTION * lean)
    ds = stand_i + int(calm[-1]) if calm.size else stand_i
    return ee, max(ds, ee)


def _thigh_phases(
    p: FloatArray, w0: int, re: int, fs_hz: float
) -> tuple[dict[str, float], int, int] | None:
    """A thigh sensor's rep from its pitch (the thigh angle): seat-off and standing height
    where the thigh has turned STS_SEAT_OFF_FRACTION and 1 - STS_SEAT_OFF_FRACTION of its
    seated -> standing swing, the descent from the thigh leaving standing by that fraction
    to its return within it of seated. The trunk's flexion and re-extension do not turn the
    thigh: they are not reported. Returns phases, seat-off and standing-height samples."""
    top_end = min(p.size, re + round(2.0 * fs_hz))
    sit_i = w0 + int(np.argmin(p[w0 : re + 1]))
    top_i = re + int(np.argmax(p[re:top_end]))
    swing = float(p[top_i] - p[sit_i])
    if swing <= 0:
        return None
    x = (p - p[sit_i]) / swing
    frac = STS_SEAT_OFF_FRACTION
    so = sit_i + int(np.argmax(x[sit_i : top_i + 1] > frac))
    up = so + int(np.argmax(x[so : top_i + 1] > 1.0 - frac))
    phases = {"rise": (up - so) / fs_hz}
    leave = np.flatnonzero(x[top_i:] < 1.0 - frac)
    if leave.size:
        d0 = top_i + int(leave[0])
        back = np.flatnonzero(x[d0:] < frac)
        if back.size and back[0] <= MAX_DESCENT_S * fs_hz:
            phases |= {"stand": (d0 - up) / fs_hz, "descent": int(back[0]) / fs_hz}
    return phases, so, up


def _rise(
    v: FloatArray, k: int, left: float, right: float, s0: int, e0: int, *, tail: bool = True
) -> tuple[int, int]:
    """Movement onset and end of the rise whose velocity peaks at ``k`` (half-maximum
    crossings ``left`` / ``right``), extended to the pieces of a stop-and-go rise in the rep's
    span [s0, e0)."""
    rise_n = (right - left) / MINJERK_FWHM_FRACTION
    rs = max(0, round(0.5 * (left + right) - 0.5 * rise_n))
    re = min(v.size - 1, round(0.5 * (left + right) + 0.5 * rise_n))
    # a rise slows into standing (momentum is built early): its end is extrapolated from
    # the peak's right half-width when that is the longer side
    if tail:
        re = min(v.size - 1, max(re, round(k + (right - k) * MINJERK_TAIL_FACTOR)))
    first = _first_piece(v, k, max(0, s0), int(left))
    if first is not None:  # a stop-and-go rise starts with its first piece ...
        rs = min(rs, first)
    last = _last_piece(v, k, int(np.ceil(right)), min(v.size, e0), runs=tail)
    if last is not None:  # ... and ends with its last
        re = max(re, last)
    return rs, re


def _seat_off(v: FloatArray, rs: int, re: int) -> int:
    """Seat-off: the hip has made STS_SEAT_OFF_FRACTION of the lift (the movement's onset
    ``rs`` comes earlier: the hips unload before they leave the seat)."""
    lift = np.cumsum(np.maximum(v[rs : re + 1], 0.0))
    if lift.size and lift[-1] > 0:
        return rs + int(np.searchsorted(lift, STS_SEAT_OFF_FRACTION * lift[-1]))
    return rs


def _hip_velocity(v: FloatArray, p: FloatArray, f0: int, so: int, fs_hz: float) -> FloatArray:
    """``v`` minus the sensor's lever-arm motion: while the trunk leans forward before
    seat-off (``f0`` to ``so``) the hips rest on the seat, so the sensor's vertical velocity
    there is its distance from the pitch axis times the pitch rate; that distance
    (least squares, at most STS_MAX_LEVER_M) times the pitch rate is removed throughout."""
    rate = lowpass(
        np.diff(p, prepend=p[0]) * fs_hz,
        cutoff_hz=_cut(STS_LOWPASS, fs_hz)[0],
        fs_hz=fs_hz,
        order=_cut(STS_LOWPASS, fs_hz)[1],
    )
    r, x = rate[f0:so], v[f0:so]
    energy = float(r @ r)
    if so - f0 < 3 or energy <= 0:
        return v
    lever = float(np.clip((x @ r) / energy, -STS_MAX_LEVER_M, STS_MAX_LEVER_M))
    return v - lever * rate


def _smooth_window(sig: RepSignals, lo: int, s_i: int, e_i: int, hi_i: int) -> tuple[int, int]:
    """The smoothness (LDLJ-A, SPARC) window, relative to ``lo``: the sensor's own upward
    movement (the jerk it felt), from the velocity integrated over [lo, hi_i) alone and a
    symmetric minimum-jerk extent, pieces of a stop-and-go rise included, as the jerky
    thresholds were set on (docs/algorithms/rep_quality.md)."""
    fs = sig.fs_hz
    a = sig.vertical_lp(*_cut(STS_LOWPASS, fs), lo, hi_i)
    v = highpass(np.cumsum(a) / fs, cutoff_hz=STS_VELOCITY_HIGHPASS_HZ, fs_hz=fs, order=2)
    up = _pulse(v, s_i - lo, e_i - lo, 0.1)
    if up is None:
        return s_i - lo, e_i - lo
    rs, re = _rise(v, *up, s_i - lo, e_i - lo, tail=False)
    ext = _excursion(v, up[0], up[0] + 1, round(STS_REACH_S * fs), 0.1, stop=(0, v.size))
    return rs, max(re, round(ext[2])) if ext is not None else re


def _sts_phases(
    sig: RepSignals, s_i: int, e_i: int, hi_i: int
) -> tuple[dict[str, float], int, int, int, int] | None:
    """Flexion / rise / extension / stand / descent of the rise found in [s_i, e_i); the
    descent is searched up to ``hi_i``. Returns phases, flexion start, rise start, rise end
    and the end of the upward movement (later than the rise end for a stop-and-go rise)."""
    fs = sig.fs_hz
    lo = max(0, s_i - round(2.5 * fs))
    # integrate with context on both sides (the high-pass's edges would bend the velocity
    # there, often into the next rise), then keep [lo, hi_i)
    pad = round(STS_CONTEXT_S * fs)
    a0, a1 = max(0, lo - pad), min(sig.vertical_m_s2.size, hi_i + pad)
    a = sig.vertical_lp(*_cut(STS_LOWPASS, fs), a0, a1)
    v = highpass(np.cumsum(a) / fs, cutoff_hz=STS_VELOCITY_HIGHPASS_HZ, fs_hz=fs, order=2)
    v = v[lo - a0 : hi_i - a0]
    up = _pulse(v, s_i - lo, e_i - lo, 0.1)
    if up is None:
        return None
    rs, re = _rise(v, *up, s_i - lo, e_i - lo)
    so = _seat_off(v, rs, re)
    move_start, move_end = _smooth_window(sig, lo, s_i, e_i, hi_i)
    w = sig.rotation_rad_s[lo:hi_i]
    pre = w[max(0, rs - round(2.0 * fs)) : up[0] + 1]
    thr = max(0.1, 0.2 * float(pre.max())) if pre.size else 0.1
    calm = np.flatnonzero(w[: rs + 1] < thr)
    fs_i = int(calm[-1]) if calm.size else 0
    pitch = _pitch(sig, lo, hi_i, fs_i, re + 1)
    sit_i = fs_i
    if pitch is not None:
        turned = pitch[so : re + round(STS_THIGH_REACH_S * fs) + 1]
        if turned.max() - pitch[so] > STS_THIGH_SWING_RAD:  # the sensor turns with the thigh
            got = _thigh_phases(pitch, max(0, so - round(STS_SIT_SEARCH_S * fs)), re, fs)
            if got is None:
                return None
            phases, so_t, re_t = got
            return phases, lo + so_t, lo + move_start, lo + re_t, lo + move_end
        sit_i, on_i = _pitch_onset(pitch, max(0, fs_i - round(STS_SIT_SEARCH_S * fs)), so, re)
        fs_i = min(on_i, so)
        # time the hip, not the sensor: remove the lever-arm motion, then time the rise again
        vh = _hip_velocity(v, pitch, fs_i, so, fs)
        up_h = _pulse(vh, s_i - lo, e_i - lo, 0.1)
        if up_h is not None:
            v, up = vh, up_h
            rs, re = _rise(v, *up, s_i - lo, e_i - lo)
            so = max(_seat_off(v, rs, re), fs_i)
    k = up[0]
    rise_n = float(re - so)
    down = _first_descent(v, re, max(0.1, STS_PIECE_FRACTION * float(v[k])))
    phases = {"flexion": max(0, so - fs_i) / fs, "rise": rise_n / fs}
    if down is not None and (down[2] - down[1]) / MINJERK_FWHM_FRACTION <= MAX_DESCENT_S * fs:
        _, dl, dr = down
        desc_n = (dr - dl) / MINJERK_FWHM_FRACTION
        d0 = max(float(re), 0.5 * (dl + dr) - 0.5 * desc_n)
        seated = d0 + desc_n
        # seated: the hip has made STS_SEATED_FRACTION of its descent, unless the
        # minimum-jerk end comes first
        b0, b1 = int(d0), min(v.size, int(np.ceil(d0 + 1.25 * desc_n)) + 1)
        drop = np.cumsum(np.maximum(-v[b0:b1], 0.0))
        if drop.size and drop[-1] > 0:
            done = float(b0 + np.searchsorted(drop, STS_SEATED_FRACTION * drop[-1]))
            seated = min(seated, done)
        ends = None
        if pitch is not None:
            ends = _pitch_marks(pitch, sit_i, re, int(d0), int(seated))
        if ends is not None:
            ee, ds_i = ends
            ds = float(ds_i)
        else:
            after = np.flatnonzero(w[re:] < thr)
            ee = re + int(after[0]) if after.size else re
            ee = int(min(ee, d0))
            # the trunk leans forward before the hips go down: the descent starts when the
            # rotation leaves calm, as the flexion does before the rise
            busy = np.flatnonzero(w[ee : int(d0) + 1] < thr)
            ds = float(ee + int(busy[-1])) if busy.size else d0
        ee = min(ee, int(d0))
        ds = min(max(ds, float(ee)), d0)
        phases |= {
            "extension": (ee - re) / fs,
            "stand": (ds - ee) / fs,
            "descent": (seated - ds) / fs,
        }
    return phases, lo + fs_i, lo + move_start, lo + max(re, move_start + 1), lo + move_end
