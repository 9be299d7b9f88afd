"""Week figures: pillar progress against target days, and the loading dose with its trend."""

from __future__ import annotations

import numpy as np

from boneimu.dose.fmt import fmt, plural
from boneimu.dose.week import LoadingDose, OtherWork, PillarWeek, WeekReport
from boneimu.report.figure import OKABE_ITO, ReportFigure, new_figure, styled

STATUS_STYLE: dict[str, tuple[str, str, str]] = {
    # status -> (colour, hatch, symbol shown as text)
    "met": (OKABE_ITO["green"], "", "\u2714 met"),
    "partial": (OKABE_ITO["orange"], "//", "\u25d0 partial"),
    "missed": (OKABE_ITO["vermillion"], "xx", "\u2716 missed"),
    "n/a": ("#bbbbbb", "..", "\u2013 n/a"),
}
OTHER_STYLE = ("#cfe6f7", "\\\\\\", "\u271a counted")
"""Other work (counts toward a pillar, no program dose): pale blue, back-hatched, italic."""


def trend_phrase(d: LoadingDose, *, with_pct: bool = True) -> str | None:
    """``+25% vs previous 4 weeks, 1 of them recorded`` (without the ``+25% `` when not
    ``with_pct``); None when there are no previous weeks."""
    n_prev = len(d.previous_weeks)
    weeks = plural(n_prev, "week")
    if not n_prev:
        return None
    if d.trend_pct is None:  # the previous weeks' mean index is 0
        if d.previous_weeks_recorded == 0:
            return f"no recordings in the previous {weeks}"
        return f"no trend: index 0 in the previous {weeks}"
    head = (f"{d.trend_pct:+.0f}% " if with_pct else "") + f"vs previous {weeks}"
    k = d.previous_weeks_recorded
    if k is None:
        return head
    if k == n_prev:
        return f"{head}, {'all' if n_prev > 1 else 'it'} recorded"
    return f"{head}, {k} of them recorded"


def _unrecorded_weeks(d: LoadingDose) -> set[str]:
    """The previous weeks without recordings, when that is certain: only recordings give an
    index, so those weeks are at 0, and when as many weeks are at 0 as were unrecorded they
    are exactly the zero weeks (a recorded week of balance holds alone is at 0 too)."""
    if d.previous_weeks_recorded is None:
        return set()
    zero = {w for w, v in d.previous_weeks.items() if v == 0}
    return zero if len(zero) == len(d.previous_weeks) - d.previous_weeks_recorded else set()


def other_amount(o: OtherWork) -> str:
    """``10 holds, 3 min 45 s in all`` / ``25 min`` / ``2 sets, 20 reps``."""
    if o.key.startswith("balance:"):
        return f"{plural(o.sets, 'hold')}, {fmt(o.seconds, 's')} in all"
    parts = []
    if o.minutes:
        parts.append(fmt(o.minutes, "min"))
    if o.flights:
        parts.append(f"{fmt(o.flights, 'flights')} flights")
    if o.sets or not parts:
        parts.append(f"{plural(o.sets, 'set')}, {plural(o.reps, 'rep')}")
    return ", ".join(parts)


def _pillar_header(p: PillarWeek) -> str:
    text = f"{p.title}: {STATUS_STYLE[p.status][2]}"
    if p.days_per_week_min:
        text += f"  ({p.days_with_work} of {p.days_per_week_min}+ days with work, any row counts)"
    return text


@styled
def pillar_figure(report: WeekReport) -> ReportFigure:
    """Per exercise: full-dose days (solid), part-dose days (light) and the target (tick);
    per other-work row (counts toward the pillar, no program dose): its days (pale, hatched)."""
    rows = [(p, e) for p in report.pillars for e in p.exercises]
    n_other = sum(len(p.other_work) for p in report.pillars)
    n_lines = len(rows) + n_other + len(report.pillars)  # one header line per pillar
    fig = new_figure(0.26 * n_lines + (1.2 if n_other else 1.0))
    ax = fig.add_subplot()
    titles: dict[str, str] = {}
    ticks: list[float] = []
    labels: list[str] = []
    other_ticks: set[int] = set()
    yi = float(n_lines)
    for p in report.pillars:
        yi -= 1
        ax.axhspan(yi - 0.5, yi + 0.5, color="#eef0f3", lw=0)
        ax.annotate(
            _pillar_header(p),
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
            labels.append(_short(e.title))
        for o in p.other_work:
            yi -= 1
            colour, hatch, text = OTHER_STYLE
            gid = f"other-{p.id}-{o.key.replace(':', '-')}"
            ax.barh(
                [yi],
                [o.n_days],
                color=colour,
                edgecolor=OKABE_ITO["blue"],
                lw=0.6,
                hatch=hatch,
                height=0.55,
                gid=gid,
            )
            ax.annotate(
                text,
                (7.15, yi),
                va="center",
                fontsize=8.5,
                fontstyle="italic",
                annotation_clip=False,
            )
            titles[gid] = (
                f"{p.title} / {o.title} (not a program exercise): {plural(o.n_days, 'day')}, "
                f"{other_amount(o)}; counts toward the pillar's days"
            )
            other_ticks.add(len(ticks))
            ticks.append(yi)
            labels.append(_short(o.title))
    ax.set_yticks(ticks, labels, fontsize=8.5)
    for k, label in enumerate(ax.get_yticklabels()):
        if k in other_ticks:
            label.set_fontstyle("italic")
            label.set_color("#0b4f8a")
    ax.set_ylim(-0.6, n_lines - 0.4)
    ax.set_xlim(0, 7)
    ax.set_xticks(range(8))
    xlabel = "days this week (solid = full dose, light = part dose, black tick = target)"
    if n_other:
        xlabel += (
            "\nitalic, pale blue, hatched = other work: no program dose, counts toward the "
            "pillar's days"
        )
    ax.set_xlabel(xlabel)
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
        + "".join(
            f" {p.title} also counts {o.title.lower()} on {plural(o.n_days, 'day')}."
            for p in report.pillars
            for o in p.other_work
        )
    )
    caption = (
        "Each exercise's days this week: solid bars are days with the full dose, light bars "
        "part-dose days; the black tick is the weekly target. Status is written beside each bar."
    )
    if n_other:
        caption += (
            " Italic rows with pale hatched bars are other recorded work that matches no program "
            "exercise (no dose to meet) but counts toward its pillar's days."
        )
    return ReportFigure("fig-pillars", caption, alt, fig, titles)


def _short(title: str) -> str:
    return title if len(title) <= 36 else title[:34] + "..."


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
    unrecorded = _unrecorded_weeks(d)
    for xi, (w, v) in enumerate(zip(labels, values, strict=True)):
        ax.annotate(
            "0\nnot recorded" if w in unrecorded else f"{v:.0f}",
            (xi, v),
            xytext=(0, 2),
            textcoords="offset points",
            ha="center",
            fontsize=8.5,
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
    trend = trend_phrase(d)
    ax.set_title("Weekly loading dose" + (f"\n{trend}" if trend else ""), fontsize=10.5)
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
        + (" (no recordings)" if w in unrecorded else "")
        for x, w, v in zip(xs, labels, values, strict=True)
    }
    alt = (
        f"Osteogenic index {d.osteogenic_index:.1f} this week"
        + (f", {trend}" if trend else "")
        + "; impacts per band: "
        + (", ".join(f"{n} {c}" for n, c in zip(names, counts, strict=True)) or "none")
    )
    return ReportFigure(
        "fig-dose",
        "Loading dose: the week's osteogenic index (dark, hatched bar) against the previous weeks "
        "(light bars, dashed line = their mean; a week without recordings counts as 0), and "
        "this week's impacts per band.",
        alt,
        fig,
        titles,
    )
