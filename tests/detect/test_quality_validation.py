"""Regression guard for the rep-quality and balance figures in docs/validation.md (issue 5).

A small, fast version of benchmarks/validate_quality.py on seeds outside the development
range: if a change to the quality step (or to the simulator) makes the flags or the sway score
clearly worse, this fails. Floors are below the published figures to allow for the small
sample; the full numbers come from the benchmark script.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from boneimu.detect.balance import assess_balance
from boneimu.detect.events import Rep
from boneimu.detect.quality import assess_reps, rep_signals
from boneimu.detect.segment import segment_recording
from firmware_sims import simulate_session

PROGRAM = (
    "heel_drop:1x12@rushed=0.25,jerky=0.25, sit_to_stand:1x8@rushed=0.25,jerky=0.25, "
    "hop:1x12@rushed=0.25,jerky=0.25"
)


def _reps(s) -> list[Rep]:  # type: ignore[no-untyped-def]
    if s.exercise == "sit_to_stand":
        return [
            Rep(
                "sit_to_stand",
                r.start_s + r.phases_s["flexion"],
                r.start_s + r.phases_s["flexion"] + r.phases_s["rise"],
                1.0,
            )
            for r in s.reps
        ]
    return [Rep(s.exercise, r.start_s, r.end_s, 1.0, impact_s=r.impact_s) for r in s.reps]


def test_flag_precision_and_recall_on_unseen_sessions() -> None:
    counts = {name: np.zeros(3, int) for name in ("rushed", "jerky")}  # tp, fp, fn
    for seed, placement in ((501, "waist"), (502, "lower_back")):
        sim = simulate_session(program=PROGRAM, placement=placement, seed=seed)
        rec = sim.recording
        sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s, t_s=rec.t_s)
        for s in sim.labels.sets:
            for lab, q in zip(s.reps, assess_reps(s.exercise, _reps(s), sig), strict=True):
                for name, c in counts.items():
                    t, p = getattr(lab, name), q.flagged(name)
                    c += (t and p, p and not t, t and not p)
    # The floors (precision and recall >= 0.9). On these two sessions (16 rushed, 16
    # jerky reps) the step scores rushed 16 TP / 1 FP / 0 FN, jerky 16 / 0 / 0: one more
    # false alarm or miss per flag is allowed. Before the heel-drop rise search was widened
    # (the rise of a rep that starts while the knees still recover from the last landing was
    # cut short and read as rushed) this scored rushed 16 / 3 / 0, jerky 14 / 2 / 2.
    for name, (tp, fp, fn) in counts.items():
        assert tp + fn >= 10, name
        assert tp / (tp + fp) >= 0.9, (name, tp, fp, fn)
        assert tp / (tp + fn) >= 0.9, (name, tp, fp, fn)


def test_sway_score_ranks_true_sway() -> None:
    sim = simulate_session(
        program="two_leg:1x20s, tandem:1x20s, single_leg:1x20s, tandem:1x20s@eyes=closed",
        placement="waist",
        seed=503,
    )
    rec = sim.recording
    seg = segment_recording(rec, placement="waist")
    res = assess_balance(seg.bouts, rec.acc_m_s2, fs_hz=rec.fs_hz, t_s=rec.t_s)
    pairs = []
    for lab in sim.labels.balance:
        m = [r for r in res if r.start_s < lab.end_s and lab.start_s < r.end_s]
        if m:
            pairs.append((m[0].sway_score, lab.true_sway_rms_m_s2))
    assert len(pairs) >= 3
    rho = spearmanr([p[0] for p in pairs], [p[1] for p in pairs]).statistic
    assert rho <= -0.75


def test_sit_to_stand_flags_and_rise_time_end_to_end() -> None:
    """Through ``analyze_recording``: the detector's rep windows (a stop-and-go rise is one
    rep spanning its pieces; quick rises are found) carry the flags and the rise time."""
    from boneimu.analysis import analyze_recording

    counts = {name: np.zeros(3, int) for name in ("rushed", "jerky")}  # tp, fp, fn
    rise_err: list[float] = []
    for seed, placement in ((504, "waist"), (505, "chest")):
        sim = simulate_session(
            program="sit_to_stand:1x12@rushed=0.3,jerky=0.3", placement=placement, seed=seed
        )
        res = analyze_recording(sim.recording)
        det = [r for s in res.sets if s.exercise == "sit_to_stand" for r in s.reps]
        for lab in sim.labels.sets[0].reps:
            a = lab.start_s + lab.phases_s["flexion"]
            b = a + lab.phases_s["rise"]
            over = [(min(b, r.end_s) - max(a, r.start_s), r) for r in det]
            hits = [x for x in over if x[0] > 0]
            hit = max(hits, key=lambda x: x[0])[1] if hits else None
            for name, c in counts.items():
                t = getattr(lab, name)
                p = hit is not None and any(f.name == name for f in hit.flags)
                c += (t and p, p and not t, t and not p)
            if hit is not None and "rise" in hit.phases_s:
                rise_err.append(abs(hit.phases_s["rise"] - lab.phases_s["rise"]))
    for name, (tp, fp, fn) in counts.items():
        assert tp + fn >= 5, name
        assert tp / (tp + fp) >= 0.8, (name, tp, fp, fn)
        assert tp / (tp + fn) >= 0.75, (name, tp, fp, fn)
    assert len(rise_err) >= 20
    assert float(np.median(rise_err)) <= 0.15
