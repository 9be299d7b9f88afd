"""Balance holds (sway path and 95% ellipse) and sit-to-stand performance figures."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import stats

from boneimu.errors import AnalysisError
from boneimu.metrics.sway import MIN_HOLD_S, horizontal_sway
from boneimu.recording import Recording
from boneimu.report.figure import (
    EXERCISE_COLOURS,
    FLAG_COLOUR,
    FLAG_HATCH,
    ReportFigure,
    new_figure,
    styled,
)
from boneimu.results import AnalysisResult, BalanceResult, RepResult, SetResult

MAX_HOLD_PANELS = 8
"""At most this many holds get a sway panel (the table lists them all)."""
HOLD_COLS = 4
STS_COLS = 3
MAX_PATH_POINTS = 600


@dataclass(frozen=True)
class SwayPath:
    """Horizontal acceleration of one hold in its principal axes (m/s²) and its 95% ellipse
    semi-axes (m/s²), the same ellipse whose area boneimu.metrics.sway reports."""

    hold: BalanceResult
    path_m_s2: NDArray[np.float64]
    semi_axes_m_s2: tuple[float, float]


def sway_path(rec: Recording, hold: BalanceResult) -> SwayPath | None:
    """The sway path of ``hold``, or None when it is too short or unusable."""
    i0, i1 = np.searchsorted(rec.t_s, [hold.start_s, hold.end_s])
    if (i1 - i0) / rec.fs_hz < MIN_HOLD_S:
        return None
    try:
        h, _ = horizontal_sway(rec.acc_m_s2[i0:i1], fs_hz=rec.fs_hz)
    except AnalysisError:
        return None
    n = h.shape[0]
    var = np.var(h, axis=0, ddof=1)
    f95 = float(stats.f.ppf(0.95, 2, max(n - 2, 1)))
    a, b = (math.sqrt(2.0 * f95 * float(v)) for v in var)
    step = max(1, n // MAX_PATH_POINTS)
    return SwayPath(hold, h[::step], (a, b))


@styled
def balance_figure(rec: Recording, result: AnalysisResult) -> ReportFigure | None:
    """One panel per hold: sway path, 95% ellipse, score; the same scale on every panel."""
    from matplotlib.patches import Ellipse

    paths = [p for p in (sway_path(rec, h) for h in result.balance[:MAX_HOLD_PANELS]) if p]
    if not paths:
        return None
    ncols = min(HOLD_COLS, len(paths))
    nrows = -(-len(paths) // ncols)
    fig = new_figure(2.7 * nrows + 0.3, width_in=min(10.0, 2.6 * ncols + 0.6))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    lim = 1.15 * max(
        max(float(np.percentile(np.abs(p.path_m_s2), 99.0)), *p.semi_axes_m_s2) for p in paths
    )
    titles: dict[str, str] = {}
    colour = EXERCISE_COLOURS["balance"]
    for k, (ax, p) in enumerate(zip(axes, paths, strict=False), 1):
        h = p.hold
        a, b = p.semi_axes_m_s2
        ax.add_patch(Ellipse((0, 0), 2 * a, 2 * b, fc=colour, alpha=0.25, lw=0))
        ax.plot(p.path_m_s2[:, 0], p.path_m_s2[:, 1], color="#555555", lw=0.5, alpha=0.8)
        ax.add_patch(
            Ellipse(
                (0, 0), 2 * a, 2 * b, fill=False, ec="black", lw=1.6, ls="--", gid=f"ellipse-{k}"
            )
        )
        hold_s = h.hold_s if h.hold_s is not None else h.end_s - h.start_s
        stance = "" if h.stance == "unknown" else f"{h.stance.replace('_', ' ')}, "
        titles[f"ellipse-{k}"] = (
            f"Hold {k}: {stance}{hold_s:.0f} s, sway score {h.sway_score:.0f}/100; 95% "
            f"ellipse {a:.3f} x {b:.3f} m/s2 (semi-axes)"
        )
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_title(f"Hold {k}: score {h.sway_score:.0f}/100", fontsize=10)
        ax.text(0.02, 0.02, f"{stance}{hold_s:.0f} s", transform=ax.transAxes, fontsize=8)
        ax.set_xlabel("major axis (m/s²)", fontsize=8.5)
        if (k - 1) % ncols == 0:
            ax.set_ylabel("minor axis (m/s²)", fontsize=8.5)
        ax.tick_params(labelsize=7.5)
    for ax in axes[len(paths) :]:
        ax.set_visible(False)
    alt = "Sway paths of {} balance hold(s); scores {}.".format(
        len(paths), ", ".join(f"{p.hold.sway_score:.0f}" for p in paths)
    )
    return ReportFigure(
        "fig-balance",
        "Balance holds: horizontal trunk acceleration (sway path, grey) and its 95% "
        "confidence ellipse (shaded, dashed outline); a smaller ellipse means steadier "
        "standing. All panels share one scale. Score: 0-100, higher = steadier "
        "(provisional scale).",
        alt,
        fig,
        titles,
    )


def five_rep_time_s(s: SetResult) -> float | None:
    """Five-repetition sit-to-stand time: the analysis's ``time_5x_sts_s`` when it gives one,
    else start of rep 1 to end of rep 5 (None with fewer than 5 reps)."""
    if "time_5x_sts_s" in s.extra:
        return s.extra["time_5x_sts_s"]
    if len(s.reps) < 5:
        return None
    return s.reps[4].end_s - s.reps[0].start_s


def rise_time_s(r: RepResult) -> float:
    """The rising phase of a sit-to-stand: ``phases_s['rise']`` when given, else the rep."""
    if "rise" in r.phases_s:
        return r.phases_s["rise"]
    return r.duration_s if r.duration_s is not None else r.end_s - r.start_s


@styled
def sts_figure(result: AnalysisResult) -> ReportFigure | None:
    """Per sit-to-stand set: rise time of each stand, and peak rising speed where measured."""
    sets = [s for s in result.sets if s.exercise == "sit_to_stand" and s.reps]
    if not sets:
        return None
    ncols = min(len(sets), STS_COLS)
    nrows = -(-len(sets) // ncols)
    fig = new_figure(2.9 * nrows, width_in=min(10.0, 3.6 * ncols + 1.2))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    for ax in axes[len(sets) :]:
        ax.set_visible(False)
    titles: dict[str, str] = {}
    set_no = {id(s): k for k, s in enumerate(result.sets, 1)}
    colour = EXERCISE_COLOURS["sit_to_stand"]
    for ax, s in zip(axes, sets, strict=False):
        k = set_no[id(s)]
        xs = np.arange(1, len(s.reps) + 1)
        rises = [rise_time_s(r) for r in s.reps]
        for x, r, rise in zip(xs, s.reps, rises, strict=True):
            gid = f"sts-{k}-{x}"
            ax.bar(
                [x],
                [rise],
                width=0.75,
                color="white" if r.flags else colour,
                edgecolor=FLAG_COLOUR if r.flags else "black",
                lw=1.2 if r.flags else 0.4,
                hatch=FLAG_HATCH if r.flags else None,
                gid=gid,
            )
            text = f"Set {k}, stand {x}: rise {rise:.2f} s"
            if r.peak_vertical_velocity_m_s is not None:
                text += f", peak rising speed {r.peak_vertical_velocity_m_s:.2f} m/s"
            if r.flags:
                text += "; FLAGGED " + "; ".join(f"{f.name}: {f.reason}" for f in r.flags)
            titles[gid] = text
        vel = [
            (x, r.peak_vertical_velocity_m_s)
            for x, r in zip(xs, s.reps, strict=True)
            if r.peak_vertical_velocity_m_s is not None
        ]
        if vel:
            tw = ax.twinx()
            tw.plot(*zip(*vel, strict=True), color="black", marker="D", ms=4, lw=1.0)
            tw.set_ylim(0, max(v for _, v in vel) * 1.3)
            tw.set_ylabel("\u25c6 peak rising speed (m/s)", fontsize=8.5)
            tw.grid(False)
            tw.spines["right"].set_visible(True)
            tw.tick_params(labelsize=8)
        t5 = five_rep_time_s(s)
        head = f"Set {k}: {len(s.reps)} stand{'s' if len(s.reps) != 1 else ''}"
        if t5 is not None:
            head += f", 5 in {t5:.1f} s"
        ax.set_title(head, fontsize=10)
        ax.set_xlabel("stand")
        ax.set_ylabel("rise time (s)")
        ax.set_xticks(xs)
        ax.set_xlim(0.4, max(len(s.reps), 5) + 0.6)
        ax.set_ylim(0, max(rises) * 1.3)
        ax.grid(axis="x", visible=False)
    alt = "Sit-to-stand rise times for {} set(s): {}.".format(
        len(sets),
        "; ".join(
            f"set {set_no[id(s)]} mean {np.mean([rise_time_s(r) for r in s.reps]):.2f} s"
            for s in sets
        ),
    )
    return ReportFigure(
        "fig-sts",
        "Sit-to-stand: how long each stand took to rise (bars; hatched = flagged) and, where "
        "measured, its peak rising speed (diamonds). Quick, even rises mean more leg power.",
        alt,
        fig,
        titles,
    )
