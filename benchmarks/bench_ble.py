"""Live BLE path benchmark: per-notification cost and recorder throughput.

    .venv/bin/python benchmarks/bench_ble.py [--seconds 120]

1. Per-notification processing time (decode + time mapping + gap check + sink) on a simulated
   200 Hz Polar-H10-like stream, raw and delta-compressed frames, with a no-op sink and with the
   Recorder writing a native file. Frames are produced by the simulated firmware BEFORE timing,
   so only the host side is measured.
2. Sustained throughput of a 1 kHz 6-axis stream (accelerometer + gyroscope, compressed frames):
   driver + Recorder, as seconds of data handled per second of wall time (must be > 1).
3. Live cues (``--exercise``): a simulated 200 Hz H10 worn at the waist runs a heel-drop, a
   hop and a sit-to-stand program (firmware_sims, with their ground-truth rep labels); frames go
   through driver + Recorder + live rep monitor. Cue latency = stream time of the notification
   whose processing emitted the cue (the true time its last sample was sent) minus the labelled
   end of the rep (:func:`rep_end_s`: heel drop impact, hop end of ground contact, sit-to-stand
   standing upright), plus the host time spent processing that notification. Also the
   per-notification processing time with the monitor attached, wall clock and the thread's
   CPU time (which a busy machine's scheduling does not inflate).
Prints a Markdown table for docs/benchmarks.md ("Live BLE path").
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from boneimu.ble.drivers.base import SampleBlock
from boneimu.ble.drivers.polar import PolarPmdDriver
from boneimu.ble.recorder import Recorder
from boneimu.ble.session import LiveReps
from boneimu.units import NS_PER_S
from firmware_sims.ble import ArrayMotion, PolarPmdFirmware, polar_h10
from firmware_sims.ble.polar import ACC, GYRO, PolarProfile, StreamSpec

HOST_T0_NS = 1_795_000_000 * NS_PER_S


def capture_frames(
    fw: PolarPmdFirmware, seconds: float, starts: list[bytes]
) -> list[tuple[float, bytes]]:
    """Run the firmware alone and collect (emission time s, data frame) pairs."""
    frames: list[tuple[float, bytes]] = []

    async def send(uuid: str, data: bytes) -> None:
        if data[0] != 0xF0:
            frames.append((fw.now_s, data))

    async def go() -> None:
        fw.attach(send)
        fw.on_connect()
        fw.set_subscribed("fb005c82-02e7-f387-1cad-8acd2d8df0c8", True)
        for cmd in starts:
            fw.handle_command(cmd)
        t = 0.0
        while t < seconds:
            t += 0.5
            await fw.advance(t)

    asyncio.run(go())
    return frames


def make_driver(sink: Any, **kw: Any) -> tuple[PolarPmdDriver, list[int]]:
    clock = [HOST_T0_NS]
    drv = PolarPmdDriver(lambda cb: None, on_block=sink, clock_ns=lambda: clock[0], **kw)  # type: ignore[arg-type,return-value]
    for st in drv.streams.values():
        st.started = True
    return drv, clock


def per_notification(
    frames: list[tuple[float, bytes]], sink: Any, factor: float, **kw: Any
) -> np.ndarray:
    drv, clock = make_driver(sink, **kw)
    for st in drv.streams.values():
        st.factor = factor
    cost = np.empty(len(frames))
    for i, (t_s, frame) in enumerate(frames):
        clock[0] = HOST_T0_NS + int((t_s + 0.01) * NS_PER_S)
        data = bytearray(frame)
        t0 = time.perf_counter_ns()
        drv._on_data(None, data)
        cost[i] = time.perf_counter_ns() - t0
    return cost / 1e3  # µs


LIVE_PROGRAMS = {
    "heel_drop": "heel_drop:3x12@rushed=0.3",
    "hop": "hop:3x10",
    "sit_to_stand": "sit_to_stand:3x8@rushed=0.3",
}
START_200 = bytes.fromhex("02020001C80001011000020108 00".replace(" ", ""))  # 200 Hz ±8 g


def rep_end_s(r: Any) -> float:
    """When a labelled rep ends for a cue: a heel drop at its impact; a hop at the end of
    its ground contact (the next take-off; a set's last hop at its landing); a sit-to-stand
    standing upright (end of the rise and the trunk's re-extension)."""
    ph = r.phases_s
    if r.exercise == "sit_to_stand":
        return float(r.start_s + ph["flexion"] + ph["rise"] + ph["extension"])
    land = r.contact_s if r.contact_s is not None else r.end_s
    return float(land + (ph.get("contact", 0.0) if r.exercise == "hop" else 0.0))


def labelled_motion(program: str, seed: int = 0) -> tuple[ArrayMotion, np.ndarray, np.ndarray]:
    """Waist-worn motion for ``program``, the labelled rep end times (s from its start, as
    :func:`rep_end_s` defines them) and impacts (NaN for sit-to-stands), in time order."""
    from firmware_sims.motion import sensor_truth, synthesize_motion
    from firmware_sims.motion.track import SetEvent
    from firmware_sims.person import Person

    rng = np.random.default_rng(seed)
    motion = synthesize_motion(program, Person(), rng, 400.0, lead_in=False)
    truth = sensor_truth(motion, "waist", rng=rng)
    reps = [r for ev in motion.events if isinstance(ev, SetEvent) for r in ev.reps]
    reps.sort(key=lambda r: r.start_s)
    ends = np.array([rep_end_s(r) for r in reps])
    impacts = np.array([np.nan if r.contact_s is None else r.contact_s for r in reps])
    t_s = np.arange(motion.n) / motion.fs_hz
    return ArrayMotion(t_s, truth.acc_m_s2, truth.gyro_rad_s), ends, impacts


def live_run(exercise: str, program: str, tmp: Path) -> dict[str, Any]:
    """Stream ``program`` through driver + Recorder + live monitor; cue latencies and costs."""
    motion, truth_end_s, truth_impact_s = labelled_motion(program)
    fw = PolarPmdFirmware(polar_h10(), motion=motion)
    frames = capture_frames(fw, motion.duration_s + 2.0, [START_200])
    origin_s = fw.motion_origin_s or 0.0
    emitted: list[tuple[Any, int]] = []  # (rep event, frame index)
    current = [0]
    live = LiveReps(exercise, fs_hz=200.0, emit=lambda line: None)
    on_rep = live.monitor.on_rep

    def note(ev: Any) -> None:
        emitted.append((ev, current[0]))
        if on_rep is not None:
            on_rep(ev)

    live.monitor.on_rep = note
    rec = Recorder(
        tmp / f"live_{exercise}.bimu",
        device="bench",
        source_format="bench",
        nominal_rate_hz=200,
        has_gyro=False,
        on_samples=live.on_samples,
    )
    drv, clock = make_driver(rec, acc_rate_hz=200)
    cost_us = np.empty(len(frames))
    cpu_us = np.empty(len(frames))
    for i, (t_s, frame) in enumerate(frames):
        current[0] = i
        clock[0] = HOST_T0_NS + int((t_s + 0.01) * NS_PER_S)
        data = bytearray(frame)
        c0 = time.thread_time_ns()
        t0 = time.perf_counter_ns()
        drv._on_data(None, data)
        cost_us[i] = (time.perf_counter_ns() - t0) / 1e3
        cpu_us[i] = (time.thread_time_ns() - c0) / 1e3
    rec.close()
    # match each cue to its labelled rep (heel drop, hop: the impact within 0.15 s; sit-to-
    # stand: the nearest rep end within 1 s); latency vs. the label's rep end
    latency_s, matched = [], set()
    for ev, i in emitted:
        imp = getattr(ev, "impact_s", None)  # (older monitors: no impact_s)
        if imp is not None:
            j = int(np.nanargmin(np.abs(truth_impact_s - imp)))
            ok = abs(truth_impact_s[j] - imp) <= 0.15
        else:
            j = int(np.argmin(np.abs(truth_end_s - ev.rep_end_s)))
            ok = abs(truth_end_s[j] - ev.rep_end_s) <= 1.0
        if not ok or j in matched:
            continue
        matched.add(j)
        emit_stream_s = frames[i][0] - origin_s
        latency_s.append(emit_stream_s - truth_end_s[j] + cost_us[i] / 1e6)
    return {
        "exercise": exercise,
        "program": program,
        "truth": truth_end_s.size,
        "cues": len(emitted),
        "matched": len(matched),
        "latency_s": np.array(latency_s),
        "cost_us": cost_us,
        "cpu_us": cpu_us,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=120.0)
    args = ap.parse_args()
    secs = args.seconds
    rows = []
    start_200 = START_200
    with tempfile.TemporaryDirectory() as tmp:
        for label, compressed in (("raw int16 frames", False), ("delta-compressed frames", True)):
            frames = capture_frames(
                PolarPmdFirmware(polar_h10(compressed=compressed)), secs, [start_200]
            )
            for sink_label in ("no-op sink", "Recorder (native file)"):
                if sink_label == "no-op sink":
                    sink: Any = lambda b: None  # noqa: E731
                    rec = None
                else:
                    rec = Recorder(
                        Path(tmp) / f"{label[:3]}.bimu",
                        device="bench",
                        source_format="bench",
                        nominal_rate_hz=200,
                        has_gyro=False,
                    )
                    sink = rec
                us = per_notification(frames, sink, 1.0, acc_rate_hz=200)
                if rec is not None:
                    rec.close()
                rows.append(
                    (
                        f"200 Hz ACC, {label}, {sink_label}",
                        len(frames),
                        np.median(us),
                        np.percentile(us, 99),
                    )
                )

        # 1 kHz 6-axis: a custom profile of the same firmware model
        prof = PolarProfile(
            "bench 1 kHz",
            b"\x0f\x24\x00",
            {
                ACC: StreamSpec(ACC, (1000,), (16,), 16, 0, True, 32.0 / 65536.0, 36),
                GYRO: StreamSpec(GYRO, (1000,), (2000,), 16, 0, True, 4000.0 / 65536.0, 36),
            },
            startup_delay_s=0.0,
        )
        starts = [
            bytes.fromhex("020200 01e803 010110 00 020110 00".replace(" ", "")),
            bytes.fromhex("020500 01e803 010110 00 0201d007".replace(" ", "")),
        ]
        frames = capture_frames(PolarPmdFirmware(prof), secs, starts)
        rec = Recorder(
            Path(tmp) / "khz.bimu",
            device="bench",
            source_format="bench",
            nominal_rate_hz=1000,
            has_gyro=True,
        )
        n_out = [0]

        def count(b: SampleBlock) -> None:
            n_out[0] += b.time_ns.size
            rec.write(b)

        t0 = time.perf_counter()
        us = per_notification(frames, count, 32.0 / 65536.0, acc_rate_hz=1000, gyro_rate_hz=1000)
        wall = time.perf_counter() - t0
        rec.close()
        data_s = n_out[0] / 1000.0
        live_rows = [live_run(ex, prog, Path(tmp)) for ex, prog in LIVE_PROGRAMS.items()]
        rows.append(
            (
                "1 kHz ACC+GYRO, compressed, Recorder",
                len(frames),
                np.median(us),
                np.percentile(us, 99),
            )
        )

    machine = platform.processor() or platform.machine()
    print(f"machine: {machine}, Python {platform.python_version()}; {secs:g} s of data per row\n")
    print("| stream | notifications | median µs / notification | p99 µs |")
    print("|---|---:|---:|---:|")
    for name, n, med, p99 in rows:
        print(f"| {name} | {n} | {med:.0f} | {p99:.0f} |")
    print(
        f"\n1 kHz 6-axis through driver + Recorder: {n_out[0]} samples ({data_s:.1f} s of data) "
        f"in {wall:.2f} s wall = {data_s / wall:.0f}x real time"
    )
    print("\nLive cues, simulated 200 Hz H10 (waist), driver + Recorder + live rep monitor:\n")
    print(
        "| program | labelled reps | cues (matched) | cue latency median / p95 / max s "
        "| notifications | median µs / notification | p99 µs | p99 CPU µs |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in live_rows:
        lat, us = r["latency_s"], r["cost_us"]
        lat_txt = (
            f"{np.median(lat):.2f} / {np.percentile(lat, 95):.2f} / {lat.max():.2f}"
            if lat.size
            else "-"
        )
        print(
            f"| `{r['program']}` | {r['truth']} | {r['cues']} ({r['matched']}) | {lat_txt} "
            f"| {us.size} | {np.median(us):.0f} | {np.percentile(us, 99):.0f} "
            f"| {np.percentile(r['cpu_us'], 99):.0f} |"
        )
    lat = np.concatenate([r["latency_s"] for r in live_rows])
    us = np.concatenate([r["cost_us"] for r in live_rows])
    cpu = np.concatenate([r["cpu_us"] for r in live_rows])
    print(
        f"\nAll programs: cue latency median {np.median(lat):.2f} s, p95 "
        f"{np.percentile(lat, 95):.2f} s, max {lat.max():.2f} s over {lat.size} cued reps; "
        f"per notification median {np.median(us):.0f} µs, p99 {np.percentile(us, 99):.0f} µs "
        f"(thread CPU time: p99 {np.percentile(cpu, 99):.0f} µs, max {cpu.max():.0f} µs)"
    )


if __name__ == "__main__":
    main()
