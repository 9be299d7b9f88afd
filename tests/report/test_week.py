"""The week report page: pillar dashboard, loading dose and trend, safety warnings."""

from __future__ import annotations

import re

from boneimu.dose.checks import CheckWarning
from boneimu.dose.week import LoadingDose, WeekReport
from boneimu.recording import Recording
from boneimu.report import Report, week_report_page
from boneimu.report.week import COUNTED_TEXT, STATUS_TEXT
from boneimu.report.week_figures import trend_phrase
from boneimu.results import AnalysisResult


def _pillar_block(html: str, pillar_id: str) -> str:
    block = re.search(rf'<div class="pillar" id="pillar-{pillar_id}">(.*?)</table></div>', html)
    assert block is not None, pillar_id
    return block.group(1)


def test_dashboard_lists_every_pillar_and_exercise(week_case: WeekReport, week_doc: Report) -> None:
    page = week_doc.html
    for el in ("summary", "warnings", "dashboard", "fig-pillars", "dose", "fig-dose"):
        assert f'id="{el}"' in page, el
    for p in week_case.pillars:
        block = _pillar_block(page, p.id)
        assert STATUS_TEXT[p.status] in block  # status told in words and symbol
        for e in p.exercises:
            assert e.title.replace("'", "&#x27;") in block
    statuses = {e.status for p in week_case.pillars for e in p.exercises}
    assert {"met", "partial", "missed"} <= statuses  # the fixture week exercises all three


def test_day_marks_have_text_for_screen_readers(week_case: WeekReport, week_doc: Report) -> None:
    heel = next(e for p in week_case.pillars for e in p.exercises if e.id == "heel_drops")
    assert heel.days.count("none") == 2  # five recording days, two without
    assert "Mon full dose" in week_doc.html or "Mon part dose" in week_doc.html
    n_rows = sum(len(p.exercises) + len(p.other_work) for p in week_case.pillars)
    assert week_doc.html.count('<span class="sr-only">') == n_rows


def test_dose_trend_and_numbers(week_case: WeekReport, week_doc: Report) -> None:
    d = week_case.dose
    assert len(d.previous_weeks) == 4 and d.trend_pct is not None
    page = week_doc.html
    assert f"{d.osteogenic_index:.1f}" in page and f"{d.trend_pct:+.0f}%" in page
    dose_svg = next(f for f in week_doc.figures if f.fig_id == "fig-dose").svg()
    for week_label, oi in d.previous_weeks.items():
        assert f"{week_label}: osteogenic index {oi:.1f}" in dose_svg  # hover text per bar


def test_warnings_are_listed_with_their_numbers(week_case: WeekReport) -> None:
    extra = CheckWarning(
        code="high_impact_contraindicated",
        message="3 impacts >= 4 g logged with a vertebral fracture <check>",
        numbers={"impacts": 3.0},
    )
    doc = week_report_page(week_case.model_copy(update={"warnings": [extra]}))
    assert 'class="callout" id="warnings"' in doc.html
    assert "high impact contraindicated:</strong> 3 impacts &gt;= 4 g" in doc.html
    assert "&lt;check&gt;" in doc.html and "<check>" not in doc.html
    calm = week_report_page(week_case.model_copy(update={"warnings": []}))
    assert "No safety or progression warnings" in calm.html


def test_pillar_met_by_unidentified_holds_shows_them(
    week_case: WeekReport, week_doc: Report
) -> None:
    """Balance is met only through holds whose stance was not identified: a row says so."""
    balance = next(p for p in week_case.pillars if p.id == "balance")
    assert balance.status == "met"
    assert {e.status for e in balance.exercises} == {"missed"}  # no exercise explains it
    (other,) = balance.other_work
    assert other.key == "balance:unknown" and other.n_days == balance.days_with_work == 5
    block = _pillar_block(week_doc.html, "balance")
    row = re.search(r"<tr><td><em>Balance hold \(stance not identified\)</em>(.*?)</tr>", block)
    assert row is not None
    cells = row.group(1)
    assert COUNTED_TEXT in cells and "Mon counted toward the pillar" in cells
    assert f"5 days, {other.sets} holds" in cells
    assert "Thu nothing" in cells  # the day without a recording
    assert 'id="other-legend"' in week_doc.html
    svg = next(f for f in week_doc.figures if f.fig_id == "fig-pillars").svg()
    assert "Balance hold (stance not identified)" in svg  # a bar in the progress figure too
    assert "Balance and stability / Balance hold (stance not identified)" in svg  # hover text
    impact = _pillar_block(week_doc.html, "impact")
    assert (
        COUNTED_TEXT not in impact
        and not next(p for p in week_case.pillars if p.id == "impact").other_work
    )


def _dose(recorded: int | None, trend_pct: float | None = 25.0) -> LoadingDose:
    prev = {f"2026-W{w}": 0.0 for w in (43, 44, 45)} | {"2026-W46": 80.0}
    return LoadingDose(
        n_recordings=3,
        n_impacts=100,
        osteogenic_index=25.0,
        peak_acc_g=3.1,
        impact_bins=[],
        previous_weeks=prev,
        previous_weeks_recorded=recorded,
        previous_mean_osteogenic_index=20.0,
        trend_pct=trend_pct,
    )


def test_trend_says_how_many_previous_weeks_were_recorded(week_case: WeekReport) -> None:
    assert trend_phrase(_dose(1)) == "+25% vs previous 4 weeks, 1 of them recorded"
    assert trend_phrase(_dose(4)) == "+25% vs previous 4 weeks, all recorded"
    assert trend_phrase(_dose(None)) == "+25% vs previous 4 weeks"
    assert trend_phrase(_dose(0, None)) == "no recordings in the previous 4 weeks"
    assert trend_phrase(_dose(2, None)) == "no trend: index 0 in the previous 4 weeks"
    assert trend_phrase(_dose(1), with_pct=False) == "vs previous 4 weeks, 1 of them recorded"
    doc = week_report_page(week_case.model_copy(update={"dose": _dose(1)}))
    assert "vs previous 4 weeks, 1 of them recorded" in doc.html  # summary card
    note = re.search(r'<p id="trend-note">(.*?)</p>', doc.html)
    assert note is not None and "The 3 weeks without recordings count as 0" in note.group(1)
    dose_svg = next(f for f in doc.figures if f.fig_id == "fig-dose").svg()
    assert "+25% vs previous 4 weeks, 1 of them recorded" in dose_svg
    assert "2026-W43: osteogenic index 0.0 (no recordings)" in dose_svg  # the 3 zero weeks
    assert "2026-W46: osteogenic index 80.0</title>" in dose_svg
    unsure = week_report_page(week_case.model_copy(update={"dose": _dose(2)}))
    unsure_svg = next(f for f in unsure.figures if f.fig_id == "fig-dose").svg()
    assert "(no recordings)" not in unsure_svg  # 3 weeks at 0, 2 unrecorded: which ones?
    full = week_report_page(week_case)
    assert week_case.dose.previous_weeks_recorded == 4
    assert "4 weeks, all recorded" in full.html and 'trend-note">This week' in full.html
    assert "weeks without recordings count as 0" not in full.html


def test_balance_table_per_stance(
    sim_session: tuple[Recording, AnalysisResult], week_case: WeekReport, week_doc: Report
) -> None:
    bw = week_case.balance
    holds = [b for b in sim_session[1].balance if not b.probable_rest]
    assert holds, "the fixture session has balance holds"
    block = re.search(r'<section id="balance">(.*?)</section>', week_doc.html)
    assert block is not None
    assert re.findall(r"<tr><td>(.*?)</td>", block.group(1)) == [sw.title for sw in bw.stances]
    assert {sw.stance for sw in bw.stances} == {b.stance for b in holds}
    # the same session was logged on 5 days this week and in each earlier week
    assert sum(sw.n_holds for sw in bw.stances) == 5 * len(holds)
    assert bw.n_rests_excluded == 5 * (len(sim_session[1].balance) - len(holds))
    for sw in bw.stances:
        if sw.stance == "unknown":
            assert sw.verdict is None and "not compared" in block.group(1)
        else:
            assert (sw.verdict, sw.change_points, sw.weeks_back) == ("about the same", 0.0, 1)
            assert "about the same as last week (+0 points)" in block.group(1)
