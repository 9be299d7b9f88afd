"""Real waist-phone data (UCI HAPT, ../shared/realdata): a lean check on four experiments of
users 9-15 (the published table, benchmarks/validate_all.py, has recall 1.00 there; exp 20,
without walking and with a landscape phone, needs the upright reference from rise ends), so
all 4 sit-to-stands must be found; each is a single transition, never a set."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _hapt import SIT_TO_STAND, WALKING_IDS, HaptExperiment, load_experiment

from boneimu.analysis import analyze_recording
from boneimu.detect.segment import segment_recording
from boneimu.io import finish_recording
from boneimu.recording import Recording

pytestmark = pytest.mark.realdata
EXPERIMENTS = ((17, 9), (20, 10), (25, 12), (29, 14))


def test_hapt_sit_to_stands_found_and_no_impacts_in_walking(realdata: Path) -> None:
    if not (realdata / "hapt-dev").is_dir():
        pytest.skip("hapt-dev not present")
    found = total = 0
    for exp, user in EXPERIMENTS:
        e = load_experiment(realdata, exp, user)
        res = analyze_recording(e.recording.with_meta(placement=None))
        assert res.recording.placement is None  # a waist phone: never guessed as thigh
        # HAPT's rises are single transitions: reported as "other" bouts, never as sets
        assert not [s for s in res.sets if s.exercise == "sit_to_stand"], exp
        seg = segment_recording(e.recording.with_meta(placement=None))
        mids = [
            0.5 * (r.start_s + r.end_s)
            for b in seg.bouts
            for r in b.reps
            if r.exercise == "sit_to_stand"
        ]
        for a, b in e.intervals_s(SIT_TO_STAND):
            total += 1
            found += any(a - 0.5 <= m <= b + 0.5 for m in mids)
        walking = [iv for act in WALKING_IDS for iv in e.intervals_s(act)]
        impacts = [r.impact_s for s in res.sets if s.exercise != "sit_to_stand" for r in s.reps]
        assert not [t for t in impacts if any(a <= (t or 0) <= b for a, b in walking)], exp
    assert total == 4
    assert found == 4


def _rises_outside_labels(e: HaptExperiment, rec: Recording) -> int:
    seg = segment_recording(rec)
    mids = [
        0.5 * (r.start_s + r.end_s)
        for b in seg.bouts
        for r in b.reps
        if r.exercise == "sit_to_stand"
    ]
    truth = e.intervals_s(SIT_TO_STAND)
    return sum(not any(a - 0.5 <= m <= b + 0.5 for a, b in truth) for m in mids)


def test_hapt_turns_near_stairs_are_not_rises_with_a_gyroscope(realdata: Path) -> None:
    """Development users 2 and 3: a movement next to the stairs lifts the waist like a rise
    but hardly leans the trunk (docs/algorithms/reps.md); the gyroscope rejects it, the
    accelerometer alone does not."""
    if not (realdata / "hapt-dev").is_dir():
        pytest.skip("hapt-dev not present")
    with_gyro = without = 0
    for exp, user in ((3, 2), (5, 3)):
        e = load_experiment(realdata, exp, user)
        rec = e.recording.with_meta(placement=None)
        with_gyro += _rises_outside_labels(e, rec)
        acc_only = finish_recording(
            None,
            time_ns=rec.time_ns,
            acc_m_s2=rec.acc_m_s2,
            source_format="hapt_raw",
            nominal_rate_hz=rec.fs_hz,
        )
        without += _rises_outside_labels(e, acc_only)
    assert with_gyro == 0
    assert without >= 1
