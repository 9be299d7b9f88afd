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


def test_height_gives_sit_to_stand_power(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    path = str(RECORDINGS / "demo_session_sensor_logger_android.zip")
    assert main(["analyze", path, "--body-mass-kg", "68"]) == 0
    assert "sit-to-stand power needs" in capsys.readouterr().out
    db = tmp_path / "log.sqlite3"
    with DoseLog(db) as log:
        log.add_profile(ProfileIn(name="bo", body_mass_kg=68.0, height_m=1.65))
    assert main(["analyze", path, "--profile", "bo", "--db", str(db), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    sts = [s for s in doc["sets"] if s["exercise"] == "sit_to_stand"]
    assert sts and all(r["power_w"] for s in sts for r in s["reps"])
    # Alcazar: 0.9 m g (height / 2 - chair) / rise time, with the standard 0.46 m chair
    for s in sts:
        for r in s["reps"]:
            want = 0.9 * 68.0 * 9.80665 * (1.65 / 2 - 0.46) / r["phases_s"]["rise"]
            assert r["power_w"] == pytest.approx(want, rel=1e-3)  # phases_s are rounded
        assert s["extra"]["mean_power_w_kg"] == pytest.approx(s["extra"]["mean_power_w"] / 68.0)
    assert doc["recording"]["height_m"] == 1.65
    args = [
        "analyze",
        path,
        "--body-mass-kg",
        "68",
        "--height-m",
        "1.65",
        "--chair-height-m",
        "0.5",
    ]
    assert main(args) == 0
    assert "W/kg" in capsys.readouterr().out
