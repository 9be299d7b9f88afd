"""Balance holds: hold time until a touch-down, sway after tilt correction, stance.

Input: the quiet, upright stance bouts the segmenter found (``Bout(kind="balance")``,
boneimu.detect.segment: moving SD of |a| below 0.03 g for >= 10 s). Quiet stance between two
sets of one exercise is a rest, not a hold. Bouts separated by a touch-down of the free foot
(a brief break without a weight-shifting step) are one hold, including a quiet stretch too
short for the segmenter just before it. The hold starts where active sway starts and runs to
the first touch-down (a transient of |a| above :data:`TOUCHDOWN_G`), looked for up to
:data:`TOUCHDOWN_LOOKAHEAD_S` past the quiet bout's end unless a step comes first; a footfall
within :data:`SETTLE_S` of the start is the last step in. Sway measures are
boneimu.metrics.sway (Moe-Nilssen tilt correction, ISway measures, 0-100 score). Stance from
the sway spectrum is PROVISIONAL: see docs/algorithms/balance.md.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from boneimu.signal.filters import highpass, lowpass, moving_mean, norm
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
SETTLE_S = 1.0
"""A footfall this soon after the hold's start is the last step into the stance (a small,
sharp footfall does not lift the segmenter's 1 s moving SD above its threshold)."""
SETTLE_SKIP_S = 0.2
"""After such a footfall the hold starts this much later (past the transient)."""
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
ONSET_BAND_HZ = (0.5, 3.5)
"""Band (Hz) of the horizontal sway whose moving RMS marks the start of active corrections."""
ONSET_WINDOW_S = 0.5
ONSET_FRACTION = 0.7
"""The hold starts where the moving RMS first reaches this fraction of the hold's median."""
ONSET_SEARCH_S = 3.0
"""The onset is looked for only this far into the quiet bout."""
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


def sway_onset(acc_m_s2: NDArray[np.floating], *, fs_hz: float) -> int:
    """Index in a quiet bout's (n, 3) acceleration where active balance corrections start.

    The bout starts once the trunk is quiet after stepping into the stance; the hold proper
    starts when the person begins to balance: the first sample, within :data:`ONSET_SEARCH_S`,
    where the moving RMS (:data:`ONSET_WINDOW_S`) of the horizontal sway in
    :data:`ONSET_BAND_HZ` reaches :data:`ONSET_FRACTION` of its median over the bout."""
    h, _ = horizontal_sway(acc_m_s2, fs_hz=fs_hz)
    return _sway_onset(h, fs_hz=fs_hz)


def _sway_onset(h: NDArray[np.float64], *, fs_hz: float) -> int:
    lo, hi = ONSET_BAND_HZ
    h = highpass(h, cutoff_hz=lo, fs_hz=fs_hz, order=2)
    if hi < SWAY_CUTOFF_HZ:
        h = lowpass(h, cutoff_hz=hi, fs_hz=fs_hz, order=2)
    rms = np.sqrt(moving_mean(np.einsum("ij,ij->i", h, h), window_s=ONSET_WINDOW_S, fs_hz=fs_hz))
    search = min(rms.size, round(ONSET_SEARCH_S * fs_hz))
    hit = np.flatnonzero(rms[:search] >= ONSET_FRACTION * np.median(rms))
    return int(hit[0]) if hit.size else 0


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
    first sample). The hold starts at the sway onset (:func:`sway_onset`), or after a footfall
    within :data:`SETTLE_S` of it (the last step in), and runs to the first touch-down, which
    may lie up to :data:`TOUCHDOWN_LOOKAHEAD_S` after the bout's end (not across a step,
    :func:`is_step`); None when the part before it is too short for sway measures."""
    n = len(acc_m_s2)
    i0, i1 = max(0, round(start_s * fs_hz)), min(n, round(end_s * fs_hz))
    seg = np.asarray(acc_m_s2[i0:i1], dtype=np.float64)
    if seg.shape[0] < MIN_HOLD_S * fs_hz:
        return None
    try:
        h, _ = horizontal_sway(seg, fs_hz=fs_hz)
    except AnalysisError:
        return None
    onset = _sway_onset(h, fs_hz=fs_hz)
    seg, h = seg[onset:], h[onset:]
    look_n = round(TOUCHDOWN_LOOKAHEAD_S * fs_hz)
    td = first_touchdown(acc_m_s2[i0 + onset : min(n, i1 + 2 * look_n)], fs_hz=fs_hz)
    settle_n = round(SETTLE_S * fs_hz)
    while td is not None and td < settle_n and seg.shape[0] - td > MIN_HOLD_S * fs_hz:
        # a footfall this early is the last step into the stance: the hold starts after it
        skip = td + round(SETTLE_SKIP_S * fs_hz)
        onset, seg, h = onset + skip, seg[skip:], h[skip:]
        td = first_touchdown(acc_m_s2[i0 + onset : min(n, i1 + 2 * look_n)], fs_hz=fs_hz)
    if td is not None and td >= seg.shape[0] + look_n:
        td = None
    if (
        td is not None
        and td >= seg.shape[0]
        and is_step(acc_m_s2, fs_hz=fs_hz, start_s=end_s, end_s=(i0 + onset + td) / fs_hz)
    ):
        td = None  # the bout ended in a step out of the stance, not a touch-down
    hold_n = seg.shape[0] if td is None else td
    stop = max(
        0, min(seg.shape[0], hold_n - (0 if td is None else round(TOUCHDOWN_GUARD_S * fs_hz)))
    )
    part = slice(0, stop)
    resume = hold_n + round(TOUCHDOWN_RECOVERY_S * fs_hz)
    if stop < SWAY_MIN_S * fs_hz and seg.shape[0] - resume > stop:
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
        start_s=round(start_s + onset / fs_hz, 3),
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
    bouts: Sequence[Bout], acc_m_s2: NDArray[np.floating], *, fs_hz: float
) -> list[BalanceResult]:
    """Balance results for the segmenter's balance bouts: rests between two sets of one
    exercise dropped (:func:`rests_between_sets`), the rest merged across touch-downs
    (:func:`merge_holds`) and started earlier when a touch-down broke the first seconds
    (:func:`with_prefix`)."""
    rests = rests_between_sets(bouts)
    blocked = [b for b in bouts if b.kind != "balance"]
    cand = [b for b in bouts if b.kind == "balance" and b not in rests]
    held = merge_holds(cand, acc_m_s2=acc_m_s2, fs_hz=fs_hz)
    held = [with_prefix(b, acc_m_s2, fs_hz=fs_hz, blocked=blocked + rests) for b in held]
    out = [assess_hold(acc_m_s2, fs_hz=fs_hz, start_s=b.start_s, end_s=b.end_s) for b in held]
    return rests_between_holds([r for r in out if r is not None], blocked)


def rests_between_holds(
    results: Sequence[BalanceResult], blocked: Sequence[Bout] = ()
) -> list[BalanceResult]:
    """``results`` without the rests between two sets of one balance exercise: a hold whose
    neighbours (with no other bout in between) were both classified as the same stance, while
    its own stance is unknown, is the casual standing between them. A hold classified as a
    stance is always kept (the stance bands are provisional)."""
    res = sorted(results, key=lambda r: r.start_s)
    keep = [True] * len(res)
    for i in range(1, len(res) - 1):
        a, b, c = res[i - 1], res[i], res[i + 1]
        if a.stance == "unknown" or a.stance != c.stance or b.stance != "unknown":
            continue
        if not any(x.start_s < c.start_s and a.end_s < x.end_s for x in blocked):
            keep[i] = False
    return [r for r, k in zip(res, keep, strict=True) if k]
