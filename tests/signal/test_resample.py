"""Uniform resampling per contiguous segment: known answers, gaps kept, metadata."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from boneimu.io._common import finish_recording_gyro_rows
from boneimu.signal.resample import resample_recording, resample_uniform
from boneimu.units import NS_PER_S

F_HZ = 1.5


def jittery_time(n: int, fs_hz: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    nominal = np.arange(n) * NS_PER_S / fs_hz
    return np.round(nominal + rng.uniform(-0.2, 0.2, n) * NS_PER_S / fs_hz).astype(np.int64)


def sine(t_ns: np.ndarray) -> np.ndarray:
    return np.sin(2 * np.pi * F_HZ * t_ns / NS_PER_S)


def test_sine_onto_uniform_grid_matches_the_true_sine() -> None:
    t = jittery_time(3000, 97.0)
    res = resample_uniform(t, sine(t), rate_hz=200.0, gap_limit_s=0.1)
    assert np.all(np.diff(res.time_ns) == 5_000_000)
    assert res.time_ns[0] == t[0] and res.time_ns[-1] <= t[-1]
    assert res.time_ns[-1] > t[-1] - 5_000_000
    # linear interpolation error bound: (omega * dt)^2 / 8 for a unit sine, plus jitter
    dt_s = 1.4 / 97.0
    assert_allclose(res.values, sine(res.time_ns), atol=(2 * np.pi * F_HZ * dt_s) ** 2 / 8)
    # the dominant frequency is still 1.5 Hz
    spec = np.abs(np.fft.rfft(res.values - res.values.mean()))
    freqs = np.fft.rfftfreq(res.values.size, d=1 / 200.0)
    assert abs(freqs[np.argmax(spec)] - F_HZ) < 0.02


def test_linear_signal_is_reproduced_exactly_and_2d_columns_independent() -> None:
    t = jittery_time(500, 50.0, seed=1)
    x = np.column_stack([t / NS_PER_S * 3.0 - 1.0, -2.0 * t / NS_PER_S])
    res = resample_uniform(t, x, rate_hz=64.0, gap_limit_s=0.2)
    assert res.values.shape == (res.time_ns.size, 2)
    assert_allclose(res.values[:, 0], res.time_ns / NS_PER_S * 3.0 - 1.0, atol=1e-9)
    assert_allclose(res.values[:, 1], -2.0 * res.time_ns / NS_PER_S, atol=1e-9)


def test_never_interpolates_across_a_gap() -> None:
    t = np.arange(1000, dtype=np.int64) * 10_000_000
    t[600:] += 2 * NS_PER_S  # a 2 s gap after sample 599
    x = np.where(np.arange(1000) < 600, 1.0, 5.0)
    res = resample_uniform(t, x, rate_hz=40.0, gap_limit_s=0.1)
    assert list(res.segment_starts) == [0, 240]  # 5.99 s at 40 Hz -> 240 samples
    seg2 = res.segment_starts[1]
    assert res.time_ns[seg2] == t[600]  # the second segment's grid starts at its first sample
    assert res.time_ns[seg2] - res.time_ns[seg2 - 1] > 2 * NS_PER_S
    assert np.all(res.values[:seg2] == 1.0) and np.all(res.values[seg2:] == 5.0)


def test_nan_input_stays_local() -> None:
    t = np.arange(200, dtype=np.int64) * 10_000_000
    x = np.ones(200)
    x[50] = np.nan
    res = resample_uniform(t, x, rate_hz=100.0, gap_limit_s=0.1)
    assert np.array_equal(np.flatnonzero(np.isnan(res.values)), [50])
    res2 = resample_uniform(t, x, rate_hz=30.0, gap_limit_s=0.1)
    assert 0 < np.isnan(res2.values).sum() <= 2


def test_rejects_bad_arguments() -> None:
    t = np.arange(10, dtype=np.int64)
    with pytest.raises(TypeError):
        resample_uniform(t.astype(np.float64), np.zeros(10), rate_hz=10.0, gap_limit_s=1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="positive"):
        resample_uniform(t, np.zeros(10), rate_hz=0.0, gap_limit_s=1.0)
    with pytest.raises(ValueError, match="strictly increasing"):
        resample_uniform(t[::-1].copy(), np.zeros(10), rate_hz=10.0, gap_limit_s=1.0)
    with pytest.raises(ValueError, match="rows"):
        resample_uniform(t, np.zeros(9), rate_hz=10.0, gap_limit_s=1.0)


def test_resample_recording_fills_meta_and_keeps_gaps() -> None:
    t = jittery_time(2000, 100.0, seed=2)
    t[1200:] += 3 * NS_PER_S
    acc = np.column_stack([sine(t), np.full(t.size, 9.80665), np.zeros(t.size)])
    gyro = np.column_stack([np.cos(2 * np.pi * t / NS_PER_S), np.zeros((t.size, 2))])
    rec = finish_recording_gyro_rows(
        None, time_ns=t, acc_m_s2=acc, gyro_rad_s=gyro, source_format="x", device="d"
    )
    assert len(rec.meta.gaps) == 1
    out = resample_recording(rec, 50.0)
    info = out.meta.resampled
    assert info is not None
    assert (info.from_rate_hz, info.to_rate_hz) == (rec.meta.measured_rate_hz, 50.0)
    assert (info.n_samples_in, info.n_samples_out) == (2000, out.n_samples)
    assert info.n_segments == 2 and info.gap_limit_s == rec.meta.gap_limit_s
    assert out.meta.measured_rate_hz == pytest.approx(50.0) and out.meta.jitter_ms < 1e-3
    assert len(out.meta.gaps) == 1
    assert out.meta.gaps[0].duration_s == pytest.approx(rec.meta.gaps[0].duration_s, abs=0.02)
    assert [s.start for s in out.segments()] == [0, out.meta.gaps[0].after_index + 1]
    assert out.meta.conversions[-1].startswith(
        f"resampled {rec.meta.measured_rate_hz:.2f} Hz -> 50 Hz"
    )
    assert any("anti-alias" in w for w in out.meta.warnings)
    assert out.meta.device == "d" and out.gyro_rad_s is not None
    assert_allclose(out.acc_m_s2[:, 0], sine(out.time_ns), atol=0.01)
    assert_allclose(out.gyro_rad_s[:, 0], np.cos(2 * np.pi * out.time_ns / NS_PER_S), atol=0.01)
    up = resample_recording(rec, 200.0)
    assert not any("anti-alias" in w for w in up.meta.warnings)
