"""Per-rep tempo (phase durations), smoothness and the ``rushed`` / ``jerky`` flags (issue 5).

For every rep a detector found (:class:`boneimu.detect.events.Rep`: start, end, impact) this
module measures the rep's phases from the signal, computes valid smoothness measures on the
controlled part of the movement (LDLJ-A with gravity removed, gyro-corrected when a gyroscope
exists; SPARC on the gyroscope's angular speed; :mod:`boneimu.metrics.smoothness`) and flags a
rep ``rushed`` or ``jerky`` against documented floors and the person's own baseline (their
stored reps, :class:`boneimu.dose.baseline.RepBaseline`, else the set's other reps).
Phase timing uses the full width at half maximum (FWHM) of velocity pulses, which is robust to
noise and integration drift. See docs/algorithms/rep_quality.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from boneimu.detect.events import Rep
from boneimu.errors import AnalysisError
from boneimu.metrics.smoothness import angular_speed, ldlj_a, sparc
from boneimu.metrics.sts_power import sts_power, vertical_kinematics
from boneimu.metrics.tempo import MIN_BASELINE_REPS, MIN_REP_S
from boneimu.results import Flag, RepResult
from boneimu.signal.filters import highpass, lowpass
from boneimu.signal.orientation import still_mask, vertical_parts
from boneimu.units import STANDARD_GRAVITY_M_S2

FloatArray = NDArray[np.float64]

MINJERK_FWHM_FRACTION = 0.5412
"""FWHM of a minimum-jerk velocity bump as a fraction of the movement time (Flash & Hogan
1985: v ∝ τ²(1-τ)², half maximum at τ = 0.2294 and 0.7706)."""
APEX_TOL_M_S = 0.02
"""Heel drop: the body counts as falling once its vertical velocity is below -0.02 m/s."""
HEEL_RECOVERY_S = 0.7
"""Heel drop: the knees absorb the landing and return within about 0.7 s; the next rise
is searched after that (or after 0.35 s when the next impact follows sooner)."""
IMPACT_SETTLED_S = 0.12
"""Heel drop: the impact has stopped the fall this long after the impact peak."""
FALL_GUARD_S = 0.1
"""Heel drop smoothness ends this long before the detected apex (the free fall, meant to be
abrupt, has begun by the time the velocity threshold is crossed)."""
RISE_MIN_M_S = 0.03
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
"""Heel drop: an upward velocity peak below this is not a rise onto the toes."""
MAX_CONTACT_S = 4.0
"""Hop: a ground contact longer than this is the end of the set, not a rep's contact."""
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
JOLT_HIGHPASS_HZ = 3.0
"""Hop: the horizontal acceleration is high-passed here before the jolt is read: slower
parts (postural sway, the stance force leaking in through any error in the up direction,
which grows with a harder push-off) are not a jolt."""
"""Hop: the jolt window ends this long before the take-off (leaving the ground is itself an
abrupt change of acceleration)."""
FLIGHT_G = 0.35
"""Resultant acceleration below this (g) is free flight (a hop's airborne phase)."""
MAX_DESCENT_S = 4.0
"""Sit-to-stand: a downward movement longer than this is not the return to the seat."""
SMOOTHNESS_LOWPASS_HZ = 25.0
"""Linear acceleration is low-passed here before LDLJ-A (sensor noise would otherwise set the
jerk of slow movements; tremor-like corrections, 5-12 Hz, pass)."""
STS_VELOCITY_HIGHPASS_HZ = 0.1
STS_LOWPASS = (3.0, 2)
"""Sit-to-stand: vertical acceleration is low-passed (Hz, Butterworth order) before it is
integrated to velocity."""
HEEL_VELOCITY_LOWPASS = (8.0, 4)
"""Heel drop: the same (Hz, order) for the drop's velocity."""


def _jolt_cut(fs_hz: float) -> float:
    return min(JOLT_HIGHPASS_HZ, 0.4 * fs_hz)


def _cut(spec: tuple[float, int], fs_hz: float) -> tuple[float, int]:
    """A (cutoff Hz, order) low-pass spec kept below 0.4 x the sample rate."""
    return min(spec[0], 0.4 * fs_hz), spec[1]


LDLJ_PER_LOG_DURATION = -1.0
"""How LDLJ-A of a smooth rep changes with the duration of its movement, per natural-log
unit: a slower movement of the same path has less movement jerk, so the background it
carries (sensor noise, sway, tissue ringing) weighs more and LDLJ-A falls; a rushed rep
reads smoother. Measured on non-jerky simulated reps (tuning seeds 0-23): -0.99 for heel
drops, -1.1 for sit-to-stands. The jerky rule compares ``LDLJ-A + ln(duration)`` so a rep is
judged against the smoothness expected at its own pace."""
STS_PIECE_FRACTION = 0.3
"""Sit-to-stand: an earlier upward piece reaching this fraction of the rise's peak velocity,
after a pause, starts a stop-and-go rise (the rise and its smoothness window start there)."""
STS_SEAT_OFF_FRACTION = 0.05
"""Sit-to-stand: the rise is timed from seat-off, when the hip has made this fraction of its
upward movement (the 5 % onset convention), to standing height."""
STS_REACH_S = 0.8
"""Sit-to-stand: upward-velocity pieces within this span (joined across pauses under half of
it) belong to one rise (a stop-and-go rise); used for the smoothness window."""


@dataclass(frozen=True)
class QualityConfig:
    """Thresholds of the rushed / jerky flags. ``sensitivity`` (default 1, > 1 flags more):
    duration floors and the baseline ratio are multiplied by it, the jerk margin divided."""

    sensitivity: float = 1.0
    min_rise_hold_s: float = 0.45
    """Heel drop: rise onto the toes plus the pause at the top shorter than this is rushed."""
    min_contact_s: float = 0.2
    """Hop: ground contact shorter than this is a reactive bounce, not a controlled hop."""
    baseline_ratio: dict[str, float] = field(
        default_factory=lambda: {"heel_drop": 0.5, "hop": 0.7, "sit_to_stand": 0.6}
    )
    """A rep whose timed quantity is below this fraction of the baseline median is rushed.
    Heel drops 0.5: the pause on the toes is free, so controlled reps vary about 2.5-fold."""
    jerk_margin: float = 1.0
    """LDLJ-A (natural-log units) this far below the baseline median is jerky (e^1 = 2.7x
    the dimensionless jerk of the person's usual rep)."""
    min_ldlj_a: dict[str, float] = field(
        default_factory=lambda: {"heel_drop": -9.5, "hop": -9.0, "sit_to_stand": -7.5}
    )
    """Absolute LDLJ-A floor per exercise used when no baseline exists (provisional)."""
    landing_sway_ratio: float = 4.5
    """Hop: a landing jolt (``RepQuality.landing_sway``) above this multiple of the set's
    usual marks an unsteady (jerky) landing."""
    min_baseline_reps: int = MIN_BASELINE_REPS

    def __post_init__(self) -> None:
        if not (0.25 <= self.sensitivity <= 4.0):
            raise AnalysisError(f"sensitivity must be between 0.25 and 4, got {self.sensitivity}")


@dataclass(frozen=True)
class RepSignals:
    """What the per-rep computations read, computed once per recording (same length n)."""

    fs_hz: float
    acc_m_s2: FloatArray
    gyro_rad_s: FloatArray | None
    vertical_m_s2: FloatArray
    """Gravity-removed vertical acceleration, m/s², up positive."""
    resultant_g: FloatArray
    rotation_rad_s: FloatArray
    """Trunk rotation speed: |gyro| when present, else the rate of change of the up vector."""
    gravity_m_s2: float
    """The sensor's own still |a| reading (what LDLJ-A with a gyroscope subtracts)."""
    linear_m_s2: FloatArray
    """(n, 3) acceleration with gravity removed along the tracked (gyro-aided) up direction."""
    horizontal_m_s2: FloatArray
    """(n, 3) horizontal part of the acceleration (device frame)."""
    t_s: FloatArray | None = None
    """Sample times (s from the first sample) when known: rep times are mapped to samples
    through them (exact across data gaps); else sample index / ``fs_hz``."""
    horizontal_hp_m_s2: FloatArray | None = None
    """``horizontal_m_s2`` high-passed at :data:`JOLT_HIGHPASS_HZ` (hop landing jolt)."""
    vertical_lp_m_s2: dict[tuple[float, int], FloatArray] = field(default_factory=dict)
    """``vertical_m_s2`` low-passed (zero-phase Butterworth; key: cutoff Hz, order) as the
    phase timing uses it (:data:`HEEL_VELOCITY_LOWPASS`, :data:`STS_LOWPASS`), filtered
    once for the whole signal rather than once per rep; others are filtered per rep."""

    def horizontal_jolt(self, lo: int, hi: int) -> FloatArray:
        """``horizontal_m_s2[lo:hi]`` high-passed at :data:`JOLT_HIGHPASS_HZ` (from
        ``horizontal_hp_m_s2`` when prepared, else filtered with 1 s of context)."""
        if self.horizontal_hp_m_s2 is not None:
            return self.horizontal_hp_m_s2[lo:hi]
        pad = round(self.fs_hz)
        a, b = max(0, lo - pad), min(self.horizontal_m_s2.shape[0], hi + pad)
        hp = highpass(
            self.horizontal_m_s2[a:b], cutoff_hz=_jolt_cut(self.fs_hz), fs_hz=self.fs_hz, order=2
        )
        return hp[lo - a : hi - a]

    def vertical_lp(self, cutoff_hz: float, order: int, lo: int, hi: int) -> FloatArray:
        """``vertical_m_s2[lo:hi]`` low-passed at ``cutoff_hz`` (see ``vertical_lp_m_s2``)."""
        pre = self.vertical_lp_m_s2.get((cutoff_hz, order))
        if pre is not None:
            return pre[lo:hi]
        x = self.vertical_m_s2[lo:hi]
        return lowpass(x, cutoff_hz=cutoff_hz, fs_hz=self.fs_hz, order=order)

    def index(self, t_s: float) -> int:
        """Sample index of time ``t_s`` (s from the first sample), clipped to the data."""
        n = self.vertical_m_s2.size
        if self.t_s is None:
            return min(max(round(t_s * self.fs_hz), 0), n - 1)
        return min(int(np.searchsorted(self.t_s, t_s - 0.5 / self.fs_hz)), n - 1)

    def time(self, i: float) -> float:
        """Time (s from the first sample) of the (fractional) sample index ``i``."""
        if self.t_s is None:
            return i / self.fs_hz
        k = min(max(int(i), 0), self.t_s.size - 1)
        return float(self.t_s[k] + (i - k) / self.fs_hz)


def _by_column(fn: Callable[[FloatArray], FloatArray], x: NDArray[np.floating]) -> FloatArray:
    """``fn`` applied to each column of an (n, k) array as a contiguous 1-D signal (scipy's
    zero-phase filters along axis 0 of an (n, 3) array are about 4x slower)."""
    out = np.empty(x.shape, dtype=np.float64)
    for k in range(x.shape[1]):
        out[:, k] = fn(np.ascontiguousarray(x[:, k], dtype=np.float64))
    return out


def rep_signals(
    acc_m_s2: NDArray[np.floating],
    *,
    fs_hz: float,
    gyro_rad_s: NDArray[np.floating] | None = None,
    t_s: NDArray[np.floating] | None = None,
) -> RepSignals:
    """Prepare :class:`RepSignals` from (n, 3) acceleration incl. gravity and optional gyro;
    ``t_s`` the sample times (``Recording.t_s``) when known."""
    acc = np.asarray(acc_m_s2, dtype=np.float64)
    gyro = None if gyro_rad_s is None else np.asarray(gyro_rad_s, dtype=np.float64)
    vp = vertical_parts(acc, fs_hz=fs_hz, gyro_rad_s=gyro)
    if gyro is not None and not np.isnan(gyro).all():
        rot = np.nan_to_num(angular_speed(np.nan_to_num(gyro)))
    else:
        rot = np.sqrt(np.sum(np.gradient(vp.up, axis=0) ** 2, axis=1)) * fs_hz
    rot = lowpass(rot, cutoff_hz=min(3.0, 0.4 * fs_hz), fs_hz=fs_hz, order=2)
    still = still_mask(acc, fs_hz=fs_hz)
    mag = vp.resultant_g * STANDARD_GRAVITY_M_S2
    g_still = float(np.median(mag[still])) if still.sum() >= fs_hz else float(np.median(mag))
    smooth_cut = min(SMOOTHNESS_LOWPASS_HZ, 0.4 * fs_hz)
    linear = _by_column(
        lambda x: lowpass(x, cutoff_hz=smooth_cut, fs_hz=fs_hz, order=2), acc - vp.up * g_still
    )
    times = None if t_s is None else np.asarray(t_s, dtype=np.float64)
    vert_lp = {
        (c, k): lowpass(vp.vertical_m_s2, cutoff_hz=c, fs_hz=fs_hz, order=k)
        for c, k in {_cut(HEEL_VELOCITY_LOWPASS, fs_hz), _cut(STS_LOWPASS, fs_hz)}
    }
    return RepSignals(
        fs_hz,
        acc,
        gyro,
        vp.vertical_m_s2,
        vp.resultant_g,
        rot,
        g_still,
        linear,
        vp.horizontal_m_s2,
        times,
        _by_column(
            lambda x: highpass(x, cutoff_hz=_jolt_cut(fs_hz), fs_hz=fs_hz, order=2),
            vp.horizontal_m_s2,
        ),
        vert_lp,
    )


@dataclass(frozen=True)
class RepQuality:
    """Tempo, smoothness and flags of one rep; times in s from the recording's first sample."""

    exercise: str
    start_s: float
    end_s: float
    phases_s: dict[str, float] = field(default_factory=dict)
    cycle_s: float | None = None
    """The timed movement: heel drop rise+hold+drop; hop contact+flight; sit-to-stand
    flexion to seated again."""
    ldlj_a: float | None = None
    sparc: float | None = None
    flags: list[Flag] = field(default_factory=list)
    landing_sway: float | None = None
    """Hop: the landing jolt, m/s²: peak horizontal acceleration (high-passed at
    :data:`JOLT_HIGHPASS_HZ`) from :data:`LANDING_SKIP_S` to :data:`LANDING_JOLT_S` after
    landing, ending :data:`TAKEOFF_GUARD_S` before the take-off. A sideways catch or a second
    foot contact raises it; a harder or shorter straight landing much less (its force is
    vertical)."""
    rise_start_s: float | None = None
    rise_end_s: float | None = None
    vertical_displacement_m: float | None = None
    peak_vertical_velocity_m_s: float | None = None
    power_w: float | None = None
    smooth_window_s: float | None = None
    """Sit-to-stand: duration (s) of the window LDLJ-A was measured on (movement onset to
    the end of the lift's last piece); the jerky rule judges LDLJ-A at this pace."""

    def flagged(self, name: str) -> bool:
        return any(f.name == name for f in self.flags)


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
                lo = max(0, p - round(3.0 * fs))
                if pp is not None:  # after the previous landing's knee dip and recovery
                    settled = pp + round(HEEL_RECOVERY_S * fs)
                    if settled > p - round(0.6 * fs):
                        settled = pp + round(0.35 * fs)
                    lo = max(lo, settled)
                got = heel_drop_phases(sig, p, lo)
                if got is not None:
                    phases, rs, ds = got
                    # the fall is under way before v reaches -APEX_TOL: keep it out
                    ldlj, sp = _smoothness(sig, rs, ds - round(FALL_GUARD_S * fs))
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


def _timed(q: RepQuality) -> float | None:
    """The duration the rushed rules judge (s): heel drop rise+hold, hop contact, STS cycle."""
    if q.exercise == "heel_drop":
        ph = q.phases_s
        return ph["rise"] + ph["hold"] if "rise" in ph else None
    if q.exercise == "hop":
        return q.phases_s.get("contact")
    return q.cycle_s


def _baseline_timed(baseline: object | None, exercise: str) -> list[float]:
    """The same duration from a :class:`boneimu.dose.baseline.RepBaseline` (duck-typed)."""
    if baseline is None or getattr(baseline, "exercise", exercise) != exercise:
        return []
    ph: dict[str, tuple[float, ...]] = getattr(baseline, "phases_s", {}) or {}
    if exercise == "heel_drop":
        rise, hold = ph.get("rise", ()), ph.get("hold", ())
        return [a + b for a, b in zip(rise, hold, strict=False)]
    if exercise == "hop":
        return list(ph.get("contact", ()))
    names = ("flexion", "rise", "extension", "stand", "descent")
    cols = [ph.get(k, ()) for k in names]
    return [sum(x) for x in zip(*cols, strict=False)] if all(cols) else []


def _reference(
    own: list[float], set_values: list[float | None], j: int, min_n: int
) -> tuple[float | None, str]:
    """Median of the person's history when long enough, else of the set's other reps."""
    if len(own) >= min_n:
        return float(np.median(own)), "your usual"
    others = [x for i, x in enumerate(set_values) if i != j and x is not None]
    if len(others) >= min_n - 1:
        return float(np.median(others)), "the set's other reps"
    return None, ""


def _smooth_s(q: RepQuality, *, window: bool = True) -> float | None:
    """Duration (s) of the movement LDLJ-A is measured on: heel drop rise + hold, sit-to-stand
    smoothness window (``window``; else its rise phase, what a baseline stores). None when
    not measured."""
    ph = q.phases_s
    if q.exercise == "heel_drop" and "rise" in ph:
        return ph["rise"] + ph.get("hold", 0.0)
    if q.exercise == "sit_to_stand":
        if window and q.smooth_window_s is not None:
            return q.smooth_window_s
        return ph.get("rise")
    return None


def _baseline_smooth_s(baseline: object | None, exercise: str) -> list[float]:
    """The same duration per baseline rep (heel drop rise + hold, sit-to-stand rise)."""
    if baseline is None:
        return []
    ph: dict[str, tuple[float, ...]] = getattr(baseline, "phases_s", {}) or {}
    if exercise == "heel_drop":
        return _baseline_timed(baseline, exercise)
    return list(ph.get("rise", ()))


def _pace_adjusted(x: list[float | None], dur: list[float | None]) -> list[float | None] | None:
    """``LDLJ-A - LDLJ_PER_LOG_DURATION * ln(duration)`` per rep, or None unless every rep with
    an LDLJ-A has a positive duration (then the rule falls back to LDLJ-A itself)."""
    if len(x) != len(dur):
        return None
    out: list[float | None] = []
    for v, d in zip(x, dur, strict=True):
        if v is None:
            out.append(None)
        elif d is None or d <= 0:
            return None
        else:
            out.append(v - LDLJ_PER_LOG_DURATION * float(np.log(d)))
    return out


def flag_reps(
    qs: Sequence[RepQuality], *, baseline: object | None = None, config: QualityConfig | None = None
) -> list[RepQuality]:
    """Add ``rushed`` / ``jerky`` flags to the reps of one set (all of one exercise)."""
    cfg = config or QualityConfig()
    if not qs:
        return []
    ex = qs[0].exercise
    sens = cfg.sensitivity
    timed = [_timed(q) for q in qs]
    ldlj = [q.ldlj_a for q in qs]
    own_t = _baseline_timed(baseline, ex)
    own_j = list(getattr(baseline, "ldlj_a", ()) or ()) if baseline is not None else []
    adj = _pace_adjusted(ldlj, [_smooth_s(q) for q in qs])
    if len(own_j) >= cfg.min_baseline_reps:  # judged against the person's history
        own_a = _pace_adjusted(list(own_j), list(_baseline_smooth_s(baseline, ex)))
        # a baseline stores phases, so the set is paced by the same (rise) durations
        adj = _pace_adjusted(ldlj, [_smooth_s(q, window=False) for q in qs])
        if own_a is None or adj is None:
            adj = None  # durations not comparable: plain LDLJ-A against plain LDLJ-A
        else:
            own_j = [v for v in own_a if v is not None]
    floor = {
        "heel_drop": cfg.min_rise_hold_s,
        "hop": cfg.min_contact_s,
        "sit_to_stand": MIN_REP_S["sit_to_stand"],
    }[ex]
    what = {"heel_drop": "rise and hold", "hop": "ground contact", "sit_to_stand": "rep"}[ex]
    out: list[RepQuality] = []
    for j, q in enumerate(qs):
        flags: list[Flag] = []
        t = timed[j]
        if t is not None:
            ref, src = _reference(own_t, timed, j, cfg.min_baseline_reps)
            limit = None if floor is None else floor * sens
            if limit is not None and t < limit:
                flags.append(
                    _flag("rushed", f"{what} took {t:.2f} s, under {limit:.2f} s", t, limit)
                )
            elif ref is not None and t < min(0.95, cfg.baseline_ratio[ex] * sens) * ref:
                lim = min(0.95, cfg.baseline_ratio[ex] * sens) * ref
                flags.append(
                    _flag(
                        "rushed",
                        f"{what} took {t:.2f} s, much faster than {src} ({ref:.2f} s)",
                        t,
                        lim,
                    )
                )
        x = ldlj[j] if ex != "hop" else None  # hop contacts: the landing impact dominates
        if x is not None:
            margin = cfg.jerk_margin / sens
            # judged at the rep's own pace when durations are known (LDLJ_PER_LOG_DURATION)
            y = adj[j] if adj is not None else x
            shift = 0.0 if adj is None or y is None else float(y - x)
            ref_j, src_j = _reference(
                own_j, adj if adj is not None else ldlj, j, cfg.min_baseline_reps
            )
            if ref_j is not None and y is not None and y < ref_j - margin:
                lim = ref_j - margin - shift
                pace = " at this pace" if adj is not None else ""
                flags.append(
                    _flag(
                        "jerky",
                        f"LDLJ-A {x:.2f}, jerkier than {src_j}{pace} (expected >= {lim:.2f})",
                        x,
                        lim,
                    )
                )
            elif ref_j is None and x < cfg.min_ldlj_a[ex] - (margin - cfg.jerk_margin):
                lim = cfg.min_ldlj_a[ex] - (margin - cfg.jerk_margin)
                flags.append(_flag("jerky", f"LDLJ-A {x:.2f}, below {lim:.2f}", x, lim))
        sway = q.landing_sway
        if ex == "hop" and sway is not None and not any(f.name == "jerky" for f in flags):
            ref_s, src_s = _reference([], [x.landing_sway for x in qs], j, cfg.min_baseline_reps)
            if ref_s is not None and sway > cfg.landing_sway_ratio / sens * ref_s:
                lim = cfg.landing_sway_ratio / sens * ref_s
                flags.append(
                    _flag(
                        "jerky",
                        f"unsteady landing: sideways jolt {sway:.1f} m/s², "
                        f"{sway / ref_s:.1f}x {src_s}",
                        sway,
                        lim,
                    )
                )
        out.append(replace(q, flags=flags))
    return out


def _flag(name: str, reason: str, value: float, threshold: float) -> Flag:
    return Flag(name=name, reason=reason, value=round(value, 4), threshold=round(threshold, 4))  # type: ignore[arg-type]


def assess_reps(
    exercise: str,
    reps: Sequence[Rep],
    sig: RepSignals,
    *,
    baseline: object | None = None,
    config: QualityConfig | None = None,
    body_mass_kg: float | None = None,
    height_m: float | None = None,
) -> list[RepQuality]:
    """Phases, smoothness, kinematics and rushed/jerky flags of one set's reps (time order).

    ``sig`` from :func:`rep_signals`; ``baseline`` a ``RepBaseline`` of this exercise or None.
    """
    if exercise not in ("heel_drop", "hop", "sit_to_stand"):
        raise AnalysisError(f"unknown exercise {exercise!r} for rep quality")
    qs = measure_reps(exercise, reps, sig, body_mass_kg=body_mass_kg, height_m=height_m)
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
