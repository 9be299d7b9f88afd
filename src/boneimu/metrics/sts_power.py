"""Sit-to-stand (STS) power (Alcazar et al.) and vertical kinematics of one rise.

Alcazar's equation treats the rise as moving 90% of body mass (the legs below the knee stay
put) up by half the body height minus the chair height, during the concentric (rising) half
of each repetition:

    P [W] = 0.9 * m * g * (0.5 * height - chair_height) / t_concentric

with ``t_concentric = 0.5 * t_rep``; for the five-repetition test ``t_rep = T5 / 5`` so the
denominator is ``0.1 * T5``; for the 30-s chair stand ``t_rep = 30 / n``. A sensor-measured
concentric (rise) time can replace the 50% assumption.

The three assumptions (90% mass, leg length = 50% height, 50% of the time concentric) were
examined against force plates by Baltasar-Fernandez et al. (2021) Exp Gerontol 145:111213.

References: Alcazar J et al. (2018) The sit-to-stand muscle power test: an easy, inexpensive
and portable procedure to assess muscle power in older people. Exp Gerontol 112:38-43.
Alcazar J et al. (2021) Relative sit-to-stand power: aging trajectories, functionally relevant
cut-off points, and normative data. J Cachexia Sarcopenia Muscle 12:921-932.
See docs/algorithms/sit_to_stand_power.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from boneimu.errors import AnalysisError
from boneimu.units import STANDARD_GRAVITY_M_S2

DEFAULT_CHAIR_HEIGHT_M = 0.46
"""boneimu's default seat height: a common standard chair (~18 in). Not taken from Alcazar's
papers; measure the user's chair and pass it, since power scales with (0.5*height - chair)."""
MOVED_MASS_FRACTION = 0.9
"""Fraction of body mass raised in a sit-to-stand (Alcazar et al. 2018)."""
CONCENTRIC_FRACTION = 0.5
"""Fraction of a full sit-stand-sit repetition spent rising (Alcazar et al. 2018)."""


@dataclass(frozen=True)
class StsPower:
    """Mean concentric STS power: ``power_w`` (W), ``power_w_kg`` (W/kg body mass), and the
    rise height ``rise_m`` (0.5 * height - chair height) and ``concentric_s`` used."""

    power_w: float
    power_w_kg: float
    rise_m: float
    concentric_s: float


def _positive(name: str, value: float) -> None:
    if not (value > 0 and math.isfinite(value)):
        raise AnalysisError(f"{name} must be positive and finite, got {value!r}")


def sts_power(
    *,
    body_mass_kg: float,
    height_m: float,
    concentric_s: float,
    chair_height_m: float = DEFAULT_CHAIR_HEIGHT_M,
) -> StsPower:
    """Alcazar STS power for one rise of ``concentric_s`` seconds (or the mean per rep)."""
    _positive("body mass (kg)", body_mass_kg)
    _positive("height (m)", height_m)
    _positive("concentric time (s)", concentric_s)
    _positive("chair height (m)", chair_height_m)
    rise_m = 0.5 * height_m - chair_height_m
    if rise_m <= 0:
        raise AnalysisError(
            f"half the height ({0.5 * height_m:.2f} m) must exceed the chair height "
            f"({chair_height_m:.2f} m)"
        )
    power_w = MOVED_MASS_FRACTION * body_mass_kg * STANDARD_GRAVITY_M_S2 * rise_m / concentric_s
    return StsPower(power_w, power_w / body_mass_kg, rise_m, concentric_s)


def sts_power_5x(
    *,
    body_mass_kg: float,
    height_m: float,
    time_5x_s: float,
    chair_height_m: float = DEFAULT_CHAIR_HEIGHT_M,
) -> StsPower:
    """Power from the five-repetition STS test time (s): concentric time = 0.1 * T5."""
    _positive("five-repetition time (s)", time_5x_s)
    concentric_s = CONCENTRIC_FRACTION * time_5x_s / 5.0
    return sts_power(
        body_mass_kg=body_mass_kg,
        height_m=height_m,
        concentric_s=concentric_s,
        chair_height_m=chair_height_m,
    )


def sts_power_30s(
    *,
    body_mass_kg: float,
    height_m: float,
    n_reps: int,
    test_s: float = 30.0,
    chair_height_m: float = DEFAULT_CHAIR_HEIGHT_M,
) -> StsPower:
    """Power from the 30-s chair-stand count: each rep takes ``test_s / n_reps``, half rising."""
    if n_reps < 1:
        raise AnalysisError(f"the chair-stand count must be at least 1, got {n_reps}")
    return sts_power(
        body_mass_kg=body_mass_kg,
        height_m=height_m,
        concentric_s=CONCENTRIC_FRACTION * test_s / n_reps,
        chair_height_m=chair_height_m,
    )


@dataclass(frozen=True)
class VerticalKinematics:
    """Vertical motion between two still instants. ``velocity_m_s`` and ``displacement_m``
    are per sample (up positive); ``displacement_change_m`` = end minus start position;
    ``peak_displacement_m`` = max |position - start|; ``peak_velocity_m_s`` = max |v|."""

    velocity_m_s: NDArray[np.float64]
    displacement_m: NDArray[np.float64]
    displacement_change_m: float
    peak_displacement_m: float
    peak_velocity_m_s: float


def vertical_kinematics(
    vertical_acc_m_s2: NDArray[np.floating], *, fs_hz: float
) -> VerticalKinematics:
    """Integrate the vertical LINEAR acceleration (gravity removed, m/s², up positive) of one
    movement that starts and ends at rest.

    Velocity is the cumulative trapezoidal integral; because the body is still at both ends,
    any end velocity is drift (bias, orientation error), removed by subtracting the straight
    line from 0 to the end velocity (linear detrend of velocity, as in skdh's Sit2Stand,
    Adamowicz et al. 2020). Displacement is the trapezoidal integral of that velocity.
    """
    if not fs_hz > 0:
        raise AnalysisError(f"sample rate must be positive, got {fs_hz!r} Hz")
    a = np.asarray(vertical_acc_m_s2, dtype=np.float64)
    if a.ndim != 1 or a.size < 3:
        raise AnalysisError(f"vertical acceleration must be 1-D with >= 3 samples, got {a.shape}")
    if not np.all(np.isfinite(a)):
        raise AnalysisError("vertical acceleration contains NaN or infinite values")
    dt = 1.0 / fs_hz
    vel = np.concatenate([[0.0], np.cumsum(0.5 * (a[1:] + a[:-1])) * dt])
    vel = vel - vel[-1] * np.linspace(0.0, 1.0, vel.size)
    disp = np.concatenate([[0.0], np.cumsum(0.5 * (vel[1:] + vel[:-1])) * dt])
    return VerticalKinematics(
        velocity_m_s=vel,
        displacement_m=disp,
        displacement_change_m=float(disp[-1]),
        peak_displacement_m=float(np.max(np.abs(disp))),
        peak_velocity_m_s=float(np.max(np.abs(vel))),
    )
