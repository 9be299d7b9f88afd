"""Device→host clock mapping: drift up to ±100 ppm over an hour, late deliveries, slewing."""

from __future__ import annotations

import numpy as np
import pytest

from boneimu.ble.timemap import DeviceClockMapper
from boneimu.units import NS_PER_S

DEVICE_T0_NS = 850_000_000 * NS_PER_S  # device clock, ns since 2000
HOST_T0_NS = 1_795_000_000 * NS_PER_S


def _session(drift_ppm: float, *, hours: float = 1.0, frame_s: float = 0.18, seed: int = 0):
    """Frames every ``frame_s`` true seconds: device stamp, host receive time (5 ms minimum
    latency + exponential jitter, 2 % of frames 0.3-1 s late), and the true host time."""
    rng = np.random.default_rng(seed)
    true_s = np.arange(0.0, hours * 3600, frame_s)
    dev = DEVICE_T0_NS + np.rint(true_s * (1 + drift_ppm * 1e-6) * NS_PER_S).astype(np.int64)
    true_host = HOST_T0_NS + np.rint(true_s * NS_PER_S).astype(np.int64)
    delay_s = 0.005 + rng.exponential(0.010, true_s.size)
    late = rng.random(true_s.size) < 0.02
    delay_s[late] += rng.uniform(0.3, 1.0, late.sum())
    recv = true_host + np.rint(delay_s * NS_PER_S).astype(np.int64)
    return dev, recv, true_host


@pytest.mark.parametrize("drift_ppm", [-100.0, 0.0, 35.0, 100.0])
def test_hour_long_drift_mapped_within_10_ms(drift_ppm: float) -> None:
    dev, recv, true_host = _session(drift_ppm)
    m = DeviceClockMapper()
    mapped = np.empty_like(dev)
    for i in range(dev.size):  # live: each frame mapped with what is known at its arrival
        m.observe(int(dev[i]), int(recv[i]))
        mapped[i] = m.map_block(dev[i : i + 1])[0]
    err_ms = (mapped - true_host) / 1e6
    settled = err_ms[int(10 / 0.18) :]  # after the first 10 s
    assert np.abs(settled).max() < 10.0, np.abs(settled).max()
    assert np.abs(err_ms).max() < 25.0
    assert m.drift_ppm == pytest.approx(-drift_ppm, abs=3.0)
    # times never run backwards and intervals stay within the slew limit (1000 ppm)
    steps = np.diff(mapped).astype(float) / np.diff(dev)
    assert steps.min() > 0.998 and steps.max() < 1.002


def test_late_deliveries_do_not_move_the_fit() -> None:
    dev, recv, _ = _session(0.0, hours=0.1)
    clean = DeviceClockMapper()
    noisy = DeviceClockMapper()
    rng = np.random.default_rng(1)
    for d, r in zip(dev, recv, strict=True):
        clean.observe(int(d), int(r))
        extra = int(rng.uniform(0, 2.0) * NS_PER_S) if rng.random() < 0.3 else 0
        noisy.observe(int(d), int(r) + extra)
    probe = dev[-10:]
    diff_ms = (noisy.to_host(probe) - clean.to_host(probe)) / 1e6
    assert np.abs(diff_ms).max() < 2.0


def test_to_host_requires_an_observation_and_reset_forgets() -> None:
    m = DeviceClockMapper()
    with pytest.raises(RuntimeError):
        m.to_host(np.array([1], dtype=np.int64))
    m.observe(1_000, 5_000)
    assert m.to_host(np.array([2_000]))[0] == 6_000
    m.reset()
    assert m.n_observations == 0
