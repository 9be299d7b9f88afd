"""Shared report fixtures: one simulated session and one logged week, each built once."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from report_cases import SessionCase

from boneimu.analysis import analyze_recording
from boneimu.dose.week import WeekReport
from boneimu.recording import Recording
from boneimu.report import Report, session_report, week_report_page
from boneimu.results import AnalysisResult, Flag

PROGRAM = "stand:5s, heel_drop:1x10, stand:8s, hop:1x8, sit_to_stand:1x6, tandem:1x20s, walk:40s"
W47 = date(2026, 11, 16)


def _flag(result: AnalysisResult, reason: str) -> int:
    """Give rep 3 of the first set with 3+ reps a known flag (replacing any detector flag)."""
    k, s = next((k, s) for k, s in enumerate(result.sets, 1) if len(s.reps) >= 3)
    s.reps[2].flags = [Flag(name="rushed", reason=reason, value=0.31, threshold=0.45)]
    return k


@pytest.fixture(scope="session")
def sim_session() -> tuple[Recording, AnalysisResult]:
    from firmware_sims.session import simulate_session

    sim = simulate_session(PROGRAM, seed=11)
    return sim.recording, analyze_recording(sim.recording, body_mass_kg=66.0)


@pytest.fixture(scope="session")
def session_case(sim_session: tuple[Recording, AnalysisResult]) -> SessionCase:
    rec, result = sim_session
    result = result.model_copy(deep=True)
    reason = "drop 0.31 s vs your usual 0.62 s <fast>"
    k = _flag(result, reason)
    return SessionCase(rec, result, session_report(rec, result, height_m=1.64), reason, k)


@pytest.fixture(scope="session")
def week_case(
    sim_session: tuple[Recording, AnalysisResult], tmp_path_factory: pytest.TempPathFactory
) -> WeekReport:
    from boneimu.dose.models import ManualEntry, ProfileIn
    from boneimu.dose.program import load_program
    from boneimu.dose.store import DoseLog
    from boneimu.dose.week import week_report

    _, result = sim_session
    path = tmp_path_factory.mktemp("dose") / "dose.sqlite3"
    with DoseLog(path) as db:
        db.add_profile(ProfileIn(name="ann", body_mass_kg=66, medical_clearance=True))
        n = 0
        for w, days in ((1, (0, 3)), (2, (1,)), (3, (0, 2, 4)), (4, (2,))):
            for d in days:
                n += 1
                db.add_analysis(
                    "ann", result, content_hash=f"h{n}", date=W47 - timedelta(weeks=w, days=-d)
                )
        for d in (0, 1, 2, 4, 5):
            n += 1
            db.add_analysis("ann", result, content_hash=f"h{n}", date=W47 + timedelta(days=d))
        for d in (0, 3):  # 3x10 on two days: the band row target is met
            db.add_manual(
                "ann",
                ManualEntry(date=W47 + timedelta(days=d), exercise="band_row", sets=3, reps=10),
            )
        db.add_manual(
            "ann", ManualEntry(date=W47 + timedelta(days=6), exercise="bridge", sets=1, reps=6)
        )
        return week_report(db, "ann", W47, load_program(None))


@pytest.fixture(scope="session")
def week_doc(week_case: WeekReport) -> Report:
    return week_report_page(week_case)


@pytest.fixture(scope="session")
def written(
    session_case: SessionCase, week_doc: Report, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports")
    session_case.report.write(out / "session.html", png_dir=out / "png")
    week_doc.write(out / "week.html")
    return {"session": out / "session.html", "week": out / "week.html", "png": out / "png"}
