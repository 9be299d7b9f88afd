"""Live BLE path benchmark: per-notification cost and recorder throughput.

    .venv/bin/python benchmarks/bench_ble.py [--seconds 120]

1. Per-notification processing time (decode + time mapping + gap check + sink) on a simulated
   200 Hz Polar-H10-like stream, raw and delta-compressed frames, with a no-op sink and with the
   Recorder writing a native file. Frames are produced by the simulated firmware BEFORE timing,
   so only the host side is measured.
2. Sustained throughput of a 1 kHz 6-axis stream (accelerometer + gyroscope, compressed frames):
   driver + Recorder, as seconds of data handled per second of wall time (must be > 1).
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
from boneimu.units import NS_PER_S
from firmware_sims.ble import PolarPmdFirmware, polar_h10
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=120.0)
    args = ap.parse_args()
    secs = args.seconds
    rows = []
    start_200 = bytes.fromhex("02020001C80001011000020108 00".replace(" ", ""))  # 200 Hz ±8 g
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


if __name__ == "__main__":
    main()
