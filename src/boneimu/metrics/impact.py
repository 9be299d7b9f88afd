"""Impact loading: peak resultant acceleration, bins, osteogenic index, daily stress stimulus.

Convention: acceleration peaks are the RESULTANT (vector norm) of the accelerometer signal
INCLUDING gravity, in g (1 g = ``STANDARD_GRAVITY_M_S2``), so a sensor at rest reads 1.0 g.
This is what raw ActiGraph-based studies use (Haapala 2022, Veras/impactr); see
docs/algorithms/impact.md for how each threshold paper defined g.

Loading rate (g/s) is INDICATIVE ONLY: loading rate is not reliably estimable from a waist
accelerometer (Kiernan et al. 2023: limits of agreement beyond +/-65%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

from boneimu.errors import AnalysisError
from boneimu.units import STANDARD_GRAVITY_M_S2

DEFAULT_IMPACT_BINS_G: tuple[float, ...] = (1.1, 1.5, 2.0, 3.0, 3.9, 5.2)
"""Lower edges (g, resultant incl. gravity) of the impact bins; the last bin is open-ended.

1.1 g: trochanter BMD gains correlated with impacts above it (Vainionpää 2006; Heikkinen 2007).
1.5 / 2.0 g: split everyday walking (~1.2-1.5 g at the hip) from brisk walking and stairs.
3.0 g: moderate jumping / heel drops. 3.9 g: femoral-neck BMD gains (Vainionpää 2006);
Jämsä 2011 rounds this to 4 g. 5.2 g: "high" osteogenic impacts (Haapala 2022).
"""

IMPACT_MIN_PEAK_G = 1.3
"""Default minimum peak height for :func:`impact_peaks` (impactr / Veras et al. default)."""
IMPACT_MIN_DISTANCE_S = 0.4
"""Default minimum spacing between peaks (impactr / Veras et al. default)."""
CLIP_TOLERANCE = 0.995
"""A peak reaching this fraction of the sensor range is treated as clipped (a lower bound)."""
MIN_INFERRED_RANGE_G = 1.9
"""Smallest full-scale range :func:`clipped_mask` will infer from a flat top (phones: >= 2 g)."""
DSS_EXPONENT = 4.0
"""Stress exponent m of the daily stress stimulus (Carter 1987; Whalen 1988 use m = 4)."""
OI_BIN_WIDTH_G = 0.1
"""Histogram bin width for the accelerometric osteogenic index."""


@dataclass(frozen=True)
class ImpactPeaks:
    """Peaks of resultant acceleration found by :func:`impact_peaks`.

    ``index``: sample index of each peak; ``peak_acc_g``: peak height (g incl. gravity);
    ``clipped``: the peak sits at the sensor range, so the true value is at least this
    (a lower bound); ``loading_rate_g_s``: indicative only, see the module docstring.
    """

    index: NDArray[np.int64]
    peak_acc_g: NDArray[np.float64]
    clipped: NDArray[np.bool_]
    loading_rate_g_s: NDArray[np.float64]

    @property
    def any_clipped(self) -> bool:
        return bool(np.any(self.clipped))


def resultant_g(acc_m_s2: NDArray[np.floating]) -> NDArray[np.float64]:
    """Resultant acceleration in g incl. gravity from an (n, 3) array in m/s² -> (n,)."""
    a = np.asarray(acc_m_s2, dtype=np.float64)
    if a.ndim != 2 or a.shape[1] != 3:
        raise AnalysisError(f"acceleration must have shape (n, 3), got {a.shape}")
    return np.sqrt(np.einsum("ij,ij->i", a, a)) / STANDARD_GRAVITY_M_S2


def clipped_mask(acc_m_s2: NDArray[np.floating], *, range_m_s2: float | None) -> NDArray[np.bool_]:
    """Per-sample flag: any axis at or beyond ``CLIP_TOLERANCE`` of the sensor range.

    ``range_m_s2`` is the full-scale range (e.g. 2 g = 19.6 m/s²). ``None`` (unknown range)
    infers it from the data: samples equal to the largest absolute axis value when at least
    three samples sit there, two of them consecutive (a flat top), and that value is at least
    ``MIN_INFERRED_RANGE_G`` (no phone range is below 2 g). Returns an (n,) boolean array.
    """
    a = np.abs(np.asarray(acc_m_s2, dtype=np.float64))
    if a.ndim != 2:
        raise AnalysisError(f"acceleration must have shape (n, 3), got {a.shape}")
    if range_m_s2 is not None:
        return np.any(a >= CLIP_TOLERANCE * range_m_s2, axis=1)
    none = np.zeros(len(a), dtype=bool)
    top = float(np.nanmax(a)) if a.size else 0.0
    if top < MIN_INFERRED_RANGE_G * STANDARD_GRAVITY_M_S2:
        return none
    at_top = np.any(a >= top * (1 - 1e-9), axis=1)
    flat_run = bool(np.any(at_top[1:] & at_top[:-1]))
    return at_top if flat_run and int(at_top.sum()) >= 3 else none


def loading_rate_g_s(
    resultant: NDArray[np.floating], index: NDArray[np.integer], *, fs_hz: float
) -> NDArray[np.float64]:
    """INDICATIVE peak loading rate (g/s) before each peak: the steepest rise of the resultant
    between the preceding local minimum and the peak (max first difference times ``fs_hz``)."""
    r = np.asarray(resultant, dtype=np.float64)
    idx = np.asarray(index, dtype=np.int64)
    if idx.size == 0:
        return np.zeros(0)
    slope = np.diff(r, prepend=r[0]) * fs_hz
    minima = find_peaks(-r)[0]
    pos = np.searchsorted(minima, idx) - 1
    if minima.size:
        starts = np.where(pos >= 0, minima[np.clip(pos, 0, None)], 0)
    else:
        starts = np.zeros(idx.size, dtype=np.int64)
    out = np.empty(idx.size)
    for k, (s, p) in enumerate(zip(starts, idx, strict=True)):  # one slice per peak, not per sample
        out[k] = float(slope[s + 1 : p + 1].max()) if p > s else 0.0
    return out


def impact_peaks(
    acc_m_s2: NDArray[np.floating],
    *,
    fs_hz: float,
    min_peak_g: float = IMPACT_MIN_PEAK_G,
    min_distance_s: float = IMPACT_MIN_DISTANCE_S,
    range_m_s2: float | None = None,
) -> ImpactPeaks:
    """Peaks of the resultant acceleration (g incl. gravity) at least ``min_peak_g`` high and
    ``min_distance_s`` apart. The caller low-passes first if it wants impactr's 20 Hz filter.
    A peak whose sample (or a neighbour) is clipped is flagged as a lower bound."""
    if not fs_hz > 0:
        raise AnalysisError(f"sample rate must be positive, got {fs_hz!r} Hz")
    r = resultant_g(acc_m_s2)
    dist = max(1, round(min_distance_s * fs_hz))
    idx, _ = find_peaks(r, height=min_peak_g, distance=dist)
    clip = clipped_mask(acc_m_s2, range_m_s2=range_m_s2)
    near = clip.copy()
    near[1:] |= clip[:-1]
    near[:-1] |= clip[1:]
    return ImpactPeaks(
        index=idx.astype(np.int64),
        peak_acc_g=r[idx],
        clipped=near[idx],
        loading_rate_g_s=loading_rate_g_s(r, idx, fs_hz=fs_hz),
    )


def impact_bin_counts(
    peaks_g: NDArray[np.floating], edges_g: tuple[float, ...] = DEFAULT_IMPACT_BINS_G
) -> NDArray[np.int64]:
    """Count peaks per bin. Bin i is ``[edges_g[i], edges_g[i+1])``; the last is open-ended.
    Peaks below ``edges_g[0]`` are not counted. Returns ``len(edges_g)`` counts."""
    e = np.asarray(edges_g, dtype=np.float64)
    if e.ndim != 1 or e.size == 0 or np.any(np.diff(e) <= 0):
        raise AnalysisError(f"bin edges must be strictly increasing, got {edges_g!r}")
    p = np.asarray(peaks_g, dtype=np.float64).ravel()
    p = p[p >= e[0]]
    which = np.searchsorted(e, p, side="right") - 1
    return np.bincount(which, minlength=e.size).astype(np.int64)


def osteogenic_index(
    peaks_g: NDArray[np.floating],
    *,
    bin_width_g: float = OI_BIN_WIDTH_G,
    min_g: float = 0.0,
) -> float:
    """Osteogenic index (Turner & Robling 2003), accelerometric form; dimensionless (g units).

    Turner & Robling: ``OI = sum_j intensity_j * ln(1 + cycles_j)`` over loading types j. With
    accelerometry, peaks are binned by magnitude (``bin_width_g`` wide, from 0 g) and each bin
    is a loading type whose intensity is its centre (g) and cycles its count:
    ``OI = sum_i centre_i * ln(1 + n_i)``. The log makes extra repetitions count less and
    larger impacts count more. OI depends on the bin width; compare OIs with equal widths.
    ``min_g`` excludes smaller peaks (e.g. 5.2 g for Haapala's "high-impact OI").
    """
    if not bin_width_g > 0:
        raise AnalysisError(f"bin width must be positive, got {bin_width_g!r} g")
    p = np.asarray(peaks_g, dtype=np.float64).ravel()
    p = p[np.isfinite(p) & (p >= min_g)]
    if p.size == 0:
        return 0.0
    bins = np.floor(p / bin_width_g).astype(np.int64)
    uniq, counts = np.unique(bins, return_counts=True)
    centres = (uniq + 0.5) * bin_width_g
    return float(np.sum(centres * np.log1p(counts)))


def daily_stress_stimulus(peaks_g: NDArray[np.floating], *, m: float = DSS_EXPONENT) -> float:
    """Daily stress stimulus ``(sum_i peak_i^m)^(1/m)`` in g (Carter et al. 1987, with the peak
    acceleration as the stress surrogate); with m = 4, one 4 g impact equals 16 impacts of 2 g."""
    if not m > 0:
        raise AnalysisError(f"stress exponent must be positive, got {m!r}")
    p = np.asarray(peaks_g, dtype=np.float64).ravel()
    p = p[np.isfinite(p) & (p > 0)]
    if p.size == 0:
        return 0.0
    return float(np.sum(p**m) ** (1.0 / m))


def impacts_over(peaks_g: NDArray[np.floating], threshold_g: float) -> int:
    """Number of peaks at or above ``threshold_g`` (e.g. Jämsä's 4 g, ~60/day target)."""
    p = np.asarray(peaks_g, dtype=np.float64).ravel()
    return int(np.count_nonzero(p >= threshold_g)) if math.isfinite(threshold_g) else 0
