"""Live decisions for impact exercises: heel drops and hops (:mod:`boneimu.detect.live`).

A heel drop ends at its impact; it is decided :data:`HEEL_DECIDE_S` after it (the phase
timing needs the 0.12 s in which the impact stops the fall), in one analysis: the rep
signals of the window, the impact detector on their |a|, the offline detector's fall test
(:func:`falling`: the vertical velocity needs the signals' gravity-removed vertical
acceleration, which the detector alone is not given here), then measure, flag and emit.
Only one impact per :data:`HEEL_MIN_SEPARATION_S` is a rep (the detector's "one drop,
one impact" window), as the later peaks of that window are not yet in the data when the
first is decided.

A hop rep is its flight plus the ground contact after its landing, so it ends at the next
take-off. The landing is found :data:`HOP_DETECT_S` after it; the rep is decided when the
take-off is in the data (the contact is measured), or as soon as the contact has lasted
longer than the rushed threshold (it cannot be rushed any more: emitted without a contact
time; the contact is filled in for the baseline once the take-off comes), at the latest
:data:`HOP_MAX_WAIT_S` after the landing (a set's last hop: the landing is its end).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from boneimu.detect.events import Rep
from boneimu.detect.live_base import (
    IMPACT_CONTEXT_S,
    TAKEOFF_RUN_S,
    MonitorBase,
    RepEvent,
    shift_rep,
    timed_s,
)
from boneimu.detect.quality import RepSignals, hop_phases
from boneimu.signal.filters import highpass, lowpass

HEEL_DECIDE_S = 0.13
"""Heel drops are decided this long after the impact (the phases need 0.12 s)."""
HEEL_PREV_CONTEXT_S = 0.65
"""The window starts at most this long before the previous emitted impact (its rise search
starts 0.35-0.7 s after that impact, filter settling needs about 1 s)."""
HEEL_MIN_SEPARATION_S = 0.5
"""One heel drop per this much time (the detector's ``push_window_s``)."""
FALL_CONTEXT_S = 1.2
"""The fall test's vertical velocity is computed on this much data before the impact."""
HOP_DETECT_S = 0.15
"""A landing is classified once this much data follows it (low-pass edge, peak spacing)."""
HOP_MAX_WAIT_S = 0.3
"""A hop with no take-off after it is emitted this long after its landing."""
HOP_MIN_SEPARATION_S = 0.15
IMPACT_TRIGGER_FRACTION = 0.9
"""An impact analysis is triggered by raw |a| >= this fraction of the detector's peak level."""


class ImpactSteps(MonitorBase):
    """Heel-drop and hop decisions (mixed into :class:`boneimu.detect.live.LiveRepMonitor`)."""

    _pending: list[Rep]
    _retry_hop = -1
    _limit_s: float | None = None  # hop: shortest contact not rushed (cached)

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

    def _impacts(self, res: np.ndarray, start: int, lo: int, hi: int, sep_s: float) -> list[Rep]:
        """Reps of this exercise on ``res`` (window from ``start``) whose impact sample is in
        [lo, hi), index clock, at least ``sep_s`` after the previous emitted rep."""
        fs = self.fs_hz
        det = self._detector.detect(res, fs_hz=fs)
        t0 = start / fs
        out = []
        for r in det.reps_:
            if r.exercise != self.exercise or r.impact_s is None:
                continue
            i = start + round(r.impact_s * fs)
            if lo <= i < hi and r.impact_s + t0 > self._last_key_s + sep_s:
                out.append(shift_rep(r, t0))
        return out

    # ------------------------------------------------------------- heel drops
    def _step_heel(self) -> list[RepEvent]:
        """Impacts HEEL_DECIDE_S old: signals, detection, fall test, measure, flag, emit (the
        measuring and flagging cost little next to the signals and the detector)."""
        fs, n = self.fs_hz, self._n
        hd = n - round(HEEL_DECIDE_S * fs)
        first = self._triggers(self._undecided, hd)
        out = []
        if first is not None:
            start = first - round(IMPACT_CONTEXT_S * fs)
            prev = self._last_rep
            if prev is not None and prev.impact_s is not None:
                # the rise is searched from the previous landing's recovery on
                # (quality.HEEL_RECOVERY_S, at least 0.35 s): keep the filters' second before
                start = max(start, round((prev.impact_s - HEEL_PREV_CONTEXT_S) * fs))
            sig, start = self._signals(start)
            t0 = start / fs
            for r in self._impacts(sig.resultant_g, start, self._undecided, hd, 0.0):
                key = r.impact_s or r.end_s
                if key <= self._last_key_s + HEEL_MIN_SEPARATION_S:
                    continue
                if not falling(sig, round((key - t0) * fs)):
                    continue
                # one at a time: each emitted rep is the context of the next
                q = self._flag(self._measure([r], sig, start)[0])
                out.append(self._emit(q, key, r, key))
        self._undecided = max(self._undecided, hd)
        return out

    # ------------------------------------------------------------------ hops
    def _step_hop(self) -> list[RepEvent]:
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
            start = max(first - round(IMPACT_CONTEXT_S * fs), self._n - self.cap, 0)
            res = self._res[self._slice(start, n)]
            self._count(res.size)
            reps = self._impacts(res, start, self._undecided, hdet, HOP_MIN_SEPARATION_S)
            # detected early, the rep's end (0.3 s after landing) may be cut at the data end
            end_n = round(0.3 * fs) / fs
            self._pending += [replace(r, end_s=(r.impact_s or r.end_s) + end_n) for r in reps]
        self._undecided = max(self._undecided, hdet)
        return []

    def _decide_hop(self, r: Rep, land: int) -> list[RepEvent]:
        fs, n = self.fs_hz, self._n
        sig, start = self._signals(land - round(IMPACT_CONTEXT_S * fs))
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
        self._limit_s = None
        key = r.impact_s or r.end_s
        end = key + q.phases_s.get("contact", 0.0)
        return [self._emit(self._flag(q), key, r, end)]

    def _contact_limit_s(self) -> float:
        """A hop contact at least this long cannot be flagged rushed (the floor, or the
        baseline ratio x the reference contact capped at ``max_rushed_contact_s``, both x
        sensitivity, as :func:`quality.flag_reps` judges it)."""
        if self._limit_s is None:
            cfg = self.config
            sens = cfg.sensitivity
            limit = cfg.min_contact_s * sens
            own = _baseline_contacts(self.baseline)
            past = [x for x in (timed_s(q) for q in self._history) if x is not None]
            ref = None
            if len(own) >= cfg.min_baseline_reps:
                ref = float(np.median(own))
            elif len(past) >= cfg.min_baseline_reps - 1:
                ref = float(np.median(past))
            if ref is not None:
                # as flag_reps: a contact of max_rushed_contact_s or more is never rushed,
                # so the ratio limit need not wait past it
                ratio = min(0.95, cfg.baseline_ratio["hop"] * sens) * ref
                limit = max(limit, min(ratio, cfg.max_rushed_contact_s * sens))
            self._limit_s = limit
        return self._limit_s


def falling(sig: RepSignals, impact_i: int) -> bool:
    """The offline detector's fall test (``ImpactRepDetector.min_fall_velocity_m_s``): the
    body falls (vertical velocity from the 8 Hz vertical acceleration, integrated and
    high-passed at 0.3 Hz, reaches the threshold downward within ``fall_window_s`` before
    the impact). Computed on :data:`FALL_CONTEXT_S` before the impact only."""
    from boneimu.detect.impacts import ImpactRepDetector

    det = ImpactRepDetector()
    fs = sig.fs_hz
    lo = max(0, impact_i - round(FALL_CONTEXT_S * fs))
    hi = min(sig.vertical_m_s2.size, impact_i + round(HEEL_DECIDE_S * fs))
    if impact_i - lo < round(0.5 * fs) or hi <= impact_i:
        return True  # too little context to judge: the offline path would see more
    av = lowpass(sig.vertical_m_s2[lo:hi], cutoff_hz=min(8.0, 0.4 * fs), fs_hz=fs, order=2)
    vz = highpass(np.cumsum(av) / fs, cutoff_hz=0.3, fs_hz=fs, order=2)
    p = impact_i - lo
    w = max(1, round(det.fall_window_s * fs))
    return bool(np.max(-vz[max(0, p - w) : p + 1]) >= det.min_fall_velocity_m_s)


def _baseline_contacts(baseline: object | None) -> list[float]:
    if baseline is None or getattr(baseline, "exercise", "hop") != "hop":
        return []
    return list((getattr(baseline, "phases_s", {}) or {}).get("contact", ()))
