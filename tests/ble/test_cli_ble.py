"""``boneimu record`` / ``replay`` / ``devices`` end to end on simulated devices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from boneimu.cli.main import main
from boneimu.io import read_recording


def test_record_sim_then_replay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rec.bimu"
    code = main(
        [
            "record",
            "--sim",
            "polar-verity",
            "--out",
            str(out),
            "--duration",
            "10",
            "--sim-speed",
            "20",
            "--exercise",
            "heel_drop",
            "--json",
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stop_reason"] == "duration reached" and doc["samples_written"] > 300
    rec = read_recording(out)
    assert rec.has_gyro and rec.meta.extra["exercise"] == "heel_drop"
    assert rec.fs_hz == pytest.approx(52, rel=0.02)

    again = tmp_path / "again.bimu"
    code = main(["replay", str(out), "--speed", "40", "--as", "thingy52", "--out", str(again)])
    assert code == 0
    text = capsys.readouterr().out
    assert "recorded" in text and "0 malformed" in text
    rep = read_recording(again)
    assert rep.has_gyro and rep.duration_s > 0.8 * rec.duration_s


def test_record_needs_exactly_one_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "x.bimu")
    assert main(["record", "--out", out]) == 2
    assert main(["record", "--sim", "thingy52", "--device", "AA", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.count("give exactly one of") == 2


def test_devices_without_an_adapter_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["devices", "--timeout", "0.2"])
    if code == 0:
        pytest.skip("a Bluetooth adapter is present")
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("boneimu: error:")
