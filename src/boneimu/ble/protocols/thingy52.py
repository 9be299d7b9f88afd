"""Pure decoders (and the config builder) for the Nordic Thingy:52 motion service.

Raw-motion notifications carry one sample and no timestamp: accelerometer int16×3 in Q6.10
(÷1024 → g), gyroscope int16×3 in Q11.5 (÷32 → °/s), compass int16×3 in Q12.4 (÷16 → µT).
Values stay in the sensor's units here; the driver converts to SI through boneimu.units.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from boneimu.ble.errors import MalformedFrameError

MOTION_SERVICE_UUID = "ef680400-9b35-4933-9b10-52ffa9740042"
MOTION_CONFIG_UUID = "ef680401-9b35-4933-9b10-52ffa9740042"
RAW_DATA_UUID = "ef680406-9b35-4933-9b10-52ffa9740042"

RAW_FRAME_BYTES = 18
ACC_LSB_PER_G = 1024.0
GYRO_LSB_PER_DPS = 32.0
COMPASS_LSB_PER_UT = 16.0
MOTION_RATE_MIN_HZ = 5
MOTION_RATE_MAX_HZ = 200
_CONFIG = struct.Struct("<HHHHB")


@dataclass(frozen=True, slots=True)
class MotionConfig:
    pedometer_interval_ms: int
    temperature_interval_ms: int
    compass_interval_ms: int
    motion_rate_hz: int
    wake_on_motion: bool


@dataclass(frozen=True, slots=True, eq=False)
class RawMotion:
    """One raw-motion sample in sensor units."""

    acc_g: NDArray[np.float64]
    gyro_dps: NDArray[np.float64]
    compass_ut: NDArray[np.float64]


def decode_config(data: bytes) -> MotionConfig:
    if len(data) != _CONFIG.size:
        raise MalformedFrameError(f"Thingy:52 motion config: {len(data)} bytes, expected 9")
    ped, temp, comp, rate, wake = _CONFIG.unpack(data)
    return MotionConfig(ped, temp, comp, rate, bool(wake))


def encode_config(cfg: MotionConfig) -> bytes:
    if not MOTION_RATE_MIN_HZ <= cfg.motion_rate_hz <= MOTION_RATE_MAX_HZ:
        raise ValueError(f"motion rate {cfg.motion_rate_hz} Hz outside 5..200")
    return _CONFIG.pack(
        cfg.pedometer_interval_ms,
        cfg.temperature_interval_ms,
        cfg.compass_interval_ms,
        cfg.motion_rate_hz,
        int(cfg.wake_on_motion),
    )


def decode_raw_motion(data: bytes) -> RawMotion:
    if len(data) != RAW_FRAME_BYTES:
        raise MalformedFrameError(f"Thingy:52 raw motion: {len(data)} bytes, expected 18")
    v = np.frombuffer(data, dtype="<i2").astype(np.float64)
    return RawMotion(v[0:3] / ACC_LSB_PER_G, v[3:6] / GYRO_LSB_PER_DPS, v[6:9] / COMPASS_LSB_PER_UT)
