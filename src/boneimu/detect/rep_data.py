"""What the rep-quality steps read and produce (:mod:`boneimu.detect.quality`).

:class:`RepSignals` holds the signals the per-rep computations read, prepared once per
recording by :func:`rep_signals` (gravity-removed vertical, linear and horizontal acceleration,
trunk rotation speed, the low-passed vertical acceleration the phase timing integrates);
:class:`RepQuality` is one rep's tempo, smoothness, kinematics and flags. See
docs/algorithms/rep_quality.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from boneimu.metrics.smoothness import angular_speed
from boneimu.results import Flag
from boneimu.signal.filters import highpass, lowpass
from boneimu.signal.orientation import still_mask, vertical_parts
from boneimu.units import STANDARD_GRAVITY_M_S2

FloatArray = NDArray[np.float64]

JOLT_HIGHPASS_HZ = 3.0
"""Hop: the horizontal acceleration is high-passed here before the jolt is read: slower
parts (postural sway, the stance force leaking in through any error in the up direction,
which grows with a harder push-off) are not a jolt."""
SMOOTHNESS_LOWPASS_HZ = 25.0
"""Linear acceleration is low-passed here before LDLJ-A (sensor noise would otherwise set the
jerk of slow movements; tremor-like corrections, 5-12 Hz, pass)."""
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
