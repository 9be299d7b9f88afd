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
    step_in_end,
    step_out_start,
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


def _shuffle_step(acc: np.ndarray, t0_s: float, dur_s: float = 0.6) -> None:
    """A small weight-shifting step like the simulator's: a lateral push, a vertical dip
    and rise, and its footfall at 70 % of the step."""
    i0, n = round(t0_s * FS), round(dur_s * FS)
    ph = 2 * np.pi * np.arange(n) / n
    acc[i0 : i0 + n, 1] += 1.2 * np.sin(ph)
    acc[i0 : i0 + n, 2] += 0.8 * np.sin(ph + np.pi)
    k = i0 + round(0.7 * n)
    acc[k : k + 3, 2] += 3.0


def test_hold_starts_where_the_step_in_ends_and_ends_where_the_step_out_starts() -> None:
    acc = _quiet(3000, 0.1, 3)
    acc[:200, :2] = 0.0  # standing motionless before stepping in: still the hold once in
    _shuffle_step(acc, 2.0)
    _shuffle_step(acc, 2.6)  # the step in ends at 3.2 s
    _shuffle_step(acc, 25.1)  # the step out starts at 25.1 s
    # the segmenter's centred 1 s window: the quiet bout from ~3.6 s to ~24.6 s
    assert abs(step_in_end(acc, fs_hz=FS, start_s=3.6, end_s=24.6) - 3.2) <= 0.1
    assert abs(step_out_start(acc, fs_hz=FS, start_s=3.6, end_s=24.6) - 25.1) <= 0.1
    res = assess_hold(acc, fs_hz=FS, start_s=3.6, end_s=24.6)
    assert res is not None and res.hold_s is not None
    assert abs(res.start_s - 3.2) <= 0.1 and abs(res.start_s + res.hold_s - 25.1) <= 0.15
    assert res.metrics["touchdowns"] == 0.0
    # no step found nearby (already quiet): the bout's own bounds
    quiet = _quiet(3000, 0.1, 4)
    assert step_in_end(quiet, fs_hz=FS, start_s=3.6, end_s=24.6) == 3.6
    assert step_out_start(quiet, fs_hz=FS, start_s=3.6, end_s=27.0) == 27.0


def test_sample_times_map_results_to_the_recordings_clock() -> None:
    """Dropped samples: index / rate lags the clock; results are in the clock's time."""
    acc = _quiet(3000, 0.05, 6)
    acc[1600:1604, 2] += 4.0  # touch-down at sample 1600
    t_s = np.arange(3000) / FS
    t_s[1000:] += 0.8  # 80 samples lost at 10 s
    res = assess_balance([Bout("balance", 0.5, 29.0)], acc, fs_hz=FS, t_s=t_s)
    assert len(res) == 1 and res[0].hold_s is not None
    assert abs(res[0].start_s + res[0].hold_s - 16.8) < 0.1  # the touch-down at 16.8 s
    assert abs(res[0].end_s - 29.0) < 0.02


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


def _rest(r: BalanceResult) -> float:
    return float(r.probable_rest)


def test_unknown_stance_between_two_same_stance_holds_is_marked_a_probable_rest() -> None:
    a, rest, c = _res(0.0, "tandem"), _res(33.0, "unknown"), _res(66.0, "tandem")
    out = rests_between_holds([a, rest, c])
    assert [r.start_s for r in out] == [0.0, 33.0, 66.0]  # nothing dropped
    assert [_rest(r) for r in out] == [0.0, 1.0, 0.0]
    named = _res(33.0, "single_leg")  # a named stance is never marked
    assert [_rest(r) for r in rests_between_holds([a, named, c])] == [0.0, 0.0, 0.0]
    other = [a, rest, _res(66.0, "two_leg")]
    assert [_rest(r) for r in rests_between_holds(other)] == [0.0, 0.0, 0.0]
    walk = Bout("walking", 63.5, 65.5)  # something else happened in between
    assert [_rest(r) for r in rests_between_holds([a, rest, c], [walk])] == [0.0, 0.0, 0.0]


def test_simulated_session_hold_times_and_rest_between_sets() -> None:
    """Guard for docs/validation.md (issue 5: hold time within ±0.5 s): every hold of an
    unseen session starts within 0.25 s of the labelled end of the step in and is timed within
    0.5 s; the rest between two heel-drop sets is not reported as a hold."""
    sim = simulate_session(
        program="heel_drop:2x8@rest=20s, tandem:2x20s@rest=20s, single_leg:1x20s",
        placement="waist",
        seed=1501,
    )
    rec = sim.recording
    seg = segment_recording(rec, placement="waist")
    res = assess_balance(seg.bouts, rec.acc_m_s2, fs_hz=rec.fs_hz, t_s=rec.t_s)
    sets = sorted((b for b in seg.bouts if b.kind == "heel_drop"), key=lambda b: b.start_s)
    assert len(sets) == 2
    assert not any(sets[0].end_s <= r.start_s and r.end_s <= sets[1].start_s for r in res)
    start_errors, hold_errors = [], []
    for lab in sim.labels.balance:
        m = [r for r in res if r.start_s < lab.end_s and lab.start_s < r.end_s]
        assert m, lab
        start_errors.append(abs(m[0].start_s - lab.start_s))
        hold_errors.append(abs((m[0].hold_s or 0.0) - lab.hold_s))
    assert len(hold_errors) == 3
    assert max(start_errors) <= 0.25, start_errors
    assert max(hold_errors) <= 0.5, hold_errors


def test_touchdown_just_after_the_quiet_bout_ends_the_hold() -> None:
    """The segmenter's centred 1 s window ends a quiet bout ~0.5 s before the footfall that
    breaks it: the hold runs to the footfall, not to the bout's end."""
    acc = _quiet(2500, 0.05, 3)
    acc[1545:1549, 2] += 4.0  # touch-down at 15.45 s, the bout ends at 15.0 s
    res = assess_hold(acc, fs_hz=FS, start_s=0.0, end_s=15.0)
    assert res is not None and res.hold_s is not None and abs(res.hold_s - 15.45) < 0.1
    assert res.end_s == 15.0 and res.metrics["touchdowns"] == 1.0


def test_step_out_after_the_bout_ends_the_hold_without_a_touchdown() -> None:
    acc = _quiet(2500, 0.05, 4)
    _shuffle_step(acc, 15.3)  # a weight-shifting step out, its footfall at 15.72 s
    res = assess_hold(acc, fs_hz=FS, start_s=0.0, end_s=14.9)
    assert res is not None and res.hold_s is not None and abs(res.hold_s - 15.3) < 0.1
    assert res.metrics["touchdowns"] == 0.0


def test_footfall_in_the_first_second_is_the_step_into_the_stance() -> None:
    acc = _quiet(2000, 0.05, 5)
    acc[50:54, 2] += 4.0  # the last step in lands 0.5 s into the quiet bout
    acc[1600:1604, 2] += 4.0  # the hold's touch-down at 16 s
    res = assess_hold(acc, fs_hz=FS, start_s=0.0, end_s=20.0)
    assert res is not None and res.hold_s is not None
    assert 0.5 <= res.start_s <= 0.8
    assert abs(res.start_s + res.hold_s - 16.0) < 0.1
