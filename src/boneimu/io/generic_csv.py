"""Any delimited-text IMU file, described by options (lab exports, datasets, loggers).

Nothing is guessed: the acceleration unit, the time unit and the sign convention are given
by the caller (:class:`GenericCsvOptions`); a file without a time column needs ``rate_hz``.
Handles gzip-compressed text, whitespace-separated files without a header (``header=False``;
columns are then called ``"0"``, ``"1"``, ...) and a gyroscope in a separate file
(``gyro_file``). See docs/formats/generic-csv.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PositiveFloat,
    ValidationError,
    field_validator,
    model_validator,
)

from boneimu.errors import ConfigError, CorruptFileError
from boneimu.io._common import finish_recording
from boneimu.io._csv import (
    DELIMITERS,
    CsvLayout,
    find_columns,
    float_matrix,
    head_lines,
    header_names,
    read_bytes,
    read_table,
    sniff_delimiter,
)
from boneimu.io._times import ns_to_datetime, scaled_to_ns
from boneimu.recording import Recording
from boneimu.units import NS_PER_S, STANDARD_GRAVITY_M_S2, TIME_UNIT_TO_NS, UNIX_EPOCH_TO_2000_S

FORMAT = "generic_csv"
TimeUnit = Literal["s", "ms", "us", "ns", "iso"]


class GenericCsvOptions(BaseModel):
    """How to read a delimited-text IMU file. Validated at the public entry."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    acc_cols: tuple[str, str, str] = Field(description="x, y, z acceleration column names")
    acc_unit: Literal["g", "m/s2"]
    time_col: str | None = Field(default=None, description="None: no time column (rate_hz)")
    time_unit: TimeUnit | None = None
    gyro_cols: tuple[str, str, str] | None = None
    gyro_unit: Literal["deg/s", "rad/s"] | None = None
    gyro_file: Path | None = Field(default=None, description="gyroscope in its own file")
    sep: str | None = Field(default=None, description="None: sniffed; ' ' = runs of spaces")
    decimal: Literal[".", ","] = "."
    skiprows: int = Field(default=0, ge=0)
    header: bool = True
    sign: Literal["android", "ios"] = "android"
    rate_hz: PositiveFloat | None = None
    start_time: AwareDatetime | None = Field(
        default=None, description="wall-clock time of the first sample"
    )
    timezone: str | None = Field(default=None, description="IANA zone of naive ISO times")

    @field_validator("acc_cols", "gyro_cols", mode="before")
    @classmethod
    def _split(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = [s.strip() for s in v.split(",")]
        if isinstance(v, list | tuple):
            return tuple(str(s) for s in v)
        return v

    @field_validator("time_col", mode="before")
    @classmethod
    def _col_str(cls, v: Any) -> Any:
        return str(v) if isinstance(v, int) else v

    @field_validator("sep")
    @classmethod
    def _sep(cls, v: str | None) -> str | None:
        aliases = {"tab": "\t", "\\t": "\t", "space": " ", "comma": ",", "semicolon": ";"}
        v = aliases.get(v, v) if v is not None else None
        if v is not None and len(v) != 1:
            raise ValueError("sep must be one character (or tab/space/comma/semicolon)")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                ZoneInfo(v)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {v!r} (use an IANA name)") from None
        return v

    @model_validator(mode="after")
    def _consistent(self) -> GenericCsvOptions:
        if self.time_col is None and self.rate_hz is None:
            raise ValueError("a file without a time column (time_col=None) needs rate_hz")
        if self.time_col is not None and self.time_unit is None:
            raise ValueError("time_col needs time_unit (s, ms, us, ns or iso)")
        if self.gyro_cols is not None and self.gyro_unit is None:
            raise ValueError("gyro_cols needs gyro_unit (deg/s or rad/s)")
        if self.gyro_file is not None and self.gyro_cols is None:
            raise ValueError("gyro_file needs gyro_cols")
        if self.decimal == "," and self.sep == ",":
            raise ValueError("decimal comma needs a separator other than a comma")
        return self


def parse_options(path: str | Path | None = None, **options: Any) -> GenericCsvOptions:
    try:
        return GenericCsvOptions(**options)
    except ValidationError as exc:
        msgs = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'options'}: {e['msg']}" for e in exc.errors()
        )
        where = f"{path}: " if path is not None else ""
        raise ConfigError(f"{where}generic CSV options: {msgs}") from None


def read(path: str | Path, **options: Any) -> Recording:
    """Read a delimited-text IMU file described by :class:`GenericCsvOptions` fields."""
    p = Path(path)
    opts = parse_options(p, **options)
    return read_with(p, opts)


@dataclass
class ParsedCsv:
    """What a generic CSV holds, in canonical units, before :func:`finish_recording` checks."""

    time_ns: NDArray[np.int64]
    acc_m_s2: NDArray[np.float64]
    gyro_rad_s: NDArray[np.float64] | None
    gyro_time_ns: NDArray[np.int64] | None
    time_is_absolute: bool
    timezone: str | None
    conversions: list[str]


def parse(p: Path, opts: GenericCsvOptions) -> ParsedCsv:
    """Parse and convert units (no validation of time order, duration or NaN rows)."""
    conversions: list[str] = []
    same_file_gyro = opts.gyro_cols is not None and opts.gyro_file is None
    groups = [opts.acc_cols, *([opts.gyro_cols] if same_file_gyro and opts.gyro_cols else [])]
    part = _read_file(p, opts, groups, conversions)
    acc = part.values[0]
    if opts.acc_unit == "g":
        acc *= STANDARD_GRAVITY_M_S2
        conversions.append(f"g -> m/s² (x {STANDARD_GRAVITY_M_S2})")
    if opts.sign == "ios":
        np.negative(acc, out=acc)
        conversions.append("iOS sign flipped to Android")
    gyro = gyro_t = None
    if opts.gyro_cols is not None:
        if opts.gyro_file is not None:
            gpart = _read_file(opts.gyro_file, opts, [opts.gyro_cols], [])
            gyro_t, gyro = gpart.time_ns, gpart.values[0]
        else:
            gyro = part.values[1]
        if opts.gyro_unit == "deg/s":
            gyro *= np.pi / 180.0
            conversions.append("gyroscope deg/s -> rad/s")
    return ParsedCsv(part.time_ns, acc, gyro, gyro_t, part.absolute, part.tz, conversions)


def read_with(
    p: Path,
    opts: GenericCsvOptions,
    *,
    source_format: str = FORMAT,
    **meta_fields: Any,
) -> Recording:
    """Read with validated options; ``meta_fields`` go to the recording's metadata."""
    parsed = parse(p, opts)
    conversions = [*meta_fields.pop("conversions", []), *parsed.conversions]
    t_ns = parsed.time_ns
    meta_fields.setdefault("nominal_rate_hz", opts.rate_hz)
    meta_fields.setdefault("time_is_absolute", parsed.time_is_absolute)
    start = ns_to_datetime(int(t_ns[0])) if parsed.time_is_absolute else None
    meta_fields.setdefault("start_time_utc", start)
    meta_fields.setdefault("timezone", parsed.timezone)
    return finish_recording(
        p,
        time_ns=t_ns,
        acc_m_s2=parsed.acc_m_s2,
        gyro_rad_s=parsed.gyro_rad_s,
        gyro_time_ns=parsed.gyro_time_ns,
        source_format=source_format,
        conversions=conversions,
        **meta_fields,
    )


def _layout(p: Path, opts: GenericCsvOptions) -> CsvLayout:
    sep = opts.sep
    if sep is None:
        lines = head_lines(read_bytes(p, limit=1 << 16), opts.skiprows + 6)[opts.skiprows :]
        if not any(ln.strip() for ln in lines):
            raise CorruptFileError(p, "file is empty")
        candidates = [d for d in DELIMITERS if not (opts.decimal == "," and d == ",")]
        sep = sniff_delimiter(lines, candidates)
    return CsvLayout(
        delimiter=sep, decimal=opts.decimal, skip_rows=opts.skiprows, header=opts.header
    )


@dataclass
class _Part:
    time_ns: NDArray[np.int64]
    values: list[NDArray[np.float64]]
    absolute: bool
    tz: str | None


def _read_file(
    p: Path,
    opts: GenericCsvOptions,
    groups: list[tuple[str, str, str]],
    conversions: list[str],
) -> _Part:
    """Time and each group of 3 value columns from one file, in one parse."""
    layout = _layout(p, opts)
    names = header_names(p, path=p, layout=layout)
    found = [
        find_columns(names, list(g), path=p, what="acceleration" if i == 0 else "gyroscope")
        for i, g in enumerate(groups)
    ]
    value_cols = [c for f in found for c in f]
    time_col = None
    if opts.time_col is not None:
        time_col = find_columns(names, [opts.time_col], path=p, what="time")[0]
    wanted = list(dict.fromkeys([*value_cols, *([time_col] if time_col else [])]))
    iso = [time_col] if time_col and opts.time_unit == "iso" else []
    table = read_table(
        p,
        path=p,
        layout=layout,
        columns=wanted,
        infer_columns=[time_col] if time_col and not iso else [],
        timestamp_columns=iso,
    )
    n = table.num_rows
    if n == 0:
        raise CorruptFileError(p, "no data rows")
    values = [float_matrix(table, f) for f in found]
    tz: str | None = None
    if time_col is None:
        assert opts.rate_hz is not None
        t_ns = np.rint(np.arange(n, dtype=np.float64) * (NS_PER_S / opts.rate_hz)).astype(np.int64)
        conversions.append(f"time = sample index / {opts.rate_hz:g} Hz (no time column)")
        absolute = False
    else:
        t_ns, absolute, tz = _time_ns(p, table.column(time_col), opts, conversions)
    if opts.start_time is not None:
        start = opts.start_time.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
        start_ns = (start.days * 86_400 + start.seconds) * NS_PER_S + start.microseconds * 1000
        t_ns = t_ns - t_ns[0] + start_ns
        absolute = True
        tz = tz or str(opts.start_time.tzinfo)
        conversions.append("time anchored at the given start_time")
    return _Part(t_ns, values, absolute, tz)


def _time_ns(
    p: Path, col: pa.ChunkedArray, opts: GenericCsvOptions, conversions: list[str]
) -> tuple[NDArray[np.int64], bool, str | None]:
    if col.null_count:
        raise CorruptFileError(p, f"time column {opts.time_col!r}: {col.null_count} empty cell(s)")
    typ = col.type
    if pa.types.is_timestamp(typ):
        t_ns = col.cast(pa.int64()).to_numpy().astype(np.int64)
        if opts.timezone is None:
            conversions.append("ISO times read as given (no time zone: not absolute)")
            return t_ns, False, None
        first = datetime(1970, 1, 1) + timedelta(microseconds=int(t_ns[0]) // 1000)
        off = ZoneInfo(opts.timezone).utcoffset(first)
        assert off is not None
        t_ns = t_ns - int(off.total_seconds()) * NS_PER_S
        conversions.append(f"local ISO times converted to UTC ({opts.timezone})")
        return t_ns, True, opts.timezone
    if opts.time_unit == "iso":
        raise CorruptFileError(p, f"time column {opts.time_col!r} is not ISO 8601 date-time text")
    if not (pa.types.is_integer(typ) or pa.types.is_floating(typ)):
        raise CorruptFileError(p, f"time column {opts.time_col!r} is not numeric ({typ})")
    assert opts.time_unit is not None
    per = TIME_UNIT_TO_NS[opts.time_unit]
    if pa.types.is_integer(typ):
        t_ns = col.to_numpy().astype(np.int64) * per
    else:
        t = col.to_numpy().astype(np.float64)
        if not np.isfinite(t).all():
            raise CorruptFileError(p, f"time column {opts.time_col!r} holds inf or NaN")
        t_ns = scaled_to_ns(t, per)
    conversions.append(f"time {opts.time_unit} -> int64 ns")
    absolute = bool(t_ns[0] >= UNIX_EPOCH_TO_2000_S * NS_PER_S)
    return t_ns, absolute, None


# --- CLI option bundle (applied by `boneimu info` / `convert`) ----------------------------

F = TypeVar("F", bound=Callable[..., Any])

_CLI_OPTIONS: list[tuple[str, dict[str, Any]]] = [
    ("--csv-time-col", {"help": "Generic CSV: time column name (omit with --csv-rate-hz)."}),
    (
        "--csv-time-unit",
        {"type": click.Choice(["s", "ms", "us", "ns", "iso"]), "help": "Unit of the time column."},
    ),
    ("--csv-acc-cols", {"help": "Acceleration x,y,z column names, comma-separated."}),
    ("--csv-acc-unit", {"type": click.Choice(["g", "m/s2"]), "help": "Acceleration unit."}),
    ("--csv-gyro-cols", {"help": "Gyroscope x,y,z column names, comma-separated."}),
    ("--csv-gyro-unit", {"type": click.Choice(["deg/s", "rad/s"]), "help": "Gyroscope unit."}),
    (
        "--csv-gyro-file",
        {
            "type": click.Path(exists=True, dir_okay=False),
            "help": "Gyroscope in its own file (same layout).",
        },
    ),
    ("--csv-sep", {"help": "Separator (default: sniffed; 'tab', 'space')."}),
    ("--csv-decimal", {"type": click.Choice([".", ","]), "help": "Decimal mark."}),
    ("--csv-skiprows", {"type": click.IntRange(min=0), "help": "Lines to skip before the header."}),
    (
        "--csv-no-header",
        {
            "is_flag": True,
            "default": None,
            "help": "No header line: columns are named 0, 1, 2, ...",
        },
    ),
    (
        "--csv-sign",
        {
            "type": click.Choice(["android", "ios"]),
            "help": "Sign convention of the acceleration (default android).",
        },
    ),
    ("--csv-rate-hz", {"type": float, "help": "Sample rate when there is no time column."}),
    ("--csv-start-time", {"help": "ISO 8601 time of the first sample, with UTC offset."}),
    ("--csv-timezone", {"help": "IANA zone of naive ISO times (e.g. Europe/Berlin)."}),
]


def generic_csv_options(func: F) -> F:
    """Decorator adding the ``--csv-*`` options; turn them into reader options with
    :func:`options_from_cli`."""
    for flag, kw in reversed(_CLI_OPTIONS):
        func = click.option(flag, **kw)(func)
    return func


def options_from_cli(**kwargs: Any) -> dict[str, Any] | None:
    """``--csv-*`` keyword values -> reader options for ``read_recording``; None if none given.

    Other keyword arguments are ignored, so a command can pass all its parameters.
    """
    out: dict[str, Any] = {}
    for key, value in kwargs.items():
        if not key.startswith("csv_") or value is None:
            continue
        name = key[4:]
        if name == "no_header":
            out["header"] = not value
        elif name == "start_time":
            try:
                out["start_time"] = datetime.fromisoformat(value)
            except ValueError:
                raise ConfigError(f"--csv-start-time: not an ISO 8601 time: {value!r}") from None
        else:
            out[name] = value
    if not out:
        return None
    parse_options(None, **out)  # validate now: a clear ConfigError before any file is read
    return out
