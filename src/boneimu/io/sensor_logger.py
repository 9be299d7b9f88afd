"""Sensor Logger (Kelvin Choi's app) exports: zip, extracted folder, or the JSON export.

``time`` is integer ns since the Unix epoch (parsed as int64, never via float). Columns are
looked up by name (the files are ``time,seconds_elapsed,z,y,x``). Android gives
TotalAcceleration.csv (gravity included); iOS gives Accelerometer.csv (user acceleration) and
Gravity.csv, summed here after interpolating gravity onto the accelerometer's times. Unless
Metadata.csv says ``standardisation`` is true, iOS acceleration has the opposite sign to
Android and is flipped; gyroscope signs agree. See docs/formats/sensor-logger.md.
"""

from __future__ import annotations

import csv
import io
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from boneimu.errors import (
    ConfigError,
    CorruptFileError,
    MissingChannelError,
    UnsupportedFormatError,
)
from boneimu.io._bundle import Bundle, open_bundle
from boneimu.io._common import finish_recording
from boneimu.io._csv import (
    CsvLayout,
    find_columns,
    header_names,
    read_bytes,
    read_numeric,
)
from boneimu.io._probe import Probe
from boneimu.io._times import ns_to_datetime
from boneimu.recording import Barometer, Recording
from boneimu.signal.timebase import interp_onto, timebase_stats

FORMAT = "sensor_logger"
XYZ = ("x", "y", "z")
_MARKERS = {"totalacceleration.csv", "metadata.csv"}
Stream = tuple[NDArray[np.int64], NDArray[np.float64]]


def sniff(probe: Probe) -> bool:
    if probe.kind == "file":
        head = probe.head.lstrip()
        if head.startswith("[") and '"sensor"' in head:
            return True  # the JSON export
        return probe.path.name.lower() == "totalacceleration.csv" and head.startswith("time,")
    if any(n.lower().endswith(("meta/time.csv", "meta/device.csv")) for n in probe.names):
        return False  # a phyphox export
    base = probe.basenames()
    return bool(base & _MARKERS) or {"accelerometer.csv", "gravity.csv"} <= base


class _Source:
    """Per-sensor streams from either the CSV files or the JSON export."""

    def __init__(self, path: Path, bundle: Bundle | None, rows: dict[str, list[dict]] | None):
        self.path = path
        self.bundle = bundle
        self.rows = rows

    def has(self, sensor: str) -> bool:
        if self.rows is not None:
            return sensor.lower() in self.rows
        return self.bundle is not None and self.bundle.find(f"{sensor}.csv") is not None

    def stream(self, sensor: str, cols: tuple[str, ...] = XYZ) -> Stream | None:
        if self.rows is not None:
            rows = self.rows.get(sensor.lower())
            return None if rows is None else _json_stream(self.path, sensor, rows, cols)
        assert self.bundle is not None
        name = self.bundle.find(f"{sensor}.csv")
        if name is None:
            return None
        return csv_stream(self.bundle.source(name), self.path / name, cols)

    def metadata(self) -> dict[str, str]:
        if self.rows is not None:
            meta_rows = self.rows.get("metadata") or [{}]
            return {_key(k): str(v) for k, v in meta_rows[0].items() if k != "sensor"}
        assert self.bundle is not None
        name = self.bundle.find("Metadata.csv")
        if name is None:
            return {}
        text = self.bundle.read(name).decode("utf-8-sig", errors="replace")
        rows = list(csv.reader(io.StringIO(text)))
        if len(rows) < 2:
            return {}
        return {_key(k): v.strip() for k, v in zip(rows[0], rows[1], strict=False)}


def _key(k: str) -> str:
    return " ".join(k.strip().lower().split())


def csv_stream(src: Path | bytes, display: Path, cols: tuple[str, ...] = XYZ) -> Stream:
    """``time`` (exact int64 ns) and the named value columns of one Sensor Logger CSV."""
    layout = CsvLayout()
    names = header_names(src, path=display, layout=layout)
    found = find_columns(names, ["time", *cols], path=display, what="Sensor Logger")
    return read_numeric(src, path=display, layout=layout, time_col=found[0], value_cols=found[1:])


def _json_stream(path: Path, sensor: str, rows: list[dict], cols: tuple[str, ...]) -> Stream:
    try:
        t = np.array([_json_int(r["time"]) for r in rows], dtype=np.int64)
        v = np.array([[_json_float(r[c]) for c in cols] for r in rows], dtype=np.float64)
    except (KeyError, ValueError, TypeError, OverflowError) as exc:
        raise CorruptFileError(path, f"JSON rows of sensor {sensor!r}: bad value ({exc})") from None
    return t, v.reshape(len(rows), len(cols))


def _json_int(v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int | str):
        raise ValueError(f"time must be an integer or an integer string, got {v!r}")
    return int(v)


def _json_float(v: object) -> float:
    if v is None or v == "":
        return float("nan")
    if isinstance(v, bool) or not isinstance(v, int | float | str):
        raise ValueError(f"not a number: {v!r}")
    return float(v)


def _load_json(path: Path) -> dict[str, list[dict]]:
    try:
        data = json.loads(read_bytes(path).decode("utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CorruptFileError(path, f"not valid JSON ({exc})") from None
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise CorruptFileError(path, "Sensor Logger JSON must be an array of row objects")
    out: dict[str, list[dict]] = {}
    for r in data:
        out.setdefault(str(r.get("sensor", "")).lower(), []).append(r)
    return out


def read(
    path: str | Path,
    *,
    platform: Literal["android", "ios"] | None = None,
    standardised: bool | None = None,
) -> Recording:
    """Read a Sensor Logger export. ``platform``/``standardised`` override Metadata.csv."""
    p = Path(path)
    if p.is_file() and not _is_zip(p):
        head = read_bytes(p, limit=64).lstrip()
        if head.startswith(b"["):
            return _read(_Source(p, None, _load_json(p)), platform, standardised, "_json")
        if p.name.lower() == "totalacceleration.csv":
            with open_bundle(p.parent) as b:
                b.names = [p.name]
                return _read(_Source(p.parent, b, None), platform, standardised, "_csv")
        raise UnsupportedFormatError(p, "not a Sensor Logger export (zip, folder or JSON)")
    with open_bundle(p) as b:
        kind = "_folder" if p.is_dir() else "_zip"
        return _read(_Source(p, b, None), platform, standardised, kind)


def _is_zip(p: Path) -> bool:
    return read_bytes(p, limit=4)[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _truthy(v: str | None) -> bool:
    return (v or "").strip().lower() in {"true", "1", "yes", "on"}


def _read(src: _Source, platform: str | None, standardised: bool | None, kind: str) -> Recording:
    path = src.path
    meta = src.metadata()
    conversions: list[str] = []
    warnings: list[str] = []
    plat = platform or (meta.get("platform") or "").strip().lower() or None
    if plat not in (None, "android", "ios"):
        raise ConfigError(f"{path}: unknown platform {plat!r} (android or ios)")
    std = standardised if standardised is not None else _truthy(meta.get("standardisation"))
    reconstructed = False
    with ThreadPoolExecutor(max_workers=1) as pool:  # parse the gyroscope file alongside
        gyro_job = pool.submit(src.stream, "Gyroscope")
        total = src.stream("TotalAcceleration")
        gyro = gyro_job.result()
    if total is not None:
        t_ns, acc = total
        plat = plat or "android"
        conversions.append("acceleration from TotalAcceleration.csv (gravity included)")
    else:
        t_ns, acc = _reconstruct(src, plat, conversions)
        reconstructed = True
        if plat is None:
            raise UnsupportedFormatError(
                path,
                "Metadata.csv missing: cannot tell iOS from Android sign convention; "
                "pass platform='ios' or 'android'",
            )
    if plat == "ios" and not std:
        acc = np.negative(acc, out=acc)
        conversions.append("iOS sign flipped to Android (Metadata standardisation false/absent)")
    baro = _barometer(src)
    nominal = _float(meta.get("sampleratems"))
    rate = 1000.0 / nominal if nominal and nominal > 0 else None
    extra = {
        k: meta[k]
        for k in ("version", "device id", "sensors", "recording time", "recording epoch time")
        if meta.get(k)
    }
    extra["standardisation"] = str(std).lower()
    return finish_recording(
        path,
        time_ns=t_ns,
        acc_m_s2=acc,
        gyro_rad_s=None if gyro is None else gyro[1],
        gyro_time_ns=None if gyro is None else gyro[0],
        baro=baro,
        source_format=FORMAT + kind,
        source_app="Sensor Logger",
        source_app_version=meta.get("appversion") or None,
        platform=plat,
        platform_version=meta.get("platform version") or None,
        device=meta.get("device name") or None,
        nominal_rate_hz=rate,
        time_is_absolute=True,
        start_time_utc=ns_to_datetime(int(t_ns[0])),
        timezone=meta.get("recording timezone") or None,
        acc_reconstructed=reconstructed,
        conversions=conversions,
        warnings=warnings,
        extra=extra,
    )


def _reconstruct(src: _Source, plat: str | None, conversions: list[str]) -> Stream:
    user = src.stream("Accelerometer")
    grav = src.stream("Gravity")
    if grav is None:
        raise MissingChannelError(
            src.path,
            "no TotalAcceleration.csv and no Gravity.csv: Accelerometer.csv holds acceleration "
            "WITHOUT gravity, so acceleration including gravity cannot be given; enable "
            "Gravity (iOS) or Total Acceleration (Android) in Sensor Logger",
        )
    if user is None:
        raise MissingChannelError(src.path, "Gravity.csv but no Accelerometer.csv")
    (ut, uv), (gt, gv) = user, grav
    order = np.argsort(gt, kind="stable")
    gt, gv = gt[order], gv[order]
    keep = np.concatenate([[True], np.diff(gt) > 0]) & ~np.isnan(gv).any(axis=1)
    gt, gv = gt[keep], gv[keep]
    if gt.size < 2:
        raise CorruptFileError(src.path, "Gravity.csv has fewer than 2 valid samples")
    limit = timebase_stats(gt).gap_limit_s
    g_on_u = interp_onto(gt, gv, ut, max_gap_s=limit)
    acc = np.add(uv, g_on_u, out=uv)
    same = ut.size == gt.size and np.array_equal(ut, gt)
    how = "same timestamps" if same else "Gravity.csv linearly interpolated onto Accelerometer.csv"
    conversions.append(f"total = userAcceleration + gravity ({how})")
    return ut, acc


def _barometer(src: _Source) -> Barometer | None:
    if not src.has("Barometer"):
        return None
    s = src.stream("Barometer", ("pressure",))
    if s is None:
        return None
    t, v = s
    p = v[:, 0]
    keep = np.isfinite(p)
    t, p = t[keep], p[keep]
    if t.size == 0:
        return None
    inc = np.concatenate([[True], t[1:] > np.maximum.accumulate(t)[:-1]])
    return Barometer(time_ns=t[inc], pressure_hpa=np.ascontiguousarray(p[inc]))


def _float(v: str | None) -> float | None:
    try:
        return float(v) if v not in (None, "") else None
    except ValueError:
        return None


__all__ = ["FORMAT", "csv_stream", "read", "sniff"]
