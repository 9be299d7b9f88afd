"""An in-memory fake BleakClient wired to a simulated firmware model (tests and ``--sim``).

:class:`SimLink` owns one firmware model, a host clock and a pump task that advances the
firmware's time. In ``realtime`` mode the pump follows the wall clock (the CLI's ``--sim``);
otherwise time is VIRTUAL and runs as fast as the event loop allows, so an hour of streaming
takes seconds. The link applies the transport faults of ``firmware.faults``: dropped data
notifications, delivery latency and jitter, and disconnects at given times.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from typing import Any, Protocol

import numpy as np

from boneimu.ble.client import DisconnectCallback, NotifyCallback
from boneimu.ble.errors import ConnectionLostError
from boneimu.units import NS_PER_S


class SimFirmware(Protocol):
    """What the link needs from a ``firmware_sims.ble`` model."""

    now_s: float
    mtu: int
    faults: Any
    table: Any

    def attach(self, send: Any) -> None: ...
    def on_connect(self, mtu: int | None = None) -> None: ...
    def on_disconnect(self) -> None: ...
    def set_subscribed(self, uuid: str, on: bool) -> None: ...
    async def advance(self, until_s: float) -> None: ...


class SimLink:
    """Air + host side of a simulated device. ``client_factory`` plugs into the drivers."""

    def __init__(
        self,
        firmware: SimFirmware,
        *,
        realtime: bool = False,
        step_s: float = 0.02,
        speed: float = 1.0,
        start_unix_ns: int = 1_795_000_000 * NS_PER_S,
    ) -> None:
        self.fw = firmware
        self.realtime = realtime
        self.step_s = step_s
        self.speed = speed
        self._wall0_ns = 0
        self.start_unix_ns = start_unix_ns
        faults = firmware.faults
        self.rng = np.random.default_rng(faults.seed + 1)
        self._disconnects = sorted(faults.disconnect_at_s)
        self.t_s = 0.0  # pump (true) time
        self._deliver_s = 0.0  # last delivery time (deliveries are in order)
        self._delivering = False
        self.client: SimClient | None = None
        self.notifications_dropped = 0
        self._task: asyncio.Task[None] | None = None
        self._t0_wall = 0.0
        firmware.attach(self._send)

    # ----- host clock -----------------------------------------------------------------
    def clock_ns(self) -> int:
        """The host clock. A notification is stamped with its SIMULATED arrival time
        (emission + the fault model's latency and jitter), in real-time mode too: the pump
        delivers each step's frames in one burst, and at ``speed`` × real time a 20 ms step or
        an event-loop stall would otherwise look like ``speed`` × as much delivery delay to
        the driver (1.2 s at 60×). Outside deliveries, real-time mode reads the scaled wall
        clock (time passes while the pump is held up, e.g. by imports)."""
        if self.realtime and not self._delivering:
            return self._wall0_ns + round(
                (time.monotonic() - self._t0_wall) * self.speed * NS_PER_S
            )
        epoch = self._wall0_ns if self.realtime else self.start_unix_ns
        return epoch + round(self._deliver_s * NS_PER_S)

    async def sleep(self, delay_s: float) -> None:
        """Sleep on the link's clock (virtual time in virtual mode)."""
        if self.realtime:
            await asyncio.sleep(delay_s / self.speed)
            return
        until = self.t_s + delay_s
        while self.t_s < until:
            await asyncio.sleep(0)

    def driver_kwargs(self) -> dict[str, Any]:
        """``client_factory``, ``clock_ns`` and ``sleep`` for a driver on this link."""
        return {"clock_ns": self.clock_ns, "sleep": self.sleep}

    def true_to_host_ns(self, t_s: float) -> int:
        """Host-clock time of a true simulation time (virtual mode)."""
        return self.start_unix_ns + round(t_s * NS_PER_S)

    # ----- pump ---------------------------------------------------------------------
    async def __aenter__(self) -> SimLink:
        self._t0_wall = time.monotonic()
        self._wall0_ns = time.time_ns()
        self._task = asyncio.create_task(self._pump())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def sync(self) -> None:
        """Bring the firmware's clock up to now before a command (real-time mode), so a
        command handled right after an event-loop stall does not act in the past."""
        if self.realtime and self._task is not None:
            target = (time.monotonic() - self._t0_wall) * self.speed
            if target > self.t_s:
                await self.fw.advance(target)
                self.t_s = target
                self._deliver_s = max(self._deliver_s, target)

    async def _pump(self) -> None:
        while True:
            if self.realtime:
                await asyncio.sleep(self.step_s)
                target = max(self.t_s, (time.monotonic() - self._t0_wall) * self.speed)
            else:
                await asyncio.sleep(0)
                target = self.t_s + self.step_s
            while self._disconnects and self._disconnects[0] <= target:
                t_cut = self._disconnects.pop(0)
                await self.fw.advance(t_cut)
                self.t_s = t_cut
                self._deliver_s = max(self._deliver_s, t_cut)
                self._drop_link()
            await self.fw.advance(target)
            self.t_s = target
            self._deliver_s = max(self._deliver_s, target)

    def _drop_link(self) -> None:
        client = self.client
        self.fw.on_disconnect()
        if client is not None and client.connected:
            client.connected = False
            self.client = None
            if client.disconnected_callback is not None:
                client.disconnected_callback(client)

    # ----- air ------------------------------------------------------------------------
    async def _send(self, uuid: str, data: bytes) -> None:
        client = self.client
        if client is None or not client.connected:
            return
        props = self.fw.table.get(uuid).properties
        faults = self.fw.faults
        if "notify" in props and faults.drop_prob and self.rng.random() < faults.drop_prob:
            self.notifications_dropped += 1
            return
        delay = faults.latency_s
        if faults.jitter_s:
            delay += float(self.rng.exponential(faults.jitter_s))
        self._deliver_s = max(self._deliver_s, self.fw.now_s + delay)
        self._delivering = True
        try:
            await client.deliver(uuid, bytes(data))
        finally:
            self._delivering = False

    def client_factory(self, disconnected_callback: DisconnectCallback | None) -> SimClient:
        return SimClient(self, disconnected_callback)


class SimClient:
    """Satisfies :class:`boneimu.ble.client.BleakClientLike` against a :class:`SimLink`."""

    def __init__(self, link: SimLink, disconnected_callback: DisconnectCallback | None) -> None:
        self.link = link
        self.disconnected_callback = disconnected_callback
        self.connected = False
        self._callbacks: dict[str, NotifyCallback] = {}

    @property
    def is_connected(self) -> bool:
        return self.connected

    @property
    def mtu_size(self) -> int:
        return self.link.fw.mtu

    async def connect(self, **kwargs: Any) -> None:
        if self.link.client is not None and self.link.client.connected:
            raise ConnectionLostError("simulated device already has a central connected")
        if self.link._disconnects and self.link._disconnects[0] <= self.link.t_s:
            raise ConnectionLostError("simulated device is out of range")
        self.connected = True
        self.link.client = self
        self.link.fw.on_connect()

    async def disconnect(self) -> None:
        if self.connected:
            self.connected = False
            self.link.client = None
            self.link.fw.on_disconnect()

    async def _check(self) -> None:
        if not self.connected:
            raise ConnectionLostError("simulated device: not connected")
        await self.link.sync()

    async def read_gatt_char(self, char_specifier: str, **kwargs: Any) -> bytearray:
        await self._check()
        return bytearray(self.link.fw.table.read(char_specifier))

    async def write_gatt_char(
        self, char_specifier: str, data: bytes, response: bool | None = None
    ) -> None:
        await self._check()
        await self.link.fw.table.write(char_specifier, bytes(data))

    async def start_notify(
        self, char_specifier: str, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        await self._check()
        self._callbacks[char_specifier.lower()] = callback
        self.link.fw.set_subscribed(char_specifier, True)

    async def stop_notify(self, char_specifier: str) -> None:
        await self._check()
        self._callbacks.pop(char_specifier.lower(), None)
        self.link.fw.set_subscribed(char_specifier, False)

    async def deliver(self, uuid: str, data: bytes) -> None:
        cb = self._callbacks.get(uuid.lower())
        if cb is None:
            return
        result = cb(uuid, bytearray(data))
        if inspect.isawaitable(result):
            await result
