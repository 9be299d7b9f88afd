"""phyphox "Acceleration with g" exports: the zip (comma CSV + meta/) and a bare CSV variant.

Android number style ``9.364549000E-3`` (Java exponent, 10 significant digits); the
semicolon variant uses a decimal comma. Values in m/s² with the Android sign; ``Time (s)`` from
the experiment start; ``meta/time.csv`` anchors it to Unix time (START event).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from boneimu.units import NS_PER_S
from firmware_sims.writers._util import csv_text, java_exponent, write_zip

if TYPE_CHECKING:
    from firmware_sims.session import SimSession

HEADER = [
    "Time (s)",
    "Acceleration x (m/s^2)",
    "Acceleration y (m/s^2)",
    "Acceleration z (m/s^2)",
    "Absolute acceleration (m/s^2)",
]


def _table(sim: SimSession, sep: str, decimal_comma: bool) -> bytes:
    acc = sim.acc_stream
    # phyphox keeps one row per delivered sample; it has no duplicate timestamps
    keep = np.concatenate([[True], np.diff(acc.time_ns) > 0])
    t = acc.time_ns[keep].astype(np.float64) / NS_PER_S
    v = acc.values[keep]
    cols = {
        "t": t,
        "x": v[:, 0],
        "y": v[:, 1],
        "z": v[:, 2],
        "a": np.linalg.norm(v, axis=1),
    }
    body = csv_text(cols, float_format="%.9E", sep=sep).split("\n", 1)[1]
    body = java_exponent(body)
    if decimal_comma:
        body = body.replace(".", ",")
    head = sep.join(f'"{h}"' for h in HEADER) + "\n"
    return (head + body).encode()


def _meta(sim: SimSession) -> list[tuple[str, bytes]]:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n")
    w.writerow(["property", "value"])
    for k, val in [
        ("version", "1.1.16"),
        ("build", "1011601"),
        ("fileFormat", "1.18"),
        ("deviceModel", sim.spec.device),
        ("deviceBrand", "Simulated"),
        ("deviceBoard", "sim"),
        ("deviceManufacturer", "boneimu"),
        ("deviceBaseOS", ""),
        ("deviceCodename", "sim"),
        ("deviceRelease", "14"),
    ]:
        w.writerow([k, val])
    dev = buf.getvalue().encode()
    start_s = sim.epoch_ns / NS_PER_S
    text = sim.start_time_utc.strftime("%Y-%m-%d %H:%M:%S.000 UTC+00:00")
    tbuf = io.StringIO()
    tbuf.write('"event","experiment time","system time","system time text"\n')
    tbuf.write(f'"START",0.000000000E0,{java_exponent(f"{start_s:.12E}")},"{text}"\n')
    end = float(sim.acc_stream.time_ns[-1]) / NS_PER_S
    text_end = sim.start_time_utc.timestamp() + end
    tbuf.write(
        f'"PAUSE",{java_exponent(f"{end:.9E}")},{java_exponent(f"{text_end:.12E}")},"{text}"\n'
    )
    return [("meta/device.csv", dev), ("meta/time.csv", tbuf.getvalue().encode())]


def write_phyphox_zip(sim: SimSession, path: Path) -> Path:
    return write_zip(path, [("Raw Data.csv", _table(sim, ",", False)), *_meta(sim)])


def write_phyphox_csv_semicolon(sim: SimSession, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_table(sim, ";", True))
    return path
