"""The simulated firmware itself: every PMD status code, frames sized to the MTU, drift,
and the motion sources (including engineer C's synthesis)."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from boneimu.ble.protocols import polar_pmd as pmd
from boneimu.units import STANDARD_GRAVITY_M_S2
from firmware_sims.ble import Faults, PolarPmdFirmware, motion_for_program, polar_h10

START_200 = bytes.fromhex("02020001C8000101100002010800")


def _status(fw: PolarPmdFirmware, cmd: bytes) -> int:
    resp = pmd.decode_control_response(fw.handle_command(cmd))
    assert isinstance(resp, pmd.ControlResponse)
    return resp.status


@pytest.mark.parametrize(
    "cmd, status",
    [
        (START_200, 0),
        (bytes.fromhex("0302"), 6),  # stop when not running: already in state
        (bytes.fromhex("0902"), 1),  # invalid op code
        (bytes.fromhex("0104"), 2),  # invalid measurement type
        (bytes.fromhex("0100"), 3),  # ECG: not supported by the model
        (bytes.fromhex("02"), 4),  # invalid length
        (bytes.fromhex("020200019600"), 8),  # 150 Hz: invalid sample rate
        (bytes.fromhex("02020001C800010108"), 4),  # truncated TLV
        (bytes.fromhex("02020901C800"), 5),  # unknown setting: invalid parameter
        (bytes.fromhex("02020001C80001010C00"), 7),  # 12 bit: invalid resolution
        (bytes.fromhex("02020001C80002011000"), 9),  # ±16 g: invalid range
        (bytes.fromhex("02020001C800040102"), 11),  # 2 channels
    ],
)
def test_status_codes_from_the_model(cmd: bytes, status: int) -> None:
    assert _status(PolarPmdFirmware(polar_h10()), cmd) == status


def test_state_dependent_statuses() -> None:
    fw = PolarPmdFirmware(polar_h10())
    assert _status(fw, START_200) == 0
    assert _status(fw, START_200) == 6  # already running
    assert _status(fw, bytes.fromhex("0302")) == 0
    assert _status(PolarPmdFirmware(polar_h10(), mtu=23), START_200) == 10
    assert _status(PolarPmdFirmware(polar_h10(), faults=Faults(in_charger=True)), START_200) == 13
    stopped = PolarPmdFirmware(polar_h10(), faults=Faults(stop_at_s=1.0))
    stopped.connected = True
    assert _status(stopped, START_200) == 0
    asyncio.run(stopped.advance(2.0))
    assert _status(stopped, START_200) == 12  # invalid state after the device stopped


def test_frames_fill_the_mtu_and_follow_the_drifting_clock() -> None:
    frames: list[bytes] = []

    async def send(uuid: str, data: bytes) -> None:
        frames.append(data)

    fw = PolarPmdFirmware(polar_h10(startup_delay_s=0.0), faults=Faults(clock_drift_ppm=50))
    fw.attach(send)
    fw.on_connect(mtu=232)
    fw.set_subscribed(pmd.PMD_DATA_UUID, True)
    fw.handle_command(START_200)
    asyncio.run(fw.advance(100.0))
    lengths = {len(f) for f in frames}
    assert lengths == {10 + 36 * 6} and 10 + 36 * 6 <= 232 - 3
    stamps = np.array([pmd.decode_data_frame(f).timestamp_ns for f in frames])
    # 36 samples at 200 Hz on the device clock = 180 ms per frame; true time runs 50 ppm slower
    assert np.all(np.diff(stamps) == 180_000_000)
    true_span = fw.true_s(stamps[-1:])[0] - fw.true_s(stamps[:1])[0]
    assert true_span == pytest.approx((len(frames) - 1) * 0.18 / (1 + 50e-6), abs=1e-6)


def test_program_motion_from_the_simulator() -> None:
    motion = motion_for_program("heel_drop:3", placement="chest", seed=1)
    t = np.linspace(0, 5, 500)
    acc, gyro = motion.sample(t)
    assert acc.shape == gyro.shape == (500, 3)
    norm_g = np.linalg.norm(acc, axis=1) / STANDARD_GRAVITY_M_S2
    assert 0.8 < np.median(norm_g) < 1.2 and norm_g.max() > 1.2  # standing + impacts


def test_unknown_program_is_a_config_error() -> None:
    from boneimu.errors import ConfigError

    with pytest.raises(ConfigError):
        motion_for_program("moonwalk:3")
