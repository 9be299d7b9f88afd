"""Live rep monitor against the labels and against the offline analysis (issue 5, item 6).

    .venv/bin/python benchmarks/validate_live.py --seeds 300:312 [--module path/to/live.py]

Per seed and exercise one simulated session (``PROGRAMS``; placement waist / lower back /
chest by seed; gyroscope on even seeds only) is streamed in 0.1 s chunks through
:class:`boneimu.detect.live.LiveRepMonitor` and analysed offline
(``analyze_recording(rec, expect=exercise)``). Each labelled rep is matched to one live cue
and one offline rep (heel drop / hop: impact within 0.15 s; sit-to-stand: the rise overlap,
as ``_quality_common.match_rep``).

- Cue latency: true time of the last sample of the chunk whose push emitted the cue minus the
  labelled instant the rep ends: heel drop its impact; hop the end of its ground contact (the
  next take-off; a set's last hop, which has no labelled contact: its landing); sit-to-stand
  standing upright (labelled start + flexion + rise + extension).
- Flag agreement: labelled reps matched by both, live flag == offline flag (rushed, jerky);
  and both against the labels (precision / recall).
- Count agreement: per set, live cues vs offline reps within the set's span (+-1 s).
``--module`` loads another version of the monitor (before/after comparisons).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import defaultdict
from typing import Any

import numpy as np
from _quality_common import PLACEMENTS, seed_range

from boneimu.analysis import analyze_recording
from firmware_sims import simulate_session

PROGRAMS = {
    "heel_drop": "heel_drop:2x10@rushed=0.25,jerky=0.2",
    "hop": "hop:2x10@rushed=0.25,jerky=0.2",
    "sit_to_stand": "sit_to_stand:1x10@rushed=0.2,jerky=0.2",
}
CHUNK_S = 0.1


def load_monitor(path: str | None) -> Any:
    if path is None:
        from boneimu.detect.live import LiveRepMonitor

        return LiveRepMonitor
    spec = importlib.util.spec_from_file_location("live_under_test", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["live_under_test"] = mod
    spec.loader.exec_module(mod)
    return mod.LiveRepMonitor


def _live_key(ev: Any, exercise: str) -> tuple[float, float]:
    """(a, b): the live rep's impact (a == b) or its rise span."""
    q = ev.quality
    if exercise == "sit_to_stand":
        a = q.rise_start_s if q.rise_start_s is not None else q.start_s
        b = q.rise_end_s if q.rise_end_s is not None else q.end_s
        return a, b
    imp = getattr(ev, "impact_s", None)
    imp = q.end_s - 0.3 if imp is None else imp
    return imp, imp


def _match(lab: Any, spans: list[tuple[float, float]], exercise: str) -> int | None:
    if exercise != "sit_to_stand":
        d = [abs(a - lab.impact_s) for a, _ in spans]
        j = int(np.argmin(d)) if d else -1
        return j if j >= 0 and d[j] <= 0.15 else None
    a = lab.start_s + lab.phases_s["flexion"]
    b = a + lab.phases_s["rise"]
    over = [min(b, y) - max(a, x) for x, y in spans]
    j = int(np.argmax(over)) if over else -1
    return j if j >= 0 and over[j] > 0 else None


def rep_end_s(lab: Any, exercise: str) -> float:
    ph = lab.phases_s
    if exercise == "heel_drop":
        return float(lab.impact_s)
    if exercise == "hop":
        return float(lab.impact_s + ph.get("contact", 0.0))
    return float(lab.start_s + ph["flexion"] + ph["rise"] + ph["extension"])


def run(seed: int, exercise: str, monitor_cls: Any) -> dict[str, Any]:
    sim = simulate_session(program=PROGRAMS[exercise], placement=PLACEMENTS[seed % 3], seed=seed)
    rec = sim.recording
    gyro = rec.gyro_rad_s if seed % 2 == 0 else None
    mon = monitor_cls(exercise, fs_hz=rec.fs_hz)
    step = max(1, round(CHUNK_S * rec.fs_hz))
    t = rec.t_s
    cues: list[tuple[Any, float]] = []
    for i in range(0, rec.n_samples, step):
        g = None if gyro is None else gyro[i : i + step]
        for ev in mon.push(rec.time_ns[i : i + step], rec.acc_m_s2[i : i + step], g):
            cues.append((ev, float(t[min(i + step, rec.n_samples) - 1])))
    res = analyze_recording(rec, expect=exercise)
    off = [r for s in res.sets if s.exercise == exercise for r in s.reps]
    if exercise == "sit_to_stand":
        off_spans = [(r.start_s, r.end_s) for r in off]
    else:
        off_spans = [(r.impact_s or r.start_s,) * 2 for r in off]
    live_spans = [_live_key(ev, exercise) for ev, _ in cues]
    out: dict[str, Any] = defaultdict(list)
    for s in sim.labels.sets:
        lo, hi = s.start_s - 1.0, s.end_s + 1.0
        out["count"].append(
            (
                len(s.reps),
                sum(lo <= a <= hi for a, _ in live_spans),
                sum(lo <= a <= hi for a, _ in off_spans),
            )
        )
        for lab in s.reps:
            jl = _match(lab, live_spans, exercise)
            jo = _match(lab, off_spans, exercise)
            if jl is not None:
                out["latency"].append(cues[jl][1] - rep_end_s(lab, exercise))
                if exercise == "sit_to_stand":  # against standing height (the rise's end)
                    ph = lab.phases_s
                    risen = lab.start_s + ph["flexion"] + ph["rise"]
                    out["latency_risen"].append(cues[jl][1] - risen)
            for name in ("rushed", "jerky"):
                truth = bool(getattr(lab, name))
                lv = None if jl is None else cues[jl][0].quality.flagged(name)
                of = None if jo is None else any(f.name == name for f in off[jo].flags)
                out[name].append((truth, lv, of))
    return out


def _pr(rows: list[tuple[bool, bool | None, bool | None]], k: int) -> str:
    tp = sum(x[0] and bool(x[k]) for x in rows)
    fp = sum((not x[0]) and bool(x[k]) for x in rows)
    fn = sum(x[0] and not bool(x[k]) for x in rows)
    p = tp / (tp + fp) if tp + fp else float("nan")
    r = tp / (tp + fn) if tp + fn else float("nan")
    return f"P {p:.2f} R {r:.2f} ({tp}/{tp + fp}, {tp}/{tp + fn})"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="300:312")
    ap.add_argument("--module", default=None)
    ap.add_argument("--exercises", default="heel_drop,hop,sit_to_stand")
    args = ap.parse_args()
    cls = load_monitor(args.module)
    for ex in args.exercises.split(","):
        agg: dict[str, list[Any]] = defaultdict(list)
        for seed in seed_range(args.seeds):
            for k, v in run(seed, ex, cls).items():
                agg[k] += v
        lat = np.array(agg["latency"])
        cnt = np.array(agg["count"])
        risen = np.array(agg["latency_risen"])
        print(f"## {ex} (seeds {args.seeds}, {cnt[:, 0].sum()} labelled reps)")
        if lat.size:
            print(
                f"latency median {np.median(lat):.2f} p95 {np.percentile(lat, 95):.2f} "
                f"max {lat.max():.2f} min {lat.min():.2f} s over {lat.size} cued reps"
            )
        if risen.size:
            print(
                f"  against standing height (labelled rise end): median {np.median(risen):.2f} "
                f"p95 {np.percentile(risen, 95):.2f} max {risen.max():.2f} min {risen.min():.2f} s"
            )
        print(
            f"counts per set: live == offline {np.mean(cnt[:, 1] == cnt[:, 2]):.2f}, "
            f"mean |live - offline| {np.mean(np.abs(cnt[:, 1] - cnt[:, 2])):.2f}; "
            f"live == labels {np.mean(cnt[:, 1] == cnt[:, 0]):.2f}, "
            f"offline == labels {np.mean(cnt[:, 2] == cnt[:, 0]):.2f}; "
            f"totals labels/live/offline {cnt[:, 0].sum()}/{cnt[:, 1].sum()}/{cnt[:, 2].sum()}"
        )
        for name in ("rushed", "jerky"):
            rows = agg[name]
            both = [x for x in rows if x[1] is not None and x[2] is not None]
            agree = np.mean([x[1] == x[2] for x in both]) if both else float("nan")
            print(
                f"{name}: live == offline {agree:.3f} on {len(both)} reps found by both; "
                f"live {_pr(rows, 1)}; offline {_pr(rows, 2)}"
            )
        print()


if __name__ == "__main__":
    main()
