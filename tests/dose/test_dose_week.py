"""A scripted week for two profiles: the met/partial/missed table and the warnings."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

import pytest
from dose_builders import make_result

from boneimu.dose.models import ManualEntry, ProfileIn
from boneimu.dose.program import load_program
from boneimu.dose.store import DoseLog
from boneimu.dose.week import WeekReport, render_week, week_report
from boneimu.dose.weekdata import parse_week

W47 = date(2026, 11, 16)  # Monday of 2026-W47
_ids = count()


def day(i: int, monday: date = W47) -> date:
    return monday + timedelta(days=i)


def rec(db: DoseLog, who: str, d: date, **kw: object) -> None:
    row = db.add_analysis(who, make_result(**kw), content_hash=f"h{next(_ids)}", date=d)  # type: ignore[arg-type]
    assert row is not None


def manual(db: DoseLog, who: str, d: date, exercise: str, **kw: object) -> None:
    db.add_manual(who, ManualEntry(date=d, exercise=exercise, **kw))  # type: ignore[arg-type]


def script_ann(db: DoseLog) -> None:
    db.add_profile(
        ProfileIn(name="ann", body_mass_kg=62, osteoporosis=True, medical_clearance=True)
    )
    w46 = W47 - timedelta(weeks=1)
    for i in range(7):
        sets = [("heel_drop", 12, 2.5, 0)] * 2
        if i in (0, 3):
            sets += [("sit_to_stand", 10, 1.6, 0)] * 3
        rec(db, "ann", day(i, w46), sets=sets)
    for i in range(7):
        sets = [("heel_drop", 12, 2.5, 0)] * 2
        walking: list[tuple[str, float, int]] = []
        balance: list[tuple[str, float]] = []
        if i in (1, 3):
            sets += [("hop", 20, 4.5, 0)] * 2
        if i in (0, 3):
            sets += [("sit_to_stand", 10, 1.6, 2)] * 3
        if i in (0, 2, 4):
            walking.append(("brisk_walk", 25.0, 2800))
            balance += [("tandem", 35.0)] * 4
        if i == 1:
            walking.append(("stairs_up", 1.0, 30))
        rec(db, "ann", day(i), sets=sets, walking=walking, balance=balance)
        manual(db, "ann", day(i), "chest_opener", sets=2, seconds=30)
    manual(db, "ann", day(6), "brisk_walking", minutes=20)
    manual(db, "ann", day(0), "band_row", sets=3, reps=10, load_kg=5)
    manual(db, "ann", day(3), "band_row", sets=3, reps=10, load_kg=6)
    manual(db, "ann", day(3), "overhead_press", sets=2, reps=8, load_kg=2)


def script_bob(db: DoseLog) -> None:
    db.add_profile(ProfileIn(name="bob", body_mass_kg=80, vertebral_fracture=True))
    for back, oi in ((6, 50.0), (5, 50.0), (4, 50.0), (3, 50.0), (2, 45.0), (1, 45.0)):
        rec(
            db,
            "bob",
            W47 - timedelta(weeks=back),
            sets=[("heel_drop", 20, 2.5, 0)] * 11,
            osteogenic_index=oi,
        )
    for i in range(5):
        sets = [("heel_drop", 10, 2.5, 0)] * 2
        balance = [("tandem", 35.0)] * 4 if i == 0 else []
        if i in (0, 2):
            sets += [("sit_to_stand", 10, 1.5, 4)] * 3
        rec(db, "bob", day(i), sets=sets, balance=balance, osteogenic_index=8.0)
    rec(
        db,
        "bob",
        day(2),
        sets=[("hop", 10, 4.2, 0)],
        osteogenic_index=5.0,
        bins=[(1.1, 4.0, 0), (4.0, None, 10)],
    )
    manual(db, "bob", day(0), "band_row", sets=3, reps=10, load_kg=4)
    manual(db, "bob", day(3), "band_row", sets=3, reps=12, load_kg=5)


def script_cy(db: DoseLog) -> None:
    """Balance holds the analysis could not place (unknown, two-leg) plus single-leg holds."""
    db.add_profile(ProfileIn(name="cy", body_mass_kg=70))
    for i in (0, 2, 4):
        rec(db, "cy", day(i), balance=[("unknown", 31.3)] * 3 + [("two_leg", 40.0)])
    rec(db, "cy", day(1), balance=[("single_leg", 12.25)] * 2)
    rec(db, "cy", day(5), sets=[("heel_drop", 12, 3.16694, 0)] * 2)


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, WeekReport]:
    with DoseLog(tmp_path_factory.mktemp("week") / "dose.sqlite3") as db:
        script_ann(db)
        script_bob(db)
        script_cy(db)
        program = load_program()
        return {who: week_report(db, who, W47, program) for who in ("ann", "bob", "cy")}


def table(r: WeekReport) -> dict[str, str]:
    out = {f"pillar:{p.id}": p.status for p in r.pillars}
    out.update({e.id: e.status for p in r.pillars for e in p.exercises})
    return out


def test_ann_table(reports: dict[str, WeekReport]) -> None:
    assert table(reports["ann"]) == {
        "pillar:impact": "partial", "brisk_walking": "met", "heel_drops": "met",
        "stair_climbing": "partial", "mini_hops": "met",
        "pillar:strength": "met", "sit_to_stand": "met", "band_row": "met", "squat": "missed",
        "overhead_press": "partial", "bridge": "missed",
        "pillar:balance": "met", "tandem_stance": "met", "single_leg_reach": "missed",
        "tai_chi_wave_hands": "missed",
        "pillar:flexibility": "partial", "chest_opener": "met",
        "hip_flexor_stretch": "missed", "cat_camel": "missed",
    }  # fmt: skip
    ex = {e.id: e for p in reports["ann"].pillars for e in p.exercises}
    assert ex["heel_drops"].days == ["full"] * 7
    assert ex["stair_climbing"].flights == 2.5  # 30 steps / 12 per flight
    assert ex["overhead_press"].days[3] == "part"


def test_bob_table(reports: dict[str, WeekReport]) -> None:
    assert table(reports["bob"]) == {
        "pillar:impact": "partial", "brisk_walking": "missed", "heel_drops": "partial",
        "stair_climbing": "missed", "mini_hops": "partial",
        "pillar:strength": "met", "sit_to_stand": "met", "band_row": "met", "squat": "missed",
        "overhead_press": "missed", "bridge": "missed",
        "pillar:balance": "partial", "tandem_stance": "partial", "single_leg_reach": "missed",
        "tai_chi_wave_hands": "missed",
        "pillar:flexibility": "missed", "chest_opener": "missed",
        "hip_flexor_stretch": "missed", "cat_camel": "missed",
    }  # fmt: skip
    ex = {e.id: e for p in reports["bob"].pillars for e in p.exercises}
    assert ex["heel_drops"].days == ["full"] * 5 + ["none"] * 2
    assert ex["mini_hops"].note == "needs medical clearance; avoid with vertebral fracture"


def test_ann_warnings(reports: dict[str, WeekReport]) -> None:
    w = reports["ann"].warnings
    assert sorted(x.code for x in w) == ["intensity_increase", "volume_increase", "volume_increase"]
    reps = next(x for x in w if x.numbers["metric"] == "reps")
    assert reps.numbers["this_week"] == 384 and reps.numbers["previous_week"] == 228
    assert "68%" in reps.message
    impacts = next(x for x in w if x.numbers["metric"] == "impacts")
    assert (impacts.numbers["this_week"], impacts.numbers["previous_week"]) == (248, 168)
    peak = next(x for x in w if x.code == "intensity_increase")
    assert peak.numbers["this_week"] == pytest.approx((168 * 2.5 + 80 * 4.5) / 248)


def test_bob_warnings(reports: dict[str, WeekReport]) -> None:
    w = {x.code: x for x in reports["bob"].warnings}
    assert sorted(w) == [
        "balance_missed",
        "flagged_reps",
        "high_impact_contraindicated",
        "load_and_reps_increased",
        "no_progressive_overload",
    ]
    hi = w["high_impact_contraindicated"]
    assert hi.numbers["hop_sets"] == 1 and hi.numbers["high_impacts"] == 10
    assert "vertebral-fracture" in hi.message and "no medical clearance" in hi.message
    fl = w["flagged_reps"]
    assert (fl.numbers["flagged"], fl.numbers["reps"]) == (24, 60)
    assert w["balance_missed"].numbers == {"days": 1, "days_min": 3}
    lr = w["load_and_reps_increased"].numbers
    assert (lr["previous_load_kg"], lr["load_kg"], lr["previous_reps"], lr["reps"]) == (
        4,
        5,
        10,
        12,
    )
    ov = w["no_progressive_overload"].numbers
    assert ov["habitual_osteogenic_index"] == 50.0 and ov["2026-W47"] == 45.0


def test_dose_and_trend(reports: dict[str, WeekReport]) -> None:
    d = reports["bob"].dose
    assert d.osteogenic_index == 45.0
    assert d.previous_mean_osteogenic_index == pytest.approx(47.5)
    assert d.trend_pct == pytest.approx(-5.3)
    assert d.impact_bins == [
        {"lower_g": 1.1, "upper_g": 4.0, "count": 0},
        {"lower_g": 4.0, "upper_g": None, "count": 10},
    ]
    text = render_week(reports["bob"])
    assert "avoid hops" in text and "mini_hops" in text
    assert "1.1-4.0 g: 0, >=4.0 g: 10" in text


def test_cleared_profile_gets_no_hop_warning(db: DoseLog) -> None:
    db.add_profile(ProfileIn(name="cy", medical_clearance=True))
    rec(db, "cy", day(1), sets=[("hop", 20, 5.0, 0)] * 2)
    r = week_report(db, "cy", W47, load_program())
    assert "high_impact_contraindicated" not in {x.code for x in r.warnings}


def test_parse_week() -> None:
    assert parse_week("2026-W47") == W47
    assert parse_week(None, today=date(2026, 11, 22)) == W47
