"""The BleakClient-shaped seam every driver talks to.

A real :class:`bleak.BleakClient` satisfies :class:`BleakClientLike` unchanged (see
``boneimu.ble.bleak_backend``), and so do the in-memory :class:`~boneimu.ble.sim_client.SimClient`
and bleak driving our bumble backend. Drivers never import bleak.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

NotifyCallback = Callable[[Any, bytearray], Awaitable[None] | None]
DisconnectCallback = Callable[[Any], None]


@runtime_checkable
class BleakClientLike(Protocol):
    """The subset of ``bleak.BleakClient`` boneimu uses (characteristics named by UUID)."""

    async def connect(self, **kwargs: Any) -> None: ...

    async def disconnect(self) -> None: ...

    @property
    def is_connected(self) -> bool: ...

    @property
    def mtu_size(self) -> int: ...

    async def read_gatt_char(self, char_specifier: str, **kwargs: Any) -> bytearray: ...

    async def write_gatt_char(
        self, char_specifier: str, data: bytes, response: bool | None = None
    ) -> None: ...

    async def start_notify(
        self, char_specifier: str, callback: NotifyCallback, **kwargs: Any
    ) -> None: ...

    async def stop_notify(self, char_specifier: str) -> None: ...


ClientFactory = Callable[[DisconnectCallback], BleakClientLike]
"""Builds a fresh client for each (re)connection; the callback fires on an unsolicited drop."""
