"""Serve a simulated firmware model as a bumble GATT server on a virtual controller pair.

``virtual_radio()`` builds two bumble devices (a central and a peripheral) on an in-process
``LocalLink``; :class:`BumblePeripheral` publishes a firmware model's characteristic table on
the peripheral, turns its ``send`` into real ATT notifications/indications, tracks CCCD
subscriptions, and advances the model's clock in real time while a central is connected.
bumble is imported lazily; callers skip when it is missing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

CENTRAL_ADDRESS = "F0:F0:F0:F0:F0:F0"
PERIPHERAL_ADDRESS = "F1:F1:F1:F1:F1:F1"


async def virtual_radio() -> tuple[Any, Any]:
    """(central, peripheral): powered-on bumble devices sharing one virtual link."""
    from bumble.controller import Controller
    from bumble.device import Device
    from bumble.hci import Address
    from bumble.host import Host
    from bumble.link import LocalLink
    from bumble.transport.common import AsyncPipeSink

    link = LocalLink()
    devices = []
    for name, addr in (("central", CENTRAL_ADDRESS), ("peripheral", PERIPHERAL_ADDRESS)):
        ctrl = Controller(name, link=link, public_address=addr)
        dev = Device(address=Address(addr), host=Host(ctrl, AsyncPipeSink(ctrl)))
        dev.name = name
        devices.append(dev)
    for dev in devices:
        await dev.power_on()
    return devices[0], devices[1]


_PROPS = {"read": 0x02, "write": 0x08, "notify": 0x10, "indicate": 0x20}


class BumblePeripheral:
    """Publishes ``firmware`` (a ``firmware_sims.ble`` model) on a bumble peripheral device."""

    def __init__(self, device: Any, firmware: Any, *, step_s: float = 0.01) -> None:
        from bumble import gatt

        self.device = device
        self.fw = firmware
        self.step_s = step_s
        self._attrs: dict[str, Any] = {}
        self._task: asyncio.Task[None] | None = None
        self._sender: asyncio.Task[None] | None = None
        self._queue: asyncio.Queue[tuple[str, bytes]] = asyncio.Queue()
        self.sent = 0
        self._t0 = 0.0
        self.connection: Any = None
        services = []
        for svc_uuid, chars in firmware.table.services().items():
            gchars = []
            for c in chars:
                props = 0
                for name in c.properties:
                    props |= _PROPS[name]
                value = gatt.CharacteristicValue(
                    read=(lambda _conn, c=c: self.fw.table.read(c.uuid)) if c.on_read else None,
                    write=(lambda _conn, v, c=c: self.fw.table.write(c.uuid, bytes(v)))
                    if c.on_write
                    else None,
                )
                perms = gatt.Characteristic.Permissions.READABLE | (
                    gatt.Characteristic.Permissions.WRITEABLE
                )
                gc = gatt.Characteristic(
                    c.uuid.upper(), gatt.Characteristic.Properties(props), perms, value
                )
                gc.on(
                    gc.EVENT_SUBSCRIPTION,
                    lambda _b, n, i, c=c: self.fw.set_subscribed(c.uuid, n or i),
                )
                self._attrs[c.uuid.lower()] = gc
                gchars.append(gc)
            services.append(gatt.Service(svc_uuid.upper(), gchars))
        device.add_services(services)
        device.on(device.EVENT_CONNECTION, self._on_connection)
        firmware.attach(self._send)

    async def start(self) -> None:
        await self.device.start_advertising(auto_restart=True)
        self._t0 = time.monotonic()
        self._task = asyncio.create_task(self._pump())
        self._sender = asyncio.create_task(self._send_loop())

    async def stop(self) -> None:
        for task in (self._task, self._sender):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def _on_connection(self, conn: Any) -> None:
        self.connection = conn
        self.fw.on_connect()
        conn.on(conn.EVENT_DISCONNECTION, self._on_disconnection)
        conn.on(conn.EVENT_CONNECTION_ATT_MTU_UPDATE, self._on_mtu)

    def _on_mtu(self, *_args: Any) -> None:
        if self.connection is not None:
            self.fw.mtu = int(self.connection.att_mtu)

    def _on_disconnection(self, *_args: Any) -> None:
        self.connection = None
        self.fw.on_disconnect()

    async def drop_link(self) -> None:
        """Peripheral-initiated disconnect (a device walking out of range)."""
        if self.connection is not None:
            await self.connection.disconnect()

    async def _send(self, uuid: str, data: bytes) -> None:
        """Queue, so a command's write response goes out before its indication (as on a
        real device) and the firmware never waits for the air."""
        self._queue.put_nowait((uuid, bytes(data)))

    async def _send_loop(self) -> None:
        while True:
            uuid, data = await self._queue.get()
            if self.connection is None:
                continue
            attr = self._attrs[uuid.lower()]
            try:
                if "indicate" in self.fw.table.get(uuid).properties:
                    await self.device.indicate_subscribers(attr, data)
                else:
                    await self.device.notify_subscribers(attr, data)
                self.sent += 1
            except Exception:  # link dropped mid-send: the frame is lost, like on air
                continue

    async def _pump(self) -> None:
        while True:
            await asyncio.sleep(self.step_s)
            if self.connection is not None:
                self.fw.mtu = int(self.connection.att_mtu)
            await self.fw.advance(time.monotonic() - self._t0)
