"""Zip exports are vetted before any member is read; nothing is ever extracted."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from boneimu.errors import CorruptFileError, UnsafeArchiveError
from boneimu.io._archive import member_by_basename, open_zip, read_member


def test_member_outside_archive_refused(tmp_path: Path) -> None:
    p = tmp_path / "evil.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("../evil.csv", "a,b\n1,2\n")
    with pytest.raises(UnsafeArchiveError, match=r"evil\.zip: .*outside the archive"):
        open_zip(p)


def test_absolute_member_refused(tmp_path: Path) -> None:
    p = tmp_path / "abs.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("/etc/passwd", "x")
    with pytest.raises(UnsafeArchiveError):
        open_zip(p)


def test_zip_bomb_refused(tmp_path: Path) -> None:
    p = tmp_path / "bomb.zip"
    with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("Accelerometer.csv", b"0" * (50 * 1024**2))
    with pytest.raises(UnsafeArchiveError, match="zip bomb"):
        open_zip(p)


def test_corrupt_zip(tmp_path: Path) -> None:
    p = tmp_path / "bad.zip"
    p.write_bytes(b"PK\x03\x04" + b"garbage" * 10)
    with pytest.raises(CorruptFileError, match=r"bad\.zip"):
        open_zip(p)


def test_member_lookup_ignores_macos_forks(tmp_path: Path) -> None:
    p = tmp_path / "rec.zip"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("__MACOSX/rec/._Gyroscope.csv", "junk")
        zf.writestr("rec-2024-01-01_10-00-00/Gyroscope.csv", "time,x\n")
    with open_zip(p) as zf:
        info = member_by_basename(zf, "gyroscope.csv")
        assert info is not None and info.filename.startswith("rec-")
        assert read_member(p, zf, info) == b"time,x\n"
        assert member_by_basename(zf, "Missing.csv") is None
