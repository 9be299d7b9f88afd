"""Writing ``.bimu`` files: :class:`NativeWriter` appends samples as they arrive (the BLE
recorder), :func:`write_recording` writes a whole Recording. Format: docs/native-format.md."""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
from numpy.typing import NDArray

from boneimu.io._native_schema import (
    RAW_DTYPES,
    WRITE_RECORDING_BLOCK,
    NativeHeader,
    _FileHeader,
    _schema,
    origin_format,
)
from boneimu.recording import Recording


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
