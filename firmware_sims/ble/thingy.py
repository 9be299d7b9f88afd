"""Simulated Nordic Thingy:52 motion service: config characteristic + raw-motion notifications.

One 18-byte notification per sample (accel Q6.10 g, gyro Q11.5 °/s, compass Q12.4 µT), at the
configured motion rate on the device's (drifting) clock, whenever raw-motion notifications are
enabled. No timestamps: the host must count samples.
"""

from __future__ import annotations

import struct

import numpy as np

from boneimu.units import STANDARD_GRAVITY_M_S2
from firmware_sims.ble.base import FirmwareBase
from firmware_sims.ble.faults import Faults
from firmware_sims.ble.gatt import Characteristic
from firmware_sims.ble.motion import MotionSource

SERVICE = "ef680400-9b35-4933-9b10-52ffa9740042"
CONFIG = "ef680401-9b35-4933-9b10-52ffa9740042"
RAW = "ef680406-9b35-4933-9b10-52ffa9740042"
_CFG = struct.Struct("<HHHHB")
_RAD_TO_DEG = 180.0 / np.pi


class Thingy52Firmware(FirmwareBase):
    name = "Thingy:52 (sim)"

    def __init__(
        self, *, motion: MotionSource | None = None, faults: Faults | None = None, mtu: int = 23
    ) -> None:
        super().__init__(motion=motion, faults=faults, mtu=mtu)
        self.config = [1000, 1000, 100, 60, 1]
        self._first_s: float | None = None
        self._emitted = 0
        self.table.add(
            Characteristic(
                CONFIG,
                SERVICE,
                frozenset({"read", "write"}),
                on_read=lambda: _CFG.pack(*self.config),
                on_write=self._on_config,
            )
        )
        self.table.add(Characteristic(RAW, SERVICE, frozenset({"notify"})))

    @property
    def rate_hz(self) -> int:
        return self.config[3]

    async def _on_config(self, data: bytes) -> None:
        if len(data) != _CFG.size:
            raise ValueError("config must be 9 bytes")
        cfg = list(_CFG.unpack(data))
        if not 5 <= cfg[3] <= 200:
            raise ValueError("motion rate out of range")
        self.config = cfg
        self._restart()

    def _restart(self) -> None:
        self._first_s = None
        self._emitted = 0

    def set_subscribed(self, uuid: str, on: bool) -> None:
        super().set_subscribed(uuid, on)
        if uuid.lower() == RAW:
            self._restart()

    def on_disconnect(self) -> None:
        super().on_disconnect()
        self._restart()

    async def advance(self, until_s: float) -> None:
        if RAW not in self.subscribed or not self.connected:
            self.now_s = max(self.now_s, until_s)
            return
        if self._first_s is None:
            self._first_s = self.now_s
        period_s = 1.0 / (self.rate_hz * self.clock_rate)
        n_due = int(np.floor((until_s - self._first_s) / period_s)) + 1
        if n_due > self._emitted:
            t = self._first_s + np.arange(self._emitted, n_due, dtype=np.float64) * period_s
            acc, gyro = self.sample_motion(t)
            comp = np.tile([20.0, -5.0, 40.0], (t.size, 1))
            vals = np.hstack(
                [acc / STANDARD_GRAVITY_M_S2 * 1024.0, gyro * _RAD_TO_DEG * 32.0, comp * 16.0]
            )
            frames = np.clip(np.rint(vals), -32768, 32767).astype("<i2")
            self._emitted = n_due
            for ti, row in zip(t, frames, strict=True):
                self.now_s = float(ti)
                await self.send_data(RAW, row.tobytes())
        self.now_s = max(self.now_s, until_s)
