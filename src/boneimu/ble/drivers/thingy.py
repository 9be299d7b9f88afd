"""Driver for the Nordic Thingy:52 raw-motion stream (accelerometer + gyroscope).

The Thingy's notifications carry no timestamp or counter, so device time is the sample count
× the configured period, mapped to host time by the same lower-envelope fit as for Polar
devices. Losses are inferred from arrival times, but a late arrival alone proves nothing: BLE
connection events, OS buffering and a busy event loop deliver notifications in bursts, each
one late by up to the burst length. A loss, unlike a delay, is PERSISTENT: every later
notification arrives late by the lost samples' duration. So notifications are held for
``loss_confirm_s`` of host time, and ``m`` samples are counted lost before a notification only
when the lateness of it and of every notification held after it (a suffix minimum: the same
lower-envelope idea as the clock fit) is at least ``m − 1 + LOSS_PERIODS`` periods. A burst
ends with a timely notification and so never counts. Only confirmed device times reach the
clock fit, and a suffix minimum half a period below the fit (impossible after a correct
count) takes back earlier counted losses, so a false loss cannot drag the fit down and breed
more. See docs/sensors/thingy52.md.
"""

from __future__ import annotations

import logging

import numpy as np
from numpy.typing import NDArray

from boneimu.ble.client import BleakClientLike, ClientFactory
from boneimu.ble.drivers.base import BlockSink, SampleBlock, StreamingDriver
from boneimu.ble.errors import MalformedFrameError
from boneimu.ble.protocols import thingy52 as th
from boneimu.ble.timemap import DeviceClockMapper
from boneimu.units import NS_PER_S, deg_to_rad, g_to_m_s2

log = logging.getLogger("boneimu.ble")
LOSS_CONFIRM_S = 0.3
"""Default hold (host time) before a notification's device time is final."""
LOSS_PERIODS = 0.75
"""A lateness floor this many periods above the clock fit counts one lost sample."""


class Thingy52Driver(StreamingDriver):
    device_label = "Thingy:52"

    def __init__(
        self,
        client_factory: ClientFactory,
        *,
        on_block: BlockSink,
        rate_hz: int = 100,
        loss_confirm_s: float = LOSS_CONFIRM_S,
        **kwargs: object,
    ) -> None:
        super().__init__(client_factory, on_block=on_block, **kwargs)  # type: ignore[arg-type]
        if not th.MOTION_RATE_MIN_HZ <= rate_hz <= th.MOTION_RATE_MAX_HZ:
            raise ValueError(f"Thingy:52 motion rate must be 5..200 Hz, got {rate_hz}")
        self.nominal_rate_hz = float(rate_hz)
        self.rate_hz = rate_hz
        self.period_ns = NS_PER_S // rate_hz
        self.mapper = DeviceClockMapper()
        self.confirm_ns = int(loss_confirm_s * NS_PER_S)
        self._count = 0  # device sample index of the next notification (confirmed losses in)
        self._resync = False  # the next confirmed jump is a reconnect outage, not a loss
        # held notifications: (sample index, host ns, acc g, gyro dps), oldest first
        self._held: list[tuple[int, int, NDArray[np.float64], NDArray[np.float64]]] = []
        self._pending: list[tuple[int, NDArray[np.float64], NDArray[np.float64]]] = []

    async def _setup(self, client: BleakClientLike) -> None:
        cfg = th.decode_config(bytes(await client.read_gatt_char(th.MOTION_CONFIG_UUID)))
        new = th.MotionConfig(
            cfg.pedometer_interval_ms,
            cfg.temperature_interval_ms,
            cfg.compass_interval_ms,
            self.rate_hz,
            cfg.wake_on_motion,
        )
        await client.write_gatt_char(th.MOTION_CONFIG_UUID, th.encode_config(new), response=True)
        await client.start_notify(th.RAW_DATA_UUID, self._on_raw)

    async def _teardown_commands(self, client: BleakClientLike) -> None:
        await client.stop_notify(th.RAW_DATA_UUID)

    def _final_flush(self) -> None:
        self._confirm(final=True)
        self._flush_pending()

    def _on_reconnect(self) -> None:
        self._confirm(final=True)
        self._flush_pending()
        # The sample count restarts with the stream; the time map (device clock = host-side
        # count) jumps the count over the outage at the first confirmation after it.
        self._resync = True

    def _on_raw(self, _sender: object, data: bytearray) -> None:
        host_ns = self.clock_ns()
        self.stats.notifications += 1
        try:
            sample = th.decode_raw_motion(bytes(data))
        except MalformedFrameError as exc:
            self.stats.malformed += 1
            log.warning("%s: skipped notification: %s", self.device_label, exc)
            return
        idx = self._count
        self._count += 1
        if not self.mapper.n_observations:  # the clock map starts at the first sample
            self.mapper.observe(idx * self.period_ns, host_ns)
        self._held.append((idx, host_ns, sample.acc_g, sample.gyro_dps))
        if host_ns - self._held[0][1] >= self.confirm_ns:
            self._confirm(final=False)
        if self._warmed_up(host_ns):
            self._flush_pending()

    def _confirm(self, *, final: bool) -> None:
        """Fix the device time of held notifications older than ``confirm_ns`` (all of them
        when ``final``), then let the clock map see them.

        Samples lost before held notification ``k``: its suffix-minimum lateness (it and every
        notification held after it) in periods, counted from ``LOSS_PERIODS``. A suffix
        minimum half a period or more BELOW the fit can only follow an over-count (nothing
        arrives before it is sent): it takes back earlier counted losses, so a false loss
        cannot drag the fit's lower envelope down and breed more of them.
        """
        if not self._held:
            return
        idx = np.array([h[0] for h in self._held], dtype=np.int64)
        host = np.array([h[1] for h in self._held], dtype=np.int64)
        # notifications held less than confirm_ns have no look-ahead: they decide nothing
        n_sure = int(np.searchsorted(host, host[-1] - self.confirm_ns, "right"))
        n = idx.size if final else n_sure
        if n == 0:
            return
        late = (host - self.mapper.to_host(idx * self.period_ns)) / self.period_ns
        suffix_min = np.minimum.accumulate(late[::-1])[::-1][:n]
        rise = np.maximum(np.floor(suffix_min + (1.0 - LOSS_PERIODS)), 0)
        fall = np.minimum(np.ceil(suffix_min - 0.5), 0)
        shift = np.where(suffix_min > 0, rise, fall).astype(np.int64)  # non-decreasing
        shift[n_sure:] = shift[n_sure - 1] if n_sure else 0
        if self._resync:  # the first jump after a reconnect is the outage, not lost samples
            self._resync = False
        else:  # never take back more than was counted
            shift = np.maximum(shift, -self.stats.dropped_samples)
            self.stats.dropped_samples += int(shift[-1])
        jump = int(shift[-1])
        dev = (idx[:n] + shift) * self.period_ns
        for k in range(n):
            self.mapper.observe(int(dev[k]), int(host[k]))
            self._pending.append((int(dev[k]), self._held[k][2], self._held[k][3]))
        self._count += jump
        self._held = [(i + jump, h, a, g) for i, h, a, g in self._held[n:]]

    def _flush_pending(self) -> None:
        if not self._pending:
            return
        dev = np.array([p[0] for p in self._pending], dtype=np.int64)
        acc_g = np.array([p[1] for p in self._pending])
        gyro_dps = np.array([p[2] for p in self._pending])
        self._pending.clear()
        t = self.mapper.map_block(dev)
        acc = np.asarray(g_to_m_s2(acc_g), dtype=np.float64)
        gyro = np.asarray(deg_to_rad(gyro_dps), dtype=np.float64)
        self.stats.drift_ppm = self.mapper.drift_ppm
        self._emit(SampleBlock(t, acc, gyro))
