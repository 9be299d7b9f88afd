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
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np
import scipy.signal as sps
from numpy.typing import NDArray

from boneimu.detect.events import Bout
from boneimu.errors import AnalysisError
from boneimu.labels import Stance
from boneimu.metrics.sway import (
    MIN_HOLD_S,
    SWAY_CUTOFF_HZ,
    SwayMetrics,
    horizontal_sway,
    sway_metrics,
    sway_score,
)
from boneimu.results import BalanceResult
from boneimu.signal.filters import lowpass, norm
from boneimu.signal.orientation import still_mask
from boneimu.units import STANDARD_GRAVITY_M_S2

MERGE_GAP_S = 3.0
"""Quiet bouts at most this far apart are one hold interrupted by a touch-down."""
TOUCHDOWN_G = 0.12
"""A transient of |a| this far (g) from the hold's median marks a touch-down or step."""
TOUCHDOWN_GUARD_S = 0.3
"""Sway is computed up to this long before the touch-down (the foot starts moving earlier)."""
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
SWAY_SETTLE_S = 0.5
"""Sway is measured from this long after the hold's start (the last footfall rings out)."""
TOUCHDOWN_SETTLE_S = 1.0
"""No touch-down is looked for this soon after the hold's start: a footfall that early
belongs to stepping in (the free foot finding its place)."""
QUIET_SD_G = 0.03
"""Moving SD of |a| (g, 1 s window) below which the stance is quiet (as the segmenter)."""
SWAY_MIN_S = 10.0
"""Sway is measured before the first touch-down when that part is at least this long, else on
the longer part after it (from :data:`TOUCHDOWN_RECOVERY_S` after the touch-down)."""
TOUCHDOWN_RECOVERY_S = 1.5
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
EXERCISE_KINDS = ("heel_drop", "hop", "sit_to_stand")
"""Bout kinds that are exercise sets: quiet stance between two sets of one of them is a rest."""
CORRECTIVE_SPLIT_HZ = 0.7
"""Sway power above this frequency (Hz) counts as fast corrective sway."""
STANCE_BANDS: dict[str, tuple[float, float, float, float]] = {
    "two_leg": (0.0, 0.15, 0.0, 0.55),
    "tandem": (0.17, 0.25, 0.55, 0.9),
    "single_leg": (0.25, 1.01, 0.9, 99.0),
}
"""PROVISIONAL stance bands: (corrective fraction lo, hi, mean frequency lo, hi in Hz); a hold
inside none of them is ``unknown``. Chosen on simulated holds (development seeds)."""


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


def corrective_fraction(acc_m_s2: NDArray[np.floating], *, fs_hz: float) -> float:
    """Share of the horizontal sway power (0 to the sway cut-off) above
    :data:`CORRECTIVE_SPLIT_HZ`: the fast ankle/hip corrections that narrow stances need."""
    h, _ = horizontal_sway(acc_m_s2, fs_hz=fs_hz)
    return _corrective_fraction(h, fs_hz=fs_hz)


def _corrective_fraction(h: NDArray[np.float64], *, fs_hz: float) -> float:
    freq, psd = sps.welch(h, fs=fs_hz, nperseg=min(h.shape[0], round(10.0 * fs_hz)), axis=0)
    power = psd.sum(axis=1)
    band = (freq > 0) & (freq <= SWAY_CUTOFF_HZ)
    total = float(power[band].sum())
    return float(power[band & (freq >= CORRECTIVE_SPLIT_HZ)].sum() / total) if total > 0 else 0.0


def classify_stance(m: SwayMetrics, corrective: float) -> Stance:
    """two_leg / tandem / single_leg when the sway's spectrum falls clearly in one band, else
    unknown (:data:`STANCE_BANDS`, PROVISIONAL).

    Harder stances need faster corrections, so both the share of sway power above 0.7 Hz
    (``corrective``) and the mean frequency rise from two-leg to tandem to single-leg stance,
    largely independent of how much a person sways."""
    for stance, (c_lo, c_hi, f_lo, f_hi) in STANCE_BANDS.items():
        if c_lo <= corrective < c_hi and f_lo <= m.mean_freq_hz < f_hi:
            return stance  # type: ignore[return-value]
    return "unknown"


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
    acc_m_s2: NDArray[np.floating], *, fs_hz: float, start_s: float, end_s: float
) -> BalanceResult | None:
    """One hold from the recording's (n, 3) acceleration and a quiet bout's bounds (s from the
    first sample). The hold starts where the step into the stance ends (:func:`step_in_end`)
    and runs to the first touch-down from :data:`TOUCHDOWN_SETTLE_S` on, which may lie up to
    :data:`TOUCHDOWN_LOOKAHEAD_S` after the bout's end (not across a step, :func:`is_step`),
    or to where the step out starts (:func:`step_out_start`), whichever comes first. Sway is
    measured from :data:`SWAY_SETTLE_S` after the start. None when the measured part is too
    short."""
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
    corrective = _corrective_fraction(h[part], fs_hz=fs_hz)
    metrics = m.as_dict()
    metrics["corrective_fraction"] = corrective
    metrics["touchdowns"] = 0.0 if td is None else 1.0
    return BalanceResult(
        start_s=round(start_s, 3),
        end_s=end_s,
        stance=classify_stance(m, corrective),
        sway_score=round(float(sway_score(m)), 2),
        hold_s=round(hold_n / fs_hz, 3),
        metrics=metrics,
    )


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


def assess_balance(
    bouts: Sequence[Bout],
    acc_m_s2: NDArray[np.floating],
    *,
    fs_hz: float,
    t_s: NDArray[np.floating] | None = None,
) -> list[BalanceResult]:
    """Balance results for the segmenter's balance bouts: rests between two sets of one
    exercise dropped (:func:`rests_between_sets`), the rest merged across touch-downs
    (:func:`merge_holds`), started earlier when a touch-down broke the first seconds
    (:func:`with_prefix`), and probable rests between two holds marked
    (:func:`rests_between_holds`).

    ``t_s``: the recording's sample times (s from the first sample), in which the bouts are
    given; without it the samples are taken as uniform at ``fs_hz``. Pass it: a phone drops
    samples, and by the end of a 10 min session sample index / rate can lag the clock by
    0.5 s or more."""
    if t_s is not None:
        t = np.asarray(t_s, dtype=np.float64)
        bouts = [_retime(b, lambda x: _index_time(t, x, fs_hz)) for b in bouts]
    rests = rests_between_sets(bouts)
    blocked = [b for b in bouts if b.kind != "balance"]
    cand = [b for b in bouts if b.kind == "balance" and b not in rests]
    held = merge_holds(cand, acc_m_s2=acc_m_s2, fs_hz=fs_hz)
    held = [with_prefix(b, acc_m_s2, fs_hz=fs_hz, blocked=blocked + rests) for b in held]
    out = [assess_hold(acc_m_s2, fs_hz=fs_hz, start_s=b.start_s, end_s=b.end_s) for b in held]
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
    for i in range(1, len(res) - 1):
        a, b, c = res[i - 1], res[i], res[i + 1]
        if a.stance == "unknown" or a.stance != c.stance or b.stance != "unknown":
            continue
        if not any(x.start_s < c.start_s and a.end_s < x.end_s for x in blocked):
            rest[i] = True
    return [r.model_copy(update={"probable_rest": bool(k)}) for r, k in zip(res, rest, strict=True)]
