"""Real third-party recordings (../shared/realdata; skipped when absent): median |acc| ≈ 1 g."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from boneimu.errors import RecordingTooShortError
from boneimu.io import actigraph, detect_format, generic_csv, read_recording
from boneimu.recording import Recording
from boneimu.units import STANDARD_GRAVITY_M_S2

pytestmark = pytest.mark.realdata


def _median_norm(acc: np.ndarray) -> float:
    return float(np.median(np.linalg.norm(acc, axis=1)))


def _check(rec: Recording, fs_hz: float, *, gyro: bool) -> None:
    # walking/sit-to-stand recordings: median |acc| within 5% of 1 g
    assert _median_norm(rec.acc_m_s2) == pytest.approx(STANDARD_GRAVITY_M_S2, rel=0.05)
    assert rec.fs_hz == pytest.approx(fs_hz, rel=0.01)
    assert rec.has_gyro == gyro


def test_actigraph_hip_raw(realdata: Path) -> None:
    p = realdata / "impactr-actigraph" / "hip-raw.csv"
    assert detect_format(p) == "actigraph_csv"
    rec = read_recording(p)
    _check(rec, 100.0, gyro=False)
    assert rec.n_samples == 30_000
    assert rec.acc_m_s2[0] / STANDARD_GRAVITY_M_S2 == pytest.approx([0.262, -0.688, 0.063])
    assert rec.meta.extra["serial"] == "TAS1F25160319"
    assert rec.meta.extra["start_local_time"] == "2021-04-06T15:43:00"


def test_actigraph_link_imu(realdata: Path) -> None:
    p = realdata / "impactr-actigraph" / "test-data-hip-imu.csv"
    assert detect_format(p) == "actigraph_csv"
    # 100 rows = 1 s: parsed fully, but refused as a recording (shorter than 3 s)
    with pytest.raises(RecordingTooShortError) as err:
        read_recording(p)
    assert str(p) in str(err.value)
    opts, info = actigraph.options_for(p)
    parsed = generic_csv.parse(p, opts)
    assert info["serial"] == "TAS1F25160369" and info["date_format"] == "dd-MM-yyyy"
    assert parsed.time_ns.size == 100
    assert np.all(np.diff(parsed.time_ns) == 10_000_000)
    assert _median_norm(parsed.acc_m_s2) == pytest.approx(STANDARD_GRAVITY_M_S2, rel=0.05)
    assert parsed.gyro_rad_s is not None
    assert parsed.gyro_rad_s[0, 0] == pytest.approx(np.radians(0.305176))


def test_kielmat_tug(realdata: Path) -> None:
    rec = read_recording(
        realdata / "kielmat-tug" / "test_data_pham_algorithms.csv",
        acc_cols=[f"pelvis_ACCEL_{a}" for a in "xyz"],
        acc_unit="g",
        gyro_cols=[f"pelvis_GYRO_{a}" for a in "xyz"],
        gyro_unit="deg/s",
        rate_hz=200,
    )
    _check(rec, 200.0, gyro=True)
    assert rec.n_samples == 2908


def test_mcginnis_cmj(realdata: Path) -> None:
    rec = read_recording(
        realdata / "mcginnis-cmj" / "example_data.csv",
        time_col="t_s",
        time_unit="s",
        acc_cols="ax_ms2,ay_ms2,az_ms2",
        acc_unit="m/s2",
        gyro_cols="wx_rads,wy_rads,wz_rads",
        gyro_unit="rad/s",
    )
    _check(rec, 128.0, gyro=True)
    assert rec.n_samples == 12528


def test_skdh_sit2stand_us_time(realdata: Path) -> None:
    opts: dict[str, Any] = {
        "header": False,
        "time_col": 0,
        "time_unit": "us",
        "acc_cols": "1,2,3",
        "acc_unit": "m/s2",
    }
    rec = read_recording(realdata / "skdh-sit2stand" / "sit2standpy_sample.csv", **opts)
    _check(rec, 128.0, gyro=False)
    assert rec.meta.time_is_absolute
    assert int(rec.time_ns[0]) == 1_568_054_271_042_705_000


def test_hapt_gzip_space_separated(realdata: Path) -> None:
    raw = realdata / "hapt-dev" / "RawData"
    rec = read_recording(
        raw / "acc_exp01_user01.txt.gz",
        header=False,
        acc_cols="0,1,2",
        acc_unit="g",
        rate_hz=50,
        gyro_file=raw / "gyro_exp01_user01.txt.gz",
        gyro_cols="0,1,2",
        gyro_unit="rad/s",
    )
    _check(rec, 50.0, gyro=True)
    assert rec.acc_m_s2[0, 0] == pytest.approx(0.9180555898766518 * STANDARD_GRAVITY_M_S2)
    assert rec.gyro_rad_s is not None and not np.isnan(rec.gyro_rad_s).any()
