"""Types shared by the report tests (kept out of conftest.py so tests can import them)."""

from __future__ import annotations

from dataclasses import dataclass

from boneimu.recording import Recording
from boneimu.report import Report
from boneimu.results import AnalysisResult


@dataclass
class SessionCase:
    rec: Recording
    result: AnalysisResult
    report: Report
    flagged_reason: str
    flagged_set_no: int
    """The flagged rep is rep 3 of this set (1-based)."""
