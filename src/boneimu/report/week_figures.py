"""Week figures: pillar progress against target days, and the loading dose with its trend."""

from __future__ import annotations

import numpy as np

from boneimu.dose.week import WeekReport
from boneimu.report.figure import OKABE_ITO, ReportFigure, new_figure, styled

STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    # status -> (colour, hatch, symbol shown as text)
    "met": (OKABE_ITO["green"], "", "\u2714 met"),
    "partial": (OKABE_ITO["orange"], "//", "\u25d0 partial"),
    "missed": (OKABE_ITO["vermillion"], "xx", "\u2716 missed"),
    "n/a": ("#bbbbbb", "..", "\u2013 n/a"),
}


@styled
def pillar_figure(report: WeekReport) -> ReportFigure:
    """Per exercise: full-dose days (solid), part-dose days (light) and the target (tick)."""
    rows = [(p, e) for p in report.pillars for e in p.exercises]
    n_lines = len(rows) + len(report.pillars)  # one header line per pillar
    fig = new_figure(0.26 * n_lines + 1.0)
    ax = fig.add_subplot()
    titles: dict[str, str] = {}
    ticks: list[float] = []
    labels: list[str] = []
    yi = float(n_lines)
    for p in report.pillars:
        yi -= 1
        ax.axhspan(yi - 0.5, yi + 0.5, color="#eef0f3", lw=0)
        ax.annotate(
            f"{p.title}: {STATUS_STYLE[p.status][2]}",
            (0.0, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
            fontweight="bold",
        )
        for e in p.exercises:
            yi -= 1
            colour, hatch, text = STATUS_STYLE[e.status]
            gid = f"ex-{e.id}"
            ax.barh(
                [yi],
                [e.full_days],
                color=colour,
                edgecolor="black",
                lw=0.4,
                hatch=hatch,
                height=0.7,
                gid=gid,
            )
            ax.barh(
                [yi],
                [e.part_days],
                left=[e.full_days],
                color=colour,
                alpha=0.35,
                edgecolor="black",
                lw=0.4,
                height=0.7,
            )
            ax.plot([e.per_week_min] * 2, [yi - 0.42, yi + 0.42], color="black", lw=2.0)
            ax.annotate(text, (7.15, yi), va="center", fontsize=8.5, annotation_clip=False)
            titles[gid] = (
                f"{p.title} / {e.title}: {e.full_days} full-dose day(s), {e.part_days} part, "
                f"target {e.per_week_min} ({e.target}); {e.status}"
            )
            ticks.append(yi)
            labels.append(e.title if len(e.title) <= 34 else e.title[:32] + "...")
    ax.set_yticks(ticks, labels, fontsize=8.5)
    ax.set_ylim(-0.6, n_lines - 0.4)
    ax.set_xlim(0, 7)
    ax.set_xticks(range(8))
    ax.set_xlabel("days this week (solid = full dose, light = part dose, black tick = target)")
    ax.grid(axis="y", visible=False)
    ax.set_title("Program progress by exercise")
    met = sum(1 for _, e in rows if e.status == "met")
    alt = (
        f"Bar chart of days done per exercise against target for {len(rows)} exercises; "
        f"{met} met, "
        + ", ".join(
            f"{sum(1 for _, e in rows if e.status == s)} {s}" for s in ("partial", "missed", "n/a")
        )
        + "."
    )
    return ReportFigure(
        "fig-pillars",
        "Each exercise's days this week: solid bars are days with the full dose, light bars "
        "part-dose days; the black tick is the weekly target. Status is written beside each bar.",
        alt,
        fig,
        titles,
    )


@styled
def dose_figure(report: WeekReport) -> ReportFigure:
    """Osteogenic index this week vs the previous weeks, and impacts per band this week."""
    d = report.dose
    fig = new_figure(3.0)
    ax, ax2 = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.3, 1.0]})
    prev = sorted(d.previous_weeks.items())
    labels = [w for w, _ in prev] + [report.week]
    values = [v for _, v in prev] + [d.osteogenic_index]
    xs = np.arange(len(labels))
    colours = [OKABE_ITO["sky"]] * len(prev) + [OKABE_ITO["blue"]]
    hatches = [""] * len(prev) + ["//"]
    for x, v, c, hatch in zip(xs, values, colours, hatches, strict=True):
        ax.bar([x], [v], color=c, edgecolor="black", lw=0.5, hatch=hatch, gid=f"oi-{x}")
    for x, v in zip(xs, values, strict=True):
        ax.annotate(
            f"{v:.0f}", (x, v), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=8.5
        )
    if d.previous_mean_osteogenic_index is not None:
        ax.axhline(
            d.previous_mean_osteogenic_index,
            color="black",
            ls="--",
            lw=1.0,
            label=f"previous mean {d.previous_mean_osteogenic_index:.0f}",
        )
        ax.legend(loc="upper left", fontsize=8)
    ax.set_xticks(
        xs, [w.split("-")[-1] for w in labels[:-1]] + [f"{labels[-1].split('-')[-1]}\nthis week"]
    )
    ax.set_ylim(0, max([*values, 1.0]) * 1.3)
    ax.set_ylabel("osteogenic index")
    trend = f", {d.trend_pct:+.0f}% vs previous 4 weeks" if d.trend_pct is not None else ""
    ax.set_title(f"Weekly loading dose{trend}", fontsize=10.5)
    ax.grid(axis="x", visible=False)
    bins = d.impact_bins
    names = [
        f"{b['lower_g']:g}-{b['upper_g']:g} g"
        if b["upper_g"] is not None
        else f"{b['lower_g']:g}+ g"
        for b in bins
    ]
    counts = [int(b["count"] or 0) for b in bins]
    yb = np.arange(len(bins))
    ax2.barh(yb, counts, color=OKABE_ITO["sky"], edgecolor="black", lw=0.5)
    for yi, n_imp in zip(yb, counts, strict=True):
        ax2.annotate(
            str(n_imp),
            (n_imp, yi),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8.5,
        )
    ax2.set_yticks(yb, names)
    ax2.set_xlim(0, max([*counts, 1]) * 1.25)
    ax2.set_xlabel("impacts this week")
    ax2.set_title(f"{d.n_impacts} impacts in {d.n_recordings} recording(s)", fontsize=10.5)
    ax2.grid(axis="y", visible=False)
    if not bins:
        ax2.text(0.5, 0.5, "no recorded impacts", ha="center", transform=ax2.transAxes)
    titles = {
        f"oi-{x}": f"{w}: osteogenic index {v:.1f}"
        for x, w, v in zip(xs, labels, values, strict=True)
    }
    alt = (
        f"Osteogenic index {d.osteogenic_index:.1f} this week"
        + (
            f", {d.trend_pct:+.0f}% against the previous four weeks"
            if d.trend_pct is not None
            else ""
        )
        + "; impacts per band: "
        + (", ".join(f"{n} {c}" for n, c in zip(names, counts, strict=True)) or "none")
    )
    return ReportFigure(
        "fig-dose",
        "Loading dose: the week's osteogenic index (dark, hatched bar) against the previous weeks "
        "(light bars, dashed line = their mean), and this week's impacts per band.",
        alt,
        fig,
        titles,
    )
