"""One exception root for boneimu; every error names what it is about.

The CLI turns any :class:`BoneimuError` into one line on stderr and exit code 2.
"""

from __future__ import annotations

from pathlib import Path


class BoneimuError(Exception):
    """Root of every error boneimu raises on purpose."""


class RecordingError(BoneimuError):
    """A recording could not be read. ``str(err)`` is one line naming the file and the problem."""

    def __init__(self, path: str | Path | None, problem: str) -> None:
        self.path = None if path is None else str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}" if self.path else problem)


class UnsupportedFormatError(RecordingError):
    """The file is not in any format boneimu reads (or is one it deliberately refuses)."""


class CorruptFileError(RecordingError):
    """The file is empty, truncated, unparsable or holds invalid values."""


class UnsafeArchiveError(RecordingError):
    """A zip archive that must not be extracted (zip bomb, path outside the archive)."""


class TimestampError(RecordingError):
    """Timestamps go backwards or cannot be interpreted."""


class RecordingTooShortError(RecordingError):
    """Too few samples or too short a duration to measure or analyse."""


class MissingChannelError(RecordingError):
    """A channel the operation needs (e.g. gyroscope) is absent."""


class ConfigError(BoneimuError):
    """Invalid options, program file or other configuration."""


class AnalysisError(BoneimuError):
    """An analysis step cannot run on this input (e.g. sample rate too low)."""


class DoseLogError(BoneimuError):
    """The dose log database cannot be opened, migrated or written."""


class BleError(BoneimuError):
    """A BLE device or protocol problem (connection, malformed frame, error status)."""
