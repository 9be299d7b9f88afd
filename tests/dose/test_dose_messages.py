"""Numbers in messages are rounded by one helper; the week table explains every pillar day."""

from __future__ import annotations

import re
from datetime import date

import pytest
from test_dose_week import W47, reports  # noqa: F401  (module-scoped fixture)

from boneimu.dose.checks import check_increase
from boneimu.dose.fmt import fmt, plural
from boneimu.dose.program import load_program
from boneimu.dose.week import WeekReport, render_week
from boneimu.dose.weekdata import WeekData

_LONG_DECIMAL = re.compile(r"\d\.\d{2,}")


def test_fmt_precision() -> None:
    assert fmt(3.16694, "g") == "3.2 g"
    assert fmt(5, "kg") == "5.0 kg"
    assert fmt(67.8, "%") == "68%"
    assert fmt(384.0, "count") == "384"
    assert fmt(10.5, "per_set") == "10.5" and fmt(10.0, "per_set") == "10"
    assert fmt(24.8123, "index") == "24.8"
    assert fmt(94.4, "s") == "94 s" and fmt(281.7, "s") == "4 min 42 s"
    assert plural(1, "day") == "1 day" and plural(0, "day") == "0 days"


def test_fmt_keeps_compared_values_apart() -> None:
    assert fmt(10.3, "%", distinct_from=10) == "10.3%"
    assert fmt(4.54, "kg", distinct_from=4.52) == "4.54 kg"
    assert fmt(4.5, "kg", distinct_from=4.5) == "4.5 kg"


def test_increase_just_over_limit_does_not_print_the_limit() -> None:
    prev = WeekData(monday=W47, work={}, pillar_days={}, total_reps=1000)
    this = WeekData(monday=date(2026, 11, 23), work={}, pillar_days={}, total_reps=1103)
    (w,) = check_increase([this, prev], load_program())
    assert "up 10.3% (1103 in 2026-W48 vs 1000 in 2026-W47)" in w.message
    assert w.numbers["this_week"] == 1103  # raw values stay in the JSON


def test_messages_have_rounded_numbers(reports: dict[str, WeekReport]) -> None:  # noqa: F811
    messages = [w.message for r in reports.values() for w in r.warnings]
    assert len(messages) >= 8
    assert [m for m in messages if _LONG_DECIMAL.search(m)] == []
    peak = next(m for m in messages if "mean impact peak" in m)
    assert "(3.1 g in 2026-W47 vs 2.5 g in 2026-W46)" in peak
    texts = [render_week(r) for r in reports.values()]
    assert [t for t in texts if _LONG_DECIMAL.search(t.replace("2026-11-", ""))] == []
    assert "peak 3.2 g" in render_week(reports["cy"])


def test_unidentified_balance_holds_get_their_own_row(
    reports: dict[str, WeekReport],  # noqa: F811
) -> None:
    bal = next(p for p in reports["cy"].pillars if p.id == "balance")
    assert (bal.status, bal.days_with_work) == ("met", 4)
    assert {e.id: e.status for e in bal.exercises} == {
        "tandem_stance": "missed",
        "single_leg_reach": "partial",  # single_leg holds map to the single-leg stand
        "tai_chi_wave_hands": "missed",
    }
    rows = {o.key: o for o in bal.other_work}
    assert sorted(rows) == ["balance:two_leg", "balance:unknown"]
    unknown = rows["balance:unknown"]
    assert unknown.title == "Balance hold (stance not identified)"
    assert (unknown.n_days, unknown.sets) == (3, 9)
    assert unknown.seconds == pytest.approx(3 * 3 * 31.3)
    assert unknown.days == [True, False, True, False, True, False, False]
    text = render_week(reports["cy"])
    line = next(x for x in text.splitlines() if "stance not identified" in x)
    assert "* . * . * . ." in line and "3 days" in line and "9 holds, 4 min 42 s" in line


def test_pillar_days_are_the_days_shown_in_its_rows(
    reports: dict[str, WeekReport],  # noqa: F811
) -> None:
    for r in reports.values():
        for p in r.pillars:
            shown = {i for e in p.exercises for i, d in enumerate(e.days) if d != "none"}
            shown |= {i for o in p.other_work for i, d in enumerate(o.days) if d}
            assert len(shown) == p.days_with_work, (r.profile, p.id)


def test_week_text_reads_right(reports: dict[str, WeekReport]) -> None:  # noqa: F811
    ann, bob = render_week(reports["ann"]), render_week(reports["bob"])
    assert "(mean index 4.2; 3 of them without recordings, counted as 0): +490%" in ann
    hops = next(x for x in bob.splitlines() if x.startswith("  mini_hops"))
    assert "partial  (not advised for this profile: needs medical clearance" in hops
    assert "balance work on 1 day in 2026-W47" in bob
    assert "Balance and stability [partial] (work on 1 day; target 3+ days" in bob
