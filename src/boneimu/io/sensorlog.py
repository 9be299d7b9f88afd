"""SensorLog (iOS app by Bernd Thomas) CSV exports.

Raw CoreMotion columns: acceleration in g with the iOS sign (converted to m/s², Android
sign), rotation rate in rad/s (signs agree), pressure in kPa (-> hPa). Time is the sensor's
``..._sinceReboot(s)`` clock, anchored to wall-clock time through ``loggingTime(txt)``.
The separator is sniffed. See docs/formats/sensorlog.md.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from boneimu.errors import CorruptFileError, MissingChannelError, UnsupportedFormatError
from boneimu.io._common import finish_recording
from boneimu.io._csv import (
    CsvLayout,
    float_matrix,
    has_columns,
    head_lines,
    header_names,
    normalise_name,
    read_bytes,
    read_table,
    sniff_delimiter,
)
from boneimu.io._probe import Probe
from boneimu.io._times import ns_to_datetime, seconds_to_ns
from boneimu.recording import Barometer, Recording
from boneimu.units import HPA_PER_KPA, NS_PER_S, STANDARD_GRAVITY_M_S2

FORMAT = "sensorlog"

LOGGING_TIME = "loggingTime(txt)"
ACC_T = "accelerometerTimestamp_sinceReboot(s)"
ACC = [f"accelerometerAcceleration{a}(G)" for a in "XYZ"]
MOTION_T = "motionTimestamp_sinceReboot(s)"
USER = [f"motionUserAcceleration{a}(G)" for a in "XYZ"]
GRAVITY = [f"motionGravity{a}(G)" for a in "XYZ"]
ROT = [f"motionRotationRate{a}(rad/s)" for a in "XYZ"]
GYRO_T = "gyroTimestamp_sinceReboot(s)"
GYRO = [f"gyroRotation{a}(rad/s)" for a in "XYZ"]
ALT_T = "altimeterTimestamp_sinceReboot(s)"
PRESSURE = "altimeterPressure(kPa)"
ANCHOR_ROWS = 1000
_LOGGING_FORMATS = ("%Y-%m-%d %H:%M:%S.%f %z", "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%d %H:%M:%S %z")


def sniff(probe: Probe) -> bool:
    if probe.kind != "file":
        return False
    first = probe.head.split("\n", 1)[0]
    return "accelerometerTimestamp_sinceReboot(s)" in first or (
        "loggingTime(txt)" in first and "motionTimestamp_sinceReboot(s)" in first
    )


def read(path: str | Path, **options: Any) -> Recording:
    """Read a SensorLog CSV: acceleration including gravity, gyro, barometer."""
    if options:
        raise UnsupportedFormatError(path, f"SensorLog reader takes no options: {sorted(options)}")
    p = Path(path)
    lines = head_lines(read_bytes(p, limit=1 << 16), 6)
    if not lines:
        raise CorruptFileError(p, "file is empty")
    sep = sniff_delimiter(lines)
    decimal = "," if sep != "," and any("," in ln for ln in lines[1:]) else "."
    layout = CsvLayout(delimiter=sep, decimal=decimal)
    names = header_names(p, path=p, layout=layout)
    canon = {normalise_name(n): n for n in names}

    def col(n: str) -> str:
        return canon[normalise_name(n)]

    conversions = [f"g -> m/s² (x {STANDARD_GRAVITY_M_S2})", "iOS sign flipped to Android"]
    reconstructed = False
    if has_columns(names, [ACC_T, *ACC]):
        acc_t, acc_cols = col(ACC_T), [col(c) for c in ACC]
        user_g: list[str] = []
    elif has_columns(names, [MOTION_T, *USER, *GRAVITY]):
        acc_t, acc_cols = col(MOTION_T), [col(c) for c in USER]
        user_g = [col(c) for c in GRAVITY]
        reconstructed = True
        conversions.append("total = userAcceleration + gravity (motion columns)")
    else:
        raise MissingChannelError(
            p,
            "SensorLog file has neither accelerometerAcceleration(X|Y|Z)(G) nor "
            "motionUserAcceleration + motionGravity columns (enable the accelerometer)",
        )
    gyro_t: str | None = None
    gyro_cols: list[str] = []
    if has_columns(names, ROT):
        gyro_cols = [col(c) for c in ROT]
        gyro_t = col(MOTION_T) if has_columns(names, [MOTION_T]) else acc_t
    elif has_columns(names, GYRO):
        gyro_cols = [col(c) for c in GYRO]
        gyro_t = col(GYRO_T) if has_columns(names, [GYRO_T]) else acc_t
    baro_cols = [col(ALT_T), col(PRESSURE)] if has_columns(names, [ALT_T, PRESSURE]) else []
    logging = col(LOGGING_TIME) if has_columns(names, [LOGGING_TIME]) else None
    floats = list(
        dict.fromkeys(
            [acc_t, *acc_cols, *user_g, *([gyro_t] if gyro_t else []), *gyro_cols, *baro_cols]
        )
    )
    wanted = floats + ([logging] if logging else [])
    table = read_table(
        p, path=p, layout=layout, columns=wanted, string_columns=[logging] if logging else []
    )
    if table.num_rows == 0:
        raise CorruptFileError(p, "no data rows")
    m = float_matrix(table, floats)
    idx = {c: i for i, c in enumerate(floats)}

    def cols(cs: list[str]) -> NDArray[np.float64]:
        return m[:, [idx[c] for c in cs]]

    acc_g = cols(acc_cols)
    if user_g:
        acc_g = acc_g + cols(user_g)
    acc = acc_g * -STANDARD_GRAVITY_M_S2
    t_s = m[:, idx[acc_t]]
    ok = np.isfinite(t_s)
    if not ok.any():
        raise CorruptFileError(p, f"column {acc_t!r} has no values")
    t_ns = seconds_to_ns(t_s[ok])
    acc = acc[ok]
    offset_ns = 0
    absolute = False
    tz: str | None = None
    if logging is not None:
        stamps = table.column(logging).slice(0, ANCHOR_ROWS).to_pylist()
        anchor = _anchor_offset(stamps, t_s[:ANCHOR_ROWS])
        if anchor is not None:
            (offset_ns, tz), absolute = anchor, True
            conversions.append(
                f"time = {acc_t} + median(loggingTime - sensor time) over the first rows"
            )
    t_ns = t_ns + offset_ns
    gyro = gyro_ns = None
    if gyro_t is not None:
        gt = m[:, idx[gyro_t]]
        gok = np.isfinite(gt)
        gyro_ns = seconds_to_ns(gt[gok]) + offset_ns
        gyro = cols(gyro_cols)[gok]
    baro = None
    if baro_cols:
        bt, bp = m[:, idx[baro_cols[0]]], m[:, idx[baro_cols[1]]]
        bok = np.isfinite(bt) & np.isfinite(bp)
        bt_ns = seconds_to_ns(bt[bok]) + offset_ns
        inc = np.concatenate([[True], np.diff(bt_ns) > 0]) if bt_ns.size else bok[:0]
        if bt_ns.size:
            baro = Barometer(time_ns=bt_ns[inc], pressure_hpa=bp[bok][inc] * HPA_PER_KPA)
            conversions.append("altimeter pressure kPa -> hPa (x 10)")
    del table
    return finish_recording(
        p,
        time_ns=t_ns,
        acc_m_s2=acc,
        gyro_rad_s=gyro,
        gyro_time_ns=gyro_ns,
        baro=baro,
        source_format=FORMAT,
        source_app="SensorLog",
        platform="ios",
        time_is_absolute=absolute,
        start_time_utc=ns_to_datetime(int(t_ns[0])) if absolute else None,
        timezone=tz,
        acc_reconstructed=reconstructed,
        conversions=conversions,
        extra={"separator": {"\t": "tab"}.get(sep, sep), "time_column": acc_t},
    )


def _parse_logging(s: str) -> datetime | None:
    s = s.strip()
    for fmt in _LOGGING_FORMATS:
        try:
            return datetime.strptime(s, fmt)
        except ValueError:
            continue
    return None


def _anchor_offset(
    stamps: list[str | None], t_s: NDArray[np.float64]
) -> tuple[int, str | None] | None:
    """Median (wall clock - sensor clock) in ns over rows where both parse, and the UTC offset."""
    diffs = []
    tz: str | None = None
    for s, t in zip(stamps, t_s.tolist(), strict=False):
        if s is None or not np.isfinite(t):
            continue
        when = _parse_logging(s)
        if when is None or when.tzinfo is None:
            continue
        delta = when - _EPOCH
        wall_ns = (delta.days * 86_400 + delta.seconds) * NS_PER_S + delta.microseconds * 1000
        diffs.append(wall_ns - round(t * NS_PER_S))
        if tz is None:
            off = when.utcoffset()
            if off is not None:
                minutes = int(off.total_seconds() // 60)
                sign = "-" if minutes < 0 else "+"
                tz = f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    if not diffs:
        return None
    return int(np.median(np.array(diffs, dtype=np.int64))), tz


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
