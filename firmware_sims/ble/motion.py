"""What the simulated person does: a source of sensor-frame acceleration and angular rate.

Firmware models only need :class:`MotionSource`. :class:`RestingWithTaps` is a simple,
self-contained source (standing still with periodic heel-drop-like impacts). Engineer C's
motion synthesis plugs in through the same interface (see :func:`motion_for_program`).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from boneimu.units import STANDARD_GRAVITY_M_S2


class MotionSource(Protocol):
    def sample(self, t_s: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Specific force (n, 3) in m/s² incl. gravity (Android sign) and gyro (n, 3) rad/s."""
        ...


class RestingWithTaps:
    """Device upright (+z up) with a short impact pulse every ``period_s`` seconds.

    Each impact is a Gaussian pulse of ``peak_g`` (above 1 g) and SD ``width_s`` on z, with a
    small sway on x/y and a slow rotation rate so every axis varies.
    """

    def __init__(self, *, period_s: float = 3.0, peak_g: float = 1.5, width_s: float = 0.02):
        self.period_s = period_s
        self.peak_g = peak_g
        self.width_s = width_s

    def sample(self, t_s: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        t = np.asarray(t_s, dtype=np.float64)
        phase = np.mod(t, self.period_s) - self.period_s / 2
        pulse = self.peak_g * np.exp(-0.5 * (phase / self.width_s) ** 2)
        acc = np.empty((t.size, 3))
        acc[:, 0] = 0.05 * np.sin(2 * np.pi * 0.3 * t)
        acc[:, 1] = 0.04 * np.cos(2 * np.pi * 0.45 * t)
        acc[:, 2] = 1.0 + pulse
        acc *= STANDARD_GRAVITY_M_S2
        gyro = np.empty((t.size, 3))
        gyro[:, 0] = 0.2 * np.sin(2 * np.pi * 0.5 * t)
        gyro[:, 1] = 0.1 * np.cos(2 * np.pi * 0.7 * t)
        gyro[:, 2] = 0.05 * np.sin(2 * np.pi * 0.2 * t)
        return acc, gyro


class ProgramMotion:
    """Engineer C's physics-based synthesis (``firmware_sims.motion``) seen by a device worn at
    ``placement``: the program is synthesised once on a ``grid_hz`` grid and linearly
    interpolated at the firmware's sample times; after the program ends the last sample holds.
    """

    def __init__(
        self, program: str, *, placement: str = "waist", seed: int = 0, grid_hz: float = 400.0
    ) -> None:
        from firmware_sims.motion import sensor_truth, synthesize_motion
        from firmware_sims.person import Person

        rng = np.random.default_rng(seed)
        motion = synthesize_motion(program, Person(), rng, grid_hz, lead_in=False)
        truth = sensor_truth(motion, placement, rng=rng)
        self.program = program
        self.duration_s = motion.duration_s
        self._t = np.arange(motion.n) / motion.fs_hz
        self._acc = truth.acc_m_s2
        self._gyro = truth.gyro_rad_s

    def sample(self, t_s: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        t = np.asarray(t_s, dtype=np.float64)
        acc = np.stack([np.interp(t, self._t, self._acc[:, k]) for k in range(3)], -1)
        gyro = np.stack([np.interp(t, self._t, self._gyro[:, k]) for k in range(3)], -1)
        return acc, gyro


class ArrayMotion:
    """Replays recorded samples (seconds from start, m/s², rad/s or None) as a motion source,
    linearly interpolated; before/after the recording the first/last sample holds."""

    def __init__(
        self,
        t_s: NDArray[np.float64],
        acc_m_s2: NDArray[np.float64],
        gyro_rad_s: NDArray[np.float64] | None = None,
    ) -> None:
        self._t = np.asarray(t_s, dtype=np.float64)
        self._acc = np.asarray(acc_m_s2, dtype=np.float64)
        self._gyro = None if gyro_rad_s is None else np.nan_to_num(np.asarray(gyro_rad_s))
        self.duration_s = float(self._t[-1] - self._t[0]) if self._t.size else 0.0

    def sample(self, t_s: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        t = np.asarray(t_s, dtype=np.float64) + self._t[0]
        acc = np.stack([np.interp(t, self._t, self._acc[:, k]) for k in range(3)], -1)
        if self._gyro is None:
            return acc, np.zeros_like(acc)
        gyro = np.stack([np.interp(t, self._t, self._gyro[:, k]) for k in range(3)], -1)
        return acc, gyro


def motion_for_program(
    program: str | None, *, placement: str = "waist", seed: int = 0
) -> MotionSource:
    """The motion source for a ``--sim-program``: ``None``/``"taps"`` gives
    :class:`RestingWithTaps`, anything else is an exercise program for :class:`ProgramMotion`
    (grammar: ``firmware_sims.program``, e.g. ``"heel_drop:2x10, hop:10"``)."""
    if program in (None, "taps"):
        return RestingWithTaps()
    return ProgramMotion(program, placement=placement, seed=seed)
