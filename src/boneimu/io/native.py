"""boneimu's native recording format (``.bimu``): an append-only Apache Arrow IPC stream.

Layout (docs/native-format.md): one Arrow *stream* (not the Arrow file format) whose schema
message carries a JSON header under the schema-metadata key ``boneimu.native``, then one record
batch per flushed block, then the end-of-stream marker written by :meth:`NativeWriter.close`.
Columns: ``time_ns`` (int64) and ``acc_x_raw``..``acc_z_raw`` (plus ``gyro_x_raw``.. when a
gyroscope is recorded) holding the values exactly as the sensor delivered them; multiply by
``acc_scale_m_s2`` / ``gyro_scale_rad_s`` from the header to get m/s² / rad/s.

Crash safety: every flushed batch is a complete Arrow message on disk. A file cut anywhere
(power loss, killed recorder) is read up to the last complete batch, with a warning in
``meta.warnings``. A pandas user without boneimu reads a cleanly closed file with
``pyarrow.ipc.open_stream(path).read_pandas()``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
from numpy.typing import NDArray
from pydantic import ValidationError

from boneimu.errors import CorruptFileError, UnsupportedFormatError
from boneimu.io._common import finish_recording_gyro_rows
from boneimu.io._native_schema import (
    ACC_COLUMNS,
    END_OF_STREAM,
    EXTENSION,
    FORMAT,
    FORMAT_VERSION,
    GYRO_COLUMNS,
    METADATA_KEY,
    OWN_FORMATS,
    RAW_DTYPES,
    STREAM_CONTINUATION,
    WRITE_RECORDING_BLOCK,
    NativeHeader,
    _FileHeader,
    origin_format,
)
from boneimu.io._probe import Probe
from boneimu.io.native_writer import NativeWriter, write_recording
from boneimu.recording import Recording

__all__ = [
    "ACC_COLUMNS",
    "END_OF_STREAM",
    "EXTENSION",
    "FORMAT",
    "FORMAT_VERSION",
    "GYRO_COLUMNS",
    "METADATA_KEY",
    "OWN_FORMATS",
    "RAW_DTYPES",
    "STREAM_CONTINUATION",
    "WRITE_RECORDING_BLOCK",
    "NativeHeader",
    "NativeWriter",
    "origin_format",
    "read",
    "read_header",
    "sniff",
    "write_recording",
]


def sniff(probe: Probe) -> bool:
    """An Arrow IPC stream whose schema metadata has our key."""
    return (
        probe.kind == "file"
        and probe.head_bytes.startswith(STREAM_CONTINUATION)
        and METADATA_KEY in probe.head_bytes
    )


def _read_messages(
    path: Path, data: pa.Buffer
) -> tuple[pa.Schema, list[pa.RecordBatch], list[str]]:
    """Schema and every complete batch; a warning when the stream is cut or damaged."""
    src = pa.BufferReader(data)
    reader = ipc.MessageReader.open_stream(src)
    schema: pa.Schema | None = None
    batches: list[pa.RecordBatch] = []
    warnings: list[str] = []
    end = 0
    ended = False
    while True:
        try:
            msg = reader.read_next_message()
        except StopIteration:
            ended = True
            break
        except (pa.ArrowInvalid, OSError):
            break
        try:
            if schema is None:
                schema = ipc.read_schema(msg)
            else:
                batch = ipc.read_record_batch(msg, schema)
                batch.validate(full=True)
                batches.append(batch)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, OSError, ValueError):
            break
        end = src.tell()
    if schema is None:
        raise CorruptFileError(
            path, "not a readable boneimu native file (header is cut or damaged)"
        )
    tail = data.size - end
    if ended and tail in (4, 8) and data[end:].to_pybytes() in (END_OF_STREAM, b"\x00" * 4):
        return schema, batches, warnings
    if tail == 0:
        warnings.append(
            "native file has no end-of-stream marker (recording was not closed cleanly); "
            f"read {len(batches)} complete block(s)"
        )
    elif ended:
        warnings.append(f"native file: {tail} byte(s) after the end-of-stream marker ignored")
    else:
        warnings.append(
            f"native file is cut or damaged after byte {end}: read {len(batches)} complete "
            f"block(s), ignored the last {tail} byte(s)"
        )
    return schema, batches, warnings


def read_header(path: str | Path) -> NativeHeader:
    """The header of a native file (complete or cut short)."""
    p = Path(path)
    return _parse_file_header(p, _open(p)[0]).header


def _open(path: Path) -> tuple[pa.Schema, list[pa.RecordBatch], list[str]]:
    try:
        with pa.memory_map(str(path), "r") as mm:
            data = mm.read_buffer()
    except OSError as exc:
        raise CorruptFileError(path, f"cannot read ({exc})") from None
    if data.size == 0:
        raise CorruptFileError(path, "file is empty")
    if not STREAM_CONTINUATION.startswith(data[:4].to_pybytes()):
        raise UnsupportedFormatError(path, "not a boneimu native file (no Arrow stream marker)")
    return _read_messages(path, data)


def _parse_file_header(path: Path, schema: pa.Schema) -> _FileHeader:
    raw = (schema.metadata or {}).get(METADATA_KEY)
    if raw is None:
        raise UnsupportedFormatError(path, "Arrow stream without a boneimu header")
    try:
        version = json.loads(raw).get("version")
    except (ValueError, AttributeError):
        raise CorruptFileError(path, "boneimu header is not valid JSON") from None
    if isinstance(version, int) and version > FORMAT_VERSION:
        raise UnsupportedFormatError(
            path,
            f"native format version {version} is newer than this boneimu reads "
            f"({FORMAT_VERSION}); upgrade boneimu",
        )
    try:
        return _FileHeader.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        raise CorruptFileError(path, f"invalid boneimu header ({where}: {first['msg']})") from None


def _column(path: Path, batches: list[pa.RecordBatch], name: str) -> NDArray[Any]:
    try:
        return np.concatenate([b.column(name).to_numpy(zero_copy_only=False) for b in batches])
    except KeyError:
        raise CorruptFileError(path, f"native file has no column {name!r}") from None


def read(path: str | Path) -> Recording:
    """Read a ``.bimu`` file (complete or cut short) into canonical units."""
    p = Path(path)
    schema, batches, warnings = _open(p)
    fh = _parse_file_header(p, schema)
    h = fh.header
    if sum(b.num_rows for b in batches) == 0:
        raise CorruptFileError(p, "native file holds no samples (cut before the first block)")
    time_ns = _column(p, batches, "time_ns").astype(np.int64, copy=False)
    acc_raw = np.column_stack([_column(p, batches, c) for c in ACC_COLUMNS])
    conversions = list(h.conversions)
    acc = acc_raw.astype(np.float64)
    if fh.acc_scale_m_s2 != 1.0:
        acc *= fh.acc_scale_m_s2
        conversions.append(f"accelerometer raw {fh.raw_dtype} x {fh.acc_scale_m_s2!r} -> m/s²")
    gyro = None
    if fh.gyro_scale_rad_s is not None:
        gyro = np.column_stack([_column(p, batches, c) for c in GYRO_COLUMNS]).astype(np.float64)
        if fh.gyro_scale_rad_s != 1.0:
            gyro *= fh.gyro_scale_rad_s
            conversions.append(f"gyroscope raw {fh.raw_dtype} x {fh.gyro_scale_rad_s!r} -> rad/s")
    extra = dict(h.extra)
    if h.source_format:
        extra["recorded_from"] = h.source_format
    if h.notes:
        extra["notes"] = h.notes
    if h.gyro_range_dps is not None:
        extra["gyro_range_dps"] = repr(h.gyro_range_dps)
    rec = finish_recording_gyro_rows(
        p,
        time_ns=time_ns,
        acc_m_s2=acc,
        gyro_rad_s=gyro,
        source_format=FORMAT,
        conversions=conversions,
        warnings=warnings,
        source_app=h.source_app,
        source_app_version=h.source_app_version,
        platform=h.platform,
        platform_version=h.platform_version,
        device=h.device,
        placement=h.placement,
        nominal_rate_hz=h.nominal_rate_hz,
        time_is_absolute=h.time_is_absolute,
        start_time_utc=h.start_time_utc,
        timezone=h.timezone,
        acc_range_g=h.acc_range_g,
        acc_reconstructed=h.acc_reconstructed,
        resampled=h.resampled,
        extra=extra,
    )
    m = rec.meta
    carried = [w for w in h.warnings if w not in m.warnings]
    return rec.with_meta(
        warnings=carried + m.warnings,
        n_duplicates_dropped=m.n_duplicates_dropped + h.n_duplicates_dropped,
        n_invalid_rows_dropped=m.n_invalid_rows_dropped + h.n_invalid_rows_dropped,
    )
