"""A person's own recent reps for one exercise: the baseline the rushed/jerky flags compare with.

Built by :meth:`boneimu.dose.store.DoseLog.rep_baseline` from the reps stored in the dose log
and passed to the analysis (``analyze_recording(..., baseline=...)``). Only reps that were not
flagged rushed or jerky enter a baseline, so a run of hurried sessions cannot drag the
reference towards hurried movement.
"""

from __future__ import annotations

import statistics

from pydantic import BaseModel, ConfigDict, Field


class RepBaseline(BaseModel):
    """Recent controlled reps of one exercise for one person (newest first).

    ``duration_s``, ``ldlj_a`` and ``sparc`` hold one value per rep that had that value;
    ``phases_s`` maps a phase name (e.g. ``rise``, ``drop``) to its durations in seconds.
    ``n`` is the number of reps the baseline was built from.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise: str
    n: int = Field(ge=0)
    n_sessions: int = Field(0, ge=0)
    duration_s: tuple[float, ...] = ()
    phases_s: dict[str, tuple[float, ...]] = Field(default_factory=dict)
    ldlj_a: tuple[float, ...] = ()
    sparc: tuple[float, ...] = ()

    @property
    def empty(self) -> bool:
        return self.n == 0

    def median_duration_s(self) -> float | None:
        return _median(self.duration_s)

    def median_phase_s(self, phase: str) -> float | None:
        return _median(self.phases_s.get(phase, ()))

    def median_ldlj_a(self) -> float | None:
        return _median(self.ldlj_a)

    def median_sparc(self) -> float | None:
        return _median(self.sparc)


def _median(values: tuple[float, ...]) -> float | None:
    return float(statistics.median(values)) if values else None
