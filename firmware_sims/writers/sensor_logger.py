"""Sensor Logger (Kelvin Choi's app) exports: Android zip and iOS folder.

Android: ``TotalAcceleration.csv`` (gravity included), ``Gyroscope.csv`` and ``Metadata.csv``
inside a folder
``<name>-YYYY-MM-DD_HH-MM-SS/`` in a zip. iOS (not standardised): ``Accelerometer.csv``
(userAcceleration) and ``Gravity.csv`` in m/s² with the iOS sign (opposite to Android),
``Gyroscope.csv`` (same sign), ``Metadata.csv`` with ``standardisation`` false, as a folder.
Columns ``time,seconds_elapsed,z,y,x`` (z, y, x order); ``time`` integer ns since the epoch.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from boneimu.units import NS_PER_S
from firmware_sims.writers._util import csv_text, write_zip

if TYPE_CHECKING:
    from firmware_sims.session import SimSession

APP_VERSION = "1.36.0"


def _stream_csv(time_ns: NDArray[np.int64], start_ns: int, v: NDArray[np.float64]) -> bytes:
    cols = {
        "time": time_ns,
        "seconds_elapsed": (time_ns - start_ns).astype(np.float64) / NS_PER_S,
        "z": v[:, 2],
        "y": v[:, 1],
        "x": v[:, 0],
    }
    return csv_text(cols, float_format="%.9g").encode()


def _gravity_at(sim: SimSession, t_true_s: NDArray[np.float64]) -> NDArray[np.float64]:
    """The phone's fused gravity estimate: true gravity, lightly smoothed, at sample instants."""
    g = sim.truth.gravity_m_s2
    grid = sim.motion.t_s
    return np.stack([np.interp(t_true_s, grid, g[:, k]) for k in range(3)], -1)


def _metadata(sim: SimSession, platform: str, standardisation: bool) -> bytes:
    start = sim.start_time_utc
    sensors = "Accelerometer|Gravity|Gyroscope" + (
        "|TotalAcceleration" if platform == "android" else ""
    )
    row = {
        "version": "3",
        "device name": sim.spec.device,
        "recording time": start.strftime("%Y-%m-%d_%H-%M-%S"),
        "platform": platform,
        "platform version": "14" if platform == "android" else "17.4",
        "appVersion": APP_VERSION,
        "recording timezone": "UTC",
        "recording epoch time": str(sim.epoch_ns // 1_000_000),
        "device id": f"sim-{sim.seed:08d}",
        "sensors": sensors,
        "sampleRateMs": f"{1000.0 / sim.spec.acc.fs_hz:g}",
        "standardisation": "true" if standardisation else "false",
    }
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(list(row))
    w.writerow(list(row.values()))
    return buf.getvalue().encode()


def _members(sim: SimSession, platform: str) -> list[tuple[str, bytes]]:
    acc = sim.acc_stream
    start = sim.epoch_ns
    t = acc.time_ns + start
    grav = _gravity_at(sim, acc.true_t_s)
    user = acc.values - grav
    out: list[tuple[str, bytes]] = []
    if platform == "android":
        out.append(("TotalAcceleration.csv", _stream_csv(t, start, acc.values)))
    else:  # iOS sign: opposite to Android on every axis (not standardised)
        out.append(("Accelerometer.csv", _stream_csv(t, start, -user)))
        out.append(("Gravity.csv", _stream_csv(t, start, -grav)))
    if sim.gyro_stream is not None:
        g = sim.gyro_stream
        out.append(("Gyroscope.csv", _stream_csv(g.time_ns + start, start, g.values)))
    out.append(("Metadata.csv", _metadata(sim, platform, standardisation=False)))
    return out


def folder_name(sim: SimSession, stem: str) -> str:
    return f"{stem}-{sim.start_time_utc.strftime('%Y-%m-%d_%H-%M-%S')}"


def write_android_zip(sim: SimSession, path: Path) -> Path:
    folder = folder_name(sim, path.stem)
    return write_zip(path, [(f"{folder}/{n}", b) for n, b in _members(sim, "android")])


def write_ios_folder(sim: SimSession, path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for name, data in _members(sim, "ios"):
        (path / name).write_bytes(data)
    return path
