"""Generic CSV reader: options validation, units, time units, no-time files, CLI bundle."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import click
import numpy as np
import pytest
from _app_files import resting_signal
from click.testing import CliRunner

from boneimu.errors import ConfigError, CorruptFileError, MissingChannelError
from boneimu.io import generic_csv, read_recording
from boneimu.io.generic_csv import GenericCsvOptions, generic_csv_options, options_from_cli
from boneimu.units import STANDARD_GRAVITY_M_S2

FS_HZ = 100.0
N = 400


def _lab_csv(tmp_path: Path, *, sep: str = ",", unit_g: bool = True, deg: bool = True) -> Path:
    t_s, acc, gyro = resting_signal(N, FS_HZ)
    a = acc / STANDARD_GRAVITY_M_S2 if unit_g else acc
    w = np.degrees(gyro) if deg else gyro
    lines = [sep.join(["time_ms", "ax", "ay", "az", "gx", "gy", "gz", "note"])]
    for i in range(N):
        cells = [
            f"{t_s[i] * 1000:.3f}",
            *(repr(float(v)) for v in a[i]),
            *(repr(float(v)) for v in w[i]),
            "ok",
        ]
        lines.append(sep.join(cells))
    p = tmp_path / "lab.csv"
    p.write_text("\n".join(lines) + "\n")
    return p


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_units_and_sniffed_separator(tmp_path: Path, sep: str) -> None:
    p = _lab_csv(tmp_path, sep=sep)
    rec = read_recording(
        p,
        time_col="time_ms",
        time_unit="ms",
        acc_cols=["ax", "ay", "az"],
        acc_unit="g",
        gyro_cols="gx,gy,gz",
        gyro_unit="deg/s",
    )
    _, acc, gyro = resting_signal(N, FS_HZ)
    np.testing.assert_allclose(rec.acc_m_s2, acc, rtol=1e-12)
    assert rec.gyro_rad_s is not None
    np.testing.assert_allclose(rec.gyro_rad_s, gyro, rtol=1e-12, atol=1e-15)
    assert rec.time_ns[1] == 10_000_000
    assert not rec.meta.time_is_absolute
    assert "g -> m/s² (x 9.80665)" in rec.meta.conversions


def test_no_time_column_needs_rate(tmp_path: Path) -> None:
    p = _lab_csv(tmp_path)
    with pytest.raises(ConfigError, match="rate_hz"):
        read_recording(p, acc_cols="ax,ay,az", acc_unit="g")
    rec = read_recording(p, acc_cols="ax,ay,az", acc_unit="g", rate_hz=100.0)
    assert rec.fs_hz == pytest.approx(100.0)
    assert rec.meta.nominal_rate_hz == 100.0


def test_start_time_makes_time_absolute(tmp_path: Path) -> None:
    p = _lab_csv(tmp_path)
    start = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    rec = read_recording(p, acc_cols="ax,ay,az", acc_unit="g", rate_hz=100, start_time=start)
    assert rec.meta.time_is_absolute and rec.meta.start_time_utc == start
    with pytest.raises(ConfigError, match="start_time"):
        read_recording(
            p,
            acc_cols="ax,ay,az",
            acc_unit="g",
            rate_hz=100,
            start_time=datetime(2024, 3, 1, 9, 30),
        )  # naive: refused


def test_ios_sign_and_m_s2(tmp_path: Path) -> None:
    p = _lab_csv(tmp_path, unit_g=False)
    rec = read_recording(
        p, time_col="time_ms", time_unit="ms", acc_cols="ax,ay,az", acc_unit="m/s2", sign="ios"
    )
    _, acc, _ = resting_signal(N, FS_HZ)
    np.testing.assert_array_equal(rec.acc_m_s2, -acc)


def test_integer_ns_epoch_time_exact(tmp_path: Path) -> None:
    t0 = 1_698_501_144_401_773_001
    rows = [f"{t0 + i * 5_000_000},0,0,1" for i in range(1000)]
    p = tmp_path / "ns.csv"
    p.write_text("t,x,y,z\n" + "\n".join(rows) + "\n")
    rec = read_recording(p, time_col="t", time_unit="ns", acc_cols="x,y,z", acc_unit="g")
    assert int(rec.time_ns[0]) == t0
    assert rec.meta.time_is_absolute


def test_decimal_comma_and_skiprows_gzip_no_header(tmp_path: Path) -> None:
    t_s, acc, _ = resting_signal(N, FS_HZ)
    body = "\n".join(
        ";".join(f"{v:.6f}".replace(".", ",") for v in (t_s[i], *acc[i])) for i in range(N)
    )
    p = tmp_path / "x.txt.gz"
    p.write_bytes(gzip.compress(("logger v2\nunits: s, m/s2\n" + body + "\n").encode()))
    rec = read_recording(
        p,
        header=False,
        skiprows=2,
        decimal=",",
        time_col=0,
        time_unit="s",
        acc_cols="1,2,3",
        acc_unit="m/s2",
    )
    np.testing.assert_allclose(rec.acc_m_s2, acc, atol=1e-6)


def test_whitespace_separated(tmp_path: Path) -> None:
    _, acc, _ = resting_signal(N, FS_HZ)
    p = tmp_path / "hapt_like.txt"
    p.write_text(
        "\n".join(" ".join(repr(float(v)) for v in row) for row in acc / STANDARD_GRAVITY_M_S2)
    )
    rec = read_recording(p, header=False, acc_cols="0,1,2", acc_unit="g", rate_hz=50)
    np.testing.assert_allclose(rec.acc_m_s2, acc, rtol=1e-12)


def test_iso_time_with_timezone(tmp_path: Path) -> None:
    rows = [f"2017-12-09T15:00:{i * 0.01:011.8f},0,0,1" for i in range(500)]
    p = tmp_path / "iso.csv"
    p.write_text("Timestamp,x,y,z\n" + "\n".join(rows) + "\n")
    rec = read_recording(
        p,
        time_col="Timestamp",
        time_unit="iso",
        acc_cols="x,y,z",
        acc_unit="g",
        timezone="Europe/Berlin",
    )
    assert rec.meta.start_time_utc == datetime(2017, 12, 9, 14, 0, tzinfo=UTC)
    assert rec.meta.time_is_absolute


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"acc_cols": "x,y", "acc_unit": "g", "rate_hz": 50}, "acc_cols"),
        ({"acc_cols": "x,y,z", "acc_unit": "mg", "rate_hz": 50}, "acc_unit"),
        ({"acc_cols": "x,y,z", "acc_unit": "g", "time_col": "t"}, "time_unit"),
        ({"acc_cols": "x,y,z", "acc_unit": "g", "rate_hz": -5}, "rate_hz"),
        ({"acc_cols": "x,y,z", "acc_unit": "g", "rate_hz": 5, "gyro_cols": "a,b,c"}, "gyro_unit"),
        ({"acc_cols": "x,y,z", "acc_unit": "g", "rate_hz": 5, "colour": "red"}, "colour"),
    ],
)
def test_bad_options_are_config_errors(options: dict, match: str) -> None:
    with pytest.raises(ConfigError, match=match):
        generic_csv.parse_options("f.csv", **options)


def test_missing_column_lists_found(tmp_path: Path) -> None:
    p = _lab_csv(tmp_path)
    with pytest.raises(MissingChannelError, match="columns found: 'time_ms', 'ax'") as err:
        read_recording(p, acc_cols="ax,ay,accz", acc_unit="g", rate_hz=100)
    assert str(p) in str(err.value)


def test_text_in_value_column_is_corrupt(tmp_path: Path) -> None:
    p = _lab_csv(tmp_path)
    with pytest.raises(CorruptFileError) as err:
        read_recording(p, acc_cols="ax,ay,note", acc_unit="g", rate_hz=100)
    assert str(p) in str(err.value)


def test_cli_option_bundle(tmp_path: Path) -> None:
    p = _lab_csv(tmp_path)
    seen: dict = {}

    @click.command()
    @click.argument("path")
    @generic_csv_options
    def cmd(path: str, **kwargs: object) -> None:
        opts = options_from_cli(**kwargs)
        seen["opts"] = opts
        if opts is not None:
            seen["rec"] = read_recording(path, **opts)

    res = CliRunner().invoke(
        cmd,
        [
            str(p),
            "--csv-time-col",
            "time_ms",
            "--csv-time-unit",
            "ms",
            "--csv-acc-cols",
            "ax,ay,az",
            "--csv-acc-unit",
            "g",
        ],
    )
    assert res.exit_code == 0, res.output
    assert seen["opts"]["acc_cols"] == "ax,ay,az"
    assert seen["rec"].n_samples == N
    res = CliRunner().invoke(cmd, [str(p)])
    assert res.exit_code == 0 and seen["opts"] is None
    assert options_from_cli(
        csv_no_header=True, csv_acc_cols="0,1,2", csv_acc_unit="g", csv_rate_hz=50.0, other=1
    ) == {"header": False, "acc_cols": "0,1,2", "acc_unit": "g", "rate_hz": 50.0}
    with pytest.raises(ConfigError, match="rate_hz"):
        options_from_cli(csv_acc_cols="a,b,c", csv_acc_unit="g")
    assert GenericCsvOptions(acc_cols="a,b,c", acc_unit="g", rate_hz=1).acc_cols == ("a", "b", "c")
