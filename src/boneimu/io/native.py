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
import os
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from boneimu.errors import CorruptFileError, UnsupportedFormatError
from boneimu.io._common import finish_recording_gyro_rows
from boneimu.io._probe import Probe
from boneimu.recording import Placement, Platform, Recording, RecordingMeta, ResampleInfo

FORMAT = "boneimu_native"
FORMAT_VERSION = 1
EXTENSION = ".bimu"
METADATA_KEY = b"boneimu.native"
STREAM_CONTINUATION = b"\xff\xff\xff\xff"
END_OF_STREAM = STREAM_CONTINUATION + b"\x00\x00\x00\x00"

RawDtype = Literal["int8", "int16", "int32", "int64", "float32", "float64"]
RAW_DTYPES: tuple[str, ...] = ("int8", "int16", "int32", "int64", "float32", "float64")
ACC_COLUMNS = ("acc_x_raw", "acc_y_raw", "acc_z_raw")
GYRO_COLUMNS = ("gyro_x_raw", "gyro_y_raw", "gyro_z_raw")
WRITE_RECORDING_BLOCK = 65_536
OWN_FORMATS = ("boneimu_native", "boneimu_tidy_csv")


class NativeHeader(BaseModel):
    """What is known about a recording when it starts; stored once, in the stream's schema."""

    model_config = ConfigDict(extra="forbid")
    device: str | None = Field(default=None, description="sensor or phone model, e.g. 'Polar H10'")
    placement: Placement | None = None
    source_format: str | None = Field(
        default=None, description="where the samples came from, e.g. 'polar_h10_ble' or a reader"
    )
    source_app: str | None = None
    source_app_version: str | None = None
    platform: Platform | None = None
    platform_version: str | None = None
    nominal_rate_hz: float | None = None
    start_time_utc: datetime | None = None
    timezone: str | None = None
    time_is_absolute: bool = Field(default=False, description="time_ns is Unix-epoch UTC")
    acc_range_g: float | None = Field(default=None, description="accelerometer full scale")
    gyro_range_dps: float | None = Field(default=None, description="gyroscope full scale, deg/s")
    acc_reconstructed: bool = False
    conversions: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list, description="carried over from the source")
    n_duplicates_dropped: int = 0
    n_invalid_rows_dropped: int = 0
    resampled: ResampleInfo | None = None
    notes: str | None = None
    extra: dict[str, str] = Field(default_factory=dict)


class _FileHeader(BaseModel):
    """The JSON stored under :data:`METADATA_KEY`."""

    model_config = ConfigDict(extra="forbid")
    format: Literal["boneimu_native"] = "boneimu_native"
    version: int = FORMAT_VERSION
    raw_dtype: RawDtype
    acc_scale_m_s2: float = Field(gt=0)
    gyro_scale_rad_s: float | None = Field(default=None, gt=0)
    header: NativeHeader = Field(default_factory=NativeHeader)


def _schema(fh: _FileHeader) -> pa.Schema:
    raw = pa.from_numpy_dtype(np.dtype(fh.raw_dtype))

    def col(name: str, scale: float, unit: str) -> pa.Field:
        return pa.field(
            name, raw, nullable=False, metadata={"scale_to_si": repr(scale), "si_unit": unit}
        )

    fields = [pa.field("time_ns", pa.int64(), nullable=False, metadata={"unit": "ns"})]
    fields += [col(n, fh.acc_scale_m_s2, "m/s^2") for n in ACC_COLUMNS]
    if fh.gyro_scale_rad_s is not None:
        fields += [col(n, fh.gyro_scale_rad_s, "rad/s") for n in GYRO_COLUMNS]
    return pa.schema(fields, metadata={METADATA_KEY: fh.model_dump_json().encode()})


def _as_raw(name: str, x: NDArray[Any], dtype: np.dtype[Any], n: int) -> NDArray[Any]:
    """Check shape (n, 3) and convert to the raw dtype without losing information."""
    arr = np.asarray(x)
    if arr.shape != (n, 3):
        raise ValueError(f"{name} must have shape ({n}, 3), got {arr.shape}")
    if arr.dtype == dtype:
        return arr
    if dtype.kind == "f":
        if arr.dtype.kind not in "fiu":
            raise ValueError(f"{name}: cannot store {arr.dtype} as {dtype}")
        return arr.astype(dtype)
    info = np.iinfo(dtype)
    if arr.dtype.kind in "iu":
        ok = arr.size == 0 or (arr.min() >= info.min and arr.max() <= info.max)
    elif arr.dtype.kind == "f":
        ok = bool(np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)))
        ok = ok and (arr.size == 0 or (arr.min() >= info.min and arr.max() <= info.max))
    else:
        ok = False
    if not ok:
        raise ValueError(f"{name}: values do not fit raw dtype {dtype} exactly")
    return arr.astype(dtype)


class NativeWriter:
    """Append samples to a ``.bimu`` file as they arrive (used by the BLE recorder).

    ``append`` buffers; every ``block_samples`` samples become one record batch on disk.
    ``flush`` writes what is buffered now; ``close`` flushes and writes the end-of-stream
    marker. With ``fsync=True`` each batch is forced to stable storage before ``flush``
    returns, so a power cut loses at most the samples still in the buffer.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        acc_scale_m_s2: float,
        gyro_scale_rad_s: float | None = None,
        raw_dtype: str = "float64",
        header: NativeHeader | None = None,
        block_samples: int = 1024,
        fsync: bool = False,
    ) -> None:
        if raw_dtype not in RAW_DTYPES:
            raise ValueError(f"raw_dtype must be one of {RAW_DTYPES}, got {raw_dtype!r}")
        if block_samples < 1:
            raise ValueError("block_samples must be >= 1")
        self._fh = _FileHeader(
            raw_dtype=raw_dtype,  # type: ignore[arg-type]
            acc_scale_m_s2=acc_scale_m_s2,
            gyro_scale_rad_s=gyro_scale_rad_s,
            header=header or NativeHeader(),
        )
        self.path = Path(path)
        self.block_samples = block_samples
        self.fsync = fsync
        self._dtype = np.dtype(raw_dtype)
        self._schema = _schema(self._fh)
        self._has_gyro = gyro_scale_rad_s is not None
        self._time: list[NDArray[np.int64]] = []
        self._acc: list[NDArray[Any]] = []
        self._gyro: list[NDArray[Any]] = []
        self._n_buffered = 0
        self._last_time_ns: int | None = None
        self.n_written = 0
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._writer: ipc.RecordBatchStreamWriter | None = ipc.new_stream(self._file, self._schema)
        # an empty batch puts the schema (and so the header) on disk now, not at the first block
        empty = [pa.array([], type=f.type) for f in self._schema]
        self._writer.write_batch(pa.record_batch(empty, schema=self._schema))
        self._sync()

    def append(
        self,
        time_ns: NDArray[np.int64],
        acc_raw: NDArray[Any],
        gyro_raw: NDArray[Any] | None = None,
    ) -> None:
        """Buffer a chunk of samples; writes full blocks. Time must never go backwards."""
        if self._writer is None:
            raise ValueError(f"{self.path}: writer is closed")
        t = np.asarray(time_ns)
        if t.ndim != 1 or t.dtype.kind not in "iu":
            raise ValueError("time_ns must be a 1-D integer (int64 ns) array")
        t = t.astype(np.int64)
        n = t.shape[0]
        acc = _as_raw("acc_raw", acc_raw, self._dtype, n)
        if self._has_gyro != (gyro_raw is not None):
            want = "required (gyro_scale_rad_s was given)" if self._has_gyro else "not expected"
            raise ValueError(f"gyro_raw is {want}")
        gyro = None if gyro_raw is None else _as_raw("gyro_raw", gyro_raw, self._dtype, n)
        if n == 0:
            return
        if np.any(np.diff(t) < 0) or (self._last_time_ns is not None and t[0] < self._last_time_ns):
            raise ValueError(f"{self.path}: time_ns goes backwards; chunks must be in time order")
        self._last_time_ns = int(t[-1])
        self._time.append(t)
        self._acc.append(acc)
        if gyro is not None:
            self._gyro.append(gyro)
        self._n_buffered += n
        if self._n_buffered >= self.block_samples:
            self._write_buffered(keep_partial=True)

    def flush(self) -> None:
        """Write every buffered sample as one batch now (and fsync when enabled)."""
        if self._writer is None:
            return
        self._write_buffered(keep_partial=False)

    def close(self) -> None:
        """Flush, write the end-of-stream marker and close the file. Idempotent."""
        if self._writer is None:
            return
        try:
            self._write_buffered(keep_partial=False)
            self._writer.close()
            self._sync()
        finally:
            self._writer = None
            self._file.close()

    def __enter__(self) -> NativeWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _write_buffered(self, *, keep_partial: bool) -> None:
        if self._n_buffered == 0:
            return
        assert self._writer is not None
        t = np.concatenate(self._time)
        acc = np.concatenate(self._acc)
        gyro = np.concatenate(self._gyro) if self._has_gyro else None
        bs = self.block_samples
        n_out = (t.size // bs) * bs if keep_partial else t.size
        for a in range(0, n_out, bs):
            b = min(a + bs, n_out)
            cols = [pa.array(t[a:b])] + [pa.array(acc[a:b, k]) for k in range(3)]
            if gyro is not None:
                cols += [pa.array(gyro[a:b, k]) for k in range(3)]
            self._writer.write_batch(pa.record_batch(cols, schema=self._schema))
            self.n_written += b - a
        self._time, self._acc = [t[n_out:]], [acc[n_out:]]
        self._gyro = [gyro[n_out:]] if gyro is not None else []
        self._n_buffered = t.size - n_out
        self._sync()

    def _sync(self) -> None:
        self._file.flush()
        if self.fsync:
            os.fsync(self._file.fileno())


def origin_format(meta: RecordingMeta) -> str | None:
    """The format a recording first came from, looking through boneimu's own formats."""
    if meta.source_format in OWN_FORMATS:
        return meta.extra.get("recorded_from")
    return meta.source_format


def write_recording(rec: Recording, path: str | Path) -> Path:
    """Write any Recording losslessly (float64 values, scale 1) and close the stream."""
    m = rec.meta
    origin = origin_format(m)
    header = NativeHeader(
        device=m.device,
        placement=m.placement,
        source_format=origin,
        source_app=m.source_app,
        source_app_version=m.source_app_version,
        platform=m.platform,
        platform_version=m.platform_version,
        nominal_rate_hz=m.nominal_rate_hz,
        start_time_utc=m.start_time_utc,
        timezone=m.timezone,
        time_is_absolute=m.time_is_absolute,
        acc_range_g=m.acc_range_g,
        acc_reconstructed=m.acc_reconstructed,
        conversions=list(m.conversions),
        warnings=list(m.warnings),
        n_duplicates_dropped=m.n_duplicates_dropped,
        n_invalid_rows_dropped=m.n_invalid_rows_dropped,
        resampled=m.resampled,
        extra={k: v for k, v in m.extra.items() if k != "recorded_from"},
    )
    out = Path(path)
    with NativeWriter(
        out,
        acc_scale_m_s2=1.0,
        gyro_scale_rad_s=1.0 if rec.gyro_rad_s is not None else None,
        raw_dtype="float64",
        header=header,
        block_samples=WRITE_RECORDING_BLOCK,
    ) as w:
        w.append(rec.time_ns, rec.acc_m_s2, rec.gyro_rad_s)
    return out


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
