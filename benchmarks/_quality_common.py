"""Shared pieces of the issue-5 validation scripts (validate_quality, validate_sts,
validate_balance): the simulated programs, placements and the rep matching."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from boneimu.detect.events import Rep  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata"
PLACEMENTS = ("waist", "lower_back", "chest")
REP_PROGRAM = (
    "heel_drop:2x12@rushed=0.25,jerky=0.2, sit_to_stand:1x10@rushed=0.2,jerky=0.2, "
    "hop:2x12@rushed=0.25,jerky=0.2"
)
BAL_PROGRAM = (
    "two_leg:1x30s, tandem:1x30s, single_leg:1x30s, two_leg:1x30s@eyes=closed, "
    "tandem:1x30s@eyes=closed"
)


def seed_range(text: str) -> range:
    """``"300:312"`` -> range(300, 312)."""
    a, b = (int(x) for x in text.split(":"))
    return range(a, b)


def hapt_module():  # type: ignore[no-untyped-def]
    """tests/detect/_hapt.py (the HAPT loader the tests use)."""
    sys.path.insert(0, str(ROOT / "tests" / "detect"))
    import _hapt  # type: ignore[import-not-found]

    return _hapt


def label_reps(s) -> list[Rep]:  # type: ignore[no-untyped-def]
    """Labelled reps as detector-style reps (sit-to-stand: the rise, as the detector gives)."""
    out = []
    for r in s.reps:
        if s.exercise == "sit_to_stand":
            a = r.start_s + r.phases_s["flexion"]
            out.append(Rep("sit_to_stand", a, a + r.phases_s["rise"], 1.0))
        else:
            out.append(Rep(s.exercise, r.start_s, r.end_s, 1.0, impact_s=r.impact_s))
    return out


def match_rep(lab, det: list, exercise: str):  # type: ignore[no-untyped-def]
    """The detected rep that is this labelled rep: heel drops and hops by the impact (nearest
    within 0.15 s), sit-to-stands by the rise (the detected rep overlapping the labelled rise
    most). One detected rep per labelled rep; None when the rep was not detected."""
    if exercise != "sit_to_stand" and lab.impact_s is not None:
        cand = [r for r in det if r.impact_s is not None and abs(r.impact_s - lab.impact_s) <= 0.15]
        return min(cand, key=lambda r: abs(r.impact_s - lab.impact_s)) if cand else None
    a = lab.start_s + lab.phases_s.get("flexion", 0.0)
    b = a + lab.phases_s.get("rise", lab.end_s - lab.start_s)
    over = [(min(b, r.end_s) - max(a, r.start_s), r) for r in det]
    over = [(o, r) for o, r in over if o > 0]
    return max(over, key=lambda x: x[0])[1] if over else None
