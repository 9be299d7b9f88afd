"""Driver for Polar-PMD-compatible sensors (H10 accelerometer; Verity Sense accelerometer + gyro).

Order of operations (see docs/sensors/index.md): read features BEFORE subscribing, subscribe
to the control point (indications) and data (notifications), get settings, start each stream,
and on the way out stop every stream and disconnect. Per-sample device times come from frame
timestamps; a drift-aware lower-envelope fit maps them to host time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from boneimu.ble.client import BleakClientLike, ClientFactory
from boneimu.ble.drivers.base import GAP_FACTOR, BlockSink, SampleBlock, StreamingDriver
from boneimu.ble.errors import ControlPointError, MalformedFrameError, UnsupportedFeatureError
from boneimu.ble.protocols import polar_pmd as pmd
from boneimu.ble.timemap import DeviceClockMapper
from boneimu.units import NS_PER_S, deg_to_rad, g_to_m_s2

log = logging.getLogger("boneimu.ble")
MILLI_PER_UNIT = 1000.0
STALL_NS = 2 * NS_PER_S
"""Accelerometer samples wait at most this long for gyro samples to pair with."""


@dataclass
class _Stream:
    mtype: pmd.MeasurementType
    rate_hz: int
    range_: int
    resolution_bits: int = 16
    factor: float = 1.0
    started: bool = False
    prev_ts: int | None = None
    dropped: int = 0
    t: NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    v: NDArray[np.float64] = field(default_factory=lambda: np.empty((0, 3)))

    def append(self, t: NDArray[np.int64], v: NDArray[np.float64]) -> None:
        self.t = np.concatenate([self.t, t])
        self.v = np.concatenate([self.v, v])


class PolarPmdDriver(StreamingDriver):
    device_label = "Polar PMD"

    def __init__(
        self,
        client_factory: ClientFactory,
        *,
        on_block: BlockSink,
        acc_rate_hz: int = 200,
        acc_range_g: int = 8,
        gyro_rate_hz: int | None = None,
        gyro_range_dps: int = 2000,
        **kwargs: object,
    ) -> None:
        super().__init__(client_factory, on_block=on_block, **kwargs)  # type: ignore[arg-type]
        self.nominal_rate_hz = float(acc_rate_hz)
        self.acc_range_g = acc_range_g
        self.streams: dict[int, _Stream] = {
            pmd.MeasurementType.ACC: _Stream(pmd.MeasurementType.ACC, acc_rate_hz, acc_range_g)
        }
        if gyro_rate_hz is not None:
            self.streams[pmd.MeasurementType.GYRO] = _Stream(
                pmd.MeasurementType.GYRO, gyro_rate_hz, gyro_range_dps
            )
        self.features: frozenset[pmd.MeasurementType] = frozenset()
        self.mapper = DeviceClockMapper()

    @property
    def has_gyro(self) -> bool:
        return pmd.MeasurementType.GYRO in self.streams

    # ----- commands -------------------------------------------------------------------
    async def _command(self, client: BleakClientLike, payload: bytes) -> pmd.ControlResponse:
        raw = await self.commands.request(client, pmd.PMD_CONTROL_UUID, payload)
        resp = pmd.decode_control_response(raw)
        assert isinstance(resp, pmd.ControlResponse)  # stops never resolve a command
        return resp

    async def _setup(self, client: BleakClientLike) -> None:
        self.features = pmd.decode_features(
            bytes(await client.read_gatt_char(pmd.PMD_CONTROL_UUID))
        )
        for mtype in self.streams:
            if mtype not in self.features:
                raise UnsupportedFeatureError(
                    f"{self.device_label}: device does not offer {pmd.MeasurementType(mtype).name}"
                )
        await client.start_notify(pmd.PMD_CONTROL_UUID, self._on_control)
        await client.start_notify(pmd.PMD_DATA_UUID, self._on_data)
        for st in self.streams.values():
            await self._start_stream(client, st)

    async def _start_stream(self, client: BleakClientLike, st: _Stream) -> None:
        resp = await self._command(client, pmd.encode_get_settings(st.mtype))
        if not resp.ok:
            raise ControlPointError(pmd.status_message(resp), status=resp.status)
        offered = pmd.decode_settings(resp.params)
        rates = offered.get(pmd.SettingType.SAMPLE_RATE, ())
        if rates and st.rate_hz not in rates:
            raise UnsupportedFeatureError(
                f"{self.device_label}: {st.mtype.name} rate {st.rate_hz} Hz not offered "
                f"(offered: {', '.join(f'{r:g}' for r in rates)})"
            )
        if res := offered.get(pmd.SettingType.RESOLUTION):
            st.resolution_bits = int(res[0])
        start = pmd.encode_start(
            st.mtype,
            {
                pmd.SettingType.SAMPLE_RATE: st.rate_hz,
                pmd.SettingType.RESOLUTION: st.resolution_bits,
                pmd.SettingType.RANGE: st.range_,
            },
        )
        resp = await self._command(client, start)
        if resp.status == pmd.PmdStatus.ALREADY_IN_STATE:  # left running: restart cleanly
            log.info("%s: %s already running; restarting it", self.device_label, st.mtype.name)
            await self._command(client, pmd.encode_stop(st.mtype))
            resp = await self._command(client, start)
        if not resp.ok:
            raise ControlPointError(pmd.status_message(resp), status=resp.status)
        params = pmd.decode_settings(resp.params) if resp.params else {}
        st.factor = float(params.get(pmd.SettingType.FACTOR, (1.0,))[0])
        st.started = True

    async def _teardown_commands(self, client: BleakClientLike) -> None:
        for st in self.streams.values():
            if st.started:
                st.started = False
                resp = await self._command(client, pmd.encode_stop(st.mtype))
                if not resp.ok and resp.status != pmd.PmdStatus.ALREADY_IN_STATE:
                    log.warning("%s", pmd.status_message(resp))
        for uuid in (pmd.PMD_DATA_UUID, pmd.PMD_CONTROL_UUID):
            await client.stop_notify(uuid)

    def _final_flush(self) -> None:
        self._pair_and_emit(flush=True)

    def _on_reconnect(self) -> None:
        self._pair_and_emit(flush=True)
        for st in self.streams.values():
            st.started = False
            st.prev_ts = None

    # ----- notifications --------------------------------------------------------------
    def _on_control(self, _sender: object, data: bytearray) -> None:
        try:
            resp = pmd.decode_control_response(bytes(data))
        except MalformedFrameError as exc:
            self.stats.malformed += 1
            log.warning("%s: %s", self.device_label, exc)
            return
        if isinstance(resp, pmd.DeviceStopped):
            self.stats.device_stops += 1
            for st in self.streams.values():
                st.started = False
            self._pair_and_emit(flush=True)
            self.request_stop("the device stopped the measurement")
            return
        if not self.commands.resolve(bytes(data)):
            log.warning("%s: unsolicited control response %s", self.device_label, data.hex(" "))

    def _on_data(self, _sender: object, data: bytearray) -> None:
        host_ns = self.clock_ns()
        self.stats.notifications += 1
        try:
            st = self.streams.get(data[0] & 0x3F) if data else None
            if st is None:
                raise MalformedFrameError(
                    f"PMD data: unexpected measurement type in {data[:1].hex()}"
                )
            frame = pmd.decode_data_frame(bytes(data), resolution_bits=st.resolution_bits)
            if st.prev_ts is not None and frame.timestamp_ns <= st.prev_ts:
                raise MalformedFrameError("PMD data: frame timestamp does not advance")
        except MalformedFrameError as exc:
            self.stats.malformed += 1
            log.warning("%s: skipped frame: %s", self.device_label, exc)
            return
        n = frame.samples.shape[0]
        period_ns = NS_PER_S / st.rate_hz
        spacing = period_ns
        if st.prev_ts is not None:
            dt = frame.timestamp_ns - st.prev_ts
            if abs(dt - n * period_ns) <= 0.5 * n * period_ns:
                spacing = dt / n
            else:
                missing = max(0, round(dt / period_ns) - n)
                st.dropped += missing
                if st.mtype == pmd.MeasurementType.ACC:
                    self.stats.dropped_samples += missing
        st.prev_ts = frame.timestamp_ns
        dev_t = frame.timestamp_ns - np.rint(spacing * np.arange(n - 1, -1, -1)).astype(np.int64)
        self.mapper.observe(frame.timestamp_ns, host_ns)
        st.append(dev_t, self._to_si(st, frame))
        if self._warmed_up(host_ns):
            self._pair_and_emit()

    def _to_si(self, st: _Stream, frame: pmd.DataFrame) -> NDArray[np.float64]:
        vals = frame.samples.astype(np.float64)
        if frame.compressed:
            vals *= st.factor
        if st.mtype == pmd.MeasurementType.ACC:
            milli_g = vals * MILLI_PER_UNIT if frame.compressed and frame.frame_type == 0 else vals
            return np.asarray(g_to_m_s2(milli_g / MILLI_PER_UNIT), dtype=np.float64)
        return np.asarray(deg_to_rad(vals), dtype=np.float64)

    def _pair_and_emit(self, *, flush: bool = False) -> None:
        acc = self.streams[pmd.MeasurementType.ACC]
        if acc.t.size == 0:
            return
        gyro_vals: NDArray[np.float64] | None = None
        if not self.has_gyro:
            n_ready = acc.t.size
        else:
            gy = self.streams[pmd.MeasurementType.GYRO]
            last_g = gy.t[-1] if gy.t.size else np.iinfo(np.int64).min
            if flush:
                n_ready = acc.t.size
            else:
                stalled = acc.t[-1] - acc.t < STALL_NS
                ready = (acc.t <= last_g) | ~stalled
                n_ready = int(np.argmin(ready)) if not ready.all() else acc.t.size
            if n_ready == 0:
                return
            gyro_vals = _interp_gyro(acc.t[:n_ready], gy.t, gy.v, NS_PER_S / gy.rate_hz)
            keep = max(0, int(np.searchsorted(gy.t, acc.t[n_ready - 1])) - 1)
            gy.t, gy.v = gy.t[keep:], gy.v[keep:]
        t_dev, v = acc.t[:n_ready], acc.v[:n_ready]
        acc.t, acc.v = acc.t[n_ready:], acc.v[n_ready:]
        self.stats.drift_ppm = self.mapper.drift_ppm
        self._emit(SampleBlock(self.mapper.map_block(t_dev), v, gyro_vals))


def _interp_gyro(
    t: NDArray[np.int64], gt: NDArray[np.int64], gv: NDArray[np.float64], period_ns: float
) -> NDArray[np.float64]:
    """Gyro linearly interpolated onto accelerometer times; NaN outside or across gyro gaps."""
    out = np.full((t.size, 3), np.nan)
    if gt.size == 0:
        return out
    x = (t - gt[0]).astype(np.float64)
    xp = (gt - gt[0]).astype(np.float64)
    for k in range(3):
        out[:, k] = np.interp(x, xp, gv[:, k])
    right = np.clip(np.searchsorted(gt, t), 0, gt.size - 1)
    left = np.clip(right - 1, 0, gt.size - 1)
    bad = (t < gt[0]) | (t > gt[-1]) | ((gt[right] - gt[left]) > GAP_FACTOR * period_ns)
    out[bad] = np.nan
    return out
