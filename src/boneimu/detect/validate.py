"""Score analysis results against ground-truth labels (boneimu.labels).

Matching (documented in docs/algorithms/reps.md):
- heel drops and hops: a detected rep matches a true rep of the same exercise when their impact
  instants are within :data:`IMPACT_TOLERANCE_S`;
- sit-to-stand: the detected rep's midpoint lies inside the true rep's [start, end] widened by
  :data:`STS_TOLERANCE_S` on both sides.
Each true rep matches at most one detected rep (closest first). A detected sit-to-stand that
matches no true rep but lies inside a labelled ``stand_up`` transition (an "other" label: the
person got up after resting) is a real rise outside the exercise sets: it is counted as
``transitions`` and in the false reps outside sets, not as a false positive of the exercise.
Set counts: the detected reps
of the set's exercise whose impact (or midpoint) lies within the true set widened by
:data:`SET_MARGIN_S`. False reps outside sets: detected reps not within any true set (any
exercise), per hour of recording outside true sets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from boneimu.labels import EXERCISES, Labels, RepLabel, load_labels
from boneimu.results import AnalysisResult, RepResult

IMPACT_TOLERANCE_S = 0.25
STS_TOLERANCE_S = 0.5
SET_MARGIN_S = 1.0


def _anchor(start_s: float, end_s: float, impact_s: float | None) -> float:
    return impact_s if impact_s is not None else 0.5 * (start_s + end_s)


@dataclass
class ExerciseScore:
    """Counts and errors for one exercise, summed over recordings."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    transitions: int = 0
    n_sets: int = 0
    sets_within_1: int = 0
    sets_exact: int = 0
    set_abs_errors: list[int] = field(default_factory=list)
    timing_errors_s: list[float] = field(default_factory=list)
    peak_errors_pct: list[float] = field(default_factory=list)

    def merge(self, o: ExerciseScore) -> None:
        self.tp += o.tp
        self.fp += o.fp
        self.fn += o.fn
        self.transitions += o.transitions
        self.n_sets += o.n_sets
        self.sets_within_1 += o.sets_within_1
        self.sets_exact += o.sets_exact
        self.set_abs_errors += o.set_abs_errors
        self.timing_errors_s += o.timing_errors_s
        self.peak_errors_pct += o.peak_errors_pct

    def summary(self) -> dict[str, float | int | None]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else None
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else None
        f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r > 0 else None
        med = lambda x: float(np.median(x)) if x else None  # noqa: E731
        return {
            "true_reps": self.tp + self.fn,
            "detected_reps": self.tp + self.fp + self.transitions,
            "labelled_stand_ups_detected": self.transitions,
            "precision": p,
            "recall": r,
            "f1": f1,
            "sets": self.n_sets,
            "sets_within_1_pct": 100 * self.sets_within_1 / self.n_sets if self.n_sets else None,
            "sets_exact_pct": 100 * self.sets_exact / self.n_sets if self.n_sets else None,
            "set_count_mae": float(np.mean(self.set_abs_errors)) if self.set_abs_errors else None,
            "impact_timing_error_median_ms": (
                None if not self.timing_errors_s else 1e3 * float(np.median(self.timing_errors_s))
            ),
            "peak_g_error_median_pct": med(self.peak_errors_pct),
            "n_peaks_compared": len(self.peak_errors_pct),
        }


@dataclass
class ValidationReport:
    per_exercise: dict[str, ExerciseScore] = field(
        default_factory=lambda: {e: ExerciseScore() for e in EXERCISES}
    )
    false_reps_outside_sets: int = 0
    hours_outside_sets: float = 0.0
    n_recordings: int = 0
    hours: float = 0.0

    def merge(self, o: ValidationReport) -> None:
        for e in EXERCISES:
            self.per_exercise[e].merge(o.per_exercise[e])
        self.false_reps_outside_sets += o.false_reps_outside_sets
        self.hours_outside_sets += o.hours_outside_sets
        self.n_recordings += o.n_recordings
        self.hours += o.hours

    def to_dict(self) -> dict[str, object]:
        per_h = (
            self.false_reps_outside_sets / self.hours_outside_sets
            if self.hours_outside_sets > 0
            else None
        )
        return {
            "n_recordings": self.n_recordings,
            "hours": self.hours,
            "false_reps_outside_sets": self.false_reps_outside_sets,
            "false_reps_per_hour_outside_sets": per_h,
            "exercises": {e: s.summary() for e, s in self.per_exercise.items()},
            "tolerances_s": {
                "impact": IMPACT_TOLERANCE_S,
                "sit_to_stand": STS_TOLERANCE_S,
                "set": SET_MARGIN_S,
            },
        }


def _match(det: list[RepResult], true: list[RepLabel], sts: bool) -> list[tuple[int, int]]:
    cands: list[tuple[float, int, int]] = []
    for i, d in enumerate(det):
        a = _anchor(d.start_s, d.end_s, d.impact_s)
        for j, t in enumerate(true):
            if sts:
                ok = t.start_s - STS_TOLERANCE_S <= a <= t.end_s + STS_TOLERANCE_S
                dist = abs(a - 0.5 * (t.start_s + t.end_s))
            else:
                ta = _anchor(t.start_s, t.end_s, t.impact_s)
                dist = abs(a - ta)
                ok = dist <= IMPACT_TOLERANCE_S
            if ok:
                cands.append((dist, i, j))
    used_i: set[int] = set()
    used_j: set[int] = set()
    pairs = []
    for _, i, j in sorted(cands):
        if i not in used_i and j not in used_j:
            used_i.add(i)
            used_j.add(j)
            pairs.append((i, j))
    return pairs


def score(result: AnalysisResult, labels: Labels) -> ValidationReport:
    """Score one analysis against its labels."""
    rep = ValidationReport(n_recordings=1, hours=result.recording.duration_s / 3600)
    det_all = [(s.exercise, r) for s in result.sets for r in s.reps]
    for ex in EXERCISES:
        sc = rep.per_exercise[ex]
        det = [r for e, r in det_all if e == ex]
        true = [r for s in labels.sets if s.exercise == ex for r in s.reps]
        pairs = _match(det, true, ex == "sit_to_stand")
        sc.tp, sc.fp, sc.fn = len(pairs), len(det) - len(pairs), len(true) - len(pairs)
        if ex == "sit_to_stand":
            ups = [o for o in labels.other if o.activity == "stand_up"]
            matched = {i for i, _ in pairs}
            sc.transitions = sum(
                any(
                    o.start_s - STS_TOLERANCE_S
                    <= 0.5 * (d.start_s + d.end_s)
                    <= o.end_s + STS_TOLERANCE_S
                    for o in ups
                )
                for i, d in enumerate(det)
                if i not in matched
            )
            sc.fp -= sc.transitions
        for i, j in pairs:
            d, t = det[i], true[j]
            if d.impact_s is not None and t.impact_s is not None:
                sc.timing_errors_s.append(abs(d.impact_s - t.impact_s))
            if (
                t.peak_acc_g is not None
                and not t.clipped
                and not d.clipped
                and ex != "sit_to_stand"
            ):
                sc.peak_errors_pct.append(100 * abs(d.peak_acc_g - t.peak_acc_g) / t.peak_acc_g)
        for s in (s for s in labels.sets if s.exercise == ex):
            n_det = sum(
                s.start_s - SET_MARGIN_S
                <= _anchor(r.start_s, r.end_s, r.impact_s)
                <= s.end_s + SET_MARGIN_S
                for r in det
            )
            err = abs(n_det - len(s.reps))
            sc.n_sets += 1
            sc.sets_within_1 += err <= 1
            sc.sets_exact += err == 0
            sc.set_abs_errors.append(err)
    inside = 0.0
    for s in labels.sets:
        inside += s.end_s - s.start_s + 2 * SET_MARGIN_S
    rep.hours_outside_sets = max(0.0, result.recording.duration_s - inside) / 3600
    rep.false_reps_outside_sets = sum(
        not any(
            s.start_s - SET_MARGIN_S
            <= _anchor(r.start_s, r.end_s, r.impact_s)
            <= s.end_s + SET_MARGIN_S
            for s in labels.sets
        )
        for _, r in det_all
    )
    return rep


def validate_dir(
    directory: str | Path,
    *,
    analyze: Callable[[Path, Labels], AnalysisResult] | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> ValidationReport:
    """Analyse every recording named by a ``*.labels.json`` in ``directory`` and score it."""
    from boneimu.analysis import analyze_recording
    from boneimu.errors import ConfigError
    from boneimu.io import read_recording

    d = Path(directory)
    if not d.is_dir():
        raise ConfigError(f"{d}: not a directory")
    files = sorted(d.glob("*.labels.json"))
    if not files:
        raise ConfigError(f"{d}: no *.labels.json files found")

    def default(path: Path, lab: Labels) -> AnalysisResult:
        return analyze_recording(
            read_recording(path), body_mass_kg=lab.body_mass_kg, placement=lab.placement
        )

    run = analyze or default
    total = ValidationReport(n_recordings=0)
    for k, f in enumerate(files):
        lab = load_labels(f)
        rec_path = f.parent / lab.recording
        if progress is not None:
            progress(k, len(files), rec_path)
        total.merge(score(run(rec_path, lab), lab))
    return total


def format_table(report: ValidationReport) -> str:
    """A plain-text table of the per-exercise figures."""
    d = report.to_dict()
    cols = [
        ("exercise", 13),
        ("true", 6),
        ("det", 6),
        ("prec", 6),
        ("recall", 6),
        ("F1", 6),
        ("sets", 5),
        ("±1 %", 6),
        ("exact %", 7),
        ("t err ms", 8),
        ("peak err %", 10),
        ("stand-ups", 9),
    ]
    lines = ["  ".join(name.rjust(w) for name, w in cols)]
    ex_d = d["exercises"]
    assert isinstance(ex_d, dict)

    def fmt(x: object, nd: int = 2) -> str:
        return "-" if x is None else f"{x:.{nd}f}" if isinstance(x, float) else str(x)

    for ex, s in ex_d.items():
        vals = [
            ex,
            s["true_reps"],
            s["detected_reps"],
            fmt(s["precision"]),
            fmt(s["recall"]),
            fmt(s["f1"]),
            s["sets"],
            fmt(s["sets_within_1_pct"], 0),
            fmt(s["sets_exact_pct"], 0),
            fmt(s["impact_timing_error_median_ms"], 0),
            fmt(s["peak_g_error_median_pct"], 1),
            s["labelled_stand_ups_detected"],
        ]
        lines.append("  ".join(str(v).rjust(w) for v, (_, w) in zip(vals, cols, strict=True)))
    per_h = d["false_reps_per_hour_outside_sets"]
    lines.append(
        f"{report.n_recordings} recording(s), {report.hours:.2f} h; false reps outside sets: "
        f"{report.false_reps_outside_sets} ({fmt(per_h, 1)}/h)"
    )
    return "\n".join(lines)
