"""boneimu tidy CSV: exact round trip (also against the native format), sniffing, bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from boneimu.errors import CorruptFileError, TimestampError
from boneimu.io import detect_format, native, read_recording, tidy_csv
from boneimu.io._common import finish_recording_gyro_rows
from boneimu.io._probe import probe_path
from boneimu.recording import Recording
from boneimu.signal.resample import resample_recording
from boneimu.units import STANDARD_GRAVITY_M_S2


def make_recording(n: int = 800, *, gyro: bool = True, seed: int = 3) -> Recording:
    rng = np.random.default_rng(seed)
    t = 1_698_501_144_401_773_001 + np.arange(n, dtype=np.int64) * 10_000_037
    t[n // 2 :] += 900_000_000
    acc = rng.normal(0, 4, (n, 3)) * 10.0 ** rng.integers(-8, 3, (n, 3))
    acc[0] = [-0.0, 5e-324, 1.7976931348623157e308 / 1e300]
    g = rng.normal(0, 1, (n, 3)) if gyro else None
    if g is not None:
        g[3] = np.nan
    return finish_recording_gyro_rows(
        "mem",
        time_ns=t,
        acc_m_s2=acc,
        gyro_rad_s=g,
        source_format="phyphox",
        source_app="phyphox",
        platform="ios",
        device="iPhone 13: model A2482",
        placement="thigh",
        nominal_rate_hz=100.0,
        time_is_absolute=True,
        start_time_utc=datetime(2023, 10, 28, 13, 52, 24, 401773, tzinfo=UTC),
        timezone="America/New_York",
        acc_range_g=16.0,
        acc_reconstructed=True,
        conversions=["iOS sign flipped to Android", "g -> m/s² (x 9.80665)"],
        extra={"experiment": "Acceleration with g"},
    )


def same_bits(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    assert a is not None and b is not None
    return a.dtype == b.dtype and np.array_equal(
        np.ascontiguousarray(a).view(np.uint8), np.ascontiguousarray(b).view(np.uint8)
    )


META_THAT_MATTERS = (
    "source_app", "platform", "device", "placement", "nominal_rate_hz", "time_is_absolute",
    "start_time_utc", "timezone", "acc_range_g", "acc_reconstructed", "conversions", "gaps",
    "measured_rate_hz", "jitter_ms", "resampled",
)  # fmt: skip


def test_round_trip_is_bit_exact_and_keeps_meta(tmp_path: Path) -> None:
    rec = make_recording()
    out = tidy_csv.write_tidy_csv(rec, tmp_path / "r.csv")
    text = out.read_text()
    assert text.startswith("# boneimu tidy CSV v1\n# source_format: phyphox\n")
    assert "\ntime_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyro_x_rad_s" in text
    back = read_recording(out)
    assert back.meta.source_format == "boneimu_tidy_csv"
    assert np.array_equal(back.time_ns, rec.time_ns)
    assert same_bits(back.acc_m_s2, rec.acc_m_s2)
    assert same_bits(back.gyro_rad_s, rec.gyro_rad_s)
    for key in META_THAT_MATTERS:
        assert getattr(back.meta, key) == getattr(rec.meta, key), key
    assert back.meta.extra == {"experiment": "Acceleration with g", "recorded_from": "phyphox"}


def test_native_and_tidy_csv_give_identical_arrays(tmp_path: Path) -> None:
    rec = resample_recording(make_recording(), 50.0)  # ResampleInfo must survive both
    a = read_recording(native.write_recording(rec, tmp_path / "r.bimu"))
    b = read_recording(tidy_csv.write_tidy_csv(rec, tmp_path / "r.csv"))
    # and a chain native -> tidy -> native keeps the origin and the arrays
    c = read_recording(native.write_recording(b, tmp_path / "again.bimu"))
    for x in (a, b, c):
        assert np.array_equal(x.time_ns, rec.time_ns)
        assert same_bits(x.acc_m_s2, rec.acc_m_s2)
        assert same_bits(x.gyro_rad_s, rec.gyro_rad_s)
        for key in META_THAT_MATTERS:
            assert getattr(x.meta, key) == getattr(rec.meta, key), key
        assert x.meta.extra["recorded_from"] == "phyphox"


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    values=arrays(
        np.float64,
        (40, 3),
        elements=st.floats(allow_nan=False, allow_infinity=False, width=64),
    ),
    step_ns=st.integers(min_value=80_000_000, max_value=200_000_000),
)
def test_any_finite_floats_round_trip(tmp_path: Path, values: np.ndarray, step_ns: int) -> None:
    t = np.arange(40, dtype=np.int64) * step_ns + 2**62
    rec = finish_recording_gyro_rows(
        None, time_ns=t, acc_m_s2=values, gyro_rad_s=values[::-1].copy(), source_format="x"
    )
    back = tidy_csv.read(tidy_csv.write_tidy_csv(rec, tmp_path / "h.csv"))
    assert np.array_equal(back.time_ns, t)
    assert same_bits(back.acc_m_s2, rec.acc_m_s2)
    assert same_bits(back.gyro_rad_s, rec.gyro_rad_s)


def hand_written(tmp_path: Path, body: str, name: str = "h.csv") -> Path:
    p = tmp_path / name
    p.write_text(body)
    return p


def rows(n: int, dt_ns: int = 10_000_000) -> str:
    return "".join(f"{i * dt_ns},0.1,{STANDARD_GRAVITY_M_S2!r},-0.2\n" for i in range(n))


def test_sniff_by_exact_header_without_comments(tmp_path: Path) -> None:
    p = hand_written(tmp_path, "time_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n" + rows(400))
    assert detect_format(p) == "boneimu_tidy_csv"
    rec = read_recording(p)
    assert rec.n_samples == 400 and rec.gyro_rad_s is None
    assert rec.acc_m_s2[0, 1] == STANDARD_GRAVITY_M_S2
    near_miss = hand_written(tmp_path, "time_ns,acc_x,acc_y,acc_z\n" + rows(400), "n.csv")
    assert not tidy_csv.sniff(probe_path(near_miss))


@pytest.mark.parametrize(
    ("body", "error", "match"),
    [
        ("# boneimu tidy CSV v1\n", CorruptFileError, "no column header"),
        ("# boneimu tidy CSV v1\ntime_ns,ax,ay,az\n1,2,3,4\n", CorruptFileError, "must be"),
        ("time_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n", CorruptFileError, "no data rows"),
        (
            "time_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n" + rows(300) + "3000000000,1.0\n",
            CorruptFileError,
            "unparsable",
        ),
        (
            "time_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n" + rows(300) + "3000000000,abc,1,1\n",
            CorruptFileError,
            "unparsable",
        ),
        (
            "time_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n" + rows(300) + "3000000000,,1,1\n",
            CorruptFileError,
            "empty cell",
        ),
        (
            "time_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n" + rows(300) + "3000000000,inf,1,1\n",
            CorruptFileError,
            "infinite",
        ),
        (
            "time_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n" + rows(300) + "1000,1,1,1\n",
            TimestampError,
            "backwards",
        ),
        (
            "# placement: wrist\ntime_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n" + rows(300),
            CorruptFileError,
            "bad metadata line",
        ),
    ],
)
def test_bad_files_raise_typed_errors_naming_the_file(
    tmp_path: Path, body: str, error: type[Exception], match: str
) -> None:
    p = hand_written(tmp_path, body, "bad_input.csv")
    with pytest.raises(error, match=match) as info:
        tidy_csv.read(p)
    assert str(info.value).startswith(str(p)) and "\n" not in str(info.value)


def test_nan_acc_rows_are_dropped_with_a_warning_gyro_nan_kept(tmp_path: Path) -> None:
    head = "time_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyro_x_rad_s,gyro_y_rad_s,gyro_z_rad_s\n"
    lines = [f"{i * 10_000_000},0,9.8,0,{'nan' if i == 7 else 0.5},0,0" for i in range(400)]
    lines[20] = "200000000,nan,9.8,0,0.5,0,0"
    rec = tidy_csv.read(hand_written(tmp_path, head + "\n".join(lines) + "\n"))
    assert rec.n_samples == 399 and rec.meta.n_invalid_rows_dropped == 1
    assert any("NaN" in w for w in rec.meta.warnings)
    assert rec.gyro_rad_s is not None and np.isnan(rec.gyro_rad_s[7, 0])
    assert np.isnan(rec.gyro_rad_s[:, 0]).sum() == 1
