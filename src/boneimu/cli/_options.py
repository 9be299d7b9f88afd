"""Option bundles shared by the sub-commands, so the same flag means the same thing everywhere.

- ``recording_argument``: the ``PATH`` of a recording (file, zip or folder). Existence is
  checked by the reader, so a missing file is one clear error line like every other bad input.
- ``json_flag``: ``--json`` (stored as ``as_json``): machine-readable output on stdout.
- ``reader_options``: ``--format NAME`` plus the generic-CSV column options (from
  :mod:`boneimu.io.generic_csv` when that reader is installed); pair with
  :func:`load_recording`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import click

from boneimu.errors import ConfigError
from boneimu.io import read_recording
from boneimu.recording import Recording

F = TypeVar("F", bound=Callable[..., Any])

recording_argument = click.argument(
    "path", metavar="PATH", type=click.Path(path_type=Path, dir_okay=True)
)
json_flag = click.option(
    "--json", "as_json", is_flag=True, help="Print a JSON document instead of text."
)
format_option = click.option(
    "--format",
    "fmt",
    metavar="NAME",
    default=None,
    help="Reader to use instead of detecting it from the content: phyphox, sensor_logger, "
    "sensorlog, actigraph_csv, boneimu_native, boneimu_tidy_csv or generic_csv.",
)


def _generic_csv() -> ModuleType | None:
    """The generic CSV reader module, if it is installed and exposes its CLI bundle."""
    try:
        mod = importlib.import_module("boneimu.io.generic_csv")
    except ModuleNotFoundError as exc:
        if exc.name == "boneimu.io.generic_csv":
            return None
        raise
    if hasattr(mod, "generic_csv_options") and hasattr(mod, "options_from_cli"):
        return mod
    return None


def reader_options(f: F) -> F:
    """``--format`` plus the generic CSV reader's options (collected into ``**reader_kwargs``)."""
    mod = _generic_csv()
    if mod is not None:
        f = mod.generic_csv_options(f)
    return format_option(f)


def load_recording(path: Path, fmt: str | None, reader_kwargs: dict[str, Any]) -> Recording:
    """Read ``path`` with the reader options a command received from :func:`reader_options`."""
    options: dict[str, Any] | None = None
    mod = _generic_csv()
    if mod is not None and reader_kwargs:
        options = mod.options_from_cli(**reader_kwargs)
    if options:
        if fmt not in (None, "generic_csv"):
            raise ConfigError(
                f"{path}: generic CSV column options only apply with --format generic_csv"
            )
        return read_recording(path, fmt="generic_csv", **options)
    return read_recording(path, fmt=fmt)
