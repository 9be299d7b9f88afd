"""``boneimu info``: what is in a recording and whether it is fit for analysis."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from boneimu.cli._options import json_flag, load_recording, reader_options, recording_argument
from boneimu.recording import MIN_ANALYSIS_RATE_HZ, Recording, ResampleInfo
from boneimu.signal.quality import (
    AxisRange,
    Clipping,
    GravityDirection,
    axis_ranges,
    detect_clipping,
    gravity_direction,
)
from boneimu.units import STANDARD_GRAVITY_M_S2

JITTER_WARN_FRACTION = 0.25
"""Jitter (SD of intervals) above this fraction of the median interval is worth a warning."""
ACC_NORM_OK_RANGE_G = (0.85, 1.15)
"""Median |acc| of a gravity-including recording in m/s² lies within this range of 1 g."""
LOW_GRAVITY_MEAN_G = 0.5


class InfoReport(BaseModel):
    """``boneimu info --json`` output."""

    model_config = ConfigDict(extra="forbid")
    path: str
    format: str
    recorded_from: str | None = Field(description="original format for boneimu's own files")
    source_app: str | None
    source_app_version: str | None
    platform: str | None
    device: str | None
    placement: str | None
    duration_s: float
    n_samples: int
    sample_rate_hz: float = Field(description="measured: 1 / median sample interval")
    nominal_rate_hz: float | None
    gyro_rate_hz: float | None
    has_gyro: bool
    jitter_ms: float
    gap_limit_s: float
    gap_count: int
    gap_total_s: float
    gap_longest_s: float
    clipping: Clipping
    gravity: GravityDirection
    axis_ranges: list[AxisRange]
    acc_norm_median_m_s2: float
    time_is_absolute: bool
    start_time_utc: datetime | None
    start_local_time: str | None = Field(
        None, description="local start from the file header when its time zone is unknown"
    )
    timezone: str | None
    conversions: list[str]
    resampled: ResampleInfo | None
    warnings: list[str] = Field(description="from the reader (dropped rows, gaps, rates...)")
    advice: list[str] = Field(description="checks a user should act on before analysis")


def _advice(rec: Recording, clip: Clipping, grav: GravityDirection, norm_med: float) -> list[str]:
    m = rec.meta
    out: list[str] = []
    if m.gaps:
        longest = max(g.duration_s for g in m.gaps)
        out.append(
            f"{len(m.gaps)} gap(s) in the data (longest {longest:.2f} s): reps near a gap may "
            "be missed or cut"
        )
    if clip.detected:
        fs = f"±{clip.full_scale_g:g} g" if clip.full_scale_g else "its"
        out.append(
            f"accelerometer at {fs} range limit on {', '.join(clip.axes)} for {clip.n_samples} "
            f"sample(s): impact peaks there are underestimated"
        )
    if m.measured_rate_hz < MIN_ANALYSIS_RATE_HZ:
        out.append(
            f"sample rate {m.measured_rate_hz:.1f} Hz is below the {MIN_ANALYSIS_RATE_HZ:g} Hz "
            "analysis needs; record at 50-100 Hz or more"
        )
    interval_ms = 1e3 / m.measured_rate_hz
    if m.jitter_ms > JITTER_WARN_FRACTION * interval_ms:
        out.append(
            f"timestamps jitter by {m.jitter_ms:.2f} ms ({100 * m.jitter_ms / interval_ms:.0f}% of "
            "the sample interval); consider `boneimu convert --resample`"
        )
    lo, hi = ACC_NORM_OK_RANGE_G
    g = STANDARD_GRAVITY_M_S2
    if not lo * g <= norm_med <= hi * g:
        if 0.8 <= norm_med <= 1.2:
            hint = "values look like g, not m/s² (wrong unit option?)"
        elif norm_med < 0.3 * g:
            hint = "gravity seems removed (linear acceleration export?)"
        else:
            hint = "wrong units or a miscalibrated sensor?"
        out.append(f"median |acc| is {norm_med:.2f} m/s², expected about {g:.2f}: {hint}")
    if grav.norm_m_s2 < LOW_GRAVITY_MEAN_G * g and lo * g <= norm_med <= hi * g:
        out.append("device orientation changed a lot during the recording: 'up' axis uncertain")
    if not rec.has_gyro:
        out.append(
            "no gyroscope: orientation-based checks (e.g. sit-to-stand trunk angle) are limited"
        )
    elif rec.gyro_rad_s is not None and np.isnan(rec.gyro_rad_s[:, 0]).all():
        out.append("gyroscope channel holds no values")
    return out


def info_report(rec: Recording, path: str | Path) -> InfoReport:
    """Everything ``boneimu info`` shows about ``rec``."""
    m = rec.meta
    clip = detect_clipping(rec.acc_m_s2, acc_range_g=m.acc_range_g)
    grav = gravity_direction(rec.acc_m_s2)
    norm_med = float(np.median(np.linalg.norm(rec.acc_m_s2, axis=1)))  # scipy-free: fast start
    durations = [g.duration_s for g in m.gaps]
    return InfoReport(
        path=str(path),
        format=m.source_format,
        recorded_from=m.extra.get("recorded_from"),
        source_app=m.source_app,
        source_app_version=m.source_app_version,
        platform=m.platform,
        device=m.device,
        placement=m.placement,
        duration_s=rec.duration_s,
        n_samples=rec.n_samples,
        sample_rate_hz=m.measured_rate_hz,
        nominal_rate_hz=m.nominal_rate_hz,
        gyro_rate_hz=m.gyro_rate_hz,
        has_gyro=rec.has_gyro,
        jitter_ms=m.jitter_ms,
        gap_limit_s=m.gap_limit_s,
        gap_count=len(durations),
        gap_total_s=float(sum(durations)),
        gap_longest_s=max(durations, default=0.0),
        clipping=clip,
        gravity=grav,
        axis_ranges=axis_ranges(rec.acc_m_s2),
        acc_norm_median_m_s2=norm_med,
        time_is_absolute=m.time_is_absolute,
        start_time_utc=m.start_time_utc,
        start_local_time=m.extra.get("start_local_time"),
        timezone=m.timezone,
        conversions=list(m.conversions),
        resampled=m.resampled,
        warnings=list(m.warnings),
        advice=_advice(rec, clip, grav, norm_med),
    )


def _fmt_text(r: InfoReport) -> str:
    src = ", ".join(
        x
        for x in (
            f"from {r.recorded_from}" if r.recorded_from else None,
            " ".join(filter(None, [r.source_app, r.source_app_version])) or None,
            r.platform,
            r.device,
            f"worn at {r.placement}" if r.placement else None,
        )
        if x
    )
    rates = f"{r.sample_rate_hz:.2f} Hz measured"
    if r.nominal_rate_hz:
        rates += f" (nominal {r.nominal_rate_hz:g} Hz)"
    rates += f"; gyroscope {r.gyro_rate_hz:.2f} Hz" if r.gyro_rate_hz else "; no gyroscope"
    gaps = "none"
    if r.gap_count:
        gaps = f"{r.gap_count} (total {r.gap_total_s:.2f} s, longest {r.gap_longest_s:.2f} s)"
    gaps += f"; a gap is an interval > {r.gap_limit_s:.3g} s"
    c = r.clipping
    if c.detected:
        scale = f"±{c.full_scale_g:g} g" if c.full_scale_g else "range limit"
        clip = (
            f"{c.n_samples} sample(s) ({100 * c.fraction:.2f}%) at {scale} on {', '.join(c.axes)}"
        )
    else:
        clip = "none detected" + (f" (range ±{c.full_scale_g:g} g)" if c.full_scale_g else "")
    g = r.gravity
    grav = f"{g.description} (mean {g.norm_m_s2:.2f} m/s², tilt {g.tilt_deg:.0f}°)"
    if r.start_time_utc is not None:
        start = r.start_time_utc.isoformat() + (f" ({r.timezone})" if r.timezone else "")
    elif r.start_local_time:
        start = f"{r.start_local_time} local, time zone unknown (relative time only)"
    else:
        start = "unknown (relative time only)"
    ranges = "; ".join(f"{a.axis} {a.min_g:+.2f}..{a.max_g:+.2f} g" for a in r.axis_ranges)
    lines = [
        f"File:         {r.path}",
        f"Format:       {r.format}" + (f" ({src})" if src else ""),
        f"Duration:     {r.duration_s:.2f} s ({r.n_samples:,} samples)",
        f"Sample rate:  {rates}",
        f"Jitter:       {r.jitter_ms:.3f} ms",
        f"Gaps:         {gaps}",
        f"Clipping:     {clip}",
        f"Gravity:      {grav}",
        f"|acc| median: {r.acc_norm_median_m_s2:.3f} m/s²",
        f"Axis ranges:  {ranges}",
        f"Start:        {start}",
    ]
    if r.resampled is not None:
        rs = r.resampled
        lines.append(
            f"Resampled:    {rs.from_rate_hz:.2f} Hz -> {rs.to_rate_hz:g} Hz ({rs.method})"
        )
    for title, items in (
        ("Conversions", r.conversions),
        ("Warnings", r.warnings),
        ("Advice", r.advice),
    ):
        if items:
            lines.append(f"{title}:")
            lines += [f"  - {x}" for x in items]
    return "\n".join(lines)


@click.command("info")
@recording_argument
@json_flag
@reader_options
def info(path: Path, as_json: bool, fmt: str | None, **reader_kwargs: Any) -> None:
    """Describe a recording: format, duration, sample rates, jitter, gaps, clipping, which
    way gravity points, start time, conversions applied, and warnings to act on.

    PATH is a recording file, zip export or extracted folder; the format is detected from the
    content unless --format is given.
    """
    rec = load_recording(path, fmt, reader_kwargs)
    report = info_report(rec, path)
    click.echo(report.model_dump_json(indent=2) if as_json else _fmt_text(report))
