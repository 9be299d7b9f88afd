"""``boneimu simulate``: write a simulated session (recording + ground-truth labels)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import click

from boneimu.errors import ConfigError
from boneimu.recording import PLACEMENTS

FORMAT_NAMES = (
    "sensor_logger_android",
    "sensor_logger_ios",
    "phyphox_zip",
    "phyphox_csv_semicolon",
    "native",
)


@click.command("simulate")
@click.option(
    "--program",
    default="heel_drop:2x15, sit_to_stand:3x10, tandem:2x30s, walk:3min",
    show_default=True,
    help="Exercise program, e.g. 'heel_drop:2x15@rushed=0.2, hop:2x20, walk:3min' "
    "(grammar in docs/simulator.md).",
)
@click.option(
    "--placement",
    type=click.Choice(PLACEMENTS),
    default="waist",
    show_default=True,
    help="Where the phone is worn.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_NAMES),
    default="sensor_logger_android",
    show_default=True,
    help="Output file format.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (deterministic).")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="Output folder (created if missing).",
)
@click.option(
    "--rate", "rate_hz", type=float, default=100.0, show_default=True, help="Sample rate, Hz."
)
@click.option(
    "--body-mass-kg",
    type=float,
    default=None,
    help="Body mass of the simulated person (default: drawn at random).",
)
@click.option(
    "--phone",
    type=click.Choice(["android", "ios", "ideal"]),
    default=None,
    help="Sensor model (default: matches the format).",
)
@click.option("--no-gyro", is_flag=True, help="Record the accelerometer only.")
@click.option("--stem", default=None, help="Base file name (default: derived from the options).")
def simulate(
    program: str,
    placement: str,
    fmt: str,
    seed: int,
    out_dir: Path,
    rate_hz: float,
    body_mass_kg: float | None,
    phone: str | None,
    no_gyro: bool,
    stem: str | None,
) -> None:
    """Simulate a person doing PROGRAM with a phone at PLACEMENT and write the recording
    and its exact labels (<stem>.labels.json)."""
    import numpy as np

    from firmware_sims import random_person, simulate_session

    if body_mass_kg is not None and not 25.0 <= body_mass_kg <= 250.0:
        raise ConfigError(f"--body-mass-kg {body_mass_kg} out of range (25..250)")
    person = random_person(np.random.default_rng([seed, 1]))
    if body_mass_kg is not None:
        person = replace(person, body_mass_kg=body_mass_kg)
    phone = phone or ("ios" if fmt == "sensor_logger_ios" else "android")
    sim = simulate_session(
        program,
        placement=placement,
        seed=seed,
        fs_hz=rate_hz,
        person=person,
        phone=phone,
        gyro=not no_gyro,
    )
    stem = stem or f"sim_{placement}_seed{seed}_{fmt}"
    path = sim.write(out_dir, fmt=fmt, stem=stem)
    n_reps = sum(len(s.reps) for s in sim.labels.sets)
    click.echo(
        f"wrote {path} ({sim.recording.duration_s:.0f} s, {sim.recording.n_samples} samples, "
        f"{len(sim.labels.sets)} sets / {n_reps} reps) and "
        f"{path.parent / (stem + '.labels.json')}"
    )
