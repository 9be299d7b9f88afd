"""Load UCI HAPT raw experiments (../shared/realdata/hapt-dev) as boneimu Recordings.

Validation/test helper only: product code never refers to the real-data folder.
HAPT: waist smartphone, 50 Hz, acc in g, gyro rad/s; labels in 50 Hz samples (1-based, ±1).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from boneimu.io import finish_recording
from boneimu.recording import Recording
from boneimu.units import NS_PER_S, g_to_m_s2

HAPT_FS_HZ = 50.0
SIT_TO_STAND = 8
STAND_TO_SIT = 7
WALKING_IDS = (1, 2, 3)


@dataclass(frozen=True)
class HaptExperiment:
    exp: int
    user: int
    recording: Recording
    labels: np.ndarray
    """(k, 3) int: activity, start sample, end sample (0-based, inclusive end)."""

    def intervals_s(self, activity: int) -> list[tuple[float, float]]:
        rows = self.labels[self.labels[:, 0] == activity]
        return [(s / HAPT_FS_HZ, (e + 1) / HAPT_FS_HZ) for _, s, e in rows]


def experiments(root: Path) -> list[tuple[int, int]]:
    lab = np.loadtxt(root / "hapt-dev" / "RawData" / "labels.txt", dtype=int)
    pairs = sorted({(int(e), int(u)) for e, u in lab[:, :2]})
    return pairs


def load_experiment(root: Path, exp: int, user: int) -> HaptExperiment:
    raw = root / "hapt-dev" / "RawData"
    acc = np.loadtxt(raw / f"acc_exp{exp:02d}_user{user:02d}.txt.gz")
    gyro = np.loadtxt(raw / f"gyro_exp{exp:02d}_user{user:02d}.txt.gz")
    n = min(len(acc), len(gyro))
    t = (np.arange(n) * (NS_PER_S / HAPT_FS_HZ)).astype(np.int64)
    rec = finish_recording(
        raw / f"acc_exp{exp:02d}_user{user:02d}.txt.gz",
        time_ns=t,
        acc_m_s2=np.asarray(g_to_m_s2(acc[:n])),
        gyro_rad_s=gyro[:n],
        source_format="hapt_raw",
        nominal_rate_hz=HAPT_FS_HZ,
        placement="waist",
    )
    lab = np.loadtxt(raw / "labels.txt", dtype=int)
    mine = lab[(lab[:, 0] == exp) & (lab[:, 1] == user)]
    rows = np.column_stack([mine[:, 2], mine[:, 3] - 1, mine[:, 4] - 1])
    return HaptExperiment(exp=exp, user=user, recording=rec, labels=rows)
