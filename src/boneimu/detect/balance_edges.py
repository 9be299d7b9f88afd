"""Balance hold edges: where a hold starts (the end of the step in), where it ends (the
first touch-down of the free foot or the start of the step out), and which quiet stretches are
one hold broken by a touch-down rather than two holds with a step between them.

Movement is read from |a| (no tilt correction or heading needed); steps from the horizontal
acceleration about the mean gravity direction. See docs/algorithms/balance.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from boneimu.detect.events import Bout
from boneimu.metrics.sway import MIN_HOLD_S
from boneimu.signal.filters import lowpass, norm
from boneimu.signal.orientation import still_mask
from boneimu.units import STANDARD_GRAVITY_M_S2

MERGE_GAP_S = 3.0
"""Quiet bouts at most this far apart are one hold interrupted by a touch-down."""
TOUCHDOWN_G = 0.12
"""A transient of |a| this far (g) from the hold's median marks a touch-down or step."""
TOUCHDOWN_LOOKAHEAD_S = 0.5
"""The touch-down that ends a quiet bout lies up to this long after the bout's end: half the
segmenter's centred 1 s moving-SD window, which turns loud that long before the footfall."""
STEP_IN_DEV_M_S2 = 0.2
"""|a| (:data:`STEP_IN_LOWPASS_HZ` low-pass) departing this far (m/s², ~0.02 g) from the
quiet stance's median is movement: a step's vertical push and footfall. Quiet stance, even
swaying hard on one leg, barely changes |a| (the sway is horizontal and tilt does not change
|a|)."""
STEP_IN_LOWPASS_HZ = 5.0
STEP_IN_LOOKBACK_S = 2.0
STEP_IN_SEARCH_S = 1.0
"""The hold starts where the last movement before the quiet stance ends, looked for from
:data:`STEP_IN_LOOKBACK_S` before the quiet bout's start to :data:`STEP_IN_SEARCH_S` into it
(the segmenter's centred 1 s window starts a bout up to ~0.5 s after the last step, and a
small, sharp footfall can lie inside it)."""
STEP_OUT_LOOKBACK_S = 1.0
STEP_OUT_SEARCH_S = 2.0
STEP_OUT_MIN_S = 0.15
"""The hold ends (when no touch-down ends it first) where the step out of the stance starts:
the first movement lasting at least :data:`STEP_OUT_MIN_S` (a step's push lasts 0.2 s or
more; a one-sample glitch or a far-off tap does not) from :data:`STEP_OUT_LOOKBACK_S` before
the quiet bout's end to :data:`STEP_OUT_SEARCH_S` after it; the bout's end when none."""
TOUCHDOWN_SETTLE_S = 1.0
"""No touch-down is looked for this soon after the hold's start: a footfall that early
belongs to stepping in (the free foot finding its place)."""
QUIET_SD_G = 0.03
"""Moving SD of |a| (g, 1 s window) below which the stance is quiet (as the segmenter)."""
STEP_HORIZONTAL_M_S2 = 1.0
"""Peak horizontal trunk acceleration (:data:`STEP_LOWPASS_HZ` low-pass) above which a break in
a quiet stance is a step (a weight shift: stepping in or out of the stance), not a touch-down
of the free foot."""
STEP_LOWPASS_HZ = 3.0
"""A step's weight shift lasts 0.45-1 s (1-2.2 Hz): this low-pass keeps it (2 Hz halved the
quickest steps roughly) and drops the footfall's impulse."""
PREFIX_MIN_S = 3.0
PREFIX_LOOKBACK_S = 12.0
"""A quiet stretch this long just before a hold, ended by a touch-down, is the hold's start."""


def step_peak_m_s2(acc_m_s2: NDArray[np.floating], *, fs_hz: float) -> float:
    """Peak horizontal acceleration (m/s², :data:`STEP_LOWPASS_HZ` low-pass, about the
    stretch's mean direction of gravity) of a break between two quiet stretches."""
    a = np.asarray(acc_m_s2, dtype=np.float64)
    if a.shape[0] < 8:
        return 0.0
    up = a.mean(axis=0)
    up /= np.linalg.norm(up)
    h = a - np.outer(a @ up, up)
    h = lowpass(
        h - h.mean(axis=0), cutoff_hz=min(STEP_LOWPASS_HZ, 0.4 * fs_hz), fs_hz=fs_hz, order=2
    )
    return float(np.max(norm(h)))


def is_step(acc_m_s2: NDArray[np.floating], *, fs_hz: float, start_s: float, end_s: float) -> bool:
    """True when the break from ``start_s`` to ``end_s`` (padded by 0.5 s) is a step."""
    i0 = max(0, round((start_s - 0.5) * fs_hz))
    i1 = min(len(acc_m_s2), round((end_s + 0.5) * fs_hz))
    return step_peak_m_s2(acc_m_s2[i0:i1], fs_hz=fs_hz) > STEP_HORIZONTAL_M_S2


def merge_holds(
    bouts: Sequence[Bout],
    *,
    max_gap_s: float = MERGE_GAP_S,
    acc_m_s2: NDArray[np.floating] | None = None,
    fs_hz: float | None = None,
) -> list[Bout]:
    """Join balance bouts separated by at most ``max_gap_s`` (a touch-down between them);
    with the acceleration given, not across a step (:func:`is_step`)."""
    out: list[Bout] = []
    for b in sorted(bouts, key=lambda x: x.start_s):
        if (
            out
            and b.start_s - out[-1].end_s <= max_gap_s
            and (
                acc_m_s2 is None
                or fs_hz is None
                or not is_step(acc_m_s2, fs_hz=fs_hz, start_s=out[-1].end_s, end_s=b.start_s)
            )
        ):
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


def _movement(acc_m_s2: NDArray[np.floating], *, fs_hz: float, ref: slice) -> NDArray[np.bool_]:
    """Samples where |a| (:data:`STEP_IN_LOWPASS_HZ` low-pass) departs by more than
    :data:`STEP_IN_DEV_M_S2` from its median over ``ref`` (the quiet stance)."""
    m = norm(np.asarray(acc_m_s2, dtype=np.float64))
    if 0.4 * fs_hz > STEP_IN_LOWPASS_HZ:
        m = lowpass(m, cutoff_hz=STEP_IN_LOWPASS_HZ, fs_hz=fs_hz, order=2)
    return np.abs(m - np.median(m[ref])) > STEP_IN_DEV_M_S2


def step_in_end(
    acc_m_s2: NDArray[np.floating], *, fs_hz: float, start_s: float, end_s: float
) -> float:
    """Time (s) the step into the stance ends for a quiet bout from ``start_s`` to ``end_s``:
    the end of the last movement (:func:`_movement`) from :data:`STEP_IN_LOOKBACK_S` before
    the bout's start to :data:`STEP_IN_SEARCH_S` into it; the bout's start when there is none."""
    n = len(acc_m_s2)
    i0 = max(0, round((start_s - STEP_IN_LOOKBACK_S) * fs_hz))
    b0 = round(start_s * fs_hz)
    i1 = min(n, round(end_s * fs_hz))
    look = min(i1, b0 + round(STEP_IN_SEARCH_S * fs_hz))
    if i1 - look < MIN_HOLD_S * fs_hz:
        return start_s
    moving = _movement(acc_m_s2[i0:i1], fs_hz=fs_hz, ref=slice(look - i0, None))
    hit = np.flatnonzero(moving[: look - i0])
    return (i0 + hit[-1] + 1) / fs_hz if hit.size else start_s


def step_out_start(
    acc_m_s2: NDArray[np.floating], *, fs_hz: float, start_s: float, end_s: float
) -> float:
    """Time (s) the step out of the stance starts for a quiet bout from ``start_s`` to
    ``end_s``: the first movement (:func:`_movement`) of at least :data:`STEP_OUT_MIN_S` from
    :data:`STEP_OUT_LOOKBACK_S` before the bout's end to :data:`STEP_OUT_SEARCH_S` after it;
    the bout's end when there is none."""
    n = len(acc_m_s2)
    b0 = max(0, round(start_s * fs_hz))
    b1 = min(n, round(end_s * fs_hz))
    j0 = max(b0, b1 - round(STEP_OUT_LOOKBACK_S * fs_hz))
    j1 = min(n, b1 + round(STEP_OUT_SEARCH_S * fs_hz))
    if j0 - b0 < MIN_HOLD_S * fs_hz or j1 <= j0:
        return end_s
    moving = _movement(acc_m_s2[b0:j1], fs_hz=fs_hz, ref=slice(0, j0 - b0))[j0 - b0 :]
    edges = np.diff(np.concatenate([[0], moving.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    long_ = np.flatnonzero(ends - starts >= max(1, round(STEP_OUT_MIN_S * fs_hz)))
    return (j0 + starts[long_[0]]) / fs_hz if long_.size else end_s


def with_prefix(
    hold: Bout, acc_m_s2: NDArray[np.floating], *, fs_hz: float, blocked: Sequence[Bout] = ()
) -> Bout:
    """``hold`` started earlier when a quiet stretch of at least :data:`PREFIX_MIN_S` (too
    short for the segmenter) ends at most :data:`MERGE_GAP_S` before it and the break between
    them is a touch-down, not a step: a hold ended early by a touch-down and resumed."""
    i1 = min(len(acc_m_s2), round(hold.start_s * fs_hz))
    i0 = max(0, i1 - round((PREFIX_LOOKBACK_S + MERGE_GAP_S) * fs_hz))
    if i1 - i0 < PREFIX_MIN_S * fs_hz:
        return hold
    quiet = still_mask(acc_m_s2[i0:i1], fs_hz=fs_hz, window_s=1.0, sd_g=QUIET_SD_G)
    edges = np.diff(np.concatenate([[0], quiet.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    ok = (ends - starts >= PREFIX_MIN_S * fs_hz) & (ends < quiet.size - 1)
    ok &= (i1 - i0 - ends) <= MERGE_GAP_S * fs_hz
    if not ok.any():
        return hold
    k = np.flatnonzero(ok)[-1]
    pre_start_s, pre_end_s = (i0 + starts[k]) / fs_hz, (i0 + ends[k]) / fs_hz
    if any(b.start_s < hold.start_s and pre_start_s < b.end_s for b in blocked):
        return hold
    if is_step(acc_m_s2, fs_hz=fs_hz, start_s=pre_end_s, end_s=hold.start_s):
        return hold
    return Bout(kind="balance", start_s=pre_start_s, end_s=hold.end_s)
