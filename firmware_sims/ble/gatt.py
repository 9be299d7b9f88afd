"""A transport-independent GATT characteristic table for simulated firmware."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

SendFn = Callable[[str, bytes], Awaitable[None]]
"""``await send(uuid, data)``: push a notification or indication to the connected central."""

ReadFn = Callable[[], bytes]
WriteFn = Callable[[bytes], Awaitable[None]]


@dataclass
class Characteristic:
    uuid: str
    service_uuid: str
    properties: frozenset[str]
    on_read: ReadFn | None = None
    on_write: WriteFn | None = None


@dataclass
class CharacteristicTable:
    """UUID -> characteristic; lookups are case-insensitive."""

    chars: dict[str, Characteristic] = field(default_factory=dict)

    def add(self, char: Characteristic) -> None:
        self.chars[char.uuid.lower()] = char

    def get(self, uuid: str) -> Characteristic:
        try:
            return self.chars[uuid.lower()]
        except KeyError:
            raise KeyError(f"no characteristic {uuid}") from None

    def read(self, uuid: str) -> bytes:
        c = self.get(uuid)
        if c.on_read is None or "read" not in c.properties:
            raise PermissionError(f"{uuid} is not readable")
        return c.on_read()

    async def write(self, uuid: str, data: bytes) -> None:
        c = self.get(uuid)
        if c.on_write is None or "write" not in c.properties:
            raise PermissionError(f"{uuid} is not writable")
        await c.on_write(bytes(data))

    def services(self) -> dict[str, list[Characteristic]]:
        out: dict[str, list[Characteristic]] = {}
        for c in self.chars.values():
            out.setdefault(c.service_uuid.lower(), []).append(c)
        return out
