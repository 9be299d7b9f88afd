"""Balance holds: touch-downs end the hold, sway ranks stances, merging across touch-downs."""

from __future__ import annotations

import numpy as np
from scipy.stats import spearmanr

from boneimu.detect.balance import assess_balance, assess_hold, first_touchdown, merge_holds
from boneimu.detect.events import Bout
from boneimu.detect.segment import segment_recording
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
    assert res is not None and abs(res.hold_s - 12.0) < 0.1
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


def test_simulated_holds_rank_with_true_sway() -> None:
    sim = simulate_session(
        program="two_leg:1x20s, tandem:1x20s@eyes=closed, single_leg:1x20s",
        placement="waist",
        seed=21,
    )
    rec = sim.recording
    seg = segment_recording(rec, placement="waist")
    res = assess_balance(seg.bouts, rec.acc_m_s2, fs_hz=rec.fs_hz)
    pairs = []
    for lab in sim.labels.balance:
        m = [r for r in res if r.start_s < lab.end_s and lab.start_s < r.end_s]
        if m:
            pairs.append((m[0].sway_score, lab.true_sway_rms_m_s2))
    assert len(pairs) >= 2
    if len(pairs) >= 3:
        rho = spearmanr([p[0] for p in pairs], [p[1] for p in pairs]).statistic
        assert rho < 0
