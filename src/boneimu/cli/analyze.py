"""``boneimu analyze RECORDING``: what the session held and how much bone-relevant load it gave."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from boneimu.cli._options import json_flag, load_recording, reader_options, recording_argument
from boneimu.labels import EXERCISES
from boneimu.recording import PLACEMENTS
from boneimu.results import AnalysisResult, RepResult, SetResult

EXERCISE_NAMES = {"heel_drop": "heel drops", "hop": "mini hops", "sit_to_stand": "sit-to-stands"}
STANCE_NAMES = {
    "two_leg": "two-leg stance",
    "tandem": "tandem stance",
    "single_leg": "single-leg stance",
    "unknown": "quiet stance (stance not identified)",
}


def _set_lines(k: int, s: SetResult) -> list[str]:
    peaks = sorted(x.peak_acc_g for x in s.reps)
    head = (
        f"Set {k}: {s.n_reps} {EXERCISE_NAMES[s.exercise]} at {s.start_s:.1f}-{s.end_s:.1f} s; "
        f"peak {peaks[-1]:.2f} g"
    )
    if s.exercise != "sit_to_stand":
        head += f" (median {peaks[len(peaks) // 2]:.2f} g)"
    grf = [x.peak_grf_bw for x in s.reps if x.peak_grf_bw is not None]
    if grf:
        head += f", est. peak GRF {max(grf):.1f} BW"
    if any(x.clipped for x in s.reps):
        head += "; CLIPPED at the sensor range: peaks are lower bounds"
    lines = [head]
    ex = s.extra
    if s.exercise == "sit_to_stand" and ex:
        perf = []
        if "mean_rise_s" in ex:
            perf.append(f"mean rise {ex['mean_rise_s']:.2f} s")
        if "mean_vertical_displacement_m" in ex:
            perf.append(f"rise height {ex['mean_vertical_displacement_m'] * 100:.0f} cm")
        if "mean_peak_vertical_velocity_m_s" in ex:
            perf.append(f"peak rising speed {ex['mean_peak_vertical_velocity_m_s']:.2f} m/s")
        if "mean_power_w" in ex:
            per_kg = ex.get("mean_power_w_kg")
            perf.append(
                f"mean power {ex['mean_power_w']:.0f} W"
                + (f" ({per_kg:.1f} W/kg)" if per_kg is not None else "")
            )
        if "time_5x_sts_s" in ex:
            perf.append(f"5 reps in {ex['time_5x_sts_s']:.1f} s")
        if "chair_stands_30s" in ex:
            perf.append(f"{ex['chair_stands_30s']:.0f} stands in 30 s")
        lines.append("  " + ", ".join(perf))
    lines += [_flag_line(i + 1, r) for i, r in enumerate(s.reps) if r.flags]
    return lines


def _flag_line(n: int, r: RepResult) -> str:
    reasons = "; ".join(f"{f.name}: {f.reason}" for f in r.flags)
    return f"  rep {n} at {r.start_s:.1f} s: {reasons}"


def format_report(res: AnalysisResult) -> str:
    """Human-readable summary of an analysis: sets, flagged reps, holds, walking, dose."""
    r = res.recording
    place = f"sensor at {r.placement}" if r.placement else "sensor placement unknown"
    if r.placement and r.placement_detected:
        place += " (detected)"
    out = [
        f"{r.path or 'recording'}: {r.duration_s / 60:.1f} min at {r.sample_rate_hz:.0f} Hz, "
        f"{'acc+gyro' if r.has_gyro else 'acc only'}, {place}"
        + (f", body mass {r.body_mass_kg:g} kg" if r.body_mass_kg else ""),
    ]
    if not res.sets:
        out.append("No heel-drop, hop or sit-to-stand sets found.")
    for k, s in enumerate(res.sets, 1):
        out += _set_lines(k, s)
    flagged = sum(1 for s in res.sets for x in s.reps if x.flags)
    total = sum(s.n_reps for s in res.sets)
    if total:
        out.append(
            f"Form: {flagged} of {total} reps flagged (rushed or jerky)"
            if flagged
            else f"Form: all {total} reps smooth and controlled"
        )
    for b in res.balance:
        hold = f", held {b.hold_s:.0f} s" if b.hold_s is not None else ""
        out.append(
            f"Balance {b.start_s:.0f}-{b.end_s:.0f} s: {STANCE_NAMES.get(b.stance, b.stance)}"
            f"{hold}, sway score {b.sway_score:.0f}/100 (higher = steadier)"
            + (" - probably a rest between holds" if b.probable_rest else "")
        )
    for w in res.walking:
        kind = w.kind.replace("_", " ")
        out.append(
            f"{kind.capitalize()} {w.start_s:.0f}-{w.end_s:.0f} s: {w.steps} steps, "
            f"{w.cadence_spm:.0f} steps/min"
        )
    d = res.dose
    out.append(
        f"Impacts >= {d.impact_bins[0].lower_g:g} g: {d.n_impacts}"
        + (
            " ("
            + ", ".join(
                f"{b.lower_g:g}{'-' + format(b.upper_g, 'g') if b.upper_g else '+'} g: {b.count}"
                for b in d.impact_bins
                if b.count
            )
            + ")"
            if d.n_impacts
            else ""
        )
        if d.impact_bins
        else f"Impacts: {d.n_impacts}"
    )
    out.append(
        f"Osteogenic index {d.osteogenic_index:.1f}, daily stress stimulus "
        f"{d.daily_stress_stimulus:.1f} g"
        + (f", peak GRF {d.peak_grf_bw:.1f} BW ({d.grf_model})" if d.peak_grf_bw else "")
    )
    if any(s.exercise == "sit_to_stand" for s in res.sets) and not (r.body_mass_kg and r.height_m):
        out.append("note: sit-to-stand power needs --body-mass-kg and --height-m (or --profile)")
    out += [f"warning: {w}" for w in res.warnings]
    return "\n".join(out)


def profile_context(
    profile: str | None, db: Path | None, body_mass_kg: float | None, height_m: float | None
) -> tuple[float | None, float | None, dict[str, Any] | None]:
    """Body mass, height and per-exercise rep baselines from the dose log for ``profile``
    (values given on the command line win)."""
    if profile is None:
        return body_mass_kg, height_m, None
    from boneimu.dose.store import DoseLog

    with DoseLog(db) as log:
        prof = log.profile(profile)
        baselines = log.rep_baselines(profile)
    mass = body_mass_kg if body_mass_kg is not None else prof.body_mass_kg
    height = height_m if height_m is not None else prof.height_m
    return mass, height, {ex: b for ex, b in baselines.items() if not b.empty} or None


@click.command()
@recording_argument
@json_flag
@click.option(
    "--body-mass-kg",
    type=click.FloatRange(min=1.0),
    default=None,
    help="Body mass for ground-reaction-force estimates (default: the profile's).",
)
@click.option(
    "--height-m",
    type=click.FloatRange(min=0.5, max=2.8),
    default=None,
    help="Body height, for sit-to-stand power with the body mass (default: the profile's).",
)
@click.option(
    "--chair-height-m",
    type=click.FloatRange(min=0.2, max=1.0),
    default=None,
    help="Seat height for sit-to-stand power (default 0.46 m, a standard chair).",
)
@click.option(
    "--placement",
    type=click.Choice(PLACEMENTS),
    default=None,
    help="Where the sensor was worn (detected when omitted).",
)
@click.option(
    "--expect",
    type=click.Choice(EXERCISES),
    default=None,
    help="Only look for this exercise.",
)
@click.option(
    "--profile",
    default=None,
    help="Dose-log profile: its body mass and its own past reps (the baseline for rushed and "
    "jerky flags). Nothing is written to the log (use 'boneimu log add').",
)
@click.option(
    "--db",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="BONEIMU_DB",
    default=None,
    help="Dose-log database (default: the per-user data directory; env BONEIMU_DB).",
)
@reader_options
def analyze(
    path: Path,
    as_json: bool,
    body_mass_kg: float | None,
    height_m: float | None,
    chair_height_m: float | None,
    placement: str | None,
    expect: str | None,
    profile: str | None,
    db: Path | None,
    fmt: str | None,
    **reader_kwargs: Any,
) -> None:
    """Find exercise sets, reps, form flags, balance holds and impact loading in PATH.

    PATH is a recording file, zip export or extracted folder.
    """
    from boneimu.analysis import analyze_recording

    mass, height, baseline = profile_context(profile, db, body_mass_kg, height_m)
    rec = load_recording(path, fmt, reader_kwargs)
    if rec.duration_s > 3600:
        click.echo(
            f"analysing {rec.duration_s / 3600:.1f} h ({rec.n_samples:,} samples)...", err=True
        )
    res = analyze_recording(
        rec,
        body_mass_kg=mass,
        placement=placement,
        expect=expect,
        baseline=baseline,
        height_m=height,
        chair_height_m=chair_height_m,
    )
    click.echo(res.model_dump_json(indent=1) if as_json else format_report(res))
