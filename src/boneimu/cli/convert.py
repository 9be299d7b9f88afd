"""``boneimu convert``: any supported recording -> boneimu native (.bimu) or tidy CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from boneimu.cli._options import load_recording, reader_options, recording_argument
from boneimu.errors import ConfigError
from boneimu.io import native, tidy_csv
from boneimu.signal.resample import resample_recording

TARGETS = {"native": native.EXTENSION, "tidy_csv": ".csv"}


def _target(out: Path, to: str | None) -> str:
    if to is not None:
        return to
    for name, ext in TARGETS.items():
        if out.suffix.lower() == ext:
            return name
    raise ConfigError(
        f"{out}: cannot tell the output format from the extension; use --to native|tidy_csv "
        f"(or name it *{native.EXTENSION} / *.csv)"
    )


@click.command("convert")
@recording_argument
@click.argument("out", metavar="OUT", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--to",
    type=click.Choice(sorted(TARGETS)),
    default=None,
    help="Output format (default: from OUT's extension, .bimu = native, .csv = tidy_csv).",
)
@click.option(
    "--resample",
    "resample_hz",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    metavar="HZ",
    help="Resample linearly to HZ per contiguous segment (gaps are kept, never bridged).",
)
@click.option("--overwrite", is_flag=True, help="Replace OUT if it exists.")
@reader_options
def convert(
    path: Path,
    out: Path,
    to: str | None,
    resample_hz: float | None,
    overwrite: bool,
    fmt: str | None,
    **reader_kwargs: Any,
) -> None:
    """Convert the recording PATH to boneimu's native format or tidy CSV at OUT.

    Both outputs are lossless for the IMU: the canonical arrays (int64 ns time, m/s², rad/s)
    read back bit-identical, with the metadata that matters (device, start time, conversions,
    gaps). A barometer track is not stored by either format yet: a note says so.
    """
    target = _target(out, to)
    if out.exists() and not overwrite:
        raise ConfigError(f"{out}: already exists (use --overwrite to replace it)")
    if out.exists() and path.exists() and out.resolve() == path.resolve():
        raise ConfigError(f"{out}: output would overwrite the input")
    rec = load_recording(path, fmt, reader_kwargs)
    if resample_hz is not None:
        rec = resample_recording(rec, resample_hz)
    tmp = out.with_name(out.name + ".part")  # never leave a half-written OUT behind
    try:
        if target == "native":
            native.write_recording(rec, tmp)
        else:
            tidy_csv.write_tidy_csv(rec, tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    if rec.baro is not None:
        click.echo(
            f"note: {path}: the barometer track ({rec.baro.pressure_hpa.size:,} samples) is not "
            f"stored in {out.name} (neither output format holds one yet)",
            err=True,
        )
    click.echo(
        f"wrote {out} ({target}, {rec.n_samples:,} samples, {rec.duration_s:.2f} s, "
        f"{rec.meta.measured_rate_hz:.2f} Hz{', with gyroscope' if rec.has_gyro else ''})"
    )
