"""Bad input: every refusal is a typed BoneimuError whose one-line message names the file."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
from _app_files import (
    T0_NS,
    phyphox_csv,
    resting_signal,
    sensor_logger_csv,
    sensor_logger_members,
    sensor_logger_metadata,
    write_zip,
)

from boneimu.errors import (
    BoneimuError,
    CorruptFileError,
    MissingChannelError,
    RecordingTooShortError,
    TimestampError,
    UnsafeArchiveError,
    UnsupportedFormatError,
)
from boneimu.io import phyphox, read_recording, sensor_logger, sensorlog

N = 500


def _sl_zip(
    tmp_path: Path, total: bytes, *, gyro: bytes | None = None, name: str = "r.zip"
) -> Path:
    files = {
        "Metadata.csv": sensor_logger_metadata(platform="android", standardisation=False),
        "TotalAcceleration.csv": total,
    }
    if gyro is not None:
        files["Gyroscope.csv"] = gyro
    return write_zip(tmp_path / name, sensor_logger_members(files))


def _total(n: int = N, step: int = 10_000_000) -> tuple[np.ndarray, np.ndarray]:
    _, acc, _ = resting_signal(n, 1e9 / step)
    return T0_NS + np.arange(n, dtype=np.int64) * step, acc


def _raises(exc: type[BoneimuError], path: Path, fn: object = read_recording) -> str:
    with pytest.raises(exc) as err:
        fn(path)  # type: ignore[operator]
    msg = str(err.value)
    assert str(path) in msg, msg
    assert "\n" not in msg
    return msg


def test_empty_file(tmp_path: Path) -> None:
    p = tmp_path / "empty.csv"
    p.write_bytes(b"")
    assert "empty" in _raises(UnsupportedFormatError, p)
    for reader in (phyphox.read, sensorlog.read):
        _raises(CorruptFileError, p, reader)


def test_unsupported_text_and_binary(tmp_path: Path) -> None:
    p = tmp_path / "notes.csv"
    p.write_text("date,steps\n2024-01-01,9000\n")
    assert "unrecognised" in _raises(UnsupportedFormatError, p)
    b = tmp_path / "blob.bin"
    b.write_bytes(bytes(range(256)) * 4)
    _raises(UnsupportedFormatError, b)
    d = tmp_path / "folder"
    d.mkdir()
    (d / "readme.txt").write_text("hi")
    _raises(UnsupportedFormatError, d)


def test_truncated_mid_row(tmp_path: Path) -> None:
    t, acc = _total()
    data = sensor_logger_csv(t, acc)
    cut = data[: data.rfind(b",", 0, len(data) - 40)]  # ends inside a row
    p = _sl_zip(tmp_path, cut)
    assert "truncated" in _raises(CorruptFileError, p)
    t_s, acc, _ = resting_signal(N, 100)
    ph = phyphox_csv(t_s, acc)
    q = tmp_path / "Raw Data.csv"
    q.write_bytes(ph[: ph.rfind(b",", 0, len(ph) - 30)])
    _raises(CorruptFileError, q)


def test_corrupt_zip(tmp_path: Path) -> None:
    good = _sl_zip(tmp_path, sensor_logger_csv(*_total()))
    data = bytearray(good.read_bytes())
    p = tmp_path / "corrupt.zip"
    p.write_bytes(bytes(data[: len(data) // 2]))  # central directory lost
    _raises(CorruptFileError, p)
    data[60:400] = b"\x00" * 340  # member bytes damaged, directory intact
    q = tmp_path / "damaged.zip"
    q.write_bytes(bytes(data))
    _raises(CorruptFileError, q)


def test_zip_member_escaping_archive(tmp_path: Path) -> None:
    p = tmp_path / "evil.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("../evil.csv", sensor_logger_csv(*_total()))
        zf.writestr("rec/Metadata.csv", b"platform\nandroid\n")
    assert "outside" in _raises(UnsafeArchiveError, p)
    assert "outside" in _raises(UnsafeArchiveError, p, sensor_logger.read)


def test_zip_bomb(tmp_path: Path) -> None:
    p = tmp_path / "bomb.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "rec/TotalAcceleration.csv", b"time,seconds_elapsed,z,y,x\n" + b"0" * 50_000_000
        )
        zf.writestr("rec/Metadata.csv", b"platform\nandroid\n")
    _raises(UnsafeArchiveError, p)
    _raises(UnsafeArchiveError, p, phyphox.read)


def test_backwards_time(tmp_path: Path) -> None:
    t, acc = _total()
    t[200] = t[150]
    msg = _raises(TimestampError, _sl_zip(tmp_path, sensor_logger_csv(t, acc)))
    assert "backwards" in msg


def test_duplicated_timestamps_dropped(tmp_path: Path) -> None:
    t, acc = _total()
    t[201] = t[200]
    rec = read_recording(_sl_zip(tmp_path, sensor_logger_csv(t, acc)))
    assert rec.n_samples == N - 1 and rec.meta.n_duplicates_dropped == 1


def test_nan_cells_dropped_and_inf_refused(tmp_path: Path) -> None:
    t, acc = _total()
    text = sensor_logger_csv(t, acc).decode().splitlines()
    parts = text[10].split(",")
    parts[3] = "NaN"
    text[10] = ",".join(parts)
    rec = read_recording(_sl_zip(tmp_path, ("\n".join(text) + "\n").encode()))
    assert rec.meta.n_invalid_rows_dropped == 1
    parts[3] = "inf"
    text[10] = ",".join(parts)
    p = _sl_zip(tmp_path, ("\n".join(text) + "\n").encode(), name="inf.zip")
    assert "infinite" in _raises(CorruptFileError, p)


def test_time_not_an_integer(tmp_path: Path) -> None:
    t, acc = _total()
    text = sensor_logger_csv(t, acc).decode().replace(f"{t[5]},", f"{t[5]}.5,", 1)
    _raises(CorruptFileError, _sl_zip(tmp_path, text.encode()))


def test_missing_gyro_is_not_an_error_unless_asked(tmp_path: Path) -> None:
    rec = read_recording(_sl_zip(tmp_path, sensor_logger_csv(*_total())))
    assert not rec.has_gyro and rec.meta.gyro_rate_hz is None
    t_s, acc, _ = resting_signal(N, 100)
    p = tmp_path / "acc_only.csv"
    p.write_text(
        "t,x,y,z\n"
        + "".join(
            f"{a},{b},{c},{d}\n" for a, (b, c, d) in zip(t_s.tolist(), acc.tolist(), strict=True)
        )
    )
    with pytest.raises(MissingChannelError) as err:
        read_recording(
            p,
            time_col="t",
            time_unit="s",
            acc_cols="x,y,z",
            acc_unit="m/s2",
            gyro_cols="gx,gy,gz",
            gyro_unit="rad/s",
        )
    assert str(p) in str(err.value)


def test_mixed_acc_gyro_rates(tmp_path: Path) -> None:
    t, acc = _total()
    tg, _ = _total(N // 2, 20_000_000)
    _, _, gyro = resting_signal(N // 2, 50)
    rec = read_recording(
        _sl_zip(tmp_path, sensor_logger_csv(t, acc), gyro=sensor_logger_csv(tg, gyro))
    )
    assert rec.meta.gyro_rate_hz == pytest.approx(50.0)
    assert any("mixed sample rates" in w for w in rec.meta.warnings)


def test_too_short(tmp_path: Path) -> None:
    t, acc = _total(100)  # 1 s
    assert "too short" in _raises(
        RecordingTooShortError, _sl_zip(tmp_path, sensor_logger_csv(t, acc))
    )
    t_s, acc2, _ = resting_signal(5, 100)
    q = tmp_path / "short.csv"
    q.write_bytes(phyphox_csv(t_s, acc2))
    _raises(RecordingTooShortError, q)


def test_header_only(tmp_path: Path) -> None:
    p = _sl_zip(tmp_path, b"time,seconds_elapsed,z,y,x\n")
    assert "no data rows" in _raises(CorruptFileError, p)


def test_bad_json(tmp_path: Path) -> None:
    p = tmp_path / "x.json"
    p.write_text('[{"sensor": "TotalAcceleration", "time": "12')
    _raises(CorruptFileError, p)
    p.write_text(
        '[{"sensor": "TotalAcceleration", "time": "1.5e18", "x": "0", "y": "0", "z": "1"}]'
    )
    _raises(CorruptFileError, p)
