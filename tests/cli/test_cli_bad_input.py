"""Bad input at the CLI: exit code 2, exactly one stderr line naming the file, no traceback."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from boneimu.cli.main import main
from boneimu.io import native, tidy_csv
from boneimu.io._common import finish_recording_gyro_rows

HEADER = "time_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2\n"


def rows(n: int, dt_ns: int = 10_000_000, start: int = 0) -> str:
    return "".join(f"{start + i * dt_ns},0.1,9.8,-0.2\n" for i in range(n))


def good_tidy(tmp: Path) -> Path:
    import numpy as np

    t = np.arange(600, dtype=np.int64) * 10_000_000
    acc = np.tile([0.0, 9.8, 0.0], (600, 1))
    rec = finish_recording_gyro_rows(
        None, time_ns=t, acc_m_s2=acc, gyro_rad_s=None, source_format="x"
    )
    return tidy_csv.write_tidy_csv(rec, tmp / "good.csv")


def _text(body: str, name: str = "bad.csv") -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        p.write_text(body)
        return p

    return make


def _bytes(body: bytes, name: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        p.write_bytes(body)
        return p

    return make


def _truncated_tidy(tmp: Path) -> Path:
    data = good_tidy(tmp).read_bytes()
    p = tmp / "truncated.csv"
    p.write_bytes(data[: len(data) - 7])  # cut mid-row
    return p


def _truncated_native(tmp: Path) -> Path:
    rec = tidy_csv.read(good_tidy(tmp))
    data = native.write_recording(rec, tmp / "full.bimu").read_bytes()
    p = tmp / "truncated.bimu"
    p.write_bytes(data[:150])  # cut inside the header message
    return p


def _zip(members: dict[str, bytes], name: str) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        p = tmp / name
        with zipfile.ZipFile(p, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for member, data in members.items():
                zf.writestr(member, data)
        return p

    return make


def _corrupt_zip(tmp: Path) -> Path:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("Accelerometer.csv", "time,seconds_elapsed,z,y,x\n" * 50)
    p = tmp / "corrupt.zip"
    p.write_bytes(buf.getvalue()[:60] + b"\x00" * 40)
    return p


CASES: dict[str, Callable[[Path], Path]] = {
    "empty": _text("", "empty.csv"),
    "truncated_csv": _truncated_tidy,
    "truncated_native": _truncated_native,
    "corrupt_binary": _bytes(bytes(range(256)) * 8, "corrupt.dat"),
    "corrupt_zip": _corrupt_zip,
    "unsupported": _text("hello,world\n1,2\n", "unsupported.csv"),
    "zip_bomb": _zip({"TotalAcceleration.csv": b"0" * (4 * 1024**2)}, "bomb.zip"),
    "zip_parent_member": _zip({"../evil.csv": b"x"}, "evil.zip"),
    "backwards_time": _text(HEADER + rows(300) + rows(300), "backwards.csv"),
    "duplicated_time": _text(HEADER + rows(500, dt_ns=0), "duplicated.csv"),
    "nan_cells": _text(HEADER + "".join(f"{i * 10**7},nan,nan,nan\n" for i in range(400))),
    "inf_cell": _text(HEADER + rows(300) + "3000000000,inf,9.8,0\n"),
    "too_short": _text(HEADER + rows(100), "short.csv"),
    "missing": lambda tmp: tmp / "does_not_exist.csv",
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("command", ["info", "convert"])
def test_bad_input_gives_exit_2_and_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, command: str
) -> None:
    path = CASES[case](tmp_path)
    args = [command, str(path)] + ([str(tmp_path / "out.bimu")] if command == "convert" else [])
    code = main(args)
    out, err = capsys.readouterr()
    assert code == 2, (case, out, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("boneimu: error: ") and str(path) in lines[0]
    assert "Traceback" not in err and out == ""
    assert not (tmp_path / "out.bimu").exists()


def test_real_subprocess_bad_input(tmp_path: Path) -> None:
    bad = CASES["backwards_time"](tmp_path)
    exe = Path(sys.executable).with_name("boneimu")
    proc = subprocess.run(
        [str(exe), "info", str(bad)], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and "backwards" in lines[0]
