"""Recording sessions end to end, for ``boneimu record`` / ``boneimu replay``: a device
kind's driver feeding a :class:`~boneimu.ble.recorder.Recorder` (append-only .bimu) and an
optional live rep monitor, from a real sensor (bleak), a simulated one (firmware_sims over the
in-process link) or a recording streamed back through a simulated sensor. Each returns
``(stats, stop_reason, samples, live)``; the CLI only prints them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from boneimu.errors import ConfigError


async def record_stream(
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
    live_factory: Any = None,
) -> tuple[Any, str, int, Any]:
    """One session from a connected link: ``factory`` makes the BleakClient-shaped client,
    samples go to ``out`` (None: not written) and to the live monitor ``live_factory(rate)``
    makes (None: no live counting)."""
    from boneimu.ble.recorder import Recorder, guarded
    from boneimu.ble.session import kind_info, make_driver, run_session

    info = kind_info(kind)
    rate = rate_hz or info.rate_hz
    live = live_factory(rate) if live_factory is not None else None
    hook = live.on_samples if live is not None else None
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
            on_samples=hook,
        )
    elif hook is not None:  # no file: the same isolation from a failing hook as the Recorder
        hook = guarded(hook)
    n = 0

    def sink(block: Any) -> None:
        nonlocal n
        n += int(block.time_ns.size)
        if rec is not None:
            rec.write(block)
        elif hook is not None:
            hook(block.time_ns, block.acc_m_s2, block.gyro_rad_s)

    driver = make_driver(kind, factory, on_block=sink, rate_hz=rate, **link_kwargs)
    try:
        stats = await run_session(driver, duration_s=duration_s)
    finally:
        if rec is not None:
            rec.close(driver.stats, stop_reason=driver.stop_reason)
    return stats, driver.stop_reason, n, live


def sim_placement_for(kind: str, placement: str | None, sim_placement: str | None) -> str:
    """Where the simulated person wears the sensor: ``--sim-placement``, else ``--placement``,
    else where the kind is normally worn (H10: chest strap). The file stores the same."""
    from boneimu.ble.session import kind_info

    if placement is not None and sim_placement is not None and placement != sim_placement:
        raise ConfigError(
            f"--placement {placement} and --sim-placement {sim_placement} disagree: "
            "the file must store where the simulated sensor is worn"
        )
    return sim_placement or placement or kind_info(kind).placement


async def record_sim(
    kind: str,
    out: Path | None,
    program: str | None,
    speed: float,
    sim_placement: str | None = None,
    **kw: Any,
) -> tuple[Any, str, int, Any]:
    from boneimu.ble.session import make_sim_firmware
    from boneimu.ble.sim_client import SimLink

    try:
        from firmware_sims import ble as sim_ble
    except ImportError as exc:  # pragma: no cover - shipped with boneimu
        raise ConfigError(f"--sim needs the firmware_sims package: {exc}") from None
    kw["placement"] = sim_placement_for(kind, kw.get("placement"), sim_placement)
    try:
        motion = sim_ble.motion_for_program(program, placement=kw["placement"])
    except ValueError as exc:
        raise ConfigError(f"--sim-program: {exc}") from None
    fw = make_sim_firmware(kind, motion=motion)
    program_s = getattr(motion, "duration_s", None)
    if kw["duration_s"] is None and program_s is not None:
        kw["duration_s"] = program_s + 3.0  # the whole program, plus connect and start-up
    async with SimLink(fw, realtime=True, speed=speed) as link:
        return await record_stream(
            kind, link.client_factory, link.driver_kwargs(), out, device_label=f"{fw.name}", **kw
        )


async def record_device(device: str, out: Path, **kw: Any) -> tuple[Any, str, int, Any]:
    from boneimu.ble.bleak_backend import client_factory, find_device

    dev, kind = await find_device(device)
    if kind is None:
        raise ConfigError(f"{device}: not a supported sensor (Polar H10, Verity Sense, Thingy:52)")
    return await record_stream(kind, client_factory(dev), {}, out, device_label=dev.name, **kw)


def replay_rate(kind: str, fs_hz: float) -> int:
    if kind == "polar-h10":
        return min((25, 50, 100, 200), key=lambda r: abs(r - fs_hz))
    if kind == "polar-verity":
        return 52
    return int(min(200, max(5, round(fs_hz))))


async def replay_recording(
    rec: Any,
    kind: str | None,
    speed: float,
    out: Path | None,
    *,
    exercise: str | None = None,
    profile: str | None = None,
    live: Any = None,
) -> tuple[Any, str, int, Any]:
    from boneimu.ble.session import make_sim_firmware
    from boneimu.ble.sim_client import SimLink
    from firmware_sims.ble import ArrayMotion

    kind = kind or ("thingy52" if rec.has_gyro else "polar-h10")
    fw = make_sim_firmware(kind, motion=ArrayMotion(rec.t_s, rec.acc_m_s2, rec.gyro_rad_s))
    rate = replay_rate(kind, rec.fs_hz)
    async with SimLink(fw, realtime=True, speed=speed) as link:
        return await record_stream(
            kind,
            link.client_factory,
            link.driver_kwargs(),
            out,
            duration_s=rec.duration_s,
            rate_hz=rate,
            placement=rec.meta.placement,
            exercise=exercise,
            profile=profile,
            device_label=f"replay of {rec.meta.source_path or 'recording'}",
            live_factory=live,
        )
