"""Accuracy on the bundled labelled recordings (recordings/) must not drop below the figures
published in docs/validation.md ("Rep counting and impact loading"). Regenerate those figures
with benchmarks/validate_all.py and update FLOORS in the same change, never silently."""

from __future__ import annotations

from pathlib import Path

import pytest

from boneimu.detect.validate import validate_dir

# exercise -> (min rep F1, min % sets within ±1, max median peak-g error %); published values
# (docs/validation.md) minus a small allowance for floating-point and library drift
FLOORS: dict[str, tuple[float, float, float | None]] = {
    "heel_drop": (0.89, 80.0, 2.0),
    "hop": (0.98, 100.0, 11.0),
    "sit_to_stand": (0.91, 80.0, None),
}


def test_bundled_recordings_accuracy(recordings_dir: Path) -> None:
    if not any(recordings_dir.glob("*.labels.json")):
        pytest.skip("no labelled recordings bundled yet")
    rep = validate_dir(recordings_dir).to_dict()
    ex = rep["exercises"]
    assert isinstance(ex, dict)
    for name, (f1_min, within_min, peak_max) in FLOORS.items():
        s = ex[name]
        assert s["f1"] is not None and s["f1"] >= f1_min, (name, s)
        assert s["sets_within_1_pct"] >= within_min, (name, s)
        if peak_max is not None:
            assert s["peak_g_error_median_pct"] <= peak_max, (name, s)
