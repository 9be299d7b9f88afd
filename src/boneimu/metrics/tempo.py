"""Rep tempo: is a rep "rushed"? Absolute per-exercise minima plus the person's own baseline.

The program asks for "slow, controlled" movement (speed plus osteoporosis is a risky
combination), so a rep is flagged rushed when EITHER
1. its duration (or a phase's) is below the absolute minimum for the exercise
   (:data:`MIN_REP_S`, :data:`MIN_PHASE_S`; reasoning in docs/algorithms/sit_to_stand_power.md
   "Tempo"), or
2. it is a clear outlier on the fast side of the person's own recent reps: robust z-score
   ``(d - median) / (1.4826 * MAD) <= -ROBUST_Z_LIMIT`` with the MAD floored at
   :data:`MIN_SPREAD_S` (smartphone phase times agree with video to about +/-0.2 s,
   Viecelli et al. 2021, so smaller spreads are timing noise).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from boneimu.errors import AnalysisError

MIN_REP_S: dict[str, float | None] = {
    "sit_to_stand": 2.0,
    "heel_drop": 1.0,
    "hop": None,
}
"""Shortest acceptable full-rep duration (s) per exercise; None = tempo not judged.

sit_to_stand 2.0 s: faster than the five-times-sit-to-stand pace of typical adults aged 60-89
tested "as fast as possible" (about 11-15 s for 5 reps, Bohannon 2006), i.e. a maximal-effort
pace, not a controlled one. heel_drop 1.0 s: a controlled rise onto the toes alone takes
about 0.5 s; a whole rise-and-drop under 1 s means bouncing without control at the top.
hop: hops are rhythmic by design; cadence, not tempo, describes them."""

MIN_PHASE_S: dict[str, dict[str, float]] = {
    "sit_to_stand": {"descent": 1.0},
}
"""Shortest acceptable phase durations (s): lowering into the chair in under 1 s is
"dropping" into it rather than a controlled eccentric phase (boneimu convention)."""

ROBUST_Z_LIMIT = 3.0
MIN_SPREAD_S = 0.1
MIN_BASELINE_REPS = 5


@dataclass(frozen=True)
class TempoCheck:
    """Outcome for one rep. ``rushed``; ``reason`` (one line, empty when not rushed);
    ``value`` and ``threshold`` are the numbers behind the decision (s, or z for baseline)."""

    rushed: bool
    reason: str
    value: float | None = None
    threshold: float | None = None


def robust_z(value: float, baseline: Sequence[float] | NDArray[np.floating]) -> float:
    """Robust z-score of ``value`` against ``baseline`` (same unit): (value - median) /
    (1.4826 * MAD), with the MAD-based spread floored at ``MIN_SPREAD_S``."""
    b = np.asarray(baseline, dtype=np.float64).ravel()
    b = b[np.isfinite(b)]
    if b.size == 0:
        raise AnalysisError("robust z-score needs at least one baseline value")
    med = float(np.median(b))
    spread = max(1.4826 * float(np.median(np.abs(b - med))), MIN_SPREAD_S)
    return (value - med) / spread


def check_rushed(
    duration_s: float,
    *,
    exercise: str,
    phases_s: Mapping[str, float] | None = None,
    baseline_s: Sequence[float] | NDArray[np.floating] | None = None,
) -> TempoCheck:
    """Decide whether one rep of ``exercise`` lasting ``duration_s`` (s) is rushed.

    ``phases_s``: the rep's phase durations (e.g. ``{"rise": .., "descent": ..}``);
    ``baseline_s``: durations of the person's earlier reps of the same exercise (used only
    with at least :data:`MIN_BASELINE_REPS` values).
    """
    if not (duration_s > 0 and math.isfinite(duration_s)):
        raise AnalysisError(f"rep duration must be positive, got {duration_s!r} s")
    if exercise not in MIN_REP_S:
        raise AnalysisError(f"unknown exercise {exercise!r}; known: {sorted(MIN_REP_S)}")
    min_rep = MIN_REP_S[exercise]
    if min_rep is None:
        return TempoCheck(False, "")
    if duration_s < min_rep:
        return TempoCheck(
            True,
            f"rep took {duration_s:.2f} s, under the {min_rep:.1f} s minimum",
            duration_s,
            min_rep,
        )
    for phase, min_s in MIN_PHASE_S.get(exercise, {}).items():
        got = (phases_s or {}).get(phase)
        if got is not None and got < min_s:
            return TempoCheck(
                True, f"{phase} took {got:.2f} s, under the {min_s:.1f} s minimum", got, min_s
            )
    if baseline_s is not None and len(baseline_s) >= MIN_BASELINE_REPS:
        z = robust_z(duration_s, baseline_s)
        if z <= -ROBUST_Z_LIMIT:
            return TempoCheck(
                True,
                f"rep much faster than your usual pace (robust z {z:.1f})",
                z,
                -ROBUST_Z_LIMIT,
            )
    return TempoCheck(False, "")


def phase_durations(boundaries_s: Sequence[float], names: Sequence[str]) -> dict[str, float]:
    """Durations (s) of consecutive phases from their ``len(names) + 1`` boundary times (s)."""
    t = np.asarray(boundaries_s, dtype=np.float64)
    if t.size != len(names) + 1:
        raise AnalysisError(f"{len(names)} phases need {len(names) + 1} boundaries, got {t.size}")
    d = np.diff(t)
    if np.any(d < 0):
        raise AnalysisError("phase boundaries must not go backwards")
    return {name: float(x) for name, x in zip(names, d, strict=True)}
