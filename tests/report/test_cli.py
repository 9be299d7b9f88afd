"""``boneimu report``: session and week reports from the command line, progress on stderr."""

from __future__ import annotations

from pathlib import Path

import pytest

from boneimu.cli.main import main


def test_session_report_from_a_recording_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = "stand:4s, heel_drop:1x8, stand:4s, tandem:1x15s"
    argv = ["simulate", "--program", program, "--out", str(tmp_path), "--stem", "s", "--seed", "2"]
    assert main(argv) == 0
    rec = next(tmp_path.glob("s.*[!n]"))  # the recording, not s.labels.json
    out, png = tmp_path / "r.html", tmp_path / "png"
    capsys.readouterr()
    argv = ["report", str(rec), "--out", str(out), "--png", str(png), "--body-mass-kg", "70"]
    assert main(argv) == 0
    cap = capsys.readouterr()
    assert "[1/5] signal" in cap.err and "done in" in cap.err  # progress on stderr
    assert cap.out.splitlines()[0] == str(out)
    assert "Session report" in out.read_text(encoding="utf-8")
    assert {p.name for p in png.iterdir()} >= {"fig-signal.png", "fig-impacts.png"}


def test_week_report_from_the_dose_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from datetime import date

    from boneimu.dose.models import ManualEntry, ProfileIn
    from boneimu.dose.store import DoseLog

    db = tmp_path / "dose.sqlite3"
    with DoseLog(db) as log:
        log.add_profile(ProfileIn(name="bo"))
        log.add_manual(
            "bo", ManualEntry(date=date(2026, 11, 17), exercise="bridge", sets=2, reps=10)
        )
    out = tmp_path / "w.html"
    argv = ["report", "--profile", "bo", "--week", "2026-W47", "--db", str(db), "--out", str(out)]
    assert main(argv) == 0
    page = out.read_text(encoding="utf-8")
    assert "Week report 2026-W47" in page and 'id="pillar-strength"' in page
    assert "loading dose" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["report", "--out", "x.html"], "give RECORDING"),
        (["report", "--profile", "bo", "--body-mass-kg", "60", "--out", "x.html"], "session"),
        (["report", "--profile", "bo", "--db", "missing.sqlite3", "--out", "x.html"], "no dose"),
        (["report", "--profile", "bo", "--week", "2026-47", "--out", "x.html"], "ISO week"),
    ],
)
def test_bad_invocations_are_one_line_errors(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BONEIMU_DB", str(tmp_path / "missing.sqlite3"))
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("boneimu: error:") and message in err and "\n" not in err
