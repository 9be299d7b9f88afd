"""Driver for the Nordic Thingy:52 raw-motion stream (accelerometer + gyroscope).

The Thingy's notifications carry no timestamp or counter, so device time is the sample count
× the configured period, mapped to host time by the same lower-envelope fit as for Polar
devices. A lost notification shows up as a notification arriving more than 1.5 periods after
the fitted time of the next sample; it is counted and the count is stepped over it. Heavy
delivery jitter (> 1.5 periods) can therefore be mistaken for loss: see docs/sensors/thingy52.md.
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
LOSS_PERIODS = 1.5


class Thingy52Driver(StreamingDriver):
    device_label = "Thingy:52"

    def __init__(
        self,
        client_factory: ClientFactory,
        *,
        on_block: BlockSink,
        rate_hz: int = 100,
        **kwargs: object,
    ) -> None:
        super().__init__(client_factory, on_block=on_block, **kwargs)  # type: ignore[arg-type]
        if not th.MOTION_RATE_MIN_HZ <= rate_hz <= th.MOTION_RATE_MAX_HZ:
            raise ValueError(f"Thingy:52 motion rate must be 5..200 Hz, got {rate_hz}")
        self.nominal_rate_hz = float(rate_hz)
        self.rate_hz = rate_hz
        self.period_ns = NS_PER_S // rate_hz
        self.mapper = DeviceClockMapper()
        self._count = 0
        self._session_base = 0
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
        self._flush_pending()

    def _on_reconnect(self) -> None:
        self._flush_pending()
        # Sample count restarts; keep device time continuous by jumping past the outage later.
        self._session_base = -1

    def _on_raw(self, _sender: object, data: bytearray) -> None:
        host_ns = self.clock_ns()
        self.stats.notifications += 1
        try:
            sample = th.decode_raw_motion(bytes(data))
        except MalformedFrameError as exc:
            self.stats.malformed += 1
            log.warning("%s: skipped notification: %s", self.device_label, exc)
            return
        dev_ns = self._count * self.period_ns
        if self.mapper.n_observations:
            late_ns = host_ns - int(self.mapper.to_host(np.array([dev_ns]))[0])
            if self._session_base < 0:  # first sample after a reconnect: skip the outage
                skip = max(0, round(late_ns / self.period_ns))
                self._count += skip
                self._session_base = 0
            elif late_ns > LOSS_PERIODS * self.period_ns:
                missing = round(late_ns / self.period_ns)
                self.stats.dropped_samples += missing
                self._count += missing
            dev_ns = self._count * self.period_ns
        self._count += 1
        self.mapper.observe(dev_ns, host_ns)
        self._pending.append((dev_ns, sample.acc_g, sample.gyro_dps))
        if self._warmed_up(host_ns):
            self._flush_pending()

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
