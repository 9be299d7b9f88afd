"""Every output format round-trips through boneimu.io.read_recording."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from boneimu.io import read_recording
from boneimu.labels import load_labels
from firmware_sims import SimSession, simulate_session
from firmware_sims.writers import FORMATS


@pytest.fixture(scope="module")
def sims() -> dict[str, SimSession]:
    return {
        "android": simulate_session("heel_drop:1x3, walk:20s", seed=31, phone="android"),
        "ios": simulate_session("heel_drop:1x3, walk:20s", seed=31, phone="ios"),
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip(tmp_path: Path, sims: dict[str, SimSession], fmt: str) -> None:
    sim = sims["ios" if fmt == "sensor_logger_ios" else "android"]
    path = sim.write(tmp_path, fmt=fmt, stem="s")
    rec = read_recording(path)
    ref = sim.recording
    assert rec.n_samples == ref.n_samples
    # a bare phyphox CSV has only time since the experiment start
    assert rec.meta.time_is_absolute == (fmt != "phyphox_csv_semicolon")
    # phyphox prints seconds with 10 significant digits; the others keep integer nanoseconds
    tol_ns = 1000 if fmt.startswith("phyphox") else 0
    np.testing.assert_allclose(
        rec.time_ns - rec.time_ns[0], ref.time_ns - ref.time_ns[0], atol=tol_ns, rtol=0
    )
    if rec.meta.time_is_absolute:
        assert abs(int(rec.time_ns[0]) - int(ref.time_ns[0])) < 1000
    np.testing.assert_allclose(rec.acc_m_s2, ref.acc_m_s2, atol=2e-6, rtol=1e-8)
    if fmt.startswith("phyphox"):
        assert not rec.has_gyro  # the "Acceleration with g" experiment has no gyroscope
    else:
        assert rec.gyro_rad_s is not None and ref.gyro_rad_s is not None
        ok = ~np.isnan(ref.gyro_rad_s[:, 0])
        np.testing.assert_allclose(rec.gyro_rad_s[ok], ref.gyro_rad_s[ok], atol=2e-6)
    lab = load_labels(tmp_path / "s.labels.json")
    assert lab.recording == path.name


def test_zip_is_reproducible(tmp_path: Path, sims: dict[str, SimSession]) -> None:
    a = sims["android"].write(tmp_path / "a", fmt="sensor_logger_android", stem="s")
    b = simulate_session("heel_drop:1x3, walk:20s", seed=31).write(
        tmp_path / "b", fmt="sensor_logger_android", stem="s"
    )
    assert a.read_bytes() == b.read_bytes()


def test_unknown_format(tmp_path: Path, sims: dict[str, SimSession]) -> None:
    from boneimu.errors import ConfigError

    with pytest.raises(ConfigError):
        sims["android"].write(tmp_path, fmt="excel")
