"""Sit-to-stand timing validation (docs/validation.md, "Rep quality and balance (issue 5)").

    .venv/bin/python benchmarks/validate_sts.py [--seeds 300:312]

Per rep against the simulator's labelled phases (held-out seeds, default 300-311): rise time
and full cycle (flexion onset to seated), given the labelled rep windows and end to end
through ``analyze_recording``; five-times sit-to-stand time per set; HAPT
(../shared/realdata/hapt-dev, when present): measured flexion + rise + extension against the
video-labelled SIT_TO_STAND intervals.
"""

from __future__ import annotations

import argparse

import numpy as np
from _quality_common import (
    PLACEMENTS,
    REALDATA,
    REP_PROGRAM,
    hapt_module,
    label_reps,
    match_rep,
    seed_range,
)

from boneimu.analysis import analyze_recording
from boneimu.detect.events import Rep
from boneimu.detect.quality import assess_reps, rep_signals, sts_set_extra
from firmware_sims import simulate_session


def sts_timing(seeds: range) -> dict[str, list[float]]:
    """Signed errors (s): rise / cycle given the reps, 5x time per set, rise / cycle end to end."""
    out: dict[str, list[float]] = {k: [] for k in ("rise", "cycle", "t5", "e2e_rise", "e2e_cycle")}
    for seed in seeds:
        sim = simulate_session(program=REP_PROGRAM, placement=PLACEMENTS[seed % 3], seed=seed)
        rec = sim.recording
        sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s, t_s=rec.t_s)
        sets = [s for s in sim.labels.sets if s.exercise == "sit_to_stand"]
        for s in sets:
            qs = assess_reps(s.exercise, label_reps(s), sig)
            if len(s.reps) >= 5:
                extra = sts_set_extra(qs)
                r4 = s.reps[4]
                truth5 = r4.start_s + r4.phases_s["flexion"] + r4.phases_s["rise"] - s.start_s
                if "time_5x_sts_s" in extra:
                    out["t5"].append(extra["time_5x_sts_s"] - truth5)
            for lab, q in zip(s.reps, qs, strict=True):
                if "rise" in q.phases_s:
                    out["rise"].append(q.phases_s["rise"] - lab.phases_s["rise"])
                    if q.cycle_s is not None:
                        out["cycle"].append(q.cycle_s - sum(lab.phases_s.values()))
        if not sets:
            continue
        res = analyze_recording(rec)
        det = [r for ds in res.sets if ds.exercise == "sit_to_stand" for r in ds.reps]
        for s in sets:
            for lab in s.reps:
                hit = match_rep(lab, det, s.exercise)
                if hit is not None and "rise" in hit.phases_s:
                    out["e2e_rise"].append(hit.phases_s["rise"] - lab.phases_s["rise"])
                    if "descent" in hit.phases_s:
                        out["e2e_cycle"].append(
                            sum(hit.phases_s.values()) - sum(lab.phases_s.values())
                        )
    return out


def hapt_sts(max_experiments: int = 31) -> list[tuple[float, float]] | None:
    """(label duration, measured flexion+rise+extension) for HAPT SIT_TO_STAND transitions,
    measured with the rep window set to the labelled interval."""
    if not REALDATA.is_dir():
        return None
    h = hapt_module()
    out: list[tuple[float, float]] = []
    for exp, user in h.experiments(REALDATA)[:max_experiments]:
        e = h.load_experiment(REALDATA, exp, user)
        rec = e.recording
        sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s)
        for s0, s1 in e.intervals_s(h.SIT_TO_STAND):
            q = assess_reps("sit_to_stand", [Rep("sit_to_stand", s0, s1, 1.0)], sig)[0]
            ph = q.phases_s
            if "rise" in ph:
                out.append((s1 - s0, ph["flexion"] + ph["rise"] + ph.get("extension", 0.0)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="300:312")
    seeds = seed_range(ap.parse_args().seeds)
    t = sts_timing(seeds)
    print(f"## Sit-to-stand timing on {len(seeds)} simulated sessions ({seeds[0]}-{seeds[-1]})")
    for key, what in (
        ("rise", "rise, given the reps"),
        ("cycle", "full cycle, given the reps"),
        ("e2e_rise", "rise, end to end"),
        ("e2e_cycle", "full cycle, end to end"),
    ):
        err = np.abs(t[key])
        if err.size:
            print(
                f"STS {what}: |error| median {np.median(err):.2f} s, "
                f"within 0.2 s: {np.mean(err <= 0.2):.0%} (n={err.size})"
            )
    t5 = np.abs(t["t5"])
    if t5.size:
        print(f"5x STS time |error|: median {np.median(t5):.2f} s (n={t5.size})")
    hsts = hapt_sts()
    if hsts:
        lab = np.array([x[0] for x in hsts])
        got = np.array([x[1] for x in hsts])
        err = got - lab
        print(
            f"HAPT SIT_TO_STAND (n={lab.size}): label {np.median(lab):.2f} s median, measured "
            f"flexion+rise+extension {np.median(got):.2f} s; error median {np.median(err):+.2f} s, "
            f"|error| <= 0.2 s: {np.mean(np.abs(err) <= 0.2):.0%}, <= 0.5 s: "
            f"{np.mean(np.abs(err) <= 0.5):.0%}"
        )


if __name__ == "__main__":
    main()
