"""The canonical recording: what every reader returns and everything downstream consumes.

Conventions (docs/units.md):
- ``time_ns``: int64 nanoseconds, strictly increasing. Unix epoch (UTC) when the source gives
  absolute time (``meta.time_is_absolute``), else nanoseconds from an arbitrary origin.
- ``acc_m_s2``: (n, 3) float64 specific force INCLUDING gravity in the device frame, m/s²,
  Android sign convention (a device at rest reads +9.81 on the axis pointing up).
- ``gyro_rad_s``: (n, 3) float64 angular rate in rad/s on the same time base, or None.
  NaN rows mark instants where the gyroscope stream had a gap (never interpolated across).
- ``baro``: barometer on its own (slower) time base, or None.
Sample indices are 0-based; intervals are half-open [start, end).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from boneimu.units import NS_PER_S

Placement = Literal["waist", "lower_back", "thigh", "chest"]
PLACEMENTS: tuple[Placement, ...] = ("waist", "lower_back", "thigh", "chest")
Platform = Literal["android", "ios", "other"]

MIN_DURATION_S = 3.0
"""Recordings shorter than this cannot be analysed; readers refuse them."""
MIN_SAMPLES = 10
MIN_ANALYSIS_RATE_HZ = 20.0
"""Analysis refuses recordings sampled below this rate."""


class Gap(BaseModel):
    """An interval with no samples, longer than the recording's gap limit."""

    model_config = ConfigDict(extra="forbid")
    start_s: float = Field(description="last sample before the gap, s from first sample")
    end_s: float = Field(description="first sample after the gap, s from first sample")
    after_index: int = Field(description="index of the last sample before the gap")

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


class ResampleInfo(BaseModel):
    """What :func:`boneimu.signal.resample.resample_recording` did."""

    model_config = ConfigDict(extra="forbid")
    method: Literal["linear"] = "linear"
    from_rate_hz: float
    to_rate_hz: float
    n_samples_in: int
    n_samples_out: int
    n_segments: int = Field(description="contiguous parts resampled separately (gaps kept)")
    gap_limit_s: float


class RecordingMeta(BaseModel):
    """Everything known about a recording besides its arrays."""

    model_config = ConfigDict(extra="forbid")
    source_path: str | None = None
    source_format: str = Field(description="reader that produced it, e.g. 'sensor_logger_zip'")
    source_app: str | None = None
    source_app_version: str | None = None
    platform: Platform | None = None
    platform_version: str | None = None
    device: str | None = None
    placement: Placement | None = None
    nominal_rate_hz: float | None = None
    measured_rate_hz: float = Field(description="1 / median sample interval")
    jitter_ms: float = Field(description="SD of sample intervals that are not gaps, ms")
    gap_limit_s: float = Field(description="intervals longer than this are gaps")
    gaps: list[Gap] = Field(default_factory=list)
    time_is_absolute: bool = False
    start_time_utc: datetime | None = None
    timezone: str | None = None
    acc_range_g: float | None = Field(default=None, description="sensor full scale if known")
    conversions: list[str] = Field(default_factory=list)
    acc_reconstructed: bool = Field(
        default=False, description="total acceleration = user acceleration + gravity"
    )
    n_duplicates_dropped: int = 0
    n_invalid_rows_dropped: int = 0
    gyro_rate_hz: float | None = None
    warnings: list[str] = Field(default_factory=list)
    resampled: ResampleInfo | None = None
    extra: dict[str, str] = Field(default_factory=dict, description="source-specific fields")


@dataclass(frozen=True, slots=True, eq=False)
class Barometer:
    """Barometric pressure on its own time base."""

    time_ns: NDArray[np.int64]
    pressure_hpa: NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class Recording:
    """One IMU recording in canonical units. Build it with ``boneimu.io.finish_recording``."""

    time_ns: NDArray[np.int64]
    acc_m_s2: NDArray[np.float64]
    meta: RecordingMeta
    gyro_rad_s: NDArray[np.float64] | None = None
    baro: Barometer | None = field(default=None)

    @property
    def n_samples(self) -> int:
        return int(self.time_ns.shape[0])

    @property
    def has_gyro(self) -> bool:
        return self.gyro_rad_s is not None

    @property
    def fs_hz(self) -> float:
        """Measured sample rate (1 / median interval)."""
        return self.meta.measured_rate_hz

    @property
    def duration_s(self) -> float:
        return float(self.time_ns[-1] - self.time_ns[0]) / NS_PER_S

    @property
    def t_s(self) -> NDArray[np.float64]:
        """Seconds from the first sample (float64; exact to well below a microsecond for 24 h)."""
        return (self.time_ns - self.time_ns[0]).astype(np.float64) / NS_PER_S

    def segments(self) -> list[slice]:
        """Contiguous runs of samples between gaps, as index slices."""
        cuts = [g.after_index + 1 for g in self.meta.gaps]
        bounds = [0, *cuts, self.n_samples]
        return [slice(a, b) for a, b in itertools.pairwise(bounds) if b > a]

    def with_meta(self, **changes: object) -> Recording:
        """A copy with metadata fields changed (arrays shared)."""
        return replace(self, meta=self.meta.model_copy(update=changes))
