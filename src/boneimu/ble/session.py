"""Putting the BLE layer together: driver for a device kind, simulated devices, and one
recording session (driver → recorder, Ctrl-C → clean stop). The CLI calls only this."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from dataclasses import dataclass
from typing import Any

from boneimu.ble.client import ClientFactory
from boneimu.ble.drivers.base import BlockSink, StreamingDriver, StreamStats
from boneimu.ble.drivers.polar import PolarPmdDriver
from boneimu.ble.drivers.thingy import Thingy52Driver
from boneimu.errors import ConfigError

DEVICE_KINDS = ("polar-h10", "polar-verity", "thingy52")


@dataclass(frozen=True, slots=True)
class KindInfo:
    label: str
    source_format: str
    rate_hz: int
    has_gyro: bool
    acc_range_g: float | None
    gyro_range_dps: float | None
    placement: str


KINDS: dict[str, KindInfo] = {
    "polar-h10": KindInfo("Polar H10", "polar_h10_ble", 200, False, 8, None, "chest"),
    "polar-verity": KindInfo("Polar Verity Sense", "polar_verity_ble", 52, True, 8, 2000, "waist"),
    "thingy52": KindInfo("Nordic Thingy:52", "thingy52_ble", 100, True, None, None, "waist"),
}


def kind_info(kind: str) -> KindInfo:
    try:
        return KINDS[kind]
    except KeyError:
        raise ConfigError(
            f"unknown device kind {kind!r}; known: {', '.join(DEVICE_KINDS)}"
        ) from None


def make_driver(
    kind: str,
    factory: ClientFactory,
    *,
    on_block: BlockSink,
    rate_hz: int | None = None,
    **kwargs: Any,
) -> StreamingDriver:
    """The driver for ``kind`` (``kwargs``: clock_ns, sleep, backoff_s, command_timeout_s…)."""
    info = kind_info(kind)
    rate = rate_hz or info.rate_hz
    if kind == "polar-h10":
        return PolarPmdDriver(factory, on_block=on_block, acc_rate_hz=rate, **kwargs)
    if kind == "polar-verity":
        return PolarPmdDriver(
            factory, on_block=on_block, acc_rate_hz=rate, gyro_rate_hz=rate, **kwargs
        )
    return Thingy52Driver(factory, on_block=on_block, rate_hz=rate, **kwargs)


def make_sim_firmware(kind: str, *, motion: Any = None, faults: Any = None) -> Any:
    """A ``firmware_sims.ble`` model for ``kind`` (imported lazily: test/demo code)."""
    from firmware_sims.ble import PolarPmdFirmware, Thingy52Firmware, polar_h10, polar_verity

    kind_info(kind)
    if kind == "polar-h10":
        return PolarPmdFirmware(polar_h10(), motion=motion, faults=faults)
    if kind == "polar-verity":
        return PolarPmdFirmware(polar_verity(), motion=motion, faults=faults)
    return Thingy52Firmware(motion=motion, faults=faults)


async def run_session(driver: StreamingDriver, *, duration_s: float | None) -> StreamStats:
    """Run ``driver`` until done; SIGINT/SIGTERM request a clean stop (stop + disconnect)."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(sig, driver.request_stop, f"signal {sig.name}")
            installed.append(sig)
    try:
        return await driver.run(duration_s=duration_s)
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
