"""What a device strapped to a body segment feels: specific force and angular rate, device frame.

Android device axes: x to the right of the screen, y up the long edge, z out of the screen.
A device at rest reads specific force ``f = a − g_vec`` = +9.81 m/s² on the axis pointing up.
The device sits on a segment (pelvis for waist and lower back, upper trunk for chest, right
thigh for the thigh pocket) with a mount rotation ``R_mount`` (device → segment) drawn from the
ways people actually carry phones, plus a random tilt of up to ~20°.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import signal as sps

from boneimu.recording import PLACEMENTS
from boneimu.units import STANDARD_GRAVITY_M_S2
from firmware_sims.motion.common import second_derivative
from firmware_sims.motion.compose import Motion
from firmware_sims.motion.frames import body_rate, euler_zyx, rotvec_to_matrix
from firmware_sims.motion.shapes import band_noise

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PlacementModel:
    """How a placement sees the body.

    ``impact_gain``: transmission of impact transients relative to the pelvis (soft tissue);
    ``impact_lp_hz``: extra low-pass on transmitted impacts (None: none);
    ``lever_m``: device position relative to the segment origin, segment frame;
    ``wobble_rad``: RMS of pocket/strap wobble rotation per m/s² of local high-frequency acc.
    """

    segment: str
    impact_gain: float
    impact_lp_hz: float | None
    lever_m: tuple[float, float, float]
    wobble_rad: float


PLACEMENT_MODELS: dict[str, PlacementModel] = {
    "waist": PlacementModel("pelvis", 1.0, None, (0.10, -0.12, 0.0), 0.0010),
    "lower_back": PlacementModel("pelvis", 0.9, 60.0, (-0.12, 0.0, 0.05), 0.0006),
    "chest": PlacementModel("chest", 0.6, 25.0, (0.12, 0.0, 0.42), 0.0008),
    "thigh": PlacementModel("thigh", 1.35, None, (0.07, 0.0, -0.22), 0.0015),
}

# Device axes expressed in segment coordinates (columns x_dev, y_dev, z_dev) for the usual ways
# of carrying: upright, screen facing out or in, possibly upside down.
_UPRIGHT_OUT = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def _flip(r: FloatArray, y_down: bool, screen_in: bool) -> FloatArray:
    x, y, z = r[:, 0].copy(), r[:, 1].copy(), r[:, 2].copy()
    if y_down:
        x, y = -x, -y
    if screen_in:
        x, z = -x, -z
    return np.stack([x, y, z], -1)


def random_mount(
    placement: str, rng: np.random.Generator, *, max_tilt_rad: float = 0.35
) -> FloatArray:
    """A plausible device→segment rotation for ``placement`` (upright ± flips + small tilt)."""
    if placement not in PLACEMENT_MODELS:
        raise ValueError(f"unknown placement {placement!r}; known: {PLACEMENTS}")
    base = _UPRIGHT_OUT
    if placement == "lower_back":  # screen faces backwards or towards the body
        base = _flip(base, False, True)
    r = _flip(base, bool(rng.random() < 0.4), bool(rng.random() < 0.5))
    tilt = rng.normal(0.0, max_tilt_rad / 2.0, 3)
    tilt = np.clip(tilt, -max_tilt_rad, max_tilt_rad)
    return np.asarray(rotvec_to_matrix(tilt) @ r)


def segment_rotation(motion: Motion, placement: str) -> FloatArray:
    """Segment → world rotation per sample (n, 3, 3)."""
    seg = PLACEMENT_MODELS[placement].segment
    roll, pitch, yaw = motion.rpy[:, 0], motion.rpy[:, 1], motion.rpy[:, 2]
    if seg == "chest":
        return euler_zyx(roll, pitch + motion.chest, yaw)
    if seg == "thigh":
        return euler_zyx(0.3 * roll, motion.thigh, yaw)
    return euler_zyx(roll, pitch, yaw)


@dataclass(frozen=True, eq=False)
class SensorTruth:
    """Exact device-frame signals on the motion grid (before any sensor model)."""

    fs_hz: float
    acc_m_s2: FloatArray
    """Specific force incl. gravity, device frame, Android sign (n, 3)."""
    gyro_rad_s: FloatArray
    """Angular rate, device frame (n, 3)."""
    gravity_m_s2: FloatArray
    """Gravity reaction (+9.81 up) in the device frame (n, 3)."""
    acc_world_m_s2: FloatArray
    """Linear acceleration of the device, world frame, gravity excluded (n, 3)."""
    tilt_rad: FloatArray
    """Angle between the segment's long axis and vertical (n,)."""
    mount: FloatArray


def sensor_truth(
    motion: Motion,
    placement: str,
    mount: FloatArray | None = None,
    rng: np.random.Generator | None = None,
) -> SensorTruth:
    """Device-frame specific force and angular rate for a device at ``placement``."""
    if placement not in PLACEMENT_MODELS:
        raise ValueError(f"unknown placement {placement!r}; known: {PLACEMENTS}")
    rng = rng if rng is not None else np.random.default_rng(0)
    pm = PLACEMENT_MODELS[placement]
    fs = motion.fs_hz
    if mount is None:
        mount = random_mount(placement, rng)
    r_seg = segment_rotation(motion, placement)
    lever = r_seg @ np.asarray(pm.lever_m)
    impact = motion.impact * pm.impact_gain
    if pm.impact_lp_hz is not None and pm.impact_lp_hz < fs / 2:
        sos = sps.butter(2, pm.impact_lp_hz, fs=fs, output="sos")
        impact = sps.sosfilt(sos, impact, axis=0)
    a_world = motion.acc + impact + second_derivative(lever, fs) + motion.hand_acc
    # pocket / strap wobble: small rotations driven by high-frequency acceleration
    hf = np.abs(impact).sum(axis=1) + np.abs(motion.hand_acc).sum(axis=1)
    drive = np.convolve(hf, np.ones(max(int(0.15 * fs), 1)) / max(int(0.15 * fs), 1), "same")
    wob = np.stack(
        [band_noise(rng, motion.n, fs_hz=fs, low_hz=3.0, high_hz=12.0) for _ in range(3)], -1
    )
    wobble_rv = wob * (pm.wobble_rad * drive)[:, None]
    r_dev = r_seg @ rotvec_to_matrix(motion.hand_rv + wobble_rv) @ mount
    f_world = a_world.copy()
    f_world[:, 2] += STANDARD_GRAVITY_M_S2
    r_t = np.swapaxes(r_dev, -1, -2)
    f_dev = np.einsum("nij,nj->ni", r_t, f_world)
    g_dev = r_t[:, :, 2] * STANDARD_GRAVITY_M_S2
    gyro = body_rate(r_dev, fs_hz=fs)
    tilt = np.arccos(np.clip(r_seg[:, 2, 2], -1.0, 1.0))
    return SensorTruth(fs, f_dev, gyro, g_dev, a_world, tilt, np.asarray(mount))
