"""boneimu native format (.bimu): lossless round trip, append API, crash safety, sniffing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

from boneimu.errors import CorruptFileError, RecordingTooShortError, UnsupportedFormatError
from boneimu.io import detect_format, native, read_recording
from boneimu.io._common import finish_recording_gyro_rows
from boneimu.io.native import NativeHeader, NativeWriter
from boneimu.recording import Recording
from boneimu.units import STANDARD_GRAVITY_M_S2

T0_NS = 1_700_000_000_123_456_789


def make_recording(n: int = 1500, fs_hz: float = 100.0, *, gyro: bool = True) -> Recording:
    rng = np.random.default_rng(7)
    t = T0_NS + np.round(np.arange(n) * 1e9 / fs_hz + rng.normal(0, 2e5, n)).astype(np.int64)
    t[n // 2 :] += 1_500_000_000  # one gap
    acc = rng.normal(0, 3, (n, 3)) + np.array([0, STANDARD_GRAVITY_M_S2, 0])
    g = rng.normal(0, 1, (n, 3)) if gyro else None
    if g is not None:
        g[10:13] = np.nan  # a gyro gap: must survive as NaN rows
    return finish_recording_gyro_rows(
        "mem",
        time_ns=t,
        acc_m_s2=acc,
        gyro_rad_s=g,
        source_format="sensor_logger_zip",
        source_app="Sensor Logger",
        platform="android",
        device="Pixel 7",
        placement="waist",
        nominal_rate_hz=fs_hz,
        time_is_absolute=True,
        start_time_utc=datetime(2024, 5, 1, 8, 30, tzinfo=UTC),
        timezone="Europe/Berlin",
        acc_range_g=8.0,
        conversions=["z,y,x columns reordered"],
        extra={"device_id": "abc"},
    )


def bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a).view(np.uint64 if a.dtype == np.float64 else a.dtype)


def test_write_recording_round_trip_is_bit_exact(tmp_path: Path) -> None:
    rec = make_recording()
    out = native.write_recording(rec, tmp_path / "r.bimu")
    back = read_recording(out)
    assert back.meta.source_format == "boneimu_native"
    assert np.array_equal(back.time_ns, rec.time_ns)
    assert np.array_equal(bits(back.acc_m_s2), bits(rec.acc_m_s2))
    assert back.gyro_rad_s is not None and rec.gyro_rad_s is not None
    assert np.array_equal(bits(back.gyro_rad_s), bits(rec.gyro_rad_s))
    assert np.isnan(back.gyro_rad_s[10:13]).all()
    for key in (
        "source_app", "platform", "device", "placement", "nominal_rate_hz", "time_is_absolute",
        "start_time_utc", "timezone", "acc_range_g", "conversions", "gaps", "measured_rate_hz",
    ):  # fmt: skip
        assert getattr(back.meta, key) == getattr(rec.meta, key), key
    assert back.meta.extra == {"device_id": "abc", "recorded_from": "sensor_logger_zip"}
    assert back.meta.warnings == rec.meta.warnings  # the gap warning, not duplicated


def test_no_gyro_round_trip(tmp_path: Path) -> None:
    rec = make_recording(gyro=False)
    back = read_recording(native.write_recording(rec, tmp_path / "r.bimu"))
    assert back.gyro_rad_s is None and back.meta.gyro_rate_hz is None
    assert np.array_equal(bits(back.acc_m_s2), bits(rec.acc_m_s2))


def write_counts(
    path: Path, n: int, *, block: int, close: bool = True, dt_ns: int = 20_000_000
) -> NativeWriter:
    """int16 counts of a ±4 g sensor, 8192 counts/g, appended in ragged chunks."""
    scale = STANDARD_GRAVITY_M_S2 / 8192
    w = NativeWriter(
        path,
        acc_scale_m_s2=scale,
        gyro_scale_rad_s=0.001,
        raw_dtype="int16",
        header=NativeHeader(device="Polar H10", source_format="polar_h10_ble", acc_range_g=4.0),
        block_samples=block,
    )
    t = np.arange(n, dtype=np.int64) * dt_ns
    acc = np.tile(np.array([[0, 8192, -5]], dtype=np.int16), (n, 1))
    acc[:, 0] = (np.arange(n) % 1000).astype(np.int16)
    gyro = np.tile(np.array([[1, -2, 3]], dtype=np.int16), (n, 1))
    for a in range(0, n, 37):
        w.append(t[a : a + 37], acc[a : a + 37], gyro[a : a + 37])
    if close:
        w.close()
    return w


def test_writer_scales_counts_and_pandas_reads_without_boneimu(tmp_path: Path) -> None:
    p = tmp_path / "h10.bimu"
    write_counts(p, 600, block=128)
    rec = read_recording(p)
    assert rec.n_samples == 600
    assert np.allclose(rec.acc_m_s2[:, 1], STANDARD_GRAVITY_M_S2)
    assert rec.acc_m_s2[5, 0] == 5 * STANDARD_GRAVITY_M_S2 / 8192
    assert np.allclose(rec.gyro_rad_s, [[0.001, -0.002, 0.003]])  # type: ignore[arg-type]
    assert any("int16" in c for c in rec.meta.conversions)
    assert rec.meta.extra["recorded_from"] == "polar_h10_ble"
    assert rec.meta.warnings == []
    # the documented pandas recipe: raw columns x scale from the header
    reader = ipc.open_stream(p)
    df = reader.read_pandas()
    header = json.loads(reader.schema.metadata[b"boneimu.native"])
    assert list(df.columns) == ["time_ns", *native.ACC_COLUMNS, *native.GYRO_COLUMNS]
    assert str(df["acc_y_raw"].dtype) == "int16"
    assert np.allclose(df["acc_y_raw"] * header["acc_scale_m_s2"], STANDARD_GRAVITY_M_S2)
    assert (
        float(reader.schema.field("acc_y_raw").metadata[b"scale_to_si"]) == header["acc_scale_m_s2"]
    )


def test_append_buffers_full_blocks_and_flush_writes_the_rest(tmp_path: Path) -> None:
    p = tmp_path / "b.bimu"
    w = NativeWriter(p, acc_scale_m_s2=1.0, block_samples=100)
    t = np.arange(250, dtype=np.int64) * 10_000_000
    w.append(t, np.zeros((250, 3)))
    assert w.n_written == 200  # two full blocks on disk, 50 buffered
    w.flush()
    assert w.n_written == 250
    w.close()
    w.close()  # idempotent
    sizes = [b.num_rows for b in ipc.open_stream(p)]
    assert sizes == [0, 100, 100, 50]


def test_append_rejects_bad_input(tmp_path: Path) -> None:
    w = NativeWriter(tmp_path / "x.bimu", acc_scale_m_s2=1.0, raw_dtype="int16")
    t = np.arange(5, dtype=np.int64)
    with pytest.raises(ValueError, match="backwards"):
        w.append(t[::-1].copy(), np.zeros((5, 3)))
    w.append(t + 100, np.zeros((5, 3), dtype=np.int16))
    with pytest.raises(ValueError, match="backwards"):
        w.append(t, np.zeros((5, 3), dtype=np.int16))
    with pytest.raises(ValueError, match="shape"):
        w.append(t + 200, np.zeros((5, 2), dtype=np.int16))
    with pytest.raises(ValueError, match="fit"):
        w.append(t + 200, np.full((5, 3), 40_000))
    with pytest.raises(ValueError, match="fit"):
        w.append(t + 200, np.full((5, 3), 0.5))
    with pytest.raises(ValueError, match="gyro_raw"):
        w.append(t + 200, np.zeros((5, 3), dtype=np.int16), np.zeros((5, 3), dtype=np.int16))
    with pytest.raises(ValueError, match="int64"):
        w.append(t.astype(np.float64) + 300, np.zeros((5, 3), dtype=np.int16))
    w.close()
    with pytest.raises(ValueError, match="closed"):
        w.append(t + 400, np.zeros((5, 3), dtype=np.int16))
    with pytest.raises(ValueError, match="raw_dtype"):
        NativeWriter(tmp_path / "y.bimu", acc_scale_m_s2=1.0, raw_dtype="int12")


def message_ends(data: bytes) -> list[int]:
    """Byte offset where each complete IPC message (schema, batches) ends."""
    src = pa.BufferReader(data)
    reader = ipc.MessageReader.open_stream(src)
    ends = []
    while True:
        try:
            reader.read_next_message()
        except StopIteration:
            return ends
        ends.append(src.tell())


def test_truncated_at_every_byte_reads_complete_blocks(tmp_path: Path) -> None:
    """A file cut anywhere after its first block keeps every complete block, with a warning.

    Every byte offset across the last block and the end-of-stream marker; every 7th across
    the block before.
    """
    full = tmp_path / "full.bimu"
    block = 100  # 4 s per block at 25 Hz
    write_counts(full, 3 * block, block=block, dt_ns=40_000_000)
    data = full.read_bytes()
    # schema, the empty batch written on opening (header on disk at once), blocks 1-3
    ends = message_ends(data)[1:]
    assert len(ends) == 4 and ends[-1] == len(data) - 8  # then the end-of-stream marker
    cut_path = tmp_path / "cut.bimu"
    cuts = [*range(ends[1], ends[2], 7), *range(ends[2], len(data) + 1)]
    for cut in cuts:
        cut_path.write_bytes(data[:cut])
        rec = native.read(cut_path)
        n_blocks = sum(1 for e in ends[1:] if e <= cut)
        assert rec.n_samples == n_blocks * block, cut
        assert rec.acc_m_s2[-1, 0] == ((n_blocks * block - 1) % 1000) * rec.acc_m_s2[1, 0]
        if cut == len(data):
            assert rec.meta.warnings == []
        else:
            assert len(rec.meta.warnings) == 1, cut
            assert "not closed cleanly" in rec.meta.warnings[0] or "cut" in rec.meta.warnings[0]


def test_cut_before_first_block_is_a_clear_error(tmp_path: Path) -> None:
    full = tmp_path / "full.bimu"
    write_counts(full, 400, block=200)
    data = full.read_bytes()
    ends = message_ends(data)  # schema, empty batch, block 1, block 2
    cut_path = tmp_path / "cut.bimu"
    for cut in [*range(1, 40), ends[0] - 1, ends[0], ends[0] + 1, ends[1], ends[2] - 1]:
        cut_path.write_bytes(data[:cut])
        with pytest.raises(CorruptFileError, match=r"cut\.bimu: .*(cut|damaged|no samples)"):
            native.read(cut_path)
    cut_path.write_bytes(b"")
    with pytest.raises(CorruptFileError, match="empty"):
        native.read(cut_path)


def test_header_is_on_disk_as_soon_as_the_writer_opens(tmp_path: Path) -> None:
    p = tmp_path / "new.bimu"
    w = NativeWriter(p, acc_scale_m_s2=1.0, header=NativeHeader(device="Thingy:52"))
    assert detect_format(p) == "boneimu_native"
    assert native.read_header(p).device == "Thingy:52"
    with pytest.raises(CorruptFileError, match="no samples"):
        native.read(p)
    w.close()


def test_unclosed_writer_file_is_readable(tmp_path: Path) -> None:
    """What a killed recorder leaves: flushed blocks, no end-of-stream marker."""
    p = tmp_path / "live.bimu"
    w = write_counts(p, 500, block=100, close=False)
    snapshot = p.read_bytes()  # as on disk now; the writer is still open
    w.close()
    crashed = tmp_path / "crashed.bimu"
    crashed.write_bytes(snapshot)
    rec = native.read(crashed)
    assert rec.n_samples == 500
    assert "no end-of-stream marker" in rec.meta.warnings[0]


def test_fsync_option_writes_complete_blocks(tmp_path: Path) -> None:
    p = tmp_path / "s.bimu"
    w = NativeWriter(p, acc_scale_m_s2=1.0, block_samples=50, fsync=True)
    w.append(np.arange(400, dtype=np.int64) * 10_000_000, np.ones((400, 3)))
    assert native.read(p).n_samples == 400
    w.close()


def test_sniffing_and_refusals(tmp_path: Path) -> None:
    p = native.write_recording(make_recording(), tmp_path / "r.bimu")
    assert detect_format(p) == "boneimu_native"
    other = tmp_path / "other.arrows"  # an Arrow stream that is not ours
    with (
        pa.OSFile(str(other), "wb") as sink,
        ipc.new_stream(sink, pa.schema([("a", pa.int64())])) as w,
    ):
        w.write_batch(pa.record_batch([pa.array([1, 2])], names=["a"]))
    with pytest.raises(UnsupportedFormatError, match=r"other\.arrows"):
        read_recording(other)
    with pytest.raises(UnsupportedFormatError, match="without a boneimu header"):
        native.read(other)


def test_newer_version_and_bad_header_are_refused(tmp_path: Path) -> None:
    def write(header: dict[str, object]) -> Path:
        p = tmp_path / "h.bimu"
        schema = pa.schema(
            [("time_ns", pa.int64())], metadata={b"boneimu.native": json.dumps(header).encode()}
        )
        with pa.OSFile(str(p), "wb") as sink, ipc.new_stream(sink, schema) as w:
            w.write_batch(pa.record_batch([pa.array([1, 2])], schema=schema))
        return p

    with pytest.raises(UnsupportedFormatError, match="version 99"):
        native.read(write({"format": "boneimu_native", "version": 99}))
    with pytest.raises(CorruptFileError, match="invalid boneimu header"):
        native.read(write({"format": "boneimu_native", "version": 1, "raw_dtype": "int16"}))
    bad_cols = {"version": 1, "raw_dtype": "int16", "acc_scale_m_s2": 1.0}
    with pytest.raises(CorruptFileError, match="no column 'acc_x_raw'"):
        native.read(write(bad_cols))


def test_too_short_recording_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "short.bimu"
    with NativeWriter(p, acc_scale_m_s2=1.0) as w:
        w.append(np.arange(50, dtype=np.int64) * 10_000_000, np.ones((50, 3)))
    with pytest.raises(RecordingTooShortError, match=r"short\.bimu"):
        native.read(p)
