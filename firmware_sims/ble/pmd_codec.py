"""Firmware-side PMD codec: command PARSING and response/frame ENCODING.

Independent of ``boneimu.ble.protocols.polar_pmd`` by design (the two are tested against
each other); written from the public protocol description.
"""

from __future__ import annotations

import struct

import numpy as np
from numpy.typing import NDArray

HEADER_BYTES = 10

# TLV setting code -> value width in bytes (little endian)
TLV_WIDTH = {0: 2, 1: 2, 2: 2, 4: 1, 5: 4}


class TlvError(ValueError):
    """A start command whose TLV list cannot be parsed (length or unknown code)."""

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(f"bad TLV (status {status})")


def parse_tlv(body: bytes) -> dict[int, list[int | float]]:
    out: dict[int, list[int | float]] = {}
    pos = 0
    while pos < len(body):
        if len(body) - pos < 2:
            raise TlvError(4)
        code, n = body[pos], body[pos + 1]
        if code not in TLV_WIDTH:
            raise TlvError(5)
        width = TLV_WIDTH[code]
        stop = pos + 2 + n * width
        if stop > len(body):
            raise TlvError(4)
        chunk = body[pos + 2 : stop]
        if code == 5:
            out[code] = [v[0] for v in struct.iter_unpack("<f", chunk)]
        else:
            out[code] = [
                int.from_bytes(chunk[k : k + width], "little") for k in range(0, len(chunk), width)
            ]
        pos = stop
    return out


def build_tlv(entries: dict[int, list[int | float]]) -> bytes:
    blob = b""
    for code, values in entries.items():
        width = TLV_WIDTH[code]
        blob += bytes((code, len(values)))
        for v in values:
            blob += struct.pack("<f", v) if code == 5 else int(v).to_bytes(width, "little")
    return blob


def response(op: int, mtype: int, status: int, params: bytes = b"") -> bytes:
    return bytes((0xF0, op, mtype, status, 0)) + params


def device_stopped(mtypes: list[int]) -> bytes:
    return bytes([0x01, *mtypes])


def _header(mtype: int, device_ns: int, frame_type: int) -> bytes:
    return bytes([mtype]) + int(device_ns).to_bytes(8, "little") + bytes([frame_type])


def _le_bytes(counts: NDArray[np.int64], width: int) -> bytes:
    """Two's-complement little-endian bytes, ``width`` bytes per value, row-major."""
    u = counts.astype(np.int64).ravel() & ((1 << (8 * width)) - 1)
    shifts = np.arange(width, dtype=np.int64) * 8
    return ((u[:, None] >> shifts[None, :]) & 0xFF).astype(np.uint8).tobytes()


def raw_frame(mtype: int, device_ns: int, frame_type: int, counts: NDArray[np.int64]) -> bytes:
    width = {0: 1, 1: 2, 2: 3}[frame_type]
    return _header(mtype, device_ns, frame_type) + _le_bytes(counts, width)


def bits_for(values: NDArray[np.int64]) -> NDArray[np.int64]:
    """Smallest two's-complement width holding each value (≥ 1)."""
    v = values.astype(np.int64)
    mag = np.where(v < 0, ~v, v)  # -1 -> 0, -2 -> 1, 3 -> 3
    width = np.zeros(v.shape, dtype=np.int64)
    nz = mag > 0
    width[nz] = np.floor(np.log2(mag[nz])).astype(np.int64) + 1
    return width + 1


def pack_deltas(deltas: NDArray[np.int64], bits: int) -> bytes:
    u = deltas.astype(np.int64).ravel() & ((1 << bits) - 1)
    field = (u[:, None] >> np.arange(bits, dtype=np.int64)[None, :]) & 1
    return np.packbits(field.astype(np.uint8).ravel(), bitorder="little").tobytes()


def compressed_frame(
    mtype: int, device_ns: int, frame_type: int, counts: NDArray[np.int64], resolution_bits: int
) -> bytes:
    """Reference sample then ONE delta block with the smallest width that fits every delta."""
    ref_width = (resolution_bits + 7) // 8
    body = _le_bytes(counts[0], ref_width)
    if counts.shape[0] > 1:
        deltas = np.diff(counts, axis=0)
        bits = int(bits_for(deltas).max())
        body += bytes((bits, deltas.shape[0])) + pack_deltas(deltas, bits)
    return _header(mtype, device_ns, frame_type | 0x80) + body


def compressed_fit(counts: NDArray[np.int64], resolution_bits: int, max_bytes: int) -> int:
    """How many leading samples of ``counts`` fit in one compressed frame of ``max_bytes``."""
    ch = counts.shape[1]
    fixed = HEADER_BYTES + ch * ((resolution_bits + 7) // 8) + 2
    if counts.shape[0] <= 1:
        return counts.shape[0]
    width = np.maximum.accumulate(bits_for(np.diff(counts, axis=0)).max(axis=1))
    k = np.arange(1, width.size + 1)
    size = fixed + (k * ch * width + 7) // 8
    fits = np.flatnonzero(size <= max_bytes)
    return 1 if fits.size == 0 else int(fits[-1]) + 2
