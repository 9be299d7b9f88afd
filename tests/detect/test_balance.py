"""Balance holds: touch-downs end the hold, sway ranks stances, merging across touch-downs."""

from __future__ import annotations

import numpy as np

from boneimu.detect.balance import (
    assess_balance,
    assess_hold,
    first_touchdown,
    is_step,
    merge_holds,
    rests_between_holds,
    rests_between_sets,
    sway_onset,
    with_prefix,
)
from boneimu.detect.events import Bout
from boneimu.detect.segment import segment_recording
from boneimu.results import BalanceResult
from boneimu.units import STANDARD_GRAVITY_M_S2
from firmware_sims import simulate_session

FS = 100.0


def _quiet(n: int, rms: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    acc = np.zeros((n, 3))
    acc[:, 2] = STANDARD_GRAVITY_M_S2
    t = np.arange(n) / FS
    acc[:, 0] += rms * np.sqrt(2) * np.sin(2 * np.pi * 1.1 * t + rng.uniform(0, 6))
    acc[:, 1] += 0.5 * rms * np.sqrt(2) * np.sin(2 * np.pi * 0.7 * t)
    return acc


def test_touchdown_ends_the_hold() -> None:
    acc = _quiet(2000, 0.05, 0)
    acc[1200:1204, 2] += 4.0  # a foot tapping the floor at 12 s
    assert first_touchdown(acc, fs_hz=FS) in range(1195, 1205)
    res = assess_hold(acc, fs_hz=FS, start_s=0.0, end_s=20.0)
    assert res is not None and res.hold_s is not None and abs(res.hold_s - 12.0) < 0.1
    quiet = assess_hold(_quiet(2000, 0.05, 1), fs_hz=FS, start_s=0.0, end_s=20.0)
    assert quiet is not None and quiet.hold_s == 20.0


def test_more_sway_scores_lower() -> None:
    scores = [
        assess_hold(_quiet(1500, r, 2), fs_hz=FS, start_s=0.0, end_s=15.0).sway_score  # type: ignore[union-attr]
        for r in (0.02, 0.08, 0.3)
    ]
    assert scores[0] > scores[1] > scores[2]


def test_merge_holds() -> None:
    b = [Bout("balance", 0.0, 12.0), Bout("balance", 13.5, 30.0), Bout("balance", 40.0, 55.0)]
    merged = merge_holds(b)
    assert [(m.start_s, m.end_s) for m in merged] == [(0.0, 30.0), (40.0, 55.0)]


def test_quiet_stance_between_two_sets_is_a_rest() -> None:
    rest = Bout("balance", 30.0, 48.0)
    hold = Bout("balance", 170.0, 200.0)
    bouts = [
        Bout("heel_drop", 10.0, 28.0),
        rest,
        Bout("heel_drop", 50.0, 68.0),
        Bout("sit_to_stand", 80.0, 100.0),
        hold,
        Bout("walking", 210.0, 250.0),
    ]
    assert rests_between_sets(bouts) == [rest]


def test_sway_onset_skips_the_still_lead_in() -> None:
    acc = _quiet(2000, 0.1, 3)
    acc[:250, :2] = 0.0  # standing motionless for 2.5 s after stepping in
    onset = sway_onset(acc, fs_hz=FS)
    assert 200 <= onset <= 260
    res = assess_hold(acc, fs_hz=FS, start_s=0.0, end_s=20.0)
    assert res is not None and abs(res.start_s - onset / FS) < 1e-6


def _step(acc: np.ndarray, i: int) -> None:
    n = 60
    t = np.arange(n) / FS
    acc[i : i + n, 1] += 1.2 * np.sin(2 * np.pi * t / (n / FS))


def test_prefix_joined_across_a_touchdown_not_across_a_step() -> None:
    acc = _quiet(3000, 0.05, 4)
    acc[600:604, 2] += 4.0  # touch-down 6 s into the hold
    assert not is_step(acc, fs_hz=FS, start_s=5.8, end_s=7.0)
    hold = Bout("balance", 7.5, 30.0)
    assert with_prefix(hold, acc, fs_hz=FS).start_s < 1.0
    stepped = _quiet(3000, 0.05, 4)
    _step(stepped, 600)
    assert is_step(stepped, fs_hz=FS, start_s=5.8, end_s=7.0)
    assert with_prefix(hold, stepped, fs_hz=FS) == hold


def _res(start_s: float, stance: str) -> BalanceResult:
    return BalanceResult(start_s=start_s, end_s=start_s + 30.0, stance=stance, sway_score=50.0)  # type: ignore[arg-type]


def test_unknown_stance_between_two_same_stance_holds_is_a_rest() -> None:
    a, rest, c = _res(0.0, "tandem"), _res(33.0, "unknown"), _res(66.0, "tandem")
    assert rests_between_holds([a, rest, c]) == [a, c]
    named = _res(33.0, "single_leg")  # a named stance is never dropped
    assert rests_between_holds([a, named, c]) == [a, named, c]
    other = [a, rest, _res(66.0, "two_leg")]
    assert rests_between_holds(other) == other
    walk = Bout("walking", 63.5, 65.5)  # something else happened in between
    assert rests_between_holds([a, rest, c], [walk]) == [a, rest, c]


def test_simulated_session_hold_times_and_rest_between_sets() -> None:
    """Guard for docs/validation.md (held-out figures: 74 % of hold times within ±0.5 s)."""
    sim = simulate_session(
        program="heel_drop:2x8@rest=20s, tandem:2x20s@rest=20s, single_leg:1x20s",
        placement="waist",
        seed=1501,
    )
    rec = sim.recording
    seg = segment_recording(rec, placement="waist")
    res = assess_balance(seg.bouts, rec.acc_m_s2, fs_hz=rec.fs_hz)
    sets = sorted((b for b in seg.bouts if b.kind == "heel_drop"), key=lambda b: b.start_s)
    assert len(sets) == 2
    assert not any(sets[0].end_s <= r.start_s and r.end_s <= sets[1].start_s for r in res)
    errors = []
    for lab in sim.labels.balance:
        m = [r for r in res if r.start_s < lab.end_s and lab.start_s < r.end_s]
        assert m, lab
        errors.append(abs((m[0].hold_s or 0.0) - lab.hold_s))
    assert np.mean(np.array(errors) <= 0.5) >= 2 / 3, errors


def test_touchdown_just_after_the_quiet_bout_ends_the_hold() -> None:
    """The segmenter's centred 1 s window ends a quiet bout ~0.5 s before the footfall that
    breaks it: the hold runs to the footfall, not to the bout's end."""
    acc = _quiet(2500, 0.05, 3)
    acc[1545:1549, 2] += 4.0  # touch-down at 15.45 s, the bout ends at 15.0 s
    res = assess_hold(acc, fs_hz=FS, start_s=0.0, end_s=15.0)
    assert res is not None and res.hold_s is not None and abs(res.hold_s - 15.45) < 0.1
    assert res.end_s == 15.0 and res.metrics["touchdowns"] == 1.0
    acc = _quiet(2500, 0.05, 3)
    acc[1570:1574, 2] += 4.0  # 0.7 s after the bout: beyond the window's reach, not this hold's
    res = assess_hold(acc, fs_hz=FS, start_s=0.0, end_s=15.0)
    assert res is not None and res.hold_s == 15.0 and res.metrics["touchdowns"] == 0.0


def test_touchdown_after_the_bout_across_a_step_is_not_the_holds() -> None:
    acc = _quiet(2500, 0.05, 4)
    t = np.arange(60) / FS
    acc[1500:1560, 1] += 1.5 * np.sin(2 * np.pi * t / 0.6)  # a weight-shifting step out
    acc[1542:1546, 2] += 4.0  # and its footfall
    res = assess_hold(acc, fs_hz=FS, start_s=0.0, end_s=15.0)
    assert res is not None and res.hold_s == 15.0 and res.metrics["touchdowns"] == 0.0


def test_footfall_in_the_first_second_is_the_step_into_the_stance() -> None:
    acc = _quiet(2000, 0.05, 5)
    acc[50:54, 2] += 4.0  # the last step in lands 0.5 s into the quiet bout
    acc[1600:1604, 2] += 4.0  # the hold's touch-down at 16 s
    res = assess_hold(acc, fs_hz=FS, start_s=0.0, end_s=20.0)
    assert res is not None and res.hold_s is not None
    assert 0.5 <= res.start_s <= 0.8
    assert abs(res.start_s + res.hold_s - 16.0) < 0.1
