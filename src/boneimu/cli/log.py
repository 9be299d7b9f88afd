"""``boneimu log ...`` (the dose log) and ``boneimu week`` (the week report)."""

from __future__ import annotations

import json
import sys
from datetime import date as Date
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from boneimu.dose.fmt import fmt, plural
from boneimu.dose.models import ManualEntry, ProfileIn
from boneimu.dose.program import Program, load_program
from boneimu.dose.store import DB_ENV, DoseLog, content_hash
from boneimu.errors import ConfigError
from boneimu.labels import EXERCISES

_DB = click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=DB_ENV,
    help=f"Dose log database (default: per-user data dir; env {DB_ENV}).",
)
_PROGRAM = click.option(
    "--program",
    "program_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Program JSON file (default: the profile's program, else the built-in one).",
)


def _open(ctx: click.Context) -> DoseLog:
    return DoseLog((ctx.obj or {}).get("dose_db"))


def _program(log: DoseLog, profile: str, program_file: Path | None) -> Program:
    if program_file is not None:
        return load_program(program_file)
    return load_program(log.profile(profile).program)


@click.group()
@_DB
@click.pass_context
def log(ctx: click.Context, db: Path | None) -> None:
    """The loading-dose log: profiles, sessions, manual entries, export/import."""
    ctx.ensure_object(dict)
    ctx.obj["dose_db"] = db


# -- profiles ---------------------------------------------------------------------------------
def _profile_options(f: Any) -> Any:
    opts = [
        click.option("--body-mass-kg", type=float, help="Body mass (kg); feeds the GRF estimate."),
        click.option("--height-m", type=float, help="Height (m)."),
        click.option(
            "--dob",
            "date_of_birth",
            type=click.DateTime(["%Y-%m-%d"]),
            help="Date of birth (YYYY-MM-DD).",
        ),
        click.option("--age-band", help="Age band when no date of birth, e.g. 60-69."),
        click.option("--program", help="Program: 'default' or a program JSON file path."),
    ]
    for flag in ("osteopenia", "osteoporosis", "vertebral-fracture", "medical-clearance"):
        opts.append(click.option(f"--{flag}/--no-{flag}", default=None, help=f"Risk flag: {flag}."))
    for o in reversed(opts):
        f = o(f)
    return f


def _changes(kw: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in kw.items() if v is not None}
    if isinstance(out.get("date_of_birth"), datetime):
        out["date_of_birth"] = out["date_of_birth"].date()
    program = out.get("program")
    if program is not None and program != "default":
        load_program(program)  # refuse a missing or invalid file now, not at report time
        out["program"] = str(Path(program).resolve())
    return {k.replace("-", "_"): v for k, v in out.items()}


@log.group()
def profile() -> None:
    """Add, list and edit profiles."""


@profile.command("add")
@click.argument("name")
@_profile_options
@click.pass_context
def profile_add(ctx: click.Context, name: str, **kw: Any) -> None:
    """Add a profile NAME."""
    with _open(ctx) as db:
        p = db.add_profile(_validate(ProfileIn, {"name": name, **_changes(kw)}))
    click.echo(f"added profile {p.name} (id {p.id})")


@profile.command("edit")
@click.argument("name")
@click.option("--rename", help="New name.")
@_profile_options
@click.pass_context
def profile_edit(ctx: click.Context, name: str, rename: str | None, **kw: Any) -> None:
    """Change fields of profile NAME."""
    changes = _changes(kw)
    if rename:
        changes["name"] = rename
    with _open(ctx) as db:
        p = db.edit_profile(name, **changes)
    click.echo(f"updated profile {p.name}")


@profile.command("ls")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def profile_ls(ctx: click.Context, as_json: bool) -> None:
    """List profiles."""
    with _open(ctx) as db:
        profiles = db.profiles()
    if as_json:
        click.echo(json.dumps([p.model_dump(mode="json") for p in profiles], indent=1))
        return
    for p in profiles:
        flags = [
            f
            for f in ("osteopenia", "osteoporosis", "vertebral_fracture", "medical_clearance")
            if getattr(p, f)
        ]
        mass = fmt(p.body_mass_kg, "kg") if p.body_mass_kg else "mass ?"
        click.echo(f"{p.name:<16} {mass:<9} program={p.program} {' '.join(flags)}".rstrip())


# -- sessions ---------------------------------------------------------------------------------
@log.command("add")
@click.argument("recordings", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--profile", "profile_name", required=True, help="Profile the sessions belong to.")
@click.option("--body-mass-kg", type=float, help="Overrides the profile's body mass.")
@click.option("--placement", help="Sensor placement (e.g. waist, hip, lower_back).")
@click.option("--expect", help="Exercise expected in the recording (e.g. heel_drop).")
@click.option("--date", "date_", type=click.DateTime(["%Y-%m-%d"]), help="If no start time.")
@click.pass_context
def add(
    ctx: click.Context,
    recordings: tuple[Path, ...],
    profile_name: str,
    body_mass_kg: float | None,
    placement: str | None,
    expect: str | None,
    date_: datetime | None,
) -> None:
    """Analyse RECORDINGS and log them for a profile (already-logged files are skipped)."""
    from boneimu.io import read_recording

    try:
        from boneimu.analysis import analyze_recording
    except ModuleNotFoundError as exc:
        raise ConfigError("session analysis (boneimu.analysis) is not available yet") from exc
    added = skipped = 0
    with _open(ctx) as db:
        prof = db.profile(profile_name)
        mass = body_mass_kg if body_mass_kg is not None else prof.body_mass_kg
        # the person's own controlled reps, per exercise: the baseline for rushed/jerky flags
        baselines = db.rep_baselines(profile_name, [expect] if expect else EXERCISES)
        baseline = {ex: b for ex, b in baselines.items() if not b.empty} or None
        show = len(recordings) > 1
        with click.progressbar(
            recordings, label="logging", file=sys.stderr, hidden=not show
        ) as bar:
            for path in bar:
                digest = content_hash(path)
                if db.has_content(profile_name, digest):
                    skipped += 1
                    continue
                rec = read_recording(path)
                result = analyze_recording(
                    rec,
                    body_mass_kg=mass,
                    placement=placement,
                    expect=expect,
                    baseline=baseline,
                    height_m=prof.height_m,
                )
                day = date_.date() if date_ else None
                if day is None and result.recording.start_time_utc is None:
                    day = Date.fromtimestamp(path.stat().st_mtime)
                row = db.add_analysis(profile_name, result, content_hash=digest, date=day)
                if row is None:
                    skipped += 1
                else:
                    added += 1
    click.echo(f"logged {added} session(s), {skipped} already in the log")


@log.command("manual")
@click.option("--profile", "profile_name", required=True, help="Profile the entry belongs to.")
@click.option("--date", "date_", type=click.DateTime(["%Y-%m-%d"]), help="Default: today.")
@click.option("--exercise", required=True, help="A program exercise id, e.g. band_row.")
@click.option("--sets", type=int, help="Number of sets.")
@click.option("--reps", type=int, help="Reps per set.")
@click.option("--load-kg", type=float, help="Load per set, kg (dumbbell, band equivalent, vest).")
@click.option("--minutes", type=float, help="Minutes (walking, stairs, tai chi).")
@click.option("--flights", type=float, help="Flights of stairs.")
@click.option("--seconds", type=float, help="Hold per set, seconds.")
@click.option("--notes", help="Free-text notes.")
@_PROGRAM
@click.pass_context
def manual(
    ctx: click.Context,
    profile_name: str,
    date_: datetime | None,
    exercise: str,
    program_file: Path | None,
    **kw: Any,
) -> None:
    """Log what a phone cannot count (band rows, presses, stretches, walks)."""
    with _open(ctx) as db:
        program = _program(db, profile_name, program_file)
        ex = program.find(exercise)
        if ex is None:
            raise ConfigError(
                f"exercise {exercise!r} is not in program {program.name}; known: "
                + ", ".join(program.exercise_ids())
            )
        day = date_.date() if date_ else Date.today()
        entry = _validate(ManualEntry, {"date": day, "exercise": ex.id, **kw})
        row = db.add_manual(profile_name, entry)
    assert row is not None
    click.echo(f"logged manual session {row.id}: {ex.id} on {row.date}")


@log.command("ls")
@click.option("--profile", "profile_name", help="Only this profile.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="From this date (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Up to this date (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_context
def ls(
    ctx: click.Context,
    profile_name: str | None,
    since: datetime | None,
    until: datetime | None,
    as_json: bool,
) -> None:
    """List logged sessions, oldest first."""
    with _open(ctx) as db:
        rows = db.sessions(
            profile_name, start=since.date() if since else None, end=until.date() if until else None
        )
    if as_json:
        click.echo(json.dumps([r.model_dump(mode="json") for r in rows], indent=1))
        return
    for r in rows:
        what = r.exercise if r.kind == "manual" else Path(r.source_path or "?").name
        dose = (
            f"{plural(r.n_impacts, 'impact')}, OI {fmt(r.osteogenic_index, 'index')}"
            if r.kind == "recording"
            else ""
        )
        click.echo(
            f"{r.id:>5} {r.date} {r.profile:<12} {r.kind:<9} {what:<24} "
            f"{plural(r.n_sets, 'set')} {plural(r.n_reps, 'rep')} {dose}".rstrip()
        )


@log.command("edit")
@click.argument("session_id", type=int)
@click.option("--date", "date_", type=click.DateTime(["%Y-%m-%d"]), help="New date (YYYY-MM-DD).")
@click.option("--notes", help="New notes.")
@click.option("--exercise", help="Manual entries: exercise id.")
@click.option("--sets", type=int, help="Manual entries: number of sets.")
@click.option("--reps", type=int, help="Manual entries: reps per set.")
@click.option("--load-kg", type=float, help="Manual entries: load per set, kg.")
@click.option("--minutes", type=float, help="Manual entries: minutes.")
@click.option("--flights", type=float, help="Manual entries: flights of stairs.")
@click.option("--seconds", type=float, help="Manual entries: hold per set, seconds.")
@click.pass_context
def edit(ctx: click.Context, session_id: int, date_: datetime | None, **kw: Any) -> None:
    """Edit a session (recordings: date and notes; manual entries: any field)."""
    changes = {k: v for k, v in kw.items() if v is not None}
    if date_:
        changes["date"] = date_.date()
    if not changes:
        raise ConfigError("nothing to change: give at least one option")
    with _open(ctx) as db:
        row = db.edit_session(session_id, **changes)
    click.echo(f"updated session {row.id}")


@log.command("delete")
@click.argument("session_ids", type=int, nargs=-1, required=True)
@click.pass_context
def delete(ctx: click.Context, session_ids: tuple[int, ...]) -> None:
    """Delete sessions by id (with their sets, reps and flags)."""
    with _open(ctx) as db:
        for sid in session_ids:
            db.delete_session(sid)
    click.echo(f"deleted {len(session_ids)} session(s)")


@log.command("export")
@click.option("--profile", "profile_name", required=True, help="Profile to export.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    help="json (everything) or csv (one row per session).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file (default: stdout).",
)
@click.pass_context
def export(ctx: click.Context, profile_name: str, fmt: str, output: Path | None) -> None:
    """Export a profile's log (JSON: everything; CSV: one row per session)."""
    from boneimu.dose.exchange import export_csv, export_json

    with _open(ctx) as db:
        text = export_json(db, profile_name) if fmt == "json" else export_csv(db, profile_name)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text)
        click.echo(f"wrote {output}", err=True)


@log.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--profile", "profile_name", help="Target profile (required for CSV).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv"]), help="Default: by suffix.")
@click.pass_context
def import_(ctx: click.Context, file: Path, profile_name: str | None, fmt: str | None) -> None:
    """Import an export back (sessions already present are skipped)."""
    from boneimu.dose.exchange import import_data

    fmt = fmt or ("csv" if file.suffix.lower() == ".csv" else "json")
    with _open(ctx) as db:
        added, skipped = import_data(
            db, file.read_text(), fmt=fmt, profile=profile_name, where=str(file)
        )
    click.echo(f"imported {added} session(s), {skipped} already present")


# -- week -------------------------------------------------------------------------------------
@click.command()
@click.option("--profile", "profile_name", help="Default: the only profile.")
@click.option("--week", "week_", help="ISO week, e.g. 2026-W47 (default: this week).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@_PROGRAM
@_DB
def week(
    profile_name: str | None,
    week_: str | None,
    as_json: bool,
    program_file: Path | None,
    db: Path | None,
) -> None:
    """Week report: pillars, loading dose, balance steadiness, warnings.

    Pillar targets are met / partial / missed; balance steadiness is the median sway score per
    stance against the last earlier week with holds of that stance.
    """
    from boneimu.dose.week import render_week, week_report
    from boneimu.dose.weekdata import parse_week

    monday = parse_week(week_)
    with DoseLog(db) as log_db:
        if profile_name is None:
            names = [p.name for p in log_db.profiles()]
            if len(names) != 1:
                raise ConfigError(f"give --profile (profiles: {', '.join(names) or 'none'})")
            profile_name = names[0]
        program = _program(log_db, profile_name, program_file)
        report = week_report(log_db, profile_name, monday, program)
    click.echo(report.model_dump_json(indent=1) if as_json else render_week(report))


def _validate(model: Any, data: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(x) for x in first["loc"]) or "entry"
        raise ConfigError(f"invalid {loc}: {first['msg']}") from None
