"""Balance steadiness in the week report (docs/dose-log.md, "Balance steadiness").

Per stance, the week's balance holds: how many, their total hold time and their median sway
score (0-100, higher = steadier; docs/algorithms/sway.md), compared with the most recent
earlier week that had holds of the same stance. A change of less than
:data:`SAME_WITHIN_POINTS` in the median is "about the same". Holds the analysis marked
``probable_rest`` (quiet standing between two holds, probably the rest between them) are left
out of every figure and only counted. Holds whose stance was not identified are summarised
but not compared: they may mix stances, and the stances' scores differ by more than the
threshold.
"""

from __future__ import annotations

import statistics
from datetime import date as Date
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from boneimu.dose.fmt import fmt, plural
from boneimu.dose.store import DoseLog
from boneimu.dose.weekdata import week_label
from boneimu.results import Stance

STANCES: tuple[Stance, ...] = ("two_leg", "tandem", "single_leg", "unknown")
COMPARED_STANCES: tuple[Stance, ...] = ("two_leg", "tandem", "single_leg")
SAME_WITHIN_POINTS = 5.0
"""Medians closer than this (score points) are "about the same" (why: docs/dose-log.md)."""
STANCE_TITLE: dict[str, str] = {
    "two_leg": "two-leg stance",
    "tandem": "tandem stance",
    "single_leg": "single-leg stance",
    "unknown": "stance not identified",
}
NOT_COMPARED = "not compared: the holds may mix stances"

Verdict = Literal["steadier", "less steady", "about the same"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StanceWeek(_Model):
    """One stance's holds in the week, and the change since its previous week with holds."""

    stance: Stance
    title: str
    n_holds: int
    hold_s: float = Field(description="total hold time of the week's holds")
    median_sway_score: float = Field(description="0-100, higher = steadier; 1 decimal")
    previous_week: str | None = Field(
        default=None, description="latest earlier week with such holds"
    )
    weeks_back: int | None = Field(default=None, description="how many weeks before this one")
    previous_n_holds: int | None = None
    previous_median_sway_score: float | None = None
    change_points: float | None = Field(
        default=None, description="this median minus the previous one"
    )
    verdict: Verdict | None = None
    note: str | None = Field(default=None, description="why there is no comparison")


class BalanceWeek(_Model):
    stances: list[StanceWeek] = Field(default_factory=list)
    n_rests_excluded: int = Field(default=0, description="holds marked probable_rest, left out")
    same_within_points: float = SAME_WITHIN_POINTS


def _holds(
    log: DoseLog, profile_id: int, monday: Date, *, stance: str | None = None
) -> list[tuple[str, float, float, bool]]:
    """(stance, sway_score, hold_s, probable_rest) of the week's holds."""
    sql = (
        "SELECT b.stance, b.sway_score, b.hold_s, b.start_s, b.end_s, b.probable_rest "
        "FROM balance b JOIN sessions s ON s.id = b.session_id "
        "WHERE s.profile_id = ? AND s.date BETWEEN ? AND ?"
    )
    params: tuple[object, ...] = (
        profile_id,
        monday.isoformat(),
        (monday + timedelta(6)).isoformat(),
    )
    if stance is not None:
        sql += " AND b.stance = ?"
        params += (stance,)
    return [
        (
            r["stance"],
            float(r["sway_score"]),
            float(r["hold_s"] if r["hold_s"] is not None else r["end_s"] - r["start_s"]),
            bool(r["probable_rest"]),
        )
        for r in log.execute(sql + " ORDER BY s.date, b.session_id, b.start_s", params)
    ]


def _previous_monday(log: DoseLog, profile_id: int, stance: str, monday: Date) -> Date | None:
    row = log.execute(
        "SELECT MAX(s.date) FROM balance b JOIN sessions s ON s.id = b.session_id "
        "WHERE s.profile_id = ? AND b.stance = ? AND b.probable_rest = 0 AND s.date < ?",
        (profile_id, stance, monday.isoformat()),
    )[0][0]
    if row is None:
        return None
    d = Date.fromisoformat(row)
    return d - timedelta(days=d.weekday())


def _median(scores: list[float]) -> float:
    return round(statistics.median(scores), 1)


def verdict(change_points: float, *, same_within: float = SAME_WITHIN_POINTS) -> Verdict:
    """``steadier`` / ``less steady`` when the medians differ by ``same_within`` or more."""
    if abs(change_points) < same_within:
        return "about the same"
    return "steadier" if change_points > 0 else "less steady"


def balance_week(log: DoseLog, profile_id: int, monday: Date) -> BalanceWeek:
    """The week's holds per stance (probable rests left out), each against its last week."""
    rows = _holds(log, profile_id, monday)
    out = BalanceWeek(n_rests_excluded=sum(1 for *_, rest in rows if rest))
    for stance in STANCES:
        holds = [(score, hold) for st, score, hold, rest in rows if st == stance and not rest]
        if not holds:
            continue
        sw = StanceWeek(
            stance=stance,
            title=STANCE_TITLE[stance],
            n_holds=len(holds),
            hold_s=round(sum(h for _, h in holds), 2),
            median_sway_score=_median([s for s, _ in holds]),
        )
        prev_monday = None
        if stance in COMPARED_STANCES:
            prev_monday = _previous_monday(log, profile_id, stance, monday)
        if stance not in COMPARED_STANCES:
            sw.note = NOT_COMPARED
        elif prev_monday is None:
            sw.note = f"first week with {STANCE_TITLE[stance]} holds"
        else:
            prev_holds = _holds(log, profile_id, prev_monday, stance=stance)
            prev_scores = [score for _, score, _, rest in prev_holds if not rest]
            sw.previous_week = week_label(prev_monday)
            sw.weeks_back = (monday - prev_monday).days // 7
            sw.previous_n_holds = len(prev_scores)
            sw.previous_median_sway_score = _median(prev_scores)
            sw.change_points = round(sw.median_sway_score - sw.previous_median_sway_score, 1)
            sw.verdict = verdict(sw.change_points)
        out.stances.append(sw)
    return out


def versus(sw: StanceWeek) -> str:
    """``steadier than last week`` (or why there is no comparison)."""
    if sw.verdict is None:
        return sw.note or ""
    when = (
        "last week" if sw.weeks_back == 1 else f"{sw.previous_week} ({sw.weeks_back} weeks before)"
    )
    return f"{sw.verdict} {'as' if sw.verdict == 'about the same' else 'than'} {when}"


def comparison(sw: StanceWeek) -> str:
    """``steadier than last week: median 70 -> 78`` (or why there is no comparison)."""
    if sw.previous_median_sway_score is None:
        return versus(sw)
    prev, now = sw.previous_median_sway_score, sw.median_sway_score
    return (
        f"{versus(sw)}: median "
        f"{fmt(prev, 'score', distinct_from=now)} -> {fmt(now, 'score', distinct_from=prev)}"
    )


def amount(sw: StanceWeek) -> str:
    """``4 holds, 2 min 20 s``."""
    return f"{plural(sw.n_holds, 'hold')}, {fmt(sw.hold_s, 's')}"


def render_balance(bw: BalanceWeek) -> list[str]:
    """The text lines of the week report's balance section (none when no holds)."""
    if not bw.stances and not bw.n_rests_excluded:
        return []
    same = fmt(bw.same_within_points, "score")
    lines = [
        "balance holds (median sway score 0-100, higher = steadier; "
        f"a change under {same} points is about the same):"
    ]
    for sw in bw.stances:
        lines.append(
            f"  {sw.title:<22} {amount(sw):<20} median {fmt(sw.median_sway_score, 'score'):>4}"
            f"  {comparison(sw)}".rstrip()
        )
    if bw.n_rests_excluded:
        lines.append(f"  {plural(bw.n_rests_excluded, 'probable rest')} between holds left out")
    return lines
