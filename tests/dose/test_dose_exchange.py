"""Export a profile's log as JSON and CSV and import it back: lossless and idempotent."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from dose_builders import make_result

from boneimu.dose.exchange import export_csv, export_json, import_data
from boneimu.dose.models import ManualEntry, ProfileIn
from boneimu.dose.program import load_program
from boneimu.dose.store import DoseLog
from boneimu.dose.week import week_report
from boneimu.errors import DoseLogError

D = date(2026, 11, 17)


def fill(db: DoseLog) -> None:
    db.add_profile(ProfileIn(name="ann", body_mass_kg=60, vertebral_fracture=True))
    r = make_result(
        sets=[("heel_drop", 12, 2.5, 2), ("hop", 10, 4.5, 0)],
        walking=[("brisk_walk", 22.0, 2500)],
        balance=[("tandem", 31.0)],
        bins=[(1.1, 4.0, 12), (4.0, None, 10)],
    )
    db.add_analysis("ann", r, content_hash="sha256:abc", date=D, notes="morning, hip clip")
    db.add_manual(
        "ann",
        ManualEntry(
            date=D, exercise="band_row", sets=3, reps=10, load_kg=5, notes='said "easy", no pain'
        ),
    )
    db.add_manual("ann", ManualEntry(date=D, exercise="brisk_walking", minutes=25))


def snapshot(db: DoseLog, who: str) -> tuple[object, ...]:
    rows = [s.model_dump(exclude={"id", "created_utc"}) for s in db.sessions(who)]
    analyses = [db.analysis(s.id) for s in db.sessions(who)]
    report = week_report(db, who, date(2026, 11, 16), load_program()).model_dump()
    return rows, analyses, report


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_round_trip_is_lossless_and_idempotent(tmp_path: Path, fmt: str) -> None:
    with DoseLog(tmp_path / "a.sqlite3") as a:
        fill(a)
        text = export_json(a, "ann") if fmt == "json" else export_csv(a, "ann")
        before = snapshot(a, "ann")
    with DoseLog(tmp_path / "b.sqlite3") as b:
        if fmt == "csv":
            b.add_profile(ProfileIn(name="ann", body_mass_kg=60, vertebral_fracture=True))
        assert import_data(b, text, fmt=fmt, profile="ann" if fmt == "csv" else None) == (3, 0)
        assert import_data(b, text, fmt=fmt, profile="ann") == (0, 3)
        assert snapshot(b, "ann") == before
        assert b.profile("ann").vertebral_fracture
        again = export_json(b, "ann") if fmt == "json" else export_csv(b, "ann")
    assert again == text


def test_import_into_same_log_adds_nothing(db: DoseLog) -> None:
    fill(db)
    assert import_data(db, export_json(db, "ann"), fmt="json") == (0, 3)


def test_bad_import_is_one_line_error(db: DoseLog) -> None:
    with pytest.raises(DoseLogError, match=r"x\.json: not valid JSON"):
        import_data(db, "{", fmt="json", where="x.json")
    with pytest.raises(DoseLogError, match="invalid export at profile"):
        import_data(db, '{"schema": "boneimu.dose-export", "sessions": []}', fmt="json")
    with pytest.raises(DoseLogError, match="needs --profile"):
        import_data(db, "kind\n", fmt="csv")
    db.add_profile(ProfileIn(name="zed"))
    with pytest.raises(DoseLogError, match="invalid CSV export"):
        import_data(db, "kind,date\nmanual,notadate\n", fmt="csv", profile="zed")
