"""boneimu: bone-loading exercise from phone and BLE IMU recordings.

Data flow: ``io`` (readers -> :class:`Recording`) -> ``signal`` (pure array DSP) ->
``detect`` (segmentation, reps) -> ``metrics`` (impact, smoothness, sway, power) ->
``dose`` (log, targets, checks) and ``report``; ``ble`` and ``cli`` at the edges.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__version__ = "0.1.0"

from boneimu.errors import BoneimuError, RecordingError
from boneimu.recording import Recording, RecordingMeta


def read_recording(path: str | Path, **options: Any) -> Recording:
    """Read any supported recording (see :func:`boneimu.io.read_recording`)."""
    from boneimu.io import read_recording as _read

    return _read(path, **options)


__all__ = ["BoneimuError", "Recording", "RecordingError", "RecordingMeta", "read_recording"]
