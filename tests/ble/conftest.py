"""Helpers for the BLE tests: run a driver against a simulated device in virtual time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from boneimu.ble.drivers.base import SampleBlock, StreamingDriver
from boneimu.ble.sim_client import SimLink


@dataclass
class Collected:
    blocks: list[SampleBlock]

    @property
    def time_ns(self) -> NDArray[np.int64]:
        return np.concatenate([b.time_ns for b in self.blocks])

    @property
    def acc(self) -> NDArray[np.float64]:
        return np.concatenate([b.acc_m_s2 for b in self.blocks])

    @property
    def gyro(self) -> NDArray[np.float64]:
        return np.concatenate([b.gyro_rad_s for b in self.blocks if b.gyro_rad_s is not None])


def run_sim(
    fw: Any,
    driver_cls: type[StreamingDriver],
    *,
    duration_s: float,
    wrap: Callable[[Any], Any] | None = None,
    step_s: float = 0.02,
    **driver_kwargs: Any,
) -> tuple[StreamingDriver, SimLink, Collected]:
    """Stream ``duration_s`` of VIRTUAL host time; returns driver, link and the samples."""
    blocks: list[SampleBlock] = []
    holder: dict[str, Any] = {}

    async def main() -> None:
        async with SimLink(fw, step_s=step_s) as link:
            holder["link"] = link

            def factory(cb: Any) -> Any:
                client = link.client_factory(cb)
                return wrap(client) if wrap else client

            kw: dict[str, Any] = {"backoff_s": (0.05,), "command_timeout_s": 0.5}
            kw.update(link.driver_kwargs())
            kw.update(driver_kwargs)
            drv = driver_cls(factory, on_block=blocks.append, **kw)
            holder["drv"] = drv
            await drv.run(duration_s=duration_s)

    asyncio.run(main())
    return holder["drv"], holder["link"], Collected(blocks)


@pytest.fixture(name="run_sim")
def run_sim_fixture() -> Callable[..., tuple[StreamingDriver, SimLink, Collected]]:
    return run_sim
