"""SensorLog (iOS) reader: g and iOS sign -> m/s² Android sign, separators, anchoring, baro."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from _app_files import SENSORLOG_COLS, resting_signal, sensorlog_csv

from boneimu.errors import MissingChannelError
from boneimu.io import detect_format, read_recording
from boneimu.units import STANDARD_GRAVITY_M_S2

FS_HZ = 50.0
N = 300


@pytest.mark.parametrize("sep", [",", ";", "\t", "|"])
def test_sensorlog_units_sign_and_separator(tmp_path: Path, sep: str) -> None:
    t_s, acc, gyro = resting_signal(N, FS_HZ)
    p = tmp_path / "sensorlog.csv"
    p.write_bytes(sensorlog_csv(t_s, acc, gyro, sep=sep))
    assert detect_format(p) == "sensorlog"
    rec = read_recording(p)
    assert rec.n_samples == N
    # written as g with 6 decimals: 1e-6 g resolution
    np.testing.assert_allclose(rec.acc_m_s2, acc, atol=1e-5)
    assert np.median(rec.acc_m_s2[:, 2]) == pytest.approx(STANDARD_GRAVITY_M_S2, abs=0.05)
    assert rec.gyro_rad_s is not None
    np.testing.assert_allclose(rec.gyro_rad_s, gyro, atol=1e-6)
    assert rec.meta.platform == "ios"
    assert "iOS sign flipped to Android" in rec.meta.conversions
    assert any("9.80665" in c for c in rec.meta.conversions)


def test_sensorlog_absolute_time_and_barometer(tmp_path: Path) -> None:
    t_s, acc, gyro = resting_signal(N, FS_HZ)
    p = tmp_path / "sensorlog.csv"
    p.write_bytes(sensorlog_csv(t_s, acc, gyro))
    rec = read_recording(p)
    assert rec.meta.time_is_absolute
    assert rec.meta.timezone == "UTC+02:00"
    assert rec.meta.start_time_utc is not None
    # first sample 13:52:24.401 UTC (loggingTime rows are 0.4 ms later, to the ms)
    delta = rec.meta.start_time_utc - datetime(2023, 10, 28, 13, 52, 24, 401000, tzinfo=UTC)
    assert abs(delta.total_seconds()) < 0.0015
    assert np.diff(rec.time_ns).min() == pytest.approx(20_000_000, abs=2000)
    assert rec.baro is not None
    assert rec.baro.pressure_hpa[0] == pytest.approx(1013.25)


def test_sensorlog_motion_columns_reconstruct(tmp_path: Path) -> None:
    t_s, acc, gyro = resting_signal(N, FS_HZ)
    g = np.tile([0.0, 0.0, 1.0], (N, 1))
    user = acc / STANDARD_GRAVITY_M_S2 - g
    cols = ["loggingTime(txt)", "motionTimestamp_sinceReboot(s)"]
    cols += [f"motionUserAcceleration{a}(G)" for a in "XYZ"]
    cols += [f"motionGravity{a}(G)" for a in "XYZ"]
    cols += [f"motionRotationRate{a}(rad/s)" for a in "XYZ"]
    lines = [",".join(cols)]
    for i, t in enumerate(t_s):
        vals = [*(-user[i]), *(-g[i]), *gyro[i]]
        lines.append(",".join(["", f"{1000 + t:.6f}", *(f"{v:.8f}" for v in vals)]))
    p = tmp_path / "motion.csv"
    p.write_text("\n".join(lines) + "\n")
    assert detect_format(p) == "sensorlog"
    rec = read_recording(p)
    assert rec.meta.acc_reconstructed
    assert not rec.meta.time_is_absolute
    np.testing.assert_allclose(rec.acc_m_s2, acc, atol=1e-6)


def test_sensorlog_without_accelerometer(tmp_path: Path) -> None:
    p = tmp_path / "gyro_only.csv"
    cols = [c for c in SENSORLOG_COLS if "accelerometerAcceleration" not in c]
    p.write_text(",".join(cols) + "\n")
    with pytest.raises(MissingChannelError) as err:
        read_recording(p)
    assert str(p) in str(err.value)
