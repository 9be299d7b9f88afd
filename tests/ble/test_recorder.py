"""Recorder: native file written as data arrives, live hook, statistics, survives SIGKILL."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from boneimu.ble.drivers.base import SampleBlock, StreamStats
from boneimu.ble.drivers.polar import PolarPmdDriver
from boneimu.ble.recorder import Recorder
from boneimu.errors import RecordingError
from boneimu.io import read_recording
from boneimu.io.native import read as read_native
from firmware_sims.ble import Faults, PolarPmdFirmware, polar_verity


def _block(t0_ns: int, n: int, *, gyro: bool) -> SampleBlock:
    t = t0_ns + np.arange(n, dtype=np.int64) * 10_000_000
    acc = np.tile([0.1, -0.2, 9.8], (n, 1))
    return SampleBlock(t, acc, np.full((n, 3), 0.01) if gyro else None)


def test_recorder_round_trip_hook_and_stats(tmp_path: Path) -> None:
    seen: list[int] = []

    def hook(t: Any, acc: Any, gyro: Any) -> None:
        seen.append(t.size)
        if len(seen) == 2:
            raise RuntimeError("analysis bug")  # must not lose the recording

    out = tmp_path / "s.bimu"
    rec = Recorder(
        out,
        device="dev",
        source_format="test_ble",
        nominal_rate_hz=100,
        has_gyro=True,
        placement="waist",
        exercise="heel_drop",
        on_samples=hook,
    )
    t0 = 1_795_000_000_000_000_000
    for k in range(5):
        rec.write(_block(t0 + k * 1_000_000_000, 100, gyro=k != 3))  # one block lacks gyro
    stats = StreamStats(received_samples=500, dropped_samples=3)
    rec.close(stats, stop_reason="duration reached")
    r = read_recording(out)
    assert r.n_samples == 500 and r.has_gyro and r.meta.device == "dev"
    assert r.meta.placement == "waist" and r.meta.extra["exercise"] == "heel_drop"
    np.testing.assert_allclose(r.acc_m_s2[0], [0.1, -0.2, 9.8], rtol=1e-6)
    assert r.meta.time_is_absolute
    assert seen == [100] * 5 and rec.hook_errors == 1
    doc = json.loads(rec.stats_path.read_text())
    assert doc["dropped_samples"] == 3 and doc["samples_written"] == 500


def test_recorder_as_driver_sink(tmp_path: Path, run_sim: Any) -> None:
    out = tmp_path / "v.bimu"
    rec = Recorder(
        out,
        device="Verity (sim)",
        source_format="polar_verity_ble",
        nominal_rate_hz=52,
        has_gyro=True,
    )
    fw = PolarPmdFirmware(polar_verity(), faults=Faults(drop_prob=0.15, seed=1))
    drv, _, got = run_sim(fw, PolarPmdDriver, duration_s=20.0, acc_rate_hz=52, gyro_rate_hz=52)
    for b in got.blocks:
        rec.write(b)
    rec.close(drv.stats)
    r = read_recording(out)
    assert r.n_samples == got.time_ns.size
    np.testing.assert_array_equal(r.time_ns, got.time_ns)
    assert r.meta.nominal_rate_hz == 52
    assert len(r.meta.gaps) == len(drv.stats.gaps) >= 1


SCRIPT = """
import sys
from boneimu.cli.main import main
sys.exit(main(["record", "--sim", "polar-h10", "--out", sys.argv[1], "--sim-speed", "8"]))
"""


def test_recorder_killed_mid_session_leaves_a_readable_file(tmp_path: Path) -> None:
    out = tmp_path / "killed.bimu"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    n_before = 0
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and n_before < 1000:
            time.sleep(0.2)
            if out.exists():
                with contextlib.suppress(RecordingError):  # nothing flushed yet / too short
                    n_before = read_native(out).n_samples
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        if proc.stderr:
            proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert n_before >= 1000
    r = read_native(out)  # no end-of-stream marker: the reader accepts the cut stream
    assert r.n_samples >= n_before
    assert np.all(np.diff(r.time_ns) > 0)
    assert r.meta.device == "Polar H10 (sim)"
    assert not (tmp_path / "killed.bimu.stats.json").exists()


@pytest.mark.parametrize("flush_s", [0.5])
def test_flush_interval_bounds_loss(tmp_path: Path, flush_s: float) -> None:
    out = tmp_path / "f.bimu"
    rec = Recorder(
        out,
        device="d",
        source_format="t",
        nominal_rate_hz=100,
        has_gyro=False,
        flush_interval_s=flush_s,
    )
    t0 = 1_795_000_000_000_000_000
    for k in range(50):  # 50 blocks of 0.1 s
        rec.write(_block(t0 + k * 100_000_000, 10, gyro=False))
    # without close: what is on disk already covers all but the last flush interval
    on_disk = read_native(out).n_samples
    assert on_disk >= 500 - flush_s * 100 - 10
    rec.close()


def test_ctrl_c_stops_cleanly_and_writes_stats(tmp_path: Path) -> None:
    out = tmp_path / "int.bimu"
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not (out.exists() and out.stat().st_size > 20_000):
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 0, stderr
    assert "signal SIGINT" in stdout
    doc = json.loads((tmp_path / "int.bimu.stats.json").read_text())
    assert doc["stop_reason"] == "signal SIGINT"
    assert read_native(out).n_samples == doc["samples_written"] > 0
