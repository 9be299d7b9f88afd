"""Writers: a simulated session in the formats boneimu reads, plus its labels JSON.

Formats: ``sensor_logger_android`` (zip), ``sensor_logger_ios`` (folder, iOS signs),
``phyphox_zip`` (comma CSV + meta/), ``phyphox_csv_semicolon`` (bare CSV, decimal comma),
``native`` (boneimu's .bimu via :func:`boneimu.io.native.write_recording`).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from boneimu.errors import ConfigError
from boneimu.labels import save_labels
from firmware_sims.writers.phyphox import write_phyphox_csv_semicolon, write_phyphox_zip
from firmware_sims.writers.sensor_logger import write_android_zip, write_ios_folder

if TYPE_CHECKING:
    from firmware_sims.session import SimSession


def _native(sim: SimSession, path: Path) -> Path:
    from boneimu.io.native import write_recording

    path.parent.mkdir(parents=True, exist_ok=True)
    return write_recording(sim.recording, path)


WRITERS: dict[str, tuple[str, Callable[[SimSession, Path], Path]]] = {
    "sensor_logger_android": (".zip", write_android_zip),
    "sensor_logger_ios": ("", write_ios_folder),
    "phyphox_zip": (".zip", write_phyphox_zip),
    "phyphox_csv_semicolon": (".csv", write_phyphox_csv_semicolon),
    "native": (".bimu", _native),
}
FORMATS: tuple[str, ...] = tuple(WRITERS)


def write_session(
    sim: SimSession,
    out_dir: str | Path,
    *,
    fmt: str = "sensor_logger_android",
    stem: str | None = None,
) -> Path:
    """Write ``sim`` as ``<out_dir>/<stem><ext>`` plus ``<stem>.labels.json``; returns the path."""
    if fmt not in WRITERS:
        raise ConfigError(f"unknown output format {fmt!r}; known: {', '.join(FORMATS)}")
    ext, fn = WRITERS[fmt]
    stem = stem or f"sim_{sim.placement}_seed{sim.seed}_{fmt}"
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = fn(sim, out / f"{stem}{ext}")
    labels = sim.labels.model_copy(update={"recording": path.name})
    save_labels(labels, out / f"{stem}.labels.json")
    return path


__all__ = ["FORMATS", "WRITERS", "write_session"]
