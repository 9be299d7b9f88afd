"""Write small recordings in the exact layouts the phone apps export (our own test vectors).

Layouts follow /work/shared/reference/formats.md: quoted phyphox headers with Android
``0.000000000E0`` or iOS 10-significant-digit numbers, Sensor Logger ``time,seconds_elapsed,z,y,x``
with integer-ns times and a folder per recording inside the zip, SensorLog's CoreMotion columns.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from boneimu.units import STANDARD_GRAVITY_M_S2

T0_NS = 1_698_501_144_401_773_001
"""A real-looking Unix ns start time that float64 cannot hold exactly."""

PHYPHOX_VARIANTS: dict[str, tuple[str, str]] = {
    "comma": (",", "."),
    "tab": ("\t", "."),
    "semicolon": (";", "."),
    "tab_decimal_comma": ("\t", ","),
    "semicolon_decimal_comma": (";", ","),
}
PHYPHOX_HEADERS = {
    "acc": ["Time (s)"]
    + [f"Acceleration {a} (m/s^2)" for a in "xyz"]
    + ["Absolute acceleration (m/s^2)"],
    "linear": ["Time (s)"]
    + [f"Linear Acceleration {a} (m/s^2)" for a in "xyz"]
    + ["Absolute acceleration (m/s^2)"],
    "gyro": ["Time (s)"] + [f"Gyroscope {a} (rad/s)" for a in "xyz"] + ["Absolute (rad/s)"],
}


def resting_signal(
    n: int, fs_hz: float, *, seed: int = 0
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
    """Times (s), acc (n,3) m/s² (phone face-up, Android sign, small wobble) and gyro rad/s."""
    rng = np.random.default_rng(seed)
    t_s = np.arange(n) / fs_hz
    acc = rng.normal(0.0, 0.2, (n, 3))
    acc[:, 2] += STANDARD_GRAVITY_M_S2
    gyro = rng.normal(0.0, 0.05, (n, 3))
    return t_s, acc, gyro


def java_sci(v: float) -> str:
    """Java ``DecimalFormat("0.000000000E0")`` style, as phyphox on Android writes numbers."""
    if np.isnan(v):
        return "NaN"
    s = f"{v:.9E}"
    mant, exp = s.split("E")
    return f"{mant}E{int(exp)}"


def ios_sig10(v: float) -> str:
    """10 significant digits, as phyphox on iOS writes numbers; missing -> ``""``."""
    if np.isnan(v):
        return '""'
    return f"{v:.10g}"


def phyphox_csv(
    t_s: Sequence[float] | NDArray[np.float64],
    xyz: NDArray[np.float64],
    *,
    kind: str = "acc",
    variant: str = "comma",
    platform: str = "android",
) -> bytes:
    sep, dec = PHYPHOX_VARIANTS[variant]
    fmt = java_sci if platform == "android" else ios_sig10
    lines = [sep.join(f'"{h}"' for h in PHYPHOX_HEADERS[kind])]
    absval = np.sqrt((np.asarray(xyz) ** 2).sum(axis=1))
    for t, row, a in zip(t_s, xyz, absval, strict=True):
        cells = [fmt(float(t)), *(fmt(float(v)) for v in row), fmt(float(a))]
        if dec == ",":
            cells = [c.replace(".", ",") for c in cells]
        lines.append(sep.join(cells))
    return ("\n".join(lines) + "\n").encode()


def phyphox_meta(
    *, platform: str = "android", start_unix_s: str = "1698501144.401", variant: str = "comma"
) -> dict[str, bytes]:
    sep, dec = PHYPHOX_VARIANTS[variant]
    if platform == "android":
        dev = [
            ("version", "1.1.15"),
            ("build", "1011503"),
            ("fileFormat", "1.18"),
            ("deviceModel", "Pixel 7"),
            ("deviceBrand", "google"),
            ("deviceBoard", "panther"),
            ("deviceManufacturer", "Google"),
            ("deviceBaseOS", ""),
            ("deviceCodename", "REL"),
            ("deviceRelease", "14"),
        ]
    else:
        dev = [
            ("version", "1.1.15"),
            ("build", "11503"),
            ("fileFormat", "1.18"),
            ("deviceModel", "iPhone14,5"),
            ("deviceBrand", "Apple"),
            ("deviceManufacturer", "Apple"),
            ("deviceRelease", "17.1"),
        ]
    device = [sep.join(['"property"', '"value"'])] + [
        sep.join([f'"{k}"', f'"{v}"']) for k, v in dev
    ]
    # Unix seconds to the millisecond (E notation on Android)
    sys_s = f"{float(start_unix_s) / 1e9:.12f}E9" if platform == "android" else start_unix_s
    if dec == ",":
        sys_s = sys_s.replace(".", ",")
    zero = "0,000000000E0" if dec == "," else "0.000000000E0"
    time = [
        sep.join(['"event"', '"experiment time"', '"system time"', '"system time text"']),
        sep.join(['"START"', zero, sys_s, '"2023-10-28 15:52:24.401 UTC+02:00"']),
    ]
    return {
        "meta/device.csv": ("\n".join(device) + "\n").encode(),
        "meta/time.csv": ("\n".join(time) + "\n").encode(),
    }


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def sensor_logger_csv(t_ns: NDArray[np.int64], xyz: NDArray[np.float64]) -> bytes:
    """``time,seconds_elapsed,z,y,x`` with integer ns time (z, y, x order as the app writes)."""
    buf = io.StringIO()
    buf.write("time,seconds_elapsed,z,y,x\n")
    el = (t_ns - t_ns[0]) / 1e9 + 0.0123
    for t, e, (x, y, z) in zip(t_ns.tolist(), el.tolist(), xyz.tolist(), strict=True):
        buf.write(f"{t},{e!r},{z!r},{y!r},{x!r}\n")
    return buf.getvalue().encode()


def sensor_logger_metadata(
    *, platform: str, standardisation: bool | None, sample_rate_ms: int = 10
) -> bytes:
    cols = [
        "version",
        "device name",
        "recording time",
        "platform",
        "appVersion",
        "device id",
        "sensors",
        "sampleRateMs",
    ]
    vals = [
        "3",
        "iPhone 13" if platform == "ios" else "Pixel 7",
        "2023-10-28_15-52-24",
        platform,
        "1.31.2",
        "5E1F-77A0",
        "Accelerometer|Gravity|Gyroscope",
        str(sample_rate_ms),
    ]
    if standardisation is not None:
        cols += [
            "standardisation",
            "platform version",
            "recording epoch time",
            "recording timezone",
        ]
        vals += [str(standardisation).lower(), "17.1", "1698501144401", "Europe/Berlin"]
    return (",".join(cols) + "\n" + ",".join(vals) + "\n").encode()


def sensor_logger_members(
    files: dict[str, bytes], *, folder: str = "Walk-2023-10-28_15-52-24"
) -> dict[str, bytes]:
    return {f"{folder}/{name}": data for name, data in files.items()}


def sensor_logger_json(streams: dict[str, tuple[NDArray[np.int64], NDArray[np.float64]]]) -> bytes:
    """The JSON export: one array of row objects, every value a string."""
    rows = []
    for sensor, (t_ns, xyz) in streams.items():
        for t, (x, y, z) in zip(t_ns.tolist(), xyz.tolist(), strict=True):
            rows.append(
                {
                    "sensor": sensor,
                    "time": str(t),
                    "seconds_elapsed": repr((t - int(t_ns[0])) / 1e9),
                    "z": repr(z),
                    "y": repr(y),
                    "x": repr(x),
                }
            )
    return json.dumps(rows).encode()


SENSORLOG_COLS = (
    ["loggingTime(txt)", "loggingSample(N)", "accelerometerTimestamp_sinceReboot(s)"]
    + [f"accelerometerAcceleration{a}(G)" for a in "XYZ"]
    + ["gyroTimestamp_sinceReboot(s)"]
    + [f"gyroRotation{a}(rad/s)" for a in "XYZ"]
    + [
        "altimeterTimestamp_sinceReboot(s)",
        "altimeterReset(bool)",
        "altimeterRelativeAltitude(m)",
        "altimeterPressure(kPa)",
    ]
)


def sensorlog_csv(
    t_s: NDArray[np.float64],
    acc_m_s2: NDArray[np.float64],
    gyro: NDArray[np.float64],
    *,
    sep: str = ",",
    boot_s: float = 351234.25,
) -> bytes:
    """SensorLog rows: raw CoreMotion acceleration in g with the iOS sign."""
    acc_g_ios = -acc_m_s2 / STANDARD_GRAVITY_M_S2
    lines = [sep.join(SENSORLOG_COLS)]
    start = datetime(2023, 10, 28, 15, 52, 24, 401000, tzinfo=timezone(timedelta(hours=2)))
    for i, t in enumerate(t_s.tolist()):
        ts = boot_s + t
        w = start + timedelta(seconds=t + 0.0004)  # logged just after the sample
        when = w.strftime("%Y-%m-%d %H:%M:%S.") + f"{w.microsecond // 1000:03d} +0200"
        row = [
            when,
            str(i),
            f"{ts:.6f}",
            *(f"{v:.6f}" for v in acc_g_ios[i]),
            f"{ts:.6f}",
            *(f"{v:.6f}" for v in gyro[i]),
            f"{boot_s:.6f}",
            "0",
            "0.000000",
            "101.325000",
        ]
        lines.append(sep.join(row))
    return ("\n".join(lines) + "\n").encode()
