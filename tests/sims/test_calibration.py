"""Measurement helpers of the calibration script, on known answers and on the real jump."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from firmware_sims.calibration import (
    BEGIN,
    END,
    cadence_spm,
    flight_and_landing,
    load_cmj,
    tilt_transition_s,
    update_validation,
)


def test_cadence_of_a_periodic_signal() -> None:
    fs = 50.0
    t = np.arange(0, 20, 1 / fs)
    mag = 1.0 + 0.3 * np.maximum(np.sin(2 * np.pi * 1.8 * t), 0) ** 4
    assert cadence_spm(mag, fs) == pytest.approx(108.0, rel=0.03)


def test_tilt_transition_of_a_known_turn() -> None:
    fs = 100.0
    t = np.arange(0, 6, 1 / fs)
    ang = np.radians(40.0) * np.clip((t - 2.0) / 1.0, 0, 1)  # a 1 s linear turn
    acc = np.stack([np.sin(ang), np.zeros_like(t), np.cos(ang)], -1)
    dur = tilt_transition_s(acc, fs, int(1.5 * fs), int(3.5 * fs))
    assert dur == pytest.approx(0.9, abs=0.1)


def test_update_validation_replaces_only_the_table(tmp_path: Path) -> None:
    p = tmp_path / "v.md"
    p.write_text(f"# V\n## Simulator calibration\n{BEGIN}\nold\n{END}\nkeep\n## Other\nx\n")
    update_validation(p, "| new |\n")
    assert (
        p.read_text()
        == f"# V\n## Simulator calibration\n{BEGIN}\n| new |\n{END}\nkeep\n## Other\nx\n"
    )


@pytest.mark.realdata
def test_real_jump_reading(realdata: Path) -> None:
    t, acc, fs = load_cmj(realdata)
    flight, landing, _ = flight_and_landing(t, np.linalg.norm(acc, axis=1))
    assert fs == pytest.approx(128.0, rel=0.01)
    assert 0.15 < flight < 0.3 and 6.5 < landing < 9.0
