"""Rep quality and balance validation (docs/validation.md, "Rep quality and balance (issue 5)").

    .venv/bin/python benchmarks/validate_quality.py [--seeds 300:312]

Simulated sessions on seeds/people/placements NOT used during development (default 300-311;
thresholds were chosen looking at seeds 0-23 and 100-111; ``--seeds 1000:1016`` is a second
held-out batch):
- rushed / jerky flag precision and recall, per exercise, on the labelled rep windows
  ("given the reps": isolates the quality step from detection) and end to end through
  ``analyze_recording`` (each labelled rep matched to one detected rep, ``match_rep``; a
  labelled rep that was not detected counts as unflagged);
- sit-to-stand phase errors (rise, 5x time) against the labels;
- balance: Spearman rho of sway score vs the labels' true sway RMS, stance/eyes ordering,
  hold-time error, stance accuracy;
- HAPT (../shared/realdata/hapt-dev, when present): sway metrics of STANDING segments.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.stats import spearmanr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from boneimu.analysis import analyze_recording  # noqa: E402
from boneimu.detect.balance import assess_balance  # noqa: E402
from boneimu.detect.events import Rep  # noqa: E402
from boneimu.detect.quality import assess_reps, rep_signals, sts_set_extra  # noqa: E402
from boneimu.detect.segment import segment_recording  # noqa: E402
from firmware_sims import simulate_session  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata"
PLACEMENTS = ("waist", "lower_back", "chest")
REP_PROGRAM = (
    "heel_drop:2x12@rushed=0.25,jerky=0.2, sit_to_stand:1x10@rushed=0.2,jerky=0.2, "
    "hop:2x12@rushed=0.25,jerky=0.2"
)
BAL_PROGRAM = (
    "two_leg:1x30s, tandem:1x30s, single_leg:1x30s, two_leg:1x30s@eyes=closed, "
    "tandem:1x30s@eyes=closed"
)


def label_reps(s) -> list[Rep]:  # type: ignore[no-untyped-def]
    """Labelled reps as detector-style reps (sit-to-stand: the rise, as the detector gives)."""
    out = []
    for r in s.reps:
        if s.exercise == "sit_to_stand":
            a = r.start_s + r.phases_s["flexion"]
            out.append(Rep("sit_to_stand", a, a + r.phases_s["rise"], 1.0))
        else:
            out.append(Rep(s.exercise, r.start_s, r.end_s, 1.0, impact_s=r.impact_s))
    return out


def match_rep(lab, det: list, exercise: str):  # type: ignore[no-untyped-def]
    """The detected rep that is this labelled rep: heel drops and hops by the impact (nearest
    within 0.15 s), sit-to-stands by the rise (the detected rep overlapping the labelled rise
    most). One detected rep per labelled rep; None when the rep was not detected."""
    if exercise != "sit_to_stand" and lab.impact_s is not None:
        cand = [r for r in det if r.impact_s is not None and abs(r.impact_s - lab.impact_s) <= 0.15]
        return min(cand, key=lambda r: abs(r.impact_s - lab.impact_s)) if cand else None
    a = lab.start_s + lab.phases_s.get("flexion", 0.0)
    b = a + lab.phases_s.get("rise", lab.end_s - lab.start_s)
    over = [(min(b, r.end_s) - max(a, r.start_s), r) for r in det]
    over = [(o, r) for o, r in over if o > 0]
    return max(over, key=lambda x: x[0])[1] if over else None


def pr(c: np.ndarray) -> str:
    tp, fp, fn, _ = c
    p = tp / max(tp + fp, 1)
    r = tp / max(tp + fn, 1)
    return f"P {p:.2f} R {r:.2f} (TP {tp}, FP {fp}, FN {fn})"


def rep_quality(seeds: range) -> dict[str, object]:
    given: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(4, int))
    e2e: dict[tuple[str, str], np.ndarray] = defaultdict(lambda: np.zeros(4, int))
    rise_err: list[float] = []
    t5_err: list[float] = []
    cycle_err: list[float] = []
    e2e_rise_err: list[float] = []
    e2e_cycle_err: list[float] = []
    for seed in seeds:
        sim = simulate_session(program=REP_PROGRAM, placement=PLACEMENTS[seed % 3], seed=seed)
        rec = sim.recording
        sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s, t_s=rec.t_s)
        for s in sim.labels.sets:
            qs = assess_reps(s.exercise, label_reps(s), sig)
            if s.exercise == "sit_to_stand" and len(s.reps) >= 5:
                extra = sts_set_extra(qs)
                r4 = s.reps[4]
                truth5 = r4.start_s + r4.phases_s["flexion"] + r4.phases_s["rise"] - s.start_s
                if "time_5x_sts_s" in extra:
                    t5_err.append(extra["time_5x_sts_s"] - truth5)
            for lab, q in zip(s.reps, qs, strict=True):
                for name in ("rushed", "jerky"):
                    t, p = getattr(lab, name), q.flagged(name)
                    given[(s.exercise, name)][0 if t and p else 1 if p else 2 if t else 3] += 1
                if s.exercise == "sit_to_stand" and "rise" in q.phases_s:
                    rise_err.append(q.phases_s["rise"] - lab.phases_s["rise"])
                    if q.cycle_s is not None:
                        cycle_err.append(q.cycle_s - sum(lab.phases_s.values()))
        res = analyze_recording(rec)
        for s in sim.labels.sets:
            det = [r for ds in res.sets if ds.exercise == s.exercise for r in ds.reps]
            for lab in s.reps:
                hit = match_rep(lab, det, s.exercise)
                for name in ("rushed", "jerky"):
                    t = getattr(lab, name)
                    p = hit is not None and any(f.name == name for f in hit.flags)
                    e2e[(s.exercise, name)][0 if t and p else 1 if p else 2 if t else 3] += 1
                if s.exercise == "sit_to_stand" and hit is not None and "rise" in hit.phases_s:
                    e2e_rise_err.append(hit.phases_s["rise"] - lab.phases_s["rise"])
                    if "descent" in hit.phases_s:
                        e2e_cycle_err.append(
                            sum(hit.phases_s.values()) - sum(lab.phases_s.values())
                        )
    return {
        "given": dict(given),
        "e2e": dict(e2e),
        "rise_err": rise_err,
        "t5_err": t5_err,
        "cycle_err": cycle_err,
        "e2e_rise_err": e2e_rise_err,
        "e2e_cycle_err": e2e_cycle_err,
    }


def balance(seeds: range) -> dict[str, object]:
    rows = []
    n_labels = 0
    for seed in seeds:
        sim = simulate_session(program=BAL_PROGRAM, placement=PLACEMENTS[seed % 3], seed=seed)
        rec = sim.recording
        seg = segment_recording(rec, placement=rec.meta.placement)
        res = assess_balance(seg.bouts, rec.acc_m_s2, fs_hz=rec.fs_hz)
        for lab in sim.labels.balance:
            n_labels += 1
            m = [r for r in res if r.start_s < lab.end_s and lab.start_s < r.end_s]
            if m:
                rows.append((seed, lab, m[0]))
    return {"rows": rows, "n_labels": n_labels}


def hapt_standing(max_experiments: int = 12) -> list[float] | None:
    """Sway RMS of the labelled STANDING segments (activity 5, >= 10 s) of HAPT."""
    if not REALDATA.is_dir():
        return None
    sys.path.insert(0, str(ROOT / "tests" / "detect"))
    from _hapt import experiments, load_experiment  # type: ignore[import-not-found]

    from boneimu.metrics.sway import sway_metrics

    out: list[float] = []
    for exp, user in experiments(REALDATA)[:max_experiments]:
        e = load_experiment(REALDATA, exp, user)
        rec = e.recording
        for s0, s1 in e.intervals_s(5):
            i0, i1 = round(s0 * rec.fs_hz), round(s1 * rec.fs_hz)
            if (i1 - i0) >= 10 * rec.fs_hz:
                out.append(sway_metrics(rec.acc_m_s2[i0:i1], fs_hz=rec.fs_hz).rms_m_s2)
    return out


def hapt_sts(max_experiments: int = 31) -> list[tuple[float, float]] | None:
    """(label duration, measured flexion+rise+extension) for HAPT SIT_TO_STAND transitions,
    measured with the rep window set to the labelled interval."""
    if not REALDATA.is_dir():
        return None
    sys.path.insert(0, str(ROOT / "tests" / "detect"))
    from _hapt import SIT_TO_STAND, experiments, load_experiment  # type: ignore[import-not-found]

    out: list[tuple[float, float]] = []
    for exp, user in experiments(REALDATA)[:max_experiments]:
        e = load_experiment(REALDATA, exp, user)
        rec = e.recording
        sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s)
        for s0, s1 in e.intervals_s(SIT_TO_STAND):
            q = assess_reps("sit_to_stand", [Rep("sit_to_stand", s0, s1, 1.0)], sig)[0]
            ph = q.phases_s
            if "rise" in ph:
                out.append((s1 - s0, ph["flexion"] + ph["rise"] + ph.get("extension", 0.0)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="300:312")
    a, b = (int(x) for x in ap.parse_args().seeds.split(":"))
    seeds = range(a, b)
    rq = rep_quality(seeds)
    print(f"## Rep flags on {len(seeds)} simulated sessions (seeds {a}-{b - 1})")
    for mode in ("given", "e2e"):
        print(f"### {mode}")
        for k, c in sorted(rq[mode].items()):  # type: ignore[attr-defined]
            print(f"- {k[0]} {k[1]}: {pr(c)}")
    rise = np.abs(rq["rise_err"])  # type: ignore[arg-type]
    print(
        f"STS rise time |error|: median {np.median(rise):.2f} s, "
        f"within 0.2 s: {np.mean(rise <= 0.2):.0%} (n={rise.size})"
    )
    t5 = np.abs(rq["t5_err"])  # type: ignore[arg-type]
    if t5.size:
        print(f"5x STS time |error|: median {np.median(t5):.2f} s (n={t5.size})")
    bal = balance(seeds)
    rows = bal["rows"]  # type: ignore[assignment]
    print(f"## Balance: {len(rows)} of {bal['n_labels']} labelled holds found")
    if rows:
        score = [r[2].sway_score for r in rows]
        true = [r[1].true_sway_rms_m_s2 for r in rows]
        print(f"Spearman rho(sway score, true sway RMS) = {spearmanr(score, true).statistic:.3f}")
        for st in ("two_leg", "tandem", "single_leg"):
            for eyes in ("open", "closed"):
                v = [r[2].sway_score for r in rows if r[1].stance == st and r[1].eyes == eyes]
                if v:
                    print(f"- {st} eyes {eyes}: median score {np.median(v):.1f} (n={len(v)})")
        err = np.array([r[2].hold_s - r[1].hold_s for r in rows])
        print(
            f"hold time error: median {np.median(err):+.2f} s, "
            f"within 0.5 s: {np.mean(np.abs(err) <= 0.5):.0%}"
        )
        acc = np.mean([r[2].stance == r[1].stance for r in rows])
        unk = np.mean([r[2].stance == "unknown" for r in rows])
        named = [r for r in rows if r[2].stance != "unknown"]
        prec = np.mean([r[2].stance == r[1].stance for r in named]) if named else float("nan")
        print(
            f"stance accuracy {acc:.0%} (unknown {unk:.0%}; correct when named: {prec:.0%}, "
            f"n={len(named)})"
        )
    cyc = np.abs(rq["cycle_err"])  # type: ignore[arg-type]
    if cyc.size:
        print(
            f"STS full-cycle |error|: median {np.median(cyc):.2f} s, "
            f"within 0.2 s: {np.mean(cyc <= 0.2):.0%} (n={cyc.size})"
        )
    for key, what in (("e2e_rise_err", "rise"), ("e2e_cycle_err", "full-cycle")):
        err = np.abs(rq[key])  # type: ignore[arg-type]
        if err.size:
            print(
                f"STS {what} |error| end to end (detected reps): median {np.median(err):.2f} s, "
                f"within 0.2 s: {np.mean(err <= 0.2):.0%} (n={err.size})"
            )
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
    hs = hapt_standing()
    if hs:
        print(
            f"HAPT STANDING sway RMS (m/s^2): n={len(hs)}, "
            f"percentiles 5/50/95 = {np.percentile(hs, [5, 50, 95]).round(3)}"
        )


if __name__ == "__main__":
    main()
