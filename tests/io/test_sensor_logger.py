"""Sensor Logger reader: Android/iOS, zip/folder/JSON, signs, reconstruction, exact ns time."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from _app_files import (
    T0_NS,
    resting_signal,
    sensor_logger_csv,
    sensor_logger_json,
    sensor_logger_members,
    sensor_logger_metadata,
    write_zip,
)

from boneimu.errors import MissingChannelError
from boneimu.io import detect_format, read_recording
from boneimu.units import STANDARD_GRAVITY_M_S2

FS_HZ = 100.0
N = 600
STEP_NS = 10_000_000


def _times(n: int = N, step: int = STEP_NS, offset: int = 0) -> np.ndarray:
    rng = np.random.default_rng(1)
    return T0_NS + offset + np.arange(n, dtype=np.int64) * step + rng.integers(-5000, 5000, n)


def _android_files(gravity_only: bool = False) -> dict[str, bytes]:
    _, acc, gyro = resting_signal(N, FS_HZ)
    t = _times()
    files = {
        "Metadata.csv": sensor_logger_metadata(platform="android", standardisation=False),
        "Gyroscope.csv": sensor_logger_csv(_times(offset=3_000_000), gyro),
    }
    if gravity_only:
        files["Accelerometer.csv"] = sensor_logger_csv(t, acc - [0, 0, STANDARD_GRAVITY_M_S2])
    else:
        files["TotalAcceleration.csv"] = sensor_logger_csv(t, acc)
    return files


def _ios_files(standardised: bool | None) -> tuple[dict[str, bytes], np.ndarray]:
    """iOS: user acceleration + gravity at offset times; iOS sign unless standardised."""
    _, acc, gyro = resting_signal(N, FS_HZ)
    gravity = np.tile([0.0, 0.0, STANDARD_GRAVITY_M_S2], (N, 1))
    user = acc - gravity
    sign = 1.0 if standardised else -1.0
    files = {
        "Metadata.csv": sensor_logger_metadata(platform="ios", standardisation=standardised),
        "Accelerometer.csv": sensor_logger_csv(_times(), sign * user),
        "Gravity.csv": sensor_logger_csv(_times(offset=1_000_000), sign * gravity),
        "Gyroscope.csv": sensor_logger_csv(_times(), gyro),
    }
    return files, acc


def test_android_zip_folder_inside(tmp_path: Path) -> None:
    files = _android_files()
    p = write_zip(tmp_path / "Walk-2023-10-28_15-52-24.zip", sensor_logger_members(files))
    assert detect_format(p) == "sensor_logger"
    rec = read_recording(p)
    _, acc, _ = resting_signal(N, FS_HZ)
    np.testing.assert_array_equal(rec.acc_m_s2, acc)  # repr floats: exact, z,y,x reordered
    assert rec.time_ns[0] == _times()[0]
    assert rec.time_ns.dtype == np.int64
    assert rec.meta.platform == "android"
    assert not rec.meta.acc_reconstructed
    assert rec.meta.source_format == "sensor_logger_zip"
    assert rec.meta.source_app == "Sensor Logger"
    assert rec.meta.source_app_version == "1.31.2"
    assert rec.meta.device == "Pixel 7"
    assert rec.meta.nominal_rate_hz == pytest.approx(100.0)
    assert rec.meta.time_is_absolute
    assert rec.meta.start_time_utc is not None
    assert rec.meta.start_time_utc.replace(microsecond=0) == datetime(
        2023, 10, 28, 13, 52, 24, tzinfo=UTC
    )
    assert rec.has_gyro
    assert not any("sign" in c for c in rec.meta.conversions)


def test_extracted_folder(tmp_path: Path) -> None:
    folder = tmp_path / "Walk-2023-10-28_15-52-24"
    folder.mkdir()
    for name, data in _android_files().items():
        (folder / name).write_bytes(data)
    assert detect_format(folder) == "sensor_logger"
    rec = read_recording(folder)
    assert rec.meta.source_format == "sensor_logger_folder"
    assert rec.n_samples == N


@pytest.mark.parametrize("standardised", [None, False, True])
def test_ios_reconstruction_and_sign(tmp_path: Path, standardised: bool | None) -> None:
    files, acc = _ios_files(standardised)
    p = write_zip(tmp_path / "ios.zip", sensor_logger_members(files))
    rec = read_recording(p)
    assert rec.meta.platform == "ios"
    assert rec.meta.acc_reconstructed
    # face-up phone at rest reads +9.81 on z in Android convention whatever the export setting
    assert np.median(rec.acc_m_s2[:, 2]) == pytest.approx(STANDARD_GRAVITY_M_S2, abs=0.05)
    np.testing.assert_allclose(rec.acc_m_s2, acc[: rec.n_samples], atol=1e-9)
    flipped = any("iOS sign flipped" in c for c in rec.meta.conversions)
    assert flipped == (not standardised)
    assert any("userAcceleration + gravity" in c for c in rec.meta.conversions)
    assert rec.meta.extra["standardisation"] == str(bool(standardised)).lower()
    if standardised is not None:
        assert rec.meta.timezone == "Europe/Berlin"
        assert rec.meta.platform_version == "17.1"


def test_ios_gyro_sign_not_flipped(tmp_path: Path) -> None:
    files, _ = _ios_files(False)
    _, _, gyro = resting_signal(N, FS_HZ)
    rec = read_recording(write_zip(tmp_path / "ios.zip", sensor_logger_members(files)))
    assert rec.gyro_rad_s is not None
    np.testing.assert_allclose(rec.gyro_rad_s, gyro, atol=1e-12)


def test_accelerometer_without_gravity_refused(tmp_path: Path) -> None:
    p = write_zip(tmp_path / "a.zip", sensor_logger_members(_android_files(gravity_only=True)))
    with pytest.raises(MissingChannelError, match="WITHOUT gravity") as err:
        read_recording(p)
    assert str(p) in str(err.value)


def test_android_accelerometer_plus_gravity_accepted(tmp_path: Path) -> None:
    files = _android_files(gravity_only=True)
    files["Gravity.csv"] = sensor_logger_csv(
        _times(), np.tile([0, 0, STANDARD_GRAVITY_M_S2], (N, 1))
    )
    rec = read_recording(write_zip(tmp_path / "a.zip", sensor_logger_members(files)))
    assert rec.meta.acc_reconstructed
    assert not any("sign" in c for c in rec.meta.conversions)
    assert np.median(rec.acc_m_s2[:, 2]) == pytest.approx(STANDARD_GRAVITY_M_S2, abs=0.05)


def test_columns_found_by_name_in_any_order(tmp_path: Path) -> None:
    files = _android_files()
    lines = files["TotalAcceleration.csv"].decode().splitlines()
    reordered = ["x,time,z,seconds_elapsed,y"]
    for ln in lines[1:]:
        t, e, z, y, x = ln.split(",")
        reordered.append(",".join([x, t, z, e, y]))
    files["TotalAcceleration.csv"] = ("\n".join(reordered) + "\n").encode()
    rec = read_recording(write_zip(tmp_path / "a.zip", sensor_logger_members(files)))
    _, acc, _ = resting_signal(N, FS_HZ)
    np.testing.assert_array_equal(rec.acc_m_s2, acc)


def test_barometer(tmp_path: Path) -> None:
    files = _android_files()
    t = T0_NS + np.arange(40, dtype=np.int64) * 150_000_000
    files["Barometer.csv"] = (
        "time,seconds_elapsed,relativeAltitude,pressure\n"
        + "".join(f"{ti},{i * 0.15!r},0.0,{1013.25 + i * 0.01!r}\n" for i, ti in enumerate(t))
    ).encode()
    rec = read_recording(write_zip(tmp_path / "b.zip", sensor_logger_members(files)))
    assert rec.baro is not None
    np.testing.assert_array_equal(rec.baro.time_ns, t)
    assert rec.baro.pressure_hpa[0] == pytest.approx(1013.25)


def test_json_export_strings_and_exact_ns(tmp_path: Path) -> None:
    _, acc, gyro = resting_signal(N, FS_HZ)
    t = _times()
    t[0] = 1_698_501_144_401_773_001
    p = tmp_path / "Walk.json"
    p.write_bytes(sensor_logger_json({"TotalAcceleration": (t, acc), "Gyroscope": (t, gyro)}))
    assert b'"time": "1698501144401773001"' in p.read_bytes()
    assert detect_format(p) == "sensor_logger"
    rec = read_recording(p)
    assert int(rec.time_ns[0]) == 1_698_501_144_401_773_001
    np.testing.assert_array_equal(rec.time_ns, t)
    np.testing.assert_array_equal(rec.acc_m_s2, acc)
    assert rec.meta.source_format == "sensor_logger_json"
    assert rec.meta.platform == "android"


def test_json_ios_with_metadata_row(tmp_path: Path) -> None:
    _files, acc = _ios_files(False)
    _, _, _gyro = resting_signal(N, FS_HZ)
    gravity = np.tile([0.0, 0.0, STANDARD_GRAVITY_M_S2], (N, 1))
    t = _times()
    data = sensor_logger_json({"Accelerometer": (t, -(acc - gravity)), "Gravity": (t, -gravity)})
    rows = data.decode().rstrip("]") + ', {"sensor": "Metadata", "platform": "ios", '
    rows += '"standardisation": "false", "appVersion": "1.31.2"}]'
    p = tmp_path / "ios.json"
    p.write_text(rows)
    rec = read_recording(p)
    assert rec.meta.platform == "ios" and rec.meta.acc_reconstructed
    np.testing.assert_allclose(rec.acc_m_s2, acc, atol=1e-9)


def test_missing_metadata_ios_needs_platform(tmp_path: Path) -> None:
    files, _acc = _ios_files(False)
    del files["Metadata.csv"]
    p = write_zip(tmp_path / "old.zip", sensor_logger_members(files))
    from boneimu.errors import UnsupportedFormatError
    from boneimu.io import sensor_logger

    with pytest.raises(UnsupportedFormatError, match="platform") as err:
        read_recording(p)
    assert str(p) in str(err.value)
    rec = sensor_logger.read(p, platform="ios")
    assert np.median(rec.acc_m_s2[:, 2]) == pytest.approx(STANDARD_GRAVITY_M_S2, abs=0.05)


def test_single_total_acceleration_csv(tmp_path: Path) -> None:
    files = _android_files()
    p = tmp_path / "TotalAcceleration.csv"
    p.write_bytes(files["TotalAcceleration.csv"])
    (tmp_path / "unrelated.csv").write_text("a,b\n1,2\n")
    assert detect_format(p) == "sensor_logger"
    rec = read_recording(p)
    assert rec.n_samples == N and not rec.has_gyro
    assert rec.meta.source_format == "sensor_logger_csv"
    assert rec.meta.platform == "android"
