"""The streaming rep monitor's buffers, clock and flagging (:mod:`boneimu.detect.live`).

:class:`MonitorBase` holds the last ``window_s`` seconds in ring buffers (acceleration, gyro,
|a| and the sample times), runs the cheap per-chunk scans and turns a measured rep into a
:class:`RepEvent`; the per-exercise decisions live in :mod:`boneimu.detect.live_impact`
(heel drop, hop) and :mod:`boneimu.detect.live_sts` (sit-to-stand).

Clocks: the detectors run on sample index / ``fs_hz`` (evenly spaced samples); every time in
an emitted :class:`RepEvent` is mapped through the buffered sample times to the stream's
true clock (s since the first pushed sample), so jittery or drifting sample timing does not
shift cue times or rep times.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from boneimu.detect.events import Rep
from boneimu.detect.impacts import ImpactRepDetector
from boneimu.detect.quality import QualityConfig, RepQuality, RepSignals, flag_reps, measure_reps
from boneimu.detect.quality import rep_signals as _rep_signals
from boneimu.errors import AnalysisError
from boneimu.units import NS_PER_S, STANDARD_GRAVITY_M_S2

IMPACT_CONTEXT_S = 4.0
"""Data kept before the earliest undecided impact: the heel-drop rise is searched up to 3 s
before the impact, plus filter settling."""
STS_WINDOW_S = 10.0
"""Sit-to-stand analysis window: flexion + rise + stand + velocity filter context."""
TAKEOFF_RUN_S = 0.05
"""A take-off: |a| below the flight level for this long (as in quality.hop_phases)."""
FLIGHT_G = 0.35
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
    """When the rep ended (heel drop: the impact; hop: the end of its ground contact, or
    its landing when no take-off follows; sit-to-stand: standing upright); cue latency =
    ``time_s - rep_end_s``."""
    impact_s: float | None = None
    """Heel drop / hop: the impact (landing) on the same clock."""

    @property
    def rushed(self) -> bool:
        return self.quality.flagged("rushed")

    @property
    def jerky(self) -> bool:
        return self.quality.flagged("jerky")


class MonitorBase:
    """Buffers, clock, scans and flagging shared by the per-exercise decision mixins."""

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
        self._tns = np.zeros(self.cap, dtype=np.int64)  # sample times, ns
        self._has_gyro = False
        self._n = 0  # samples pushed in total
        self._t0_ns: int | None = None
        self._undecided = 0  # impacts before this sample are decided
        self._takeoff = -1  # start of the latest complete take-off run (hops)
        self._low_run = 0  # length of the current run below FLIGHT_G
        self._moved = False  # movement since the last sit-to-stand analysis
        self._moved_at = -(10**12)  # last sample in a moving stretch
        self._quiet = False
        self._last_analysis = -(10**12)
        self._last_key_s = -np.inf
        self._last_rep: Rep | None = None  # previous emitted rep, index clock
        self._history: list[RepQuality] = []  # flag baseline (hops: contact filled in later)
        self._detector = ImpactRepDetector(post_gap_s=0.1)
        self.events: list[RepEvent] = []
        self.samples_analysed = 0
        """Samples passed to the detectors so far (the work the monitor did)."""
        self.analyses = 0
        self.max_window_n = 0
        self._pending: list[Rep] = []  # hops / sit-to-stands detected, not yet decided
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

    def _clock(self, t_s: float) -> float:
        """Index-clock time ``t_s`` (sample / fs_hz) on the true stream clock."""
        x = t_s * self.fs_hz
        i = min(max(round(x), 0), self._n - 1)
        if i < self._n - self.cap or self._t0_ns is None:
            return t_s
        return float(self._tns[i % self.cap] - self._t0_ns) / NS_PER_S + (x - i) / self.fs_hz

    def push(
        self,
        time_ns: NDArray[np.int64],
        acc_m_s2: NDArray[np.floating],
        gyro_rad_s: NDArray[np.floating] | None = None,
    ) -> list[RepEvent]:
        """Add a chunk (times in ns, (k, 3) acc incl. gravity, optional gyro); returns the rep
        events this chunk completed. The detectors take the samples as evenly spaced at
        ``fs_hz``; event times are on the samples' own clock."""
        acc = np.asarray(acc_m_s2, dtype=np.float64).reshape(-1, 3)
        t_ns = np.asarray(time_ns, dtype=np.int64).reshape(-1)
        k = acc.shape[0]
        if k == 0:
            return []
        if t_ns.size != k:
            raise AnalysisError(f"live push: {t_ns.size} sample times for {k} samples")
        if self._t0_ns is None:
            self._t0_ns = int(t_ns[0])
        gyro = None if gyro_rad_s is None else np.asarray(gyro_rad_s, dtype=np.float64)
        if k > self.cap:  # only the newest cap samples can matter
            acc, t_ns = acc[-self.cap :], t_ns[-self.cap :]
            gyro = None if gyro is None else gyro[-self.cap :]
            self._n += k - self.cap
            k = self.cap
        idx = np.arange(self._n, self._n + k) % self.cap
        self._acc[idx] = acc
        self._tns[idx] = t_ns
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
        warm_s = 3.0 if self.exercise == "sit_to_stand" else 1.0
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

    def _step(self) -> list[RepEvent]:  # pragma: no cover - defined by the monitor
        raise NotImplementedError

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
        moving = np.flatnonzero(sd >= QUIET_SD_G)
        if moving.size:
            self._moved = True
            self._moved_at = self._n - sd.size + int(moving[-1])
        self._quiet = bool(sd[-1] < QUIET_SD_G)

    # ------------------------------------------------------------ measurement
    def _signals(self, start: int) -> tuple[RepSignals, int]:
        """Rep signals of the buffered data from ``start`` (clipped to the buffer)."""
        acc, gyro, start = self._window(start)
        self._count(acc.shape[0])
        return _rep_signals(acc, fs_hz=self.fs_hz, gyro_rad_s=gyro), start

    def _measure(
        self, reps: list[Rep], sig: RepSignals, start: int, *, context: bool = True
    ) -> list[RepQuality]:
        """Measure ``reps`` (index clock) on ``sig`` (window from ``start``), the previous
        emitted rep as context; index-clock results for ``reps`` only."""
        t0 = start / self.fs_hz
        prev = self._last_rep if context else None
        # the previous rep bounds this one's phase search (its impact, else its start)
        key = (
            None if prev is None else (prev.impact_s if prev.impact_s is not None else prev.start_s)
        )
        ctx = [prev] if prev is not None and key is not None and key >= t0 else []
        local = [shift_rep(r, -t0) for r in [*ctx, *reps]]
        return [shift_quality(q, t0) for q in measure_reps(self.exercise, local, sig)[len(ctx) :]]

    def _count(self, n: int) -> None:
        self.samples_analysed += n
        self.max_window_n = max(self.max_window_n, n)
        self.analyses += 1
        self._last_analysis = self._n

    def _flag(self, q: RepQuality) -> RepQuality:
        """``q`` flagged against the baseline or the reps emitted so far (never future ones).

        :func:`quality.flag_reps` compares each rep with the median of the others; a long
        history is passed as ``min_baseline_reps - 1`` copies of its medians, which gives the
        same references at a cost that does not grow with the session."""
        hist = self._history
        m = self.config.min_baseline_reps
        if len(hist) > m:
            hist = [summary_rep(self._history, self.exercise, m - 1)] * (m - 1)
        return flag_reps([*hist, q], baseline=self.baseline, config=self.config)[-1]

    def _emit(self, q: RepQuality, key_s: float, rep: Rep, end_s: float) -> RepEvent:
        """Record the flagged rep ``q`` (index clock) and its event on the true clock."""
        self._history.append(q)
        self._last_key_s = key_s
        self._last_rep = rep
        c = self._clock

        def opt(x: float | None) -> float | None:
            return None if x is None else c(x)

        true_q = replace(
            q,
            start_s=c(q.start_s),
            end_s=c(q.end_s),
            rise_start_s=opt(q.rise_start_s),
            rise_end_s=opt(q.rise_end_s),
        )
        now_s = c((self._n - 1) / self.fs_hz) + 1.0 / self.fs_hz
        return RepEvent(
            time_s=now_s, quality=true_q, rep_end_s=c(end_s), impact_s=opt(rep.impact_s)
        )


def timed_s(q: RepQuality) -> float | None:
    """The duration the rushed rules judge (as in quality.flag_reps)."""
    ph = q.phases_s
    if q.exercise == "heel_drop":
        return ph["rise"] + ph["hold"] if "rise" in ph and "hold" in ph else None
    if q.exercise == "hop":
        return ph.get("contact")
    return q.cycle_s


def summary_rep(history: list[RepQuality], exercise: str, min_n: int) -> RepQuality:
    """One rep holding the medians of ``history`` (None where fewer than ``min_n`` values)."""

    def med(xs: list[float | None]) -> float | None:
        v = [x for x in xs if x is not None]
        return float(np.median(v)) if len(v) >= min_n else None

    t = med([timed_s(q) for q in history])
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
        smooth_window_s=med([q.smooth_window_s for q in history]),
    )


def shift_rep(r: Rep, dt: float) -> Rep:
    imp = None if r.impact_s is None else r.impact_s + dt
    return replace(r, start_s=r.start_s + dt, end_s=r.end_s + dt, impact_s=imp)


def shift_quality(q: RepQuality, t0: float) -> RepQuality:
    def sh(x: float | None) -> float | None:
        return None if x is None else x + t0

    return replace(
        q,
        start_s=q.start_s + t0,
        end_s=q.end_s + t0,
        rise_start_s=sh(q.rise_start_s),
        rise_end_s=sh(q.rise_end_s),
    )
