"""Phone / IMU sensor models: what turns true device-frame signals into recorded samples.

Pipeline per stream (accelerometer, gyroscope; each on its own clock for phones):
1. anti-alias low-pass of the sensor's digital filter (causal, 2nd-order Butterworth at
   ``bandwidth_hz``, default 0.4 × rate);
2. sample instants: regular at the nominal rate with a clock error (ppm) and a random phase;
3. dropped samples (i.i.d.), gaps (whole intervals missing);
4. scale error, constant bias, slow bias drift (random walk), white noise;
5. quantisation to the LSB and clipping to the full-scale range;
6. reported timestamps = true instants + jitter (kept strictly increasing); duplicated rows
   (same timestamp and values, as some Android stacks deliver).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray
from scipy import signal as sps

from boneimu.units import NS_PER_S, STANDARD_GRAVITY_M_S2

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class StreamSpec:
    """Error model of one sensor stream (units of the stream: m/s² or rad/s)."""

    fs_hz: float
    range: float
    """Full scale (± this value); samples beyond are clipped."""
    lsb: float | None
    """Quantisation step (None: no quantisation)."""
    noise_rms: float
    bias_sd: float
    scale_error_sd: float
    drift_rms: float
    """RMS of the slow bias drift over the session."""
    jitter_ms: float
    clock_ppm: float = 0.0
    drop_prob: float = 0.0
    dup_prob: float = 0.0
    gaps: tuple[tuple[float, float], ...] = ()
    """(start_s, duration_s) intervals with no samples."""
    bandwidth_hz: float | None = None


@dataclass(frozen=True)
class SensorSpec:
    """A phone or IMU: accelerometer and (optional) gyroscope streams plus identity."""

    acc: StreamSpec
    gyro: StreamSpec | None
    platform: str = "android"
    device: str = "Simulated phone"
    separate_gyro_clock: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def acc_range_g(self) -> float:
        return self.acc.range / STANDARD_GRAVITY_M_S2

    def with_faults(self, **changes: object) -> SensorSpec:
        """A copy with accelerometer fault knobs changed (gyro gets drop/gap knobs too)."""
        acc = replace(self.acc, **changes)  # type: ignore[arg-type]
        gy_keys = {"drop_prob", "dup_prob", "gaps", "jitter_ms", "clock_ppm"}
        gyro = (
            replace(self.gyro, **{k: v for k, v in changes.items() if k in gy_keys})  # type: ignore[arg-type]
            if self.gyro is not None
            else None
        )
        return replace(self, acc=acc, gyro=gyro)


def phone_spec(
    phone: str = "android",
    *,
    fs_hz: float = 100.0,
    gyro: bool = True,
    acc_range_g: float | None = None,
) -> SensorSpec:
    """Typical error figures for a phone IMU (MEMS datasheet magnitudes: ~150–200 µg/√Hz,
    mg-level bias, 0.5–1 % scale error; gyro ~0.01 °/s/√Hz)."""
    g = STANDARD_GRAVITY_M_S2
    if phone == "android":
        rng_g = 8.0 if acc_range_g is None else acc_range_g
        acc = StreamSpec(
            fs_hz=fs_hz,
            range=rng_g * g,
            lsb=rng_g * g / 32768.0,
            noise_rms=0.012,
            bias_sd=0.04,
            scale_error_sd=0.005,
            drift_rms=0.01,
            jitter_ms=0.6,
            clock_ppm=40.0,
            drop_prob=0.001,
            dup_prob=0.0005,
        )
        dev = "Simulated Android phone"
    elif phone == "ios":
        rng_g = 16.0 if acc_range_g is None else acc_range_g
        acc = StreamSpec(
            fs_hz=fs_hz,
            range=rng_g * g,
            lsb=rng_g * g / 32768.0,
            noise_rms=0.01,
            bias_sd=0.03,
            scale_error_sd=0.004,
            drift_rms=0.008,
            jitter_ms=0.25,
            clock_ppm=20.0,
        )
        dev = "Simulated iPhone"
    elif phone == "ideal":
        rng_g = 64.0 if acc_range_g is None else acc_range_g
        acc = StreamSpec(
            fs_hz=fs_hz,
            range=rng_g * g,
            lsb=None,
            noise_rms=0.0,
            bias_sd=0.0,
            scale_error_sd=0.0,
            drift_rms=0.0,
            jitter_ms=0.0,
        )
        dev = "Ideal sensor"
    else:
        raise ValueError(f"unknown phone {phone!r}; known: android, ios, ideal")
    gy = None
    if gyro:
        ideal = phone == "ideal"
        gy = StreamSpec(
            fs_hz=fs_hz,
            range=2000.0 * np.pi / 180.0,
            lsb=None if ideal else 2000.0 * np.pi / 180.0 / 32768.0,
            noise_rms=0.0 if ideal else 0.004,
            bias_sd=0.0 if ideal else 0.005,
            scale_error_sd=0.0 if ideal else 0.005,
            drift_rms=0.0 if ideal else 0.002,
            jitter_ms=acc.jitter_ms,
            clock_ppm=acc.clock_ppm,
            drop_prob=acc.drop_prob,
        )
    platform = "ios" if phone == "ios" else ("android" if phone == "android" else "other")
    return SensorSpec(
        acc=acc, gyro=gy, platform=platform, device=dev, separate_gyro_clock=phone != "ideal"
    )


@dataclass(frozen=True, eq=False)
class SampledStream:
    """Recorded samples of one stream: reported times and values, plus truth for testing."""

    time_ns: NDArray[np.int64]
    """Reported timestamps, ns from the session's motion origin (t = 0)."""
    values: FloatArray
    true_t_s: FloatArray
    """True sampling instants in motion time, s (duplicates repeat their source instant)."""
    n_dropped: int
    n_duplicated: int


def antialias(x: FloatArray, *, fs_hz: float, bandwidth_hz: float) -> FloatArray:
    """The sensor's causal digital low-pass (2nd-order Butterworth) on the fine motion grid."""
    if bandwidth_hz >= fs_hz / 2:
        return np.asarray(x, dtype=np.float64)
    sos = sps.butter(2, bandwidth_hz, fs=fs_hz, output="sos")
    zi = sps.sosfilt_zi(sos)[:, :, None] * x[0][None, None, :]
    y, _ = sps.sosfilt(sos, x, axis=0, zi=zi)
    return np.asarray(y)


def sample_stream(
    t_fine_s: FloatArray,
    x_fine: FloatArray,
    spec: StreamSpec,
    rng: np.random.Generator,
    *,
    fine_fs_hz: float,
    instants: tuple[FloatArray, NDArray[np.int64]] | None = None,
) -> SampledStream:
    """Sample a fine-grid true signal (n, 3) as a sensor with ``spec`` would record it.

    ``instants`` = (true instants s, reported ns) samples on another stream's clock (a sensor
    sharing the accelerometer's timestamps); timing knobs of ``spec`` are then ignored.
    """
    bw = spec.bandwidth_hz or 0.4 * spec.fs_hz
    x = antialias(x_fine, fs_hz=fine_fs_hz, bandwidth_hz=bw)
    t_end = float(t_fine_s[-1])
    period = (1.0 + spec.clock_ppm * 1e-6 * rng.choice([-1.0, 1.0])) / spec.fs_hz
    if instants is not None:
        t_true = instants[0]
        n_dropped = 0
    else:
        phase = rng.uniform(0.0, period)
        n = int((t_end - phase) / period) + 1
        t_true = phase + np.arange(n) * period
        keep = rng.random(n) >= spec.drop_prob
        keep[0] = True
        for g0, gd in spec.gaps:
            keep &= ~((t_true >= g0) & (t_true < g0 + gd))
        n_dropped = int(n - keep.sum())
        t_true = t_true[keep]
    vals = np.stack([np.interp(t_true, t_fine_s, x[:, k]) for k in range(3)], -1)
    m = t_true.size
    scale = 1.0 + rng.normal(0.0, spec.scale_error_sd, 3)
    bias = rng.normal(0.0, spec.bias_sd, 3)
    vals = vals * scale + bias
    if spec.drift_rms > 0 and m > 2:
        walk = np.cumsum(rng.standard_normal((m, 3)), axis=0)
        walk -= walk.mean(axis=0)
        sd = walk.std(axis=0)
        vals += walk / np.where(sd > 0, sd, 1.0) * spec.drift_rms
    if spec.noise_rms > 0:
        vals += rng.normal(0.0, spec.noise_rms, (m, 3))
    if spec.lsb:
        vals = np.round(vals / spec.lsb) * spec.lsb
    vals = np.clip(vals, -spec.range, spec.range)
    if instants is not None:
        return SampledStream(instants[1], vals, t_true, 0, 0)
    jit = np.clip(rng.normal(0.0, spec.jitter_ms * 1e-3, m), -0.4 * period, 0.4 * period)
    t_rep = np.round((t_true + jit) * NS_PER_S).astype(np.int64)
    # jitter is bounded by 0.4 period, so reported times stay strictly increasing
    dup = np.flatnonzero(rng.random(m) < spec.dup_prob)
    if dup.size:
        idx = np.sort(np.concatenate([np.arange(m), dup]))
        t_rep, vals, t_true = t_rep[idx], vals[idx], t_true[idx]
    return SampledStream(t_rep, vals, t_true, n_dropped, int(dup.size))
