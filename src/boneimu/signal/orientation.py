"""Orientation-agnostic preprocessing: gravity direction, vertical/horizontal parts, tilt.

Pure array functions; ``fs_hz`` is always a required keyword. Input acceleration is specific
force INCLUDING gravity in the device frame (m/s², Android sign: +g on the axis pointing up),
so the slowly varying part of ``acc`` points up. See docs/algorithms/preprocessing.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from boneimu.signal.filters import highpass, lowpass, moving_mean, norm
from boneimu.units import STANDARD_GRAVITY_M_S2

GRAVITY_CUTOFF_HZ = 0.5
"""Low-pass cut-off of the accelerometer-only gravity estimate."""
COMPLEMENTARY_CROSSOVER_HZ = 0.2
"""Below this frequency the accelerometer sets the gravity direction, above it the gyroscope."""

PlacementGuess = Literal["waist", "lower_back", "thigh", "chest", "unknown"]


def _unit(v: NDArray[np.float64]) -> NDArray[np.float64]:
    n = norm(v)
    n[n == 0] = 1.0
    return v / n[:, None]


def gravity_direction(
    acc_m_s2: NDArray[np.floating],
    *,
    fs_hz: float,
    gyro_rad_s: NDArray[np.floating] | None = None,
    cutoff_hz: float = GRAVITY_CUTOFF_HZ,
) -> NDArray[np.float64]:
    """Unit vector pointing up (against gravity) in the device frame, per sample, (n, 3).

    Without a gyroscope: zero-phase low-pass of ``acc`` at ``cutoff_hz``, normalised.
    With one: a linearised complementary filter. The low-passed direction ``u`` is rotated by
    the gyroscope (``du/dt = -omega x u``); the integral of that rotation is high-passed at
    :data:`COMPLEMENTARY_CROSSOVER_HZ` and added to the low-passed (at the crossover) direction,
    so fast rotations (a sit-to-stand lean, a thigh swinging 90°) are followed without the
    low-pass lag. NaN gyroscope rows fall back to the accelerometer estimate.
    """
    acc = np.asarray(acc_m_s2, dtype=np.float64)
    cut = min(cutoff_hz, 0.45 * fs_hz)
    if gyro_rad_s is None:
        return _unit(lowpass(acc, cutoff_hz=cut, fs_hz=fs_hz, order=2))
    gyro = np.asarray(gyro_rad_s, dtype=np.float64)
    bad: NDArray[np.bool_] = np.asarray(np.isnan(gyro).any(axis=1))
    if bad.any():
        gyro = np.where(bad[:, None], 0.0, gyro)
    cross = min(COMPLEMENTARY_CROSSOVER_HZ, 0.45 * fs_hz)
    u_slow = _unit(lowpass(acc, cutoff_hz=cross, fs_hz=fs_hz, order=2))
    du = np.cross(gyro, u_slow)  # du/dt = -omega x u, integrated below (in place)
    np.negative(du, out=du)
    du /= fs_hz
    np.cumsum(du, axis=0, out=du)
    rot = highpass(du, cutoff_hz=cross, fs_hz=fs_hz, order=2)
    del du
    rot += u_slow
    u = _unit(rot)
    if bad.any():
        u_acc = _unit(lowpass(acc, cutoff_hz=cut, fs_hz=fs_hz, order=2))
        u[bad] = u_acc[bad]
    return u


@dataclass(frozen=True, slots=True)
class VerticalParts:
    """Acceleration split along the up direction (all m/s², gravity removed where stated)."""

    up: NDArray[np.float64]
    """(n, 3) unit up vector in the device frame."""
    vertical_m_s2: NDArray[np.float64]
    """Vertical acceleration with gravity removed, positive up (0 at rest)."""
    horizontal_m_s2: NDArray[np.float64]
    """(n, 3) horizontal part of the acceleration in the device frame."""
    resultant_g: NDArray[np.float64]
    """|acc| in g, incl. gravity (1.0 at rest)."""


def vertical_parts(
    acc_m_s2: NDArray[np.floating],
    *,
    fs_hz: float,
    gyro_rad_s: NDArray[np.floating] | None = None,
) -> VerticalParts:
    """Project acceleration onto the tracked up direction (see :func:`gravity_direction`)."""
    acc = np.asarray(acc_m_s2, dtype=np.float64)
    up = gravity_direction(acc, fs_hz=fs_hz, gyro_rad_s=gyro_rad_s)
    along = np.einsum("ij,ij->i", acc, up)
    horizontal = acc - along[:, None] * up
    return VerticalParts(
        up=up,
        vertical_m_s2=along - STANDARD_GRAVITY_M_S2,
        horizontal_m_s2=horizontal,
        resultant_g=norm(acc) / STANDARD_GRAVITY_M_S2,
    )


def tilt_deg(up: NDArray[np.floating], reference: NDArray[np.floating]) -> NDArray[np.float64]:
    """Angle (degrees) between each up vector (n, 3) and one upright ``reference`` (3,)."""
    ref = np.asarray(reference, dtype=np.float64)
    ref = ref / np.linalg.norm(ref)
    c = np.clip(np.asarray(up, dtype=np.float64) @ ref, -1.0, 1.0)
    return np.degrees(np.arccos(c))


def upright_reference(
    up: NDArray[np.floating], active: NDArray[np.bool_] | None = None
) -> NDArray[np.float64]:
    """The device-frame direction that is 'up' while upright.

    The mean up vector over ``active`` samples (e.g. walking, where trunk and thigh are near
    vertical), else over the whole recording, normalised.
    """
    u = np.asarray(up, dtype=np.float64)
    if active is not None and active.sum() >= 3:
        u = u[active]
    m = u.mean(axis=0)
    n = float(np.linalg.norm(m))
    return m / n if n > 0 else np.array([0.0, 0.0, 1.0])


def still_mask(
    acc_m_s2: NDArray[np.floating], *, fs_hz: float, window_s: float = 1.0, sd_g: float = 0.02
) -> NDArray[np.bool_]:
    """Samples where the moving SD of |acc| over ``window_s`` is below ``sd_g`` (g)."""
    a_g = norm(np.asarray(acc_m_s2, dtype=np.float64)) / STANDARD_GRAVITY_M_S2
    m = moving_mean(a_g, window_s=window_s, fs_hz=fs_hz)
    m2 = moving_mean(a_g * a_g, window_s=window_s, fs_hz=fs_hz)
    sd = np.sqrt(np.clip(m2 - m * m, 0.0, None))
    return sd < sd_g


THIGH_WALK_GYRO_RMS_RAD_S = 2.0
"""A thigh swings through ~60° per stride; a trunk sensor rotates far less (HAPT waist ~1 rad/s)."""


def detect_placement(
    up: NDArray[np.floating],
    *,
    walking: NDArray[np.bool_],
    still: NDArray[np.bool_],
    fs_hz: float,
    gyro_rad_s: NDArray[np.floating] | None = None,
) -> PlacementGuess:
    """Guess the placement from posture, or ``"unknown"`` when the evidence is not decisive.

    ``"thigh"`` needs all of: >= 20 s of walking (to learn the upright direction), a gyroscope
    whose RMS angular rate while walking exceeds :data:`THIGH_WALK_GYRO_RMS_RAD_S` (the thigh
    swings, the trunk does not), and >= 10 s still with the sensor 65-115° from upright
    (sitting; lying down alone also tilts a trunk sensor this far, hence the gyro test).
    Trunk placements (waist, lower back, chest) cannot be told apart reliably from posture,
    so every other case is ``"unknown"``.
    """
    if walking.sum() < 20 * fs_hz or gyro_rad_s is None:
        return "unknown"
    g = np.asarray(gyro_rad_s, dtype=np.float64)[walking]
    g = g[~np.isnan(g).any(axis=1)]
    if g.shape[0] < 10 * fs_hz:
        return "unknown"
    if float(np.sqrt(np.mean(np.einsum("ij,ij->i", g, g)))) < THIGH_WALK_GYRO_RMS_RAD_S:
        return "unknown"
    ref = upright_reference(up, walking)
    tilt = tilt_deg(up, ref)
    sitting_like = still & (tilt > 65.0) & (tilt < 115.0)
    if sitting_like.sum() >= 10 * fs_hz:
        return "thigh"
    return "unknown"
