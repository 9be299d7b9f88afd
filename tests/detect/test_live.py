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


def _stream(  # type: ignore[no-untyped-def]
    program: str, exercise: str, seed: int, *, gyro: bool, window_s: float = 20.0, lead_s=None
):
    """Feed a simulated session in 0.1 s notifications (from ``lead_s`` before the first set,
    as when live cueing is switched on for the set; None: from the start)."""
    sim = simulate_session(program=program, placement="waist", seed=seed)
    rec = sim.recording
    first = (
        0 if lead_s is None else max(0, round((sim.labels.sets[0].start_s - lead_s) * rec.fs_hz))
    )
    mon = LiveRepMonitor(exercise, fs_hz=rec.fs_hz, window_s=window_s)
    for i in range(first, rec.n_samples, 10):
        g = rec.gyro_rad_s[i : i + 10] if gyro else None
        mon.push(rec.time_ns[i : i + 10], rec.acc_m_s2[i : i + 10], g)
    return sim, mon, first / rec.fs_hz


@pytest.mark.parametrize(
    ("program", "exercise", "seed", "gyro", "earliest_s"),
    [
        ("heel_drop:1x10@rushed=0.3", "heel_drop", 101, True, 0.0),
        ("hop:1x10@rushed=0.3", "hop", 102, True, -0.4),
        ("sit_to_stand:1x6@rushed=0.3", "sit_to_stand", 103, False, -0.3),
        # was xfail: the high-pass rebound after a rise passed for the descent; the descent
        # must now reach 30 % of the rise's peak velocity (quality._first_descent)
        ("sit_to_stand:1x6", "sit_to_stand", 104, False, -0.3),
    ],
)
def test_cue_latency_against_labels(program, exercise, seed, gyro, earliest_s) -> None:  # type: ignore[no-untyped-def]
    """Every labelled rep is cued once, < 0.5 s of stream time after its labelled end, and
    not before the movement is over (heel drop: the label's settle; hop: a discrete hop's
    label ends 0.5 s after landing, its cue may come once the contact can no longer be
    rushed; sit-to-stand: the label ends up to 0.3 s after the seat is reached)."""
    # sit-to-stand: cueing starts 3 s before the set (the session first has the phone
    # handled and the person sitting down, where a spurious rise can be found)
    lead = 3.0 if exercise == "sit_to_stand" else None
    sim, mon, t0 = _stream(program, exercise, seed, gyro=gyro, lead_s=lead)
    (st,) = sim.labels.sets
    ends = np.array([r.end_s for r in st.reps]) - t0  # stream time
    starts = np.array([r.start_s for r in st.reps]) - t0
    # the session also holds standing up and phone handling after the set
    in_set = [e for e in mon.events if starts[0] - 1.0 <= e.quality.start_s <= ends[-1]]
    assert len(in_set) == ends.size  # no missed and no extra cues
    for e in in_set:
        # the labelled rep this cue is about: the one whose span holds the detected end
        j = int(np.argmin(np.abs(ends - e.rep_end_s)))
        assert starts[j] - 0.5 <= e.rep_end_s <= ends[j] + 1.0
        assert earliest_s <= e.time_s - ends[j] < 0.5


def test_bounded_work() -> None:
    """The detectors see bounded windows at a bounded rate: the work per second of stream
    does not depend on the buffer length (window_s) or on how long the session runs."""
    program = "heel_drop:2x8@rushed=0.3"
    sim, short, _ = _stream(program, "heel_drop", 7, gyro=True, window_s=15.0)
    _, long, _ = _stream(program, "heel_drop", 7, gyro=True, window_s=60.0)
    rec = sim.recording
    assert short.events and [e.time_s for e in short.events] == [e.time_s for e in long.events]
    assert short.samples_analysed == long.samples_analysed
    assert short.max_window_n <= round(6.0 * rec.fs_hz)  # context + undecided span
    duration_s = rec.n_samples / rec.fs_hz
    assert short.analyses <= duration_s / 0.1 + 1
    # about three analyses per rep (measure ahead, decide), not one per notification
    assert short.analyses <= 4 * len(short.events) + duration_s / 5.0
    _, sts, _ = _stream("sit_to_stand:1x6", "sit_to_stand", 9, gyro=False, window_s=60.0)
    assert sts.max_window_n <= round(10.0 * rec.fs_hz) + 1
