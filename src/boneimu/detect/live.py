"""Streaming rep quality: push chunks of samples, get rep events (with rushed/jerky flags) as
reps end, so a live recorder can cue "slow down" right after a rushed rep.

:class:`LiveRepMonitor` keeps the last ``window_s`` seconds in fixed-size ring buffers and,
once per ``step_s`` of new data, runs the same detectors and per-rep computations as the
offline path (:mod:`boneimu.detect.impacts`, :mod:`boneimu.detect.sts`,
:mod:`boneimu.detect.quality`) on the buffered window, vectorised per step. A rep is emitted
once the data it needs is in: heel drops and hops :data:`IMPACT_SETTLE_S` after the impact
(the heel-drop check needs a short quiet stretch after landing; the live detector looks at
0.1-0.5 s after it instead of the offline 0.5-0.9 s), sit-to-stands 0.3 s after the descent
that follows the rise has ended (the person is seated again). The baseline is the person's
history when given, else the reps already emitted in this stream (past reps only, unlike the
offline set baseline).
Hook: ``Recorder(on_samples=monitor.on_samples)`` (boneimu.ble.recorder). See
docs/algorithms/rep_quality.md, "Streaming".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from boneimu.detect.impacts import ImpactRepDetector
from boneimu.detect.quality import QualityConfig, RepQuality, flag_reps, measure_reps, rep_signals
from boneimu.detect.sts import SitToStandDetector
from boneimu.errors import AnalysisError
from boneimu.signal.orientation import vertical_parts
from boneimu.units import STANDARD_GRAVITY_M_S2

IMPACT_SETTLE_S = 0.55
"""Impact reps are emitted this long after the impact (the rep ends 0.3 s after it)."""
IMPACT_MIN_SEPARATION_S = 0.15
STS_EMIT_AFTER_S = 0.3
"""A sit-to-stand is emitted this long after its descent ends (the person is seated)."""
STS_MAX_WAIT_S = 8.0
"""... or this long after the rise when no descent is found."""
STS_MIN_SEPARATION_S = 1.0


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
        step_s: float = 0.1,
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
        self.cap = max(round(window_s * fs_hz), round(8.0 * fs_hz))
        self.step_n = max(1, round(step_s * fs_hz))
        self.baseline = baseline
        self.config = config or QualityConfig()
        self.on_rep = on_rep
        self._acc = np.zeros((self.cap, 3))
        self._gyro = np.full((self.cap, 3), np.nan)
        self._has_gyro = False
        self._n = 0  # samples pushed in total
        self._since = 0
        self._t0_ns: int | None = None
        self._last_key_s = -np.inf
        self.events: list[RepEvent] = []

    def _window(self) -> tuple[NDArray[np.float64], NDArray[np.float64] | None, int]:
        k = min(self._n, self.cap)
        start = self._n - k
        idx = (np.arange(start, self._n)) % self.cap
        gyro = self._gyro[idx] if self._has_gyro else None
        return self._acc[idx], gyro, start

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
        if k > self.cap:  # only the newest cap samples can matter
            acc = acc[-self.cap :]
            gyro_rad_s = None if gyro_rad_s is None else np.asarray(gyro_rad_s)[-self.cap :]
            self._n += k - self.cap
            k = self.cap
        idx = (np.arange(self._n, self._n + k)) % self.cap
        self._acc[idx] = acc
        if gyro_rad_s is not None:
            self._has_gyro = True
            self._gyro[idx] = np.asarray(gyro_rad_s, dtype=np.float64).reshape(-1, 3)
        self._n += k
        self._since += k
        if self._since < self.step_n or self._n < round(3.0 * self.fs_hz):
            return []
        self._since = 0
        return self._analyse()

    def on_samples(
        self,
        time_ns: NDArray[np.int64],
        acc_m_s2: NDArray[np.float64],
        gyro_rad_s: NDArray[np.float64] | None,
    ) -> None:
        """The BLE recorder's hook (``Recorder(on_samples=monitor.on_samples)``); events go
        to ``on_rep`` and :attr:`events`."""
        self.push(time_ns, acc_m_s2, gyro_rad_s)

    def _analyse(self) -> list[RepEvent]:
        fs = self.fs_hz
        acc, gyro, start = self._window()
        t0 = start / fs
        now_s = self._n / fs
        if self.exercise == "sit_to_stand":
            vp = vertical_parts(acc, fs_hz=fs, gyro_rad_s=gyro)
            det = SitToStandDetector().detect(vp.vertical_m_s2, vp.resultant_g, vp.up, fs_hz=fs)
            reps = det.reps_
            keys = [r.end_s + t0 for r in reps]
            gap = STS_MIN_SEPARATION_S
        else:
            res = np.sqrt(np.einsum("ij,ij->i", acc, acc)) / STANDARD_GRAVITY_M_S2
            det_i = ImpactRepDetector(post_gap_s=0.1).detect(res, fs_hz=fs)
            reps = [r for r in det_i.reps_ if r.exercise == self.exercise]
            reps = [r for r in reps if (r.impact_s or 0.0) + IMPACT_SETTLE_S <= now_s - t0]
            keys = [(r.impact_s or r.end_s) + t0 for r in reps]
            gap = IMPACT_MIN_SEPARATION_S
        new = [j for j, k in enumerate(keys) if k > self._last_key_s + gap]
        if not new:
            return []
        sig = rep_signals(acc, fs_hz=fs, gyro_rad_s=gyro)
        # measure with the previous rep as context (heel-drop window)
        lo = max(0, new[0] - 1)
        measured = measure_reps(self.exercise, reps[lo:], sig)[new[0] - lo :]
        history = [e.quality for e in self.events]
        out: list[RepEvent] = []
        for j, q in zip(new, measured, strict=False):
            q = _shift(q, t0)
            end = _movement_end(q)
            if self.exercise == "sit_to_stand":
                done = "descent" in q.phases_s and end + STS_EMIT_AFTER_S <= now_s
                if not (done or q.end_s + STS_MAX_WAIT_S <= now_s):
                    break  # wait for the descent (part of the rep's tempo)
            # judged against the history baseline or the reps already emitted (never future ones)
            flagged = flag_reps([*history, q], baseline=self.baseline, config=self.config)[-1]
            ev = RepEvent(time_s=now_s, quality=flagged, rep_end_s=end)
            history.append(flagged)
            out.append(ev)
            self._last_key_s = keys[j]
        self.events += out
        if self.on_rep is not None:
            for ev in out:
                self.on_rep(ev)
        return out


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
