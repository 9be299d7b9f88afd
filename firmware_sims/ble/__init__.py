"""Simulated BLE sensor firmware (transport-independent).

Each model exposes a :class:`~firmware_sims.ble.gatt.CharacteristicTable` (read / write /
notify / indicate on UUIDs) and pushes bytes through an injected async ``send(uuid, data)``.
The same models sit behind the in-memory fake client (``boneimu.ble.sim_client``) and behind
a bumble GATT server (``tests/ble/test_bumble_e2e.py``). Frame ENCODERS live here; the
decoders in ``boneimu.ble.protocols`` share no code with them.
"""

from firmware_sims.ble.faults import Faults
from firmware_sims.ble.gatt import Characteristic, CharacteristicTable, SendFn
from firmware_sims.ble.motion import (
    ArrayMotion,
    MotionSource,
    ProgramMotion,
    RestingWithTaps,
    motion_for_program,
)
from firmware_sims.ble.polar import PolarPmdFirmware, PolarProfile, polar_h10, polar_verity
from firmware_sims.ble.thingy import Thingy52Firmware

__all__ = [
    "ArrayMotion",
    "Characteristic",
    "CharacteristicTable",
    "Faults",
    "MotionSource",
    "PolarPmdFirmware",
    "PolarProfile",
    "ProgramMotion",
    "RestingWithTaps",
    "SendFn",
    "Thingy52Firmware",
    "motion_for_program",
    "polar_h10",
    "polar_verity",
]
