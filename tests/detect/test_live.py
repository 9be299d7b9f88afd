"""Streaming rep quality: chunked feeding matches the offline path; cues arrive quickly."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from boneimu.detect.impacts import ImpactRepDetector
from boneimu.detect.live import LiveRepMonitor
from boneimu.detect.quality import QualityConfig, RepQuality, assess_reps, rep_signals
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
    det = ImpactRepDetector().detect(res, fs_hz=rec.fs_hz, t_s=rec.t_s)
    off = [r for r in det.reps_ if r.exercise == "heel_drop"]
    sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s, t_s=rec.t_s)
    offline = assess_reps("heel_drop", off, sig, baseline=BASE)
    # the same reps on the same (true) clock: impacts within 20 ms
    pairs = []
    for r, q in zip(off, offline, strict=True):
        near = [e for e in mon.events if abs((e.impact_s or -9.0) - (r.impact_s or 0.0)) < 0.02]
        if near:
            pairs.append((q, near[0]))
    assert len(pairs) >= 0.8 * len(offline)
    same = sum(q.flagged("rushed") == e.rushed for q, e in pairs)
    assert same >= len(pairs) - 1
    assert sum(e.rushed for _, e in pairs) >= 1


def test_cue_latency_under_half_a_second(streamed) -> None:  # type: ignore[no-untyped-def]
    _, mon, _ = streamed
    lat = [e.time_s - e.rep_end_s for e in mon.events]
    assert lat and max(lat) < 0.5 and min(lat) >= 0.0


def test_bad_input() -> None:
    with pytest.raises(AnalysisError):
        LiveRepMonitor("walking", fs_hz=100.0)
    mon = LiveRepMonitor("hop", fs_hz=100.0)
    with pytest.raises(AnalysisError, match="sample times"):
        mon.push(np.arange(3, dtype=np.int64), np.zeros((4, 3)))


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
    return sim, mon, float(rec.t_s[first])


def _rep_end_s(lab, exercise: str) -> float:  # type: ignore[no-untyped-def]
    """When a labelled rep ends for a cue: heel drop the impact; hop the end of its ground
    contact (its landing when no contact is labelled); sit-to-stand standing upright."""
    ph = lab.phases_s
    if exercise == "heel_drop":
        return float(lab.impact_s)
    if exercise == "hop":
        return float(lab.impact_s + ph.get("contact", 0.0))
    return float(lab.start_s + ph["flexion"] + ph["rise"] + ph["extension"])


@pytest.mark.parametrize(
    ("program", "exercise", "seed", "gyro"),
    [
        ("heel_drop:1x10@rushed=0.3", "heel_drop", 101, True),
        ("hop:1x10@rushed=0.3", "hop", 102, True),
        ("sit_to_stand:1x6@rushed=0.3", "sit_to_stand", 103, False),
        ("sit_to_stand:1x6@rushed=0.3", "sit_to_stand", 105, True),
        ("sit_to_stand:1x6", "sit_to_stand", 104, False),
    ],
)
def test_cue_latency_against_labels(program, exercise, seed, gyro) -> None:  # type: ignore[no-untyped-def]
    """Every labelled rep is cued once, < 0.5 s of stream time after it ended, and not before
    its movement is under way: a heel drop after its impact, a hop after its landing, a
    sit-to-stand once the hips have reached standing height (the labelled rise's end; the
    trunk may still be straightening up)."""
    # sit-to-stand: cueing starts 3 s before the set (the session first has the phone
    # handled and the person sitting down, where a spurious rise can be found)
    lead = 3.0 if exercise == "sit_to_stand" else None
    sim, mon, t0 = _stream(program, exercise, seed, gyro=gyro, lead_s=lead)
    (st,) = sim.labels.sets
    ends = np.array([_rep_end_s(r, exercise) for r in st.reps]) - t0  # stream time
    starts = np.array([r.start_s for r in st.reps]) - t0
    if exercise == "sit_to_stand":
        earliest = np.array(
            [r.start_s + r.phases_s["flexion"] + r.phases_s["rise"] for r in st.reps]
        )
    else:
        earliest = np.array([r.impact_s for r in st.reps])
    earliest -= t0
    # the session also holds standing up and phone handling after the set
    in_set = [e for e in mon.events if starts[0] - 1.0 <= e.quality.start_s <= ends[-1] + 0.5]
    assert len(in_set) == ends.size  # no missed and no extra cues
    for e in in_set:
        # the labelled rep this cue is about: nearest impact, or nearest end (sit-to-stand)
        if e.impact_s is not None:
            j = int(np.argmin(np.abs(earliest - e.impact_s)))
            assert abs(e.impact_s - earliest[j]) < 0.15  # as validate_quality matches
        else:
            j = int(np.argmin(np.abs(ends - e.rep_end_s)))
            assert abs(e.rep_end_s - ends[j]) < 1.0
        assert earliest[j] - 0.05 <= e.time_s and e.time_s - ends[j] < 0.5


def test_event_times_follow_the_sample_clock() -> None:
    """Sample times that run 2 % slow against the nominal rate: the detectors count samples,
    the events report the samples' own clock (impacts where the labels put them)."""
    sim = simulate_session(program="heel_drop:1x8", placement="waist", seed=21)
    rec = sim.recording
    t_ns = rec.time_ns[0] + ((rec.time_ns - rec.time_ns[0]) * 1.02).astype(np.int64)
    mon = LiveRepMonitor("heel_drop", fs_hz=rec.fs_hz)
    for i in range(0, rec.n_samples, 10):
        mon.push(t_ns[i : i + 10], rec.acc_m_s2[i : i + 10], None)
    truth = np.array([r.impact_s for r in sim.labels.sets[0].reps]) * 1.02
    got = np.array([e.impact_s for e in mon.events if e.impact_s is not None])
    assert got.size >= truth.size - 1
    err = np.array([np.min(np.abs(truth - x)) for x in got])
    assert np.median(err) < 0.03 and err.max() < 0.1
    assert all(0.0 <= e.time_s - e.rep_end_s < 0.5 for e in mon.events)


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
    # two analyses per rep (prepare, decide), not one per notification
    assert short.analyses <= 3 * len(short.events) + duration_s / 5.0
    _, sts, _ = _stream("sit_to_stand:1x6", "sit_to_stand", 9, gyro=False, window_s=60.0)
    assert sts.max_window_n <= round(11.0 * rec.fs_hz) + 1  # window + still padding


def test_hop_contact_wait_is_capped_at_the_never_rushed_contact() -> None:
    """flag_reps never flags a contact of max_rushed_contact_s x sensitivity or more, so the
    monitor does not wait past it however long the person's usual contacts are."""
    mon = LiveRepMonitor("hop", fs_hz=100.0)
    slow = RepQuality("hop", 0.0, 1.0, phases_s={"flight": 0.3, "contact": 1.2})
    mon._history = [slow] * 4
    assert mon._contact_limit_s() == pytest.approx(QualityConfig().max_rushed_contact_s)
    mon._history, mon._limit_s = [replace(slow, phases_s={"contact": 0.4})] * 4, None
    assert mon._contact_limit_s() == pytest.approx(0.7 * 0.4)  # the ratio limit, under the cap
    mon.config, mon._limit_s = QualityConfig(sensitivity=0.5), None
    mon._history = [slow] * 4
    assert mon._contact_limit_s() == pytest.approx(0.5 * QualityConfig().max_rushed_contact_s)
