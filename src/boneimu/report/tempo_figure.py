"""Tempo and smoothness figure: per set, each rep's time and its LDLJ-A, flagged reps marked."""

from __future__ import annotations

from typing import Any

import numpy as np

from boneimu.report.figure import (
    EXERCISE_COLOURS,
    EXERCISE_MARKERS,
    FLAG_COLOUR,
    FLAG_HATCH,
    FLAG_MARKER,
    ReportFigure,
    new_figure,
    pretty,
    styled,
)
from boneimu.report.session_figures import RepRef, all_reps
from boneimu.results import AnalysisResult, RepResult, SetResult

MAX_REPS_PER_ROW = 60
MAX_SETS_PER_ROW = 6
MIN_PANEL_REPS = 6
"""Tempo figures wrap onto a new row of panels beyond these."""


def _set_rows(sets: list[SetResult]) -> list[list[SetResult]]:
    """Split sets into rows of panels of at most MAX_SETS_PER_ROW sets / MAX_REPS_PER_ROW reps."""
    rows: list[list[SetResult]] = [[]]
    n = 0
    for s in sets:
        w = max(len(s.reps), MIN_PANEL_REPS)
        if rows[-1] and (len(rows[-1]) >= MAX_SETS_PER_ROW or n + w > MAX_REPS_PER_ROW):
            rows.append([])
            n = 0
        rows[-1].append(s)
        n += w
    return rows


def rep_time_s(r: RepResult) -> float:
    """A rep's time: the sum of its phases when the analysis split it, else its duration."""
    if r.phases_s:
        return float(sum(r.phases_s.values()))
    return r.duration_s if r.duration_s is not None else r.end_s - r.start_s


@styled
def tempo_figure(result: AnalysisResult) -> ReportFigure | None:
    """Per set: rep time (top, own scale) and smoothness (LDLJ-A, bottom, shared scale)."""
    refs = all_reps(result)
    sets = [s for s in result.sets if s.reps]
    if not refs:
        return None
    chunks = _set_rows(sets)
    fig = new_figure(3.6 * len(chunks) + 0.3)
    subfigs: list[Any] = [fig]
    if len(chunks) > 1:
        subfigs = list(np.ravel(fig.subfigures(len(chunks), 1)))  # type: ignore[arg-type]
    pairs = []
    for sub, chunk in zip(subfigs, chunks, strict=True):
        widths = [max(len(s.reps), MIN_PANEL_REPS) for s in chunk]
        if len(chunks) > 1 and sum(widths) < MAX_REPS_PER_ROW:  # same bar width on every row
            widths.append(MAX_REPS_PER_ROW - sum(widths))
        ax = sub.subplots(2, len(widths), squeeze=False, gridspec_kw={"width_ratios": widths})
        for spare in ax[:, len(chunk) :].ravel():
            spare.set_visible(False)
        pairs += [(ax[0, c], ax[1, c], c == 0) for c in range(len(chunk))]
    ldlj_all = [r.ldlj_a for s in sets for r in s.reps if r.ldlj_a is not None]
    titles: dict[str, str] = {}
    set_no = {id(s): k for k, s in enumerate(result.sets, 1)}
    for (ax_t, ax_s, first), s in zip(pairs, sets, strict=True):
        if ldlj_all:
            pad = 0.08 * (max(ldlj_all) - min(ldlj_all)) + 0.3
            ax_s.set_ylim(min(ldlj_all) - pad, max(ldlj_all) + pad)
        k = set_no[id(s)]
        colour = EXERCISE_COLOURS.get(s.exercise, "black")
        xs = np.arange(1, len(s.reps) + 1)
        for xi, r in zip(xs, s.reps, strict=True):
            ref = RepRef(k, int(xi), s.exercise, r)
            gid = f"tempo-{k}-{xi}"
            t = rep_time_s(r)
            ax_t.bar(
                [xi],
                [t],
                width=0.8,
                color="white" if r.flags else colour,
                edgecolor=FLAG_COLOUR if r.flags else "black",
                lw=1.0 if r.flags else 0.4,
                hatch=FLAG_HATCH if r.flags else None,
                gid=gid,
            )
            phases = ", ".join(f"{n} {v:.2f} s" for n, v in r.phases_s.items())
            titles[gid] = f"{ref.hover}; rep time {t:.2f} s" + (f" ({phases})" if phases else "")
            if r.ldlj_a is not None:
                sgid = f"smooth-{k}-{xi}"
                ax_s.plot(
                    [xi],
                    [r.ldlj_a],
                    ls="none",
                    gid=sgid,
                    marker=FLAG_MARKER if r.flags else EXERCISE_MARKERS.get(s.exercise, "o"),
                    ms=8 if r.flags else 6,
                    color=FLAG_COLOUR if r.flags else colour,
                    mec="black",
                    mew=0.5,
                )
                titles[sgid] = f"{ref.hover}; LDLJ-A {r.ldlj_a:.2f}"
        pts = [(xi, r.ldlj_a) for xi, r in zip(xs, s.reps, strict=True) if r.ldlj_a is not None]
        if len(pts) > 1:
            ax_s.plot(*zip(*pts, strict=True), color=colour, lw=0.8, alpha=0.6)
        ax_t.set_title(f"Set {k}\n{pretty(s.exercise)}", fontsize=9.5)
        ax_s.set_xlabel("rep", fontsize=9)
        for ax in (ax_t, ax_s):
            ax.set_xlim(0.4, max(len(s.reps), MIN_PANEL_REPS) + 0.6)
            ax.grid(axis="x", visible=False)
            ax.tick_params(labelsize=8)
            step = max(1, len(s.reps) // 5)
            ax.set_xticks(xs[::step])
        ax_t.tick_params(labelbottom=False)
        if first:
            ax_t.set_ylabel("rep time (s)")
            ax_s.set_ylabel("LDLJ-A\n(higher = smoother)")
        else:
            ax_s.tick_params(labelleft=False)
    n_flag = sum(1 for r in refs if r.rep.flags)
    if n_flag:
        from matplotlib.patches import Patch

        subfigs[0].legend(
            handles=[
                Patch(
                    facecolor="white",
                    edgecolor=FLAG_COLOUR,
                    hatch=FLAG_HATCH,
                    label=f"flagged rep ({n_flag}); X below",
                )
            ],
            loc="outside upper right",
            fontsize=8.5,
        )
    alt = (
        f"Bar chart of rep times and dot chart of smoothness for {len(refs)} reps in "
        f"{len(sets)} set(s); {n_flag} reps flagged."
    )
    return ReportFigure(
        "fig-tempo",
        "Tempo and smoothness, set by set: each rep's time (top; each set on its own scale) "
        "and its smoothness as log dimensionless jerk (LDLJ-A, bottom; closer to zero is "
        "smoother). Even bars mean an even tempo; hatched bars and X marks are flagged reps.",
        alt,
        fig,
        titles,
    )
