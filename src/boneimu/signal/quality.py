"""Recording quality checks: accelerometer clipping, gravity direction, per-axis ranges.

Pure functions over canonical arrays (m/s², gravity included, Android sign; docs/units.md).
Results are small pydantic models because they end up in ``boneimu info --json``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from boneimu.units import STANDARD_GRAVITY_M_S2

TYPICAL_FULL_SCALES_G: tuple[float, ...] = (2.0, 4.0, 8.0, 16.0)
"""Accelerometer ranges phones and wearables ship with."""
FULL_SCALE_TOLERANCE = 0.05
"""An extreme within ±5% of a typical full scale counts as 'at a range limit'."""
KNOWN_RANGE_TOLERANCE = 0.005
"""With a known range, |value| >= (1 - 0.5%) x full scale counts as clipped (the top count
of an n-bit converter is one LSB short of full scale)."""
MIN_CLIP_RUN = 2
AXES = ("x", "y", "z")

# What the axis that points up says about a phone in the Android device frame
# (x to the right of the screen, y to the top edge, z out of the screen).
_POSE: dict[str, str] = {
    "+x": "device on its side, right edge up (landscape)",
    "-x": "device on its side, left edge up (landscape)",
    "+y": "device upright, top edge up (e.g. phone in a trouser pocket or belt holder)",
    "-y": "device upside down, top edge down (e.g. phone top-first in a pocket)",
    "+z": "device lying screen up (or strapped to a reclining body)",
    "-z": "device lying screen down",
}


class AxisRange(BaseModel):
    model_config = ConfigDict(extra="forbid")
    axis: Literal["x", "y", "z"]
    min_m_s2: float
    max_m_s2: float
    min_g: float
    max_g: float


class Clipping(BaseModel):
    """Samples stuck at the accelerometer's range limit (impact peaks there are lower bounds)."""

    model_config = ConfigDict(extra="forbid")
    detected: bool
    method: Literal["known_range", "plateau", "none"] = Field(
        description="known_range: meta.acc_range_g; plateau: runs at an extreme near a typical "
        "full scale; none: nothing to check"
    )
    full_scale_g: float | None = Field(description="range limit used or inferred")
    n_samples: int = Field(description="samples with at least one axis at the limit")
    fraction: float
    axes: list[str] = Field(default_factory=list, description="e.g. ['+z', '-y']")


class GravityDirection(BaseModel):
    """Which device axis points up, from the mean specific force over the recording."""

    model_config = ConfigDict(extra="forbid")
    mean_m_s2: tuple[float, float, float]
    norm_m_s2: float
    up_axis: Literal["+x", "-x", "+y", "-y", "+z", "-z"]
    tilt_deg: float = Field(description="angle between that axis and vertical")
    description: str


def axis_ranges(acc_m_s2: NDArray[np.floating]) -> list[AxisRange]:
    """Minimum and maximum of each axis, in m/s² and g."""
    a = np.asarray(acc_m_s2, dtype=np.float64)
    lo, hi = np.nanmin(a, axis=0), np.nanmax(a, axis=0)
    return [
        AxisRange(
            axis=AXES[k],  # type: ignore[arg-type]
            min_m_s2=float(lo[k]),
            max_m_s2=float(hi[k]),
            min_g=float(lo[k] / STANDARD_GRAVITY_M_S2),
            max_g=float(hi[k] / STANDARD_GRAVITY_M_S2),
        )
        for k in range(3)
    ]


def _near_full_scale_g(value_g: float) -> float | None:
    for fs in TYPICAL_FULL_SCALES_G:
        if abs(abs(value_g) - fs) <= FULL_SCALE_TOLERANCE * fs:
            return fs
    return None


def _has_run(is_at: NDArray[np.bool_], min_run: int) -> bool:
    """True when ``is_at`` holds ``min_run`` consecutive True values."""
    if is_at.size < min_run:
        return False
    window = np.convolve(is_at.astype(np.int32), np.ones(min_run, dtype=np.int32), mode="valid")
    return bool(np.any(window >= min_run))


def detect_clipping(
    acc_m_s2: NDArray[np.floating], *, acc_range_g: float | None = None
) -> Clipping:
    """Find samples at the sensor's range limit.

    With ``acc_range_g`` known: samples with any axis at or beyond (1 - 0.5%) of full scale.
    Otherwise, per axis and sign: the extreme value, if it lies within 5% of a typical full
    scale (2/4/8/16 g) and occurs in a run of >= 2 consecutive identical samples (a plateau:
    real signals do not repeat a float exactly at their peak), marks every sample equal to it.
    """
    a = np.asarray(acc_m_s2, dtype=np.float64)
    n = a.shape[0]
    if n == 0:
        return Clipping(detected=False, method="none", full_scale_g=None, n_samples=0, fraction=0.0)
    if acc_range_g is not None:
        limit = acc_range_g * STANDARD_GRAVITY_M_S2 * (1.0 - KNOWN_RANGE_TOLERANCE)
        hit_pos, hit_neg = a >= limit, a <= -limit
        method: Literal["known_range", "plateau"] = "known_range"
        full_scale: float | None = acc_range_g
    else:
        method = "plateau"
        hit_pos = np.zeros_like(a, dtype=bool)
        hit_neg = np.zeros_like(a, dtype=bool)
        scales: list[float] = []
        for k in range(3):
            col = a[:, k]
            for extreme, hits in ((np.nanmax(col), hit_pos), (np.nanmin(col), hit_neg)):
                wrong_sign = extreme <= 0 if hits is hit_pos else extreme >= 0
                fs = _near_full_scale_g(float(extreme) / STANDARD_GRAVITY_M_S2)
                if wrong_sign or fs is None:
                    continue
                at = col == extreme
                if _has_run(at, MIN_CLIP_RUN):
                    hits[:, k] = at
                    scales.append(fs)
        full_scale = max(scales) if scales else None
    any_hit = (hit_pos | hit_neg).any(axis=1)
    n_hit = int(any_hit.sum())
    axes = [f"+{AXES[k]}" for k in range(3) if hit_pos[:, k].any()]
    axes += [f"-{AXES[k]}" for k in range(3) if hit_neg[:, k].any()]
    return Clipping(
        detected=n_hit > 0,
        method=method,
        full_scale_g=full_scale,
        n_samples=n_hit,
        fraction=n_hit / n,
        axes=axes,
    )


def gravity_direction(acc_m_s2: NDArray[np.floating]) -> GravityDirection:
    """The device axis closest to 'up', from the mean of the (gravity-including) signal.

    In the Android convention a device at rest reads +9.81 m/s² on the axis pointing up, so the
    mean vector points up in the device frame. Movement averages out over a recording; a mean
    much shorter than 1 g means the device turned a lot (the direction is then uncertain).
    """
    a = np.asarray(acc_m_s2, dtype=np.float64)
    mean = np.nanmean(a, axis=0)
    norm = float(np.linalg.norm(mean))
    k = int(np.argmax(np.abs(mean)))
    sign = "+" if mean[k] >= 0 else "-"
    up = f"{sign}{AXES[k]}"
    cos = abs(float(mean[k])) / norm if norm > 0 else 0.0
    tilt = float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
    return GravityDirection(
        mean_m_s2=(float(mean[0]), float(mean[1]), float(mean[2])),
        norm_m_s2=norm,
        up_axis=up,  # type: ignore[arg-type]
        tilt_deg=tilt,
        description=f"{up} up: {_POSE[up]}",
    )
