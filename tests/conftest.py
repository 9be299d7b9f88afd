"""Shared fixtures: paths to bundled recordings and (optional) third-party real data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RECORDINGS = ROOT / "recordings"
REALDATA = ROOT.parent / "shared" / "realdata"


@pytest.fixture(scope="session")
def recordings_dir() -> Path:
    return RECORDINGS


@pytest.fixture(scope="session")
def realdata() -> Path:
    """../shared/realdata; tests using it skip cleanly when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip(f"real data folder not present: {REALDATA}")
    return REALDATA
