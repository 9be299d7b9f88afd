"""Sensor-frame motion sources for firmware models (the ``MotionSource`` protocol of
firmware_sims.ble)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from firmware_sims.motion import sensor_truth, synthesize_motion
from firmware_sims.person import Person, random_person

FloatArray = NDArray[np.float64]


class SensorMotionSource:
    """True device-frame specific force (m/s², incl. gravity) and angular rate (rad/s) of a
    simulated session, sampled at any times by linear interpolation of a fine grid.

    Times outside the session hold the first/last value. ``duration_s`` tells how long it is.
    """

    def __init__(
        self,
        program: str,
        *,
        placement: str = "waist",
        seed: int = 0,
        person: Person | None = None,
        fs_hz: float = 400.0,
        lead_in: bool = False,
    ) -> None:
        rng = np.random.default_rng(seed)
        self.person = person if person is not None else random_person(rng)
        self.motion = synthesize_motion(program, self.person, rng, fs_hz, lead_in=lead_in)
        self.truth = sensor_truth(self.motion, placement, None, rng)
        self.placement = placement

    @property
    def duration_s(self) -> float:
        return self.motion.duration_s

    def sample(self, t_s: NDArray[np.float64]) -> tuple[FloatArray, FloatArray]:
        t = np.asarray(t_s, dtype=np.float64)
        grid = self.motion.t_s
        acc = np.stack([np.interp(t, grid, self.truth.acc_m_s2[:, k]) for k in range(3)], -1)
        gyro = np.stack([np.interp(t, grid, self.truth.gyro_rad_s[:, k]) for k in range(3)], -1)
        return acc, gyro


def motion_source_for_program(
    program: str, *, placement: str = "waist", seed: int = 0
) -> SensorMotionSource:
    """A :class:`SensorMotionSource` for a program string (e.g. ``"heel_drop:1x10"``)."""
    return SensorMotionSource(program, placement=placement, seed=seed)
