"""Live decisions for sit-to-stands (:mod:`boneimu.detect.live`).

A live sit-to-stand rep ends when the person stands upright (the rise's end plus the
trunk's re-extension): that is when "slow down" is useful, before they sit again.

- Stage 1 (find rises): :class:`boneimu.detect.sts.SitToStandDetector` on the last
  :data:`~boneimu.detect.live_base.STS_WINDOW_S`, with the gyroscope's trunk-lean test when
  a gyroscope streams, when the trunk turns quiet after moving and every :data:`STS_STEP_S`
  until :data:`STS_ACTIVE_S` after it last moved. Still posture is appended after the
  data's end (:data:`STS_PAD_S`) so the zero-phase velocity filters do not extrapolate the
  last trend. A rise is taken once its velocity fell below :data:`STS_OVER_FRACTION` of
  its peak :data:`STS_END_EDGE_S` before the data's end, if its velocity gain is made by
  upward acceleration (:data:`STS_RAW_FRACTION`: not the high-pass's echo of a descent
  under way), it started after :data:`STS_EDGE_S` of the window (filter settling) and after
  the previous rep's rise, with a descent in between (:data:`STS_DESCENT_FRACTION`).
- Stage 2 (decide): while the hips move up again after the rise slowed (:meth:`_rising`:
  a stop-and-go rise's next piece, not the next rep's rise after a return to the seat),
  wait, at most :data:`STS_MAX_PIECE_WAIT_S`, and then measure the rep to the trusted
  data's end so the later pieces are in its phases and smoothness window. Then the rep's
  phases (:func:`boneimu.detect.quality.measure_reps`); the re-extension ends when the
  trunk rotation falls back below the calm level the offline phase timing uses (20 % of
  the flexion's peak rotation, at least 0.1 rad/s) and has stayed there
  :data:`STS_CALM_EDGE_S`; the rep is emitted then (at the latest
  :data:`STS_MAX_EXTENSION_S` after the rise's end: a rushed rep may sit down again
  before the trunk is calm).

Flags at standing: ``jerky`` as offline (LDLJ-A of the rise's smoothness window, judged at
its pace), the reference being this stream's earlier reps from the third rep on
(:data:`STS_JERK_REF_REPS`); ``rushed`` on the rise's pace (:func:`rise_pace_s`: the
minimum-jerk duration of the person's lift, the median measured so far in the stream,
at the rep's peak vertical velocity) against :data:`STS_MIN_RISE_S` and
``baseline_ratio["sit_to_stand"]`` x the person's usual (their baseline's rise times, else
this stream's earlier reps). The offline flag judges the whole cycle including the
descent, which a cue at standing cannot wait for; the phase boundaries a live cue can
time (flexion onset from the trunk rotation, re-extension) are too noisy within 0.3 s of
standing to time the rise's share of the cycle.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import NDArray

from boneimu.detect.events import Rep
from boneimu.detect.live_base import STS_WINDOW_S, MonitorBase, RepEvent, shift_rep
from boneimu.detect.quality import RepQuality
from boneimu.detect.sts import VELOCITY_HIGHPASS_HZ, SitToStandDetector
from boneimu.detect.sts_phases import STS_PIECE_FRACTION
from boneimu.metrics.tempo import MIN_REP_S
from boneimu.results import Flag
from boneimu.signal.filters import highpass, lowpass
from boneimu.signal.orientation import VerticalParts, vertical_parts

STS_EDGE_S = 2.0
STS_END_EDGE_S = 0.25
"""A rise is taken once its velocity has fallen below :data:`STS_OVER_FRACTION` of its
peak this far before the data's end (zero-phase filter edge)."""
STS_DESCENT_FRACTION = 0.3
"""A new rise must follow a descent: downward velocity reaching this fraction of the previous
rise's peak (as :data:`boneimu.detect.sts_phases.STS_PIECE_FRACTION` finds the descent)."""
STS_RAW_FRACTION = 0.5
"""A rise's unfiltered velocity gain (integrated vertical acceleration from its start to
its peak) must be at least this fraction of its filtered velocity gain."""
STS_OVER_FRACTION = 0.5
"""... below this fraction of its peak: past its half-maximum, all the phase timing needs
(the rise's end is extrapolated from the full width at half maximum)."""
STS_PAD_S = 1.0
"""Stage 1 appends this much still posture after the data's end (see ``_find_rises``)."""
STS_HOLD_S = 0.5
"""... the mean direction of the acceleration over this last stretch, at the window's
median |a| (gravity alone: no vertical movement in the padding)."""
STS_STEP_S = 0.15
"""While the trunk moves, rises are looked for at most this often."""
STS_MIN_SEPARATION_S = 1.0
STS_CALM_EDGE_S = 0.1
"""The trunk must have been calm this long before standing is confirmed."""
STS_MAX_EXTENSION_S = 0.4
"""Standing is taken as reached at the latest this long after the rise's end."""
STS_PIECE_DROP_RATIO = 1.5
"""... unless the hips went down in between: the unfiltered velocity lost more than this
multiple of what the rise gained (back to standing still is 1; a return to the seat, then
the next rep's rise, about 2)."""
STS_MAX_PIECE_WAIT_S = 1.5
"""A stop-and-go rise's next piece is waited for at most this long after the rise's end."""
STS_RETRY_S = 0.1
STS_ACTIVE_S = 1.5
"""Rises are looked for every :data:`STS_STEP_S` until this long after the trunk last
moved (the end of a rise must be :data:`STS_END_EDGE_S` old, standing may be quiet)."""
STS_JERK_REF_REPS = 3
"""The jerky rule's reference needs ``min(QualityConfig.min_baseline_reps, this)`` reps:
the rep and 2 earlier ones (offline the set's other reps, future ones included, are there
from the first rep)."""
MINJERK_PEAK_TO_MEAN = 1.875
"""Peak / mean velocity of a minimum-jerk movement (Flash & Hogan 1985)."""
STS_MIN_RISE_S = 0.25 * (MIN_REP_S["sit_to_stand"] or 2.0)
"""A rise whose pace-equivalent duration is under this is rushed: a quarter of the
shortest acceptable full cycle (:data:`boneimu.metrics.tempo.MIN_REP_S`), the share of
seat-off to standing in a controlled cycle."""


class StsSteps(MonitorBase):
    """Sit-to-stand decisions (mixed into :class:`boneimu.detect.live.LiveRepMonitor`)."""

    _pending: list[Rep]
    _s2_at = -1  # stage 2 due at this sample
    _last_s1 = -(10**12)
    _piece_end_s = -1.0  # the pending rise's later pieces reach this far (index clock)

    def _step_sts(self) -> list[RepEvent]:
        fs, n = self.fs_hz, self._n
        if self._pending and 0 <= self._s2_at <= n:
            return self._decide_sts()
        active = n - self._moved_at <= round(STS_ACTIVE_S * fs)
        periodic = active and n - self._last_s1 >= round(STS_STEP_S * fs)
        if (self._quiet and self._moved) or periodic:
            self._moved = False
            self._last_s1 = n
            self._find_rises()
        return []

    def _padded(self, a: int) -> tuple[VerticalParts, NDArray[np.float64] | None, int]:
        """Vertical parts of the buffered data from sample ``a`` with :data:`STS_PAD_S` of
        still posture (gravity along the last :data:`STS_HOLD_S`'s mean direction) appended:
        the zero-phase velocity filters then see a person who stays put instead of
        extrapolating the last trend. Returns the parts, the padded gyro and the window's
        first sample."""
        fs = self.fs_hz
        acc, gyro, start = self._window(a)
        pad = max(1, round(STS_PAD_S * fs))
        hold = acc[-max(1, round(STS_HOLD_S * fs)) :].mean(axis=0)
        mag = np.sqrt(np.einsum("ij,ij->i", acc, acc))
        hold = hold / max(float(np.linalg.norm(hold)), 1e-9) * float(np.median(mag))
        acc = np.concatenate([acc, np.broadcast_to(hold, (pad, 3))])
        if gyro is not None:
            gyro = np.concatenate([gyro, np.zeros((pad, 3))])
        self._count(acc.shape[0])
        return vertical_parts(acc, fs_hz=fs, gyro_rad_s=gyro), gyro, start

    def _find_rises(self) -> None:
        fs, n = self.fs_hz, self._n
        # a rise is only taken when its velocity fell past half its peak STS_END_EDGE_S
        # before the real end (the padding is no data)
        vp, gyro, start = self._padded(max(n - round(STS_WINDOW_S * fs), 0))
        ok_gyro = gyro is not None and not np.isnan(gyro).any()
        det = SitToStandDetector().detect(
            vp.vertical_m_s2,
            vp.resultant_g,
            vp.up,
            fs_hz=fs,
            gyro_rad_s=gyro if ok_gyro else None,
        )
        v = det.velocity_m_s_
        t0 = start / fs
        real = n - start - round(STS_END_EDGE_S * fs)  # last trusted sample (window index)
        prev = self._last_rep
        found = []
        for r in det.reps_:
            s0, e0 = round(r.start_s * fs), round(r.end_s * fs)
            if r.start_s < STS_EDGE_S or s0 >= real or e0 < s0:
                continue
            # the rise is over in the real data: its velocity fell below the detector's
            # edge fraction of its peak before the padding
            k = s0 + int(np.argmax(v[s0 : e0 + 1]))
            over = np.flatnonzero(v[k : real + 1] <= STS_OVER_FRACTION * v[k])
            if not over.size:
                continue
            # the lift is made by upward acceleration, not by the velocity high-pass's
            # response to a descent under way at the data's end (which lifts what precedes
            # it: a still stand reads as a rise)
            gain = float(np.sum(vp.vertical_m_s2[s0 : k + 1])) / fs
            if gain < STS_RAW_FRACTION * (v[k] - v[s0]):
                continue
            # the detector's end may lie in the padding: clip it to the real data
            a = shift_rep(replace(r, end_s=min(e0, n - start - 1) / fs), t0)
            if a.end_s <= self._last_key_s + STS_MIN_SEPARATION_S:
                continue
            if prev is not None:
                if a.start_s <= prev.end_s:
                    continue
                pe = max(0, round((prev.end_s - t0) * fs))
                peak = prev.peak_vertical_velocity_m_s or 0.0
                if pe < s0 and float(np.min(v[pe:s0])) > -STS_DESCENT_FRACTION * peak:
                    continue  # no return to the seat since the previous rise
            found.append(a)
        if self._pending and not (found and found[0].start_s < self._pending[0].end_s):
            return  # a rise waiting for standing stays pending (the detector may lose it
            # for a moment near the data's end while the next movement starts)
        self._pending = found[:1]
        self._s2_at = n if found else -1
        self._piece_end_s = -1.0

    def _decide_sts(self) -> list[RepEvent]:
        fs, n = self.fs_hz, self._n
        r = self._pending[0]
        self._s2_at = -1
        if self._rising(r) and n / fs - r.end_s < STS_MAX_PIECE_WAIT_S:
            # a stop-and-go rise's next piece is under way: it belongs to this rep (phase
            # timing and smoothness window), up to the trusted data's end (the unpadded
            # velocity filters bend the last STS_END_EDGE_S)
            self._piece_end_s = max(self._piece_end_s, (n - 1) / fs - STS_END_EDGE_S)
            self._s2_at = n + round(STS_RETRY_S * fs)
            return []
        start = max(n - round(STS_WINDOW_S * fs), round(r.start_s * fs) - round(3.0 * fs), 0)
        sig, start = self._signals(start)
        piece = self._piece_end_s >= 0  # the rise went on: measure it to the trusted end
        ext = replace(r, end_s=max(r.end_s, (n - 1) / fs - STS_END_EDGE_S if piece else -1.0))
        q = self._measure([ext], sig, start)[0]
        if ext.end_s > r.end_s and (q.rise_start_s is None or q.rise_start_s > r.end_s):
            # the longer span measured another movement
            q = self._measure([r], sig, start)[0]
        if q.rise_end_s is None or q.rise_start_s is None:
            self._pending = []
            return []  # no rise measured: not a rep
        t0 = start / fs
        rs = round((q.rise_start_s - t0) * fs)
        re = min(round((q.rise_end_s - t0) * fs), sig.rotation_rad_s.size - 1)
        w = sig.rotation_rad_s
        pre = w[max(0, rs - round(2.0 * fs)) : (rs + re) // 2 + 1]
        thr = max(0.1, 0.2 * float(pre.max())) if pre.size else 0.1
        calm = np.flatnonzero(w[re:] < thr)
        edge = round(STS_CALM_EDGE_S * fs)
        waited_s = n / fs - q.rise_end_s
        if calm.size and re + int(calm[0]) + edge <= w.size:
            ee = re + int(calm[0])
        elif waited_s < STS_MAX_EXTENSION_S:
            self._s2_at = n + round(STS_RETRY_S * fs)
            return []  # still re-extending
        else:
            ee = w.size - 1
        ph: dict[str, float] = {k: q.phases_s[k] for k in ("flexion", "rise") if k in q.phases_s}
        ph["extension"] = (ee - re) / fs
        q = replace(q, phases_s=ph, cycle_s=None)
        # jerky: judged against the stream's earlier reps from the third rep on (the
        # absolute floor alone misses most jerky rises among a set's first reps)
        cfg = self.config
        self.config = replace(cfg, min_baseline_reps=min(cfg.min_baseline_reps, STS_JERK_REF_REPS))
        try:
            q = self._flag(q)
        finally:
            self.config = cfg
        rushed = self._rushed_up(q)
        if rushed is not None:
            q = replace(q, flags=[rushed, *q.flags])
        self._pending = []
        end = q.rise_end_s + ph["extension"] if q.rise_end_s is not None else r.end_s
        return [self._emit(q, r.end_s, r, end)]

    def _rising(self, r: Rep) -> bool:
        """Whether the hips move up again at the data's end: the padded velocity (as
        :meth:`_find_rises` sees it) over the last :data:`STS_END_EDGE_S` reaches
        :data:`STS_PIECE_FRACTION` of the rise's peak, after falling below it since."""
        fs, n = self.fs_hz, self._n
        s0 = round(r.start_s * fs)
        vp, _, start = self._padded(s0 - round(STS_EDGE_S * fs))
        a_lp = lowpass(vp.vertical_m_s2, cutoff_hz=min(3.0, 0.4 * fs), fs_hz=fs, order=2)
        v = highpass(np.cumsum(a_lp) / fs, cutoff_hz=VELOCITY_HIGHPASS_HZ, fs_hz=fs, order=2)
        real = n - start
        i0, i1 = s0 - start, min(round(r.end_s * fs) - start + 1, real)
        if i1 <= i0:
            return False
        k = i0 + int(np.argmax(v[i0:i1]))
        t = max(k, real - round(STS_END_EDGE_S * fs))
        if t >= real:
            return False
        j = t + int(np.argmax(v[t:real]))  # the highest velocity of the data's last stretch
        if j <= k:
            return False
        dip = k + int(np.argmin(v[k:j]))
        # a return to the seat in between (the next rep's rise): the unfiltered velocity
        # change from the peak to the dip goes past standing still, downward
        up = float(np.sum(vp.vertical_m_s2[i0 : k + 1])) / fs
        drop = float(np.sum(vp.vertical_m_s2[k : dip + 1])) / fs
        if drop < -STS_PIECE_DROP_RATIO * max(up, 0.0):
            return False
        lift = float(v[j] - v[dip])  # the filters' undershoot after a rise biases v down
        gain = float(np.sum(vp.vertical_m_s2[dip : j + 1])) / fs
        return bool(lift >= STS_PIECE_FRACTION * v[k] and gain >= STS_RAW_FRACTION * lift)

    def _rushed_up(self, q: RepQuality) -> Flag | None:
        """The rushed flag at standing, from the rise's pace: its pace-equivalent duration
        (:func:`rise_pace_s`) against :data:`STS_MIN_RISE_S` and
        ``baseline_ratio["sit_to_stand"]`` x the person's usual (their baseline's rise
        times, else this stream's earlier reps)."""
        cfg = self.config
        sens = cfg.sensitivity
        # the lift's height from this rep and the earlier ones (a stop-and-go rise can be
        # measured on one piece only: its own height would make it look quick)
        heights = [h.vertical_displacement_m for h in [*self._history, q]]
        ok = [x for x in heights if x is not None and x > 0]
        disp = float(np.median(ok)) if ok else None
        t = rise_pace_s(q, disp)
        if t is None:
            return None
        own: list[float] = []
        if getattr(self.baseline, "exercise", "sit_to_stand") == "sit_to_stand":
            ph = getattr(self.baseline, "phases_s", {}) if self.baseline is not None else {}
            own = list((ph or {}).get("rise", ()))
        past = [x for x in (rise_pace_s(h, disp) for h in self._history) if x is not None]
        ref, src = None, ""
        if len(own) >= cfg.min_baseline_reps:
            ref, src = float(np.median(own)), "your usual"
        elif len(past) >= cfg.min_baseline_reps - 1:
            ref, src = float(np.median(past)), "your earlier reps"
        floor = STS_MIN_RISE_S * sens
        pv = q.peak_vertical_velocity_m_s or 0.0
        what = f"rise at {pv:.2f} m/s, the pace of a {t:.2f} s rise"
        if t < floor:
            return _rushed(f"{what}, under {floor:.2f} s", t, floor)
        lim = None if ref is None else min(0.95, cfg.baseline_ratio["sit_to_stand"] * sens) * ref
        if ref is not None and lim is not None and t < lim:
            return _rushed(f"{what}, much faster than {src} ({ref:.2f} s)", t, lim)
        return None


def rise_pace_s(q: RepQuality, disp_m: float | None = None) -> float | None:
    """The rise's pace as a duration (s): a minimum-jerk lift of ``disp_m`` (default: the
    rep's measured lift) at the rep's measured peak vertical velocity, ``1.875 x
    displacement / peak velocity``. The peak speed comes from the whole velocity pulse, so
    this is steadier than the phase boundaries (seat-off, trunk calm) a live cue has to
    time within 0.3 s of them."""
    d = q.vertical_displacement_m if disp_m is None else disp_m
    v = q.peak_vertical_velocity_m_s
    if d is None or v is None or d <= 0 or v <= 0:
        return None
    return MINJERK_PEAK_TO_MEAN * d / v


def _rushed(reason: str, value: float, threshold: float) -> Flag:
    return Flag(name="rushed", reason=reason, value=round(value, 4), threshold=round(threshold, 4))
