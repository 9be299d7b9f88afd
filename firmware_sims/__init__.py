"""Simulated people, phones and IMU firmware for boneimu's tests, demos and validation.

Public API::

    from firmware_sims import simulate_session, SimSession, Person, random_person, random_program
    sim = simulate_session(program="heel_drop:2x15, walk:3min", placement="waist", seed=7)
    sim.recording, sim.labels, sim.truth
    sim.write(out_dir, fmt="sensor_logger_android")
    motion = synthesize_motion(program, person, rng, fs_hz)   # world-frame kinematics

See docs/simulator.md.
"""

from firmware_sims.motion import Motion, SensorTruth, random_mount, sensor_truth, synthesize_motion
from firmware_sims.person import Person, random_person
from firmware_sims.program import ProgramItem, parse_program, random_program
from firmware_sims.sensors import SensorSpec, StreamSpec, phone_spec
from firmware_sims.session import SimSession, SimTruth, simulate_session
from firmware_sims.source import SensorMotionSource, motion_source_for_program

__all__ = [
    "Motion",
    "Person",
    "ProgramItem",
    "SensorMotionSource",
    "SensorSpec",
    "SensorTruth",
    "SimSession",
    "SimTruth",
    "StreamSpec",
    "motion_source_for_program",
    "parse_program",
    "phone_spec",
    "random_mount",
    "random_person",
    "random_program",
    "sensor_truth",
    "simulate_session",
    "synthesize_motion",
]
