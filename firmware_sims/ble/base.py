"""Shared machinery of the simulated firmware models: link state, clock, send, faults."""

from __future__ import annotations

import numpy as np

from firmware_sims.ble.faults import Faults
from firmware_sims.ble.gatt import CharacteristicTable, SendFn
from firmware_sims.ble.motion import MotionSource, RestingWithTaps


class FirmwareBase:
    """Link-facing state common to every model.

    Time: ``now_s`` is TRUE (host) time in seconds since the simulation began; the model's
    own clock runs ``clock_drift_ppm`` fast or slow of it. ``advance(until_s)`` produces every
    frame due up to that time, calling ``send`` with ``now_s`` set to the frame's emission time.
    """

    name = "device"

    def __init__(
        self,
        *,
        motion: MotionSource | None = None,
        faults: Faults | None = None,
        mtu: int = 232,
    ) -> None:
        self.motion: MotionSource = motion or RestingWithTaps()
        self.faults = faults or Faults()
        self.rng = np.random.default_rng(self.faults.seed)
        self.table = CharacteristicTable()
        self.mtu = mtu
        self.now_s = 0.0
        self.connected = False
        self.subscribed: set[str] = set()
        self._send: SendFn | None = None
        self.frames_sent = 0
        self.frames_malformed = 0
        self.motion_origin_s: float | None = None
        """True time at which the motion source's t = 0 falls (the first streamed sample)."""

    def sample_motion(self, true_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The motion at true times; the person starts when the first stream starts."""
        if self.motion_origin_s is None:
            self.motion_origin_s = float(np.min(true_s)) if np.size(true_s) else self.now_s
        return self.motion.sample(np.asarray(true_s, dtype=np.float64) - self.motion_origin_s)

    @property
    def clock_rate(self) -> float:
        """Device seconds per true second."""
        return 1.0 + self.faults.clock_drift_ppm * 1e-6

    def attach(self, send: SendFn) -> None:
        self._send = send

    def on_connect(self, mtu: int | None = None) -> None:
        self.connected = True
        if mtu is not None:
            self.mtu = mtu

    def on_disconnect(self) -> None:
        self.connected = False
        self.subscribed.clear()

    def set_subscribed(self, uuid: str, on: bool) -> None:
        (self.subscribed.add if on else self.subscribed.discard)(uuid.lower())

    async def send(self, uuid: str, data: bytes) -> None:
        if self._send is None or not self.connected or uuid.lower() not in self.subscribed:
            return
        await self._send(uuid, data)

    async def send_data(self, uuid: str, frame: bytes) -> None:
        """Send a data notification, garbled with probability ``malformed_prob``."""
        self.frames_sent += 1
        if self.faults.malformed_prob and self.rng.random() < self.faults.malformed_prob:
            self.frames_malformed += 1
            frame = frame[:17]  # 7 payload bytes: never whole samples, never a whole block
        await self.send(uuid, frame)

    async def advance(self, until_s: float) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
