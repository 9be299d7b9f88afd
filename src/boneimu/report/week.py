"""The week report page: the pillar dashboard, the loading dose and its trend, safety checks."""

from __future__ import annotations

from collections.abc import Callable

from boneimu.dose.fmt import fmt, plural
from boneimu.dose.steadiness import StanceWeek, amount, versus
from boneimu.dose.week import ExerciseWeek, OtherWork, PillarWeek, WeekReport
from boneimu.report import html as h
from boneimu.report.document import Report, Step, build_figures
from boneimu.report.week_figures import dose_figure, other_amount, pillar_figure, trend_phrase

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DAY_MARKS = {
    "full": ("\u25cf", "full dose"),
    "part": ("\u25d0", "part dose"),
    "none": ("\u25cb", "nothing"),
}
STATUS_TEXT = {
    "met": "\u2714 met",
    "partial": "\u25d0 partial",
    "missed": "\u2716 missed",
    "n/a": "\u2013 n/a",
}
OTHER_MARK = ("\u25c6", "counted toward the pillar")
COUNTED_TEXT = "\u271a counted"
_COUNTED_STYLE = "color:var(--accent);background:#eef5fb;border-style:dashed"


def _badge(status: str) -> str:
    cls = "na" if status == "n/a" else status
    return f'<span class="badge status-{cls}">{h.esc(STATUS_TEXT[status])}</span>'


def _days(e: ExerciseWeek | OtherWork) -> str:
    if isinstance(e, OtherWork):
        told = [OTHER_MARK if done else DAY_MARKS["none"] for done in e.days]
    else:
        told = [DAY_MARKS[s] for s in e.days]
    marks = "".join(
        f'<span title="{d}: {text}" aria-hidden="true">{mark}</span>'
        for d, (mark, text) in zip(DAY_NAMES, told, strict=True)
    )
    spoken = ", ".join(f"{d} {text}" for d, (_, text) in zip(DAY_NAMES, told, strict=True))
    return f'<span class="days">{marks}</span><span class="sr-only">{h.esc(spoken)}</span>'


def _done(e: ExerciseWeek) -> str:
    parts = [f"{e.full_days}/{e.per_week_min} days"]
    if e.part_days:
        parts.append(f"+{e.part_days} part")
    if e.reps:
        parts.append(f"{e.reps} reps")
    if e.minutes:
        parts.append(f"{e.minutes:.0f} min")
    if e.flights:
        parts.append(f"{e.flights:.1f} flights")
    return ", ".join(parts)


def _other_row(o: OtherWork) -> list[str]:
    """A row for work that counts toward the pillar's days but is no program exercise."""
    return [
        f"<em>{h.esc(o.title)}</em>"
        '<br><span class="legend">not a program exercise; counts toward the pillar\'s days</span>',
        '<span class="legend">no program dose</span>',
        _days(o),
        h.esc(f"{plural(o.n_days, 'day')}, {other_amount(o)}"),
        f'<span class="badge" style="{_COUNTED_STYLE}">{h.esc(COUNTED_TEXT)}</span>',
    ]


def _pillar(p: PillarWeek) -> str:
    need = (
        f"{p.days_with_work} of {p.days_per_week_min}+ days with work"
        if p.days_per_week_min
        else f"{p.days_with_work} day(s) with work"
    )
    rows = [
        [
            h.esc(e.title) + (f'<br><span class="legend">{h.esc(e.note)}</span>' if e.note else ""),
            h.esc(e.target),
            _days(e),
            h.esc(_done(e)),
            _badge(e.status),
        ]
        for e in p.exercises
    ]
    rows += [_other_row(o) for o in p.other_work]
    table = h.table(
        f"pillar-{p.id}-table",
        f"{p.title}: exercises",
        ["Exercise", "Target", "Mon-Sun", "Done", "Status"],
        rows,
        raw=True,
        caption_visible=False,
    )
    return (
        f'<div class="pillar" id="pillar-{h.esc(p.id)}"><h3><span>{h.esc(p.title)}</span>'
        f'<span>{_badge(p.status)} <span class="legend">{h.esc(need)}</span></span></h3>'
        f"{table}</div>"
    )


def _summary(report: WeekReport) -> str:
    d = report.dose
    n = {s: sum(1 for p in report.pillars if p.status == s) for s in STATUS_TEXT}
    trend = "-" if d.trend_pct is None else f"{d.trend_pct:+.0f}%"
    trend_sub = trend_phrase(d, with_pct=False) or "no previous weeks"
    items = [
        h.card(
            "Pillars met",
            f"{n['met']} of {len(report.pillars)}",
            f"{n['partial']} partial, {n['missed']} missed",
        ),
        h.card("Osteogenic index", f"{d.osteogenic_index:.1f}", "this week's loading dose"),
        h.card("Trend", trend, trend_sub),
        h.card("Impacts", str(d.n_impacts), f"{d.n_recordings} recording(s)"),
        h.card(
            "Peak impact",
            "-" if d.peak_acc_g is None else f"{d.peak_acc_g:.1f} g",
            "resultant incl. gravity",
        ),
        h.card(
            "Safety notes", str(len(report.warnings)), "see below" if report.warnings else "none"
        ),
    ]
    return h.cards(items, "summary")


def _trend_note(report: WeekReport) -> str:
    """One line: the trend and how many of the previous weeks it rests on."""
    d = report.dose
    phrase = trend_phrase(d)
    if phrase is None:
        return ""
    text = f"This week: osteogenic index {d.osteogenic_index:.1f}, {phrase}."
    k, n_prev = d.previous_weeks_recorded, len(d.previous_weeks)
    if k is not None and 0 < k < n_prev:
        gap = "The week" if n_prev - k == 1 else f"The {n_prev - k} weeks"
        text += (
            f" {gap} without recordings {'counts' if n_prev - k == 1 else 'count'} as 0: "
            "if you trained then without recording, the change is overstated."
        )
    return f'<p id="trend-note">{h.esc(text)}</p>'


def _warnings(report: WeekReport) -> str:
    if not report.warnings:
        return (
            '<section id="warnings" class="ok-note"><p>&#10004; No safety or progression '
            "warnings this week.</p></section>"
        )
    items = "".join(
        f"<li><strong>{h.esc(w.code.replace('_', ' '))}:</strong> {h.esc(w.message)}</li>"
        for w in report.warnings
    )
    return (
        '<section class="callout" id="warnings" role="note">'
        f"<h2>&#9888; Safety and progression ({len(report.warnings)})</h2><ul>{items}</ul>"
        "</section>"
    )


def _change(sw: StanceWeek) -> str:
    """``steadier than last week (+9.5 points)``."""
    if sw.change_points is None:
        return versus(sw)
    return f"{versus(sw)} ({sw.change_points:+g} points)"


def _balance(report: WeekReport) -> str:
    """The balance section: per stance, the week's holds and the change in their median
    sway score since the last week with holds of that stance (empty when no holds)."""
    bw = report.balance
    if not bw.stances:
        return ""
    rows = [
        [
            sw.title,
            amount(sw),
            fmt(sw.median_sway_score, "score"),
            "-"
            if sw.previous_median_sway_score is None
            else fmt(sw.previous_median_sway_score, "score"),
            _change(sw),
        ]
        for sw in bw.stances
    ]
    table = h.table(
        "balance-table",
        "Balance holds per stance: median sway score this week and in the last week with "
        "holds of that stance",
        ["Stance", "Holds", "Median score", "Before", "Change"],
        rows,
        numeric=(2, 3),
    )
    n_rests = plural(bw.n_rests_excluded, "probable rest")
    rests = (
        f'<p class="legend" id="balance-rests">{h.esc(n_rests)} between holds (quiet standing '
        "between two holds) left out of these figures.</p>"
        if bw.n_rests_excluded
        else ""
    )
    return h.section(
        "balance",
        "Balance steadiness",
        table + rests,
        "Sway score 0-100, higher = steadier; medians closer than "
        f"{fmt(bw.same_within_points, 'score')} points count as about the same.",
    )


def week_report_page(
    report: WeekReport, *, progress: Callable[[str], None] | None = None
) -> Report:
    """Build the week report page for ``report`` (from :func:`boneimu.dose.week.week_report`)."""
    steps: list[Step] = [
        ("program progress", lambda: pillar_figure(report)),
        ("loading dose", lambda: dose_figure(report)),
    ]
    figs = build_figures(steps, progress)
    byid = {f.fig_id: f for f in figs}
    legend = (
        '<p class="legend" id="day-legend">Days: \u25cf full dose, \u25d0 part dose, '
        "\u25cb nothing. Status: \u2714 met (target days reached), \u25d0 partial (some done), "
        "\u2716 missed (nothing logged), \u2013 n/a (not advised for this profile).</p>"
    )
    if any(p.other_work for p in report.pillars):
        legend += (
            '<p class="legend" id="other-legend"><em>Italic rows</em> are other recorded work '
            "that matches none of the pillar's exercises (e.g. a balance hold whose stance was "
            f"not identified): {OTHER_MARK[0]} a day with it, {COUNTED_TEXT}: it has no program "
            "dose but its days count toward the pillar's target.</p>"
        )
    body = [
        _summary(report),
        _warnings(report),
        h.section(
            "dashboard",
            "Program pillars",
            legend + h.figure(byid["fig-pillars"]) + "".join(_pillar(p) for p in report.pillars),
            f"Program {report.program} (revision {report.program_revision}).",
        ),
        h.section(
            "dose",
            "Loading dose and trend",
            _trend_note(report) + h.figure(byid["fig-dose"]),
            "The osteogenic index sums the week's impacts, weighting higher ones more; "
            "build it up gradually: the checks above warn when it jumps.",
        ),
        _balance(report),
    ]
    subtitle = (
        f"{report.profile} - week {report.week} "
        f"({report.start:%a %d %b} to {report.end:%a %d %b %Y})"
    )
    notes = [
        "Met / partial / missed compare the days you logged the full dose with the program's "
        "weekly target. Warnings come from the program's safety and progression checks.",
    ]
    page = h.page(f"Week report {report.week}", subtitle, "".join(body), notes)
    return Report(html=page, figures=figs)
