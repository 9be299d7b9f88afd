"""Calibrate the simulator against real recordings: matched statistics and side-by-side figures.

``python -m firmware_sims.calibration --realdata PATH --out docs/figures [--validation
docs/validation.md]`` reads the third-party recordings under PATH (UCI HAPT waist phone,
McGinnis sacral countermovement jump, KielMAT pelvis TUG), simulates the same activities at the
same placement and rate, and writes PNG figures plus a Markdown table of matched statistics
(``calibration_table.md``; with ``--validation`` it also replaces the table in the "Simulator
calibration" section of that file). The real data path is an argument: nothing here knows it.
"""

from __future__ import annotations

import argparse
import gzip
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

from boneimu.units import STANDARD_GRAVITY_M_S2 as G
from firmware_sims.person import random_person
from firmware_sims.session import SimSession, simulate_session

FloatArray = NDArray[np.float64]
HAPT_FS = 50.0
N_SIM = 12


@dataclass
class Stat:
    name: str
    real: list[float]
    sim: list[float]
    unit: str
    source: str

    def row(self) -> str:
        def fmt(x: list[float]) -> str:
            if not x:
                return "–"
            a = np.asarray(x)
            if a.size == 1:
                return f"{a[0]:.2f}"
            q = np.percentile(a, [25, 50, 75])
            return f"{q[1]:.2f} ({q[0]:.2f}–{q[2]:.2f}), n={a.size}"

        return f"| {self.name} | {self.unit} | {fmt(self.real)} | {fmt(self.sim)} | {self.source} |"


# ---------------------------------------------------------------- statistics (shared)


def cadence_spm(mag_g: FloatArray, fs_hz: float) -> float | None:
    """Step cadence from the autocorrelation of |a| (first peak at a 0.35–0.85 s lag)."""
    x = mag_g - mag_g.mean()
    if x.size < int(4 * fs_hz):
        return None
    ac = np.correlate(x, x, "full")[x.size - 1 :]
    ac /= ac[0]
    lo, hi = int(0.35 * fs_hz), int(0.85 * fs_hz)
    k = lo + int(np.argmax(ac[lo:hi]))
    return 60.0 * fs_hz / k if ac[k] > 0.2 else None


def step_peaks_g(mag_g: FloatArray, fs_hz: float) -> FloatArray:
    """Per-step maxima of |a| (heel-strike peaks)."""
    idx, _ = find_peaks(mag_g, distance=max(int(0.35 * fs_hz), 1), prominence=0.15)
    return mag_g[idx]


def vert_horiz_rms_g(acc_g: FloatArray, fs_hz: float) -> tuple[float, float]:
    """RMS (g) of the vertical and horizontal acceleration after a 0.5 Hz high-pass, with the
    vertical taken as the mean acceleration direction of the bout (orientation-free)."""
    from scipy.signal import butter, sosfiltfilt

    g = acc_g.mean(axis=0)
    g /= np.linalg.norm(g)
    v = acc_g @ g
    h = acc_g - np.outer(v, g)
    sos = butter(2, 0.5, "high", fs=fs_hz, output="sos")
    vh, hh = sosfiltfilt(sos, v), sosfiltfilt(sos, h, axis=0)
    return float(np.std(vh)), float(np.sqrt(np.mean(np.sum(hh**2, axis=1))))


def tilt_transition_s(acc_g: FloatArray, fs_hz: float, i0: int, i1: int) -> float | None:
    """Time for the device's gravity direction to turn from 5 % to 95 % of the way between
    the posture before ``i0`` and the posture after ``i1`` (0.3 s references, 1.5 Hz low-pass)."""
    from scipy.signal import butter, sosfiltfilt

    w = int(0.3 * fs_hz)
    if i0 - w < 0 or i1 + w > acc_g.shape[0]:
        return None
    lp = sosfiltfilt(butter(2, 1.5, fs=fs_hz, output="sos"), acc_g, axis=0)
    u = lp / np.linalg.norm(lp, axis=1, keepdims=True)
    a, b = u[i0 - w : i0].mean(axis=0), u[i1 : i1 + w].mean(axis=0)
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    total = float(np.arccos(np.clip(a @ b, -1.0, 1.0)))
    if total < np.radians(8.0):
        return None
    frac = np.arccos(np.clip(u[i0 - w : i1 + w] @ a, -1.0, 1.0)) / total
    k5, k95 = np.argmax(frac > 0.05), np.argmax(frac > 0.95)
    return float(k95 - k5) / fs_hz if frac.max() > 0.95 and k95 > k5 else None


def sts_stats(mag_g: FloatArray) -> tuple[float, float, float]:
    return float(mag_g.max()), float(mag_g.min()), float(mag_g.std())


# ---------------------------------------------------------------- real data


def load_hapt(root: Path) -> list[tuple[str, FloatArray, list[tuple[int, int, int]]]]:
    raw = root / "hapt-dev" / "RawData"
    labels = np.loadtxt(raw / "labels.txt", dtype=int)
    out = []
    for f in sorted(raw.glob("acc_exp*_user*.txt.gz")):
        exp = int(f.name[7:9])
        with gzip.open(f, "rt") as fh:
            acc = np.loadtxt(fh)
        rows = [(int(a), int(s), int(e)) for (ex, _u, a, s, e) in labels if ex == exp]
        out.append((f.name, acc, rows))
    return out


STAT_KEYS = (
    "sts_dur",
    "sts_tilt",
    "sts_peak",
    "sts_min",
    "sts_sd",
    "walk_cad",
    "walk_peak",
    "up_peak",
    "down_peak",
    "walk_v",
    "walk_h",
)
"""The statistics compared between real and simulated signals (same keys on both sides)."""


def hapt_stats(root: Path) -> dict[str, list[float]]:
    res: dict[str, list[float]] = {k: [] for k in STAT_KEYS}
    for _name, acc, rows in load_hapt(root):
        mag = np.linalg.norm(acc, axis=1)
        for act, s, e in rows:
            seg = mag[s:e]
            if act == 8:
                res["sts_dur"].append((e - s) / HAPT_FS)
                tt = tilt_transition_s(acc, HAPT_FS, s, e)
                if tt is not None:
                    res["sts_tilt"].append(tt)
                pk, mn, sd = sts_stats(seg)
                res["sts_peak"].append(pk)
                res["sts_min"].append(mn)
                res["sts_sd"].append(sd)
            elif act == 1 and seg.size > 8 * HAPT_FS:
                c = cadence_spm(seg, HAPT_FS)
                if c:
                    res["walk_cad"].append(c)
                res["walk_peak"].append(float(np.median(step_peaks_g(seg, HAPT_FS))))
                v, h = vert_horiz_rms_g(acc[s + 50 : e - 50], HAPT_FS)
                res["walk_v"].append(v)
                res["walk_h"].append(h)
            elif act in (2, 3) and seg.size > 5 * HAPT_FS:
                key = "up_peak" if act == 2 else "down_peak"
                res[key].append(float(np.median(step_peaks_g(seg, HAPT_FS))))
    return res


def load_cmj(root: Path) -> tuple[FloatArray, FloatArray, float]:
    d = np.loadtxt(root / "mcginnis-cmj" / "example_data.csv", delimiter=",", skiprows=1)
    t, acc = d[:, 0], d[:, 1:4] / G
    return t, acc, 1.0 / float(np.median(np.diff(t)))


def flight_and_landing(t: FloatArray, mag_g: FloatArray) -> tuple[float, float, float]:
    """Longest run with |a| < 0.35 g (flight) and the landing peak within 0.5 s after it."""
    low = mag_g < 0.35
    edges = np.flatnonzero(np.diff(np.concatenate([[0], low.astype(int), [0]])))
    runs = edges.reshape(-1, 2)
    i0, i1 = runs[np.argmax(runs[:, 1] - runs[:, 0])]
    fs = 1.0 / float(np.median(np.diff(t)))
    after = mag_g[i1 : i1 + int(0.5 * fs)]
    return float(t[i1] - t[i0]), float(after.max()), float(t[i0])


def load_tug(root: Path) -> tuple[FloatArray, FloatArray]:
    d = np.loadtxt(
        root / "kielmat-tug" / "test_data_pham_algorithms.csv", delimiter=",", skiprows=1
    )
    acc = d[:, 1:4]
    return np.arange(len(d)) / 200.0, acc


# ---------------------------------------------------------------- simulations


def sim_at(program: str, placement: str, seed: int, fs_hz: float, **kw: object) -> SimSession:
    return simulate_session(program, placement=placement, seed=seed, fs_hz=fs_hz, **kw)  # type: ignore[arg-type]


def sim_stats() -> dict[str, list[float]]:
    res: dict[str, list[float]] = {k: [] for k in STAT_KEYS}
    for seed in range(N_SIM):
        sim = sim_at("sit_to_stand:1x3, walk:40s, stairs:40s", "waist", 500 + seed, HAPT_FS)
        rec = sim.recording
        mag = np.linalg.norm(rec.acc_m_s2, axis=1) / G
        t = rec.t_s
        for s in sim.labels.sets:
            for r in s.reps:
                up = r.phases_s["flexion"] + r.phases_s["rise"] + r.phases_s["extension"]
                # pad like the (generous) HAPT video labels: 0.4 s before, 0.3 s after
                m = (t >= r.start_s - 0.4) & (t < r.start_s + up + 0.3)
                res["sts_dur"].append(up)
                i0 = int(np.searchsorted(t, r.start_s))
                i1 = int(np.searchsorted(t, r.start_s + up))
                tt = tilt_transition_s(rec.acc_m_s2 / G, HAPT_FS, i0, i1)
                if tt is not None:
                    res["sts_tilt"].append(tt)
                pk, mn, sd = sts_stats(mag[m])
                res["sts_peak"].append(pk)
                res["sts_min"].append(mn)
                res["sts_sd"].append(sd)
        for w in sim.labels.walking:
            m = (t >= w.start_s) & (t < w.end_s)
            if m.sum() < 5 * HAPT_FS:
                continue
            peak = float(np.median(step_peaks_g(mag[m], HAPT_FS)))
            if w.kind == "walk":
                c = cadence_spm(mag[m], HAPT_FS)
                if c:
                    res["walk_cad"].append(c)
                res["walk_peak"].append(peak)
                v, h = vert_horiz_rms_g(rec.acc_m_s2[m][50:-50] / G, HAPT_FS)
                res["walk_v"].append(v)
                res["walk_h"].append(h)
            else:
                res["up_peak" if w.kind == "stairs_up" else "down_peak"].append(peak)
    return res


def sim_jump(flight_s: float, fs_hz: float, seed: int) -> SimSession:
    person = replace(random_person(np.random.default_rng(seed)), hop_flight_s=flight_s)
    return sim_at("hop:1", "lower_back", seed, fs_hz, person=person)


# ---------------------------------------------------------------- table


def table(root: Path) -> tuple[str, float]:
    real, sim = hapt_stats(root), sim_stats()
    t, acc, fs = load_cmj(root)
    flight, land, _ = flight_and_landing(t, np.linalg.norm(acc, axis=1))
    sims = [sim_jump(flight, fs, 900 + k) for k in range(N_SIM)]
    sim_land, sim_flight = [], []
    for s in sims:
        st = s.recording.t_s
        f2, l2, _ = flight_and_landing(st, np.linalg.norm(s.recording.acc_m_s2, axis=1) / G)
        sim_land.append(l2)
        sim_flight.append(f2)
    _tt, tug = load_tug(root)
    tug_mag = np.linalg.norm(tug, axis=1)
    tug_peak = float(tug_mag[int(2.5 * 200) : int(5.0 * 200)].max())
    sim_tug = []
    for k in range(N_SIM):
        s2 = sim_at("sit_to_stand:1x1", "lower_back", 700 + k, 200.0)
        r = s2.labels.sets[0].reps[0]
        up = r.phases_s["flexion"] + r.phases_s["rise"] + r.phases_s["extension"]
        st = s2.recording.t_s
        m = (st >= r.start_s) & (st < r.start_s + up)
        sim_tug.append(float(np.linalg.norm(s2.recording.acc_m_s2[m], axis=1).max() / G))
    h = "HAPT (waist, 50 Hz)"
    stats = [
        Stat("sit-to-stand labelled duration", real["sts_dur"], sim["sts_dur"], "s", h),
        Stat("sit-to-stand tilt change 5–95 %", real["sts_tilt"], sim["sts_tilt"], "s", h),
        Stat("sit-to-stand peak \\|a\\|", real["sts_peak"], sim["sts_peak"], "g", h),
        Stat("sit-to-stand min \\|a\\|", real["sts_min"], sim["sts_min"], "g", h),
        Stat("sit-to-stand SD of \\|a\\|", real["sts_sd"], sim["sts_sd"], "g", h),
        Stat("sit-to-stand peak \\|a\\| (pelvis, 200 Hz)", [tug_peak], sim_tug, "g", "KielMAT TUG"),
        Stat("walking cadence", real["walk_cad"], sim["walk_cad"], "steps/min", h),
        Stat("walking heel-strike peak \\|a\\|", real["walk_peak"], sim["walk_peak"], "g", h),
        Stat("walking vertical RMS (> 0.5 Hz)", real["walk_v"], sim["walk_v"], "g", h),
        Stat("walking horizontal RMS (> 0.5 Hz)", real["walk_h"], sim["walk_h"], "g", h),
        Stat("stairs up step peak \\|a\\|", real["up_peak"], sim["up_peak"], "g", h),
        Stat("stairs down step peak \\|a\\|", real["down_peak"], sim["down_peak"], "g", h),
        Stat(
            "jump flight (\\|a\\| < 0.35 g)",
            [flight],
            sim_flight,
            "s",
            "McGinnis CMJ (sacrum, 128 Hz)",
        ),
        Stat("jump landing peak \\|a\\|", [land], sim_land, "g", "McGinnis CMJ (sacrum, 128 Hz)"),
    ]
    lines = [
        "| statistic | unit | real: median (IQR) | simulated: median (IQR) | real source |",
        "|---|---|---|---|---|",
        *[s.row() for s in stats],
    ]
    return "\n".join(lines) + "\n", flight


BEGIN, END = "<!-- calibration-table:begin -->", "<!-- calibration-table:end -->"


def update_validation(path: Path, table_md: str) -> None:
    """Replace the generated table between the markers in the Simulator calibration section."""
    text = path.read_text()
    if BEGIN not in text or END not in text:
        raise SystemExit(f"{path}: markers {BEGIN} / {END} not found in the calibration section")
    a, b = text.index(BEGIN) + len(BEGIN), text.index(END)
    path.write_text(text[:a] + "\n" + table_md + text[b:])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--realdata", type=Path, required=True)
    ap.add_argument("--out", type=Path, default=Path("docs/figures"))
    ap.add_argument("--validation", type=Path, default=None)
    args = ap.parse_args(argv)
    if not (args.realdata / "hapt-dev").is_dir():
        print(f"error: {args.realdata}: no hapt-dev folder (real data not found)", file=sys.stderr)
        return 2
    table_md, flight = table(args.realdata)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "calibration_table.md").write_text(table_md)
    from firmware_sims.calibration_figures import figures

    for p in figures(args.realdata, args.out, flight):
        print(f"wrote {p}", file=sys.stderr)
    if args.validation is not None:
        update_validation(args.validation, table_md)
    print(table_md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
