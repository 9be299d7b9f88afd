"""Streaming rep quality: push chunks of samples, get rep events (with rushed/jerky flags) as
reps end, so a live recorder can cue "slow down" right after a rushed rep.

:class:`LiveRepMonitor` keeps the last ``window_s`` seconds in ring buffers. Each push does
O(new samples) work (|a|, a quiet test, a take-off scan); the offline detectors and per-rep
computations (:mod:`boneimu.detect.impacts`, :mod:`boneimu.detect.sts`,
:mod:`boneimu.detect.quality`) run only when a rep can be decided, on a bounded window (the
undecided span plus the context the measurements look back over), and at most once per
:data:`MIN_ANALYSIS_INTERVAL_S` of stream time, so the work per second of data does not grow
with ``window_s``.

When a rep is decided (physics of each exercise):

- heel drop: :data:`HEEL_SETTLE_S` after the impact: the detector's after-landing quiet window
  (0.1-0.5 s; the offline path uses 0.5-0.9 s) and its "no higher peak within 0.5 s" test
  are then complete.
- hop: after a landing the next event is the next take-off's flight. The rep is decided when
  that take-off is in the data (the ground contact is measured), or as soon as the contact
  has lasted longer than the rushed threshold (it cannot be rushed any more: emitted without
  a contact time), at the latest :data:`HOP_MAX_WAIT_S` after the landing.
- sit-to-stand: rises are looked for when the trunk turns quiet after moving (|a| SD <
  :data:`QUIET_SD_G` over :data:`QUIET_S`) and every :data:`STS_STEP_S` while it moves; a rise
  is taken once it ended :data:`STS_END_EDGE_S` before the data's end, and emitted once the
  descent after it (its downward velocity pulse) ended :data:`STS_SETTLE_S` ago; a rise with
  no descent after :data:`STS_MAX_WAIT_S`. A new rise must start after the previous rep's
  return to the seat (the descent is the first downward pulse reaching 30 % of the rise's
  peak speed, so the velocity rebound after a rise is not taken for it).

The baseline is the person's history when given, else the reps already emitted in this
stream (past reps only, unlike the offline set baseline). Hook:
``Recorder(on_samples=monitor.on_samples)`` (boneimu.ble.recorder). See
docs/algorithms/rep_quality.md, "Streaming".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from boneimu.detect.events import Rep
from boneimu.detect.impacts import ImpactRepDetector
from boneimu.detect.quality import (
    QualityConfig,
    RepQuality,
    RepSignals,
    flag_reps,
    hop_phases,
    measure_reps,
    rep_signals,
)
from boneimu.detect.sts import SitToStandDetector
from boneimu.errors import AnalysisError
from boneimu.signal.orientation import vertical_parts
from boneimu.units import STANDARD_GRAVITY_M_S2

HEEL_SETTLE_S = 0.5
"""Heel drops are decided this long after the impact (post-landing quiet window complete)."""
IMPACT_MEASURE_S = 0.15
"""Heel drops are measured ahead this long after the impact (the phases need 0.12 s)."""
HOP_DETECT_S = 0.15
"""A landing is classified once this much data follows it (low-pass edge, peak spacing)."""
HOP_MAX_WAIT_S = 0.8
"""A hop with no take-off after it is emitted this long after its landing."""
TAKEOFF_RUN_S = 0.05
"""A take-off: |a| below the flight level for this long (as in quality.hop_phases)."""
FLIGHT_G = 0.35
IMPACT_CONTEXT_S = 4.0
"""Data kept before the earliest undecided impact: the heel-drop rise is searched up to 3 s
before the impact, plus filter settling."""
IMPACT_TRIGGER_FRACTION = 0.9
"""An impact analysis is triggered by raw |a| >= this fraction of the detector's peak level."""
IMPACT_MIN_SEPARATION_S = 0.15
STS_WINDOW_S = 10.0
"""Sit-to-stand analysis window: flexion + rise + stand + descent + velocity filter context."""
STS_SETTLE_S = 0.5
"""A sit-to-stand is emitted once its return to the seat ended this long ago."""
STS_EDGE_S = 2.0
"""Rises starting this close to the window's start are ignored (the detector's 0.1 Hz
velocity high-pass has not settled there)."""
STS_END_EDGE_S = 1.0
"""... or ending this close to its end (a movement still under way there, e.g. sitting down,
can look like a rise to the zero-phase filters); every rise ends well over 1 s before its
rep's return to the seat is confirmed, so this costs no latency."""
STS_STEP_S = 0.5
"""While the trunk moves, rises are looked for at most this often."""
STS_MAX_WAIT_S = 8.0
"""... or this long after the rise when no descent is found."""
STS_MIN_SEPARATION_S = 1.0
QUIET_S = 0.3
QUIET_SD_G = 0.03
"""Quiet (seated, settled): SD of |a| over the last :data:`QUIET_S` below this (g)."""
MIN_ANALYSIS_INTERVAL_S = 0.1
"""At most one detector run per this much stream time (bounds the work per second)."""


@dataclass(frozen=True)
class RepEvent:
    """One finished rep. ``time_s`` = stream time (s since the first pushed sample) at which
    it was emitted; ``quality.end_s`` etc. are on the same clock."""

    time_s: float
    quality: RepQuality
    rep_end_s: float
    """When the rep's movement ended (a sit-to-stand: seated again); cue latency = time_s -
    rep_end_s."""

    @property
    def rushed(self) -> bool:
        return self.quality.flagged("rushed")

    @property
    def jerky(self) -> bool:
        return self.quality.flagged("jerky")


class LiveRepMonitor:
    """Incremental rep detection and quality for one exercise on a sample stream."""

    def __init__(
        self,
        exercise: str,
        *,
        fs_hz: float,
        window_s: float = 20.0,
        step_s: float = MIN_ANALYSIS_INTERVAL_S,
        baseline: object | None = None,
        config: QualityConfig | None = None,
        on_rep: Callable[[RepEvent], None] | None = None,
    ) -> None:
        if exercise not in ("heel_drop", "hop", "sit_to_stand"):
            raise AnalysisError(
                f"live monitoring supports heel_drop, hop, sit_to_stand, not {exercise!r}"
            )
        if not fs_hz > 0:
            raise AnalysisError(f"sample rate must be positive, got {fs_hz!r} Hz")
        self.exercise = exercise
        self.fs_hz = fs_hz
        need_s = STS_WINDOW_S if exercise == "sit_to_stand" else IMPACT_CONTEXT_S + 2.0
        self.cap = max(round(window_s * fs_hz), round(need_s * fs_hz))
        self.step_n = max(1, round(step_s * fs_hz))
        self.baseline = baseline
        self.config = config or QualityConfig()
        self.on_rep = on_rep
        self._acc = np.zeros((self.cap, 3))
        self._gyro = np.full((self.cap, 3), np.nan)
        self._res = np.ones(self.cap)  # |a| in g
        self._has_gyro = False
        self._n = 0  # samples pushed in total
        self._t0_ns: int | None = None
        self._undecided = 0  # impacts before this sample are decided
        self._takeoff = -1  # start of the latest complete take-off run (hops)
        self._low_run = 0  # length of the current run below FLIGHT_G
        self._moved = False  # movement since the last sit-to-stand analysis
        self._retry = -1  # sit-to-stand: analyse again at this sample even without movement
        self._last_analysis = -(10**12)
        self._last_key_s = -np.inf
        self._last_rep: Rep | None = None  # previous emitted rep, absolute stream times
        self._seated_s = -np.inf  # sit-to-stand: previous rep's return to the seat
        self._history: list[RepQuality] = []  # flag baseline (hops: contact filled in later)
        self._limit_s: float | None = None  # hop: shortest contact not rushed (cached)
        self._quiet = False
        self._detector = ImpactRepDetector(post_gap_s=0.1)
        self._measured = 0  # heel drops: impacts before this were measured ahead
        self._job: tuple[list[Rep], RepSignals, int] | None = None
        self._cache: dict[int, RepQuality] = {}  # impact sample -> measured heel drop
        self._pending: list[Rep] = []  # hops / sit-to-stands detected, not yet decided
        self._retry_hop = -1
        self._s2_at = -1  # sit-to-stand: stage 2 due at this sample
        self._last_s1 = -(10**12)
        self.events: list[RepEvent] = []
        self.samples_analysed = 0
        """Samples passed to the detectors so far (the work the monitor did)."""
        self.analyses = 0
        self.max_window_n = 0
        """The longest window one detector or signal run was given (samples)."""

    # ---------------------------------------------------------------- buffers
    def _slice(self, a: int, b: int) -> NDArray[np.intp]:
        a = max(a, self._n - self.cap, 0)
        return np.arange(a, b) % self.cap

    def _window(self, a: int) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, int]:
        a = max(a, self._n - self.cap, 0)
        idx = self._slice(a, self._n)
        gyro = self._gyro[idx] if self._has_gyro else None
        return self._acc[idx], gyro, a

    def push(
        self,
        time_ns: NDArray[np.int64],
        acc_m_s2: NDArray[np.floating],
        gyro_rad_s: NDArray[np.floating] | None = None,
    ) -> list[RepEvent]:
        """Add a chunk (times in ns, (k, 3) acc incl. gravity, optional gyro); returns the rep
        events this chunk completed. Samples are assumed evenly spaced at ``fs_hz``."""
        acc = np.asarray(acc_m_s2, dtype=np.float64).reshape(-1, 3)
        if self._t0_ns is None and len(time_ns):
            self._t0_ns = int(time_ns[0])
        k = acc.shape[0]
        if k == 0:
            return []
        gyro = None if gyro_rad_s is None else np.asarray(gyro_rad_s, dtype=np.float64)
        if k > self.cap:  # only the newest cap samples can matter
            acc = acc[-self.cap :]
            gyro = None if gyro is None else gyro[-self.cap :]
            self._n += k - self.cap
            k = self.cap
        idx = np.arange(self._n, self._n + k) % self.cap
        self._acc[idx] = acc
        res = np.sqrt(np.einsum("ij,ij->i", acc, acc)) / STANDARD_GRAVITY_M_S2
        self._res[idx] = res
        if gyro is not None:
            self._has_gyro = True
            self._gyro[idx] = gyro.reshape(-1, 3)
        self._n += k
        if self.exercise == "hop":
            self._scan_takeoff(res)
        elif self.exercise == "sit_to_stand":
            self._scan_quiet(k)
        warm_s = STS_EDGE_S + 1.0 if self.exercise == "sit_to_stand" else 1.0
        if self._n < round(warm_s * self.fs_hz) or self._n - self._last_analysis < self.step_n:
            return []
        out = self._step()
        self.events += out
        if self.on_rep is not None:
            for ev in out:
                self.on_rep(ev)
        return out

    def on_samples(
        self,
        time_ns: NDArray[np.int64],
        acc_m_s2: NDArray[np.float64],
        gyro_rad_s: NDArray[np.float64] | None,
    ) -> None:
        """The BLE recorder's hook (``Recorder(on_samples=monitor.on_samples)``); events go
        to ``on_rep`` and :attr:`events`."""
        self.push(time_ns, acc_m_s2, gyro_rad_s)

    # ------------------------------------------------------- cheap per-chunk scans
    def _scan_takeoff(self, res: NDArray[np.float64]) -> None:
        """Track the latest complete run of |a| < FLIGHT_G lasting TAKEOFF_RUN_S."""
        run_n = max(1, round(TAKEOFF_RUN_S * self.fs_hz))
        low = res < FLIGHT_G
        k = low.size
        # run length ending at each new sample (vectorised): distance to the last high sample
        pos = np.arange(k)
        last_high = np.maximum.accumulate(np.where(low, -1, pos))
        runs = np.where(last_high >= 0, pos - last_high, pos + 1 + self._low_run)
        runs = np.where(low, runs, 0)
        done = np.flatnonzero(runs >= run_n)
        if done.size:
            j = int(done[-1])
            self._takeoff = self._n - k + j - int(runs[j]) + 1
        self._low_run = int(runs[-1])

    def _scan_quiet(self, k: int) -> None:
        """Flag movement in the new samples (moving SD of |a| over QUIET_S >= QUIET_SD_G)."""
        q = max(2, round(QUIET_S * self.fs_hz))
        x = self._res[self._slice(self._n - k - q + 1, self._n)]
        if x.size < q:
            return
        c1 = np.concatenate([[0.0], np.cumsum(x - x[-1])])
        c2 = np.concatenate([[0.0], np.cumsum((x - x[-1]) ** 2)])
        m = (c1[q:] - c1[:-q]) / q
        sd = np.sqrt(np.clip((c2[q:] - c2[:-q]) / q - m * m, 0.0, None))
        if (sd >= QUIET_SD_G).any():
            self._moved = True
        self._quiet = bool(sd[-1] < QUIET_SD_G)

    # ------------------------------------------------------------- decisions
    def _step(self) -> list[RepEvent]:
        if self.exercise == "sit_to_stand":
            return self._step_sts()
        if self.exercise == "hop":
            return self._step_hop()
        return self._step_heel()

    def _triggers(self, lo: int, hi: int) -> int | None:
        """First sample in [lo, hi) whose |a| could be an impact peak (None: none)."""
        lo = max(lo, self._n - self.cap)
        if hi <= lo:
            return None
        det = self._detector
        if self.exercise == "heel_drop":
            level = IMPACT_TRIGGER_FRACTION * max(det.min_peak_g, det.min_heel_drop_peak_g)
        else:
            level = det.min_hop_peak_g  # a landing spike is far above it
        trig = np.flatnonzero(self._res[self._slice(lo, hi)] >= level)
        return lo + int(trig[0]) if trig.size else None

    def _detect_impacts(self, first: int, lo: int, hi: int) -> tuple[list[Rep], int]:
        """Reps of this exercise whose impact sample is in [lo, hi), absolute stream times,
        detected on the window from ``first - IMPACT_CONTEXT_S``; and the window start."""
        fs = self.fs_hz
        start = max(first - round(IMPACT_CONTEXT_S * fs), self._n - self.cap, 0)
        res = self._res[self._slice(start, self._n)]
        self._count(res.size)
        det = self._detector.detect(res, fs_hz=fs)
        t0 = start / fs
        out = []
        for r in det.reps_:
            if r.exercise != self.exercise or r.impact_s is None:
                continue
            i = start + round(r.impact_s * fs)
            if lo <= i < hi and r.impact_s + t0 > self._last_key_s + IMPACT_MIN_SEPARATION_S:
                out.append(_shift_rep(r, t0))
        return out, start

    def _signals(self, start: int) -> RepSignals:
        acc, gyro, start = self._window(start)
        self._count(acc.shape[0])
        return rep_signals(acc, fs_hz=self.fs_hz, gyro_rad_s=gyro)

    def _measure(
        self, reps: list[Rep], sig: RepSignals, start: int, *, context: bool = True
    ) -> list[RepQuality]:
        """Measure ``reps`` (absolute times) on ``sig`` (window from ``start``), the previous
        emitted rep as context; absolute-time results for ``reps`` only."""
        t0 = start / self.fs_hz
        prev = self._last_rep if context else None
        ctx = [prev] if prev is not None and prev.start_s >= t0 else []
        local = [_shift_rep(r, -t0) for r in [*ctx, *reps]]
        return [_shift(q, t0) for q in measure_reps(self.exercise, local, sig)[len(ctx) :]]

    def _step_heel(self) -> list[RepEvent]:
        """Speculative measurement (detect + signals, then measure) once the impact is
        IMPACT_MEASURE_S old; the decision (detect again, flag) HEEL_SETTLE_S after it."""
        fs, n = self.fs_hz, self._n
        out: list[RepEvent] = []
        busy = False
        if self._job is not None:  # stage 2: measure what stage 1 prepared
            reps, sig, start = self._job
            self._job = None
            for r, q in zip(reps, self._measure(reps, sig, start), strict=True):
                self._cache[round((r.impact_s or 0.0) * fs)] = q
            busy = True
        hd = n - round(HEEL_SETTLE_S * fs)
        first = self._triggers(self._undecided, hd)
        if first is not None:  # decision
            reps, start = self._detect_impacts(first, self._undecided, hd)
            missing = [r for r in reps if self._cached(r) is None]
            if missing:  # not measured ahead (rare): measure now
                sig = self._signals(start)
                for r, q in zip(missing, self._measure(missing, sig, start), strict=True):
                    self._cache[round((r.impact_s or 0.0) * fs)] = q
            for r in reps:
                ahead = self._cached(r)
                if ahead is not None:  # measured ahead: the rep's span from the final detection
                    done = replace(ahead, start_s=r.start_s, end_s=r.end_s)
                    out.append(self._emit(done, n / fs, r.impact_s or r.end_s, r))
            busy = True
        self._undecided = max(self._undecided, hd)
        self._cache = {k: v for k, v in self._cache.items() if k >= self._undecided - 2}
        hm = n - round(IMPACT_MEASURE_S * fs)
        if not busy:
            first = self._triggers(self._measured, hm)
            if first is not None:  # stage 1: provisional detection and the signals
                lo = max(self._measured, self._undecided)
                reps, start = self._detect_impacts(first, lo, hm)
                if reps:
                    self._job = (reps, self._signals(start), start)
            self._measured = max(self._measured, hm)
        return out

    def _cached(self, r: Rep) -> RepQuality | None:
        i = round((r.impact_s or 0.0) * self.fs_hz)
        for k in (i, i - 1, i + 1):
            if k in self._cache:
                return self._cache[k]
        return None

    def _step_hop(self) -> list[RepEvent]:
        """Detect landings HOP_DETECT_S after them; decide each when its take-off is in, or
        once its contact is too long to be rushed (at most HOP_MAX_WAIT_S)."""
        fs, n = self.fs_hz, self._n
        if self._pending:
            r = self._pending[0]
            land = round((r.impact_s or r.end_s) * fs)
            wait = round(min(self._contact_limit_s(), HOP_MAX_WAIT_S) * fs)
            took_off = self._takeoff >= land + round(TAKEOFF_RUN_S * fs) - 3
            if (took_off and self._retry_hop <= n) or n >= land + wait:
                return self._decide_hop(r, land)
        hdet = n - round(HOP_DETECT_S * fs)
        first = self._triggers(self._undecided, hdet)
        if first is not None:
            reps, _ = self._detect_impacts(first, self._undecided, hdet)
            # detected early, the rep's end (0.3 s after landing) may be cut at the data end
            end_n = round(0.3 * fs) / fs
            self._pending += [replace(r, end_s=(r.impact_s or r.end_s) + end_n) for r in reps]
        self._undecided = max(self._undecided, hdet)
        return []

    def _decide_hop(self, r: Rep, land: int) -> list[RepEvent]:
        fs, n = self.fs_hz, self._n
        start = land - round(IMPACT_CONTEXT_S * fs)
        sig = self._signals(start)
        start = max(start, n - self.cap, 0)
        t0 = start / fs
        prev = self._last_rep
        if prev is not None and self._history and "contact" not in self._history[-1].phases_s:
            p = round(((prev.impact_s or prev.end_s) - t0) * fs)
            if p > 0:  # the previous hop's contact, now that its take-off is in
                ph = hop_phases(sig, p, None)
                if "contact" in ph:
                    h = self._history[-1]
                    self._history[-1] = replace(h, phases_s={**h.phases_s, **ph})
                    self._limit_s = None
        q = self._measure([r], sig, start)[0]
        waited_s = (n - land) / fs
        if "contact" not in q.phases_s and waited_s < min(HOP_MAX_WAIT_S, self._contact_limit_s()):
            self._retry_hop = n + round(TAKEOFF_RUN_S * fs)
            return []  # may still be a short (rushed) contact
        self._pending.pop(0)
        self._retry_hop = -1
        return [self._emit(q, n / fs, r.impact_s or r.end_s, r)]

    def _step_sts(self) -> list[RepEvent]:
        """Stage 1 (detect rises) when the trunk turns quiet after moving, every
        STS_STEP_S while it moves, or at a retry time; stage 2 (signals, measure, decide)
        on a later call, again at the time the rep's end can be confirmed."""
        fs, n = self.fs_hz, self._n
        if self._pending and 0 <= self._s2_at <= n:
            return self._decide_sts()
        periodic = self._moved and n - self._last_s1 >= round(STS_STEP_S * fs)
        if (self._quiet and self._moved) or periodic or 0 <= self._retry <= n:
            self._moved = False
            self._retry = -1
            self._last_s1 = n
            start = max(n - round(STS_WINDOW_S * fs), 0)
            acc, gyro, start = self._window(start)
            self._count(acc.shape[0])
            vp = vertical_parts(acc, fs_hz=fs, gyro_rad_s=gyro)
            det = SitToStandDetector().detect(vp.vertical_m_s2, vp.resultant_g, vp.up, fs_hz=fs)
            t0 = start / fs
            now_s = n / fs
            cands = [
                _shift_rep(r, t0)
                for r in det.reps_
                if r.start_s >= STS_EDGE_S
                and r.end_s + t0 > self._last_key_s + STS_MIN_SEPARATION_S
                and r.start_s + t0 > self._seated_s
            ]
            found = [r for r in cands if r.end_s <= now_s - STS_END_EDGE_S]
            self._pending = found
            self._s2_at = n if found else -1
        return []

    def _decide_sts(self) -> list[RepEvent]:
        """Emit the first pending rise once the return to the seat is confirmed: the descent
        (the downward velocity pulse) ended STS_SETTLE_S ago. A descent still under way is
        estimated to end near the data's end, so it waits."""
        fs, n = self.fs_hz, self._n
        now_s = n / fs
        reps = self._pending[:2]  # the next rise bounds the descent search
        start = max(n - round(STS_WINDOW_S * fs), 0, round(reps[0].start_s * fs) - round(3.0 * fs))
        sig = self._signals(start)
        start = max(start, n - self.cap)
        q = self._measure(reps, sig, start)[0]
        end = _movement_end(q)
        r = reps[0]
        self._s2_at = -1
        if "descent" in q.phases_s:
            if end + STS_SETTLE_S > now_s:
                self._s2_at = round((end + STS_SETTLE_S) * fs)
                return []
        elif r.end_s + STS_MAX_WAIT_S > now_s:
            self._retry = round((r.end_s + STS_MAX_WAIT_S) * fs)
            return []  # wait for the descent (its movement triggers stage 1 again)
        self._pending.pop(0)
        self._s2_at = n if self._pending else -1
        self._seated_s = end
        return [self._emit(q, now_s, r.end_s, r)]

    def _contact_limit_s(self) -> float:
        """A hop contact at least this long cannot be flagged rushed (the floor, or the
        baseline ratio x the reference contact, as :func:`quality.flag_reps` judges it)."""
        if self._limit_s is None:
            cfg = self.config
            sens = cfg.sensitivity
            limit = cfg.min_contact_s * sens
            own = _baseline_contacts(self.baseline)
            past = [x for x in (_timed(q) for q in self._history) if x is not None]
            ref = None
            if len(own) >= cfg.min_baseline_reps:
                ref = float(np.median(own))
            elif len(past) >= cfg.min_baseline_reps - 1:
                ref = float(np.median(past))
            if ref is not None:
                limit = max(limit, min(0.95, cfg.baseline_ratio["hop"] * sens) * ref)
            self._limit_s = limit
        return self._limit_s

    def _flag(self, q: RepQuality) -> RepQuality:
        """``q`` flagged against the baseline or the reps emitted so far (never future ones).

        :func:`quality.flag_reps` compares each rep with the median of the others; a long
        history is passed as ``min_baseline_reps - 1`` copies of its medians, which gives the
        same references at a cost that does not grow with the session."""
        hist = self._history
        m = self.config.min_baseline_reps
        if len(hist) > m:
            hist = [_summary(self._history, self.exercise, m - 1)] * (m - 1)
        return flag_reps([*hist, q], baseline=self.baseline, config=self.config)[-1]

    def _count(self, n: int) -> None:
        self.samples_analysed += n
        self.max_window_n = max(self.max_window_n, n)
        self.analyses += 1
        self._last_analysis = self._n

    def _emit(self, q: RepQuality, now_s: float, key_s: float, rep: Rep) -> RepEvent:
        flagged = self._flag(q)
        self._history.append(flagged)
        self._limit_s = None
        self._last_key_s = key_s
        self._last_rep = rep
        return RepEvent(time_s=now_s, quality=flagged, rep_end_s=_movement_end(flagged))


def _timed(q: RepQuality) -> float | None:
    """The duration the rushed rules judge (as in quality.flag_reps)."""
    ph = q.phases_s
    if q.exercise == "heel_drop":
        return ph["rise"] + ph["hold"] if "rise" in ph and "hold" in ph else None
    if q.exercise == "hop":
        return ph.get("contact")
    return q.cycle_s


def _baseline_contacts(baseline: object | None) -> list[float]:
    if baseline is None or getattr(baseline, "exercise", "hop") != "hop":
        return []
    return list((getattr(baseline, "phases_s", {}) or {}).get("contact", ()))


def _summary(history: list[RepQuality], exercise: str, min_n: int) -> RepQuality:
    """One rep holding the medians of ``history`` (None where fewer than ``min_n`` values)."""

    def med(xs: list[float | None]) -> float | None:
        v = [x for x in xs if x is not None]
        return float(np.median(v)) if len(v) >= min_n else None

    t = med([_timed(q) for q in history])
    phases: dict[str, float] = {}
    if t is not None and exercise == "heel_drop":
        phases = {"rise": t, "hold": 0.0}
    elif t is not None and exercise == "hop":
        phases = {"contact": t}
    return RepQuality(
        exercise,
        0.0,
        0.0,
        phases_s=phases,
        cycle_s=t if exercise == "sit_to_stand" else None,
        ldlj_a=med([q.ldlj_a for q in history]),
        landing_sway=med([q.landing_sway for q in history]),
    )


def _shift_rep(r: Rep, dt: float) -> Rep:
    imp = None if r.impact_s is None else r.impact_s + dt
    return replace(r, start_s=r.start_s + dt, end_s=r.end_s + dt, impact_s=imp)


def _movement_end(q: RepQuality) -> float:
    """End of the rep's movement: a sit-to-stand's return to the seat, else the rep's end."""
    ph = q.phases_s
    if q.rise_end_s is not None and "descent" in ph:
        return q.rise_end_s + ph.get("extension", 0.0) + ph.get("stand", 0.0) + ph["descent"]
    return q.end_s


def _shift(q: RepQuality, t0: float) -> RepQuality:
    def sh(x: float | None) -> float | None:
        return None if x is None else x + t0

    return replace(
        q,
        start_s=q.start_s + t0,
        end_s=q.end_s + t0,
        rise_start_s=sh(q.rise_start_s),
        rise_end_s=sh(q.rise_end_s),
    )
