"""``boneimu report``: a session or week report as one self-contained HTML file (+ PNGs)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from boneimu.dose.store import DB_ENV
from boneimu.errors import ConfigError
from boneimu.recording import PLACEMENTS

if TYPE_CHECKING:
    from boneimu.report.document import Report


def _progress(msg: str) -> None:
    click.echo(f"boneimu report: {msg}", file=sys.stderr)


@click.command()
@click.argument("recording", required=False, type=click.Path(exists=True, dir_okay=False))
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="HTML file to write.",
)
@click.option(
    "--png",
    "png_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write each figure as a PNG into this folder.",
)
@click.option(
    "--body-mass-kg",
    type=click.FloatRange(min=1.0),
    help="Body mass for ground-reaction-force and sit-to-stand power (session report).",
)
@click.option(
    "--height-m",
    type=click.FloatRange(min=0.5, max=2.5),
    help="Height for sit-to-stand power (session report).",
)
@click.option(
    "--placement",
    type=click.Choice(PLACEMENTS),
    help="Where the sensor was worn (session report; detected when omitted).",
)
@click.option("--profile", "profile_name", help="Week report for this dose-log profile.")
@click.option("--week", "week_", help="ISO week for the week report, e.g. 2026-W47.")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=DB_ENV,
    help=f"Dose log database (week report; default per-user, env {DB_ENV}).",
)
@click.option(
    "--program",
    "program_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Program JSON (week report; default: the profile's program).",
)
def report(
    recording: str | None,
    out: Path,
    png_dir: Path | None,
    body_mass_kg: float | None,
    height_m: float | None,
    placement: str | None,
    profile_name: str | None,
    week_: str | None,
    db: Path | None,
    program_file: Path | None,
) -> None:
    """Write an HTML report: of RECORDING (a session), or of --profile's --week.

    The HTML is one file that opens offline (inline CSS and SVG, no scripts) and prints on A4.
    Progress goes to stderr.
    """
    t0 = time.monotonic()
    if recording is not None and (profile_name or week_):
        raise ConfigError("give either RECORDING (session report) or --profile/--week, not both")
    if recording is None:
        if profile_name is None:
            raise ConfigError("give RECORDING for a session report or --profile for a week report")
        if body_mass_kg or height_m or placement:
            raise ConfigError("--body-mass-kg, --height-m and --placement are for session reports")
        doc = _week(profile_name, week_, db, program_file)
    else:
        doc = _session(recording, body_mass_kg, height_m, placement)
    _progress(f"writing {out}")
    paths = doc.write(out, png_dir=png_dir, progress=_progress)
    _progress(f"done in {time.monotonic() - t0:.1f} s")
    for p in paths:
        click.echo(str(p))


def _session(
    recording: str, body_mass_kg: float | None, height_m: float | None, placement: str | None
) -> Report:
    from boneimu.analysis import analyze_recording
    from boneimu.io import read_recording
    from boneimu.report.session import session_report

    _progress(f"reading {recording}")
    rec = read_recording(recording)
    _progress(f"analysing {rec.duration_s / 60:.1f} min of data")
    res = analyze_recording(rec, body_mass_kg=body_mass_kg, placement=placement, height_m=height_m)
    _progress("drawing figures")
    return session_report(rec, res, height_m=height_m, progress=_progress)


def _week(profile: str, week_: str | None, db: Path | None, program_file: Path | None) -> Report:
    from boneimu.dose.program import load_program
    from boneimu.dose.store import DoseLog
    from boneimu.dose.week import week_report
    from boneimu.dose.weekdata import parse_week
    from boneimu.report.week import week_report_page

    monday = parse_week(week_)
    if db is not None and not db.is_file():
        raise ConfigError(f"{db}: no dose log there")
    with DoseLog(db) as log:
        program = load_program(program_file or log.profile(profile).program)
        _progress(f"gathering {profile}'s week")
        wr = week_report(log, profile, monday, program)
    _progress("drawing figures")
    return week_report_page(wr, progress=_progress)
