"""Property tests over the readers: written values read back; garbage never escapes untyped."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
from _app_files import (
    PHYPHOX_VARIANTS,
    phyphox_csv,
    sensor_logger_csv,
    sensor_logger_members,
    sensor_logger_metadata,
    write_zip,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from boneimu.errors import BoneimuError
from boneimu.io import actigraph, generic_csv, phyphox, read_recording, sensor_logger, sensorlog

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _signal(seed: int, n: int, scale: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.uniform(-scale, scale, (n, 3))


@SETTINGS
@given(
    variant=st.sampled_from(list(PHYPHOX_VARIANTS)),
    platform=st.sampled_from(["android", "ios"]),
    fs_hz=st.floats(20.0, 200.0),
    n=st.integers(20, 200),
    scale=st.sampled_from([1e-3, 1.0, 160.0]),
    seed=st.integers(0, 2**16),
)
def test_phyphox_round_trip(
    variant: str, platform: str, fs_hz: float, n: int, scale: float, seed: int
) -> None:
    n = max(n, int(3.2 * fs_hz))
    t_s = np.arange(n) / fs_hz
    acc = _signal(seed, n, scale)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "Raw Data.csv"
        p.write_bytes(phyphox_csv(t_s, acc, variant=variant, platform=platform))
        rec = read_recording(p)
    # both platforms write 10 significant digits
    np.testing.assert_allclose(rec.acc_m_s2, acc, rtol=1e-9, atol=1e-300)
    want_ns = np.rint(t_s * 1e9).astype(np.int64)
    assert np.abs(rec.time_ns - want_ns).max() <= max(1, int(t_s[-1] * 1e-9 * 1e9) + 1)


@SETTINGS
@given(
    t0=st.integers(1_000_000_000_000_000_000, 4_000_000_000_000_000_000),
    step_ns=st.integers(5_000_000, 50_000_000),
    seed=st.integers(0, 2**16),
)
def test_sensor_logger_round_trip_exact(t0: int, step_ns: int, seed: int) -> None:
    n = 3 * 1_000_000_000 // step_ns + 12
    rng = np.random.default_rng(seed)
    t = t0 + np.cumsum(rng.integers(step_ns, step_ns * 3 // 2, n)).astype(np.int64)
    acc = _signal(seed, n, 80.0)
    with tempfile.TemporaryDirectory() as d:
        files = {
            "Metadata.csv": sensor_logger_metadata(platform="android", standardisation=False),
            "TotalAcceleration.csv": sensor_logger_csv(t, acc),
        }
        p = write_zip(Path(d) / "r.zip", sensor_logger_members(files))
        rec = read_recording(p)
    np.testing.assert_array_equal(rec.time_ns, t)  # integer ns survive exactly
    np.testing.assert_array_equal(rec.acc_m_s2, acc)  # shortest repr floats are exact


@SETTINGS
@given(
    unit=st.sampled_from(["s", "ms", "us", "ns"]),
    fs_hz=st.floats(20.0, 400.0),
    seed=st.integers(0, 2**16),
)
def test_generic_time_units(unit: str, fs_hz: float, seed: int) -> None:
    n = int(3.5 * fs_hz)
    per = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1.0}[unit]
    t_ns = np.rint(np.arange(n) * 1e9 / fs_hz).astype(np.int64) + 1_000_000_000
    acc = _signal(seed, n, 2.0)
    t_text = [repr(float(v / per)) if unit != "ns" else str(int(v)) for v in t_ns]
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "g.csv"
        p.write_text(
            "t,a,b,c\n"
            + "".join(
                f"{t},{x!r},{y!r},{z!r}\n"
                for t, (x, y, z) in zip(t_text, acc.tolist(), strict=True)
            )
        )
        rec = read_recording(p, time_col="t", time_unit=unit, acc_cols="a,b,c", acc_unit="g")
    assert np.abs(rec.time_ns - t_ns).max() <= 1
    np.testing.assert_allclose(rec.acc_m_s2, acc * 9.80665, rtol=1e-15)


_READERS = [
    read_recording,
    phyphox.read,
    sensor_logger.read,
    sensorlog.read,
    actigraph.read,
    lambda p: generic_csv.read(p, acc_cols="0,1,2", acc_unit="g", rate_hz=50, header=False),
]
_PREFIXES = [
    b"",
    b'"Time (s)","Acceleration x (m/s^2)"',
    b"time,seconds_elapsed,z,y,x\n",
    b"PK\x03\x04",
    b'[{"sensor": ',
    b"------------ Data File Created By ActiGraph",
    b"loggingTime(txt),accelerometerTimestamp_sinceReboot(s)\n",
    b"\x1f\x8b",
]


@settings(max_examples=60, deadline=None)
@given(
    prefix=st.sampled_from(_PREFIXES),
    body=st.binary(max_size=600),
    which=st.integers(0, len(_READERS) - 1),
)
def test_garbage_only_raises_boneimu_errors(prefix: bytes, body: bytes, which: int) -> None:
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "garbage.csv"
        p.write_bytes(prefix + body)
        try:
            _READERS[which](p)
        except BoneimuError as exc:
            assert "\n" not in str(exc)
