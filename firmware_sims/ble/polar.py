"""Simulated Polar-PMD-compatible firmware (H10-like and Verity-Sense-like profiles).

Control point: feature read, get settings, start, stop, with every status code; data
notifications: raw or delta-compressed frames sized to the MTU, stamped with the device clock
(ns since 2000-01-01, drifting by ``Faults.clock_drift_ppm``), after a start-up delay.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from boneimu.units import NS_PER_S, STANDARD_GRAVITY_M_S2
from firmware_sims.ble import pmd_codec as codec
from firmware_sims.ble.base import FirmwareBase
from firmware_sims.ble.faults import Faults
from firmware_sims.ble.gatt import Characteristic
from firmware_sims.ble.motion import MotionSource

SERVICE = "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
CONTROL = "fb005c81-02e7-f387-1cad-8acd2d8df0c8"
DATA = "fb005c82-02e7-f387-1cad-8acd2d8df0c8"
ACC, GYRO = 2, 5
KNOWN_TYPES = {0, 1, 2, 3, 5, 6}
MIN_MTU = 70
_RAD_TO_DEG = 180.0 / np.pi


@dataclass(frozen=True)
class StreamSpec:
    """One measurement the device offers. ``units_per_count`` converts counts to mG (ACC)
    or deg/s (GYRO); compressed type-0 ACC frames count in g (× factor × 1000 → mG)."""

    mtype: int
    rates_hz: tuple[int, ...]
    ranges: tuple[int, ...]
    resolution_bits: int
    frame_type: int
    compressed: bool
    factor: float
    max_samples_per_frame: int = 36


@dataclass(frozen=True)
class PolarProfile:
    name: str
    features: bytes
    streams: dict[int, StreamSpec]
    startup_delay_s: float = 0.5
    device_epoch_s: float = 848_000_000.0
    """Device clock at simulation start, s since 2000-01-01 (≈ 2026-11)."""


def polar_h10(*, compressed: bool = False, startup_delay_s: float = 0.5) -> PolarProfile:
    """H10-like: ACC 25/50/100/200 Hz, ±2/4/8 g, 16 bit, raw int16 mG frames (or compressed)."""
    acc = StreamSpec(ACC, (25, 50, 100, 200), (2, 4, 8), 16, 1, compressed, 1.0)
    return PolarProfile("Polar H10 (sim)", b"\x0f\x05\x00", {ACC: acc}, startup_delay_s)


def polar_verity(*, startup_delay_s: float = 0.5) -> PolarProfile:
    """Verity-Sense-like: ACC 52 Hz ±8 g and GYRO 52 Hz ±2000 dps, both delta-compressed."""
    acc = StreamSpec(ACC, (52,), (8,), 16, 0, True, 16.0 / 65536.0)
    gyro = StreamSpec(GYRO, (52,), (2000,), 16, 0, True, 4000.0 / 65536.0)
    return PolarProfile(
        "Polar Verity Sense (sim)", b"\x0f\x24\x00", {ACC: acc, GYRO: gyro}, startup_delay_s
    )


@dataclass
class _Active:
    spec: StreamSpec
    rate_hz: int
    first_device_ns: int
    emitted: int = 0
    pending_ns: list[int] = field(default_factory=list)
    pending: np.ndarray | None = None


class PolarPmdFirmware(FirmwareBase):
    def __init__(
        self,
        profile: PolarProfile,
        *,
        motion: MotionSource | None = None,
        faults: Faults | None = None,
        mtu: int = 232,
        force_status: dict[int, int] | None = None,
    ) -> None:
        super().__init__(motion=motion, faults=faults, mtu=mtu)
        self.profile = profile
        self.name = profile.name
        self.force_status = dict(force_status or {})
        """op code -> status to answer with (to exercise every code)."""
        self.active: dict[int, _Active] = {}
        self.stopped_by_device = False
        self.start_log: list[tuple[int, int]] = []
        """(measurement type, device time of its first sample) for every successful start."""
        self.table.add(
            Characteristic(
                CONTROL,
                SERVICE,
                frozenset({"read", "write", "indicate"}),
                on_read=lambda: self.profile.features,
                on_write=self._on_control,
            )
        )
        self.table.add(Characteristic(DATA, SERVICE, frozenset({"notify"})))

    # ----- clocks -------------------------------------------------------------------------
    def device_ns(self, true_s: float) -> int:
        return round((self.profile.device_epoch_s + true_s * self.clock_rate) * NS_PER_S)

    def true_s(self, device_ns: np.ndarray) -> np.ndarray:
        return (device_ns / NS_PER_S - self.profile.device_epoch_s) / self.clock_rate

    # ----- control point ------------------------------------------------------------------
    async def _on_control(self, cmd: bytes) -> None:
        await self.send(CONTROL, self.handle_command(cmd))

    def handle_command(self, cmd: bytes) -> bytes:
        if len(cmd) < 2:
            return codec.response(cmd[0] if cmd else 0, 0, 4)
        op, mtype = cmd[0], cmd[1]
        if op in self.force_status:
            return codec.response(op, mtype, self.force_status[op])
        if op not in (1, 2, 3):
            return codec.response(op, mtype, 1)
        if mtype not in KNOWN_TYPES:
            return codec.response(op, mtype, 2)
        spec = self.profile.streams.get(mtype)
        if spec is None:
            return codec.response(op, mtype, 3)
        if op == 1:
            opts = codec.build_tlv(
                {0: list(spec.rates_hz), 1: [spec.resolution_bits], 2: list(spec.ranges), 4: [3]}
            )
            return codec.response(op, mtype, 0, opts)
        if op == 3:
            if mtype not in self.active:
                return codec.response(op, mtype, 6)
            del self.active[mtype]
            return codec.response(op, mtype, 0)
        return self._start(mtype, spec, cmd[2:])

    def _start(self, mtype: int, spec: StreamSpec, body: bytes) -> bytes:
        if self.faults.in_charger:
            return codec.response(2, mtype, 13)
        if self.mtu < MIN_MTU:
            return codec.response(2, mtype, 10)
        if mtype in self.active:
            return codec.response(2, mtype, 6)
        try:
            tlv = codec.parse_tlv(body)
        except codec.TlvError as exc:
            return codec.response(2, mtype, exc.status)
        checks = (
            (0, spec.rates_hz, 8),
            (1, (spec.resolution_bits,), 7),
            (2, spec.ranges, 9),
            (4, (3,), 11),
        )
        for code, allowed, status in checks:
            if code in tlv and (len(tlv[code]) != 1 or tlv[code][0] not in allowed):
                return codec.response(2, mtype, status)
        if 0 not in tlv:
            return codec.response(2, mtype, 5)
        if self.stopped_by_device:
            return codec.response(2, mtype, 12)
        first = self.device_ns(self.now_s + self.profile.startup_delay_s)
        self.active[mtype] = _Active(spec, int(tlv[0][0]), first)
        self.start_log.append((mtype, first))
        return codec.response(2, mtype, 0, codec.build_tlv({5: [spec.factor]}))

    # ----- streaming ----------------------------------------------------------------------
    def on_disconnect(self) -> None:
        super().on_disconnect()
        self.active.clear()  # measurements end with the link

    def _counts(self, spec: StreamSpec, true_t: np.ndarray) -> np.ndarray:
        acc, gyro = self.sample_motion(true_t)
        if spec.mtype == ACC:
            units = acc / STANDARD_GRAVITY_M_S2 * 1000.0  # mG
            per_count = spec.factor * (1000.0 if spec.compressed and spec.frame_type == 0 else 1.0)
        else:
            units = gyro * _RAD_TO_DEG
            per_count = spec.factor
        lim = 2 ** (spec.resolution_bits - 1)
        return np.clip(np.rint(units / per_count), -lim, lim - 1).astype(np.int64)

    async def advance(self, until_s: float) -> None:
        """Emit every frame whose last sample falls at or before ``until_s`` (true time)."""
        stop_at = self.faults.stop_at_s
        if (
            stop_at is not None
            and not self.stopped_by_device
            and until_s >= stop_at
            and self.active
        ):
            await self._advance_streams(stop_at)
            self.now_s = stop_at
            types = sorted(self.active)
            self.active.clear()
            self.stopped_by_device = True
            await self.send(CONTROL, codec.device_stopped(types))
        await self._advance_streams(until_s)
        self.now_s = max(self.now_s, until_s)

    async def _advance_streams(self, until_s: float) -> None:
        for mtype, st in list(self.active.items()):
            period_ns = NS_PER_S / st.rate_hz
            limit_ns = self.device_ns(until_s)
            n_due = int(np.floor((limit_ns - st.first_device_ns) / period_ns)) + 1
            if n_due <= st.emitted:
                continue
            idx = np.arange(st.emitted, n_due)
            dev_ns = st.first_device_ns + np.rint(idx * period_ns).astype(np.int64)
            counts = self._counts(st.spec, self.true_s(dev_ns))
            st.emitted = n_due
            st.pending_ns.extend(int(v) for v in dev_ns)
            st.pending = counts if st.pending is None else np.concatenate([st.pending, counts])
            await self._flush_frames(mtype, st)

    async def _flush_frames(self, mtype: int, st: _Active) -> None:
        spec = st.spec
        max_bytes = self.mtu - 3
        assert st.pending is not None
        while st.pending.shape[0] > 0:
            if spec.compressed:
                n = codec.compressed_fit(st.pending, spec.resolution_bits, max_bytes)
            else:
                n = (max_bytes - codec.HEADER_BYTES) // (3 * {0: 1, 1: 2, 2: 3}[spec.frame_type])
            cap = min(spec.max_samples_per_frame, 256)
            n = min(n, cap)
            if st.pending.shape[0] < n or (st.pending.shape[0] == n < cap and spec.compressed):
                return  # wait until the frame is full (MTU or sample cap)
            chunk, st.pending = st.pending[:n], st.pending[n:]
            ts = st.pending_ns[n - 1]
            del st.pending_ns[:n]
            if spec.compressed:
                frame = codec.compressed_frame(
                    mtype, ts, spec.frame_type, chunk, spec.resolution_bits
                )
            else:
                frame = codec.raw_frame(mtype, ts, spec.frame_type, chunk)
            self.now_s = float(self.true_s(np.array([ts]))[0])
            await self.send_data(DATA, frame)
