"""Rows written for a session: the SQL behind :class:`boneimu.dose.store.DoseLog` writes."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from boneimu.dose.models import ManualEntry, ProfileIn
from boneimu.results import AnalysisResult


def now_utc() -> str:
    return datetime.now(UTC).isoformat()


def profile_values(p: ProfileIn) -> tuple[Any, ...]:
    return (
        p.name,
        p.body_mass_kg,
        p.height_m,
        p.date_of_birth.isoformat() if p.date_of_birth else None,
        p.age_band,
        int(p.osteopenia),
        int(p.osteoporosis),
        int(p.vertebral_fracture),
        int(p.medical_clearance),
        p.program,
    )


def manual_values(e: ManualEntry) -> tuple[Any, ...]:
    n_sets = e.sets or 0
    return (
        e.date.isoformat(),
        e.exercise,
        e.minutes,
        e.flights,
        e.notes,
        n_sets,
        n_sets * (e.reps or 0),
    )


def insert_manual_sets(c: sqlite3.Connection, sid: int, e: ManualEntry) -> None:
    c.executemany(
        "INSERT INTO sets (session_id, idx, exercise, n_reps, load_kg, seconds) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(sid, i, e.exercise, e.reps, e.load_kg, e.seconds) for i in range(e.sets or 0)],
    )


def insert_children(c: sqlite3.Connection, sid: Any, result: AnalysisResult) -> None:
    for i, s in enumerate(result.sets):
        set_id = c.execute(
            "INSERT INTO sets (session_id, idx, exercise, start_s, end_s, n_reps, seconds) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (sid, i, s.exercise, s.start_s, s.end_s, len(s.reps), s.end_s - s.start_s),
        ).lastrowid
        for j, r in enumerate(s.reps):
            names = {f.name for f in r.flags}
            rep_id = c.execute(
                "INSERT INTO reps (set_id, idx, start_s, end_s, impact_s, peak_acc_g, duration_s, "
                "clipped, peak_grf_bw, peak_grf_n, ldlj_a, sparc, rushed, jerky, phases_json) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    set_id,
                    j,
                    r.start_s,
                    r.end_s,
                    r.impact_s,
                    r.peak_acc_g,
                    r.duration_s,
                    int(r.clipped),
                    r.peak_grf_bw,
                    r.peak_grf_n,
                    r.ldlj_a,
                    r.sparc,
                    int("rushed" in names),
                    int("jerky" in names),
                    json.dumps(r.phases_s),
                ),
            ).lastrowid
            c.executemany(
                "INSERT INTO flags (rep_id, name, reason, value, threshold) VALUES (?, ?, ?, ?, ?)",
                [(rep_id, f.name, f.reason, f.value, f.threshold) for f in r.flags],
            )
    c.executemany(
        "INSERT INTO impact_bins (session_id, lower_g, upper_g, count) VALUES (?, ?, ?, ?)",
        [(sid, b.lower_g, b.upper_g, b.count) for b in result.dose.impact_bins],
    )
    c.executemany(
        "INSERT INTO balance (session_id, start_s, end_s, stance, sway_score, hold_s, "
        "probable_rest) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (sid, b.start_s, b.end_s, b.stance, b.sway_score, b.hold_s, int(b.probable_rest))
            for b in result.balance
        ],
    )
    c.executemany(
        "INSERT INTO walking (session_id, start_s, end_s, kind, steps, cadence_spm) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(sid, w.start_s, w.end_s, w.kind, w.steps, w.cadence_spm) for w in result.walking],
    )
