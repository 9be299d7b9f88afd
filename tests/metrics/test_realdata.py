"""Sanity of the metrics on real third-party recordings (../shared/realdata; skipped if absent).

Not ground truth: HAPT "standing" is unconstrained standing (not a balance drill) and the
McGinnis landing peak is our own reading. These tests check orders of magnitude and ordering.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from boneimu.metrics.grf import estimate_peak_grf
from boneimu.metrics.impact import impact_peaks
from boneimu.metrics.sway import sway_metrics, sway_score
from boneimu.signal.filters import lowpass
from boneimu.units import STANDARD_GRAVITY_M_S2

pytestmark = pytest.mark.realdata

HAPT_FS_HZ = 50.0
STANDING, WALKING = 5, 1


def _hapt_segment(root: Path, exp: int, user: int, activity: int) -> np.ndarray:
    raw = root / "hapt-dev" / "RawData"
    acc_g = np.loadtxt(raw / f"acc_exp{exp:02d}_user{user:02d}.txt.gz")
    lab = np.loadtxt(raw / "labels.txt", dtype=int)
    row = lab[(lab[:, 0] == exp) & (lab[:, 1] == user) & (lab[:, 2] == activity)][0]
    return acc_g[row[3] - 1 : row[4]] * STANDARD_GRAVITY_M_S2


@pytest.mark.parametrize(("exp", "user"), [(1, 1), (3, 2), (5, 3)])
def test_hapt_standing_sways_less_than_walking(realdata: Path, exp: int, user: int) -> None:
    stand = sway_metrics(_hapt_segment(realdata, exp, user, STANDING), fs_hz=HAPT_FS_HZ)
    walk = sway_metrics(_hapt_segment(realdata, exp, user, WALKING), fs_hz=HAPT_FS_HZ)
    assert 0.01 < stand.rms_m_s2 < 0.6
    assert walk.rms_m_s2 > 2 * stand.rms_m_s2
    assert sway_score(stand) > sway_score(walk)
    assert sway_score(walk) == 0.0


def test_mcginnis_jump_landing_peak_and_grf(realdata: Path) -> None:
    data = np.loadtxt(realdata / "mcginnis-cmj" / "example_data.csv", delimiter=",", skiprows=1)
    t_s, acc = data[:, 0], data[:, 1:4]
    fs_hz = 128.0
    peaks = impact_peaks(lowpass(acc, cutoff_hz=20.0, fs_hz=fs_hz), fs_hz=fs_hz)
    k = int(np.argmax(peaks.peak_acc_g))
    assert 82.5 < t_s[peaks.index[k]] < 83.1  # landing after the flight at 82.31-82.53 s
    assert peaks.peak_acc_g[k] > 4.0
    est = estimate_peak_grf(
        float(peaks.peak_acc_g[k]), body_mass_kg=70.0, placement="lower_back", activity="jumping"
    )
    assert est is not None and 2.0 < est.peak_grf_bw < 6.0
