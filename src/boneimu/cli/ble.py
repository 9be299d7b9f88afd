"""``boneimu devices``, ``boneimu record`` and ``boneimu replay``: the live BLE path.

Each command is a thin layer over :mod:`boneimu.ble.capture` and :mod:`boneimu.ble.session`;
bleak is imported only when a real device is used (``boneimu.ble.bleak_backend``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from boneimu.ble.capture import record_device, record_sim, replay_recording
from boneimu.cli._options import json_flag, load_recording, reader_options
from boneimu.dose.store import DB_ENV
from boneimu.errors import ConfigError
from boneimu.recording import PLACEMENTS

_LOG_FORMAT = "boneimu: %(message)s"


class _StderrHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time (tests swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:
            self.handleError(record)


def _setup_logging() -> None:
    logger = logging.getLogger("boneimu.ble")
    if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter(_LOG_FORMAT))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)


@click.command()
@click.option(
    "--timeout", "timeout_s", type=float, default=5.0, show_default=True, help="Seconds to scan."
)
@json_flag
def devices(timeout_s: float, as_json: bool) -> None:
    """List advertising BLE devices; supported sensors first."""
    from boneimu.ble.bleak_backend import scan

    found = asyncio.run(scan(timeout_s=timeout_s))
    if as_json:
        click.echo(json.dumps([asdict(f) for f in found], indent=2))
        return
    if not found:
        click.echo("no devices found")
    for f in found:
        kind = f.kind or "-"
        click.echo(
            f"{f.address}  {f.rssi_dbm if f.rssi_dbm is not None else '?':>4} dBm  "
            f"{kind:<13} {f.name}"
        )


_LIVE_OPTIONS = (
    click.option(
        "--exercise",
        default=None,
        help="What is being done (stored in the file); heel_drop, hop or sit_to_stand "
        "also counts reps live and cues rushed/jerky reps as they end.",
    ),
    click.option(
        "--profile",
        default=None,
        help="Whose session it is (stored in the file); live cues then use the person's "
        "baseline from the dose log.",
    ),
    click.option(
        "--db",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar=DB_ENV,
        help=f"Dose log database for --profile (default: per-user data dir; env {DB_ENV}).",
    ),
)


def _live_options(f: Any) -> Any:
    for opt in reversed(_LIVE_OPTIONS):
        f = opt(f)
    return f


def _live(exercise: str | None, profile: str | None, db: Path | None, as_json: bool) -> Any:
    """The live rep counter for ``--exercise`` (None, with a note, when it cannot run)."""
    from boneimu.ble.session import LIVE_EXERCISES, LiveReps

    known = "|".join(LIVE_EXERCISES)
    if exercise is None:
        click.echo(
            f"note: live rep counting needs --exercise {known} "
            "(boneimu analyze segments the recording without it)",
            err=True,
        )
        return None
    if exercise not in LIVE_EXERCISES:
        click.echo(f"note: live rep counting supports --exercise {known} only", err=True)
        return None
    baseline = None
    if profile is not None:
        from boneimu.dose.store import DoseLog

        with DoseLog(db) as log:
            baseline = log.rep_baseline(profile, exercise)
        if baseline.n == 0:
            click.echo(
                f"note: no {exercise} reps logged for {profile!r} yet; "
                "cues compare with this session's reps",
                err=True,
            )
            baseline = None
    emit = (lambda line: None) if as_json else click.echo

    def factory(fs_hz: float) -> Any:
        return LiveReps(exercise, fs_hz=fs_hz, emit=emit, baseline=baseline)

    return factory


def _print_result(
    out: Path | None, stats: Any, reason: str, n: int, as_json: bool, live: Any = None
) -> None:
    if as_json:
        doc = {
            "out": str(out) if out else None,
            "samples_written": n,
            "stop_reason": reason,
            **asdict(stats),
            "live": live.as_dict() if live is not None else None,
        }
        click.echo(json.dumps(doc, indent=2))
        return
    where = f" to {out}" if out else ""
    click.echo(f"recorded {n} samples{where} ({reason})")
    click.echo(stats.summary())
    if live is not None:
        click.echo(live.summary())


@click.command()
@click.option("--device", metavar="NAME|ADDRESS", help="Real sensor to record from.")
@click.option(
    "--sim",
    type=click.Choice(["polar-h10", "polar-verity", "thingy52"]),
    help="Record from a simulated sensor instead (no hardware).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="Native .bimu file to write (append-only, readable if cut short).",
)
@click.option(
    "--duration",
    "duration_s",
    type=float,
    default=None,
    help="Seconds to record (default: until Ctrl-C or the device stops).",
)
@click.option(
    "--rate",
    "rate_hz",
    type=int,
    default=None,
    help="Sample rate, Hz (default: 200 H10, 52 Verity Sense, 100 Thingy:52).",
)
@click.option(
    "--placement",
    type=click.Choice(PLACEMENTS),
    default=None,
    help="Where the sensor is worn (stored in the file).",
)
@_live_options
@click.option(
    "--sim-program",
    "program",
    default=None,
    metavar="PROGRAM",
    help="What the simulated person does, e.g. 'heel_drop:2x10, hop:10' "
    "(default: standing with periodic taps).",
)
@click.option(
    "--sim-placement",
    type=click.Choice(PLACEMENTS),
    default=None,
    help="Where the simulated person wears the sensor (default: --placement, else chest "
    "for polar-h10, waist for polar-verity and thingy52); stored in the file.",
)
@click.option(
    "--sim-speed",
    "speed",
    type=float,
    default=1.0,
    show_default=True,
    help="Simulated time runs this many times faster than real time.",
)
@json_flag
def record(
    device: str | None,
    sim: str | None,
    out: Path,
    duration_s: float | None,
    rate_hz: int | None,
    placement: str | None,
    exercise: str | None,
    profile: str | None,
    db: Path | None,
    program: str | None,
    sim_placement: str | None,
    speed: float,
    as_json: bool,
) -> None:
    """Record a live BLE IMU stream to a native file (Ctrl-C stops cleanly).

    With --exercise heel_drop|hop|sit_to_stand, prints each rep as it ends, with a cue when
    it was rushed or jerky."""
    _setup_logging()
    if (device is None) == (sim is None):
        raise ConfigError("give exactly one of --device NAME|ADDRESS or --sim KIND")
    if sim is None and (program is not None or sim_placement is not None):
        raise ConfigError("--sim-program and --sim-placement need --sim KIND")
    if duration_s is not None and duration_s <= 0:
        raise ConfigError("--duration must be positive")
    kw: dict[str, Any] = {
        "duration_s": duration_s,
        "rate_hz": rate_hz,
        "placement": placement,
        "exercise": exercise,
        "profile": profile,
        "live_factory": _live(exercise, profile, db, as_json),
    }
    if sim is not None:
        stats, reason, n, live = asyncio.run(
            record_sim(sim, out, program, speed, sim_placement, **kw)
        )
    else:
        assert device is not None
        stats, reason, n, live = asyncio.run(record_device(device, out, **kw))
    _print_result(out, stats, reason, n, as_json, live)


@click.command()
@click.argument("path", metavar="RECORDING", type=click.Path(path_type=Path))
@click.option(
    "--speed",
    type=float,
    default=10.0,
    show_default=True,
    help="Replay this many times faster than real time.",
)
@click.option(
    "--as",
    "kind",
    type=click.Choice(["polar-h10", "polar-verity", "thingy52"]),
    default=None,
    help="Simulated sensor to stream through (default: thingy52 when "
    "the recording has a gyroscope, else polar-h10).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also record the replayed stream to this native file.",
)
@_live_options
@reader_options
@json_flag
def replay(
    path: Path,
    speed: float,
    kind: str | None,
    out: Path | None,
    exercise: str | None,
    profile: str | None,
    db: Path | None,
    fmt: str | None,
    as_json: bool,
    **reader_kwargs: Any,
) -> None:
    """Stream a recording through a simulated sensor and the live BLE path (with
    --exercise, live rep counts and cues as in ``boneimu record``)."""
    _setup_logging()
    if speed <= 0:
        raise ConfigError("--speed must be positive")
    rec = load_recording(path, fmt, reader_kwargs)
    live_factory = _live(exercise, profile, db, as_json)
    stats, reason, n, live = asyncio.run(
        replay_recording(
            rec, kind, speed, out, exercise=exercise, profile=profile, live=live_factory
        )
    )
    _print_result(out, stats, reason, n, as_json, live)
