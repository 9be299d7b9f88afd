"""finish_recording: the one gate every reader's arrays pass through."""

from __future__ import annotations

import numpy as np
import pytest

from boneimu.errors import CorruptFileError, RecordingTooShortError, TimestampError
from boneimu.io import finish_recording
from boneimu.units import STANDARD_GRAVITY_M_S2

FS = 100.0


def _stream(n: int = 1000, fs: float = FS) -> tuple[np.ndarray, np.ndarray]:
    t = (np.arange(n) * (1e9 / fs)).astype(np.int64) + 1_700_000_000_000_000_000
    acc = np.tile([0.0, 0.0, STANDARD_GRAVITY_M_S2], (n, 1))
    return t, acc


def test_clean_stream_measures_rate_and_keeps_ns_exact() -> None:
    t, acc = _stream()
    t[0] += 1  # an odd nanosecond must survive
    rec = finish_recording("f.csv", time_ns=t, acc_m_s2=acc, source_format="x")
    assert rec.time_ns.dtype == np.int64
    assert rec.time_ns[0] == 1_700_000_000_000_000_001
    assert rec.fs_hz == pytest.approx(100.0)
    assert rec.meta.gaps == []
    assert rec.duration_s == pytest.approx(9.99)
    assert rec.segments() == [slice(0, 1000)]


def test_nan_rows_dropped_and_counted() -> None:
    t, acc = _stream()
    acc[10, 1] = np.nan
    acc[20] = np.nan
    rec = finish_recording("f.csv", time_ns=t, acc_m_s2=acc, source_format="x")
    assert rec.n_samples == 998
    assert rec.meta.n_invalid_rows_dropped == 2
    assert any("NaN" in w for w in rec.meta.warnings)


def test_inf_is_refused_naming_file_and_row() -> None:
    t, acc = _stream()
    acc[41, 0] = np.inf
    with pytest.raises(CorruptFileError, match=r"f\.csv: .*infinite value in data row 42"):
        finish_recording("f.csv", time_ns=t, acc_m_s2=acc, source_format="x")


def test_backwards_time_is_refused() -> None:
    t, acc = _stream()
    t[500] = t[498]
    with pytest.raises(TimestampError, match=r"f\.csv: .*backwards at data row 501"):
        finish_recording("f.csv", time_ns=t, acc_m_s2=acc, source_format="x")


def test_duplicated_timestamps_dropped_with_warning() -> None:
    t, acc = _stream()
    t[501] = t[500]
    rec = finish_recording("f.csv", time_ns=t, acc_m_s2=acc, source_format="x")
    assert rec.n_samples == 999
    assert rec.meta.n_duplicates_dropped == 1
    assert np.all(np.diff(rec.time_ns) > 0)


def test_gap_is_marked_and_splits_segments() -> None:
    t, acc = _stream()
    t[600:] += 2_000_000_000
    rec = finish_recording("f.csv", time_ns=t, acc_m_s2=acc, source_format="x")
    assert len(rec.meta.gaps) == 1
    gap = rec.meta.gaps[0]
    assert gap.after_index == 599
    assert gap.duration_s == pytest.approx(2.01)
    assert rec.segments() == [slice(0, 600), slice(600, 1000)]


def test_too_short_is_refused() -> None:
    t, acc = _stream(n=200)
    with pytest.raises(RecordingTooShortError, match="too short"):
        finish_recording("f.csv", time_ns=t, acc_m_s2=acc, source_format="x")


def test_empty_is_refused() -> None:
    t, acc = _stream(n=0)
    with pytest.raises(CorruptFileError, match="no data rows"):
        finish_recording("f.csv", time_ns=t, acc_m_s2=acc.reshape(0, 3), source_format="x")


def test_separate_gyro_stream_interpolated_with_nan_in_its_gaps() -> None:
    t, acc = _stream()
    gt = t[::2] + 3_000_000  # 50 Hz gyro, offset 3 ms
    gyro = np.column_stack([np.sin(np.arange(len(gt)) * 0.01)] * 3)
    gt = np.concatenate([gt[:200], gt[300:]])  # a 2 s gyro gap
    gyro = np.concatenate([gyro[:200], gyro[300:]])
    rec = finish_recording(
        "f.csv", time_ns=t, acc_m_s2=acc, source_format="x", gyro_rad_s=gyro, gyro_time_ns=gt
    )
    assert rec.gyro_rad_s is not None
    nan_rows = np.isnan(rec.gyro_rad_s[:, 0])
    # acc samples strictly inside the gyro gap are NaN, the rest are finite
    inside = (rec.time_ns > gt[199]) & (rec.time_ns < gt[200])
    assert np.array_equal(nan_rows[inside], np.ones(inside.sum(), bool))
    assert not nan_rows[100:390].any()
    assert rec.meta.gyro_rate_hz == pytest.approx(50.0)
    assert any("mixed sample rates" in w for w in rec.meta.warnings)
