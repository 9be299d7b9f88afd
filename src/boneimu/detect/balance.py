"""Balance holds: hold time until a touch-down or step, sway after tilt correction, stance.

Input: the quiet, upright stance bouts the segmenter found (``Bout(kind="balance")``,
boneimu.detect.segment: moving SD of |a| below 0.03 g for >= 10 s). A touch-down (the free
foot tapping the floor) or a step is a short transient that breaks such a bout, so bouts
separated by at most :data:`MERGE_GAP_S` are one hold; the hold time runs from the start to
the first touch-down, found as the first transient of |a| (20 Hz low-pass, median removed)
above :data:`TOUCHDOWN_G`. Sway measures are boneimu.metrics.sway (Moe-Nilssen tilt
correction, ISway measures, 0-100 score) over the hold before the first touch-down.
Stance from the sway's mean frequency is PROVISIONAL: see docs/algorithms/balance.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from boneimu.detect.events import Bout
from boneimu.errors import AnalysisError
from boneimu.labels import Stance
from boneimu.metrics.sway import MIN_HOLD_S, SwayMetrics, sway_metrics, sway_score
from boneimu.results import BalanceResult
from boneimu.signal.filters import lowpass, norm
from boneimu.units import STANDARD_GRAVITY_M_S2

MERGE_GAP_S = 3.0
"""Quiet bouts at most this far apart are one hold interrupted by a touch-down."""
TOUCHDOWN_G = 0.12
"""A transient of |a| this far (g) from the hold's median marks a touch-down or step."""
TOUCHDOWN_GUARD_S = 0.3
"""Sway is computed up to this long before the touch-down (the foot starts moving earlier)."""
STANCE_MEAN_FREQ_HZ = (0.5, 0.8)
"""Provisional stance bands on the sway's mean frequency (Hz): below the first two-leg, at or
above the second single-leg, between them unknown."""


def merge_holds(bouts: Sequence[Bout], *, max_gap_s: float = MERGE_GAP_S) -> list[Bout]:
    """Join balance bouts separated by at most ``max_gap_s`` (a touch-down between them)."""
    out: list[Bout] = []
    for b in sorted(bouts, key=lambda x: x.start_s):
        if out and b.start_s - out[-1].end_s <= max_gap_s:
            out[-1] = Bout(kind="balance", start_s=out[-1].start_s, end_s=b.end_s)
        else:
            out.append(b)
    return out


def first_touchdown(acc_m_s2: NDArray[np.floating], *, fs_hz: float) -> int | None:
    """Index of the first touch-down/step transient in a hold's (n, 3) acceleration, or None."""
    a = norm(np.asarray(acc_m_s2, dtype=np.float64)) / STANDARD_GRAVITY_M_S2
    if a.size < 8:
        return None
    a = lowpass(a, cutoff_hz=min(20.0, 0.4 * fs_hz), fs_hz=fs_hz, order=2)
    dev = np.abs(a - np.median(a))
    hit = np.flatnonzero(dev > TOUCHDOWN_G)
    return int(hit[0]) if hit.size else None


def classify_stance(m: SwayMetrics) -> Stance:
    """single_leg / two_leg when the sway's mean frequency says so clearly, else unknown.

    Harder stances need faster corrections, so the horizontal sway's mean frequency rises
    from two-leg to tandem to single-leg stance, largely independent of how much a person
    sways (PROVISIONAL bands, :data:`STANCE_MEAN_FREQ_HZ`, chosen on simulated holds; not yet
    checked on real recordings). Tandem overlaps both and is never claimed."""
    lo, hi = STANCE_MEAN_FREQ_HZ
    if m.mean_freq_hz >= hi:
        return "single_leg"
    if m.mean_freq_hz < lo:
        return "two_leg"
    return "unknown"


def assess_hold(
    acc_m_s2: NDArray[np.floating], *, fs_hz: float, start_s: float, end_s: float
) -> BalanceResult | None:
    """One hold from the recording's (n, 3) acceleration and the hold's bounds (s from the
    first sample). None when the part before the first touch-down is too short for sway."""
    n = len(acc_m_s2)
    i0, i1 = max(0, round(start_s * fs_hz)), min(n, round(end_s * fs_hz))
    seg = np.asarray(acc_m_s2[i0:i1], dtype=np.float64)
    td = first_touchdown(seg, fs_hz=fs_hz)
    hold_n = seg.shape[0] if td is None else td
    stop = max(0, hold_n - (0 if td is None else round(TOUCHDOWN_GUARD_S * fs_hz)))
    if stop < MIN_HOLD_S * fs_hz:
        return None
    try:
        m = sway_metrics(seg[:stop], fs_hz=fs_hz)
    except AnalysisError:
        return None
    metrics = m.as_dict()
    metrics["touchdowns"] = 0.0 if td is None else 1.0
    return BalanceResult(
        start_s=start_s,
        end_s=end_s,
        stance=classify_stance(m),
        sway_score=round(float(sway_score(m)), 2),
        hold_s=round(hold_n / fs_hz, 3),
        metrics=metrics,
    )


def assess_balance(
    bouts: Sequence[Bout], acc_m_s2: NDArray[np.floating], *, fs_hz: float
) -> list[BalanceResult]:
    """Balance results for the segmenter's balance bouts (merged across touch-downs)."""
    held = merge_holds([b for b in bouts if b.kind == "balance"])
    out = [assess_hold(acc_m_s2, fs_hz=fs_hz, start_s=b.start_s, end_s=b.end_s) for b in held]
    return [r for r in out if r is not None]
