"""Rep quality: phases, smoothness and rushed/jerky flags on simulated sets with known truth."""

from __future__ import annotations

import numpy as np
import pytest

from boneimu.detect.events import Rep
from boneimu.detect.quality import (
    QualityConfig,
    assess_reps,
    baseline_for,
    merge_quality,
    rep_signals,
    sts_set_extra,
)
from boneimu.dose.baseline import RepBaseline
from boneimu.errors import AnalysisError
from boneimu.results import RepResult
from boneimu.units import STANDARD_GRAVITY_M_S2
from firmware_sims import simulate_session


@pytest.fixture(scope="module")
def heel_sim():  # type: ignore[no-untyped-def]
    return simulate_session(program="heel_drop:1x12@rushed=0.25", placement="waist", seed=3)


def _label_reps(sim, k: int = 0) -> tuple[str, list[Rep]]:  # type: ignore[no-untyped-def]
    """Labelled reps as detector-style reps (sit-to-stand: the rise, as the detector gives)."""
    s = sim.labels.sets[k]
    reps = []
    for r in s.reps:
        if s.exercise == "sit_to_stand":
            a = r.start_s + r.phases_s["flexion"]
            reps.append(Rep("sit_to_stand", a, a + r.phases_s["rise"], 1.0))
        else:
            reps.append(Rep(s.exercise, r.start_s, r.end_s, 1.0, impact_s=r.impact_s))
    return s.exercise, reps


def _sig(sim):  # type: ignore[no-untyped-def]
    rec = sim.recording
    return rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s, t_s=rec.t_s)


def test_heel_drop_rushed_reps_are_flagged(heel_sim) -> None:  # type: ignore[no-untyped-def]
    sig = _sig(heel_sim)
    ex, reps = _label_reps(heel_sim)
    qs = assess_reps(ex, reps, sig)
    truth = [r.rushed for r in heel_sim.labels.sets[0].reps]
    got = [q.flagged("rushed") for q in qs]
    assert sum(truth) >= 2
    assert sum(g and t for g, t in zip(got, truth, strict=True)) >= sum(truth) - 1
    assert sum(g and not t for g, t in zip(got, truth, strict=True)) <= 2
    # the drop phase of a heel drop is a short free fall
    drops = [q.phases_s["drop"] for q in qs if "drop" in q.phases_s]
    assert len(drops) >= 10 and sum(0.08 < d < 0.4 for d in drops) >= 0.8 * len(drops)
    # phases agree with the simulator's truth for most reps
    rise_err = [
        abs(q.phases_s["rise"] - lab.phases_s["rise"])
        for q, lab in zip(qs, heel_sim.labels.sets[0].reps, strict=True)
        if "rise" in q.phases_s
    ]
    assert sum(e < 0.2 for e in rise_err) >= 0.75 * len(rise_err)
    flag = next(f for q in qs for f in q.flags if f.name == "rushed")
    assert flag.value is not None and flag.threshold is not None and flag.value < flag.threshold


def test_sensitivity_flags_more(heel_sim) -> None:  # type: ignore[no-untyped-def]
    sig = _sig(heel_sim)
    ex, reps = _label_reps(heel_sim)
    n_lo = sum(
        q.flagged("rushed")
        for q in assess_reps(ex, reps, sig, config=QualityConfig(sensitivity=0.5))
    )
    n_hi = sum(
        q.flagged("rushed")
        for q in assess_reps(ex, reps, sig, config=QualityConfig(sensitivity=3.0))
    )
    assert n_hi > n_lo


def test_history_baseline_is_used(heel_sim) -> None:  # type: ignore[no-untyped-def]
    sig = _sig(heel_sim)
    ex, reps = _label_reps(heel_sim)
    slow = RepBaseline(
        exercise="heel_drop", n=10, phases_s={"rise": (3.0,) * 10, "hold": (2.0,) * 10}
    )
    qs = assess_reps(ex, reps, sig, baseline=slow)
    # against a very slow personal baseline every rep looks rushed, and the reason says so
    assert all(q.flagged("rushed") for q in qs if "rise" in q.phases_s)
    assert any("usual" in f.reason for q in qs for f in q.flags)
    assert baseline_for({"heel_drop": slow}, "heel_drop") is slow
    assert baseline_for(slow, "hop") is None


def test_sit_to_stand_phases_and_performance() -> None:
    sim = simulate_session(program="sit_to_stand:1x6", placement="waist", seed=5)
    sig = _sig(sim)
    ex, reps = _label_reps(sim)
    qs = assess_reps(ex, reps, sig, body_mass_kg=70.0, height_m=1.7)
    ok = [q for q in qs if q.rise_end_s is not None]
    assert len(ok) >= 5
    for q, lab in zip(qs, sim.labels.sets[0].reps, strict=True):
        if "rise" in q.phases_s:
            assert abs(q.phases_s["rise"] - lab.phases_s["rise"]) < 0.5
            assert q.vertical_displacement_m is not None and 0.1 < q.vertical_displacement_m < 0.6
            assert q.power_w is not None and q.power_w > 0
    extra = sts_set_extra(qs, body_mass_kg=70.0)
    assert "time_5x_sts_s" in extra and extra["time_5x_sts_s"] > 5.0
    assert extra["mean_power_w_kg"] == pytest.approx(extra["mean_power_w"] / 70.0)


def test_merge_quality_copies_fields(heel_sim) -> None:  # type: ignore[no-untyped-def]
    sig = _sig(heel_sim)
    ex, reps = _label_reps(heel_sim)
    qs = assess_reps(ex, reps, sig)
    base = [
        RepResult(start_s=r.start_s, end_s=r.end_s, impact_s=r.impact_s, peak_acc_g=2.0)
        for r in reps
    ]
    merged = merge_quality(base, qs)
    assert [len(m.flags) for m in merged] == [len(q.flags) for q in qs]
    assert any(m.phases_s for m in merged)


def test_bad_input_raises() -> None:
    with pytest.raises(AnalysisError):
        QualityConfig(sensitivity=0.0)
    sig = rep_signals(np.tile([0.0, 0.0, STANDARD_GRAVITY_M_S2], (500, 1)), fs_hz=100.0)
    with pytest.raises(AnalysisError):
        assess_reps("squat", [], sig)
    assert assess_reps("hop", [], sig) == []
