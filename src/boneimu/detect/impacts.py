"""Impact reps: heel drops and hops, told apart from each other and from walking steps.

|a| (g incl. gravity) is low-passed at 20 Hz as in the impactr jumping model (from 80 Hz
sampling; below, raw). ``impacts_`` (the dose): peaks >= ``min_peak_g``, >= ``min_separation_s``
apart. Rep candidates may be closer (``min_candidate_separation_s``).

- Hop landing: within ``max_landing_delay_s`` of the end of a free-fall run (|a| < ``flight_g``
  for >= ``min_flight_s``) that began from a push-off (|a| >= ``push_off_g``); one per flight.
  Not a flight: a run that never reaches free fall (min |a| > ``free_fall_g``) and ends slowly
  (>= ``slow_landing_s`` before the peak): a rushed heel drop's fall.
- Heel drop: no such flight; a fall onto the heels (unloaded: min |a| <= ``max_unloaded_g``
  in the ``unload_window_s`` before, and falling: downward velocity >= ``min_fall_velocity_m_s``
  in the ``fall_window_s`` before; the push onto the toes and jolts of a jerky rise are
  neither); mostly vertical motion (horizontal/vertical RMS ratio around the impact <=
  ``max_horizontal_ratio``: walking heel strikes come with forward progression); no
  seat-landing descent (<= ``max_descent_m`` in the ``descent_window_s`` before); loosely quiet
  before and after, waived in a chain of drops each within ``set_context_s`` of the next
  holding one that is (rushed reps; horizontal ratio <= ``max_set_horizontal_ratio``; a hop
  landing's later peaks join no chain); not an
  early part of a larger unloaded impact within ``push_window_s``.

Callers remove impacts inside walking bouts. See docs/algorithms/reps.md.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.ndimage import binary_closing
from scipy.signal import find_peaks, peak_prominences

from boneimu.detect.events import Rep, sample_time_s
from boneimu.detect.walking import motion_band_power
from boneimu.signal.filters import highpass, lowpass

IMPACT_LOWPASS_HZ = 20.0
LOADING_RATE_WINDOW_S = 0.05


WINDOW_MAX_CHUNK = 1 << 20
"""Elements gathered at once by :func:`_window_max` (bounds its temporary memory)."""


def _window_max(
    x: NDArray[np.float64], lo: NDArray[np.intp], hi: NDArray[np.intp]
) -> NDArray[np.float64]:
    """max(x[lo[k]:hi[k]]) per k (empty windows give -inf): the windows are gathered into
    rows padded with -inf to the longest, a chunk of events at a time."""
    lo = np.asarray(lo, dtype=np.intp)
    hi = np.asarray(hi, dtype=np.intp)
    out = np.full(lo.shape, -np.inf)
    width = int(np.max(hi - lo, initial=0))
    if width <= 0:
        return out
    offs = np.arange(width)
    step = max(1, WINDOW_MAX_CHUNK // width)
    for c in range(0, lo.size, step):
        idx = lo[c : c + step, None] + offs
        inside = idx < hi[c : c + step, None]
        vals = np.where(inside, x[np.where(inside, idx, 0)], -np.inf)
        out[c : c + step] = vals.max(axis=1)
    return out


PROMINENCE_WINDOW_S = 2.0
"""First-pass search window of :func:`_prominent_peaks` (an accept-only shortcut)."""


def _prominent_peaks(
    a: NDArray[np.float64], *, height: float, prominence: float, distance: int, fs_hz: float
) -> NDArray[np.intp]:
    """``find_peaks(a, height=, prominence=, distance=)[0]``, the same peaks, faster.

    scipy measures each peak's prominence by scanning out to the nearest higher sample on
    both sides, which for the largest peaks of a long recording can be hours away. A
    prominence measured within a window is never larger than the true one (its bases are
    minima over sub-intervals), so peaks reaching ``prominence`` within
    :data:`PROMINENCE_WINDOW_S` are accepted at once and only the others are measured in
    full. (find_peaks applies ``distance`` before ``prominence``, as here.)"""
    peaks, _ = find_peaks(a, height=height, distance=distance)
    if not peaks.size:
        return peaks
    wlen = 2 * round(PROMINENCE_WINDOW_S * fs_hz / 2) + 1
    keep = peak_prominences(a, peaks, wlen=wlen)[0] >= prominence
    unsure = np.flatnonzero(~keep)
    if unsure.size:
        keep[unsure] = peak_prominences(a, peaks[unsure])[0] >= prominence
    return peaks[keep]


def _height_m(vertical_m_s2: NDArray[np.float64], *, fs_hz: float) -> NDArray[np.float64]:
    """Drift-limited vertical position (m): the 3 Hz vertical acceleration integrated twice,
    high-passed at 0.1 Hz after each integration. Good for changes over ~1-2 s only."""
    a = lowpass(vertical_m_s2, cutoff_hz=min(3.0, 0.4 * fs_hz), fs_hz=fs_hz, order=2)
    v = highpass(_integral(a, fs_hz=fs_hz), cutoff_hz=0.1, fs_hz=fs_hz, order=2)
    del a  # whole-recording temporaries are released as soon as they are used
    return highpass(_integral(v, fs_hz=fs_hz), cutoff_hz=0.1, fs_hz=fs_hz, order=2)


def _integral(x: NDArray[np.float64], *, fs_hz: float) -> NDArray[np.float64]:
    """``np.cumsum(x) / fs_hz`` (the same values) in one array."""
    out = np.cumsum(x)
    out /= fs_hz
    return out


def _window_sd(
    c1: NDArray[np.float64], c2: NDArray[np.float64], lo: NDArray[np.intp], hi: NDArray[np.intp]
) -> NDArray[np.float64]:
    """SD of x over [lo, hi) per window from ``c1``/``c2``, the :func:`_cumsum0` of x and x²."""
    cnt = np.maximum(hi - lo, 1)
    mean = (c1[hi] - c1[lo]) / cnt
    return np.sqrt(np.clip((c2[hi] - c2[lo]) / cnt - mean * mean, 0.0, None))


def _cumsum0(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """``np.concatenate([[0.0], np.cumsum(x)])`` (the same values) without the copy."""
    out = np.empty(x.shape[0] + 1)
    out[0] = 0.0
    np.cumsum(x, out=out[1:])
    return out


def _in_chain(
    peaks: NDArray[np.intp], member: NDArray[np.bool_], anchor: NDArray[np.bool_], gap_n: float
) -> NDArray[np.bool_]:
    """Per peak: it is a ``member`` in a chain of members, each <= ``gap_n`` samples from the
    next, that holds at least one ``anchor`` (anchors are members)."""
    out = np.zeros(peaks.size, dtype=bool)
    idx = np.flatnonzero(member)
    if not idx.size:
        return out
    chain = np.concatenate([[0], np.cumsum(np.diff(peaks[idx]) > gap_n)])
    anchored = np.zeros(int(chain[-1]) + 1, dtype=bool)
    anchored[chain[anchor[idx]]] = True
    out[idx] = anchored[chain]
    return out


class ImpactRepDetector:
    """``detect(resultant_g, fs_hz=...)`` fills ``reps_`` (heel drops and hops) and
    ``impacts_`` (every impact peak index, reps or not) and returns ``self``."""

    def __init__(
        self,
        *,
        min_peak_g: float = 1.3,
        min_prominence_g: float = 0.3,
        min_separation_s: float = 0.4,
        min_candidate_separation_s: float = 0.1,
        max_landing_delay_s: float = 0.15,
        flight_g: float = 0.35,
        min_flight_s: float = 0.06,
        flight_gap_s: float = 0.03,
        min_heel_drop_peak_g: float = 1.4,
        min_hop_peak_g: float = 1.1,
        quiet_window_s: float = 0.4,
        quiet_gap_s: float = 0.35,
        max_quiet_sd_g: float = 0.35,
        post_gap_s: float = 0.5,
        max_post_sd_g: float = 0.5,
        max_horizontal_ratio: float = 0.3,
        push_off_g: float = 1.2,
        max_descent_m: float = 0.25,
        descent_window_s: float = 1.5,
        push_off_window_s: float = 0.15,
        push_window_s: float = 0.5,
        motion_window_s: float = 1.2,
        max_unloaded_g: float = 0.75,
        unload_window_s: float = 0.25,
        set_context_s: float = 2.5,
        min_fall_velocity_m_s: float = 0.2,
        fall_window_s: float = 0.3,
        max_set_horizontal_ratio: float = 0.4,
        free_fall_g: float = 0.15,
        slow_landing_s: float = 0.06,
        range_g: float | None = None,
    ) -> None:
        self.min_peak_g = min_peak_g
        self.min_prominence_g = min_prominence_g
        self.min_separation_s = min_separation_s
        self.min_candidate_separation_s = min_candidate_separation_s
        self.max_landing_delay_s = max_landing_delay_s
        self.flight_g = flight_g
        self.min_flight_s = min_flight_s
        self.flight_gap_s = flight_gap_s
        self.min_heel_drop_peak_g = min_heel_drop_peak_g
        self.min_hop_peak_g = min_hop_peak_g
        self.quiet_window_s = quiet_window_s
        self.quiet_gap_s = quiet_gap_s
        self.max_quiet_sd_g = max_quiet_sd_g
        self.post_gap_s = post_gap_s
        self.max_post_sd_g = max_post_sd_g
        self.max_horizontal_ratio = max_horizontal_ratio
        self.push_off_g = push_off_g
        self.max_descent_m = max_descent_m
        self.descent_window_s = descent_window_s
        self.push_off_window_s = push_off_window_s
        self.push_window_s = push_window_s
        self.motion_window_s = motion_window_s
        self.max_unloaded_g = max_unloaded_g
        self.unload_window_s = unload_window_s
        self.set_context_s = set_context_s
        self.min_fall_velocity_m_s = min_fall_velocity_m_s
        self.fall_window_s = fall_window_s
        self.max_set_horizontal_ratio = max_set_horizontal_ratio
        self.free_fall_g = free_fall_g
        self.slow_landing_s = slow_landing_s
        self.range_g = range_g

    def detect(
        self,
        resultant_g: NDArray[np.floating],
        *,
        fs_hz: float,
        t_s: NDArray[np.float64] | None = None,
        axis_abs_g: NDArray[np.floating] | None = None,
        vertical_m_s2: NDArray[np.floating] | None = None,
        horizontal_m_s2: NDArray[np.floating] | None = None,
        band_power: tuple[NDArray[np.float64], NDArray[np.float64]] | None = None,
    ) -> ImpactRepDetector:
        """``axis_abs_g``: per-sample max |axis| in g (clipping test). ``vertical_m_s2`` and
        ``horizontal_m_s2`` (from :func:`boneimu.signal.orientation.vertical_parts`) enable the
        horizontal-motion test that keeps walking steps out of heel drops; ``band_power``: their
        :func:`boneimu.detect.walking.motion_band_power`, when already computed."""
        raw = np.asarray(resultant_g, dtype=np.float64)
        # the 20 Hz low-pass is applied from 80 Hz sampling; below, the raw |a| is used as is
        # (a brief landing spike is already under-sampled, filtering would shrink it further)
        if fs_hz >= 4.0 * IMPACT_LOWPASS_HZ:
            a = lowpass(raw, cutoff_hz=IMPACT_LOWPASS_HZ, fs_hz=fs_hz, order=4)
        else:
            a = raw
        dist = max(1, round(self.min_separation_s * fs_hz))
        # every impact for the dose (impactr's rules: >= min_peak_g, >= min_separation_s apart)
        self.impacts_, _ = find_peaks(a, height=self.min_peak_g, distance=dist)
        # rep candidates: closer peaks allowed, so a hop's landing is not hidden by its push-off
        peaks = _prominent_peaks(
            a,
            height=min(self.min_peak_g, self.min_hop_peak_g),
            prominence=self.min_prominence_g,
            distance=max(1, round(self.min_candidate_separation_s * fs_hz)),
            fs_hz=fs_hz,
        )
        n = a.size
        # flight: the last run of |a| < flight_g before each peak (free fall reads ~0 g)
        # (brief excursions above flight_g mid-air, <= flight_gap_s, do not end the flight)
        is_low = raw < self.flight_g
        gap_n = round(self.flight_gap_s * fs_hz)
        if gap_n >= 1 and n > 2 * gap_n + 1:
            is_low = binary_closing(is_low, structure=np.ones(2 * gap_n + 1, dtype=bool))
        low_idx = np.flatnonzero(is_low)
        run_starts = np.flatnonzero(is_low & ~np.concatenate([[False], is_low[:-1]]))
        if low_idx.size:
            pos = np.searchsorted(low_idx, peaks) - 1
            last_low = np.where(pos >= 0, low_idx[np.clip(pos, 0, None)], -n)
            rs = np.searchsorted(run_starts, last_low, side="right") - 1
            flight_start = np.where(rs >= 0, run_starts[np.clip(rs, 0, None)], last_low)
        else:
            last_low = np.full(peaks.size, -n)
            flight_start = last_low.copy()
        # landing = the first peak after the flight: airborne until just before it
        landing_delay_s = (peaks - last_low) / fs_hz
        flight_s = np.where(last_low >= 0, (last_low - flight_start + 1) / fs_hz, 0.0)
        # a hop leaves the ground from a push-off: |a| >= push_off_g just before the flight.
        # A heel drop's short free fall starts from standing on the toes (|a| <= ~1 g).
        w_p = max(1, round(self.push_off_window_s * fs_hz))
        fs_idx = np.clip(flight_start, 0, n - 1)
        cmax = _window_max(a, np.clip(fs_idx - w_p, 0, n), fs_idx + 1)
        # quietness: SD of |a| over the window ending quiet_gap_s before the impact
        c1 = _cumsum0(a)
        c2 = _cumsum0(a * a)
        q_end = np.clip(peaks - round(self.quiet_gap_s * fs_hz), 0, n)
        q_start = np.clip(q_end - round(self.quiet_window_s * fs_hz), 0, n)
        sd = _window_sd(c1, c2, q_start, q_end)
        # after the drop the body settles: quiet again from post_gap_s on (a first walking
        # step from quiet stance is followed by more steps instead)
        p_start = np.clip(peaks + round(self.post_gap_s * fs_hz), 0, n)
        p_end = np.clip(p_start + round(self.quiet_window_s * fs_hz), 0, n)
        sd_post = _window_sd(c1, c2, p_start, p_end)
        del c1, c2
        # a hop's flight is free fall (|a| near 0 g) ending in a sudden landing; a rushed heel
        # drop's fall is only partly unloaded and the heels meet the ground more slowly: a
        # shallow low run (min |a| > free_fall_g) with a slow landing (>= slow_landing_s from
        # its end to the peak) is not a flight
        w_u = max(1, round(self.unload_window_s * fs_hz))
        unloaded_min_g = -_window_max(-raw, np.clip(peaks - w_u, 0, n), peaks)
        not_free_fall = (unloaded_min_g > self.free_fall_g) & (
            landing_delay_s >= self.slow_landing_s
        )
        # (the delay is measured between two samples: one sample period of slack at each end,
        # or a 26 Hz landing 4 samples = 0.154 s after its flight would fail a 0.15 s limit)
        is_hop = (
            (a[peaks] >= self.min_hop_peak_g)
            & (flight_s >= self.min_flight_s)
            & (landing_delay_s <= self.max_landing_delay_s + 2.0 / fs_hz)
            & (cmax >= self.push_off_g)
            & ~not_free_fall
        )
        # one landing per flight: later peaks after the same flight are the landing's rebound
        hop_idx = np.flatnonzero(is_hop)
        same = np.flatnonzero(np.diff(flight_start[hop_idx]) == 0) + 1
        is_hop[hop_idx[same]] = False
        h_ratio = np.zeros(peaks.size)
        descent_m = np.zeros(peaks.size)
        if vertical_m_s2 is not None and peaks.size:
            # sitting down onto a seat also lands hard, after a 0.3-0.5 m descent
            z = _height_m(np.asarray(vertical_m_s2, dtype=np.float64), fs_hz=fs_hz)
            w_d = round(self.descent_window_s * fs_hz)
            descent_m = _window_max(z, np.clip(peaks - w_d, 0, n), peaks + 1) - z[peaks]
            del z
        if vertical_m_s2 is not None and horizontal_m_s2 is not None and peaks.size:
            if band_power is None:
                band_power = motion_band_power(vertical_m_s2, horizontal_m_s2, fs_hz=fs_hz)
            cv, ch = _cumsum0(band_power[0]), _cumsum0(band_power[1])
            band_power = None
            half = round(self.motion_window_s / 2 * fs_hz)
            lo_w, hi_w = np.clip(peaks - half, 0, n), np.clip(peaks + half, 0, n)
            h_ratio = np.sqrt((ch[hi_w] - ch[lo_w]) / np.maximum(cv[hi_w] - cv[lo_w], 1e-12))
            del cv, ch
        # a heel drop is a fall onto the heels: the body is unloaded (|a| well below 1 g) in
        # the moments before the impact. The push up onto the toes, a jerky rise or a bump
        # loads the body from standing (|a| stays near or above 1 g) and is not a drop.
        unloaded = unloaded_min_g <= self.max_unloaded_g
        # ... and the body falls: downward vertical velocity (8 Hz vertical acceleration
        # integrated, high-passed at 0.3 Hz) >= min_fall_velocity_m_s within fall_window_s
        # before the impact; a stop-and-go (jerky) rise onto the toes moves up, not down
        fall_m_s = np.full(peaks.size, np.inf)
        if vertical_m_s2 is not None and peaks.size:
            av = lowpass(vertical_m_s2, cutoff_hz=min(8.0, 0.4 * fs_hz), fs_hz=fs_hz, order=2)
            vz = highpass(_integral(av, fs_hz=fs_hz), cutoff_hz=0.3, fs_hz=fs_hz, order=2)
            del av
            w_f = max(1, round(self.fall_window_s * fs_hz))
            fall_m_s = _window_max(-vz, np.clip(peaks - w_f, 0, n), peaks + 1)
            del vz
        fall_like = (
            ~is_hop
            & unloaded
            & (fall_m_s >= self.min_fall_velocity_m_s)
            & (descent_m <= self.max_descent_m)
            & (a[peaks] >= max(self.min_heel_drop_peak_g, self.min_peak_g))
            & (q_end - q_start > 0)
        )
        drop_like = fall_like & (h_ratio <= self.max_horizontal_ratio)
        # a hop landing's later peaks (same flight, within push_window_s) are its rebound: in
        # a hop set they are unloaded and falling like a drop, so they join no chain below
        rebound = np.zeros(peaks.size, dtype=bool)
        hop_idx = np.flatnonzero(is_hop & (fall_m_s >= self.min_fall_velocity_m_s))
        if hop_idx.size:
            j = np.searchsorted(peaks[hop_idx], peaks, side="left") - 1
            prev = hop_idx[np.clip(j, 0, None)]
            rebound = (
                (j >= 0)
                & (flight_start == flight_start[prev])
                & (peaks - peaks[prev] <= self.push_window_s * fs_hz)
            )
        # and whatever the hop's fall: a peak within push_window_s after a hop landing, from the
        # same flight, is that landing's stumble or rebound, never a heel drop of its own
        after_landing = np.zeros(peaks.size, dtype=bool)
        landed = np.flatnonzero(is_hop)
        if landed.size:
            j = np.searchsorted(peaks[landed], peaks, side="left") - 1
            prev = landed[np.clip(j, 0, None)]
            after_landing = (
                (j >= 0)
                & (flight_start == flight_start[prev])
                & (peaks - peaks[prev] <= self.push_window_s * fs_hz)
            )
        is_heel = (
            drop_like
            & (sd <= self.max_quiet_sd_g)
            & (sd_post <= self.max_post_sd_g)
            & ~after_landing
        )
        # rushed drops follow each other without a quiet stance in between: next to a drop
        # that passed the quiet tests (within ``set_context_s``), the rhythm of the set is the
        # evidence and the quiet tests are waived
        # (transitively: a chain of such drops, each within ``set_context_s`` of the next,
        # holding one that passed; a rushed chest drop pitches the trunk more, so within a
        # chain the horizontal ratio may reach ``max_set_horizontal_ratio``)
        if self.set_context_s > 0 and is_heel.any():
            member = fall_like & (h_ratio <= self.max_set_horizontal_ratio) & ~rebound
            is_heel |= member & _in_chain(peaks, member, is_heel, self.set_context_s * fs_hz)
        # one drop, one impact: a candidate followed within ``push_window_s`` by a higher peak
        # that is itself a fall (unloaded and falling) is an early part of that impact (the
        # push onto the toes of a quick next rep is unloaded-looking but rises: not a fall)
        if peaks.size > 1:
            nxt_gap = np.diff(peaks) / fs_hz
            falls = unloaded & (fall_m_s >= self.min_fall_velocity_m_s)
            higher_next = np.zeros(peaks.size, dtype=bool)
            higher_next[:-1] = (
                (nxt_gap <= self.push_window_s) & (a[peaks[1:]] > a[peaks[:-1]]) & falls[1:]
            )
            is_heel &= ~higher_next
        self.candidates_ = {
            "index": peaks,
            "peak_g": a[peaks],
            "flight_s": flight_s,
            "landing_delay_s": landing_delay_s,
            "horizontal_ratio": h_ratio,
            "sd_before_g": sd,
            "sd_after_g": sd_post,
            "descent_m": descent_m,
            "unloaded_min_g": unloaded_min_g,
            "fall_velocity_m_s": fall_m_s,
            "hop": is_hop,
            "heel_drop": is_heel,
        }
        w_lr = max(1, round(LOADING_RATE_WINDOW_S * fs_hz))
        clip_level = None if self.range_g is None else 0.98 * self.range_g
        reps: list[Rep] = []
        for k in np.flatnonzero(is_hop | is_heel):
            p = int(peaks[k])
            hop = bool(is_hop[k])
            flight_run_s = 0.0
            # rep start: start of flight (hop) or end of the quiet window (heel drop)
            if hop:
                s = int(flight_start[k])
                flight_run_s = float(flight_s[k])
            else:
                s = int(q_start[k])
            e = min(n, p + round(0.3 * fs_hz))
            seg = raw[max(0, p - 2) : p + 3]
            peak_raw = float(seg.max())
            clipped = bool(
                clip_level is not None
                and axis_abs_g is not None
                and np.max(axis_abs_g[max(0, p - 2) : p + 3]) >= clip_level
            )
            rate = float((a[p] - a[max(0, p - w_lr)]) * fs_hz / w_lr)
            reps.append(
                Rep(
                    exercise="hop" if hop else "heel_drop",
                    start_s=sample_time_s(t_s, s, fs_hz=fs_hz),
                    end_s=sample_time_s(t_s, e, fs_hz=fs_hz),
                    peak_acc_g=peak_raw,
                    impact_s=sample_time_s(t_s, p, fs_hz=fs_hz),
                    loading_rate_g_s=rate,
                    clipped=clipped,
                    flight_s=flight_run_s if hop else None,
                    impact_lp_g=float(a[p]),
                )
            )
        self.reps_ = reps
        return self
