"""The week report: per pillar and exercise, target vs done, status, loading dose, checks.

Status of an exercise in a week (``per_week_min`` = target days):

* ``met``     - the full dose was done on at least ``per_week_min`` days;
* ``partial`` - not met, but some of it was logged on at least one day (a full-dose day or a
  part-dose day, i.e. less than the session dose);
* ``missed``  - nothing of it logged that week;
* ``n/a``     - not for this person (a ``requires`` flag missing or an ``avoid_if`` flag set).

A pillar with ``days_per_week_min`` is met / partial / missed when the days with any of its
work are >= that / 1 or more / 0; a pillar without it aggregates its applicable exercises
(met when all are met, missed when all are missed, else partial).

Recorded work that counts toward a pillar's days (its ``recorded_as`` patterns, e.g.
``balance:*``) but is none of its exercises - a balance hold whose stance was not identified,
a two-leg hold - is listed as an :class:`OtherWork` row of that pillar, so every day the
pillar counts is visible in some row of the table.
"""

from __future__ import annotations

import fnmatch
from datetime import date as Date
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from boneimu.dose.checks import CheckWarning, run_checks
from boneimu.dose.fmt import fmt, plural
from boneimu.dose.models import Profile
from boneimu.dose.program import Dose, Pillar, Program, ProgramExercise
from boneimu.dose.steadiness import STANCE_TITLE, BalanceWeek, balance_week, render_balance
from boneimu.dose.store import DoseLog
from boneimu.dose.weekdata import DayWork, WeekData, gather_week, week_label

Status = Literal["met", "partial", "missed", "n/a"]
DayStatus = Literal["full", "part", "none"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ExerciseWeek(_Model):
    id: str
    title: str
    target: str
    per_week_min: int
    daily: bool
    status: Status
    full_days: int
    part_days: int
    days: list[DayStatus]
    reps: int
    sets: int
    minutes: float
    flights: float
    note: str | None = None


class OtherWork(_Model):
    """Recorded work counted toward a pillar's days that matches none of its exercises."""

    key: str = Field(description="what the analysis reported, e.g. balance:unknown")
    title: str
    days: list[bool]
    n_days: int
    sets: int = Field(description="sets, or holds for balance:*")
    reps: int
    seconds: float = Field(description="total time of its sets or holds")
    minutes: float
    flights: float


class PillarWeek(_Model):
    id: str
    title: str
    status: Status
    days_with_work: int
    days_per_week_min: int | None
    exercises: list[ExerciseWeek]
    other_work: list[OtherWork] = Field(default_factory=list)


class LoadingDose(_Model):
    n_recordings: int
    n_impacts: int
    osteogenic_index: float
    peak_acc_g: float | None
    impact_bins: list[dict[str, float | int | None]]
    previous_weeks: dict[str, float]
    previous_weeks_recorded: int | None = Field(
        None, description="of the previous weeks, how many had recordings"
    )
    previous_mean_osteogenic_index: float | None
    trend_pct: float | None


class WeekReport(_Model):
    profile: str
    program: str
    program_revision: str
    week: str
    start: Date
    end: Date
    pillars: list[PillarWeek]
    dose: LoadingDose
    balance: BalanceWeek = Field(
        default_factory=lambda: BalanceWeek(),
        description="balance holds per stance and their steadiness vs an earlier week",
    )
    warnings: list[CheckWarning]


def day_status(dose: Dose, work: DayWork | None) -> DayStatus:
    """``full`` when any dose criterion is met that day, ``part`` when something was logged."""
    if work is None or work.empty:
        return "none"
    need = dose.required_sets
    ok = (
        (dose.reps_min is not None and sum((r or 0) >= dose.reps_min for r, _ in work.sets) >= need)
        or (
            dose.seconds_min is not None
            and sum((s or 0) >= dose.seconds_min for _, s in work.sets) >= need
        )
        or (dose.minutes_min is not None and work.minutes >= dose.minutes_min)
        or (dose.flights_min is not None and work.flights >= dose.flights_min)
    )
    return "full" if ok else "part"


def _applicable(ex: ProgramExercise, profile: Profile) -> str | None:
    """Why ``ex`` is not for this person (None when it is)."""
    why = [f"needs {f.replace('_', ' ')}" for f in ex.requires if not getattr(profile, f)]
    why += [f"avoid with {f.replace('_', ' ')}" for f in ex.avoid_if if getattr(profile, f)]
    return "; ".join(why) or None


def _exercise_week(ex: ProgramExercise, wd: WeekData, profile: Profile) -> ExerciseWeek:
    days = [wd.monday + timedelta(days=i) for i in range(7)]
    by_day = wd.work.get(ex.id, {})
    statuses = [day_status(ex.dose, by_day.get(d)) for d in days]
    full, part = statuses.count("full"), statuses.count("part")
    na = _applicable(ex, profile)
    status: Status
    if na is not None and full + part == 0:
        status = "n/a"
    elif full >= ex.per_week_min:
        status = "met"
    elif full + part > 0:
        status = "partial"
    else:
        status = "missed"
    target = ex.dose.describe() + (", daily" if ex.daily else f", {ex.per_week_min}x/week")
    return ExerciseWeek(
        id=ex.id,
        title=ex.title,
        target=target,
        per_week_min=ex.per_week_min,
        daily=ex.daily,
        status=status,
        full_days=full,
        part_days=part,
        days=statuses,
        reps=sum(r or 0 for w in by_day.values() for r, _ in w.sets),
        sets=sum(len(w.sets) for w in by_day.values()),
        minutes=round(sum(w.minutes for w in by_day.values()), 2),
        flights=round(sum(w.flights for w in by_day.values()), 2),
        note=na,
    )


_KIND_TITLE = {"balance": "Balance hold", "walk": "Walking", "set": "Set"}


def other_title(key: str) -> str:
    """``balance:unknown`` -> ``Balance hold (stance not identified)``."""
    kind, _, what = key.partition(":")
    detail = STANCE_TITLE.get(what) if kind == "balance" else None
    return f"{_KIND_TITLE.get(kind, kind)} ({detail or what.replace('_', ' ')})"


def _other_work(p: Pillar, wd: WeekData) -> list[OtherWork]:
    days = [wd.monday + timedelta(days=i) for i in range(7)]
    rows = []
    for key in sorted(wd.other):
        if not any(fnmatch.fnmatchcase(key, pat) for pat in p.recorded_as):
            continue
        by_day = wd.other[key]
        marks = [d in by_day and not by_day[d].empty for d in days]
        rows.append(
            OtherWork(
                key=key,
                title=other_title(key),
                days=marks,
                n_days=sum(marks),
                sets=sum(len(w.sets) for w in by_day.values()),
                reps=sum(r or 0 for w in by_day.values() for r, _ in w.sets),
                seconds=round(sum(s or 0.0 for w in by_day.values() for _, s in w.sets), 2),
                minutes=round(sum(w.minutes for w in by_day.values()), 2),
                flights=round(sum(w.flights for w in by_day.values()), 2),
            )
        )
    return rows


def _pillar_status(days: int, days_min: int | None, exercises: list[ExerciseWeek]) -> Status:
    if days_min is not None:
        return "met" if days >= days_min else "partial" if days > 0 else "missed"
    live = [e.status for e in exercises if e.status != "n/a"]
    if not live:
        return "n/a"
    if all(s == "met" for s in live):
        return "met"
    if all(s == "missed" for s in live):
        return "missed"
    return "partial"


def week_report(log: DoseLog, profile_name: str, monday: Date, program: Program) -> WeekReport:
    profile = log.profile(profile_name)
    c = program.checks
    n_weeks = max(c.no_overload_weeks + c.habitual_weeks, 5)
    weeks = [
        gather_week(log, profile_name, monday - timedelta(weeks=i), program) for i in range(n_weeks)
    ]
    this = weeks[0]
    pillars = []
    for p in program.pillars:
        exs = [_exercise_week(e, this, profile) for e in p.exercises]
        days = len(this.pillar_days.get(p.id, set()))
        pillars.append(
            PillarWeek(
                id=p.id,
                title=p.title,
                status=_pillar_status(days, p.days_per_week_min, exs),
                days_with_work=days,
                days_per_week_min=p.days_per_week_min,
                exercises=exs,
                other_work=_other_work(p, this),
            )
        )
    prev = weeks[1:5]
    prev_oi = {w.label: round(w.osteogenic_index, 3) for w in prev}
    mean_prev = sum(w.osteogenic_index for w in prev) / len(prev) if prev else None
    trend = round((this.osteogenic_index - mean_prev) / mean_prev * 100.0, 1) if mean_prev else None
    dose = LoadingDose(
        n_recordings=this.n_recordings,
        n_impacts=this.n_impacts,
        osteogenic_index=round(this.osteogenic_index, 3),
        peak_acc_g=this.peak_acc_g,
        impact_bins=[
            {"lower_g": lo, "upper_g": hi, "count": n}
            for (lo, hi), n in sorted(this.impact_bins.items())
        ],
        previous_weeks=prev_oi,
        previous_weeks_recorded=sum(1 for w in prev if w.n_recordings > 0),
        previous_mean_osteogenic_index=None if mean_prev is None else round(mean_prev, 3),
        trend_pct=trend,
    )
    return WeekReport(
        profile=profile.name,
        program=program.name,
        program_revision=program.revision,
        week=week_label(monday),
        start=monday,
        end=monday + timedelta(days=6),
        pillars=pillars,
        dose=dose,
        balance=balance_week(log, profile.id, monday),
        warnings=run_checks(log, profile, weeks, program),
    )


_MARK = {"full": "#", "part": "+", "none": "."}
_OTHER_MARK = "*"
_ROW = "  {:<20} {:<36} {:<14} {:>9}  {}"


def _pillar_line(p: PillarWeek) -> str:
    work = f"work on {plural(p.days_with_work, 'day')}"
    if p.days_per_week_min:
        why = f"target {p.days_per_week_min}+ days, any row below counts"
    else:
        why = "status from its exercises"
    return f"{p.title} [{p.status}] ({work}; {why})"


def _exercise_line(e: ExerciseWeek) -> str:
    marks = " ".join(_MARK[d] for d in e.days)
    note = ""
    if e.note and e.status != "n/a":
        note = f"  (not advised for this profile: {e.note})"
    elif e.note:
        note = f"  ({e.note})"
    row = _ROW.format(e.id, e.target, marks, f"{e.full_days}/{e.per_week_min}d", e.status)
    return row + note


def _other_line(o: OtherWork) -> str:
    marks = " ".join(_OTHER_MARK if d else _MARK["none"] for d in o.days)
    if o.key.startswith("balance:"):
        amount = f"{plural(o.sets, 'hold')}, {fmt(o.seconds, 's')} in all"
    elif o.minutes:
        amount = fmt(o.minutes, "min")
    else:
        amount = f"{plural(o.sets, 'set')}, {plural(o.reps, 'rep')}"
    row = _ROW.format(o.key, o.title, marks, plural(o.n_days, "day"), "counted")
    return row + f"  ({amount}; no program dose, counts toward the pillar's days)"


def _bin_label(b: dict[str, float | int | None]) -> str:
    lo, hi = b["lower_g"], b["upper_g"]
    assert lo is not None
    edges = (
        f">={fmt(lo, 'g')}" if hi is None else f"{fmt(lo, 'g').removesuffix(' g')}-{fmt(hi, 'g')}"
    )
    return f"{edges}: {fmt(b['count'] or 0, 'count')}"


def render_week(report: WeekReport) -> str:
    """Plain-text table of a week report (numbers formatted by :func:`boneimu.dose.fmt.fmt`)."""
    lines = [
        f"{report.profile}  {report.week} ({report.start} to {report.end})  "
        f"program {report.program} rev {report.program_revision}",
        "",
        "exercise" + _ROW.format("", "target", "M T W T F S S", "done", "status")[8:],
    ]
    for p in report.pillars:
        lines.append(_pillar_line(p))
        lines += [_exercise_line(e) for e in p.exercises]
        lines += [_other_line(o) for o in p.other_work]
    d = report.dose
    legend = "day marks: # full dose, + part dose, . nothing"
    if any(p.other_work for p in report.pillars):
        legend += ", * work counted toward the pillar only"
    lines += ["", legend, ""]
    lines.append(
        f"loading dose: {plural(d.n_impacts, 'impact')} in "
        f"{plural(d.n_recordings, 'recording')}, osteogenic index "
        f"{fmt(d.osteogenic_index, 'index')}"
        + (f", peak {fmt(d.peak_acc_g, 'g')}" if d.peak_acc_g is not None else "")
    )
    if d.impact_bins:
        lines.append(f"  impact bins: {', '.join(_bin_label(b) for b in d.impact_bins)}")
    if d.trend_pct is not None and d.previous_mean_osteogenic_index is not None:
        n_prev = len(d.previous_weeks)
        recorded = d.previous_weeks_recorded
        unrecorded = 0 if recorded is None else n_prev - recorded
        gap = f"; {unrecorded} of them without recordings, counted as 0" if unrecorded else ""
        lines.append(
            f"  vs previous {n_prev} weeks (mean index "
            f"{fmt(d.previous_mean_osteogenic_index, 'index')}{gap}): "
            f"{'+' if d.trend_pct > 0 else ''}{fmt(d.trend_pct, '%')}"
        )
    balance = render_balance(report.balance)
    lines += ["", *balance] if balance else []
    lines.append("")
    if report.warnings:
        lines.append(f"warnings ({len(report.warnings)}):")
        lines += [f"  ! {w.message}" for w in report.warnings]
    else:
        lines.append("no warnings")
    return "\n".join(lines)
