"""``boneimu log ...`` and ``boneimu week`` end to end through the real entry point."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click
import numpy as np
import pytest

from boneimu.cli.main import main


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    if args[0] == "week":
        code = main([*args, "--db", str(db)])
    else:
        code = main(["log", "--db", str(db), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_profile_manual_week_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "d.sqlite3"
    assert (
        run(
            capsys,
            db,
            "profile",
            "add",
            "ann",
            "--body-mass-kg",
            "62",
            "--osteoporosis",
            "--dob",
            "1956-04-02",
        )[0]
        == 0
    )
    code, out, _ = run(capsys, db, "profile", "ls", "--json")
    assert json.loads(out)[0]["date_of_birth"] == "1956-04-02"
    assert run(capsys, db, "profile", "edit", "ann", "--medical-clearance")[0] == 0
    for d, load in (("2026-11-16", "5"), ("2026-11-19", "6")):
        code, out, _ = run(
            capsys,
            db,
            "manual",
            "--profile",
            "ann",
            "--date",
            d,
            "--exercise",
            "band_row",
            "--sets",
            "3",
            "--reps",
            "10",
            "--load-kg",
            load,
        )
        assert code == 0 and "band_row" in out
    code, out, err = run(
        capsys, db, "manual", "--profile", "ann", "--exercise", "planks", "--minutes", "3"
    )
    assert code == 2 and "not in program default" in err and len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, db, "ls", "--json")
    ids = [s["id"] for s in json.loads(out)]
    assert len(ids) == 2
    assert run(capsys, db, "edit", str(ids[1]), "--reps", "12")[0] == 0
    code, out, _ = run(capsys, db, "week", "--week", "2026-W47", "--json")
    rep = json.loads(out)
    strength = next(p for p in rep["pillars"] if p["id"] == "strength")
    assert strength["status"] == "met"
    assert [w["code"] for w in rep["warnings"]] == ["load_and_reps_increased", "balance_missed"]
    code, out, _ = run(capsys, db, "week", "--week", "2026-W47")
    assert code == 0 and "band_row" in out and "never both at once" in out
    exported = tmp_path / "ann.json"
    assert run(capsys, db, "export", "--profile", "ann", "-o", str(exported))[0] == 0
    db2 = tmp_path / "d2.sqlite3"
    code, out, _ = run(capsys, db2, "import", str(exported))
    assert code == 0 and "imported 2 session(s), 0 already present" in out
    assert run(capsys, db, "delete", str(ids[0]))[0] == 0
    code, out, _ = run(capsys, db, "ls", "--profile", "ann")
    assert len(out.strip().splitlines()) == 1


def test_week_needs_profile_when_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "d.sqlite3"
    run(capsys, db, "profile", "add", "ann")
    run(capsys, db, "profile", "add", "bob")
    code, _, err = run(capsys, db, "week")
    assert code == 2 and "give --profile (profiles: ann, bob)" in err


def test_custom_program_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    program = {
        "schema": "boneimu.program", "version": 1, "name": "clinic", "revision": "1",
        "pillars": [{"id": "strength", "title": "Strength", "exercises": [
            {"id": "leg_press", "title": "Leg press", "per_week_min": 1,
             "dose": {"sets": 2, "reps_min": 8}}]}],
    }  # fmt: skip
    pf = tmp_path / "clinic.json"
    pf.write_text(json.dumps(program))
    db = tmp_path / "d.sqlite3"
    run(capsys, db, "profile", "add", "ann", "--program", str(pf))
    code, _, _ = run(
        capsys,
        db,
        "manual",
        "--profile",
        "ann",
        "--date",
        "2026-11-18",
        "--exercise",
        "leg_press",
        "--sets",
        "2",
        "--reps",
        "8",
    )
    assert code == 0
    code, out, _ = run(capsys, db, "week", "--week", "2026-W47", "--json")
    rep = json.loads(out)
    assert rep["program"] == "clinic"
    assert rep["pillars"][0]["exercises"][0]["status"] == "met"
    pf.write_text('{"schema": "boneimu.program"}')
    code, _, err = run(capsys, db, "week", "--program", str(pf))
    assert code == 2 and "invalid program" in err


@pytest.mark.realdata
def test_log_add_real_recording(
    tmp_path: Path, realdata: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("boneimu.analysis", reason="analysis (engineer G) not available")
    rec = realdata / "impactr-actigraph" / "hip-raw.csv"
    db = tmp_path / "d.sqlite3"
    run(capsys, db, "profile", "add", "ann", "--body-mass-kg", "70")
    code, out, err = run(capsys, db, "add", str(rec), "--profile", "ann", "--date", "2026-11-17")
    assert code == 0, err
    assert "logged 1 session(s), 0 already" in out
    code, out, _ = run(capsys, db, "add", str(rec), "--profile", "ann")
    assert "logged 0 session(s), 1 already" in out
    code, out, _ = run(capsys, db, "ls", "--json")
    (s,) = json.loads(out)
    assert s["kind"] == "recording" and s["n_impacts"] > 0 and s["body_mass_kg"] == 70
    assert s["content_hash"].startswith("sha256:")
    code, out, _ = run(capsys, db, "week", "--week", "2026-W47", "--json")
    assert json.loads(out)["dose"]["n_impacts"] == s["n_impacts"]


def _still_recording(path: Path, start: datetime, seed: int) -> Path:
    """A 12 s recording of a phone lying still (no reps), written in the native format."""
    from boneimu.io import finish_recording
    from boneimu.io.native import write_recording
    from boneimu.units import STANDARD_GRAVITY_M_S2

    n = 1200
    rng = np.random.default_rng(seed)
    acc = rng.normal(0.0, 0.02, (n, 3)) + np.array([0.0, 0.0, STANDARD_GRAVITY_M_S2])
    rec = finish_recording(
        None,
        time_ns=np.arange(n, dtype=np.int64) * 10_000_000,
        acc_m_s2=acc,
        source_format="test",
        start_time_utc=start,
        time_is_absolute=True,
    )
    return write_recording(rec, path)


def test_log_add_many_shows_progress_and_dates_by_start_time(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("boneimu.analysis", reason="analysis (engineer G) not available")
    pytest.importorskip("boneimu.io.native", reason="native format (engineer B) not available")
    a = _still_recording(tmp_path / "a.bimu", datetime(2026, 11, 17, 12, tzinfo=UTC), 1)
    b = _still_recording(tmp_path / "b.bimu", datetime(2026, 11, 18, 12, tzinfo=UTC), 2)
    db = tmp_path / "d.sqlite3"
    run(capsys, db, "profile", "add", "ann")
    code, out, err = run(capsys, db, "add", str(a), str(b), "--profile", "ann")
    assert code == 0, err
    assert "logged 2 session(s), 0 already" in out and "logging" in err
    code, out, _ = run(capsys, db, "ls", "--json")
    rows = json.loads(out)
    expected = [datetime(2026, 11, d, 12, tzinfo=UTC).astimezone().date().isoformat()
                for d in (17, 18)]  # fmt: skip
    assert [r["date"] for r in rows] == expected
    assert all(r["n_reps"] == 0 for r in rows)


def test_every_log_option_has_help() -> None:
    from boneimu.cli.log import log, week

    def walk(cmd: click.Command) -> list[click.Command]:
        subs = list(cmd.commands.values()) if isinstance(cmd, click.Group) else []
        return [cmd, *(c for s in subs for c in walk(s))]

    for cmd in [*walk(log), week]:
        assert cmd.help, cmd.name
        for p in cmd.params:
            if isinstance(p, click.Option):
                assert p.help, f"{cmd.name} {p.opts}"
