"""The one place where raw reader output becomes a validated canonical :class:`Recording`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from boneimu.errors import CorruptFileError, RecordingTooShortError, TimestampError
from boneimu.recording import (
    MIN_DURATION_S,
    MIN_SAMPLES,
    Barometer,
    Gap,
    Recording,
    RecordingMeta,
)
from boneimu.signal.timebase import interp_onto, timebase_stats
from boneimu.units import NS_PER_S


def _clean_stream(
    path: str | Path | None,
    name: str,
    time_ns: NDArray[np.int64],
    values: NDArray[np.float64],
    warnings: list[str],
) -> tuple[NDArray[np.int64], NDArray[np.float64], int, int]:
    """Drop NaN rows and exact duplicate timestamps; refuse inf and backwards time."""
    if time_ns.dtype != np.int64:
        raise TypeError("time_ns must be int64 nanoseconds")
    if values.ndim != 2 or values.shape[0] != time_ns.shape[0]:
        raise ValueError(f"{name}: values shape {values.shape} does not match time")
    n_nan = 0
    if not np.isfinite(values).all():  # one pass in the common all-valid case
        if np.isinf(values).any():
            row = int(np.flatnonzero(np.isinf(values).any(axis=1))[0])
            raise CorruptFileError(path, f"{name}: infinite value in data row {row + 1}")
        nan_rows = np.isnan(values).any(axis=1)
        n_nan = int(nan_rows.sum())
    if n_nan:
        if n_nan == int(nan_rows.shape[0]):
            raise CorruptFileError(path, f"{name}: every row has a missing (NaN) value")
        warnings.append(f"{name}: dropped {n_nan} row(s) with missing (NaN) values")
        time_ns, values = time_ns[~nan_rows], values[~nan_rows]
    if time_ns.size == 0:
        raise CorruptFileError(path, f"{name}: no data rows")
    dt = np.diff(time_ns)
    back = np.flatnonzero(dt < 0)
    if back.size:
        i = int(back[0])
        raise TimestampError(
            path,
            f"{name}: timestamps go backwards at data row {i + 2} "
            f"({(time_ns[i] - time_ns[0]) / NS_PER_S:.6f} s -> "
            f"{(time_ns[i + 1] - time_ns[0]) / NS_PER_S:.6f} s); {back.size} such place(s)",
        )
    dup = np.flatnonzero(dt == 0) + 1
    if dup.size:
        warnings.append(f"{name}: dropped {dup.size} sample(s) with a duplicated timestamp")
        keep = np.ones(time_ns.size, dtype=bool)
        keep[dup] = False
        time_ns, values = time_ns[keep], values[keep]
    return time_ns, values, n_nan, int(dup.size)


def finish_recording(
    path: str | Path | None,
    *,
    time_ns: NDArray[np.int64],
    acc_m_s2: NDArray[np.float64],
    source_format: str,
    gyro_rad_s: NDArray[np.float64] | None = None,
    gyro_time_ns: NDArray[np.int64] | None = None,
    baro: Barometer | None = None,
    conversions: list[str] | None = None,
    warnings: list[str] | None = None,
    **meta_fields: Any,
) -> Recording:
    """Validate arrays from a reader and build the canonical recording.

    ``gyro_time_ns`` given: the gyroscope is its own stream and is interpolated onto the
    accelerometer time base (NaN inside gyro gaps). Otherwise ``gyro_rad_s`` shares ``time_ns``.
    Drops NaN rows and duplicated timestamps (counted, with a warning); raises on inf values,
    backwards time and recordings too short to analyse.
    """
    warnings = list(warnings or [])
    conversions = list(conversions or [])
    acc = np.ascontiguousarray(acc_m_s2, dtype=np.float64)
    same_base = gyro_rad_s is not None and gyro_time_ns is None
    if same_base:
        assert gyro_rad_s is not None
        both = np.hstack([acc, np.asarray(gyro_rad_s, dtype=np.float64)])
        t, both, n_nan, n_dup = _clean_stream(path, "accelerometer", time_ns, both, warnings)
        acc, gyro = both[:, :3].copy(), both[:, 3:].copy()
    else:
        t, acc, n_nan, n_dup = _clean_stream(path, "accelerometer", time_ns, acc, warnings)
        gyro = None
    gyro_rate_hz = None
    if not same_base and gyro_rad_s is not None and gyro_time_ns is not None:
        gt, gv, _, _ = _clean_stream(
            path, "gyroscope", gyro_time_ns, np.asarray(gyro_rad_s, np.float64), warnings
        )
        if gt.size >= 2:
            gstats = timebase_stats(gt)
            gyro_rate_hz = gstats.measured_rate_hz
            gyro = interp_onto(gt, gv, t, max_gap_s=gstats.gap_limit_s)
            n_missing = int(np.isnan(gyro[:, 0]).sum())
            conversions.append("gyroscope linearly interpolated onto the accelerometer time base")
            if n_missing:
                warnings.append(
                    f"gyroscope: {n_missing} accelerometer sample(s) fall in gyroscope gaps "
                    "or outside its time range (left as NaN)"
                )
        else:
            warnings.append("gyroscope: fewer than 2 samples; ignored")
    if t.size < MIN_SAMPLES or (t[-1] - t[0]) / NS_PER_S < MIN_DURATION_S:
        raise RecordingTooShortError(
            path,
            f"recording too short to analyse: {t.size} samples over "
            f"{(t[-1] - t[0]) / NS_PER_S:.2f} s (need >= {MIN_DURATION_S:g} s)",
        )
    stats = timebase_stats(t)
    t0 = t[0]
    gaps = [
        Gap(
            start_s=float(t[i] - t0) / NS_PER_S,
            end_s=float(t[i + 1] - t0) / NS_PER_S,
            after_index=int(i),
        )
        for i in stats.gap_after
    ]
    if gaps:
        total = sum(g.duration_s for g in gaps)
        warnings.append(f"{len(gaps)} gap(s) in the data, {total:.2f} s in all (kept as gaps)")
    nominal = meta_fields.get("nominal_rate_hz")
    if nominal and abs(stats.measured_rate_hz - nominal) / nominal > 0.1:
        warnings.append(
            f"measured sample rate {stats.measured_rate_hz:.1f} Hz differs from nominal "
            f"{nominal:.1f} Hz by more than 10%"
        )
    if gyro_rate_hz and abs(gyro_rate_hz - stats.measured_rate_hz) / stats.measured_rate_hz > 0.1:
        warnings.append(
            f"mixed sample rates: accelerometer {stats.measured_rate_hz:.1f} Hz, "
            f"gyroscope {gyro_rate_hz:.1f} Hz (gyroscope resampled onto accelerometer times)"
        )
    meta = RecordingMeta(
        source_path=None if path is None else str(path),
        source_format=source_format,
        measured_rate_hz=stats.measured_rate_hz,
        jitter_ms=stats.jitter_ms,
        gap_limit_s=stats.gap_limit_s,
        gaps=gaps,
        conversions=conversions,
        warnings=warnings,
        n_duplicates_dropped=n_dup,
        n_invalid_rows_dropped=n_nan,
        gyro_rate_hz=gyro_rate_hz
        if gyro_rate_hz
        else (stats.measured_rate_hz if gyro is not None else None),
        **meta_fields,
    )
    return Recording(time_ns=t, acc_m_s2=acc, meta=meta, gyro_rad_s=gyro, baro=baro)


def finish_recording_gyro_rows(
    path: str | Path | None,
    *,
    time_ns: NDArray[np.int64],
    acc_m_s2: NDArray[np.float64],
    gyro_rad_s: NDArray[np.float64] | None,
    source_format: str,
    **meta_fields: Any,
) -> Recording:
    """``finish_recording`` for a gyroscope stored on the accelerometer's rows.

    Unlike ``finish_recording(gyro_rad_s=...)``, a NaN in the gyroscope alone does not drop
    the row: it stays a NaN gyroscope row (the canonical "gyro gap" mark), so a recording
    written by boneimu reads back bit-exact.
    """
    rec = finish_recording(
        path, time_ns=time_ns, acc_m_s2=acc_m_s2, source_format=source_format, **meta_fields
    )
    if gyro_rad_s is None:
        return rec
    gyro = np.asarray(gyro_rad_s, dtype=np.float64)
    if np.isinf(gyro).any():
        row = int(np.flatnonzero(np.isinf(gyro).any(axis=1))[0])
        raise CorruptFileError(path, f"gyroscope: infinite value in data row {row + 1}")
    # the same rows finish_recording kept: not-NaN accelerometer, first of equal timestamps
    keep = ~np.isnan(np.asarray(acc_m_s2, dtype=np.float64)).any(axis=1)
    t_kept = time_ns[keep]
    gyro = gyro[keep]
    first = np.concatenate([[True], np.diff(t_kept) != 0])
    gyro = np.ascontiguousarray(gyro[first])
    assert gyro.shape[0] == rec.n_samples
    meta = rec.meta.model_copy(update={"gyro_rate_hz": rec.meta.measured_rate_hz})
    return replace(rec, gyro_rad_s=gyro, meta=meta)
