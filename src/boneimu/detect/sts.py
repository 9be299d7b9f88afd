"""Sit-to-stand detection from one trunk (waist, lower back, chest) or thigh IMU.

Trunk placements: vertical velocity from the gravity-removed vertical acceleration (low-pass
3 Hz, integrated, high-pass 0.1 Hz); an upward velocity peak >= 0.2 m/s whose excursion
(velocity above 15 % of its peak) lasts 0.2-2 s and lifts the sensor >= 0.10 m is a rise.
Thresholds follow the validity rules of Adamowicz et al. 2020 (skdh Sit2Stand). A rise must
also be smooth (vertical-acceleration RMS above the rise's own band, from 1.2 / duration Hz
(1.5-3 Hz) to 5 Hz, <= ``max_hf_ratio`` x the < 3 Hz RMS: steps, turns and phone handling are
not; ``max_hf_ratio_leaned`` when the gyroscope shows the trunk's forward lean, as a jerky
rise is shaky) and keep the sensor within ``max_tilt_deg`` of its starting orientation
(lying down and bending over rotate a trunk sensor far more than a rise does) and, when an
upright reference is known (``tilt_deg``), end upright: the trunk holds a mean tilt <=
``max_end_tilt_deg`` for ``upright_hold_s`` within ``upright_within_s`` of the lift (a quick
rep leans into its sit-down soon after), and does not go on to lie down: tilt <=
``max_post_tilt_deg`` over the next ``post_window_s``. With a gyroscope, the trunk must also
lean forward before the lift (:func:`trunk_flexion`); without one that test is skipped.
The tests judge the largest upward piece; the reported rep spans every piece of a
stop-and-go rise (pieces >= ``piece_fraction`` of the peak after pauses <= ``max_pause_s``
with no downward movement between).
Thigh sensors: :mod:`boneimu.detect.sts_thigh`. See docs/algorithms/reps.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

from boneimu.detect.events import Rep, sample_time_s
from boneimu.signal.filters import bandpass, highpass, lowpass

VELOCITY_HIGHPASS_HZ = 0.1
HF_CYCLES = 1.2
"""A rise's own acceleration lies below about this many cycles per rise duration."""


@dataclass
class RiseSignals:
    """Whole-segment signals the trunk sit-to-stand detector works on (:func:`rise_signals`)."""

    vertical_lp_m_s2: NDArray[np.float64]
    """Gravity-removed vertical acceleration, low-passed at 3 Hz."""
    velocity_raw_m_s: NDArray[np.float64]
    """Its running integral (drifts)."""
    velocity_m_s: NDArray[np.float64]
    """The integral high-passed at :data:`VELOCITY_HIGHPASS_HZ`: vertical velocity."""
    up: NDArray[np.floating]
    gyro_rad_s: NDArray[np.floating] | None
    fs_hz: float
    hf_rms_m_s2: dict[tuple[float, int, int], float] = field(default_factory=dict)
    """RMS of the vertical acceleration above a rise's own band, by (lower edge Hz, start,
    end sample): filled on demand, shared by passes."""
    _pitch_rad_s: NDArray[np.float64] | None = field(default=None, repr=False)

    def pitch_rad_s(self) -> NDArray[np.float64] | None:
        """:func:`horizontal_rate` of the gyroscope (None without one), computed the first
        time a candidate needs it: most segments of a long recording have none that get
        as far as the lean test, and it is three whole-segment filter passes."""
        if self.gyro_rad_s is None:
            return None
        if self._pitch_rad_s is None:
            self._pitch_rad_s = horizontal_rate(self.gyro_rad_s, self.up, fs_hz=self.fs_hz)
        return self._pitch_rad_s


def rise_signals(
    vertical_m_s2: NDArray[np.floating],
    up: NDArray[np.floating],
    *,
    fs_hz: float,
    gyro_rad_s: NDArray[np.floating] | None = None,
) -> RiseSignals:
    """The vertical velocity (3 Hz low-pass, integrated, 0.1 Hz high-pass) and, on demand,
    the trunk's horizontal angular rate for :meth:`SitToStandDetector.detect`: computed
    once when the detector runs twice over one segment (rise candidates, then rises)."""
    a_lp = lowpass(vertical_m_s2, cutoff_hz=min(3.0, 0.4 * fs_hz), fs_hz=fs_hz, order=2)
    v_raw = np.cumsum(a_lp)
    v_raw /= fs_hz  # in place: the same values as np.cumsum(a_lp) / fs_hz, one array less
    v = highpass(v_raw, cutoff_hz=VELOCITY_HIGHPASS_HZ, fs_hz=fs_hz, order=2)
    return RiseSignals(a_lp, v_raw, v, up, gyro_rad_s, fs_hz)


class SitToStandDetector:
    """Detect sit-to-stand rises. ``detect(...)`` fills ``reps_`` and returns ``self``."""

    def __init__(
        self,
        *,
        min_velocity_m_s: float = 0.2,
        min_displacement_m: float = 0.10,
        min_duration_s: float = 0.2,
        max_duration_s: float = 2.0,
        max_tilt_deg: float = 40.0,
        max_end_tilt_deg: float = 28.0,
        upright_hold_s: float = 0.25,
        upright_within_s: float = 0.75,
        max_post_tilt_deg: float = 60.0,
        post_window_s: float = 2.5,
        max_hf_ratio: float = 1.5,
        max_hf_ratio_leaned: float = 3.0,
        edge_fraction: float = 0.15,
        max_pause_s: float = 0.4,
        piece_fraction: float = 0.3,
        min_separation_s: float = 1.0,
        min_flexion_deg: float = 12.0,
        min_flexion_rate_deg_s: float = 30.0,
        flexion_lookback_s: float = 1.5,
    ) -> None:
        self.min_velocity_m_s = min_velocity_m_s
        self.min_displacement_m = min_displacement_m
        self.min_duration_s = min_duration_s
        self.max_duration_s = max_duration_s
        self.max_tilt_deg = max_tilt_deg
        self.max_end_tilt_deg = max_end_tilt_deg
        self.upright_hold_s = upright_hold_s
        self.upright_within_s = upright_within_s
        self.max_post_tilt_deg = max_post_tilt_deg
        self.post_window_s = post_window_s
        self.max_hf_ratio = max_hf_ratio
        self.max_hf_ratio_leaned = max_hf_ratio_leaned
        self.edge_fraction = edge_fraction
        self.max_pause_s = max_pause_s
        self.piece_fraction = piece_fraction
        self.min_separation_s = min_separation_s
        self.min_flexion_deg = min_flexion_deg
        self.min_flexion_rate_deg_s = min_flexion_rate_deg_s
        self.flexion_lookback_s = flexion_lookback_s

    def detect(
        self,
        vertical_m_s2: NDArray[np.floating],
        resultant_g: NDArray[np.floating],
        up: NDArray[np.floating],
        *,
        fs_hz: float,
        t_s: NDArray[np.float64] | None = None,
        tilt_deg: NDArray[np.floating] | None = None,
        gyro_rad_s: NDArray[np.floating] | None = None,
        signals: RiseSignals | None = None,
    ) -> SitToStandDetector:
        """Rises in one contiguous segment; ``up`` is the (n, 3) tracked up direction and
        ``t_s`` the sample times (s; None: uniform from 0). With ``gyro_rad_s`` (n, 3) a
        rise must also show the trunk's forward lean (see :func:`trunk_flexion`).
        ``signals``: :func:`rise_signals` of the same inputs, when already computed (a
        second pass over one segment); ``gyro_rad_s`` is then not used."""
        if signals is None:
            signals = rise_signals(vertical_m_s2, up, fs_hz=fs_hz, gyro_rad_s=gyro_rad_s)
        a_lp, v_raw, v = signals.vertical_lp_m_s2, signals.velocity_raw_m_s, signals.velocity_m_s
        hf_cache = signals.hf_rms_m_s2
        self.velocity_m_s_ = v
        peaks, _ = find_peaks(
            v, height=self.min_velocity_m_s, distance=max(1, round(self.min_separation_s * fs_hz))
        )
        max_n = round(self.max_duration_s * fs_hz)
        # first the tests that judge each candidate on its own ...
        cands: list[tuple[int, int, int, float, float, float, float]] = []
        for p, s, e in zip(*self._excursions(v, peaks, max_n, fs_hz), strict=True):
            dur = (e - s) / fs_hz
            # displacement from the raw velocity, detrended so it is 0 at both ends
            vw = v_raw[s:e] - np.linspace(v_raw[s], v_raw[e], e - s, endpoint=False)
            disp = float(np.sum(vw) / fs_hz)
            if disp < self.min_displacement_m:
                continue
            cos_tilt = np.clip(np.asarray(up[s:e]) @ np.asarray(up[s]), -1.0, 1.0)
            if np.degrees(np.arccos(cos_tilt.min())) > self.max_tilt_deg:
                continue
            if tilt_deg is not None:
                if self._upright_tilt_deg(tilt_deg, e, fs_hz) > self.max_end_tilt_deg:
                    continue  # ends lying or bent over, not standing
                # lying down starts with a lift of the hips too, then the trunk goes
                # horizontal within seconds; sitting back down tilts it far less
                post = np.asarray(tilt_deg[e : e + max(1, round(self.post_window_s * fs_hz))])
                if post.size and float(np.max(post)) > self.max_post_tilt_deg:
                    continue
            leaned = False
            pitch_rad_s = None if signals.gyro_rad_s is None else signals.pitch_rad_s()
            if pitch_rad_s is not None:
                lo = max(0, s - round(self.flexion_lookback_s * fs_hz))
                flex = trunk_flexion(pitch_rad_s[lo : p + 1], pitch_rad_s[lo:e], fs_hz=fs_hz)
                if flex is not None and (
                    flex[0] < self.min_flexion_deg or flex[1] < self.min_flexion_rate_deg_s
                ):
                    continue  # the trunk did not lean forward before the lift
                leaned = flex is not None
            lf_rms = float(np.sqrt(np.mean(a_lp[s:e] ** 2)))
            # a lift the trunk leaned into is a rise even when shaky (a jerky rep)
            limit = self.max_hf_ratio_leaned if leaned else self.max_hf_ratio
            cands.append((p, s, e, self._hf_low_hz(dur, fs_hz), disp, lf_rms, limit))
        hf_rms = self._hf_rms(vertical_m_s2, cands, hf_cache, fs_hz)
        # ... then smoothness and overlap with the rise before, in time order
        reps: list[Rep] = []
        last_e = last_rep_e = 0
        for (p, s, e, _, disp, lf_rms, limit), hf in zip(cands, hf_rms, strict=True):
            if hf > limit * lf_rms:
                continue
            if reps and s < last_e:
                continue
            # tests above judge the largest piece; the rep spans all pieces of the rise
            s_rep, e_rep = self._join_pieces(v, s, e, float(v[p]), fs_hz)
            s_rep = max(s_rep, last_rep_e)
            last_e, last_rep_e = e, e_rep
            reps.append(
                Rep(
                    exercise="sit_to_stand",
                    start_s=sample_time_s(t_s, s_rep, fs_hz=fs_hz),
                    end_s=sample_time_s(t_s, e_rep, fs_hz=fs_hz),
                    peak_acc_g=float(np.max(resultant_g[s:e])),
                    vertical_displacement_m=disp,
                    peak_vertical_velocity_m_s=float(v[p]),
                )
            )
        self.reps_ = reps
        return self

    def _excursions(
        self, v: NDArray[np.float64], peaks: NDArray[np.intp], max_n: int, fs_hz: float
    ) -> tuple[list[int], list[int], list[int]]:
        """Each velocity peak's excursion [s, e): from the last sample at or below
        ``edge_fraction`` of the peak within ``max_n`` samples before it (exclusive) to the
        first such sample within ``max_n`` from the peak; only peaks with both edges whose
        excursion lasts ``min_duration_s``-``max_duration_s``. Returns (peaks, s, e) as lists.
        Searched for blocks of peaks at once (most peaks of a long recording fail here)."""
        out_p: list[NDArray[np.intp]] = []
        out_s: list[NDArray[np.intp]] = []
        out_e: list[NDArray[np.intp]] = []
        before = np.arange(-max_n, 0)
        after = np.arange(0, max_n)
        for k in range(0, peaks.size, 4096):
            p = peaks[k : k + 4096].astype(np.intp)
            thr = (self.edge_fraction * v[p])[:, None]
            ib = p[:, None] + before
            below_b = (v[np.maximum(ib, 0)] <= thr) & (ib >= 0)
            ia = p[:, None] + after
            below_a = (v[np.minimum(ia, v.size - 1)] <= thr) & (ia < v.size)
            ok = below_b.any(axis=1) & below_a.any(axis=1)
            s = p - max_n + (max_n - np.argmax(below_b[:, ::-1], axis=1))
            e = p + np.argmax(below_a, axis=1)
            dur = (e - s) / fs_hz
            ok &= (self.min_duration_s <= dur) & (dur <= self.max_duration_s)
            out_p.append(p[ok])
            out_s.append(s[ok])
            out_e.append(e[ok])
        if not out_p:
            return [], [], []
        return (
            np.concatenate(out_p).tolist(),
            np.concatenate(out_s).tolist(),
            np.concatenate(out_e).tolist(),
        )

    def _join_pieces(
        self, v: NDArray[np.float64], s: int, e: int, peak: float, fs_hz: float
    ) -> tuple[int, int]:
        """Widen the rise [s, e) over a stop-and-go lift: upward pieces (peak >=
        ``piece_fraction`` x the rise's peak) that follow or precede it after a pause of at
        most ``max_pause_s`` with no downward movement in between are one rise."""
        thr = self.edge_fraction * peak
        pause_n = max(1, round(self.max_pause_s * fs_hz))
        max_n = round(self.max_duration_s * fs_hz)
        for _ in range(3):  # earlier pieces
            w = v[max(0, s - pause_n) : s]
            above = np.flatnonzero(w > thr)
            if above.size == 0 or np.any(w[above[-1] :] < -thr):
                break
            j = s - w.size + int(above[-1])
            before = np.flatnonzero(v[max(0, e - max_n) : j] <= thr)
            if before.size == 0:
                break
            s0 = max(0, e - max_n) + int(before[-1]) + 1
            if float(np.max(v[s0 : j + 1])) < self.piece_fraction * peak:
                break
            s = s0
        for _ in range(3):  # later pieces
            w = v[e : e + pause_n]
            above = np.flatnonzero(w > thr)
            if above.size == 0 or np.any(w[: above[0]] < -thr):
                break
            j = e + int(above[0])
            after = np.flatnonzero(v[j : s + max_n] <= thr)
            if after.size == 0:
                break
            e0 = j + int(after[0])
            if float(np.max(v[j:e0])) < self.piece_fraction * peak:
                break
            e = e0
        return s, e

    @staticmethod
    def _hf_low_hz(dur_s: float, fs_hz: float) -> float:
        """Lower edge of the band above the one a rise of ``dur_s`` itself occupies: a
        minimum-jerk lift of duration T has most of its acceleration below ~1.2/T Hz, so a
        quick (rushed) rise is judged from a higher edge (1.5-3 Hz, in 0.5 Hz steps)."""
        low_hz = float(np.clip(np.floor(2.0 * HF_CYCLES / dur_s) / 2.0, 1.5, 3.0))
        return min(low_hz, 0.3 * fs_hz)

    @staticmethod
    def _hf_rms(
        vertical_m_s2: NDArray[np.floating],
        cands: list[tuple[int, int, int, float, float, float, float]],
        cache: dict[tuple[float, int, int], float],
        fs_hz: float,
    ) -> list[float]:
        """RMS over each candidate (p, s, e, low_hz, ...) of the vertical acceleration
        band-passed from its ``low_hz`` to 5 Hz (over the whole segment, as the filter's
        edges would otherwise change it). One band at a time, released after use; values
        are kept in ``cache`` by (low_hz, s, e) for a second pass over the segment."""
        for low_hz in dict.fromkeys(c[3] for c in cands):
            todo = [c for c in cands if c[3] == low_hz and (low_hz, c[1], c[2]) not in cache]
            if not todo:
                continue
            hf = bandpass(
                vertical_m_s2, low_hz=low_hz, high_hz=min(5.0, 0.4 * fs_hz), fs_hz=fs_hz, order=2
            )
            for c in todo:
                cache[(low_hz, c[1], c[2])] = float(np.sqrt(np.mean(hf[c[1] : c[2]] ** 2)))
            del hf
        return [cache[(c[3], c[1], c[2])] for c in cands]

    def _upright_tilt_deg(self, tilt_deg: NDArray[np.floating], e: int, fs_hz: float) -> float:
        """The most upright the trunk holds for ``upright_hold_s`` (mean tilt, degrees) in a
        window starting within ``upright_within_s`` of the rise's end: the trunk finishes
        re-extending after the lift, and a quick rep leans into the next sit-down soon after,
        so a fixed window after the rise would read the lean of the descent."""
        hold = max(1, round(self.upright_hold_s * fs_hz))
        seg = np.asarray(tilt_deg[e : e + round(self.upright_within_s * fs_hz) + hold], float)
        if seg.size == 0:
            return 0.0
        if seg.size <= hold:
            return float(np.mean(seg))
        c = np.concatenate([[0.0], np.cumsum(seg)])
        return float(np.min((c[hold:] - c[:-hold]) / hold))


def horizontal_rate(
    gyro_rad_s: NDArray[np.floating], up: NDArray[np.floating], *, fs_hz: float
) -> NDArray[np.float64]:
    """Angular rate about horizontal axes (n, 3), rad/s: the gyroscope low-passed at 3 Hz
    with its component about the up direction (turning, yaw) removed. NaN rows stay NaN."""
    raw = np.asarray(gyro_rad_s, dtype=np.float64)
    finite = bool(np.isfinite(raw).all())  # the usual case: no copy for nan_to_num
    g = lowpass(
        raw if finite else np.nan_to_num(raw),
        cutoff_hz=min(3.0, 0.4 * fs_hz),
        fs_hz=fs_hz,
        order=2,
    )
    u = np.asarray(up, dtype=np.float64)
    yaw = np.einsum("ij,ij->i", g, u)
    for k in range(3):  # per axis: an (n,) temporary instead of (n, 3)
        g[:, k] -= yaw * u[:, k]
    if not finite:
        g[np.isnan(raw).any(axis=1)] = np.nan
    return g


def trunk_flexion(
    rate_to_peak: NDArray[np.float64], rate_window: NDArray[np.float64], *, fs_hz: float
) -> tuple[float, float] | None:
    """The trunk's lean before a rise: ``rate_to_peak`` is :func:`horizontal_rate` from a
    look-back before the rise to its upward-velocity peak, ``rate_window`` the same from the
    look-back to the rise's end. The pitch axis is the dominant horizontal rotation axis over
    ``rate_window``; the pitch angle, integrated from the look-back start, is followed up to
    the velocity peak. Returns (largest excursion, degrees; peak rate towards it, °/s), or
    None when the gyroscope has NaN rows there (no decision).

    A sit-to-stand leans the trunk forward before and during seat-off (HAPT waist, users
    1-8: 32-77°, peak rate >= 75°/s; simulated rises >= 13.7°, >= 34°/s, close to the
    12° / 30°/s thresholds); the turns, steps
    and phone handling that lift a waist sensor without a rise (HAPT users 1-8, unlabelled
    stretches next to the stairs) lean it <= 15° or turn it slowly (<= 27°/s).
    """
    if rate_window.size == 0 or np.isnan(rate_window).any():
        return None
    axis = np.linalg.eigh(rate_window.T @ rate_window)[1][:, -1]
    rate = np.degrees(rate_to_peak @ axis)
    theta = np.cumsum(rate) / fs_hz
    k = int(np.argmax(np.abs(theta)))
    sign = 1.0 if theta[k] >= 0 else -1.0
    return float(abs(theta[k])), float(np.max(sign * rate[: k + 1]))
