"""ActiGraph raw CSV exports (ActiLife: GT3X+, wGT3X-BT, Link IMU).

A 10-line header (``------------ Data File Created By ActiGraph ... at 100 Hz ...``, serial
number, start time and date in the stated date format) precedes the columns
``Accelerometer X,Accelerometer Y,Accelerometer Z`` (g) and, for the IMU export, a
``Timestamp`` column and ``Gyroscope X/Y/Z`` (deg/s). Read through the generic CSV machinery.
The header's start time is local time with no zone: it becomes absolute only when the caller
gives ``timezone``. Epoch (count) exports are refused. See docs/formats/generic-csv.md.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from boneimu.errors import ConfigError, CorruptFileError, UnsupportedFormatError
from boneimu.io._csv import CsvLayout, has_columns, head_lines, header_names, read_bytes
from boneimu.io._probe import Probe
from boneimu.io.generic_csv import GenericCsvOptions, parse_options, read_with
from boneimu.recording import Recording

FORMAT = "actigraph_csv"
MARKER = "Data File Created By ActiGraph"
ACC = ("Accelerometer X", "Accelerometer Y", "Accelerometer Z")
GYRO = ("Gyroscope X", "Gyroscope Y", "Gyroscope Z")
_DATE_TOKENS = (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("M", "%m"), ("d", "%d"))


def sniff(probe: Probe) -> bool:
    return probe.kind == "file" and MARKER in probe.head.split("\n", 1)[0]


def _strptime_format(actigraph: str) -> str:
    out = actigraph
    for token, code in _DATE_TOKENS:
        out = re.sub(rf"(?<![A-Za-z%]){token}(?![A-Za-z])", code, out)
    return out


def parse_header(lines: list[str], path: Path) -> dict[str, str]:
    """Fields of the ActiGraph header; ``data_row`` is the index of the column-name line."""
    if not lines or MARKER not in lines[0]:
        raise UnsupportedFormatError(path, "not an ActiGraph CSV (no ActiGraph header line)")
    first = lines[0]
    info: dict[str, str] = {}
    if m := re.search(r"ActiGraph (.*?) ActiLife (v[\d.]+)", first):
        info["device"], info["actilife"] = m.group(1).strip(), m.group(2)
    if m := re.search(r"Firmware (v[\d.]+)", first):
        info["firmware"] = m.group(1)
    if m := re.search(r"date format (\S+)", first):
        info["date_format"] = m.group(1)
    if m := re.search(r"at (\d+(?:\.\d+)?) Hz", first):
        info["rate_hz"] = m.group(1)
    for i, raw in enumerate(lines[1:], start=1):
        ln = raw.rstrip(",").strip()
        if ln.startswith("-----"):
            info["data_row"] = str(i + 1)
            break
        for key, pat in (
            ("serial", r"Serial Number:\s*(\S+)"),
            ("start_time", r"Start Time\s+(\S+)"),
            ("start_date", r"Start Date\s+(\S+)"),
            ("epoch_period", r"Epoch Period \(hh:mm:ss\)\s+(\S+)"),
        ):
            if m := re.match(pat, ln):
                info[key] = m.group(1)
    if "data_row" not in info:
        raise CorruptFileError(path, "ActiGraph header has no closing '-----' line (truncated?)")
    if "rate_hz" not in info:
        raise CorruptFileError(path, "ActiGraph header states no sample rate ('at N Hz')")
    return info


def options_for(
    p: Path, *, timezone: str | None = None
) -> tuple[GenericCsvOptions, dict[str, str]]:
    """Generic-CSV options describing this ActiGraph file, and its header fields."""
    info = parse_header(head_lines(read_bytes(p, limit=1 << 14), 14), p)
    if info.get("epoch_period", "00:00:00") != "00:00:00":
        raise UnsupportedFormatError(
            p, f"ActiGraph epoch (count) export, epoch {info['epoch_period']}: export raw data"
        )
    skip = int(info["data_row"])
    layout = CsvLayout(delimiter=",", skip_rows=skip)
    names = header_names(p, path=p, layout=layout)
    has_gyro = has_columns(names, GYRO)
    has_time = has_columns(names, ["Timestamp"])
    start_local = _start(info, p)
    options: dict[str, object] = {
        "acc_cols": ACC,
        "acc_unit": "g",
        "sep": ",",
        "skiprows": skip,
        "rate_hz": float(info["rate_hz"]),
        "timezone": timezone,
    }
    if has_time:
        options.update(time_col="Timestamp", time_unit="iso")
    elif timezone is not None and start_local is not None:
        try:
            options["start_time"] = start_local.replace(tzinfo=ZoneInfo(timezone))
        except (ValueError, KeyError) as exc:
            raise ConfigError(f"{p}: unknown time zone {timezone!r} ({exc})") from None
    if has_gyro:
        options.update(gyro_cols=GYRO, gyro_unit="deg/s")
    opts = parse_options(p, **options)
    if start_local is not None:
        info["start_local_time"] = start_local.isoformat()
    return opts, info


def read(path: str | Path, *, timezone: str | None = None) -> Recording:
    """Read an ActiGraph raw CSV; ``timezone`` (IANA) makes its local start time absolute."""
    p = Path(path)
    opts, info = options_for(p, timezone=timezone)
    keys = ("serial", "actilife", "firmware", "date_format", "start_local_time")
    extra = {k: info[k] for k in keys if k in info}
    return read_with(
        p,
        opts,
        source_format=FORMAT,
        source_app="ActiLife",
        source_app_version=info.get("actilife"),
        platform="other",
        device=" ".join(x for x in ("ActiGraph", info.get("device"), info.get("serial")) if x),
        conversions=["ActiGraph axes used as given (gravity reads +1 g on the upward axis)"],
        extra=extra,
    )


def _start(info: dict[str, str], p: Path) -> datetime | None:
    if "start_date" not in info or "start_time" not in info:
        return None
    fmt = _strptime_format(info.get("date_format", "M/d/yyyy"))
    try:
        return datetime.strptime(f"{info['start_date']} {info['start_time']}", f"{fmt} %H:%M:%S")
    except ValueError:
        raise CorruptFileError(
            p,
            f"ActiGraph start {info['start_date']} {info['start_time']!r} does not match "
            f"date format {info.get('date_format')!r}",
        ) from None
