"""Shared small simulated sessions (built once per test session; each takes well under 1 s)."""

from __future__ import annotations

import pytest

from firmware_sims import SimSession, simulate_session

SHORT = "heel_drop:1x4, hop:1x4, sit_to_stand:1x3, tandem:20s, walk:30s"


@pytest.fixture(scope="session")
def short_sim() -> SimSession:
    return simulate_session(SHORT, placement="waist", seed=11)


@pytest.fixture(scope="session")
def ideal_sims() -> dict[str, SimSession]:
    """The same short program at every placement with an error-free sensor."""
    return {
        p: simulate_session(SHORT, placement=p, seed=12, phone="ideal")
        for p in ("waist", "lower_back", "thigh", "chest")
    }
