"""phyphox reader: the five CSV variants, both platforms' number styles, zip export, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from _app_files import (
    PHYPHOX_HEADERS,
    PHYPHOX_VARIANTS,
    java_sci,
    phyphox_csv,
    phyphox_meta,
    resting_signal,
    write_zip,
)

from boneimu.errors import MissingChannelError, UnsupportedFormatError
from boneimu.io import detect_format, phyphox, read_recording
from boneimu.units import NS_PER_S

FS_HZ = 100.0
N = 500


def _write(tmp_path: Path, data: bytes, name: str = "Raw Data.csv") -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize("variant", list(PHYPHOX_VARIANTS))
@pytest.mark.parametrize("platform", ["android", "ios"])
def test_every_csv_variant_reads_back(tmp_path: Path, variant: str, platform: str) -> None:
    t_s, acc, _ = resting_signal(N, FS_HZ)
    p = _write(tmp_path, phyphox_csv(t_s, acc, variant=variant, platform=platform))
    assert detect_format(p) == "phyphox"
    rec = read_recording(p)
    assert rec.n_samples == N
    # Android: 10 significant digits in E notation; iOS: 10 significant digits
    np.testing.assert_allclose(rec.acc_m_s2, acc, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(rec.time_ns, np.rint(t_s * NS_PER_S).astype(np.int64))
    assert not rec.meta.time_is_absolute
    assert rec.meta.start_time_utc is None
    assert rec.meta.source_format == "phyphox_csv"
    assert rec.meta.extra["decimal"] == PHYPHOX_VARIANTS[variant][1]
    assert rec.gyro_rad_s is None
    if platform == "android":
        assert rec.meta.platform == "android"  # recognised by the 0.000000000E0 number style


def test_android_number_style_is_exact(tmp_path: Path) -> None:
    header = (
        '"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)",'
    )
    header += '"Absolute acceleration (m/s^2)"'
    rows = [
        f"{i * 0.01:.9E}".replace("E-0", "E-").replace("E+00", "E0").replace("E+0", "E")
        + ",9.364549000E-3,-1.200000000E-1,9.806650000E0,9.807000000E0"
        for i in range(400)
    ]
    p = _write(tmp_path, ("\n".join([header, *rows]) + "\n").encode())
    rec = read_recording(p)
    assert rec.acc_m_s2[0].tolist() == [9.364549e-3, -0.12, 9.80665]
    assert rec.time_ns[1] == 10_000_000  # 1.000000000E-2 s -> exactly 10 ms


def test_missing_cells_android_nan_and_ios_empty(tmp_path: Path) -> None:
    t_s, acc, _ = resting_signal(N, FS_HZ)
    acc[7, 1] = np.nan
    for platform in ("android", "ios"):
        p = _write(tmp_path, phyphox_csv(t_s, acc, platform=platform), f"{platform}.csv")
        text = p.read_text()
        assert ("NaN" in text) if platform == "android" else ('""' in text)
        rec = read_recording(p)
        assert rec.n_samples == N - 1
        assert rec.meta.n_invalid_rows_dropped == 1


def test_float_seconds_round_not_truncate(tmp_path: Path) -> None:
    # 0.29 s is 0.28999999999999998 in binary: truncation would give 289999999 ns
    t_s = np.arange(N) * 0.01 + 0.29
    _, acc, _ = resting_signal(N, FS_HZ)
    rec = read_recording(_write(tmp_path, phyphox_csv(t_s, acc, platform="ios")))
    assert rec.time_ns[0] == 290_000_000


@pytest.mark.parametrize("variant", ["comma", "semicolon_decimal_comma"])
def test_zip_export_with_meta_time_is_absolute(tmp_path: Path, variant: str) -> None:
    t_s, acc, _ = resting_signal(N, FS_HZ)
    members = {"Raw Data.csv": phyphox_csv(t_s, acc, variant=variant)}
    members.update(phyphox_meta(variant=variant, start_unix_s="1698501144.401"))
    p = write_zip(tmp_path / "Acceleration with g 2023-10-28 15-52-24.zip", members)
    assert detect_format(p) == "phyphox"
    rec = read_recording(p)
    assert rec.meta.time_is_absolute
    assert rec.time_ns[0] == 1_698_501_144_401_000_000
    assert rec.time_ns[1] - rec.time_ns[0] == 10_000_000
    assert rec.meta.start_time_utc == datetime(2023, 10, 28, 13, 52, 24, 401000, tzinfo=UTC)
    assert rec.meta.timezone == "UTC+02:00"
    assert rec.meta.platform == "android"
    assert rec.meta.device == "google Pixel 7"
    assert rec.meta.source_app_version == "1.1.15"
    assert rec.meta.platform_version == "14"
    assert rec.meta.source_format == "phyphox_zip"
    assert any("START" in c for c in rec.meta.conversions)


def test_ios_zip_platform_and_pause_events(tmp_path: Path) -> None:
    # experiment time pauses; the second START maps later samples to the later wall clock
    t_s = np.concatenate([np.arange(300) * 0.01, 3.0 + np.arange(300) * 0.01])
    t_s[300:] += 0.005
    _, acc, _ = resting_signal(600, FS_HZ)
    meta = phyphox_meta(platform="ios")
    meta["meta/time.csv"] = (
        b'"event","experiment time","system time","system time text"\n'
        b'"START",0,1698501144.401,"2023-10-28 15:52:24.401 UTC+02:00"\n'
        b'"PAUSE",2.995,1698501147.396,"2023-10-28 15:52:27.396 UTC+02:00"\n'
        b'"START",2.995,1698501157.396,"2023-10-28 15:52:37.396 UTC+02:00"\n'
    )
    p = write_zip(
        tmp_path / "x.zip", {"Raw Data.csv": phyphox_csv(t_s, acc, platform="ios"), **meta}
    )
    rec = read_recording(p)
    assert rec.meta.platform == "ios"
    assert rec.time_ns[0] == 1_698_501_144_401_000_000
    assert rec.time_ns[300] == 1_698_501_157_406_000_000  # 10 s pause kept as a gap
    assert len(rec.meta.gaps) == 1


def test_zip_with_acceleration_and_gyroscope_sets(tmp_path: Path) -> None:
    t_s, acc, _gyro = resting_signal(N, FS_HZ)
    tg = np.arange(2 * N) / (2 * FS_HZ) + 0.001  # gyro at 200 Hz, offset
    _, _, gyro2 = resting_signal(2 * N, 2 * FS_HZ, seed=3)
    p = write_zip(
        tmp_path / "multi.zip",
        {
            "Accelerometer.csv": phyphox_csv(t_s, acc),
            "Gyroscope.csv": phyphox_csv(tg, gyro2, kind="gyro"),
            **phyphox_meta(),
        },
    )
    rec = read_recording(p)
    assert rec.has_gyro and rec.gyro_rad_s is not None
    assert rec.meta.gyro_rate_hz == pytest.approx(200.0, rel=1e-6)
    # acc sample k at 10k ms sits between gyro samples 2k-1 and 2k (0.001 s later)
    k = 100
    frac = (t_s[k] - tg[2 * k - 1]) / (tg[2 * k] - tg[2 * k - 1])
    want = gyro2[2 * k - 1] + frac * (gyro2[2 * k] - gyro2[2 * k - 1])
    np.testing.assert_allclose(rec.gyro_rad_s[k], want, rtol=1e-6, atol=1e-9)
    assert any("mixed sample rates" in w for w in rec.meta.warnings)


def test_linear_acceleration_refused(tmp_path: Path) -> None:
    t_s, acc, _ = resting_signal(N, FS_HZ)
    p = _write(tmp_path, phyphox_csv(t_s, acc - [0, 0, 9.8], kind="linear"))
    with pytest.raises(UnsupportedFormatError, match="Acceleration with g") as err:
        read_recording(p)
    assert str(p) in str(err.value)
    z = write_zip(
        tmp_path / "lin.zip",
        {"Raw Data.csv": phyphox_csv(t_s, acc, kind="linear"), **phyphox_meta()},
    )
    with pytest.raises(UnsupportedFormatError, match="without g") as err:
        read_recording(z)
    assert str(z) in str(err.value)


def test_gyroscope_only_export_refused(tmp_path: Path) -> None:
    t_s, _, gyro = resting_signal(N, FS_HZ)
    p = _write(tmp_path, phyphox_csv(t_s, gyro, kind="gyro"))
    with pytest.raises(UnsupportedFormatError, match="without 'Acceleration with g'"):
        read_recording(p)


def test_layout_sniffing() -> None:
    layout, header = phyphox.layout_of(b'"Time (s)";"Acceleration x (m/s^2)"\n0,1;2,5\n', Path("f"))
    assert (layout.delimiter, layout.decimal) == (";", ",")
    assert header == ["Time (s)", "Acceleration x (m/s^2)"]
    layout, _ = phyphox.layout_of(b'"Time (s)"\t"a"\n0.1\t2.5\n', Path("f"))
    assert (layout.delimiter, layout.decimal) == ("\t", ".")


def test_missing_column_lists_columns_found(tmp_path: Path) -> None:
    text = '"Time (s)","Acceleration x (m/s^2)","Acceleration y (m/s^2)","Acceleration z (m/s^2)"\n'
    p = _write(tmp_path, (text + "0,1,2,3\n").encode())
    # one column header damaged: read by name, so this must fail clearly
    p.write_text(text.replace("y (m", "Y [m") + "0,1,2,3\n")
    with pytest.raises(UnsupportedFormatError) as err:
        read_recording(p)
    assert "Acceleration x (m/s^2)" in str(err.value) and str(p) in str(err.value)
    assert not isinstance(err.value, MissingChannelError)


def test_one_table_with_acceleration_and_gyroscope(tmp_path: Path) -> None:
    t_s, acc, gyro = resting_signal(N, FS_HZ)
    head = ["Time (s)", *PHYPHOX_HEADERS["acc"][1:4], *PHYPHOX_HEADERS["gyro"][1:4]]
    lines = [",".join(f'"{h}"' for h in head)]
    lines += [
        ",".join(java_sci(float(x)) for x in (t, *a, *g))
        for t, a, g in zip(t_s, acc, gyro, strict=True)
    ]
    p = _write(tmp_path, ("\n".join(lines) + "\n").encode())
    rec = read_recording(p)
    assert rec.gyro_rad_s is not None
    np.testing.assert_allclose(rec.gyro_rad_s, gyro, rtol=1e-9, atol=1e-15)
    assert not any("interpolated" in c for c in rec.meta.conversions)  # same time base
