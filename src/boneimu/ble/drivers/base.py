"""What every driver shares: the session loop (connect, stream, reconnect with back-off, always
stop + disconnect), serialised control-point commands, sample blocks and statistics."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from boneimu.ble.client import BleakClientLike, ClientFactory
from boneimu.ble.errors import CommandTimeoutError, ConnectionLostError
from boneimu.units import NS_PER_S

log = logging.getLogger("boneimu.ble")

GAP_FACTOR = 1.5
"""Consecutive samples further apart than this many nominal periods are a gap."""
WARMUP_NS = NS_PER_S
"""Samples are held this long after the first notification so that the clock mapping has
seen timely frames (a burst of stale frames at start-up would otherwise be mapped late)."""


@dataclass(frozen=True, slots=True, eq=False)
class SampleBlock:
    """Samples ready for the recorder: host Unix ns, m/s² incl. gravity, rad/s (or None)."""

    time_ns: NDArray[np.int64]
    acc_m_s2: NDArray[np.float64]
    gyro_rad_s: NDArray[np.float64] | None = None


@dataclass
class StreamStats:
    received_samples: int = 0
    notifications: int = 0
    dropped_samples: int = 0
    malformed: int = 0
    reconnects: int = 0
    device_stops: int = 0
    gaps: list[tuple[int, int]] = field(default_factory=list)
    """(last time before, first time after) in host ns."""
    drift_ppm: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.received_samples} samples in {self.notifications} notifications; "
            f"{self.dropped_samples} dropped, {len(self.gaps)} gap(s), {self.malformed} malformed, "
            f"{self.reconnects} reconnect(s), {self.device_stops} device stop(s); "
            f"clock drift {self.drift_ppm:+.1f} ppm"
        )


BlockSink = Callable[[SampleBlock], None]


class CommandChannel:
    """One command at a time; each waits for its indication with a time-out."""

    def __init__(self, *, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self._lock = asyncio.Lock()
        self._future: asyncio.Future[bytes] | None = None

    async def request(self, client: BleakClientLike, uuid: str, payload: bytes) -> bytes:
        async with self._lock:
            fut: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
            self._future = fut
            try:
                await client.write_gatt_char(uuid, payload, response=True)
                return await asyncio.wait_for(fut, self.timeout_s)
            except TimeoutError:
                raise CommandTimeoutError(
                    f"no answer to command {payload.hex(' ')} within {self.timeout_s:g} s"
                ) from None
            finally:
                self._future = None

    def resolve(self, data: bytes) -> bool:
        """Hand an indication to the waiting command; False if none was waiting."""
        fut = self._future
        if fut is None or fut.done():
            return False
        fut.set_result(data)
        return True

    def fail(self, exc: BaseException) -> None:
        fut = self._future
        if fut is not None and not fut.done():
            fut.set_exception(exc)


class StreamingDriver:
    """Base class: subclasses implement ``_setup`` (features, subscribe, settings, start) and
    ``_teardown_commands`` (stop) and call ``_emit`` with host-time samples."""

    nominal_rate_hz: float = 0.0
    device_label = "device"

    def __init__(
        self,
        client_factory: ClientFactory,
        *,
        on_block: BlockSink,
        clock_ns: Callable[[], int] = time.time_ns,
        command_timeout_s: float = 5.0,
        max_reconnects: int = 5,
        backoff_s: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0, 8.0),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.sleep = sleep
        self.client_factory = client_factory
        self.on_block = on_block
        self.clock_ns = clock_ns
        self.commands = CommandChannel(timeout_s=command_timeout_s)
        self.max_reconnects = max_reconnects
        self.backoff_s = backoff_s
        self.stats = StreamStats()
        self.client: BleakClientLike | None = None
        self._stop = asyncio.Event()
        self._lost = asyncio.Event()
        self._last_time_ns: int | None = None
        self._deadline_ns: int | None = None
        self._warm_at_ns: int | None = None
        self.stop_reason = ""

    # ----- public ---------------------------------------------------------------------
    def request_stop(self, reason: str = "stopped by user") -> None:
        if not self._stop.is_set():
            self.stop_reason = reason
            self._stop.set()

    async def run(self, *, duration_s: float | None = None) -> StreamStats:
        """Stream until ``duration_s`` of host time has passed, the device stops, or
        :meth:`request_stop`. Reconnects after a drop; always stops and disconnects."""
        start = self.clock_ns()
        self._deadline_ns = None if duration_s is None else start + int(duration_s * NS_PER_S)
        attempt = 0
        while not self._stop.is_set():
            self._lost.clear()
            client = self.client_factory(self._on_disconnect)
            self.client = client
            try:
                await client.connect()
                await self._setup(client)
                attempt = 0
                await self._wait_until_done()
            except ConnectionLostError as exc:
                log.warning("%s: %s", self.device_label, exc)
                self._lost.set()
            except Exception as exc:
                if not (self._lost.is_set() or not client.is_connected):
                    raise
                log.warning("%s: link lost: %s", self.device_label, exc)  # e.g. a BleakError
                self._lost.set()
            finally:
                await self._shutdown(client)
            if self._stop.is_set():
                break
            if attempt >= self.max_reconnects:
                raise ConnectionLostError(
                    f"{self.device_label}: link lost and {attempt} reconnect attempt(s) failed"
                )
            delay = self.backoff_s[min(attempt, len(self.backoff_s) - 1)]
            attempt += 1
            self.stats.reconnects += 1
            log.warning("%s: disconnected; reconnecting in %.2f s", self.device_label, delay)
            self._on_reconnect()
            await self.sleep(delay)
        self._final_flush()
        return self.stats

    # ----- internals ------------------------------------------------------------------
    def _on_disconnect(self, _client: object) -> None:
        self._lost.set()
        self.commands.fail(ConnectionLostError(f"{self.device_label}: link lost mid-command"))

    def _on_reconnect(self) -> None:
        """Hook: reset per-connection stream state (device clocks keep running)."""

    def _final_flush(self) -> None:
        """Hook: emit samples still held back when the session ends."""

    async def _wait_until_done(self) -> None:
        stop = asyncio.create_task(self._stop.wait())
        lost = asyncio.create_task(self._lost.wait())
        try:
            while not (stop.done() or lost.done()):
                await asyncio.wait({stop, lost}, timeout=0.05, return_when=asyncio.FIRST_COMPLETED)
                self._check_deadline()
        finally:
            stop.cancel()
            lost.cancel()

    def _check_deadline(self) -> None:
        if self._deadline_ns is not None and self.clock_ns() >= self._deadline_ns:
            self.request_stop("duration reached")

    async def _shutdown(self, client: BleakClientLike) -> None:
        if client.is_connected:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._teardown_commands(client), self.commands.timeout_s)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(client.disconnect(), self.commands.timeout_s)

    async def _setup(self, client: BleakClientLike) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    async def _teardown_commands(self, client: BleakClientLike) -> None:  # pragma: no cover
        raise NotImplementedError

    def _warmed_up(self, host_ns: int) -> bool:
        """False during the first WARMUP_NS after the first notification of the session."""
        if self._warm_at_ns is None:
            self._warm_at_ns = host_ns + WARMUP_NS
        return host_ns >= self._warm_at_ns

    def _emit(self, block: SampleBlock) -> None:
        """Gap check, strictly increasing time, statistics, then the sink."""
        t = block.time_ns
        if self._deadline_ns is not None and t.size and t[-1] >= self._deadline_ns:
            keep = int(np.searchsorted(t, self._deadline_ns))
            gyro = None if block.gyro_rad_s is None else block.gyro_rad_s[:keep]
            block = SampleBlock(t[:keep], block.acc_m_s2[:keep], gyro)
            t = block.time_ns
            self.request_stop("duration reached")
        if t.size == 0:
            return
        if self._last_time_ns is not None:
            if t[0] <= self._last_time_ns:  # fit update nudged time back: keep order
                t = np.maximum(t, self._last_time_ns + 1 + np.arange(t.size, dtype=np.int64))
                block = SampleBlock(t, block.acc_m_s2, block.gyro_rad_s)
            period_ns = NS_PER_S / self.nominal_rate_hz
            if t[0] - self._last_time_ns > GAP_FACTOR * period_ns:
                self.stats.gaps.append((self._last_time_ns, int(t[0])))
        self._last_time_ns = int(t[-1])
        self.stats.received_samples += int(t.size)
        self.on_block(block)
        self._check_deadline()
