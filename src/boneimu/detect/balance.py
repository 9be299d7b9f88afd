"""Balance holds: hold time until a touch-down or step, sway after tilt correction, stance.

Input: the quiet, upright stance bouts the segmenter found (``Bout(kind="balance")``,
boneimu.detect.segment: moving SD of |a| below 0.03 g for >= 10 s). Quiet stance between two
sets of one exercise is a rest, not a hold; quiet stance between two holds classified as one
stance is reported marked ``probable_rest``. Bouts separated by a touch-down of the free foot
(a brief break without a weight-shifting step) are one hold, including a quiet stretch too
short for the segmenter just before it. The hold starts where the step into the stance ends
(the last movement of |a|, :func:`step_in_end`) and runs to the first touch-down (a transient
of |a| above :data:`TOUCHDOWN_G`) or to where the step out starts (:func:`step_out_start`).
Sway measures are boneimu.metrics.sway (Moe-Nilssen tilt correction, ISway measures, 0-100
score). Stance from the sway spectrum is PROVISIONAL: see docs/algorithms/balance.md.
Hold edges live in :mod:`boneimu.detect.balance_edges`, the stance in
:mod:`boneimu.detect.balance_stance`; this module re-exports their public names.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from boneimu.detect.balance_edges import (
    MERGE_GAP_S,
    PREFIX_LOOKBACK_S,
    PREFIX_MIN_S,
    QUIET_SD_G,
    STEP_HORIZONTAL_M_S2,
    STEP_IN_DEV_M_S2,
    STEP_IN_LOOKBACK_S,
    STEP_IN_LOWPASS_HZ,
    STEP_IN_SEARCH_S,
    STEP_LOWPASS_HZ,
    STEP_OUT_LOOKBACK_S,
    STEP_OUT_MIN_S,
    STEP_OUT_SEARCH_S,
    TOUCHDOWN_G,
    TOUCHDOWN_LOOKAHEAD_S,
    TOUCHDOWN_SETTLE_S,
    first_touchdown,
    is_step,
    merge_holds,
    step_in_end,
    step_out_start,
    step_peak_m_s2,
    with_prefix,
)
from boneimu.detect.balance_stance import (
    CORRECTIVE_SPLIT_HZ,
    STANCE_BANDS,
    classify_stance,
    corrective_fraction,
    horizontal_corrective_fraction,
)
from boneimu.detect.events import Bout
from boneimu.errors import AnalysisError
from boneimu.metrics.sway import MIN_HOLD_S, horizontal_sway, sway_metrics, sway_score
from boneimu.results import BalanceResult

__all__ = [
    "CORRECTIVE_SPLIT_HZ",
    "EXERCISE_KINDS",
    "MERGE_GAP_S",
    "PREFIX_LOOKBACK_S",
    "PREFIX_MIN_S",
    "QUIET_SD_G",
    "STANCE_BANDS",
    "STEP_HORIZONTAL_M_S2",
    "STEP_IN_DEV_M_S2",
    "STEP_IN_LOOKBACK_S",
    "STEP_IN_LOWPASS_HZ",
    "STEP_IN_SEARCH_S",
    "STEP_LOWPASS_HZ",
    "STEP_OUT_LOOKBACK_S",
    "STEP_OUT_MIN_S",
    "STEP_OUT_SEARCH_S",
    "TOUCHDOWN_G",
    "TOUCHDOWN_LOOKAHEAD_S",
    "TOUCHDOWN_SETTLE_S",
    "assess_balance",
    "assess_hold",
    "classify_stance",
    "corrective_fraction",
    "first_touchdown",
    "is_step",
    "merge_holds",
    "rests_between_holds",
    "rests_between_sets",
    "step_in_end",
    "step_out_start",
    "step_peak_m_s2",
    "with_prefix",
]

TOUCHDOWN_GUARD_S = 0.3
"""Sway is computed up to this long before the touch-down (the foot starts moving earlier)."""
SWAY_SETTLE_S = 0.5
"""Sway is measured from this long after the hold's start (the last footfall rings out)."""
SWAY_MIN_S = 10.0
"""Sway is measured before the first touch-down when that part is at least this long, else on
the longer part after it (from :data:`TOUCHDOWN_RECOVERY_S` after the touch-down)."""
TOUCHDOWN_RECOVERY_S = 1.5
EXERCISE_KINDS = ("heel_drop", "hop", "sit_to_stand")
"""Bout kinds that are exercise sets: quiet stance between two sets of one of them is a rest."""


def rests_between_sets(bouts: Sequence[Bout]) -> list[Bout]:
    """Balance bouts whose nearest other bouts on both sides are sets of one exercise: quiet
    standing between two sets is the rest between them, not a balance hold."""
    others = sorted((b for b in bouts if b.kind != "balance"), key=lambda b: b.start_s)
    starts = np.array([b.start_s for b in others])
    ends = np.array([b.end_s for b in others])
    out = []
    for b in bouts:
        if b.kind != "balance" or not others:
            continue
        before = np.flatnonzero(ends <= b.start_s + 0.5)
        after = np.flatnonzero(starts >= b.end_s - 0.5)
        if before.size and after.size:
            p = others[before[np.argmax(ends[before])]]
            q = others[after[np.argmin(starts[after])]]
            if p.kind in EXERCISE_KINDS and p.kind == q.kind:
                out.append(b)
    return out


def assess_hold(
    acc_m_s2: NDArray[np.floating],
    *,
    fs_hz: float,
    start_s: float,
    end_s: float,
    placement: str | None = None,
) -> BalanceResult | None:
    """One hold from the recording's (n, 3) acceleration and a quiet bout's bounds (s from the
    first sample). The hold starts where the step into the stance ends (:func:`step_in_end`)
    and runs to the first touch-down from :data:`TOUCHDOWN_SETTLE_S` on, which may lie up to
    :data:`TOUCHDOWN_LOOKAHEAD_S` after the bout's end (not across a step, :func:`is_step`),
    or to where the step out starts (:func:`step_out_start`), whichever comes first. Sway is
    measured from :data:`SWAY_SETTLE_S` after the start. None when the measured part is too
    short. ``placement``: the sensor's placement, for the stance (:func:`classify_stance`)."""
    n = len(acc_m_s2)
    start_s = step_in_end(acc_m_s2, fs_hz=fs_hz, start_s=start_s, end_s=end_s)
    i0, i1 = max(0, round(start_s * fs_hz)), min(n, round(end_s * fs_hz))
    seg = np.asarray(acc_m_s2[i0:i1], dtype=np.float64)
    if seg.shape[0] < MIN_HOLD_S * fs_hz:
        return None
    try:
        h, _ = horizontal_sway(seg, fs_hz=fs_hz)
    except AnalysisError:
        return None
    look_n = round(TOUCHDOWN_LOOKAHEAD_S * fs_hz)
    # the last step's footfall may still ring for a moment: no touch-down that early
    settle = min(round(SWAY_SETTLE_S * fs_hz), seg.shape[0] // 4)
    td_from = min(round(TOUCHDOWN_SETTLE_S * fs_hz), seg.shape[0] // 4)
    td = first_touchdown(acc_m_s2[i0 + td_from : min(n, i1 + 2 * look_n)], fs_hz=fs_hz)
    td = None if td is None else td + td_from
    if td is not None and td >= seg.shape[0] + look_n:
        td = None
    if (
        td is not None
        and td >= seg.shape[0]
        and is_step(acc_m_s2, fs_hz=fs_hz, start_s=end_s, end_s=(i0 + td) / fs_hz)
    ):
        td = None  # the bout ended in a step out of the stance, not a touch-down
    out_n = round(step_out_start(acc_m_s2, fs_hz=fs_hz, start_s=start_s, end_s=end_s) * fs_hz)
    out_n = max(settle, out_n - i0)
    if td is not None and td > out_n + round(STEP_OUT_MIN_S * fs_hz):
        td = None  # the step out's own footfall (a touch-down's own movement starts with it)
    hold_n = out_n if td is None else td
    stop = max(
        0, min(seg.shape[0], hold_n - (0 if td is None else round(TOUCHDOWN_GUARD_S * fs_hz)))
    )
    part = slice(settle, stop)
    resume = hold_n + round(TOUCHDOWN_RECOVERY_S * fs_hz)
    if stop - settle < SWAY_MIN_S * fs_hz and seg.shape[0] - resume > stop - settle:
        part = slice(resume, None)  # a short first part: measure sway on the longer one after
    if seg[part].shape[0] < MIN_HOLD_S * fs_hz:
        return None
    try:
        m = sway_metrics(seg[part], fs_hz=fs_hz)
    except AnalysisError:
        return None
    corrective = horizontal_corrective_fraction(h[part], fs_hz=fs_hz)
    metrics = m.as_dict()
    metrics["corrective_fraction"] = corrective
    metrics["touchdowns"] = 0.0 if td is None else 1.0
    return BalanceResult(
        start_s=round(start_s, 3),
        end_s=end_s,
        stance=classify_stance(m, corrective, placement=placement),
        sway_score=round(float(sway_score(m)), 2),
        hold_s=round(hold_n / fs_hz, 3),
        metrics=metrics,
    )


def assess_balance(
    bouts: Sequence[Bout],
    acc_m_s2: NDArray[np.floating],
    *,
    fs_hz: float,
    t_s: NDArray[np.floating] | None = None,
    placement: str | None = None,
) -> list[BalanceResult]:
    """Balance results for the segmenter's balance bouts: rests between two sets of one
    exercise dropped (:func:`rests_between_sets`), the rest merged across touch-downs
    (:func:`merge_holds`), started earlier when a touch-down broke the first seconds
    (:func:`with_prefix`), and probable rests between two holds marked
    (:func:`rests_between_holds`).

    ``t_s``: the recording's sample times (s from the first sample), in which the bouts are
    given; without it the samples are taken as uniform at ``fs_hz``. Pass it: a phone drops
    samples, and by the end of a 10 min session sample index / rate can lag the clock by
    0.5 s or more. ``placement``: the recording's sensor placement (``Recording.meta``); no
    stance is named for a sensor off the trunk (:func:`classify_stance`)."""
    if t_s is not None:
        t = np.asarray(t_s, dtype=np.float64)
        bouts = [_retime(b, lambda x: _index_time(t, x, fs_hz)) for b in bouts]
    rests = rests_between_sets(bouts)
    blocked = [b for b in bouts if b.kind != "balance"]
    rest_set = set(rests)  # equality as in a list, without a scan per bout
    cand = [b for b in bouts if b.kind == "balance" and b not in rest_set]
    held = merge_holds(cand, acc_m_s2=acc_m_s2, fs_hz=fs_hz)
    held = [with_prefix(b, acc_m_s2, fs_hz=fs_hz, blocked=blocked + rests) for b in held]
    out = [
        assess_hold(acc_m_s2, fs_hz=fs_hz, start_s=b.start_s, end_s=b.end_s, placement=placement)
        for b in held
    ]
    res = rests_between_holds([r for r in out if r is not None], blocked)
    if t_s is None:
        return res
    return [_result_in_clock_time(r, t, fs_hz) for r in res]


def _index_time(t_s: NDArray[np.float64], x_s: float, fs_hz: float) -> float:
    """Recording time ``x_s`` as sample index / ``fs_hz`` (the detector's working time)."""
    return float(np.searchsorted(t_s, x_s)) / fs_hz


def _clock_time(t_s: NDArray[np.float64], x_s: float, fs_hz: float) -> float:
    """Sample index / ``fs_hz`` back to the recording's time (extrapolated past the end)."""
    i = round(x_s * fs_hz)
    n = t_s.shape[0]
    return float(t_s[min(max(i, 0), n - 1)]) + max(0, i - n + 1) / fs_hz


def _retime(b: Bout, f: Callable[[float], float]) -> Bout:
    return dataclasses.replace(b, start_s=f(b.start_s), end_s=f(b.end_s))


def _result_in_clock_time(
    r: BalanceResult, t_s: NDArray[np.float64], fs_hz: float
) -> BalanceResult:
    start = _clock_time(t_s, r.start_s, fs_hz)
    upd: dict[str, float] = {"start_s": round(start, 3), "end_s": _clock_time(t_s, r.end_s, fs_hz)}
    if r.hold_s is not None:
        upd["hold_s"] = round(_clock_time(t_s, r.start_s + r.hold_s, fs_hz) - start, 3)
    return r.model_copy(update=upd)


def rests_between_holds(
    results: Sequence[BalanceResult], blocked: Sequence[Bout] = ()
) -> list[BalanceResult]:
    """``results`` with the probable rests between two sets of one balance exercise marked
    (``probable_rest=True``), none dropped: a hold of unknown stance
    whose neighbours (with no other bout in between) were both classified as the same stance
    is probably the casual standing between them. Casual standing is a two-leg stance, so a
    real two-leg hold between two holds of one harder stance looks the same: it is marked too,
    which is why nothing is dropped (docs/algorithms/balance.md, "Rests between holds")."""
    res = sorted(results, key=lambda r: r.start_s)
    rest = [False] * len(res)
    mid = [
        i
        for i in range(1, len(res) - 1)
        if res[i - 1].stance != "unknown"
        and res[i - 1].stance == res[i + 1].stance
        and res[i].stance == "unknown"
    ]
    # no blocking bout between the neighbours: none with x.start_s < c.start_s and
    # a.end_s < x.end_s (the latest end among bouts starting before c, searched per hold)
    starts = np.array([x.start_s for x in blocked], dtype=np.float64)
    order = np.argsort(starts, kind="stable")
    starts = starts[order]
    max_end = np.maximum.accumulate(np.array([x.end_s for x in blocked], np.float64)[order])
    for i in mid:
        k = int(np.searchsorted(starts, res[i + 1].start_s, side="left"))
        if k == 0 or not res[i - 1].end_s < float(max_end[k - 1]):
            rest[i] = True
    return [r.model_copy(update={"probable_rest": bool(k)}) for r, k in zip(res, rest, strict=True)]
