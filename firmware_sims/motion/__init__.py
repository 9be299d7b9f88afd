"""Physics-based motion synthesis: world-frame body kinematics → what a worn device feels.

``synthesize_motion(program, person, rng, fs_hz)`` builds a :class:`Motion` (pelvis linear
acceleration, impact transients, pelvis/chest/thigh orientation, phone handling) for a whole
program; ``sensor_truth(motion, placement)`` turns it into device-frame specific force and
angular rate for a device at a placement.
"""

from firmware_sims.motion.compose import Motion, synthesize_motion
from firmware_sims.motion.placement import (
    PLACEMENT_MODELS,
    SensorTruth,
    random_mount,
    sensor_truth,
)

__all__ = [
    "PLACEMENT_MODELS",
    "Motion",
    "SensorTruth",
    "random_mount",
    "sensor_truth",
    "synthesize_motion",
]
