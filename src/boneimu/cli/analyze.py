"""``boneimu analyze RECORDING``: what the session held and how much bone-relevant load it gave."""

from __future__ import annotations

import click

from boneimu.recording import PLACEMENTS
from boneimu.results import AnalysisResult


def format_report(res: AnalysisResult) -> str:
    """Human-readable summary of an analysis."""
    r = res.recording
    place = r.placement or "unknown"
    if r.placement_detected:
        place += " (detected)"
    out = [
        f"{r.path or 'recording'}: {r.duration_s / 60:.1f} min at {r.sample_rate_hz:.0f} Hz, "
        f"{'acc+gyro' if r.has_gyro else 'acc only'}, placement {place}",
    ]
    if not res.sets:
        out.append("No heel-drop, hop or sit-to-stand sets found.")
    for k, s in enumerate(res.sets, 1):
        peaks = [x.peak_acc_g for x in s.reps]
        line = (
            f"Set {k}: {s.exercise.replace('_', '-')} x{s.n_reps} "
            f"at {s.start_s:.1f}-{s.end_s:.1f} s; peak {max(peaks):.2f} g"
        )
        if s.exercise != "sit_to_stand":
            line += f" (median {sorted(peaks)[len(peaks) // 2]:.2f} g)"
        grf = [x.peak_grf_bw for x in s.reps if x.peak_grf_bw is not None]
        if grf:
            line += f", est. peak GRF {max(grf):.1f} BW"
        if any(x.clipped for x in s.reps):
            line += ", CLIPPED (lower bound)"
        out.append(line)
    for w in res.walking:
        out.append(
            f"Walking {w.start_s:.0f}-{w.end_s:.0f} s: {w.steps} steps, {w.cadence_spm:.0f}/min"
        )
    for b in res.balance:
        out.append(f"Quiet stance {b.start_s:.0f}-{b.end_s:.0f} s: sway score {b.sway_score:.0f}")
    d = res.dose
    out.append(
        f"Impacts >= 1.1 g: {d.n_impacts}; "
        + ", ".join(
            f"{b.lower_g:g}{'-' + format(b.upper_g, 'g') if b.upper_g else '+'} g: {b.count}"
            for b in d.impact_bins
        )
    )
    out.append(
        f"Osteogenic index {d.osteogenic_index:.1f}, daily stress stimulus "
        f"{d.daily_stress_stimulus:.1f} g"
        + (f", peak GRF {d.peak_grf_bw:.1f} BW ({d.grf_model})" if d.peak_grf_bw else "")
    )
    out += [f"warning: {w}" for w in res.warnings]
    return "\n".join(out)


@click.command()
@click.argument("recording", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the analysis as JSON (schema v1).")
@click.option(
    "--body-mass-kg",
    type=click.FloatRange(min=1.0),
    default=None,
    help="Body mass for ground-reaction-force estimates.",
)
@click.option(
    "--placement",
    type=click.Choice(PLACEMENTS),
    default=None,
    help="Where the sensor was worn (detected when omitted).",
)
@click.option(
    "--expect",
    type=click.Choice(["heel_drop", "hop", "sit_to_stand"]),
    default=None,
    help="Only look for this exercise.",
)
def analyze(
    recording: str,
    as_json: bool,
    body_mass_kg: float | None,
    placement: str | None,
    expect: str | None,
) -> None:
    """Find exercise sets, reps and impact loading in RECORDING."""
    from boneimu.analysis import analyze_recording
    from boneimu.io import read_recording

    rec = read_recording(recording)
    if rec.duration_s > 3600:
        click.echo(
            f"analysing {rec.duration_s / 3600:.1f} h ({rec.n_samples:,} samples)...", err=True
        )
    res = analyze_recording(rec, body_mass_kg=body_mass_kg, placement=placement, expect=expect)
    click.echo(res.model_dump_json(indent=1) if as_json else format_report(res))
