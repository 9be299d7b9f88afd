"""Each sensor-model fault knob does what it says (one test per knob)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from boneimu.units import NS_PER_S
from boneimu.units import STANDARD_GRAVITY_M_S2 as G
from firmware_sims import simulate_session
from firmware_sims.sensors import SampledStream, StreamSpec, phone_spec, sample_stream

FS_FINE = 1000.0
T = np.arange(int(20 * FS_FINE)) / FS_FINE


def _ideal(**kw: object) -> StreamSpec:
    base = phone_spec("ideal", fs_hz=100.0).acc
    return replace(base, **kw)  # type: ignore[arg-type]


def _const(value: tuple[float, float, float] = (0.0, 0.0, G)) -> np.ndarray:
    return np.tile(np.asarray(value), (T.size, 1))


def _sample(spec: StreamSpec, x: np.ndarray | None = None, seed: int = 0) -> SampledStream:
    return sample_stream(
        T, _const() if x is None else x, spec, np.random.default_rng(seed), fine_fs_hz=FS_FINE
    )


def test_rate_and_ideal_values() -> None:
    s = _sample(_ideal())
    dt = np.diff(s.time_ns) / NS_PER_S
    np.testing.assert_allclose(dt, 0.01, atol=1e-9)
    np.testing.assert_allclose(s.values, _const()[: len(s.values)], atol=1e-9)


def test_jitter() -> None:
    s = _sample(_ideal(jitter_ms=1.0))
    dt_ms = np.diff(s.time_ns) / 1e6
    assert 1.2 < dt_ms.std() < 1.6  # difference of two jitters: sqrt(2) x 1 ms
    assert (dt_ms > 0).all()
    np.testing.assert_allclose(np.median(dt_ms), 10.0, atol=0.1)


def test_clock_ppm() -> None:
    s = _sample(_ideal(clock_ppm=500.0))
    period = np.mean(np.diff(s.time_ns)) / NS_PER_S
    assert abs(abs(period - 0.01) - 0.01 * 500e-6) < 1e-9


def test_dropped_samples() -> None:
    s = _sample(_ideal(drop_prob=0.05))
    assert 60 < s.n_dropped < 140  # ~5 % of 2000
    assert len(s.time_ns) == 2000 - s.n_dropped


def test_duplicated_samples() -> None:
    s = _sample(_ideal(dup_prob=0.02))
    dup = np.flatnonzero(np.diff(s.time_ns) == 0)
    assert dup.size == s.n_duplicated and 15 < dup.size < 70
    np.testing.assert_array_equal(s.values[dup], s.values[dup + 1])


def test_gaps() -> None:
    s = _sample(_ideal(gaps=((5.0, 2.0), (12.0, 0.5))))
    dt = np.diff(s.time_ns) / NS_PER_S
    big = np.sort(dt[dt > 0.1])
    np.testing.assert_allclose(big, [0.51, 2.01], atol=0.011)


def test_white_noise() -> None:
    s = _sample(_ideal(noise_rms=0.05))
    np.testing.assert_allclose((s.values - _const()[0]).std(axis=0), 0.05, rtol=0.1)


def test_bias_and_scale() -> None:
    s = _sample(_ideal(bias_sd=0.2, scale_error_sd=0.01), seed=3)
    off = s.values.mean(axis=0) - _const()[0]
    assert np.abs(off).max() > 0.01 and np.ptp(s.values, axis=0).max() < 1e-9


def test_bias_drift() -> None:
    s = _sample(_ideal(drift_rms=0.05))
    dev = s.values - _const()[0]
    np.testing.assert_allclose(dev.std(axis=0), 0.05, rtol=0.05)
    # drift is slow: neighbouring samples nearly equal
    assert np.abs(np.diff(dev, axis=0)).max() < 0.02


def test_quantisation() -> None:
    lsb = 0.0383
    x = _const((0.123, -0.456, 9.7))
    s = _sample(_ideal(lsb=lsb), x)
    np.testing.assert_allclose(s.values / lsb, np.round(s.values / lsb), atol=1e-9)


@pytest.mark.parametrize("range_g", [2.0, 4.0, 8.0, 16.0])
def test_range_clipping(range_g: float) -> None:
    x = _const((0.0, 0.0, G))
    x[5000:5050, 2] = 30.0 * G
    s = _sample(_ideal(range=range_g * G, bandwidth_hz=45.0), x)
    assert s.values[:, 2].max() == pytest.approx(range_g * G)
    sim = simulate_session("hop:1x4", seed=2, acc_range_g=range_g)
    assert sim.recording.meta.acc_range_g == range_g
    assert np.abs(sim.recording.acc_m_s2).max() <= range_g * G + 1e-9
    clipped = [r.clipped for s2 in sim.labels.sets for r in s2.reps]
    assert any(clipped) == (range_g <= 4.0)


def test_antialias_lowers_short_peaks() -> None:
    x = _const()
    x[5000:5010, 2] += 40.0  # a 10 ms spike
    wide = _sample(_ideal(bandwidth_hz=400.0), x)
    narrow = _sample(_ideal(bandwidth_hz=20.0), x)
    assert narrow.values[:, 2].max() < wide.values[:, 2].max()


def test_phone_gyro_has_its_own_clock() -> None:
    sim = simulate_session("stand:10s", seed=8, phone="android")
    assert sim.gyro_stream is not None
    assert not np.array_equal(sim.gyro_stream.time_ns, sim.acc_stream.time_ns)
    assert "gyroscope linearly interpolated" in " ".join(sim.recording.meta.conversions)
    ideal = simulate_session("stand:10s", seed=8, phone="ideal")
    assert ideal.gyro_stream is not None
    np.testing.assert_array_equal(ideal.gyro_stream.time_ns, ideal.acc_stream.time_ns)


def test_with_faults_on_a_session() -> None:
    spec = phone_spec("android", fs_hz=50.0).with_faults(gaps=((20.0, 3.0),), drop_prob=0.02)
    sim = simulate_session("walk:40s", seed=9, spec=spec)
    gaps = sim.recording.meta.gaps
    assert len(gaps) >= 1 and any(abs(g.duration_s - 3.0) < 0.1 for g in gaps)
    assert sim.acc_stream.n_dropped > 20


def test_accelerometer_only() -> None:
    sim = simulate_session("hop:1x3", seed=1, gyro=False)
    assert sim.gyro_stream is None and not sim.recording.has_gyro
