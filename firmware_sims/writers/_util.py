"""Deterministic zip archives and fast CSV text for the writers."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
from numpy.typing import NDArray

FIXED_ZIP_TIME = (2026, 1, 1, 0, 0, 0)
"""Every zip member gets this timestamp so archives are bit-for-bit reproducible."""


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> Path:
    """Write ``members`` (name, bytes) in order with fixed timestamps and permissions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            zf.writestr(info, data, compresslevel=6)
    return path


def csv_text(columns: Mapping[str, NDArray[Any]], *, float_format: str, sep: str = ",") -> str:
    """CSV with a plain header line; int columns as integers, floats with ``float_format``."""
    df = pd.DataFrame(columns)
    return df.to_csv(index=False, sep=sep, float_format=float_format, lineterminator="\n")


_EXP = re.compile(r"E\+?(-?)0*(\d+)")


def java_exponent(text: str) -> str:
    """``9.364549000E-03`` → ``9.364549000E-3`` and ``1.0E+00`` → ``1.0E0`` (Java style)."""
    return _EXP.sub(r"E\1\2", text)
