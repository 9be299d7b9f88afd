"""A fresh dose log per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from boneimu.dose.store import DoseLog


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "log" / "dose.sqlite3"


@pytest.fixture
def db(db_path: Path) -> Iterator[DoseLog]:
    with DoseLog(db_path) as log:
        yield log
