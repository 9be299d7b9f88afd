"""The ONE module that imports bleak: scanning and real-device client factories."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from boneimu.ble.client import BleakClientLike, ClientFactory, DisconnectCallback
from boneimu.ble.errors import ConnectionLostError
from boneimu.errors import BleError


@dataclass(frozen=True, slots=True)
class FoundDevice:
    name: str
    address: str
    rssi_dbm: int | None
    kind: str | None


def device_kind(name: str | None) -> str | None:
    """Which boneimu driver fits an advertised name (None: not a supported sensor)."""
    n = (name or "").lower()
    if n.startswith("polar h10"):
        return "polar-h10"
    if n.startswith("polar sense") or "verity" in n:
        return "polar-verity"
    if "thingy" in n:
        return "thingy52"
    return None


def _bleak() -> Any:
    try:
        import bleak
    except ImportError as exc:  # pragma: no cover - bleak is a hard dependency
        raise BleError(f"bleak is not installed: {exc}") from None
    return bleak


async def scan(*, timeout_s: float = 5.0, backend: type | None = None) -> list[FoundDevice]:
    """Advertising devices, supported sensors first then by signal strength."""
    bleak = _bleak()
    try:
        found = await bleak.BleakScanner.discover(
            timeout=timeout_s, return_adv=True, **({"backend": backend} if backend else {})
        )
    except (OSError, bleak.exc.BleakError) as exc:
        raise BleError(f"Bluetooth scan failed (is an adapter present and on?): {exc}") from None
    out = [
        FoundDevice(d.name or "", d.address, adv.rssi, device_kind(d.name or adv.local_name))
        for d, adv in found.values()
    ]
    return sorted(out, key=lambda f: (f.kind is None, -(f.rssi_dbm or -999)))


async def find_device(name_or_address: str, *, timeout_s: float = 10.0) -> tuple[Any, str | None]:
    """The BLEDevice whose address or name matches, and its driver kind."""
    bleak = _bleak()
    try:
        dev = await bleak.BleakScanner.find_device_by_filter(
            lambda d, adv: (
                name_or_address.lower()
                in {
                    (d.address or "").lower(),
                    (d.name or "").lower(),
                    (adv.local_name or "").lower(),
                }
            ),
            timeout=timeout_s,
        )
    except (OSError, bleak.exc.BleakError) as exc:
        raise BleError(f"Bluetooth scan failed (is an adapter present and on?): {exc}") from None
    if dev is None:
        raise ConnectionLostError(f"no device named or addressed {name_or_address!r} found")
    return dev, device_kind(dev.name)


def client_factory(device: Any, *, backend: type | None = None) -> ClientFactory:
    """A factory of unchanged ``bleak.BleakClient`` objects for the drivers."""
    bleak = _bleak()

    def make(cb: DisconnectCallback) -> BleakClientLike:
        kw = {"backend": backend} if backend else {}
        client: BleakClientLike = bleak.BleakClient(device, disconnected_callback=cb, **kw)
        return client

    return make
