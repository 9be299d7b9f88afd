"""``boneimu analyze`` on bundled recordings, as a user runs it."""

from __future__ import annotations

from pathlib import Path

import pytest

from boneimu.cli.main import main
from boneimu.dose.models import ProfileIn
from boneimu.dose.store import DoseLog

RECORDINGS = Path(__file__).resolve().parents[2] / "recordings"


def test_reads_an_extracted_folder_and_reports_sets(capsys: pytest.CaptureFixture[str]) -> None:
    folder = RECORDINGS / "hops_lower_back_sensor_logger_ios"
    assert folder.is_dir()
    assert main(["analyze", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "mini hops" in out
    assert "Impacts >=" in out


def test_flagged_reps_are_listed_with_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    path = RECORDINGS / "rushed_jerky_waist_sensor_logger_android.zip"
    assert main(["analyze", str(path), "--placement", "waist"]) == 0
    out = capsys.readouterr().out
    flag_lines = [ln for ln in out.splitlines() if ln.startswith("  rep ")]
    assert any("rushed: " in ln for ln in flag_lines)
    assert any("jerky: " in ln for ln in flag_lines)
    assert "reps flagged" in out


def test_profile_supplies_body_mass(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "log.sqlite3"
    with DoseLog(db) as log:
        log.add_profile(ProfileIn(name="ann", body_mass_kg=61.0))
    path = RECORDINGS / "rushed_jerky_waist_sensor_logger_android.zip"
    args = ["analyze", str(path), "--placement", "waist", "--profile", "ann", "--db", str(db)]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "body mass 61 kg" in out
    assert "est. peak GRF" in out


def test_unknown_profile_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = RECORDINGS / "rushed_jerky_waist_sensor_logger_android.zip"
    code = main(["analyze", str(path), "--profile", "nobody", "--db", str(tmp_path / "x.db")])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "nobody" in err[0]
