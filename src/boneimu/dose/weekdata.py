"""Gather one ISO week of a profile's logged work, keyed by program exercise and day."""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date as Date
from datetime import timedelta

from boneimu.dose.program import Program
from boneimu.dose.store import DoseLog
from boneimu.errors import ConfigError

_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{1,2})$")


def parse_week(text: str | None, *, today: Date | None = None) -> Date:
    """Monday of ISO week ``YYYY-Www`` (the current week when ``text`` is None)."""
    if text is None:
        d = today or Date.today()
        return d - timedelta(days=d.weekday())
    m = _WEEK_RE.match(text.strip())
    if not m:
        raise ConfigError(f"week {text!r}: expected ISO week like 2026-W47")
    try:
        return Date.fromisocalendar(int(m[1]), int(m[2]), 1)
    except ValueError as exc:
        raise ConfigError(f"week {text!r}: {exc}") from None


def week_label(monday: Date) -> str:
    y, w, _ = monday.isocalendar()
    return f"{y}-W{w:02d}"


@dataclass
class DayWork:
    """What was done of one exercise on one day: sets as (reps, seconds), minutes, flights."""

    sets: list[tuple[int | None, float | None]] = field(default_factory=list)
    minutes: float = 0.0
    flights: float = 0.0

    @property
    def empty(self) -> bool:
        return not self.sets and self.minutes == 0 and self.flights == 0


@dataclass
class WeekData:
    monday: Date
    work: dict[str, dict[Date, DayWork]]  # program exercise id -> day -> work
    pillar_days: dict[str, set[Date]]
    # recorded work that counts toward a pillar (its ``recorded_as`` patterns) but is no
    # program exercise, e.g. ``balance:unknown`` holds: recorded key -> day -> work
    other: dict[str, dict[Date, DayWork]] = field(default_factory=dict)
    total_reps: int = 0
    n_impacts: int = 0
    osteogenic_index: float = 0.0
    peak_acc_g: float | None = None
    impact_bins: dict[tuple[float, float | None], int] = field(default_factory=dict)
    impact_rep_peaks_g: list[float] = field(default_factory=list)
    high_impacts: int = 0
    hop_sets: int = 0
    max_load_kg: dict[str, float] = field(default_factory=dict)
    recorded_reps: dict[str, int] = field(default_factory=dict)
    flagged_by_exercise: dict[str, int] = field(default_factory=dict)
    n_recordings: int = 0

    @property
    def sunday(self) -> Date:
        return self.monday + timedelta(days=6)

    @property
    def label(self) -> str:
        return week_label(self.monday)

    @property
    def mean_impact_peak_g(self) -> float | None:
        p = self.impact_rep_peaks_g
        return sum(p) / len(p) if p else None


def gather_week(log: DoseLog, profile: str, monday: Date, program: Program) -> WeekData:
    pid = log.profile(profile).id
    lo, hi = monday.isoformat(), (monday + timedelta(days=6)).isoformat()
    rng = (pid, lo, hi)
    key_to_id: dict[str, str] = {}
    for p in program.pillars:
        for e in p.exercises:
            key_to_id[e.id] = e.id
            for k in e.recorded_as:
                key_to_id[k] = e.id
    ex_pillar = {e.id: p.id for p in program.pillars for e in p.exercises}
    hop_ids = {e.id for p in program.pillars for e in p.exercises if "set:hop" in e.recorded_as}
    work: dict[str, dict[Date, DayWork]] = defaultdict(lambda: defaultdict(DayWork))
    pillar_days: dict[str, set[Date]] = defaultdict(set)
    other: dict[str, dict[Date, DayWork]] = defaultdict(lambda: defaultdict(DayWork))
    wd = WeekData(monday=monday, work=work, pillar_days=pillar_days, other=other)

    def add(key: str, day: Date) -> DayWork | None:
        in_pillar = False
        for p in program.pillars:
            if any(fnmatch.fnmatchcase(key, pat) for pat in p.recorded_as):
                pillar_days[p.id].add(day)
                in_pillar = True
        ex = key_to_id.get(key)
        if ex is None:
            return other[key][day] if in_pillar else None
        pillar_days[ex_pillar[ex]].add(day)
        return work[ex][day]

    in_week = "s.profile_id = ? AND s.date BETWEEN ? AND ?"
    for r in log.execute(
        f"SELECT s.date, s.kind, t.exercise, t.n_reps, t.load_kg, t.seconds FROM sets t "
        f"JOIN sessions s ON s.id = t.session_id WHERE {in_week}",
        rng,
    ):
        day = Date.fromisoformat(r["date"])
        key = ("set:" if r["kind"] == "recording" else "") + r["exercise"]
        dw = add(key, day)
        if dw is not None:
            dw.sets.append((r["n_reps"], r["seconds"]))
        name = key_to_id.get(key, r["exercise"])
        wd.total_reps += r["n_reps"] or 0
        if key == "set:hop" or name in hop_ids:
            wd.hop_sets += 1
        if r["load_kg"] is not None:
            wd.max_load_kg[name] = max(wd.max_load_kg.get(name, 0.0), r["load_kg"])
    for r in log.execute(
        f"SELECT s.date, s.exercise, s.minutes, s.flights FROM sessions s "
        f"WHERE {in_week} AND s.kind = 'manual' "
        "AND (s.minutes IS NOT NULL OR s.flights IS NOT NULL)",
        rng,
    ):
        dw = add(r["exercise"], Date.fromisoformat(r["date"]))
        if dw is not None:
            dw.minutes += r["minutes"] or 0.0
            dw.flights += r["flights"] or 0.0
    steps_per_flight = program.checks.stair_steps_per_flight
    for r in log.execute(
        f"SELECT s.date, w.kind, w.start_s, w.end_s, w.steps FROM walking w "
        f"JOIN sessions s ON s.id = w.session_id WHERE {in_week}",
        rng,
    ):
        dw = add("walk:" + r["kind"], Date.fromisoformat(r["date"]))
        if dw is not None:
            dw.minutes += (r["end_s"] - r["start_s"]) / 60.0
            if r["kind"].startswith("stairs"):
                dw.flights += r["steps"] / steps_per_flight
    for r in log.execute(
        f"SELECT s.date, b.stance, b.start_s, b.end_s, b.hold_s FROM balance b "
        f"JOIN sessions s ON s.id = b.session_id WHERE {in_week} AND b.probable_rest = 0",
        rng,
    ):  # a probable rest between two holds is no hold: it counts toward nothing
        dw = add("balance:" + r["stance"], Date.fromisoformat(r["date"]))
        if dw is not None:
            hold = r["hold_s"] if r["hold_s"] is not None else r["end_s"] - r["start_s"]
            dw.sets.append((None, hold))
    high_g = program.checks.high_impact_g
    for r in log.execute(
        f"SELECT t.exercise, r.peak_acc_g, r.impact_s, r.rushed, r.jerky FROM reps r "
        f"JOIN sets t ON t.id = r.set_id JOIN sessions s ON s.id = t.session_id WHERE {in_week}",
        rng,
    ):
        name = key_to_id.get("set:" + r["exercise"], r["exercise"])
        wd.recorded_reps[name] = wd.recorded_reps.get(name, 0) + 1
        if r["impact_s"] is not None:
            wd.impact_rep_peaks_g.append(r["peak_acc_g"])
        if r["rushed"] or r["jerky"]:
            wd.flagged_by_exercise[name] = wd.flagged_by_exercise.get(name, 0) + 1
    wd.high_impacts = sum(1 for g in wd.impact_rep_peaks_g if g >= high_g)
    bins_high = 0
    for r in log.execute(
        f"SELECT b.lower_g, b.upper_g, b.count FROM impact_bins b "
        f"JOIN sessions s ON s.id = b.session_id WHERE {in_week}",
        rng,
    ):
        edges = (r["lower_g"], r["upper_g"])
        wd.impact_bins[edges] = wd.impact_bins.get(edges, 0) + r["count"]
        if r["lower_g"] >= high_g:
            bins_high += r["count"]
    wd.high_impacts = max(wd.high_impacts, bins_high)
    for r in log.execute(
        f"SELECT s.n_impacts, s.osteogenic_index, s.peak_acc_g FROM sessions s "
        f"WHERE {in_week} AND s.kind = 'recording'",
        rng,
    ):
        wd.n_recordings += 1
        wd.n_impacts += r["n_impacts"]
        wd.osteogenic_index += r["osteogenic_index"]
        if r["peak_acc_g"] is not None:
            wd.peak_acc_g = max(wd.peak_acc_g or 0.0, r["peak_acc_g"])
    return wd
