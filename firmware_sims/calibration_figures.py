"""Side-by-side real vs simulated figures for :mod:`firmware_sims.calibration`."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from boneimu.units import STANDARD_GRAVITY_M_S2 as G
from firmware_sims.calibration import (
    HAPT_FS,
    FloatArray,
    flight_and_landing,
    load_cmj,
    load_hapt,
    sim_at,
    sim_jump,
)


def _plot_pair(
    out: Path,
    title: str,
    real: tuple[FloatArray, FloatArray],
    sim: tuple[FloatArray, FloatArray],
    labels: tuple[str, str],
) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.4), sharey=True)
    for ax, (t, acc), lab in zip(axes, (real, sim), labels, strict=True):
        ax.plot(t, np.linalg.norm(acc, axis=1), "k", lw=1.2, label="|a|")
        for k, c in enumerate("rgb"):
            ax.plot(t, acc[:, k], c, lw=0.6, alpha=0.7, label="xyz"[k])
        ax.set_title(lab, fontsize=9)
        ax.set_xlabel("time (s)")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("acceleration (g, incl. gravity)")
    axes[0].legend(fontsize=7, ncol=4, loc="lower left")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=90)
    plt.close(fig)
    return out


def figures(root: Path, out: Path, cmj_flight_s: float) -> list[Path]:
    paths = []
    # sit-to-stand: the first HAPT STS of experiment 1, ±2 s
    name, acc, rows = load_hapt(root)[0]
    s, e = next((s, e) for a, s, e in rows if a == 8)
    sl = slice(s - 100, e + 100)
    real = (np.arange(sl.stop - sl.start) / HAPT_FS, acc[sl])
    sim = sim_at("sit_to_stand:1x1", "waist", 17, HAPT_FS)
    r = sim.labels.sets[0].reps[0]
    up = r.phases_s["flexion"] + r.phases_s["rise"] + r.phases_s["extension"]
    end = r.start_s + up + r.phases_s["stand"]
    m = (sim.recording.t_s >= r.start_s - 2) & (sim.recording.t_s < end)
    st = sim.recording.t_s[m]
    paths.append(
        _plot_pair(
            out / "calibration_sit_to_stand.png",
            "Sit-to-stand, waist phone, 50 Hz",
            real,
            (st - st[0], sim.recording.acc_m_s2[m] / G),
            (f"real: UCI HAPT {name}", "simulated (seed 17), until the return starts"),
        )
    )
    # walking: 6 s of HAPT walking vs 6 s simulated
    s, e = next((s, e) for a, s, e in rows if a == 1)
    sl = slice(s + 250, s + 550)
    real = (np.arange(300) / HAPT_FS, acc[sl])
    sim = sim_at("walk:30s", "waist", 8, HAPT_FS)
    w = max(sim.labels.walking, key=lambda b: b.end_s - b.start_s)
    mid = 0.5 * (w.start_s + w.end_s)
    m = (sim.recording.t_s >= mid - 3) & (sim.recording.t_s < mid + 3)
    st = sim.recording.t_s[m]
    paths.append(
        _plot_pair(
            out / "calibration_walking.png",
            "Walking, waist phone, 50 Hz",
            real,
            (st - st[0], sim.recording.acc_m_s2[m] / G),
            (f"real: UCI HAPT {name}", "simulated (seed 8)"),
        )
    )
    # jump landing: McGinnis sacral IMU vs a simulated hop with the same flight time
    t, acc_c, fs = load_cmj(root)
    _, _, t_fl = flight_and_landing(t, np.linalg.norm(acc_c, axis=1))
    m = (t >= t_fl - 1.5) & (t < t_fl + 1.5)
    real = (t[m] - t[m][0], acc_c[m])
    sim = sim_jump(cmj_flight_s, fs, 9)
    r = sim.labels.sets[0].reps[0]
    assert r.impact_s is not None
    t_land = r.impact_s - r.phases_s["flight"]
    m = (sim.recording.t_s >= t_land - 1.5) & (sim.recording.t_s < t_land + 1.5)
    st = sim.recording.t_s[m]
    paths.append(
        _plot_pair(
            out / "calibration_jump_landing.png",
            f"Jump landing, sacrum / lower back, {fs:.0f} Hz",
            real,
            (st - st[0], sim.recording.acc_m_s2[m] / G),
            ("real: McGinnis countermovement jump", f"simulated hop, flight {cmj_flight_s:.2f} s"),
        )
    )
    return paths
