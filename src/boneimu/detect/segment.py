"""Segment a whole session into bouts: heel_drop, hop, sit_to_stand, balance, walking, other.

Runs the detectors on each contiguous part of the recording (gaps split bouts, never create
reps), removes impacts that belong to walking, groups reps of one exercise into sets and finds
quiet stance holds. See docs/algorithms/segmentation.md.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from boneimu.detect.events import Bout, Rep, sample_time_s
from boneimu.detect.impacts import ImpactRepDetector
from boneimu.detect.sts import RiseSignals, SitToStandDetector, rise_signals
from boneimu.detect.sts_thigh import ThighSitToStandDetector
from boneimu.detect.walking import WalkingDetector, motion_band_power
from boneimu.recording import Recording
from boneimu.signal.orientation import (
    still_mask,
    tilt_deg,
    upright_reference,
    vertical_parts,
)
from boneimu.units import STANDARD_GRAVITY_M_S2

SET_MAX_GAP_S: dict[str, float] = {"heel_drop": 8.0, "hop": 5.0, "sit_to_stand": 10.0}
"""Reps further apart than this start a new set."""
SET_MIN_REPS: dict[str, int] = {"heel_drop": 3, "hop": 3, "sit_to_stand": 2}
"""Fewer reps than this in a row are not an exercise set: one or two impacts are incidental (a
stumble, a jump off a step); a single rise is getting up from a chair (a transition), reported
as an ``other`` bout carrying that rise, not as a one-rep sit-to-stand set."""
HEEL_DROP_MIN_INTERVAL_S = 1.2
MINOR_IMPACT_RATIO = 0.6
STS_WALK_MARGIN_S = 3.0
"""Rises this close to a walking bout are stair steps or turns, not sit-to-stands."""
BALANCE_MIN_S = 10.0
BALANCE_MAX_SD_G = 0.03
BALANCE_MAX_TILT_DEG = 30.0
UPRIGHT_MIN_HELD_S = 10.0
"""Without walking or impacts, the posture rises end in is taken as upright only when the
person stays still in it (within :data:`BALANCE_MAX_TILT_DEG`) for this long in all."""


@dataclass
class Segmentation:
    """What :func:`segment_recording` found; times in s from the recording's first sample."""

    bouts: list[Bout] = field(default_factory=list)
    impact_index: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    """Every impact peak (reps, steps, anything >= 1.3 g), indices into the recording."""
    placement_hint: str | None = None

    def of_kind(self, kind: str) -> list[Bout]:
        return [b for b in self.bouts if b.kind == kind]


def _group_sets(
    reps: list[Rep],
    exercise: str,
    min_reps: int,
    gap_starts_s: list[float],
    short: list[Bout] | None = None,
) -> list[Bout]:
    """Consecutive reps of one exercise form a set; a pause or a data gap ends it. Runs of
    fewer than ``min_reps`` are dropped, or appended to ``short`` as ``other`` bouts."""
    mine = sorted((r for r in reps if r.exercise == exercise), key=lambda r: r.start_s)
    if exercise == "heel_drop":
        mine = _drop_minor_impacts(mine)
    gaps = np.asarray(gap_starts_s, dtype=np.float64)
    groups: list[list[Rep]] = []
    for r in mine:
        prev = groups[-1][-1] if groups else None
        if (
            prev is not None
            and r.start_s - prev.end_s <= SET_MAX_GAP_S[exercise]
            and not np.any((gaps >= prev.start_s) & (gaps < r.start_s))
        ):
            groups[-1].append(r)
        else:
            groups.append([r])
    if short is not None:
        short += [
            Bout(kind="other", start_s=g[0].start_s, end_s=g[-1].end_s, reps=tuple(g))
            for g in groups
            if len(g) < min_reps
        ]
    return [
        Bout(kind=exercise, start_s=g[0].start_s, end_s=g[-1].end_s, reps=tuple(g))  # type: ignore[arg-type]
        for g in groups
        if len(g) >= min_reps
    ]


def _drop_minor_impacts(reps: list[Rep]) -> list[Rep]:
    """A jerky rise or a stumble can add a smaller impact next to a heel drop's: an impact is
    dropped when another one within :data:`HEEL_DROP_MIN_INTERVAL_S` of it is larger by more
    than 1 / :data:`MINOR_IMPACT_RATIO` (two real rushed drops are of similar size)."""
    if len(reps) < 2:
        return reps
    t = np.array([r.impact_s if r.impact_s is not None else r.start_s for r in reps])
    # sizes compared after the 20 Hz low-pass: a sharp jolt of the phone reads high raw
    peak = np.array([r.peak_acc_g if r.impact_lp_g is None else r.impact_lp_g for r in reps])
    near = np.abs(t[:, None] - t[None, :]) < HEEL_DROP_MIN_INTERVAL_S
    larger = peak[None, :] * MINOR_IMPACT_RATIO > peak[:, None]
    keep = ~np.any(near & larger, axis=1)
    return [r for r, k in zip(reps, keep.tolist(), strict=True) if k]


def _relabel_lone_impacts(reps: list[Rep]) -> list[Rep]:
    """A lone hop between two heel drops of one set is a heel drop: a rushed drop with a long
    fall reads like a short flight. (Not the reverse: an impact between hops that fails the
    hop test is a landing's second impact or a stumble, not a rep.)"""
    imp = sorted((r for r in reps if r.impact_s is not None), key=lambda r: r.start_s)
    out = {id(r): r for r in reps}
    hop_t = np.array([r.start_s for r in imp if r.exercise == "hop"])
    for i in range(1, len(imp) - 1):
        a, r, b = imp[i - 1], imp[i], imp[i + 1]
        if a.exercise == b.exercise == "heel_drop" and r.exercise == "hop":
            gap = SET_MAX_GAP_S["heel_drop"]
            lo, hi = np.searchsorted(hop_t, [r.start_s - gap, r.start_s + gap], side="right")
            alone = hi - lo <= 1  # no other hop within a set gap
            if alone and r.start_s - a.end_s <= gap and b.start_s - r.end_s <= gap:
                out[id(r)] = dataclasses.replace(r, exercise=a.exercise)
    return [out[id(r)] for r in reps]


def _upright(
    up: NDArray[np.float64],
    walking: NDArray[np.bool_],
    impact_reps: list[Rep],
    ts: NDArray[np.float64],
    fs: float,
    rise_ends: list[int] | None = None,
    quiet: NDArray[np.bool_] | None = None,
) -> NDArray[np.float64]:
    """The upright direction: mean up while walking (>= 10 s), else while standing just before
    heel drops / hops (>= 3), else the posture most rise candidates (``rise_ends``: sample
    indices) end in, over the second after each, provided the person holds it: at least
    :data:`UPRIGHT_MIN_HELD_S` of ``quiet`` samples within :data:`BALANCE_MAX_TILT_DEG` of it
    (spurious candidates, e.g. handling the phone before a balance-only session, end in a
    posture nobody stands still in), else the mean up over samples within 45° of the
    device's long (y) axis: phones sit long side vertical on a belt and in a trouser pocket
    while standing (a heuristic; without any such samples, the mean over the segment)."""
    if walking.sum() >= 10 * fs:
        return upright_reference(up, walking)
    if len(impact_reps) >= 3:
        idx = np.searchsorted(ts, [r.start_s for r in impact_reps]) - round(0.3 * fs)
        mask = np.zeros(up.shape[0], dtype=bool)
        mask[np.clip(idx, 0, up.shape[0] - 1)] = True
        return upright_reference(up, mask if mask.sum() >= 3 else None)
    if rise_ends is not None and len(rise_ends):
        ref = _held_rise_end_posture(up, rise_ends, fs, quiet)
        if ref is not None:
            return ref
    along_y = np.abs(up[:, 1]) >= np.cos(np.radians(45.0))
    if along_y.sum() >= 3 * fs:
        sign = np.sign(np.sum(up[along_y, 1]))
        return upright_reference(up, along_y & (np.sign(up[:, 1]) == sign))
    return upright_reference(up, walking if walking.any() else None)


def _held_rise_end_posture(
    up: NDArray[np.float64], rise_ends: list[int], fs: float, quiet: NDArray[np.bool_] | None
) -> NDArray[np.float64] | None:
    """A rise ends standing: of the postures rise candidates end in (mean up over the second
    after each; candidates within 30° of each other agree), the one most candidates agree on
    among those held still for >= :data:`UPRIGHT_MIN_HELD_S` (ties: the longer held); None
    when none is. Lying-down transitions also lift the hips first but end elsewhere."""
    w = max(1, round(1.0 * fs))
    after = np.array([upright_reference(up[e : e + w]) for e in rise_ends if e + w <= up.shape[0]])
    if not after.size:
        return None
    agree = after @ after.T >= np.cos(np.radians(30.0))
    means = agree.astype(np.float64) @ after
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    if quiet is None:
        held_s = np.full(len(after), np.inf)
    else:
        near = (up[quiet] @ means.T) >= np.cos(np.radians(BALANCE_MAX_TILT_DEG))
        held_s = near.sum(axis=0) / fs
    ok = held_s >= UPRIGHT_MIN_HELD_S
    if not ok.any():
        return None
    best = int(np.lexsort((held_s, agree.sum(axis=1), ok))[-1])
    return means[best]


def _overlaps(
    items: list[Rep] | list[Bout], bouts: list[Bout], *, margin_s: float | None = None
) -> NDArray[np.bool_]:
    """Per item: does any bout overlap it? Without ``margin_s``: open intervals
    (``b.start_s < item.end_s and item.start_s < b.end_s``); with it: closed intervals, each
    bout widened by ``margin_s`` (``b.start_s - margin_s <= item.end_s and item.start_s <=
    b.end_s + margin_s``). Bout starts sorted once, ends as a running maximum over them: a
    search per item instead of a scan of every bout."""
    if not items or not bouts:
        return np.zeros(len(items), dtype=bool)
    starts = np.array([b.start_s for b in bouts], dtype=np.float64)
    ends = np.array([b.end_s for b in bouts], dtype=np.float64)
    if margin_s is not None:
        starts = starts - margin_s
        ends = ends + margin_s
    order = np.argsort(starts, kind="stable")
    starts, max_end = starts[order], np.maximum.accumulate(ends[order])
    i_start = np.array([r.start_s for r in items], dtype=np.float64)
    i_end = np.array([r.end_s for r in items], dtype=np.float64)
    # bouts that start before the item ends (<= with a margin, < without); the latest end
    # among them must pass the item's start (>= with a margin, > without)
    k = np.searchsorted(starts, i_end, side="right" if margin_s is not None else "left")
    last_end = np.where(k > 0, max_end[np.maximum(k - 1, 0)], -np.inf)
    return (last_end >= i_start) if margin_s is not None else (last_end > i_start)


def _runs(mask: NDArray[np.bool_]) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(
        zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(), strict=True)
    )


def segment_recording(
    rec: Recording, *, placement: str | None = None, expect: str | None = None
) -> Segmentation:
    """Bouts of every kind in ``rec``. ``expect`` (heel_drop | hop | sit_to_stand) restricts
    exercise detection to that exercise and lets impact reps count whatever their flight."""
    fs = rec.fs_hz
    t = rec.t_s
    range_g = rec.meta.acc_range_g
    reps: list[Rep] = []
    bouts: list[Bout] = []
    impacts: list[NDArray[np.int64]] = []
    for seg in rec.segments():
        if seg.stop - seg.start < round(3.0 * fs):
            continue
        acc = rec.acc_m_s2[seg]
        gyro = None if rec.gyro_rad_s is None else rec.gyro_rad_s[seg]
        ts = t[seg]
        vp = vertical_parts(acc, fs_hz=fs, gyro_rad_s=gyro)
        band = motion_band_power(vp.vertical_m_s2, vp.horizontal_m_s2, fs_hz=fs)
        walk = WalkingDetector().detect(
            vp.vertical_m_s2,
            vp.resultant_g,
            fs_hz=fs,
            horizontal_m_s2=vp.horizontal_m_s2,
            band_power=band,
        )
        for s, e, n_steps in walk.bouts_:
            bouts.append(
                Bout(
                    kind="walking",
                    start_s=sample_time_s(ts, s, fs_hz=fs),
                    end_s=sample_time_s(ts, e, fs_hz=fs),
                    steps=n_steps,
                )
            )
        axis_abs_g = np.max(np.abs(acc), axis=1) / STANDARD_GRAVITY_M_S2
        imp = ImpactRepDetector(range_g=range_g).detect(
            vp.resultant_g,
            fs_hz=fs,
            t_s=ts,
            axis_abs_g=axis_abs_g,
            vertical_m_s2=vp.vertical_m_s2,
            horizontal_m_s2=vp.horizontal_m_s2,
            band_power=band,
        )
        del band
        impacts.append(imp.impacts_ + seg.start)
        for r in imp.reps_:
            i = int(np.searchsorted(ts, r.impact_s or r.start_s))
            if walk.walking_[min(i, walk.walking_.size - 1)]:
                continue
            if expect in ("heel_drop", "hop") and r.exercise != expect:
                r = dataclasses.replace(r, exercise=expect)  # type: ignore[arg-type]
            reps.append(r)
        # quiet: still outside walking (balance holds, and how long a posture is held)
        quiet = still_mask(acc, fs_hz=fs, window_s=1.0, sd_g=BALANCE_MAX_SD_G) & ~walk.walking_
        rise_ends = None
        rise_sig: RiseSignals | None = None
        if placement != "thigh" and walk.walking_.sum() < 10 * fs and len(imp.reps_) < 3:
            # the rise detector runs twice here: its signals are computed once
            rise_sig = rise_signals(vp.vertical_m_s2, vp.up, fs_hz=fs, gyro_rad_s=gyro)
            cand = SitToStandDetector().detect(
                vp.vertical_m_s2, vp.resultant_g, vp.up, fs_hz=fs, t_s=ts, signals=rise_sig
            )
            rise_ends = [int(np.searchsorted(ts, r.end_s)) for r in cand.reps_]
        ref = _upright(vp.up, walk.walking_, imp.reps_, ts, fs, rise_ends, quiet)
        tilt = tilt_deg(vp.up, ref)
        if placement == "thigh":
            sts: list[Rep] = (
                ThighSitToStandDetector().detect(tilt, vp.resultant_g, fs_hz=fs, t_s=ts).reps_
            )
        else:
            sts = (
                SitToStandDetector()
                .detect(
                    vp.vertical_m_s2,
                    vp.resultant_g,
                    vp.up,
                    fs_hz=fs,
                    t_s=ts,
                    tilt_deg=tilt,
                    gyro_rad_s=gyro,
                    signals=rise_sig,
                )
                .reps_
            )
            del rise_sig
        margin = round(STS_WALK_MARGIN_S * fs)
        for r in sts:
            s = max(0, int(np.searchsorted(ts, r.start_s)) - margin)
            e = int(np.searchsorted(ts, r.end_s)) + margin
            if not walk.walking_[s:e].any():
                reps.append(r)
        # balance: long, quiet, upright holds outside walking
        for s, e in _runs(quiet & (tilt < BALANCE_MAX_TILT_DEG)):
            if (e - s) / fs >= BALANCE_MIN_S:
                bouts.append(
                    Bout(
                        kind="balance",
                        start_s=sample_time_s(ts, s, fs_hz=fs),
                        end_s=sample_time_s(ts, e, fs_hz=fs),
                    )
                )
    # impact reps inside a hop/heel-drop bout of the other kind: leave; drop STS during impacts
    exercises: tuple[str, ...] = ("heel_drop", "hop", "sit_to_stand")
    if expect in exercises:
        exercises = (expect,)
    if expect is None:
        reps = _relabel_lone_impacts(reps)
    min_reps = dict(SET_MIN_REPS)
    gap_starts = [g.start_s for g in rec.meta.gaps]
    impact_sets: list[Bout] = []
    for ex in ("heel_drop", "hop"):
        if ex in exercises:
            impact_sets += _group_sets(reps, ex, min_reps[ex], gap_starts)
    # hopping moves the body up fast too: no rises inside hop sets (found even when another
    # exercise is expected)
    hop_sets = _group_sets(reps, "hop", min_reps["hop"], gap_starts)
    sts_reps = [r for r in reps if r.exercise == "sit_to_stand"]
    sts_reps = [
        r
        for r, hit in zip(
            sts_reps,
            _overlaps(sts_reps, hop_sets, margin_s=1.0).tolist(),
            strict=True,
        )
        if not hit
    ]
    sets = list(impact_sets)
    transitions: list[Bout] = []
    if "sit_to_stand" in exercises:
        sets += _group_sets(
            sts_reps, "sit_to_stand", min_reps["sit_to_stand"], gap_starts, transitions
        )
    # a balance hold cannot overlap an exercise set
    holds = [b for b in bouts if b.kind == "balance"]
    in_set = {id(b) for b, hit in zip(holds, _overlaps(holds, sets).tolist(), strict=True) if hit}
    bouts = [b for b in bouts if id(b) not in in_set]
    all_bouts = sorted([*bouts, *sets, *transitions], key=lambda b: b.start_s)
    idx = np.concatenate(impacts) if impacts else np.zeros(0, np.int64)
    return Segmentation(bouts=all_bouts, impact_index=idx.astype(np.int64))
