"""The session report: one recording and its analysis as a self-contained HTML page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from boneimu.errors import AnalysisError
from boneimu.metrics.sts_power import sts_power_5x
from boneimu.recording import Recording
from boneimu.report import html as h
from boneimu.report.document import Report, Step, build_figures
from boneimu.report.figure import ReportFigure, pretty
from boneimu.report.hold_figures import balance_figure, five_rep_time_s, rise_time_s, sts_figure
from boneimu.report.session_figures import all_reps, impact_figure, signal_figure
from boneimu.report.tempo_figure import rep_time_s, tempo_figure
from boneimu.results import AnalysisResult


def _f(x: float | None, fmt: str = ".2f", unit: str = "") -> str:
    return "-" if x is None else f"{x:{fmt}}{unit}"


def _summary(result: AnalysisResult) -> str:
    d = result.dose
    refs = all_reps(result)
    n_flag = sum(1 for r in refs if r.rep.flags)
    items = [
        h.card("Exercise sets", str(len(result.sets)), f"{len(refs)} reps"),
        h.card(
            "Impacts",
            str(d.n_impacts),
            f"at or above {d.impact_bins[0].lower_g:g} g" if d.impact_bins else "",
        ),
        h.card(
            "Peak impact",
            _f(d.peak_acc_g, ".1f", " g"),
            "lower bound (clipped)" if d.any_clipped else "resultant incl. gravity",
        ),
        h.card("Osteogenic index", f"{d.osteogenic_index:.1f}", "higher = more bone load"),
    ]
    if d.peak_grf_bw is not None:
        items.append(
            h.card("Peak GRF (est.)", f"{d.peak_grf_bw:.1f} BW", _f(d.peak_grf_n, ".0f", " N"))
        )
    items.append(h.card("Flagged reps", f"{n_flag}", "reasons in the rep table"))
    holds = [b for b in result.balance if not b.probable_rest] or result.balance
    if holds:
        best = max(b.sway_score for b in holds)
        items.append(h.card("Best sway score", f"{best:.0f}/100", f"{len(holds)} hold(s)"))
    if result.walking:
        steps = sum(w.steps for w in result.walking)
        items.append(h.card("Walking", f"{steps}", f"steps in {len(result.walking)} bout(s)"))
    return h.cards(items, "summary")


def _warnings(result: AnalysisResult, rec: Recording) -> str:
    notes = list(result.warnings) + [f"recording: {w}" for w in rec.meta.warnings]
    if not notes:
        return ""
    items = "".join(f"<li>{h.esc(w)}</li>" for w in notes)
    return (
        '<section class="callout" id="warnings" role="note"><h2>&#9888; Check these first</h2>'
        f"<ul>{items}</ul></section>"
    )


def _sets_table(result: AnalysisResult) -> str:
    rows = []
    for k, s in enumerate(result.sets, 1):
        peaks = [r.peak_acc_g for r in s.reps]
        grf = [r.peak_grf_bw for r in s.reps if r.peak_grf_bw is not None]
        n_flag = sum(1 for r in s.reps if r.flags)
        rows.append(
            [
                str(k),
                pretty(s.exercise),
                f"{s.start_s:.0f}-{s.end_s:.0f} s",
                str(s.n_reps),
                f"{np.median(peaks):.2f}" if peaks else "-",
                f"{max(peaks):.2f}" if peaks else "-",
                f"{max(grf):.1f}" if grf else "-",
                f"{n_flag}" + (" (flagged)" if n_flag else ""),
            ]
        )
    return h.table(
        "sets-table",
        "Exercise sets",
        [
            "Set",
            "Exercise",
            "When",
            "Reps",
            "Median peak (g)",
            "Max peak (g)",
            "Max GRF (x BW)",
            "Flagged reps",
        ],
        rows,
        numeric=(0, 3, 4, 5, 6),
    )


def _reps_table(result: AnalysisResult) -> str:
    refs = all_reps(result)
    rows, classes = [], []
    for ref in refs:
        r = ref.rep
        flags = "; ".join(
            f'<span class="flag">&#9873; {h.esc(f.name)}</span>: {h.esc(f.reason)}' for f in r.flags
        )
        peak = f"{r.peak_acc_g:.2f}" + (" &ge; (clipped)" if r.clipped else "")
        rows.append(
            [
                str(ref.set_no),
                str(ref.rep_no),
                h.esc(pretty(ref.exercise).replace("-", "\u2011")),
                f"{r.start_s:.1f}",
                f"{rep_time_s(r):.2f}",
                h.esc(", ".join(f"{n} {v:.2f}" for n, v in r.phases_s.items()) or "-"),
                peak,
                h.esc(_f(r.peak_grf_bw, ".1f")),
                h.esc(_f(r.ldlj_a, ".2f")),
                flags or "ok",
            ]
        )
        classes.append("flagged" if r.flags else "")
    return h.table(
        "reps-table",
        "Every rep (flagged rows are marked with a flag symbol and a left bar)",
        [
            "Set",
            "Rep",
            "Exercise",
            "Start (s)",
            "Time (s)",
            "Phases (s)",
            "Peak (g)",
            "GRF (x BW)",
            "LDLJ-A",
            "Flags and reasons",
        ],
        rows,
        numeric=(0, 1, 3, 4, 6, 7, 8),
        row_classes=classes,
        raw=True,
    )


def _bins_table(result: AnalysisResult) -> str:
    d = result.dose
    rows = [
        [f"{b.lower_g:g}-{b.upper_g:g} g" if b.upper_g else f">= {b.lower_g:g} g", str(b.count)]
        for b in d.impact_bins
    ]
    extra = ""
    if d.grf_model:
        extra = f'<p class="legend" id="grf-model">GRF model: {h.esc(d.grf_model)}</p>'
    return (
        h.table(
            "bins-table", "Impacts per band", ["Band", "Impacts"], rows, numeric=(1,), compact=True
        )
        + extra
    )


def _balance_table(result: AnalysisResult) -> str:
    rows = []
    for k, b in enumerate(result.balance, 1):
        hold = b.hold_s if b.hold_s is not None else b.end_s - b.start_s
        rows.append(
            [
                str(k),
                b.stance.replace("_", " ") + (" (probably a rest)" if b.probable_rest else ""),
                f"{b.start_s:.0f} s",
                f"{hold:.0f}",
                f"{b.sway_score:.0f}",
                _f(b.metrics.get("rms_m_s2"), ".3f"),
            ]
        )
    return h.table(
        "balance-table",
        "Balance holds",
        ["Hold", "Stance", "Start", "Held (s)", "Sway score (0-100)", "Sway RMS (m/s²)"],
        rows,
        numeric=(0, 3, 4, 5),
        compact=True,
    )


def _sts_table(result: AnalysisResult, body_mass_kg: float | None, height_m: float | None) -> str:
    rows = []
    for k, s in enumerate(result.sets, 1):
        if s.exercise != "sit_to_stand" or not s.reps:
            continue
        rises = [rise_time_s(r) for r in s.reps]
        t5 = five_rep_time_s(s)
        vel = [r.peak_vertical_velocity_m_s for r in s.reps if r.peak_vertical_velocity_m_s]
        powers = [r.power_w for r in s.reps if r.power_w is not None]
        power = f"{np.mean(powers):.0f} W (analysis)" if powers else "-"
        if not powers and t5 is not None and body_mass_kg and height_m:
            try:
                p = sts_power_5x(body_mass_kg=body_mass_kg, height_m=height_m, time_5x_s=t5)
                power = f"{p.power_w:.0f} W ({p.power_w_kg:.1f} W/kg, Alcazar 5-rep)"
            except AnalysisError as exc:
                power = f"not computed: {exc}"
        stands30 = s.extra.get("chair_stands_30s")
        rows.append(
            [
                str(k),
                str(len(s.reps)),
                _f(t5, ".1f"),
                _f(None if stands30 is None else float(stands30), ".0f"),
                f"{np.mean(rises):.2f}",
                f"{np.std(rises):.2f}",
                f"{np.mean(vel):.2f}" if vel else "-",
                power,
            ]
        )
    note = ""
    if not (body_mass_kg and height_m):
        note = (
            '<p class="legend">Power (Alcazar 2018) needs body mass and height: '
            "give --body-mass-kg and --height-m.</p>"
        )
    return (
        h.table(
            "sts-table",
            "Sit-to-stand performance",
            [
                "Set",
                "Stands",
                "5-rep time (s)",
                "Stands in 30 s",
                "Mean rise (s)",
                "Rise SD (s)",
                "Peak speed (m/s)",
                "Power",
            ],
            rows,
            numeric=(0, 1, 2, 3, 4, 5, 6),
        )
        + note
    )


def _walking_table(result: AnalysisResult) -> str:
    rows = [
        [pretty(w.kind), f"{w.start_s:.0f}-{w.end_s:.0f} s", str(w.steps), f"{w.cadence_spm:.0f}"]
        for w in result.walking
    ]
    return h.table(
        "walking-table",
        "Walking bouts",
        ["Kind", "When", "Steps", "Cadence (/min)"],
        rows,
        numeric=(2, 3),
        compact=True,
    )


def session_report(
    rec: Recording,
    result: AnalysisResult,
    *,
    height_m: float | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Build the session report for ``rec`` and its analysis ``result``."""
    steps: list[Step] = [
        ("signal", lambda: signal_figure(rec, result)),
        ("impact loading", lambda: impact_figure(result)),
        ("tempo and smoothness", lambda: tempo_figure(result)),
        ("balance holds", lambda: balance_figure(rec, result)),
        ("sit-to-stand", lambda: sts_figure(result)),
    ]
    figs = build_figures(steps, progress)
    byid: dict[str, ReportFigure] = {f.fig_id: f for f in figs}
    r = result.recording
    name = Path(r.path).name if r.path else "recording"
    when = r.start_time_utc.strftime("%Y-%m-%d %H:%M UTC") if r.start_time_utc else "time unknown"
    place = (
        f"sensor at {r.placement}" + (" (detected)" if r.placement_detected else "")
        if r.placement
        else "sensor placement unknown"
    )
    mass = f", body mass {r.body_mass_kg:g} kg" if r.body_mass_kg else ""
    subtitle = (
        f"{name} - {when} - {r.duration_s / 60:.1f} min at {r.sample_rate_hz:.0f} Hz, "
        f"{'accelerometer + gyroscope' if r.has_gyro else 'accelerometer only'}, "
        f"{place}{mass}"
    )
    body = [_summary(result), _warnings(result, rec)]
    body.append(h.section("overview", "Session at a glance", h.figure(byid["fig-signal"])))
    if "fig-impacts" in byid:
        body.append(
            h.section(
                "impacts",
                "Impact loading",
                h.figure(byid["fig-impacts"]) + _bins_table(result),
                "Bone responds to brief, high impacts. Dashed lines mark the thresholds studies "
                "linked to hip bone density; GRF is an estimate from a published regression.",
            )
        )
    if result.sets:
        tempo = h.figure(byid["fig-tempo"]) if "fig-tempo" in byid else ""
        body.append(
            h.section(
                "reps",
                "Sets, tempo and smoothness",
                _sets_table(result) + tempo + _reps_table(result),
            )
        )
    if result.balance:
        fig = h.figure(byid["fig-balance"]) if "fig-balance" in byid else ""
        body.append(h.section("balance", "Balance holds", fig + _balance_table(result)))
    if "fig-sts" in byid:
        body.append(
            h.section(
                "sts",
                "Sit-to-stand performance",
                h.figure(byid["fig-sts"]) + _sts_table(result, r.body_mass_kg, height_m),
            )
        )
    if result.walking:
        body.append(h.section("walking", "Walking", _walking_table(result)))
    notes = [
        "Peaks are the resultant acceleration including gravity (standing still = 1 g). "
        "Flags: rushed = much faster than your usual rep; jerky = less smooth than usual; "
        "clipped = the sensor hit its range, so the true peak was higher.",
    ]
    page = h.page("Session report", subtitle, "".join(body), notes)
    return Report(html=page, figures=figs)
