"""The sit-to-stand detector's and segmenter's faster paths give exactly the old results."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import find_peaks

from boneimu.detect.balance import rests_between_holds
from boneimu.detect.events import Bout, Rep
from boneimu.detect.segment import _overlaps
from boneimu.detect.sts import SitToStandDetector, horizontal_rate, rise_signals
from boneimu.results import BalanceResult
from boneimu.signal.filters import lowpass
from boneimu.signal.orientation import upright_reference, vertical_parts
from firmware_sims import simulate_session


def _excursions_loop(
    det: SitToStandDetector, v: np.ndarray, peaks: np.ndarray, max_n: int, fs_hz: float
) -> tuple[list[int], list[int], list[int]]:
    """The per-peak search the block search replaced."""
    out: tuple[list[int], list[int], list[int]] = ([], [], [])
    for p in peaks:
        thr = det.edge_fraction * v[p]
        lo = max(0, p - max_n)
        below_before = np.flatnonzero(v[lo:p] <= thr)
        below_after = np.flatnonzero(v[p : p + max_n] <= thr)
        if below_before.size == 0 or below_after.size == 0:
            continue
        s = lo + int(below_before[-1]) + 1
        e = p + int(below_after[0])
        if det.min_duration_s <= (e - s) / fs_hz <= det.max_duration_s:
            out[0].append(int(p))
            out[1].append(s)
            out[2].append(e)
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_block_excursion_search_matches_the_per_peak_search(seed: int) -> None:
    rng = np.random.default_rng(seed)
    fs = 50.0
    v = lowpass(rng.normal(0, 1.0, 20_000), cutoff_hz=1.0, fs_hz=fs, order=2) * 3
    v[:40] = 2.0  # a peak's excursion running into either end of the data
    v[-40:] = 2.0
    det = SitToStandDetector()
    peaks, _ = find_peaks(v, height=0.2, distance=10)
    peaks = np.concatenate([[5], peaks, [v.size - 5]])
    max_n = round(det.max_duration_s * fs)
    got = det._excursions(v, peaks, max_n, fs)
    want = _excursions_loop(det, v, peaks, max_n, fs)
    assert len(want[0]) > 20  # the test has peaks that pass
    assert got == want
    assert det._excursions(v, peaks[:0], max_n, fs) == ([], [], [])


def test_overlaps_matches_every_pair_check() -> None:
    rng = np.random.default_rng(3)
    # integer-valued times: many touching intervals, where open and closed bounds differ
    bouts = []
    for _ in range(60):
        s = float(rng.integers(0, 400))
        bouts.append(Bout(kind="hop", start_s=s, end_s=s + float(rng.integers(0, 15))))
    items = []
    for _ in range(400):
        s = float(rng.integers(0, 420))
        e = s + float(rng.integers(1, 4))
        items.append(Rep(exercise="sit_to_stand", start_s=s, end_s=e, peak_acc_g=1.0))
    closed = [
        any(b.start_s - 1.0 <= r.end_s and r.start_s <= b.end_s + 1.0 for b in bouts) for r in items
    ]
    opened = [any(b.start_s < r.end_s and r.start_s < b.end_s for b in bouts) for r in items]
    assert 0 < sum(opened) < sum(closed) < len(items)
    assert _overlaps(items, bouts, margin_s=1.0).tolist() == closed
    assert _overlaps(items, bouts).tolist() == opened
    assert _overlaps([], bouts).tolist() == []
    assert _overlaps(items, []).tolist() == [False] * len(items)


def _rises_session() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float]:
    sim = simulate_session(program="sit_to_stand:2x5", placement="waist", seed=4)
    rec = sim.recording
    assert rec.gyro_rad_s is not None
    vp = vertical_parts(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s)
    return vp.vertical_m_s2, vp.resultant_g, vp.up, rec.gyro_rad_s, rec.fs_hz


def test_shared_rise_signals_give_the_same_rises_in_both_passes() -> None:
    vert, res_g, up, gyro, fs = _rises_session()
    tilt = np.degrees(np.arccos(np.clip(up @ upright_reference(up), -1.0, 1.0)))
    fresh_cand = SitToStandDetector().detect(vert, res_g, up, fs_hz=fs, gyro_rad_s=gyro).reps_
    fresh = (
        SitToStandDetector().detect(vert, res_g, up, fs_hz=fs, gyro_rad_s=gyro, tilt_deg=tilt).reps_
    )
    sig = rise_signals(vert, up, fs_hz=fs, gyro_rad_s=gyro)
    assert sig._pitch_rad_s is None  # computed only when a candidate reaches the lean test
    cand = SitToStandDetector().detect(vert, res_g, up, fs_hz=fs, signals=sig).reps_
    assert sig.hf_rms_m_s2  # the first pass filled the smoothness cache
    np.testing.assert_array_equal(sig.pitch_rad_s(), horizontal_rate(gyro, up, fs_hz=fs))
    again = SitToStandDetector().detect(vert, res_g, up, fs_hz=fs, tilt_deg=tilt, signals=sig)
    assert len(fresh) >= 4
    assert cand == fresh_cand
    assert again.reps_ == fresh


def test_horizontal_rate_without_nan_copy_is_bit_identical() -> None:
    _, _, up, gyro, fs = _rises_session()

    def old(g: np.ndarray) -> np.ndarray:
        out = lowpass(np.nan_to_num(g), cutoff_hz=3.0, fs_hz=fs, order=2)
        out -= np.einsum("ij,ij->i", out, up)[:, None] * up
        out[np.isnan(g).any(axis=1)] = np.nan
        return out

    np.testing.assert_array_equal(horizontal_rate(gyro, up, fs_hz=fs), old(gyro))
    holed = gyro.copy()
    holed[100:140, 1] = np.nan
    got = horizontal_rate(holed, up, fs_hz=fs)
    assert np.isnan(got[100:140]).all() and not np.isnan(got[:100]).any()
    np.testing.assert_array_equal(got, old(holed))


def test_rests_between_holds_matches_every_pair_check() -> None:
    rng = np.random.default_rng(7)
    stances = ["unknown", "tandem", "single_leg", "two_leg"]
    results, t = [], 0.0
    for _ in range(300):
        t += float(rng.integers(5, 40))
        stance = stances[int(rng.integers(0, 4))] if rng.random() < 0.6 else "unknown"
        results.append(BalanceResult(start_s=t, end_s=t + 20.0, stance=stance, sway_score=50.0))
    blocked = [
        Bout(kind="hop", start_s=s, end_s=s + float(rng.integers(1, 30)))
        for s in rng.integers(0, int(t), 60).astype(float).tolist()
    ]
    res = sorted(results, key=lambda r: r.start_s)
    want = [False] * len(res)
    for i in range(1, len(res) - 1):
        a, b, c = res[i - 1], res[i], res[i + 1]
        if a.stance == "unknown" or a.stance != c.stance or b.stance != "unknown":
            continue
        want[i] = not any(x.start_s < c.start_s and a.end_s < x.end_s for x in blocked)
    assert sum(want) > 0
    got = [r.probable_rest for r in rests_between_holds(results, blocked)]
    assert got == want
    # the blocking bouts decide some: without them more holds read as rests
    assert sum(r.probable_rest for r in rests_between_holds(results, [])) > sum(want)
