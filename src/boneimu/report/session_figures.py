"""Session figures: the signal with bouts and reps, impact loading, tempo and smoothness.

Each builder takes the analysis result (and the recording where it draws the signal) and
returns a :class:`ReportFigure`, or ``None`` when the session has nothing to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from boneimu.metrics.impact import resultant_g
from boneimu.recording import Recording
from boneimu.report.figure import (
    EXERCISE_COLOURS,
    EXERCISE_MARKERS,
    FLAG_COLOUR,
    FLAG_HATCH,
    FLAG_MARKER,
    OKABE_ITO,
    ReportFigure,
    new_figure,
    pretty,
    styled,
)
from boneimu.results import AnalysisResult, RepResult

MAX_SIGNAL_POINTS = 3000
"""Signal plots keep at most this many min/max buckets (peaks survive decimation)."""
MINUTES_ABOVE_S = 600.0
"""Time axes switch from seconds to minutes for recordings longer than this."""
BIN_NOTES = {1.1: "trochanter BMD", 3.9: "femoral neck BMD", 5.2: "high impact"}
"""Short labels for the bone-relevant bin edges (sources in docs/algorithms/impact.md)."""


@dataclass(frozen=True)
class RepRef:
    """A rep with its place in the session: set number (1-based) and rep number in the set."""

    set_no: int
    rep_no: int
    exercise: str
    rep: RepResult

    @property
    def label(self) -> str:
        return f"Set {self.set_no} ({pretty(self.exercise).lower()}), rep {self.rep_no}"

    @property
    def flag_text(self) -> str:
        return "; ".join(f"{f.name}: {f.reason}" for f in self.rep.flags)

    @property
    def hover(self) -> str:
        r = self.rep
        text = f"{self.label}: peak {r.peak_acc_g:.2f} g"
        if r.clipped:
            text += " (clipped: a lower bound)"
        if r.peak_grf_bw is not None:
            text += f", est. GRF {r.peak_grf_bw:.1f} x body weight"
        if r.flags:
            text += f". FLAGGED {self.flag_text}"
        return text


def all_reps(result: AnalysisResult) -> list[RepRef]:
    return [
        RepRef(k, j, s.exercise, r)
        for k, s in enumerate(result.sets, 1)
        for j, r in enumerate(s.reps, 1)
    ]


def signal_trace(
    t_s: NDArray[np.float64],
    y: NDArray[np.float64],
    segments: list[slice],
    *,
    max_points: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """A drawable line of at most ``2 * max_points`` points that keeps every peak.

    Short signals are returned sample by sample, with NaN between gap-free ``segments`` so the
    line breaks at gaps. Longer ones are cut into ``max_points`` equal time buckets; each
    bucket contributes its minimum and maximum (a min/max envelope, so no impact peak is
    lost however long the recording) and an empty bucket (a gap) a NaN break.
    """
    if y.size <= 2 * max_points:
        cuts = [seg.start for seg in segments[1:]]
        return (
            np.insert(t_s.astype(np.float64), cuts, np.nan),
            np.insert(y.astype(np.float64), cuts, np.nan),
        )
    edges = np.linspace(t_s[0], t_s[-1], max_points + 1)
    starts = np.searchsorted(t_s, edges[:-1], side="left")
    ends = np.append(starts[1:], y.size)
    full = ends > starts
    lo = np.full(max_points, np.nan)
    hi = np.full(max_points, np.nan)
    lo[full] = np.minimum.reduceat(y, starts[full])
    hi[full] = np.maximum.reduceat(y, starts[full])
    t_out = np.repeat(edges[:-1], 2)
    y_out = np.column_stack([lo, hi]).ravel()
    return t_out, y_out


def _time_scale(duration_s: float) -> tuple[float, str]:
    return (60.0, "min") if duration_s > MINUTES_ABOVE_S else (1.0, "s")


def _rep_x(r: RepResult) -> float:
    return r.impact_s if r.impact_s is not None else 0.5 * (r.start_s + r.end_s)


@styled
def signal_figure(rec: Recording, result: AnalysisResult) -> ReportFigure:
    """|a| (g) over the session, bouts shaded, reps marked, flagged reps hatched."""
    from matplotlib.patches import Patch

    div, unit = _time_scale(rec.duration_s)
    t = rec.t_s
    g = resultant_g(rec.acc_m_s2)
    fig = new_figure(3.6)
    ax = fig.add_subplot()
    te, ge = signal_trace(t, g, rec.segments(), max_points=MAX_SIGNAL_POINTS)
    ax.plot(te / div, ge, color="#3a3a3a", lw=0.6)
    titles: dict[str, str] = {}
    kinds_seen: dict[str, str] = {}
    spans: list[tuple[float, float, str, str]] = [
        (s.start_s, s.end_s, s.exercise, f"{pretty(s.exercise)} x{s.n_reps}") for s in result.sets
    ]
    spans += [(w.start_s, w.end_s, "walking", f"Walking, {w.steps} steps") for w in result.walking]
    spans += [
        (b.start_s, b.end_s, "balance", f"Balance hold, score {b.sway_score:.0f}")
        for b in result.balance
    ]
    for k, (a, b, kind, text) in enumerate(spans):
        colour = EXERCISE_COLOURS.get(kind, OKABE_ITO["grey"])
        ax.axvspan(a / div, b / div, color=colour, alpha=0.13, lw=0, gid=f"bout-{k}")
        titles[f"bout-{k}"] = f"{text}: {a:.0f}-{b:.0f} s"
        kinds_seen.setdefault(kind, colour)
    top = float(np.nanmax(g)) if g.size else 2.0
    for ref in all_reps(result):
        r = ref.rep
        gid = f"rep-{ref.set_no}-{ref.rep_no}"
        x = _rep_x(r) / div
        if r.flags:
            ax.axvspan(
                r.start_s / div,
                r.end_s / div,
                facecolor="none",
                edgecolor=FLAG_COLOUR,
                hatch=FLAG_HATCH,
                lw=0.8,
                gid=gid + "-span",
            )
            ax.plot(
                [x],
                [r.peak_acc_g],
                marker=FLAG_MARKER,
                ms=9,
                color=FLAG_COLOUR,
                mec="black",
                mew=0.6,
                ls="none",
                gid=gid,
            )
        else:
            ax.plot(
                [x],
                [r.peak_acc_g],
                marker=EXERCISE_MARKERS.get(ref.exercise, "o"),
                ms=6,
                color=EXERCISE_COLOURS.get(ref.exercise, "black"),
                mec="black",
                mew=0.5,
                ls="none",
                gid=gid,
            )
        titles[gid] = ref.hover
        titles[gid + "-span"] = ref.hover
    ax.axhline(1.0, color=OKABE_ITO["grey"], lw=0.8, ls=":")
    ax.set_ylim(0, max(top * 1.08, 2.0))
    ax.set_xlim(0, rec.duration_s / div)
    ax.set_xlabel(f"time ({unit})")
    ax.set_ylabel("|a| (g, incl. gravity)")
    ax.set_title("Acceleration magnitude with exercise bouts and reps")
    handles = [Patch(color=c, alpha=0.35, label=pretty(k)) for k, c in kinds_seen.items()]
    refs = all_reps(result)
    if any(x.rep.flags for x in refs):
        handles.append(
            Patch(
                facecolor="white", edgecolor=FLAG_COLOUR, hatch=FLAG_HATCH, label="flagged rep (X)"
            )
        )
    if handles:
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8.5)
    n_flag = sum(1 for x in refs if x.rep.flags)
    alt = (
        f"Line chart of acceleration magnitude over {rec.duration_s:.0f} s with "
        f"{len(result.sets)} exercise set(s), {len(result.walking)} walking bout(s) and "
        f"{len(result.balance)} balance hold(s) shaded; {len(refs)} reps marked, "
        f"{n_flag} flagged."
    )
    return ReportFigure(
        "fig-signal",
        "The whole session: acceleration magnitude (1 g = standing still) with bouts shaded "
        "and each rep marked at its peak; flagged reps are hatched and marked X.",
        alt,
        fig,
        titles,
    )


@styled
def impact_figure(result: AnalysisResult) -> ReportFigure | None:
    """Per-rep peaks against the bone-relevant thresholds, bin counts, and peak GRF."""
    refs = [x for x in all_reps(result) if x.rep.impact_s is not None]
    bins = result.dose.impact_bins
    if not refs and result.dose.n_impacts == 0:
        return None
    has_grf = any(x.rep.peak_grf_bw is not None for x in refs)
    ncols = 2 + has_grf
    fig = new_figure(3.4)
    axes = fig.subplots(1, ncols, gridspec_kw={"width_ratios": [1.6, 1.0, 1.2][:ncols]})
    ax = axes[0]
    titles: dict[str, str] = {}
    top = max([x.rep.peak_acc_g for x in refs] + [2.0])
    edges = [b.lower_g for b in bins if b.lower_g <= top * 1.25]
    for lo in edges:
        ax.axhline(lo, color=OKABE_ITO["grey"], lw=0.8, ls="--")
    right = ax.secondary_yaxis("right")
    right.set_yticks(edges, [f"{lo:g} g {BIN_NOTES.get(lo, '')}".strip() for lo in edges])
    right.tick_params(labelsize=8, length=0)
    for i, ref in enumerate(refs, 1):
        r = ref.rep
        gid = f"imp-{ref.set_no}-{ref.rep_no}"
        colour = EXERCISE_COLOURS.get(ref.exercise, "black")
        marker = EXERCISE_MARKERS.get(ref.exercise, "o")
        ax.plot(
            [i],
            [r.peak_acc_g],
            marker=marker,
            ms=6,
            ls="none",
            gid=gid,
            color="white" if r.clipped else colour,
            mec=colour if r.clipped else "black",
            mew=1.4 if r.clipped else 0.5,
        )
        titles[gid] = ref.hover
    ax.set_ylim(0.8, top * 1.25)
    ax.set_xlabel("rep (session order)")
    ax.set_ylabel("peak |a| (g)")
    ax.set_title("Peak of each landing")
    if any(x.rep.clipped for x in refs):
        ax.text(
            0.01,
            0.02,
            "hollow = clipped at sensor range (true peak higher)",
            transform=ax.transAxes,
            fontsize=8,
        )
    ax2 = axes[1]
    labels = [f"{b.lower_g:g}-{b.upper_g:g} g" if b.upper_g else f"{b.lower_g:g}+ g" for b in bins]
    counts = [b.count for b in bins]
    ypos = np.arange(len(bins))
    ax2.barh(ypos, counts, color=OKABE_ITO["sky"], edgecolor="black", lw=0.5)
    for y, c in zip(ypos, counts, strict=True):
        ax2.annotate(
            str(c), (c, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8.5
        )
    ax2.set_yticks(ypos, labels)
    ax2.set_xlim(0, max([*counts, 1]) * 1.25)
    ax2.set_xlabel("impacts")
    ax2.set_title("Impacts per band")
    ax2.grid(axis="y", visible=False)
    if has_grf:
        ax3 = axes[2]
        xs = [i for i, x in enumerate(refs, 1) if x.rep.peak_grf_bw is not None]
        ys = [x.rep.peak_grf_bw or 0.0 for x in refs if x.rep.peak_grf_bw is not None]
        cs = [EXERCISE_COLOURS.get(x.exercise, "black") for x in refs if x.rep.peak_grf_bw]
        ax3.bar(xs, ys, color=cs, edgecolor="black", lw=0.4, width=0.8)
        ax3.axhline(1.0, color=OKABE_ITO["grey"], lw=0.8, ls=":")
        ax3.set_xlabel("rep (session order)")
        ax3.set_ylabel("x body weight")
        ax3.set_title("Estimated peak GRF")
    alt = (
        f"{len(refs)} landing peaks between "
        + (f"{min(x.rep.peak_acc_g for x in refs):.1f} and {top:.1f} g" if refs else "none")
        + "; impact counts per band: "
        + ", ".join(f"{lab} {c}" for lab, c in zip(labels, counts, strict=True))
    )
    return ReportFigure(
        "fig-impacts",
        "Impact loading: each landing's peak against the bone-relevant thresholds "
        "(dashed), the session's impacts per band, and the estimated peak ground-reaction "
        "force where a model applies.",
        alt,
        fig,
        titles,
    )
