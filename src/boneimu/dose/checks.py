"""Safety and progression checks on a week of logged work; each message carries its numbers.

Thresholds live in the program file (``checks``); sources are listed in docs/dose-log.md.
"""

from __future__ import annotations

import statistics
from datetime import date as Date
from typing import Literal

from pydantic import BaseModel, ConfigDict

from boneimu.dose.fmt import Unit, fmt, plural
from boneimu.dose.models import Profile
from boneimu.dose.program import Program
from boneimu.dose.store import DoseLog
from boneimu.dose.weekdata import WeekData

CheckCode = Literal[
    "volume_increase",
    "intensity_increase",
    "load_and_reps_increased",
    "high_impact_contraindicated",
    "flagged_reps",
    "balance_missed",
    "no_progressive_overload",
]


class CheckWarning(BaseModel):
    """One check that fired: a code, a sentence, and the numbers behind it."""

    model_config = ConfigDict(extra="forbid")
    code: CheckCode
    message: str
    numbers: dict[str, float | str | None]


def _pct(new: float, old: float) -> float:
    return (new - old) / old * 100.0


def check_increase(weeks: list[WeekData], program: Program) -> list[CheckWarning]:
    """Volume (reps, impacts) or intensity (impact peak g, load kg) up > N% on last week."""
    if len(weeks) < 2:
        return []
    this, prev = weeks[0], weeks[1]
    limit = program.checks.max_weekly_increase_pct
    out: list[CheckWarning] = []
    pairs: list[tuple[CheckCode, str, float | None, float | None, Unit]] = [
        ("volume_increase", "reps", this.total_reps, prev.total_reps, "count"),
        ("volume_increase", "impacts", this.n_impacts, prev.n_impacts, "count"),
        (
            "intensity_increase",
            "mean impact peak",
            this.mean_impact_peak_g,
            prev.mean_impact_peak_g,
            "g",
        ),
    ]
    for ex in sorted(this.max_load_kg):
        pairs.append(
            (
                "intensity_increase",
                f"{ex} load",
                this.max_load_kg[ex],
                prev.max_load_kg.get(ex),
                "kg",
            )
        )
    for code, what, new, old, unit in pairs:
        if new is None or old is None or old <= 0:
            continue
        pct = _pct(new, old)
        if pct > limit:
            out.append(
                CheckWarning(
                    code=code,
                    message=(
                        f"weekly {what} up {fmt(pct, '%', distinct_from=limit)} "
                        f"({fmt(new, unit, distinct_from=old)} in {this.label} vs "
                        f"{fmt(old, unit, distinct_from=new)} in {prev.label}); change volume "
                        f"or intensity by no more than {fmt(limit, '%')} a week"
                    ),
                    numbers={
                        "metric": what,
                        "this_week": new,
                        "previous_week": old,
                        "increase_pct": round(pct, 1),
                        "limit_pct": limit,
                    },
                )
            )
    return out


def check_load_and_reps(log: DoseLog, profile: Profile, week: WeekData) -> list[CheckWarning]:
    """A manual entry that raised load AND reps per set over the previous one of its exercise."""
    rows = log.execute(
        "SELECT s.id, s.date, s.exercise, MAX(COALESCE(t.load_kg, 0)) AS load_kg, "
        "AVG(t.n_reps) AS reps FROM sessions s JOIN sets t ON t.session_id = s.id "
        "WHERE s.profile_id = ? AND s.kind = 'manual' AND s.date <= ? AND t.n_reps IS NOT NULL "
        "GROUP BY s.id ORDER BY s.date, s.id",
        (profile.id, week.sunday.isoformat()),
    )
    last: dict[str, tuple[str, float, float]] = {}
    out: list[CheckWarning] = []
    for r in rows:
        ex, load, reps = r["exercise"], float(r["load_kg"]), float(r["reps"])
        prev = last.get(ex)
        in_week = week.monday <= Date.fromisoformat(r["date"]) <= week.sunday
        if prev is not None and in_week and load > prev[1] and reps > prev[2]:
            out.append(
                CheckWarning(
                    code="load_and_reps_increased",
                    message=(
                        f"{ex} on {r['date']}: load {fmt(prev[1], 'kg', distinct_from=load)} "
                        f"-> {fmt(load, 'kg', distinct_from=prev[1])} AND reps per set "
                        f"{fmt(prev[2], 'per_set', distinct_from=reps)} -> "
                        f"{fmt(reps, 'per_set', distinct_from=prev[2])} vs {prev[0]}; "
                        "increase either weight or repetitions, never both at once"
                    ),
                    numbers={
                        "exercise": ex,
                        "date": r["date"],
                        "previous_date": prev[0],
                        "load_kg": load,
                        "previous_load_kg": prev[1],
                        "reps": reps,
                        "previous_reps": prev[2],
                    },
                )
            )
        last[ex] = (r["date"], load, reps)
    return out


def check_high_impact(profile: Profile, week: WeekData, program: Program) -> list[CheckWarning]:
    """Hops or impacts >= the high-impact threshold for a fracture flag / no clearance."""
    if week.hop_sets == 0 and week.high_impacts == 0:
        return []
    reasons = []
    if profile.vertebral_fracture:
        reasons.append("has a vertebral-fracture flag")
    if not profile.medical_clearance:
        reasons.append("has no medical clearance recorded")
    if not reasons:
        return []
    g = program.checks.high_impact_g
    return [
        CheckWarning(
            code="high_impact_contraindicated",
            message=(
                f"{plural(week.hop_sets, 'hop set')} and {plural(week.high_impacts, 'impact')} "
                f"at or above {fmt(g, 'g')} logged in {week.label}, but {profile.name} "
                f"{' and '.join(reasons)}: "
                "avoid hops and high-impact work until a clinician clears it"
            ),
            numbers={
                "hop_sets": week.hop_sets,
                "high_impacts": week.high_impacts,
                "high_impact_g": g,
                "vertebral_fracture": str(profile.vertebral_fracture),
                "medical_clearance": str(profile.medical_clearance),
            },
        )
    ]


def check_flagged_reps(week: WeekData, program: Program) -> list[CheckWarning]:
    """Share of rushed or jerky reps per exercise above the limit (with enough reps)."""
    c = program.checks
    out = []
    for ex, n in sorted(week.recorded_reps.items()):
        flagged = week.flagged_by_exercise.get(ex, 0)
        if n < c.flagged_rep_min_reps:
            continue
        share = flagged / n
        limit_pct = c.flagged_rep_share_max * 100
        if share > c.flagged_rep_share_max:
            out.append(
                CheckWarning(
                    code="flagged_reps",
                    message=(
                        f"{ex}: {flagged} of {plural(n, 'rep')} "
                        f"({fmt(share * 100, '%', distinct_from=limit_pct)}) rushed or jerky "
                        f"in {week.label} (limit {fmt(limit_pct, '%')}); slow, controlled "
                        "reps: jerky or rushed movement puts shear on brittle bone"
                    ),
                    numbers={
                        "exercise": ex,
                        "flagged": flagged,
                        "reps": n,
                        "share": round(share, 3),
                        "limit": c.flagged_rep_share_max,
                    },
                )
            )
    return out


def check_balance(week: WeekData, program: Program) -> list[CheckWarning]:
    out = []
    for p in program.pillars:
        if p.id != "balance" or p.days_per_week_min is None:
            continue
        days = len(week.pillar_days.get(p.id, set()))
        if days < p.days_per_week_min:
            out.append(
                CheckWarning(
                    code="balance_missed",
                    message=(
                        f"balance work on {plural(days, 'day')} in {week.label}; the program "
                        f"asks for at least {p.days_per_week_min} (falls break more bones than low "
                        "density alone)"
                    ),
                    numbers={"days": days, "days_min": p.days_per_week_min},
                )
            )
    return out


def check_overload(weeks: list[WeekData], program: Program) -> list[CheckWarning]:
    """Impact dose not above the habitual level for the last N weeks in a row.

    Habitual level H = median weekly osteogenic index of the ``habitual_weeks`` weeks before
    those N (weeks without recordings count as 0). Fires when H > 0 and each of the last N
    weeks has an index <= H.
    """
    c = program.checks
    need = c.no_overload_weeks + c.habitual_weeks
    if len(weeks) < need:
        return []
    recent = weeks[: c.no_overload_weeks]
    habitual = statistics.median(w.osteogenic_index for w in weeks[c.no_overload_weeks : need])
    if habitual <= 0 or any(w.osteogenic_index > habitual for w in recent):
        return []
    values = ", ".join(
        f"{w.label} {fmt(w.osteogenic_index, 'index', distinct_from=habitual)}"
        for w in reversed(recent)
    )
    return [
        CheckWarning(
            code="no_progressive_overload",
            message=(
                f"impact dose not above the habitual level for {len(recent)} weeks in a row "
                f"(osteogenic index {values}; habitual {fmt(habitual, 'index')} = median of the "
                f"{c.habitual_weeks} weeks before): bone adapts only to loads above habitual"
            ),
            numbers={
                "habitual_osteogenic_index": round(habitual, 3),
                **{w.label: round(w.osteogenic_index, 3) for w in recent},
            },
        )
    ]


def run_checks(
    log: DoseLog, profile: Profile, weeks: list[WeekData], program: Program
) -> list[CheckWarning]:
    """All checks for ``weeks[0]``; ``weeks`` is newest first (this week, last week, ...)."""
    this = weeks[0]
    return [
        *check_increase(weeks, program),
        *check_load_and_reps(log, profile, this),
        *check_high_impact(profile, this, program),
        *check_flagged_reps(this, program),
        *check_balance(this, program),
        *check_overload(weeks, program),
    ]
