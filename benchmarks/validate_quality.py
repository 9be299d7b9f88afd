"""Rushed / jerky flag validation (docs/validation.md, "Rep quality and balance (issue 5)").

    .venv/bin/python benchmarks/validate_quality.py [--seeds 300:312]

Simulated sessions on seeds/people/placements NOT used during development (default 300-311;
thresholds were chosen looking at seeds 0-23 and 100-111; ``--seeds 1000:1016`` is a second
held-out batch): rushed / jerky flag precision and recall, per exercise, on the labelled rep
windows ("given the reps": isolates the quality step from detection) and end to end through
``analyze_recording`` (each labelled rep matched to one detected rep, ``match_rep``; a
labelled rep that was not detected counts as unflagged). Also the heel-drop (rise, hold,
drop) and hop (flight, contact) phase timing against the labels' ``phases_s``, given the reps
and end to end: median |error| and the share within ±0.1 s and ±0.2 s (a phase the step did
not measure counts as outside both). Sit-to-stand timing: ``validate_sts.py``; balance:
``validate_balance.py``.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

import numpy as np
from _quality_common import PLACEMENTS, REP_PROGRAM, label_reps, match_rep, seed_range

from boneimu.analysis import analyze_recording
from boneimu.detect.quality import assess_reps, rep_signals
from firmware_sims import simulate_session

Counts = dict[tuple[str, str], np.ndarray]
Errors = dict[tuple[str, str], list[float]]
PHASES = {"heel_drop": ("rise", "hold", "drop"), "hop": ("flight", "contact")}


def pr(c: np.ndarray) -> str:
    tp, fp, fn, _ = c
    p = tp / max(tp + fp, 1)
    r = tp / max(tp + fn, 1)
    return f"P {p:.2f} R {r:.2f} (TP {tp}, FP {fp}, FN {fn})"


def _tally(c: Counts, exercise: str, name: str, truth: bool, flagged: bool) -> None:
    c[(exercise, name)][0 if truth and flagged else 1 if flagged else 2 if truth else 3] += 1


def _phase_errors(errs: Errors, exercise: str, lab_phases: dict, phases: dict | None) -> None:
    """Signed error (s) of each labelled phase; NaN when the step did not measure it."""
    for name in PHASES.get(exercise, ()):
        if name in lab_phases:
            got = (phases or {}).get(name)
            errs[(exercise, name)].append(np.nan if got is None else got - lab_phases[name])


def phase_line(e: list[float]) -> str:
    x = np.asarray(e, dtype=float)
    ok = np.abs(x[np.isfinite(x)])
    med = float(np.median(ok)) if ok.size else float("nan")
    w1 = float(np.sum(ok <= 0.1)) / max(x.size, 1)
    w2 = float(np.sum(ok <= 0.2)) / max(x.size, 1)
    return (
        f"median |err| {med:.3f} s, within ±0.1 s {w1:.0%}, within ±0.2 s {w2:.0%} "
        f"(n {x.size}, not measured {int(np.sum(~np.isfinite(x)))})"
    )


def rep_flags(seeds: range) -> tuple[Counts, Counts, Errors, Errors]:
    """(given the labelled reps, end to end) counts TP / FP / FN / TN per (exercise, flag),
    and the phase errors (given, end to end) per (exercise, phase)."""
    given: Counts = defaultdict(lambda: np.zeros(4, int))
    e2e: Counts = defaultdict(lambda: np.zeros(4, int))
    err_given: Errors = defaultdict(list)
    err_e2e: Errors = defaultdict(list)
    for seed in seeds:
        sim = simulate_session(program=REP_PROGRAM, placement=PLACEMENTS[seed % 3], seed=seed)
        rec = sim.recording
        sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s, t_s=rec.t_s)
        for s in sim.labels.sets:
            for lab, q in zip(s.reps, assess_reps(s.exercise, label_reps(s), sig), strict=True):
                for name in ("rushed", "jerky"):
                    _tally(given, s.exercise, name, getattr(lab, name), q.flagged(name))
                _phase_errors(err_given, s.exercise, lab.phases_s, q.phases_s)
        res = analyze_recording(rec)
        for s in sim.labels.sets:
            det = [r for ds in res.sets if ds.exercise == s.exercise for r in ds.reps]
            for lab in s.reps:
                hit = match_rep(lab, det, s.exercise)
                for name in ("rushed", "jerky"):
                    p = hit is not None and any(f.name == name for f in hit.flags)
                    _tally(e2e, s.exercise, name, getattr(lab, name), p)
                _phase_errors(err_e2e, s.exercise, lab.phases_s, hit and hit.phases_s)
    return dict(given), dict(e2e), dict(err_given), dict(err_e2e)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="300:312")
    seeds = seed_range(ap.parse_args().seeds)
    given, e2e, err_given, err_e2e = rep_flags(seeds)
    print(f"## Rep flags on {len(seeds)} simulated sessions (seeds {seeds[0]}-{seeds[-1]})")
    for mode, counts in (("given", given), ("e2e", e2e)):
        print(f"### {mode}")
        for k, c in sorted(counts.items()):
            print(f"- {k[0]} {k[1]}: {pr(c)}")
    print("## Heel-drop and hop phase timing against the labels")
    for mode, errs in (("given", err_given), ("e2e", err_e2e)):
        print(f"### {mode}")
        for ex, names in PHASES.items():
            for name in names:
                if (ex, name) in errs:
                    print(f"- {ex} {name}: {phase_line(errs[(ex, name)])}")


if __name__ == "__main__":
    main()
