"""Putting the BLE layer together: driver for a device kind, simulated devices, one
recording session (driver → recorder, Ctrl-C → clean stop) and live rep cues
(:class:`LiveReps`). The CLI calls only this."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

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


LIVE_EXERCISES = ("heel_drop", "hop", "sit_to_stand")
"""Exercises the live rep monitor (:mod:`boneimu.detect.live`) can count."""


def rep_cue(n: int, event: Any) -> str:
    """One line for a finished rep: ``rep 7 — slow down: rushed (<reason>)``."""
    cues = []
    for flag in event.quality.flags:
        if flag.name == "rushed":
            cues.append(f"slow down: rushed ({flag.reason})")
        elif flag.name == "jerky":
            cues.append(f"smoother: jerky ({flag.reason})")
    return f"rep {n}" + (" — " + "; ".join(cues) if cues else "")


class LiveReps:
    """Live rep counting on a sample stream: a :class:`~boneimu.detect.live.LiveRepMonitor`
    whose events become one cue line each (``emit``) as reps end.

    Use :meth:`on_samples` as the :class:`~boneimu.ble.recorder.Recorder` hook. ``baseline``
    is the person's history (``DoseLog.rep_baseline``), else reps are judged against the
    reps already done in this stream.
    """

    def __init__(
        self,
        exercise: str,
        *,
        fs_hz: float,
        emit: Callable[[str], None],
        baseline: object | None = None,
    ) -> None:
        from boneimu.detect.live import LiveRepMonitor

        self.exercise = exercise
        self.emit = emit
        self.monitor = LiveRepMonitor(exercise, fs_hz=fs_hz, baseline=baseline, on_rep=self._on_rep)
        self.n_reps = 0
        self.n_rushed = 0
        self.n_jerky = 0

    def on_samples(
        self,
        time_ns: NDArray[np.int64],
        acc_m_s2: NDArray[np.float64],
        gyro_rad_s: NDArray[np.float64] | None,
    ) -> None:
        self.monitor.on_samples(time_ns, acc_m_s2, gyro_rad_s)

    def _on_rep(self, event: Any) -> None:
        self.n_reps += 1
        self.n_rushed += int(event.rushed)
        self.n_jerky += int(event.jerky)
        self.emit(rep_cue(self.n_reps, event))

    def summary(self) -> str:
        return (
            f"live: {self.n_reps} {self.exercise} rep(s), {self.n_rushed} rushed, "
            f"{self.n_jerky} jerky"
        )

    def as_dict(self) -> dict[str, Any]:
        reps = [
            {
                "rep": i + 1,
                "emitted_s": round(ev.time_s, 3),
                "rep_end_s": round(ev.rep_end_s, 3),
                "flags": [f.model_dump() for f in ev.quality.flags],
            }
            for i, ev in enumerate(self.monitor.events)
        ]
        return {
            "exercise": self.exercise,
            "reps": self.n_reps,
            "rushed": self.n_rushed,
            "jerky": self.n_jerky,
            "events": reps,
        }
