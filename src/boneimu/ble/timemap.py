"""Device clock -> host clock mapping that tolerates clock drift and late deliveries.

Each notification gives one observation: the device time of its last sample and the host time
it was received. Delivery delay is a fixed minimum plus non-negative jitter (connection
intervals, retransmissions, a busy event loop), so the offset ``host − device`` is best
estimated by its LOWER ENVELOPE: we keep the minimum offset in each ``bin_s`` bin of device
time and fit a straight line (offset + drift) through those minima, the idea behind
network-time and sensor-sync estimators (Paxson 1998; Moon, Skelly & Towsley 1999, "Estimation
and removal of clock skew from network delay measurements", IEEE INFOCOM). Late frames raise
the offset and never become bin minima, so they do not move the fit.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from boneimu.units import NS_PER_S

REFIT_NS = NS_PER_S


class DeviceClockMapper:
    """Running lower-envelope linear fit of host receive time against device time.

    ``bin_s`` is the envelope bin width; ``max_bins`` bounds memory (the oldest bins are
    forgotten, so slow drift changes are followed); the drift is only fitted once the bins span
    ``min_span_s``, before that the offset is the smallest seen.
    """

    def __init__(
        self,
        *,
        bin_s: float = 5.0,
        max_bins: int = 720,
        min_span_s: float = 30.0,
        max_slew_ppm: float = 1000.0,
        snap_ns: int = 500_000_000,
    ):
        self.max_slew = max_slew_ppm * 1e-6
        self.snap_ns = snap_ns
        self._applied: tuple[float, float] | None = None  # (dev rel, offset) last mapped
        self.bin_ns = int(bin_s * NS_PER_S)
        self.max_bins = max_bins
        self.min_span_ns = int(min_span_s * NS_PER_S)
        self._origin_dev: int | None = None
        self._origin_off = 0
        self._bins: dict[int, tuple[float, float]] = {}  # bin -> (offset_ns rel, dev_ns rel)
        self._coef = (0.0, 0.0)  # (drift, intercept_ns) relative to origins
        self._dirty = False
        self._last_x = 0.0
        self._fit_x = 0.0
        self.n_observations = 0

    def reset(self) -> None:
        """Forget everything (a different device clock, e.g. after a device reset)."""
        self.__init__(  # type: ignore[misc]
            bin_s=self.bin_ns / NS_PER_S,
            max_bins=self.max_bins,
            min_span_s=self.min_span_ns / NS_PER_S,
            max_slew_ppm=self.max_slew * 1e6,
            snap_ns=self.snap_ns,
        )

    def observe(self, device_ns: int, host_ns: int) -> None:
        if self._origin_dev is None:
            self._origin_dev = device_ns
            self._origin_off = host_ns - device_ns
        x = float(device_ns - self._origin_dev)
        self._last_x = x
        off = float(host_ns - device_ns - self._origin_off)
        b = int(x // self.bin_ns)
        cur = self._bins.get(b)
        if cur is None or off < cur[0]:
            self._bins[b] = (off, x)
            self._dirty = True
            if len(self._bins) > self.max_bins:
                del self._bins[min(self._bins)]
        self.n_observations += 1

    def _fit(self) -> tuple[float, float]:
        if not self._dirty:
            return self._coef
        # Refit at most once per REFIT_NS of device time once the drift is being fitted:
        # the envelope changes slowly and a fit costs O(bins).
        if self._coef[0] != 0.0 and self._last_x - self._fit_x < REFIT_NS:
            return self._coef
        self._fit_x = self._last_x
        pts = np.array(list(self._bins.values()))
        off, x = pts[:, 0], pts[:, 1]
        if x.max() - x.min() < self.min_span_ns or pts.shape[0] < 3:
            self._coef = (0.0, float(off.min()))
        else:
            slope, icpt = np.polyfit(x, off, 1)
            # Lower envelope: shift down so no bin minimum lies below the line.
            icpt += min(0.0, float((off - (slope * x + icpt)).min()))
            self._coef = (float(slope), float(icpt))
        self._dirty = False
        return self._coef

    @property
    def drift_ppm(self) -> float:
        """Host-minus-device rate difference in ppm (positive: device clock slow)."""
        return self._fit()[0] * 1e6

    def to_host(self, device_ns: NDArray[np.int64]) -> NDArray[np.int64]:
        """Host times (ns, host clock epoch) for device times; requires one observation."""
        if self._origin_dev is None:
            raise RuntimeError("DeviceClockMapper.to_host before any observation")
        slope, icpt = self._fit()
        rel = (np.asarray(device_ns, dtype=np.int64) - self._origin_dev).astype(np.float64)
        corr = np.rint(slope * rel + icpt).astype(np.int64)
        return np.asarray(device_ns, dtype=np.int64) + self._origin_off + corr

    def map_block(self, device_ns: NDArray[np.int64]) -> NDArray[np.int64]:
        """Like :meth:`to_host` for consecutive blocks of one stream, but SLEWED: the applied
        offset moves towards the fit by at most ``max_slew_ppm`` of elapsed device time, so
        refits never make time jump or run backwards (a change above ``snap_ns`` snaps)."""
        dev = np.asarray(device_ns, dtype=np.int64)
        if dev.size == 0:
            return dev.copy()
        target = self.to_host(dev)
        if self._origin_dev is None:  # pragma: no cover - to_host raised already
            raise RuntimeError("no observation")
        rel = (dev - self._origin_dev).astype(np.float64)
        target_off = (target - dev - self._origin_off).astype(np.float64)
        if self._applied is None or abs(target_off[-1] - self._applied[1]) > self.snap_ns:
            self._applied = (float(rel[-1]), float(target_off[-1]))
            return target
        x0, off0 = self._applied
        allowed = self.max_slew * np.maximum(rel - x0, 0.0)
        off = np.clip(target_off, off0 - allowed, off0 + allowed)
        self._applied = (float(rel[-1]), float(off[-1]))
        return dev + self._origin_off + np.rint(off).astype(np.int64)
