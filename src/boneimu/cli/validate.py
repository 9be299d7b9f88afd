"""``boneimu validate DIR``: score analysis against ``*.labels.json`` ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command()
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def validate(directory: str, as_json: bool) -> None:
    """Score rep detection and impact peaks against the labels in DIRECTORY."""
    from boneimu.detect.validate import format_table, validate_dir

    def progress(k: int, n: int, path: Path) -> None:
        click.echo(f"[{k + 1}/{n}] {path.name}", err=True)

    report = validate_dir(directory, progress=progress)
    click.echo(json.dumps(report.to_dict(), indent=1) if as_json else format_table(report))
