"""Streaming rep quality: chunked feeding matches the offline path; cues arrive quickly."""

from __future__ import annotations

import numpy as np
import pytest

from boneimu.detect.impacts import ImpactRepDetector
from boneimu.detect.live import LiveRepMonitor
from boneimu.detect.quality import assess_reps, rep_signals
from boneimu.dose.baseline import RepBaseline
from boneimu.errors import AnalysisError
from boneimu.units import STANDARD_GRAVITY_M_S2
from firmware_sims import simulate_session

BASE = RepBaseline(
    exercise="heel_drop",
    n=10,
    phases_s={"rise": (0.8,) * 10, "hold": (0.4,) * 10},
    ldlj_a=(-6.0,) * 10,
)


@pytest.fixture(scope="module")
def streamed():  # type: ignore[no-untyped-def]
    sim = simulate_session(program="heel_drop:1x12@rushed=0.25", placement="waist", seed=11)
    rec = sim.recording
    got = []
    mon = LiveRepMonitor(
        "heel_drop", fs_hz=rec.fs_hz, baseline=BASE, window_s=15.0, on_rep=got.append
    )
    for i in range(0, rec.n_samples, 7):  # odd chunk size on purpose
        mon.push(rec.time_ns[i : i + 7], rec.acc_m_s2[i : i + 7], rec.gyro_rad_s[i : i + 7])
    return sim, mon, got


def test_live_matches_offline(streamed) -> None:  # type: ignore[no-untyped-def]
    sim, mon, got = streamed
    rec = sim.recording
    assert got == mon.events and mon._acc.shape[0] == round(15.0 * rec.fs_hz)  # bounded buffer
    res = np.linalg.norm(rec.acc_m_s2, axis=1) / STANDARD_GRAVITY_M_S2
    off = [
        r
        for r in ImpactRepDetector().detect(res, fs_hz=rec.fs_hz).reps_
        if r.exercise == "heel_drop"
    ]
    sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s)
    offline = {round(q.end_s, 1): q for q in assess_reps("heel_drop", off, sig, baseline=BASE)}
    live = {round(e.quality.end_s, 1): e for e in mon.events}
    common = set(offline) & set(live)
    assert len(common) >= 0.8 * len(offline)
    same = sum(offline[k].flagged("rushed") == live[k].rushed for k in common)
    assert same >= len(common) - 1
    assert sum(live[k].rushed for k in common) >= 1


def test_cue_latency_under_half_a_second(streamed) -> None:  # type: ignore[no-untyped-def]
    _, mon, _ = streamed
    lat = [e.time_s - e.rep_end_s for e in mon.events]
    assert lat and max(lat) < 0.5 and min(lat) >= 0.0


def test_bad_exercise() -> None:
    with pytest.raises(AnalysisError):
        LiveRepMonitor("walking", fs_hz=100.0)


def test_live_hops_cue_rushed_contacts() -> None:
    sim = simulate_session(program="hop:1x12@rushed=0.25", placement="waist", seed=12)
    rec = sim.recording
    mon = LiveRepMonitor("hop", fs_hz=rec.fs_hz)
    for i in range(0, rec.n_samples, 10):
        mon.on_samples(
            rec.time_ns[i : i + 10], rec.acc_m_s2[i : i + 10], rec.gyro_rad_s[i : i + 10]
        )
    truth = [r.rushed for r in sim.labels.sets[0].reps]
    assert len(mon.events) >= len(truth) - 1
    got = sum(e.rushed for e in mon.events)
    assert sum(truth) - 1 <= got <= sum(truth) + 1
    assert max(e.time_s - e.rep_end_s for e in mon.events) < 0.5
