"""The week report page: pillar dashboard, loading dose and trend, safety warnings."""

from __future__ import annotations

import re

from boneimu.dose.checks import CheckWarning
from boneimu.dose.week import WeekReport
from boneimu.report import Report, week_report_page
from boneimu.report.week import STATUS_TEXT


def test_dashboard_lists_every_pillar_and_exercise(week_case: WeekReport, week_doc: Report) -> None:
    page = week_doc.html
    for el in ("summary", "warnings", "dashboard", "fig-pillars", "dose", "fig-dose"):
        assert f'id="{el}"' in page, el
    for p in week_case.pillars:
        block = re.search(rf'<div class="pillar" id="pillar-{p.id}">(.*?)</table></div>', page)
        assert block is not None, p.id
        assert STATUS_TEXT[p.status] in block.group(1)  # status told in words and symbol
        for e in p.exercises:
            assert e.title.replace("'", "&#x27;") in block.group(1)
    statuses = {e.status for p in week_case.pillars for e in p.exercises}
    assert {"met", "partial", "missed"} <= statuses  # the fixture week exercises all three


def test_day_marks_have_text_for_screen_readers(week_case: WeekReport, week_doc: Report) -> None:
    heel = next(e for p in week_case.pillars for e in p.exercises if e.id == "heel_drops")
    assert heel.days.count("none") == 2  # five recording days, two without
    assert "Mon full dose" in week_doc.html or "Mon part dose" in week_doc.html
    n_rows = sum(len(p.exercises) for p in week_case.pillars)
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
