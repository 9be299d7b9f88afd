"""Balance steadiness in the week report: per stance, median sway score vs an earlier week."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from dose_builders import make_result

from boneimu.cli.main import main
from boneimu.dose.migrations import MIGRATIONS, current_version, migrate
from boneimu.dose.models import ProfileIn
from boneimu.dose.program import load_program
from boneimu.dose.steadiness import SAME_WITHIN_POINTS, verdict
from boneimu.dose.store import DoseLog
from boneimu.dose.week import WeekReport, render_week, week_report

W47 = date(2026, 11, 16)  # Monday of 2026-W47
W46, W45 = W47 - timedelta(weeks=1), W47 - timedelta(weeks=2)
REST = True


def holds(stance: str, hold_s: float, *scores: float, rest: bool = False) -> list[object]:
    return [(stance, hold_s, s, rest) for s in scores]


def script(db: DoseLog) -> None:
    """W45 two-leg; W46 tandem and single-leg; W47 tandem steadier, single-leg less steady,
    two-leg about the same (vs W45), unknown not compared. Each week has probable rests whose
    scores would move every median if they were counted."""
    db.add_profile(ProfileIn(name="ann"))
    weeks = {
        W45 + timedelta(days=2): holds("two_leg", 40.0, 60.0, 62.0),
        W46 + timedelta(days=1): holds("tandem", 30.0, 60.0, 64.0)
        + holds("unknown", 15.0, 99.0, rest=REST)
        + holds("single_leg", 10.0, 50.0),
        W46 + timedelta(days=4): holds("tandem", 30.0, 70.0)
        + holds("tandem", 25.0, 5.0, rest=REST)
        + holds("single_leg", 10.0, 56.0),
        W47 + timedelta(days=0): holds("tandem", 30.0, 70.0, 80.0)
        + holds("unknown", 20.0, 99.0, rest=REST)
        + holds("single_leg", 12.5, 45.0, 47.0),
        W47 + timedelta(days=3): holds("tandem", 30.0, 72.0, 75.0)
        + holds("tandem", 20.0, 1.0, rest=REST)
        + holds("two_leg", 40.0, 63.0)
        + holds("unknown", 20.0, 40.0, 50.0, 60.0),
    }
    for n, (day, balance) in enumerate(weeks.items()):
        r = make_result(balance=balance)  # type: ignore[arg-type]
        assert db.add_analysis("ann", r, content_hash=f"h{n}", date=day) is not None


@pytest.fixture
def report(db: DoseLog) -> WeekReport:
    script(db)
    return week_report(db, "ann", W47, load_program())


EXPECTED_LINES = [
    "balance holds (median sway score 0-100, higher = steadier; "
    "a change under 5 points is about the same):",
    "  two-leg stance         1 hold, 40 s         median   63  "
    "about the same as 2026-W45 (2 weeks before): median 61 -> 63",
    "  tandem stance          4 holds, 2 min       median 73.5  "
    "steadier than last week: median 64 -> 73.5",
    "  single-leg stance      2 holds, 25 s        median   46  "
    "less steady than last week: median 53 -> 46",
    "  stance not identified  3 holds, 60 s        median   50  "
    "not compared: the holds may mix stances",
    "  2 probable rests between holds left out",
]


def test_week_text_says_which_stance_got_steadier(report: WeekReport) -> None:
    text = render_week(report).splitlines()
    start = text.index(EXPECTED_LINES[0])
    assert text[start : start + len(EXPECTED_LINES)] == EXPECTED_LINES


def test_week_json_has_both_medians_and_the_verdict(report: WeekReport) -> None:
    got = report.model_dump(mode="json")["balance"]
    assert got["n_rests_excluded"] == 2 and got["same_within_points"] == SAME_WITHIN_POINTS
    rows = {s["stance"]: s for s in got["stances"]}
    assert list(rows) == ["two_leg", "tandem", "single_leg", "unknown"]
    assert rows["tandem"] == {
        "stance": "tandem",
        "title": "tandem stance",
        "n_holds": 4,
        "hold_s": 120.0,
        "median_sway_score": 73.5,
        "previous_week": "2026-W46",
        "weeks_back": 1,
        "previous_n_holds": 3,
        "previous_median_sway_score": 64.0,
        "change_points": 9.5,
        "verdict": "steadier",
        "note": None,
    }
    sl = rows["single_leg"]
    assert (sl["previous_median_sway_score"], sl["median_sway_score"]) == (53.0, 46.0)
    assert (sl["change_points"], sl["verdict"]) == (-7.0, "less steady")
    tl = rows["two_leg"]
    assert (tl["previous_week"], tl["weeks_back"], tl["verdict"]) == (
        "2026-W45",
        2,
        "about the same",
    )
    un = rows["unknown"]
    assert un["verdict"] is None and un["previous_week"] is None and un["n_holds"] == 3


def test_probable_rests_count_toward_nothing(report: WeekReport) -> None:
    balance = next(p for p in report.pillars if p.id == "balance")
    unknown = next(o for o in balance.other_work if o.key == "balance:unknown")
    assert (unknown.sets, unknown.seconds) == (3, 60.0)  # the 20 s rest is not a hold
    tandem = next(e for e in balance.exercises if e.id == "tandem_stance")
    assert tandem.sets == 4


def test_first_week_of_a_stance_and_a_week_without_holds(db: DoseLog) -> None:
    script(db)
    w46 = week_report(db, "ann", W46, load_program()).balance
    assert [(s.stance, s.note) for s in w46.stances] == [
        ("tandem", "first week with tandem stance holds"),
        ("single_leg", "first week with single-leg stance holds"),
    ]
    assert w46.n_rests_excluded == 2
    empty = week_report(db, "ann", W47 + timedelta(weeks=1), load_program())
    assert empty.balance.stances == [] and "balance holds" not in render_week(empty)


@pytest.mark.parametrize(
    ("change", "expected"),
    [(5.0, "steadier"), (4.9, "about the same"), (-4.9, "about the same"), (-5.0, "less steady")],
)
def test_threshold(change: float, expected: str) -> None:
    assert verdict(change) == expected


def test_cli_week_json_and_text(
    db_path: Path, db: DoseLog, capsys: pytest.CaptureFixture[str]
) -> None:
    script(db)
    db.close()
    assert main(["week", "--week", "2026-W47", "--json", "--db", str(db_path)]) == 0
    got = json.loads(capsys.readouterr().out)["balance"]["stances"]
    assert [(s["stance"], s["verdict"]) for s in got] == [
        ("two_leg", "about the same"),
        ("tandem", "steadier"),
        ("single_leg", "less steady"),
        ("unknown", None),
    ]
    assert main(["week", "--week", "2026-W47", "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    assert EXPECTED_LINES[2] in out.splitlines()


def test_migration_adds_probable_rest_to_an_existing_log(db_path: Path) -> None:
    """A log written by the previous schema (v1) keeps its holds, each read as not a rest."""
    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    assert migrate(conn, MIGRATIONS[:1]) == [1]
    conn.execute(
        "INSERT INTO profiles (id, name, created_utc) VALUES (1, 'ann', '2026-11-01T00:00:00')"
    )
    for sid, day, score in ((1, W46, 60.0), (2, W47, 70.0)):
        conn.execute(
            "INSERT INTO sessions (id, profile_id, kind, content_hash, date, created_utc) "
            "VALUES (?, 1, 'recording', ?, ?, '2026-11-01T00:00:00')",
            (sid, f"h{sid}", day.isoformat()),
        )
        conn.execute(
            "INSERT INTO balance (session_id, start_s, end_s, stance, sway_score, hold_s) "
            "VALUES (?, 0, 30, 'tandem', ?, 30)",
            (sid, score),
        )
    conn.close()
    with DoseLog(db_path) as db:
        assert current_version(db._conn) == MIGRATIONS[-1].version == 2
        names = [r[0] for r in db.execute("SELECT name FROM schema_migrations ORDER BY version")]
        assert names == ["initial schema", "balance probable_rest"]
        assert [r[0] for r in db.execute("SELECT probable_rest FROM balance")] == [0, 0]
        (tandem,) = week_report(db, "ann", W47, load_program()).balance.stances
        assert (tandem.previous_median_sway_score, tandem.median_sway_score) == (60.0, 70.0)
        assert tandem.verdict == "steadier"
        r = make_result(balance=[("tandem", 30.0, 10.0, True)])
        db.add_analysis("ann", r, content_hash="new", date=W47)  # the new column is written
        assert [r[0] for r in db.execute("SELECT probable_rest FROM balance")] == [0, 0, 1]
        assert week_report(db, "ann", W47, load_program()).balance.n_rests_excluded == 1
