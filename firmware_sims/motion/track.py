"""A chunk of world-frame body kinematics and the truth events it contains.

Movement generators fill a :class:`Track` (arrays on a uniform grid starting at t = 0 s); the
composer concatenates tracks into a :class:`~firmware_sims.motion.Motion`. Horizontal vectors
are in the track's own heading frame (x = heading at the track's start); the composer rotates
them by the heading reached so far.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Posture = Literal["stand", "sit"]

STAND_PITCH_RAD = 0.05
"""Pelvis forward tilt of a relaxed standing person."""
SIT_PITCH_RAD = -0.40
"""Pelvis (belt) backward tilt while sitting (a waist phone turns ~25° between sitting and
standing, as in the UCI HAPT recordings)."""
SIT_THIGH_RAD = -np.pi / 2 + 0.08
"""Thigh pitch while seated (near horizontal; 0 = vertical)."""


@dataclass
class RepEvent:
    exercise: str
    start_s: float
    end_s: float
    contact_s: float | None = None
    rushed: bool = False
    jerky: bool = False
    phases_s: dict[str, float] = field(default_factory=dict)
    vertical_displacement_m: float | None = None


@dataclass
class SetEvent:
    exercise: str
    start_s: float
    end_s: float
    reps: list[RepEvent]


@dataclass
class BalanceEvent:
    start_s: float
    end_s: float
    stance: str
    eyes: str
    touchdowns_s: list[float]


@dataclass
class WalkEvent:
    start_s: float
    end_s: float
    kind: str
    steps: int
    cadence_spm: float


@dataclass
class OtherEvent:
    start_s: float
    end_s: float
    activity: str


Event = SetEvent | BalanceEvent | WalkEvent | OtherEvent


def shift_event(ev: Event, dt_s: float) -> None:
    """Move an event (and its reps) by ``dt_s`` seconds, in place."""
    ev.start_s += dt_s
    ev.end_s += dt_s
    if isinstance(ev, SetEvent):
        for r in ev.reps:
            r.start_s += dt_s
            r.end_s += dt_s
            if r.contact_s is not None:
                r.contact_s += dt_s
    elif isinstance(ev, BalanceEvent):
        ev.touchdowns_s = [t + dt_s for t in ev.touchdowns_s]


class Track:
    """World-frame kinematics of one chunk, ``n`` samples at ``fs_hz`` from t = 0.

    - ``acc``: pelvis linear acceleration (n, 3), m/s², gravity NOT included.
    - ``impact``: impact transients at the pelvis (n, 3); scaled per placement by the sensor
      model (soft tissue transmits them differently to thigh, waist and chest).
    - ``rpy``: pelvis roll, pitch, yaw (n, 3), rad; yaw relative to the track's start heading.
    - ``chest``: extra trunk flexion above the pelvis (n,), rad.
    - ``thigh``: right-thigh pitch (n,), rad: 0 upright, about −π/2 seated, negative = hip flexion.
    - ``hand_rv``: extra phone rotation (rotation vector in the segment frame) while handled.
    - ``hand_acc``: extra phone acceleration while handled (n, 3), world, m/s².
    """

    def __init__(self, duration_s: float, fs_hz: float, posture: Posture = "stand") -> None:
        n = max(round(duration_s * fs_hz), 1)
        self.fs_hz = fs_hz
        self.t = np.arange(n) / fs_hz
        self.acc = np.zeros((n, 3))
        self.impact = np.zeros((n, 3))
        self.rpy = np.zeros((n, 3))
        self.chest = np.zeros(n)
        self.thigh = np.zeros(n)
        self.hand_rv = np.zeros((n, 3))
        self.hand_acc = np.zeros((n, 3))
        self.events: list[Event] = []
        self.end_posture: Posture = posture
        if posture == "stand":
            self.rpy[:, 1] = STAND_PITCH_RAD
        else:
            self.rpy[:, 1] = SIT_PITCH_RAD
            self.thigh[:] = SIT_THIGH_RAD

    @property
    def n(self) -> int:
        return int(self.t.size)

    @property
    def duration_s(self) -> float:
        return self.n / self.fs_hz

    def window(self, t0_s: float, t1_s: float) -> slice:
        i0 = max(int(np.floor(t0_s * self.fs_hz)), 0)
        i1 = min(int(np.ceil(t1_s * self.fs_hz)), self.n)
        return slice(i0, max(i1, i0))
