"""A bleak client backend that drives a bumble (pure-Python Bluetooth stack) central.

Use it through bleak's PUBLIC API, which then runs real ATT over bumble's virtual controllers:

    client = bleak.BleakClient(address, backend=BumbleBleakClient, central=bumble_device)

``central`` is a powered-on ``bumble.device.Device``; bleak forwards unknown keyword arguments
to the backend. bumble is imported lazily (pin: bumble==0.0.236) so boneimu works without it.
Pairing is not supported (none of boneimu's sensors needs it).
"""

from __future__ import annotations

import logging
from typing import Any

from bleak.args import SizedBuffer
from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError

log = logging.getLogger("boneimu.ble")

DEFAULT_MTU = 247
_PROPERTY_NAMES = {
    0x01: "broadcast",
    0x02: "read",
    0x04: "write-without-response",
    0x08: "write",
    0x10: "notify",
    0x20: "indicate",
    0x40: "authenticated-signed-writes",
    0x80: "extended-properties",
}


class BumbleBleakClient(BaseBleakClient):
    """bleak backend over a bumble ``Device`` acting as central (keyword ``central``)."""

    def __init__(
        self,
        address_or_ble_device: BLEDevice | str,
        *,
        central: Any = None,
        mtu: int = DEFAULT_MTU,
        **kwargs: Any,
    ) -> None:
        if central is None:
            raise BleakError("BumbleBleakClient needs central=<powered-on bumble Device>")
        kwargs.pop("services", None)
        kwargs.pop("bluez", None)
        kwargs.pop("winrt", None)
        super().__init__(address_or_ble_device, **kwargs)
        self._central = central
        self._want_mtu = mtu
        self._connection: Any = None
        self._peer: Any = None
        self._subscribers: dict[int, Any] = {}

    @property
    def name(self) -> str:
        return str(self.address)

    @property
    def mtu_size(self) -> int:
        return int(self._connection.att_mtu) if self._connection is not None else 23

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        from bumble.device import Peer

        try:
            conn = await self._central.connect(self.address, timeout=self._timeout)
        except Exception as exc:
            raise BleakError(f"bumble connect to {self.address} failed: {exc}") from exc
        self._connection = conn
        conn.on(conn.EVENT_DISCONNECTION, self._on_disconnection)
        self._peer = Peer(conn)
        await self._peer.request_mtu(self._want_mtu)
        await self._discover()

    def _on_disconnection(self, *_args: Any) -> None:
        was = self._connection is not None
        self._connection = None
        self._peer = None
        self.services = None
        self._subscribers.clear()
        if was and self._disconnected_callback is not None:
            self._disconnected_callback()

    async def _discover(self) -> None:
        peer = self._peer
        coll = BleakGATTServiceCollection()
        for svc in await peer.discover_services():
            bsvc = BleakGATTService(svc, svc.handle, str(svc.uuid.to_hex_str("-")).lower())
            coll.add_service(bsvc)
            for ch in await peer.discover_characteristics(service=svc):
                props = [n for bit, n in _PROPERTY_NAMES.items() if ch.properties & bit]
                bch = BleakGATTCharacteristic(
                    ch,
                    ch.handle,
                    str(ch.uuid.to_hex_str("-")).lower(),
                    props,  # type: ignore[arg-type]
                    lambda: self.mtu_size - 3,
                    bsvc,
                )
                coll.add_characteristic(bch)
                for d in await peer.discover_descriptors(ch):
                    coll.add_descriptor(
                        BleakGATTDescriptor(d, d.handle, str(d.type.to_hex_str("-")).lower(), bch)
                    )
        self.services = coll

    async def disconnect(self) -> None:
        conn = self._connection
        if conn is None:
            return
        self._connection = None  # solicited: no disconnected callback
        try:
            await conn.disconnect()
        except Exception as exc:  # already gone
            log.debug("bumble disconnect: %s", exc)

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise BleakError("pairing is not supported by the bumble backend")

    async def unpair(self) -> None:
        raise BleakError("pairing is not supported by the bumble backend")

    def _need(self) -> None:
        if self._connection is None:
            raise BleakError("Not connected")

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        self._need()
        return bytearray(await characteristic.obj.read_value())

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        self._need()
        return bytearray(await descriptor.obj.read_value())

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: SizedBuffer, response: bool
    ) -> None:
        self._need()
        await characteristic.obj.write_value(bytes(data), with_response=response)

    async def write_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, data: SizedBuffer
    ) -> None:
        self._need()
        await descriptor.obj.write_value(bytes(data), with_response=True)

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        self._need()

        def on_value(value: bytes) -> None:
            callback(bytearray(value))

        self._subscribers[characteristic.handle] = on_value
        prefer_notify = "notify" in characteristic.properties
        await characteristic.obj.subscribe(on_value, prefer_notify=prefer_notify)

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        self._need()
        sub = self._subscribers.pop(characteristic.handle, None)
        await characteristic.obj.unsubscribe(sub)
