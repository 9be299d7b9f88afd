from __future__ import annotations

from pathlib import Path

import pytest

from boneimu.cli.main import main
from boneimu.io import read_recording
from boneimu.labels import load_labels


def test_simulate_writes_recording_and_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "simulate",
            "--program",
            "hop:1x4, stand:5s",
            "--placement",
            "thigh",
            "--format",
            "phyphox_zip",
            "--seed",
            "3",
            "--rate",
            "50",
            "--body-mass-kg",
            "72",
            "--out",
            str(tmp_path),
            "--stem",
            "s",
        ]
    )
    assert code == 0
    rec = read_recording(tmp_path / "s.zip")
    assert abs(rec.fs_hz - 50.0) < 1.0
    lab = load_labels(tmp_path / "s.labels.json")
    assert lab.body_mass_kg == 72.0 and lab.placement == "thigh"
    assert [len(s.reps) for s in lab.sets] == [4]
    assert "s.zip" in capsys.readouterr().out


def test_simulate_bad_program_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["simulate", "--program", "hop:2xx", "--out", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("boneimu: error: program") and "\n" not in err
