"""ActiGraph raw CSV: header parsing, raw and IMU exports, refusal of epoch exports."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from _app_files import resting_signal

from boneimu.errors import CorruptFileError, UnsupportedFormatError
from boneimu.io import actigraph, detect_format, read_recording
from boneimu.units import STANDARD_GRAVITY_M_S2

HEADER = (
    "------------ Data File Created By ActiGraph GT3X+ ActiLife v6.13.4 Firmware v1.7.2 "
    "date format {fmt} at {rate} Hz  Filter Normal -----------\n"
    "Serial Number: TAS1F00000001\n"
    "Start Time 09:15:30\n"
    "Start Date {date}\n"
    "Epoch Period (hh:mm:ss) {epoch}\n"
    "Download Time 10:00:00\n"
    "Download Date {date}\n"
    "Current Memory Address: 0\n"
    "Current Battery Voltage: 4.10     Mode = 12\n"
    "--------------------------------------------------\n"
)


def _raw(
    tmp_path: Path,
    *,
    fmt: str = "M/d/yyyy",
    date: str = "3/7/2024",
    rate: int = 100,
    epoch: str = "00:00:00",
    n: int = 600,
) -> Path:
    _, acc, _ = resting_signal(n, rate)
    g = acc / STANDARD_GRAVITY_M_S2
    body = "Accelerometer X,Accelerometer Y,Accelerometer Z\n" + "".join(
        f"{x:.3f},{y:.3f},{z:.3f}\n" for x, y, z in g
    )
    p = tmp_path / "raw.csv"
    p.write_text(HEADER.format(fmt=fmt, rate=rate, date=date, epoch=epoch) + body)
    return p


def test_raw_export(tmp_path: Path) -> None:
    p = _raw(tmp_path)
    assert detect_format(p) == "actigraph_csv"
    rec = read_recording(p)
    _, acc, _ = resting_signal(600, 100)
    np.testing.assert_allclose(rec.acc_m_s2, acc, atol=0.0005 * STANDARD_GRAVITY_M_S2 + 1e-12)
    assert rec.fs_hz == pytest.approx(100.0)
    assert rec.meta.nominal_rate_hz == 100.0
    assert rec.meta.device == "ActiGraph GT3X+ TAS1F00000001"
    assert rec.meta.extra["start_local_time"] == "2024-03-07T09:15:30"
    assert not rec.meta.time_is_absolute  # local time, zone unknown


def test_timezone_makes_start_absolute(tmp_path: Path) -> None:
    p = _raw(tmp_path, fmt="dd/MM/yyyy", date="07/03/2024")
    rec = actigraph.read(p, timezone="Europe/London")
    assert rec.meta.time_is_absolute
    assert rec.meta.start_time_utc == datetime(2024, 3, 7, 9, 15, 30, tzinfo=UTC)


def test_epoch_export_refused(tmp_path: Path) -> None:
    p = _raw(tmp_path, epoch="00:01:00")
    with pytest.raises(UnsupportedFormatError, match="epoch") as err:
        read_recording(p)
    assert str(p) in str(err.value)


def test_header_without_rate_or_end(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text(
        HEADER.format(fmt="M/d/yyyy", rate=100, date="3/7/2024", epoch="00:00:00").splitlines()[0]
        + "\nSerial Number: X\n"
    )
    with pytest.raises(CorruptFileError, match="-----") as err:
        read_recording(p)
    assert str(p) in str(err.value)


def test_date_not_matching_format(tmp_path: Path) -> None:
    p = _raw(tmp_path, fmt="dd/MM/yyyy", date="3/27/2024")
    with pytest.raises(CorruptFileError, match="date format"):
        read_recording(p)
