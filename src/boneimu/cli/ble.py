"""``boneimu devices``, ``boneimu record`` and ``boneimu replay``: the live BLE path.

Each command is a thin layer over :mod:`boneimu.ble.session`; bleak is imported only when a
real device is used (``boneimu.ble.bleak_backend``).
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

from boneimu.cli._options import json_flag, load_recording, reader_options
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


def _print_result(out: Path | None, stats: Any, reason: str, n: int, as_json: bool) -> None:
    if as_json:
        doc = {
            "out": str(out) if out else None,
            "samples_written": n,
            "stop_reason": reason,
            **asdict(stats),
        }
        click.echo(json.dumps(doc, indent=2))
        return
    where = f" to {out}" if out else ""
    click.echo(f"recorded {n} samples{where} ({reason})")
    click.echo(stats.summary())


async def _record(
    kind: str,
    factory: Any,
    link_kwargs: dict[str, Any],
    out: Path | None,
    *,
    duration_s: float | None,
    rate_hz: int | None,
    placement: str | None,
    exercise: str | None,
    profile: str | None,
    device_label: str | None,
) -> tuple[Any, str, int]:
    from boneimu.ble.recorder import Recorder
    from boneimu.ble.session import kind_info, make_driver, run_session

    info = kind_info(kind)
    rate = rate_hz or info.rate_hz
    rec = None
    if out is not None:
        rec = Recorder(
            out,
            device=device_label or info.label,
            source_format=info.source_format,
            nominal_rate_hz=rate,
            has_gyro=info.has_gyro,
            acc_range_g=info.acc_range_g,
            gyro_range_dps=info.gyro_range_dps,
            placement=placement or info.placement,  # type: ignore[arg-type]
            exercise=exercise,
            profile=profile,
        )
    n = 0

    def sink(block: Any) -> None:
        nonlocal n
        n += int(block.time_ns.size)
        if rec is not None:
            rec.write(block)

    driver = make_driver(kind, factory, on_block=sink, rate_hz=rate, **link_kwargs)
    try:
        stats = await run_session(driver, duration_s=duration_s)
    finally:
        if rec is not None:
            rec.close(driver.stats, stop_reason=driver.stop_reason)
    return stats, driver.stop_reason, n


async def _record_sim(
    kind: str, out: Path | None, program: str | None, speed: float, **kw: Any
) -> tuple[Any, str, int]:
    from boneimu.ble.session import make_sim_firmware
    from boneimu.ble.sim_client import SimLink

    try:
        from firmware_sims.ble import motion_for_program
    except ImportError as exc:  # pragma: no cover - shipped with boneimu
        raise ConfigError(f"--sim needs the firmware_sims package: {exc}") from None
    try:
        motion = motion_for_program(program)
    except ValueError as exc:
        raise ConfigError(f"--sim-program: {exc}") from None
    fw = make_sim_firmware(kind, motion=motion)
    program_s = getattr(motion, "duration_s", None)
    if kw["duration_s"] is None and program_s is not None:
        kw["duration_s"] = program_s + 3.0  # the whole program, plus connect and start-up
    async with SimLink(fw, realtime=True, speed=speed) as link:
        return await _record(
            kind, link.client_factory, link.driver_kwargs(), out, device_label=f"{fw.name}", **kw
        )


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
@click.option("--exercise", default=None, help="What is being done (stored in the file).")
@click.option("--profile", default=None, help="Whose session it is (stored in the file).")
@click.option(
    "--sim-program",
    "program",
    default=None,
    metavar="PROGRAM",
    help="What the simulated person does, e.g. 'heel_drop:2x10, hop:10' "
    "(default: standing with periodic taps).",
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
    program: str | None,
    speed: float,
    as_json: bool,
) -> None:
    """Record a live BLE IMU stream to a native file (Ctrl-C stops cleanly)."""
    _setup_logging()
    if (device is None) == (sim is None):
        raise ConfigError("give exactly one of --device NAME|ADDRESS or --sim KIND")
    if duration_s is not None and duration_s <= 0:
        raise ConfigError("--duration must be positive")
    kw: dict[str, Any] = {
        "duration_s": duration_s,
        "rate_hz": rate_hz,
        "placement": placement,
        "exercise": exercise,
        "profile": profile,
    }
    if sim is not None:
        stats, reason, n = asyncio.run(_record_sim(sim, out, program, speed, **kw))
    else:
        assert device is not None
        stats, reason, n = asyncio.run(_record_device(device, out, **kw))
    _print_result(out, stats, reason, n, as_json)


async def _record_device(device: str, out: Path, **kw: Any) -> tuple[Any, str, int]:
    from boneimu.ble.bleak_backend import client_factory, find_device

    dev, kind = await find_device(device)
    if kind is None:
        raise ConfigError(f"{device}: not a supported sensor (Polar H10, Verity Sense, Thingy:52)")
    return await _record(kind, client_factory(dev), {}, out, device_label=dev.name, **kw)


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
@reader_options
@json_flag
def replay(
    path: Path,
    speed: float,
    kind: str | None,
    out: Path | None,
    fmt: str | None,
    as_json: bool,
    **reader_kwargs: Any,
) -> None:
    """Stream a recording through a simulated sensor and the live BLE path."""
    _setup_logging()
    if speed <= 0:
        raise ConfigError("--speed must be positive")
    rec = load_recording(path, fmt, reader_kwargs)
    stats, reason, n = asyncio.run(_replay(rec, kind, speed, out))
    _print_result(out, stats, reason, n, as_json)


def _replay_rate(kind: str, fs_hz: float) -> int:
    if kind == "polar-h10":
        return min((25, 50, 100, 200), key=lambda r: abs(r - fs_hz))
    if kind == "polar-verity":
        return 52
    return int(min(200, max(5, round(fs_hz))))


async def _replay(
    rec: Any, kind: str | None, speed: float, out: Path | None
) -> tuple[Any, str, int]:
    from boneimu.ble.session import make_sim_firmware
    from boneimu.ble.sim_client import SimLink
    from firmware_sims.ble import ArrayMotion

    kind = kind or ("thingy52" if rec.has_gyro else "polar-h10")
    fw = make_sim_firmware(kind, motion=ArrayMotion(rec.t_s, rec.acc_m_s2, rec.gyro_rad_s))
    rate = _replay_rate(kind, rec.fs_hz)
    async with SimLink(fw, realtime=True, speed=speed) as link:
        return await _record(
            kind,
            link.client_factory,
            link.driver_kwargs(),
            out,
            duration_s=rec.duration_s,
            rate_hz=rate,
            placement=rec.meta.placement,
            exercise=None,
            profile=None,
            device_label=f"replay of {rec.meta.source_path or 'recording'}",
        )
