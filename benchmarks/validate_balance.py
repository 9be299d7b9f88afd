"""Balance-hold validation (docs/validation.md, "Rep quality and balance (issue 5)").

    .venv/bin/python benchmarks/validate_balance.py [--seeds 300:312] [--mixed [--mixed-seeds A:B]]

Balance-only simulated sessions on held-out seeds (default 300-311): holds found, Spearman
rho of the sway score against the labels' true sway RMS, stance / eyes ordering, hold-time
error, stance accuracy. ``--mixed``: also random-program sessions (firmware_sims
random_program, the placements and rates of validate_all.py) on the same seeds: hold times
there and the quiet standing reported that is no labelled hold (rests between sets), with how
many are marked ``probable_rest``. Rho is also given per placement. HAPT
(../shared/realdata/hapt-dev, when present): sway metrics of the STANDING segments as a
reference distribution, and the stance each is named (casual standing: two-leg or unknown).
"""

from __future__ import annotations

import argparse
from collections import Counter

import numpy as np
from _quality_common import BAL_PROGRAM, PLACEMENTS, REALDATA, hapt_module, seed_range
from scipy.stats import spearmanr

from boneimu.detect.balance import assess_balance, assess_hold
from boneimu.detect.segment import segment_recording
from boneimu.metrics.sway import sway_metrics
from firmware_sims import random_program, simulate_session

MIXED_PLACEMENTS = ("waist", "lower_back", "chest", "thigh")
MIXED_RATES_HZ = (100.0, 50.0, 100.0, 200.0, 26.0)


def balance(seeds: range, *, mixed: bool = False) -> dict[str, object]:
    """Labelled holds matched to results (first overlapping), and the results that overlap
    no labelled hold. ``mixed``: random programs, placements and rates cycled by seed."""
    rows, extra = [], []
    n_labels = 0
    for seed in seeds:
        if mixed:
            program = random_program(np.random.default_rng(seed))
            place, fs = MIXED_PLACEMENTS[seed % 4], MIXED_RATES_HZ[seed % 5]
        else:
            program, place, fs = BAL_PROGRAM, PLACEMENTS[seed % 3], 100.0
        sim = simulate_session(program=program, placement=place, seed=seed, fs_hz=fs)
        rec = sim.recording
        seg = segment_recording(rec, placement=rec.meta.placement)
        res = assess_balance(
            seg.bouts, rec.acc_m_s2, fs_hz=rec.fs_hz, t_s=rec.t_s, placement=rec.meta.placement
        )
        labs = sim.labels.balance
        for lab in labs:
            n_labels += 1
            m = [r for r in res if r.start_s < lab.end_s and lab.start_s < r.end_s]
            if m:
                rows.append((seed, lab, m[0], place))
        extra += [
            r for r in res if not any(r.start_s < b.end_s and b.start_s < r.end_s for b in labs)
        ]
    return {"rows": rows, "n_labels": n_labels, "extra": extra}


def report(bal: dict[str, object], title: str) -> None:
    rows = bal["rows"]  # type: ignore[assignment]
    extra = bal["extra"]  # type: ignore[assignment]
    print(f"## {title}: {len(rows)} of {bal['n_labels']} labelled holds found")
    if not rows:
        return
    score = [r[2].sway_score for r in rows]
    true = [r[1].true_sway_rms_m_s2 for r in rows]
    print(f"Spearman rho(sway score, true sway RMS) = {spearmanr(score, true).statistic:.3f}")
    by_place = []
    for place in sorted({r[3] for r in rows}):
        sub = [r for r in rows if r[3] == place and r[1].true_sway_rms_m_s2 is not None]
        if len(sub) >= 3:
            rho = spearmanr([r[2].sway_score for r in sub], [r[1].true_sway_rms_m_s2 for r in sub])
            by_place.append(f"{place} {rho.statistic:.3f} (n={len(sub)})")
    print("  by placement: " + ", ".join(by_place))
    for st in ("two_leg", "tandem", "single_leg"):
        for eyes in ("open", "closed"):
            v = [r[2].sway_score for r in rows if r[1].stance == st and r[1].eyes == eyes]
            if v:
                print(f"- {st} eyes {eyes}: median score {np.median(v):.1f} (n={len(v)})")
    err = np.array([r[2].hold_s - r[1].hold_s for r in rows])
    start = np.array([r[2].start_s - r[1].start_s for r in rows])
    print(
        f"hold time error: median {np.median(err):+.2f} s, "
        f"within 0.5 s: {np.mean(np.abs(err) <= 0.5):.0%}; "
        f"start error median {np.median(start):+.2f} s, 5-95 % {np.percentile(start, 5):+.2f} "
        f"to {np.percentile(start, 95):+.2f} s"
    )
    acc = np.mean([r[2].stance == r[1].stance for r in rows])
    unk = np.mean([r[2].stance == "unknown" for r in rows])
    named = [r for r in rows if r[2].stance != "unknown"]
    prec = np.mean([r[2].stance == r[1].stance for r in named]) if named else float("nan")
    print(
        f"stance accuracy {acc:.0%} (unknown {unk:.0%}; correct when named: {prec:.0%}, "
        f"n={len(named)})"
    )
    marked = sum(r.probable_rest for r in extra)
    held = sum(r[2].probable_rest for r in rows)
    print(
        f"quiet standing reported that is no labelled hold: {len(extra)} "
        f"({marked} marked probable_rest); labelled holds marked probable_rest: {held}"
    )


def hapt_standing(max_experiments: int = 12) -> list[float] | None:
    """Sway RMS of the labelled STANDING segments (activity 5, >= 10 s) of HAPT."""
    if not REALDATA.is_dir():
        return None
    h = hapt_module()
    out: list[float] = []
    for exp, user in h.experiments(REALDATA)[:max_experiments]:
        e = h.load_experiment(REALDATA, exp, user)
        rec = e.recording
        for s0, s1 in e.intervals_s(5):
            i0, i1 = round(s0 * rec.fs_hz), round(s1 * rec.fs_hz)
            if (i1 - i0) >= 10 * rec.fs_hz:
                out.append(sway_metrics(rec.acc_m_s2[i0:i1], fs_hz=rec.fs_hz).rms_m_s2)
    return out


def hapt_stances() -> dict[str, Counter[str]] | None:
    """Stance named for each labelled STANDING segment (>= 10 s) of all HAPT experiments, as a
    hold (:func:`assess_hold`), by user group: casual standing is a two-leg stance."""
    if not REALDATA.is_dir():
        return None
    h = hapt_module()
    out: dict[str, Counter[str]] = {"users 1-8": Counter(), "users 9-15": Counter()}
    for exp, user in h.experiments(REALDATA):
        e = h.load_experiment(REALDATA, exp, user)
        rec = e.recording
        for s0, s1 in e.intervals_s(5):
            if s1 - s0 >= 10.0:
                r = assess_hold(rec.acc_m_s2, fs_hz=rec.fs_hz, start_s=s0, end_s=s1)
                if r is not None:
                    out["users 1-8" if user <= 8 else "users 9-15"][r.stance] += 1
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="300:312")
    ap.add_argument("--mixed", action="store_true", help="also random-program sessions")
    ap.add_argument(
        "--mixed-seeds",
        default=None,
        help="seeds of the random-program sessions (default: --seeds; they hold ~1 hold each)",
    )
    args = ap.parse_args()
    seeds = seed_range(args.seeds)
    report(balance(seeds), "Balance")
    if args.mixed:
        mseeds = seed_range(args.mixed_seeds) if args.mixed_seeds else seeds
        report(balance(mseeds, mixed=True), "Balance in random-program sessions")
    hs = hapt_standing()
    if hs:
        print(
            f"HAPT STANDING sway RMS (m/s^2): n={len(hs)}, "
            f"percentiles 5/50/95 = {np.percentile(hs, [5, 50, 95]).round(3)}"
        )
    for group, c in (hapt_stances() or {}).items():
        print(f"HAPT STANDING segments named as ({group}, n={sum(c.values())}): {dict(c)}")


if __name__ == "__main__":
    main()
