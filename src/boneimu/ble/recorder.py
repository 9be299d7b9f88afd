"""Write a live BLE stream to boneimu's native format as it arrives, and run live analysis.

The :class:`Recorder` is the driver's block sink: every :class:`SampleBlock` is appended to a
:class:`boneimu.io.native.NativeWriter` (append-only Arrow IPC stream) and handed to an optional
live-analysis hook. Buffered samples are flushed at least every ``flush_interval_s`` of data,
so a killed process loses at most that much; the file stays readable (the native reader
accepts a stream cut short).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from boneimu.ble.drivers.base import SampleBlock, StreamStats
from boneimu.io.native import NativeHeader, NativeWriter
from boneimu.recording import Placement
from boneimu.units import NS_PER_S

log = logging.getLogger("boneimu.ble")

LiveHook = Callable[[NDArray[np.int64], NDArray[np.float64], NDArray[np.float64] | None], None]
"""``on_samples(time_ns, acc_m_s2, gyro_rad_s_or_None)``: e.g. the live rep counter."""


def guarded(hook: LiveHook) -> LiveHook:
    """``hook`` with its exceptions logged, not raised: live analysis must never stop a
    recording (the :class:`Recorder` applies the same rule to its ``on_samples``)."""

    def call(
        time_ns: NDArray[np.int64], acc_m_s2: NDArray[np.float64], gyro: NDArray[np.float64] | None
    ) -> None:
        try:
            hook(time_ns, acc_m_s2, gyro)
        except Exception:
            log.exception("live analysis hook failed; streaming continues")

    return call


class Recorder:
    """Block sink that records to ``path`` and feeds ``on_samples``.

    Samples are stored as float32 in SI units (scale 1.0): ample for IMU data and half the
    size of float64. Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        device: str,
        source_format: str,
        nominal_rate_hz: float,
        has_gyro: bool,
        acc_range_g: float | None = None,
        gyro_range_dps: float | None = None,
        placement: Placement | None = None,
        exercise: str | None = None,
        profile: str | None = None,
        on_samples: LiveHook | None = None,
        flush_interval_s: float = 1.0,
        fsync: bool = False,
    ) -> None:
        extra = {k: v for k, v in (("exercise", exercise), ("profile", profile)) if v}
        header = NativeHeader(
            device=device,
            placement=placement,
            source_format=source_format,
            source_app="boneimu record",
            platform="other",
            nominal_rate_hz=nominal_rate_hz,
            start_time_utc=datetime.now(UTC),
            time_is_absolute=True,
            acc_range_g=acc_range_g,
            gyro_range_dps=gyro_range_dps,
            extra=extra,
        )
        self.path = Path(path)
        self.has_gyro = has_gyro
        self.on_samples = on_samples
        self.flush_ns = int(flush_interval_s * NS_PER_S)
        block = max(16, int(nominal_rate_hz * flush_interval_s))
        self.writer = NativeWriter(
            self.path,
            acc_scale_m_s2=1.0,
            gyro_scale_rad_s=1.0 if has_gyro else None,
            raw_dtype="float32",
            header=header,
            block_samples=block,
            fsync=fsync,
        )
        self.n_samples = 0
        self.hook_errors = 0
        self._last_flush_ns: int | None = None
        self._closed = False

    def __call__(self, block: SampleBlock) -> None:
        self.write(block)

    def write(self, block: SampleBlock) -> None:
        if self._closed:
            return
        gyro = block.gyro_rad_s
        if self.has_gyro and gyro is None:
            gyro = np.full_like(block.acc_m_s2, np.nan)
        self.writer.append(block.time_ns, block.acc_m_s2, gyro if self.has_gyro else None)
        self.n_samples += int(block.time_ns.size)
        t_last = int(block.time_ns[-1])
        if self._last_flush_ns is None:
            self._last_flush_ns = int(block.time_ns[0])
        if t_last - self._last_flush_ns >= self.flush_ns:
            self.writer.flush()
            self._last_flush_ns = t_last
        if self.on_samples is not None:
            try:
                self.on_samples(block.time_ns, block.acc_m_s2, block.gyro_rad_s)
            except Exception:  # a broken analysis hook must never lose the recording
                self.hook_errors += 1
                log.exception("live analysis hook failed; recording continues")

    def close(self, stats: StreamStats | None = None, *, stop_reason: str = "") -> None:
        """Flush and close the file; with ``stats``, write ``<file>.stats.json`` beside it."""
        if self._closed:
            return
        self._closed = True
        self.writer.close()
        if stats is not None:
            doc = {"samples_written": self.n_samples, "stop_reason": stop_reason, **asdict(stats)}
            self.stats_path.write_text(json.dumps(doc, indent=2) + "\n")

    @property
    def stats_path(self) -> Path:
        return self.path.with_name(self.path.name + ".stats.json")

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
