"""boneimu's tidy CSV: canonical units in plain text, exact to the last bit.

Layout (docs/native-format.md, "Tidy CSV")::

    # boneimu tidy CSV v1
    # source_format: sensor_logger_zip
    # device: Pixel 7
    # conversion: gyroscope linearly interpolated onto the accelerometer time base
    time_ns,acc_x_m_s2,acc_y_m_s2,acc_z_m_s2,gyro_x_rad_s,gyro_y_rad_s,gyro_z_rad_s
    1698501144401773001,0.12,9.79,0.33,0.01,-0.002,0.0

Floats are written in their shortest round-trip form (what Python's ``repr`` gives), so a
file read back holds bit-identical arrays. ``nan`` in the gyroscope columns marks a gyro gap.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from pydantic import TypeAdapter, ValidationError

from boneimu.errors import CorruptFileError
from boneimu.io._common import finish_recording_gyro_rows
from boneimu.io._probe import Probe
from boneimu.io.native import origin_format
from boneimu.recording import Placement, Platform, Recording, ResampleInfo

FORMAT = "boneimu_tidy_csv"
FIRST_LINE = "# boneimu tidy CSV v1"
ACC_COLUMNS = ("acc_x_m_s2", "acc_y_m_s2", "acc_z_m_s2")
GYRO_COLUMNS = ("gyro_x_rad_s", "gyro_y_rad_s", "gyro_z_rad_s")
HEADER_ACC = ",".join(("time_ns", *ACC_COLUMNS))
HEADER_GYRO = ",".join(("time_ns", *ACC_COLUMNS, *GYRO_COLUMNS))

# metadata written as "# key: value" lines, in this order; all optional on reading
_META_KEYS: tuple[str, ...] = (
    "source_format",
    "source_app",
    "source_app_version",
    "platform",
    "platform_version",
    "device",
    "placement",
    "nominal_rate_hz",
    "time_is_absolute",
    "start_time_utc",
    "timezone",
    "acc_range_g",
    "acc_reconstructed",
)
_FLOAT_KEYS = {"nominal_rate_hz", "acc_range_g"}
_BOOL_KEYS = {"time_is_absolute", "acc_reconstructed"}
_LITERAL_KEYS: dict[str, Any] = {"placement": Placement, "platform": Platform}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _comment_lines(rec: Recording) -> list[str]:
    m = rec.meta
    lines = [FIRST_LINE]
    for key in _META_KEYS:
        value = getattr(m, key)
        if key == "source_format":
            value = origin_format(m)
        if value is None:
            continue
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, float):
            value = repr(value)
        lines.append(f"# {key}: {_one_line(value)}")
    lines += [f"# conversion: {_one_line(c)}" for c in m.conversions]
    if m.resampled is not None:
        lines.append(f"# resampled: {m.resampled.model_dump_json()}")
    extra = {k: v for k, v in m.extra.items() if k != "recorded_from"}
    lines += [f"# extra.{_one_line(k)}: {_one_line(v)}" for k, v in extra.items()]
    return lines


def write_tidy_csv(rec: Recording, path: str | Path) -> Path:
    """Write ``rec`` as tidy CSV (metadata comments, canonical columns, exact floats)."""
    out = Path(path)
    cols: dict[str, Any] = {"time_ns": pa.array(rec.time_ns)}
    for k, name in enumerate(ACC_COLUMNS):
        cols[name] = pa.array(rec.acc_m_s2[:, k])
    if rec.gyro_rad_s is not None:
        for k, name in enumerate(GYRO_COLUMNS):
            cols[name] = pa.array(rec.gyro_rad_s[:, k])
    table = pa.table(cols)
    header = HEADER_GYRO if rec.gyro_rad_s is not None else HEADER_ACC
    with open(out, "wb") as fh:
        fh.write(("\n".join([*_comment_lines(rec), header]) + "\n").encode("utf-8"))
        pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=False))
    return out


def _split_head(text: str) -> tuple[list[str], str | None]:
    """Comment lines and the first non-comment line of ``text``."""
    comments: list[str] = []
    for line in text.splitlines():
        if line.startswith("#"):
            comments.append(line)
        else:
            return comments, line.strip()
    return comments, None


def sniff(probe: Probe) -> bool:
    """Our first comment line, or (comments stripped) exactly our column header."""
    if probe.kind != "file":
        return False
    comments, header = _split_head(probe.head)
    return header in (HEADER_ACC, HEADER_GYRO) or (bool(comments) and comments[0] == FIRST_LINE)


def _parse_meta(
    path: Path, comments: list[str]
) -> tuple[dict[str, Any], list[str], dict[str, str]]:
    fields: dict[str, Any] = {}
    conversions: list[str] = []
    extra: dict[str, str] = {}
    for line in comments:
        key, sep, value = line[1:].strip().partition(":")
        key, value = key.strip(), value.strip()
        if not sep:
            continue
        try:
            if key == "conversion":
                conversions.append(value)
            elif key == "resampled":
                fields["resampled"] = ResampleInfo.model_validate_json(value)
            elif key.startswith("extra."):
                extra[key[len("extra.") :]] = value
            elif key in _FLOAT_KEYS:
                fields[key] = float(value)
            elif key in _BOOL_KEYS:
                fields[key] = TypeAdapter(bool).validate_python(value)
            elif key == "start_time_utc":
                fields[key] = datetime.fromisoformat(value)
            elif key in _LITERAL_KEYS:
                fields[key] = TypeAdapter(_LITERAL_KEYS[key]).validate_python(value)
            elif key in _META_KEYS:
                fields[key] = value
        except (ValueError, ValidationError, json.JSONDecodeError):
            raise CorruptFileError(path, f"bad metadata line {line[:60]!r}") from None
    return fields, conversions, extra


def _numpy(table: pa.Table, name: str) -> np.ndarray:
    # Array.to_numpy, not ChunkedArray.to_numpy: the latter imports pandas (slow CLI start)
    return table.column(name).combine_chunks().to_numpy(zero_copy_only=False)


def read(path: str | Path) -> Recording:
    """Read a tidy CSV written by :func:`write_tidy_csv` (or by hand in the same layout)."""
    p = Path(path)
    try:
        with open(p, "rb") as fh:
            head = fh.read(65536).decode("utf-8", errors="replace")
    except OSError as exc:
        raise CorruptFileError(p, f"cannot read ({exc.strerror or exc})") from None
    comments, header = _split_head(head)
    if header is None:
        raise CorruptFileError(p, "no column header line (file empty or only comments)")
    if header not in (HEADER_ACC, HEADER_GYRO):
        raise CorruptFileError(p, f"column header must be {HEADER_ACC!r}[,gyro_*_rad_s]")
    names = header.split(",")
    types = {n: (pa.int64() if n == "time_ns" else pa.float64()) for n in names}
    try:
        table = pacsv.read_csv(
            p,
            read_options=pacsv.ReadOptions(skip_rows=len(comments) + 1, column_names=names),
            parse_options=pacsv.ParseOptions(ignore_empty_lines=True),
            convert_options=pacsv.ConvertOptions(
                column_types=types,
                null_values=[""],
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, OSError) as exc:
        raise CorruptFileError(p, f"unparsable data ({_one_line(str(exc))[:160]})") from None
    if any(table.column(n).null_count for n in names):
        raise CorruptFileError(p, "empty cell in the data")
    fields, conversions, extra = _parse_meta(p, comments)
    source = fields.pop("source_format", None)
    if source:
        extra["recorded_from"] = source
    acc = np.column_stack([_numpy(table, c) for c in ACC_COLUMNS])
    gyro = None
    if header == HEADER_GYRO:
        gyro = np.column_stack([_numpy(table, c) for c in GYRO_COLUMNS])
    return finish_recording_gyro_rows(
        p,
        time_ns=_numpy(table, "time_ns").astype(np.int64, copy=False),
        acc_m_s2=acc,
        gyro_rad_s=gyro,
        source_format=FORMAT,
        conversions=conversions,
        extra=extra,
        **fields,
    )
