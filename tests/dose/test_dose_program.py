"""The program file: the default encodes the four pillars; bad files fail in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from boneimu.dose.program import Dose, load_program
from boneimu.dose.week import day_status
from boneimu.dose.weekdata import DayWork
from boneimu.errors import ConfigError


def test_default_program_encodes_the_pillars() -> None:
    p = load_program()
    assert [x.id for x in p.pillars] == ["impact", "strength", "balance", "flexibility"]
    hd = p.find("heel_drop")
    assert hd is not None and hd.id == "heel_drops" and hd.daily
    assert (hd.dose.sets, hd.dose.reps_min, hd.dose.reps_max) == (2, 10, 15)
    hops = p.find("mini_hops")
    assert hops is not None and hops.avoid_if == ["vertebral_fracture"]
    assert hops.requires == ["medical_clearance"]
    walk = p.find("brisk_walking")
    assert walk is not None and (walk.per_week_min, walk.dose.minutes_min) == (4, 20)
    balance = next(x for x in p.pillars if x.id == "balance")
    assert balance.days_per_week_min == 3
    assert p.checks.max_weekly_increase_pct == 10
    assert p.checks.flagged_rep_share_max == 0.2


def test_day_status_criteria() -> None:
    reps = Dose(sets=2, reps_min=10)
    assert day_status(reps, None) == "none"
    assert day_status(reps, DayWork(sets=[(10, None), (12, None)])) == "full"
    assert day_status(reps, DayWork(sets=[(10, None), (9, None)])) == "part"
    sided = Dose(sets=2, seconds_min=30, per_side=True)
    assert day_status(sided, DayWork(sets=[(None, 30.0)] * 3)) == "part"
    assert day_status(sided, DayWork(sets=[(None, 30.0)] * 4)) == "full"
    either = Dose(flights_min=2, minutes_min=5)
    assert day_status(either, DayWork(flights=1.5, minutes=5.0)) == "full"
    assert day_status(either, DayWork(flights=1.5, minutes=2.0)) == "part"
    assert reps.describe() == "2x10 reps" and either.describe() == "2 flights or 5 min"


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{", "not valid JSON"),
        ('{"schema": "boneimu.program", "name": "x", "revision": "1"}', "at pillars"),
        (
            json.dumps({"name": "x", "revision": "1", "pillars": [{"id": "a", "title": "A",
             "exercises": [{"id": "e", "title": "E", "per_week_min": 2, "dose": {}}]}]}),
            "needs reps_min",
        ),
        (
            json.dumps({"name": "x", "revision": "1", "pillars": [{"id": "a", "title": "A",
             "exercises": [{"id": "e", "title": "E", "per_week_min": 2, "daily": True,
                            "dose": {"minutes_min": 5}}]}]}),
            "daily items need per_week_min 7",
        ),
    ],
)  # fmt: skip
def test_bad_program(tmp_path: Path, text: str, match: str) -> None:
    f = tmp_path / "p.json"
    f.write_text(text)
    with pytest.raises(ConfigError, match=match) as info:
        load_program(f)
    assert str(f) in str(info.value) and "\n" not in str(info.value)


def test_docs_program_example_is_valid(tmp_path: Path) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "dose-log.md").read_text()
    block = doc.split("```json\n", 1)[1].split("```", 1)[0]
    f = tmp_path / "clinic.json"
    f.write_text(block)
    p = load_program(f)
    assert p.name == "clinic-a" and p.exercise_ids() == ["leg_press"]
