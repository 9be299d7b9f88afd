"""Pure decoders (and host-side command builders) for the Polar Measurement Data (PMD) service.

Bytes in, typed results out; no I/O, no clocks. Written from Polar's public description of
the online-measurement protocol (see docs/sensors/index.md); boneimu is compatible with, not
affiliated with, Polar devices.

Device times are int64 nanoseconds since 2000-01-01T00:00Z on the DEVICE clock; mapping them
to host time is the driver's job (:mod:`boneimu.ble.timemap`).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import NDArray

from boneimu.ble.errors import MalformedFrameError

PMD_SERVICE_UUID = "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
PMD_CONTROL_UUID = "fb005c81-02e7-f387-1cad-8acd2d8df0c8"
PMD_DATA_UUID = "fb005c82-02e7-f387-1cad-8acd2d8df0c8"

FEATURE_READ_OPCODE = 0x0F
RESPONSE_OPCODE = 0xF0
DEVICE_STOPPED_OPCODE = 0x01
COMPRESSED_BIT = 0x80
FRAME_HEADER_BYTES = 10


class MeasurementType(IntEnum):
    ECG = 0
    PPG = 1
    ACC = 2
    PPI = 3
    GYRO = 5
    MAG = 6


class ControlOp(IntEnum):
    GET_SETTINGS = 1
    START = 2
    STOP = 3


class PmdStatus(IntEnum):
    SUCCESS = 0
    INVALID_OP_CODE = 1
    INVALID_MEASUREMENT_TYPE = 2
    NOT_SUPPORTED = 3
    INVALID_LENGTH = 4
    INVALID_PARAMETER = 5
    ALREADY_IN_STATE = 6
    INVALID_RESOLUTION = 7
    INVALID_SAMPLE_RATE = 8
    INVALID_RANGE = 9
    INVALID_MTU = 10
    INVALID_NUMBER_OF_CHANNELS = 11
    INVALID_STATE = 12
    DEVICE_IN_CHARGER = 13


class SettingType(IntEnum):
    SAMPLE_RATE = 0
    RESOLUTION = 1
    RANGE = 2
    CHANNELS = 4
    FACTOR = 5


# setting type -> (struct code, bytes per value)
_SETTING_FORMAT: dict[SettingType, tuple[str, int]] = {
    SettingType.SAMPLE_RATE: ("<H", 2),
    SettingType.RESOLUTION: ("<H", 2),
    SettingType.RANGE: ("<H", 2),
    SettingType.CHANNELS: ("<B", 1),
    SettingType.FACTOR: ("<f", 4),
}

Settings = dict[SettingType, tuple[float, ...]]
"""Setting type -> the values offered (get-settings) or in use (start response)."""


@dataclass(frozen=True, slots=True)
class ControlResponse:
    """A control-point indication ``F0 op type status more params…``."""

    op: int
    measurement_type: int
    status: int
    more: bool
    params: bytes = b""

    @property
    def ok(self) -> bool:
        return self.status == PmdStatus.SUCCESS

    @property
    def status_name(self) -> str:
        try:
            return PmdStatus(self.status).name.lower()
        except ValueError:
            return f"unknown status {self.status}"


@dataclass(frozen=True, slots=True)
class DeviceStopped:
    """The device ended measurements on its own (frame starting ``01``)."""

    measurement_types: tuple[int, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True, eq=False)
class DataFrame:
    """One decoded PMD data notification.

    ``samples`` are integer counts in the frame's own units (H10 raw ACC: mG; compressed
    frames: multiply by the stream's factor); ``timestamp_ns`` is the device time of the
    LAST sample, ns since 2000-01-01.
    """

    measurement_type: int
    timestamp_ns: int
    frame_type: int
    compressed: bool
    samples: NDArray[np.int64]


def decode_features(data: bytes) -> frozenset[MeasurementType]:
    """Measurement types offered, from the control-point read ``0F mask1 mask2 …``."""
    if len(data) < 2 or data[0] != FEATURE_READ_OPCODE:
        raise MalformedFrameError(f"PMD feature read: expected 0F <mask>…, got {data.hex(' ')}")
    mask = int.from_bytes(data[1:3], "little")
    return frozenset(t for t in MeasurementType if mask >> int(t) & 1)


def decode_settings(tlv: bytes) -> Settings:
    """Parse a settings TLV list ``[type][count][count × value LE]…``."""
    out: Settings = {}
    i = 0
    while i < len(tlv):
        if i + 2 > len(tlv):
            raise MalformedFrameError(f"PMD settings: truncated TLV header at byte {i}")
        code, count = tlv[i], tlv[i + 1]
        try:
            stype = SettingType(code)
        except ValueError:
            raise MalformedFrameError(f"PMD settings: unknown setting type {code}") from None
        fmt, size = _SETTING_FORMAT[stype]
        end = i + 2 + count * size
        if end > len(tlv):
            raise MalformedFrameError(f"PMD settings: {stype.name} values run past the end")
        vals = tuple(struct.unpack_from(fmt, tlv, i + 2 + k * size)[0] for k in range(count))
        out[stype] = tuple(float(v) for v in vals)
        i = end
    return out


def decode_control_response(data: bytes) -> ControlResponse | DeviceStopped:
    """Decode a control-point indication (a command response or a device-initiated stop)."""
    if not data:
        raise MalformedFrameError("PMD control point: empty indication")
    if data[0] == DEVICE_STOPPED_OPCODE:
        return DeviceStopped(tuple(data[1:]))
    if data[0] != RESPONSE_OPCODE or len(data) < 4:
        raise MalformedFrameError(f"PMD control point: unexpected indication {data.hex(' ')}")
    more = bool(data[4]) if len(data) > 4 else False
    return ControlResponse(data[1], data[2], data[3], more, bytes(data[5:]))


def encode_get_settings(mtype: MeasurementType) -> bytes:
    return bytes([ControlOp.GET_SETTINGS, mtype])


def encode_stop(mtype: MeasurementType) -> bytes:
    return bytes([ControlOp.STOP, mtype])


def encode_start(mtype: MeasurementType, settings: dict[SettingType, int]) -> bytes:
    """``02 type`` then one TLV (count 1) per setting, in setting-type order."""
    out = bytearray([ControlOp.START, mtype])
    for stype in sorted(settings):
        fmt, _ = _SETTING_FORMAT[stype]
        out += bytes([stype, 1]) + struct.pack(fmt, settings[stype])
    return bytes(out)


def _signed_le(raw: NDArray[np.uint8], nbytes: int) -> NDArray[np.int64]:
    """Little-endian two's-complement integers of ``nbytes`` from a (k, nbytes) byte array."""
    weights = (1 << (8 * np.arange(nbytes, dtype=np.int64))).astype(np.int64)
    vals = raw.astype(np.int64) @ weights
    sign = np.int64(1) << (8 * nbytes - 1)
    return np.asarray(vals - ((vals & sign) << 1), dtype=np.int64)


_RAW_BYTES = {0: 1, 1: 2, 2: 3}


def _decode_raw(payload: bytes, frame_type: int, channels: int) -> NDArray[np.int64]:
    nbytes = _RAW_BYTES.get(frame_type)
    if nbytes is None:
        raise MalformedFrameError(f"PMD data: unknown raw frame type {frame_type}")
    step = nbytes * channels
    if len(payload) == 0 or len(payload) % step:
        raise MalformedFrameError(
            f"PMD data: raw payload of {len(payload)} bytes is not a whole number of "
            f"{step}-byte samples"
        )
    raw = np.frombuffer(payload, dtype=np.uint8).reshape(-1, nbytes)
    return _signed_le(raw, nbytes).reshape(-1, channels)


def _decode_delta(payload: bytes, resolution_bits: int, channels: int) -> NDArray[np.int64]:
    """Reference sample then ``[bits][count][packed deltas]`` blocks; cumulative sums."""
    ref_bytes = (resolution_bits + 7) // 8
    head = ref_bytes * channels
    if len(payload) < head:
        raise MalformedFrameError("PMD data: compressed frame shorter than its reference sample")
    ref = _signed_le(
        np.frombuffer(payload[:head], dtype=np.uint8).reshape(-1, ref_bytes), ref_bytes
    )
    parts = [ref.reshape(1, channels)]
    i = head
    buf = np.frombuffer(payload, dtype=np.uint8)
    while i < len(payload):
        if i + 2 > len(payload):
            raise MalformedFrameError(f"PMD data: truncated delta block header at byte {i}")
        bits, count = int(payload[i]), int(payload[i + 1])
        if not 1 <= bits <= 32 or count == 0:
            raise MalformedFrameError(f"PMD data: bad delta block (bits={bits}, count={count})")
        nbits = bits * count * channels
        nbytes = (nbits + 7) // 8
        start = i + 2
        if start + nbytes > len(payload):
            raise MalformedFrameError("PMD data: delta block runs past the end of the frame")
        unpacked = np.unpackbits(buf[start : start + nbytes], bitorder="little")[:nbits]
        fields = unpacked.reshape(-1, bits).astype(np.int64)
        vals = fields @ (np.int64(1) << np.arange(bits, dtype=np.int64))
        sign = np.int64(1) << (bits - 1)
        deltas = (vals - ((vals & sign) << 1)).reshape(count, channels)
        parts.append(deltas)
        i = start + nbytes
    stacked = np.concatenate(parts, axis=0)
    return np.cumsum(stacked, axis=0, dtype=np.int64)


def decode_data_frame(data: bytes, *, resolution_bits: int = 16, channels: int = 3) -> DataFrame:
    """Decode one PMD data notification.

    ``resolution_bits`` and ``channels`` come from the stream's settings; they size the
    reference sample of delta-compressed frames (raw frames carry their width in the type).
    """
    if len(data) < FRAME_HEADER_BYTES + 1:
        raise MalformedFrameError(f"PMD data: frame of {len(data)} bytes is too short")
    mtype = data[0] & 0x3F
    ts = int.from_bytes(data[1:9], "little")
    ftype_byte = data[9]
    compressed = bool(ftype_byte & COMPRESSED_BIT)
    ftype = ftype_byte & 0x7F
    payload = bytes(data[FRAME_HEADER_BYTES:])
    if compressed:
        samples = _decode_delta(payload, resolution_bits, channels)
    else:
        samples = _decode_raw(payload, ftype, channels)
    return DataFrame(mtype, ts, ftype, compressed, samples)


def status_message(resp: ControlResponse) -> str:
    """One line naming the command and status, for errors and logs."""
    try:
        op = ControlOp(resp.op).name.lower()
    except ValueError:
        op = f"op {resp.op}"
    try:
        mt = MeasurementType(resp.measurement_type).name
    except ValueError:
        mt = f"type {resp.measurement_type}"
    return f"PMD {op} {mt}: {resp.status_name} (status {resp.status})"
