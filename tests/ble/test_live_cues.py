"""Live rep cues (``boneimu.ble.session.LiveReps``) and the live-hook guard, without BLE."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from boneimu.ble.drivers.base import SampleBlock
from boneimu.ble.recorder import Recorder, guarded
from boneimu.ble.session import LiveReps, rep_cue
from boneimu.detect.live import RepEvent
from boneimu.detect.quality import RepQuality
from boneimu.dose.baseline import RepBaseline
from boneimu.errors import AnalysisError
from boneimu.io import read_recording
from boneimu.results import Flag
from boneimu.units import NS_PER_S
from firmware_sims.ble import motion_for_program

FS_HZ = 200.0


def _event(*flags: Flag) -> RepEvent:
    q = RepQuality(exercise="heel_drop", start_s=1.0, end_s=2.0, flags=list(flags))
    return RepEvent(time_s=2.4, quality=q, rep_end_s=2.0)


def test_rep_cue_lines() -> None:
    rushed = Flag(name="rushed", reason="rise and hold took 0.30 s, under 0.45 s")
    jerky = Flag(name="jerky", reason="LDLJ-A -8.1, below -6.0")
    assert rep_cue(3, _event()) == "rep 3"
    assert rep_cue(7, _event(rushed)) == (
        "rep 7 — slow down: rushed (rise and hold took 0.30 s, under 0.45 s)"
    )
    assert rep_cue(8, _event(rushed, jerky)) == (
        "rep 8 — slow down: rushed (rise and hold took 0.30 s, under 0.45 s); "
        "smoother: jerky (LDLJ-A -8.1, below -6.0)"
    )


def _stream(program: str) -> tuple[np.ndarray, np.ndarray]:
    motion = motion_for_program(program, seed=3)
    t_s = np.arange(round(motion.duration_s * FS_HZ)) / FS_HZ  # type: ignore[attr-defined]
    acc, _ = motion.sample(t_s)
    return (t_s * NS_PER_S).astype(np.int64), acc


def _feed(live: LiveReps, time_ns: np.ndarray, acc: np.ndarray, chunk: int = 36) -> None:
    for i in range(0, time_ns.size, chunk):  # one H10 notification at a time
        live.on_samples(time_ns[i : i + chunk], acc[i : i + chunk], None)


def test_live_reps_count_and_cue_rushed_reps() -> None:
    time_ns, acc = _stream("heel_drop:10@rushed=0.3")
    lines: list[str] = []
    live = LiveReps("heel_drop", fs_hz=FS_HZ, emit=lines.append)
    _feed(live, time_ns, acc)
    assert abs(live.n_reps - 10) <= 1 and len(lines) == live.n_reps
    assert [ln.split(" ")[1] for ln in lines] == [str(i + 1) for i in range(live.n_reps)]
    assert live.n_rushed == sum("rushed" in ln for ln in lines) >= 1
    assert live.summary().startswith(f"live: {live.n_reps} heel_drop rep(s), ")
    events = live.as_dict()["events"]
    assert all(e["emitted_s"] > e["rep_end_s"] for e in events)


def test_slow_personal_baseline_flags_more_reps() -> None:
    time_ns, acc = _stream("heel_drop:8")
    plain = LiveReps("heel_drop", fs_hz=FS_HZ, emit=lambda s: None)
    _feed(plain, time_ns, acc)
    slow = RepBaseline(
        exercise="heel_drop",
        n=10,
        n_sessions=2,
        phases_s={"rise": (2.0,) * 10, "hold": (2.0,) * 10},
    )
    lines: list[str] = []
    judged = LiveReps("heel_drop", fs_hz=FS_HZ, emit=lines.append, baseline=slow)
    _feed(judged, time_ns, acc)
    assert judged.n_reps == plain.n_reps
    assert judged.n_rushed > plain.n_rushed
    assert any("your usual" in ln for ln in lines)


def test_live_reps_rejects_unsupported_exercise() -> None:
    with pytest.raises(AnalysisError):
        LiveReps("walk", fs_hz=FS_HZ, emit=print)


def _block(n: int, t0_s: float = 0.0) -> SampleBlock:
    t = ((t0_s + np.arange(n) / FS_HZ) * NS_PER_S).astype(np.int64)
    acc = np.tile([0.0, 0.0, 9.80665], (n, 1))
    return SampleBlock(time_ns=t, acc_m_s2=acc, gyro_rad_s=None)


def test_failing_hook_never_stops_the_stream(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="boneimu.ble"):
        guarded(broken)(_block(4).time_ns, _block(4).acc_m_s2, None)  # logged, not raised
        path = tmp_path / "r.bimu"
        with Recorder(
            path,
            device="t",
            source_format="t",
            nominal_rate_hz=FS_HZ,
            has_gyro=False,
            on_samples=broken,
        ) as rec:
            for k in range(5):
                rec.write(_block(200, t0_s=k))
    assert rec.hook_errors == 5
    assert "live analysis hook failed" in caplog.text
    assert read_recording(path).n_samples == 1000
