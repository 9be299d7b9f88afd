"""phyphox exports: the bare CSV (five separator/decimal variants) and the zip export.

phyphox writes acceleration in m/s² with the Android sign on both platforms, so values pass
through unchanged. ``Time (s)`` is float seconds from the experiment start; only the zip
export's ``meta/time.csv`` (START events, Unix system time) anchors it to wall-clock time.
"Acceleration (without g)" exports are refused: they cannot give loading including gravity.
See docs/formats/phyphox.md.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from boneimu.errors import CorruptFileError, UnsupportedFormatError
from boneimu.io._bundle import open_bundle
from boneimu.io._common import finish_recording
from boneimu.io._csv import (
    CsvLayout,
    Source,
    find_columns,
    float_matrix,
    has_columns,
    head_lines,
    read_bytes,
    read_table,
)
from boneimu.io._probe import Probe
from boneimu.io._times import ns_to_datetime, seconds_to_ns
from boneimu.recording import Recording
from boneimu.units import NS_PER_S

FORMAT = "phyphox"

TIME = "Time (s)"
ACC = [f"Acceleration {a} (m/s^2)" for a in "xyz"]
LINEAR = [f"Linear Acceleration {a} (m/s^2)" for a in "xyz"]
GYRO = [f"Gyroscope {a} (rad/s)" for a in "xyz"]
_ANDROID_NUMBER = re.compile(r"-?\d[.,]\d{9}E-?\d")
_TZ = re.compile(r"UTC[+-]\d{1,2}(:?\d{2})?$")


def sniff(probe: Probe) -> bool:
    if probe.kind == "file":
        first = probe.head.lstrip().split("\n", 1)[0]
        return first.startswith(f'"{TIME}"')
    names = {n.lower() for n in probe.names}
    base = probe.basenames()
    meta = any(n.endswith(("meta/time.csv", "meta/device.csv")) for n in names)
    return meta or "raw data.csv" in base


@dataclass
class _Csv:
    """One phyphox data table: where it is, how it is laid out, its header."""

    name: str
    display: Path
    src: Source
    layout: CsvLayout
    header: list[str]


def layout_of(data_head: bytes, display: Path) -> tuple[CsvLayout, list[str]]:
    """Separator = the character after the first closing quote of the header; decimal comma
    when the separator is not a comma and data cells contain commas."""
    lines = head_lines(data_head, 6)
    if not lines or not lines[0].strip():
        raise CorruptFileError(display, "file is empty")
    first = lines[0].lstrip()
    if not first.startswith('"'):
        raise UnsupportedFormatError(display, "not a phyphox CSV (header is not quoted)")
    close = first.find('"', 1)
    if close < 0 or close + 1 >= len(first):
        raise CorruptFileError(display, "phyphox header has only one column")
    sep = first[close + 1]
    if sep not in {",", ";", "\t"}:
        raise CorruptFileError(display, f"phyphox header: unexpected separator {sep!r}")
    data = lines[1:]
    decimal = "," if sep != "," and any("," in ln for ln in data) else "."
    header = next(csv.reader([first], delimiter=sep, quotechar='"'))
    return CsvLayout(delimiter=sep, decimal=decimal), [h.strip() for h in header]


def _load(name: str, display: Path, src: Source) -> _Csv:
    head = read_bytes(src, limit=1 << 14) if isinstance(src, Path) else src[: 1 << 14]
    layout, header = layout_of(head, display)
    return _Csv(name, display, src, layout, header)


def read(path: str | Path, **options: Any) -> Recording:
    """Read a phyphox CSV or zip export ("Acceleration with g", optional gyroscope)."""
    if options:
        raise UnsupportedFormatError(path, f"phyphox reader takes no options: {sorted(options)}")
    p = Path(path)
    meta: dict[str, str] = {}
    starts: list[tuple[Decimal, Decimal, str]] = []
    if p.is_dir() or _is_zip(p):
        with open_bundle(p) as b:
            tables = [
                _load(n, p / n, b.source(n))
                for n in b.names
                if n.lower().endswith(".csv") and "meta" not in n.lower().split("/")[:-1]
            ]
            if (dev := b.find("device.csv", folder="meta")) is not None:
                meta = _read_device(b.read(dev), p / dev)
            if (tm := b.find("time.csv", folder="meta")) is not None:
                starts = _read_time(b.read(tm), p / tm)
            tables = [t for t in tables if t.header]
            return _assemble(p, tables, meta, starts, zipped=True)
    return _assemble(p, [_load(p.name, p, p)], meta, starts, zipped=False)


def _is_zip(p: Path) -> bool:
    try:
        with p.open("rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError as exc:
        raise CorruptFileError(p, f"cannot read ({exc.strerror or exc})") from None


def _assemble(
    path: Path,
    tables: list[_Csv],
    device: dict[str, str],
    starts: list[tuple[Decimal, Decimal, str]],
    *,
    zipped: bool,
) -> Recording:
    acc_t = next((t for t in tables if has_columns(t.header, [TIME, *ACC])), None)
    if acc_t is None:
        if any(has_columns(t.header, LINEAR) for t in tables):
            raise UnsupportedFormatError(
                path,
                "phyphox 'Acceleration (without g)' export has no gravity, so impact loading "
                "cannot be measured; record with the 'Acceleration with g' experiment instead",
            )
        found = "; ".join(f"{t.name}: {', '.join(t.header[:5])}" for t in tables) or "no CSV"
        raise UnsupportedFormatError(
            path, f"phyphox export without 'Acceleration with g' data (found {found})"
        )
    gyro_t = next((t for t in tables if has_columns(t.header, [TIME, *GYRO])), None)
    conversions = ["Time (s) float seconds -> int64 ns (rounded to the nearest ns)"]
    warnings: list[str] = []
    if acc_t.layout.decimal == ",":
        conversions.append("decimal comma read as decimal point")
    gyro_ns: NDArray[np.int64] | None = None
    gyro: NDArray[np.float64] | None = None
    same_base = gyro_t is acc_t
    if same_base:
        t_ns, both = _read_xyz(acc_t, [*ACC, *GYRO], warnings)
        acc, gyro = both[:, :3].copy(), both[:, 3:].copy()
    else:
        t_ns, acc = _read_xyz(acc_t, ACC, warnings)
        if gyro_t is not None:
            gyro_ns, gyro = _read_xyz(gyro_t, GYRO, warnings)
    anchor = "relative"
    if starts:
        t_ns = _anchor(t_ns, starts)
        if gyro_ns is not None:
            gyro_ns = _anchor(gyro_ns, starts)
        anchor = "absolute"
        conversions.append(
            "time anchored to Unix time by the meta/time.csv START event(s) "
            f"({len(starts)} START event(s))"
        )
    platform = _platform(device, acc_t)
    extra = {k: v for k, v in device.items() if k in _EXTRA_KEYS and v}
    extra["phyphox_table"] = acc_t.name
    if gyro_t is not None:
        extra["phyphox_gyro_table"] = gyro_t.name
    extra["separator"] = {"\t": "tab"}.get(acc_t.layout.delimiter, acc_t.layout.delimiter)
    extra["decimal"] = acc_t.layout.decimal
    model = device.get("deviceModel") or None
    brand = device.get("deviceBrand") or device.get("deviceManufacturer") or ""
    start_utc = ns_to_datetime(int(t_ns[0])) if anchor == "absolute" else None
    tz = starts[0][2] if starts and starts[0][2] else None
    return finish_recording(
        path,
        time_ns=t_ns,
        acc_m_s2=acc,
        gyro_rad_s=gyro,
        gyro_time_ns=None if same_base else gyro_ns,
        source_format=FORMAT + ("_zip" if zipped else "_csv"),
        source_app="phyphox",
        source_app_version=device.get("version") or None,
        platform=platform,
        platform_version=device.get("deviceRelease") or None,
        device=" ".join(x for x in (brand, model or "") if x).strip() or None,
        time_is_absolute=anchor == "absolute",
        start_time_utc=start_utc,
        timezone=tz,
        conversions=conversions,
        warnings=warnings,
        extra=extra,
    )


_EXTRA_KEYS = ("build", "fileFormat", "deviceBrand", "deviceManufacturer", "deviceBaseOS")


def _col(t: _Csv, name: str) -> str:
    return find_columns(t.header, [name], path=t.display, what="phyphox")[0]


def _read_xyz(
    t: _Csv, names: list[str], warnings: list[str]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    cols = find_columns(t.header, [TIME, *names], path=t.display, what="phyphox")
    table = read_table(t.src, path=t.display, layout=t.layout, columns=cols)
    m = float_matrix(table, cols)
    del table
    t_s = m[:, 0]
    bad = np.isnan(t_s)
    if bad.all():
        raise CorruptFileError(t.display, "no data rows with a time value")
    if bad.any():
        warnings.append(f"{t.name}: dropped {int(bad.sum())} row(s) without a time value")
        m = m[~bad]
        t_s = m[:, 0]
    if np.isinf(t_s).any():
        raise CorruptFileError(t.display, "infinite value in the Time (s) column")
    return seconds_to_ns(t_s), np.ascontiguousarray(m[:, 1:])


def _anchor(
    t_ns: NDArray[np.int64], starts: list[tuple[Decimal, Decimal, str]]
) -> NDArray[np.int64]:
    """Experiment time -> Unix ns: each sample belongs to the last START at or before it."""
    exp_ns = np.array([int(e * NS_PER_S) for e, _, _ in starts], dtype=np.int64)
    sys_ns = np.array([int(s * NS_PER_S) for _, s, _ in starts], dtype=np.int64)
    k = np.searchsorted(exp_ns, t_ns, side="right") - 1
    k = np.clip(k, 0, len(starts) - 1)
    return sys_ns[k] + (t_ns - exp_ns[k])


def _platform(device: dict[str, str], t: _Csv) -> Any:
    text = " ".join(device.get(k, "") for k in ("deviceBrand", "deviceManufacturer", "deviceModel"))
    if re.search(r"apple|iphone|ipad", text, re.I):
        return "ios"
    if device:
        return "android"  # phyphox's device.csv names no Apple device
    head = read_bytes(t.src, limit=4096) if isinstance(t.src, Path) else t.src[:4096]
    if _ANDROID_NUMBER.search(head.decode("utf-8", errors="replace")):
        return "android"  # Android's 0.000000000E0 number style
    return None


def _rows(data: bytes, display: Path) -> list[list[str]]:
    lines = head_lines(data, 10_000)
    if not lines:
        raise CorruptFileError(display, "file is empty")
    layout, _ = layout_of(data, display)
    return [r for r in csv.reader(lines[1:], delimiter=layout.delimiter, quotechar='"') if r]


def _read_device(data: bytes, display: Path) -> dict[str, str]:
    return {r[0].strip(): r[1].strip() for r in _rows(data, display) if len(r) >= 2}


def _number(cell: str, display: Path) -> Decimal:
    try:
        return Decimal(cell.strip().replace(",", "."))
    except InvalidOperation:
        raise CorruptFileError(display, f"not a number: {cell[:40]!r}") from None


def _read_time(data: bytes, display: Path) -> list[tuple[Decimal, Decimal, str]]:
    """START events as (experiment time s, Unix system time s, timezone text)."""
    out = []
    for r in _rows(data, display):
        if len(r) >= 3 and r[0].strip().upper() == "START":
            tz_match = _TZ.search(r[3].strip()) if len(r) >= 4 else None
            out.append(
                (
                    _number(r[1], display),
                    _number(r[2], display),
                    tz_match.group(0) if tz_match else "",
                )
            )
    out.sort(key=lambda e: e[0])
    return out
