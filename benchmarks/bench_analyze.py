"""Session analysis speed: boneimu analyze vs skdh Sit2Stand vs a numpy floor.

    .venv/bin/python benchmarks/bench_analyze.py [--hours 24] [--skip-peer] [--repeat 3]

Builds an acc+gyro recording at 100 Hz by tiling a synthetic exercise session (hops, heel
drops, walking, sit-to-stands, quiet standing; tests/detect/_synth.py) and times, in one run:
boneimu ``analyze_recording`` end to end; scikit-digital-health ``Sit2Stand.predict`` on the
same acceleration; and the floor (one 4th-order Butterworth low-pass of |a| + find_peaks).
Time: the best of ``--repeat`` untraced runs (the peer: one run, it is slow), so a busy shared
machine inflates the ratios less; peak memory from one more run under tracemalloc (numpy
allocations are traced). "detection only" is boneimu's segmentation and rep detection; "end
to end" adds per-rep quality, balance scoring and dose (boneimu.analysis); its fastest
untraced run is also split into steps from analyze_recording's progress lines. Progress on stderr.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy import signal as sps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "detect"))
from _synth import Session  # noqa: E402

from boneimu.analysis import analyze_recording  # noqa: E402
from boneimu.detect.segment import segment_recording  # noqa: E402
from boneimu.io import finish_recording  # noqa: E402
from boneimu.units import NS_PER_S, STANDARD_GRAVITY_M_S2  # noqa: E402

FS_HZ = 100.0


def build(hours: float):  # type: ignore[no-untyped-def]
    s = Session(fs_hz=FS_HZ, seed=11).stand(20)
    for _ in range(10):
        s.hop()
    s.stand(20)
    for _ in range(10):
        s.heel_drop()
    s.stand(10).walk(120)
    for _ in range(5):
        s.sit_to_stand()
    s.stand(60)
    block = s.recording(gyro=True)
    n = round(hours * 3600 * FS_HZ)
    reps = -(-n // block.n_samples)
    acc = np.tile(block.acc_m_s2, (reps, 1))[:n]
    gyro = np.tile(block.gyro_rad_s, (reps, 1))[:n]
    t = (np.arange(n) * (NS_PER_S / FS_HZ)).astype(np.int64)
    return finish_recording(
        None,
        time_ns=t,
        acc_m_s2=acc,
        gyro_rad_s=gyro,
        source_format="synthetic",
        nominal_rate_hz=FS_HZ,
    )


def measure(name: str, fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Best wall time of ``repeat`` untraced runs, then peak traced memory of one more run
    (tracemalloc slows Python-heavy code, so it never times)."""
    print(f"running {name} ...", file=sys.stderr)
    dt = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        dt = min(dt, time.perf_counter() - t0)
    print(f"  {name}: {dt:.1f} s; measuring memory ...", file=sys.stderr)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return dt, peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=float, default=24.0)
    ap.add_argument("--skip-peer", action="store_true")
    ap.add_argument("--repeat", type=int, default=3, help="untraced runs per method (best)")
    args = ap.parse_args()
    print(f"building {args.hours:g} h recording ...", file=sys.stderr)
    rec = build(args.hours)
    n = rec.n_samples
    array_mb = (rec.acc_m_s2.nbytes + rec.gyro_rad_s.nbytes + rec.time_ns.nbytes) / 2**20

    def floor() -> object:
        a = np.sqrt(np.einsum("ij,ij->i", rec.acc_m_s2, rec.acc_m_s2)) / STANDARD_GRAVITY_M_S2
        sos = sps.butter(4, 20.0, fs=FS_HZ, output="sos")
        return sps.find_peaks(sps.sosfiltfilt(sos, a), height=1.3, distance=40)

    def peer() -> object:
        from skdh.sit2stand import Sit2Stand

        return Sit2Stand(stillness_constraint=False).predict(
            time=rec.t_s + 1.7e9, accel=rec.acc_m_s2 / STANDARD_GRAVITY_M_S2
        )

    rows = [("numpy floor (butter + find_peaks)", floor)]
    if not args.skip_peer:
        rows.append(("skdh Sit2Stand (sit-to-stand only)", peer))
    rows.append(("boneimu detection only (segment_recording)", lambda: segment_recording(rec)))
    steps: list[str] = []

    def analyze() -> object:
        steps.append("")  # marks the start of a run
        return analyze_recording(rec, progress=steps.append)

    rows.append(("boneimu analyze_recording (end to end)", analyze))
    res = {name: measure(name, fn, 1 if fn is peer else max(1, args.repeat)) for name, fn in rows}
    t_floor = res[rows[0][0]][0]
    print(f"{args.hours:g} h, {n:,} samples at {FS_HZ:g} Hz, acc+gyro arrays {array_mb:.0f} MiB")
    print("| method | time s | samples/s | x floor | peak MiB | x arrays |")
    print("|---|---|---|---|---|---|")
    for name, (dt, mb) in res.items():
        print(
            f"| {name} | {dt:.1f} | {n / dt:,.0f} | {dt / t_floor:.1f} | {mb:.0f} | "
            f"{mb / array_mb:.1f} |"
        )
    runs: list[list[str]] = []
    for line in steps:
        if line == "":
            runs.append([])
        else:
            runs[-1].append(line)
    untraced = runs[:-1] or runs  # the last run is the traced one
    print_steps(min(untraced, key=lambda r: _elapsed(r[-1])))


def _elapsed(line: str) -> float:
    """The time stamp of one progress line ("[  12.3 s] what starts")."""
    return float(line[1 : line.index(" s]")])


def print_steps(lines: list[str]) -> None:
    """Time between analyze_recording's progress lines ("[  12.3 s] what starts")."""
    marks = [(_elapsed(x), x[x.index(" s]") + 4 :]) for x in lines]
    print("\n| analyze_recording step (untraced run) | s |\n|---|---|")
    for (t0, what), (t1, _) in itertools.pairwise(marks):
        print(f"| {what} | {t1 - t0:.1f} |")


if __name__ == "__main__":
    main()
