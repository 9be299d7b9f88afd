"""Readers and writers. ``read_recording(path)`` sniffs the content and picks the reader.

Each reader module exposes ``FORMAT`` (its name), ``sniff(probe) -> bool`` and
``read(path, **options) -> Recording``. Registration order below is sniffing order.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any

from boneimu.errors import CorruptFileError, UnsupportedFormatError
from boneimu.io._common import finish_recording
from boneimu.io._probe import Probe, probe_path
from boneimu.recording import Recording

# Reader modules in sniffing order (most specific first). The generic CSV reader is chosen
# only explicitly (``fmt="generic_csv"``) or when its options are given.
READER_MODULES: tuple[str, ...] = (
    "boneimu.io.native",
    "boneimu.io.sensor_logger",
    "boneimu.io.phyphox",
    "boneimu.io.sensorlog",
    "boneimu.io.actigraph",
    "boneimu.io.tidy_csv",
)


def _readers() -> list[ModuleType]:
    mods = []
    for name in READER_MODULES:
        try:
            mods.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:  # a reader not written yet must not break the others
            if exc.name != name:
                raise
    return mods


def reader_formats() -> list[str]:
    return [m.FORMAT for m in _readers()] + ["generic_csv"]


def detect_format(path: str | Path) -> str:
    """Name of the reader that will read ``path``; raises UnsupportedFormatError."""
    return _pick(probe_path(path)).FORMAT


def _pick(probe: Probe) -> ModuleType:
    for mod in _readers():
        if mod.sniff(probe):
            return mod
    raise UnsupportedFormatError(probe.path, probe.describe_unsupported())


def read_recording(path: str | Path, *, fmt: str | None = None, **options: Any) -> Recording:
    """Read any supported recording into canonical units.

    ``fmt`` forces a reader by name; ``generic_csv`` requires its column options
    (see :func:`boneimu.io.generic_csv.read`).
    """
    p = Path(path)
    if not p.exists():
        raise CorruptFileError(p, "no such file or directory")
    if fmt == "generic_csv" or (fmt is None and options):
        generic_csv = importlib.import_module("boneimu.io.generic_csv")
        rec: Recording = generic_csv.read(p, **options)
        return rec
    if fmt is not None:
        for mod in _readers():
            if fmt == mod.FORMAT:
                return mod.read(p)
        raise UnsupportedFormatError(p, f"unknown format {fmt!r}; known: {reader_formats()}")
    return _pick(probe_path(p)).read(p)


__all__ = ["Probe", "detect_format", "finish_recording", "read_recording", "reader_formats"]
