"""The ``rushed`` / ``jerky`` flags of a set's reps (:mod:`boneimu.detect.quality`).

A rep is judged against documented floors and the person's own baseline (their stored reps,
:class:`boneimu.dose.baseline.RepBaseline`, else the set's other reps): its timed duration
(``rushed``), its LDLJ-A at its own pace and, for hops, its landing jolt (``jerky``). See
docs/algorithms/rep_quality.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from boneimu.detect.rep_data import RepQuality
from boneimu.errors import AnalysisError
from boneimu.metrics.tempo import MIN_BASELINE_REPS, MIN_REP_S
from boneimu.results import Flag

LDLJ_PER_LOG_DURATION = -1.0
"""How LDLJ-A of a smooth rep changes with the duration of its movement, per natural-log
unit: a slower movement of the same path has less movement jerk, so the background it
carries (sensor noise, sway, tissue ringing) weighs more and LDLJ-A falls; a rushed rep
reads smoother. Measured on non-jerky simulated reps (tuning seeds 0-23): -0.99 for heel
drops, -1.1 for sit-to-stands. The jerky rule compares ``LDLJ-A + ln(duration)`` so a rep is
judged against the smoothness expected at its own pace."""


@dataclass(frozen=True)
class QualityConfig:
    """Thresholds of the rushed / jerky flags. ``sensitivity`` (default 1, > 1 flags more):
    duration floors and the baseline ratio are multiplied by it, the jerk margin divided."""

    sensitivity: float = 1.0
    min_rise_hold_s: float = 0.45
    """Heel drop: rise onto the toes plus the pause at the top shorter than this is rushed."""
    min_contact_s: float = 0.25
    """Hop: ground contact shorter than this is a reactive bounce, not a controlled hop: the
    fast stretch-shortening cycle of plyometric rebounds is conventionally < 250 ms of
    contact, the slow (controlled) one longer (Schmidtbleicher 1992)."""
    max_rushed_contact_s: float = 0.5
    """Hop: a ground contact at least this long is a deliberate stop between hops (discrete
    hops stand 1-2 s, and a person's stops vary two-fold): never rushed, however it
    compares with the set's other contacts. Scaled by ``sensitivity``."""
    baseline_ratio: dict[str, float] = field(
        default_factory=lambda: {"heel_drop": 0.5, "hop": 0.7, "sit_to_stand": 0.6}
    )
    """A rep whose timed quantity is below this fraction of the baseline median is rushed.
    Heel drops 0.5: the pause on the toes is free, so controlled reps vary about 2.5-fold."""
    jerk_margin: float = 1.0
    """LDLJ-A (natural-log units) this far below the baseline median is jerky (e^1 = 2.7x
    the dimensionless jerk of the person's usual rep)."""
    min_ldlj_a: dict[str, float] = field(
        default_factory=lambda: {"heel_drop": -9.5, "hop": -9.0, "sit_to_stand": -7.5}
    )
    """Absolute LDLJ-A floor per exercise used when no baseline exists (provisional)."""
    landing_sway_ratio: float = 4.5
    """Hop: a landing jolt (``RepQuality.landing_sway``) above this multiple of the set's
    usual marks an unsteady (jerky) landing."""
    min_baseline_reps: int = MIN_BASELINE_REPS

    def __post_init__(self) -> None:
        if not (0.25 <= self.sensitivity <= 4.0):
            raise AnalysisError(f"sensitivity must be between 0.25 and 4, got {self.sensitivity}")


def _timed(q: RepQuality) -> float | None:
    """The duration the rushed rules judge (s): heel drop rise+hold, hop contact, STS cycle."""
    if q.exercise == "heel_drop":
        ph = q.phases_s
        return ph["rise"] + ph["hold"] if "rise" in ph else None
    if q.exercise == "hop":
        return q.phases_s.get("contact")
    return q.cycle_s


def _baseline_timed(baseline: object | None, exercise: str) -> list[float]:
    """The same duration from a :class:`boneimu.dose.baseline.RepBaseline` (duck-typed)."""
    if baseline is None or getattr(baseline, "exercise", exercise) != exercise:
        return []
    ph: dict[str, tuple[float, ...]] = getattr(baseline, "phases_s", {}) or {}
    if exercise == "heel_drop":
        rise, hold = ph.get("rise", ()), ph.get("hold", ())
        return [a + b for a, b in zip(rise, hold, strict=False)]
    if exercise == "hop":
        return list(ph.get("contact", ()))
    names = ("flexion", "rise", "extension", "stand", "descent")
    cols = [ph.get(k, ()) for k in names]
    return [sum(x) for x in zip(*cols, strict=False)] if all(cols) else []


def _reference(
    own: list[float], set_values: list[float | None], j: int, min_n: int
) -> tuple[float | None, str]:
    """Median of the person's history when long enough, else of the set's other reps."""
    if len(own) >= min_n:
        return float(np.median(own)), "your usual"
    others = [x for i, x in enumerate(set_values) if i != j and x is not None]
    if len(others) >= min_n - 1:
        return float(np.median(others)), "the set's other reps"
    return None, ""


def _smooth_s(q: RepQuality, *, window: bool = True) -> float | None:
    """Duration (s) of the movement LDLJ-A is measured on: heel drop rise + hold, sit-to-stand
    smoothness window (``window``; else its rise phase, what a baseline stores). None when
    not measured."""
    ph = q.phases_s
    if q.exercise == "heel_drop" and "rise" in ph:
        return ph["rise"] + ph.get("hold", 0.0)
    if q.exercise == "sit_to_stand":
        if window and q.smooth_window_s is not None:
            return q.smooth_window_s
        return ph.get("rise")
    return None


def _baseline_smooth_s(baseline: object | None, exercise: str) -> list[float]:
    """The same duration per baseline rep (heel drop rise + hold, sit-to-stand rise)."""
    if baseline is None:
        return []
    ph: dict[str, tuple[float, ...]] = getattr(baseline, "phases_s", {}) or {}
    if exercise == "heel_drop":
        return _baseline_timed(baseline, exercise)
    return list(ph.get("rise", ()))


def _pace_adjusted(x: list[float | None], dur: list[float | None]) -> list[float | None] | None:
    """``LDLJ-A - LDLJ_PER_LOG_DURATION * ln(duration)`` per rep, or None unless every rep with
    an LDLJ-A has a positive duration (then the rule falls back to LDLJ-A itself)."""
    if len(x) != len(dur):
        return None
    out: list[float | None] = []
    for v, d in zip(x, dur, strict=True):
        if v is None:
            out.append(None)
        elif d is None or d <= 0:
            return None
        else:
            out.append(v - LDLJ_PER_LOG_DURATION * float(np.log(d)))
    return out


def flag_reps(
    qs: Sequence[RepQuality], *, baseline: object | None = None, config: QualityConfig | None = None
) -> list[RepQuality]:
    """Add ``rushed`` / ``jerky`` flags to the reps of one set (all of one exercise)."""
    cfg = config or QualityConfig()
    if not qs:
        return []
    ex = qs[0].exercise
    sens = cfg.sensitivity
    timed = [_timed(q) for q in qs]
    ldlj = [q.ldlj_a for q in qs]
    own_t = _baseline_timed(baseline, ex)
    own_j = list(getattr(baseline, "ldlj_a", ()) or ()) if baseline is not None else []
    adj = _pace_adjusted(ldlj, [_smooth_s(q) for q in qs])
    if len(own_j) >= cfg.min_baseline_reps:  # judged against the person's history
        own_a = _pace_adjusted(list(own_j), list(_baseline_smooth_s(baseline, ex)))
        # a baseline stores phases, so the set is paced by the same (rise) durations
        adj = _pace_adjusted(ldlj, [_smooth_s(q, window=False) for q in qs])
        if own_a is None or adj is None:
            adj = None  # durations not comparable: plain LDLJ-A against plain LDLJ-A
        else:
            own_j = [v for v in own_a if v is not None]
    floor = {
        "heel_drop": cfg.min_rise_hold_s,
        "hop": cfg.min_contact_s,
        "sit_to_stand": MIN_REP_S["sit_to_stand"],
    }[ex]
    what = {"heel_drop": "rise and hold", "hop": "ground contact", "sit_to_stand": "rep"}[ex]
    out: list[RepQuality] = []
    for j, q in enumerate(qs):
        flags: list[Flag] = []
        t = timed[j]
        if t is not None:
            ref, src = _reference(own_t, timed, j, cfg.min_baseline_reps)
            limit = None if floor is None else floor * sens
            if limit is not None and t < limit:
                flags.append(
                    _flag("rushed", f"{what} took {t:.2f} s, under {limit:.2f} s", t, limit)
                )
            elif (
                ref is not None
                and t < min(0.95, cfg.baseline_ratio[ex] * sens) * ref
                and (ex != "hop" or t < cfg.max_rushed_contact_s * sens)
            ):
                lim = min(0.95, cfg.baseline_ratio[ex] * sens) * ref
                flags.append(
                    _flag(
                        "rushed",
                        f"{what} took {t:.2f} s, much faster than {src} ({ref:.2f} s)",
                        t,
                        lim,
                    )
                )
        x = ldlj[j] if ex != "hop" else None  # hop contacts: the landing impact dominates
        if x is not None:
            margin = cfg.jerk_margin / sens
            # judged at the rep's own pace when durations are known (LDLJ_PER_LOG_DURATION)
            y = adj[j] if adj is not None else x
            shift = 0.0 if adj is None or y is None else float(y - x)
            ref_j, src_j = _reference(
                own_j, adj if adj is not None else ldlj, j, cfg.min_baseline_reps
            )
            if ref_j is not None and y is not None and y < ref_j - margin:
                lim = ref_j - margin - shift
                pace = " at this pace" if adj is not None else ""
                flags.append(
                    _flag(
                        "jerky",
                        f"LDLJ-A {x:.2f}, jerkier than {src_j}{pace} (expected >= {lim:.2f})",
                        x,
                        lim,
                    )
                )
            elif ref_j is None and x < cfg.min_ldlj_a[ex] - (margin - cfg.jerk_margin):
                lim = cfg.min_ldlj_a[ex] - (margin - cfg.jerk_margin)
                flags.append(_flag("jerky", f"LDLJ-A {x:.2f}, below {lim:.2f}", x, lim))
        sway = q.landing_sway
        if ex == "hop" and sway is not None and not any(f.name == "jerky" for f in flags):
            ref_s, src_s = _reference([], [x.landing_sway for x in qs], j, cfg.min_baseline_reps)
            if ref_s is not None and sway > cfg.landing_sway_ratio / sens * ref_s:
                lim = cfg.landing_sway_ratio / sens * ref_s
                flags.append(
                    _flag(
                        "jerky",
                        f"unsteady landing: sideways jolt {sway:.1f} m/s², "
                        f"{sway / ref_s:.1f}x {src_s}",
                        sway,
                        lim,
                    )
                )
        out.append(replace(q, flags=flags))
    return out


def _flag(name: str, reason: str, value: float, threshold: float) -> Flag:
    return Flag(name=name, reason=reason, value=round(value, 4), threshold=round(threshold, 4))  # type: ignore[arg-type]
