"""The session analysis pipeline: Recording -> AnalysisResult (boneimu.results, schema v1).

``analyze_recording`` segments the session (boneimu.detect.segment), turns bouts into sets,
walking and balance results, and computes the impact dose with boneimu.metrics. See
docs/algorithms/segmentation.md and docs/algorithms/reps.md.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from boneimu.detect.balance import assess_balance
from boneimu.detect.events import Rep
from boneimu.detect.quality import (
    RepSignals,
    assess_reps,
    baseline_for,
    merge_quality,
    rep_signals,
    sts_set_extra,
)
from boneimu.detect.segment import segment_recording
from boneimu.errors import AnalysisError
from boneimu.metrics.grf import estimate_peak_grf
from boneimu.metrics.impact import (
    DEFAULT_IMPACT_BINS_G,
    daily_stress_stimulus,
    impact_bin_counts,
    osteogenic_index,
)
from boneimu.metrics.smoothness import ldlj_a
from boneimu.recording import MIN_ANALYSIS_RATE_HZ, PLACEMENTS, Recording
from boneimu.results import (
    AnalysisResult,
    DoseResult,
    ImpactBin,
    RecordingSummary,
    RepResult,
    SetResult,
    WalkingResult,
)
from boneimu.signal.orientation import detect_placement, still_mask, vertical_parts
from boneimu.units import STANDARD_GRAVITY_M_S2

MIN_ANALYSIS_DURATION_S = 5.0
EXPECT_CHOICES = ("heel_drop", "hop", "sit_to_stand")
PROGRESS_MIN_DURATION_S = 3600.0
"""Recordings at least this long report progress on stderr unless told otherwise."""
SET_SIGNAL_MARGIN_S = 12.0
"""Rep quality reads at most 4.5 s before a set's first rep (the rest before a heel drop,
a sit-to-stand's flexion) and 8 s after its last (a sit-to-stand's descent;
boneimu.detect.quality), and the gravity tracking (0.2 Hz crossover) settles within about
4 s: its signals are prepared on each set plus this margin."""


def _check(rec: Recording, placement: str | None, expect: str | None) -> None:
    src = rec.meta.source_path or "recording"
    if rec.fs_hz < MIN_ANALYSIS_RATE_HZ:
        raise AnalysisError(
            f"{src}: sample rate {rec.fs_hz:.1f} Hz is below the {MIN_ANALYSIS_RATE_HZ:g} Hz "
            "needed to resolve impacts"
        )
    if rec.duration_s < MIN_ANALYSIS_DURATION_S:
        raise AnalysisError(
            f"{src}: {rec.duration_s:.1f} s is too short to analyse "
            f"(need >= {MIN_ANALYSIS_DURATION_S:g} s)"
        )
    if placement is not None and placement not in PLACEMENTS:
        raise AnalysisError(f"{src}: unknown placement {placement!r}; use {', '.join(PLACEMENTS)}")
    if expect is not None and expect not in EXPECT_CHOICES:
        raise AnalysisError(f"{src}: unknown exercise {expect!r}; use {', '.join(EXPECT_CHOICES)}")


def _progress_sink(rec: Recording, progress: Callable[[str], None] | None) -> Callable[[str], None]:
    """``progress`` with the elapsed time prefixed; stderr for long recordings by default."""
    t0 = time.perf_counter()
    if progress is None:
        if rec.duration_s < PROGRESS_MIN_DURATION_S:
            return lambda msg: None
        src = rec.meta.source_path or "recording"

        def progress(msg: str) -> None:
            print(f"analyze {src}: {msg}", file=sys.stderr, flush=True)

    sink = progress
    return lambda msg: sink(f"[{time.perf_counter() - t0:6.1f} s] {msg}")


def _guess_placement(rec: Recording) -> str:
    """Placement from posture on a bounded sample of the recording (first 30 min)."""
    from boneimu.detect.walking import WalkingDetector

    n = min(rec.n_samples, round(1800 * rec.fs_hz))
    seg = rec.segments()[0]
    sl = slice(seg.start, min(seg.stop, seg.start + n))
    acc = rec.acc_m_s2[sl]
    gyro = None if rec.gyro_rad_s is None else rec.gyro_rad_s[sl]
    vp = vertical_parts(acc, fs_hz=rec.fs_hz, gyro_rad_s=gyro)
    walk = WalkingDetector().detect(vp.vertical_m_s2, vp.resultant_g, fs_hz=rec.fs_hz)
    still = still_mask(acc, fs_hz=rec.fs_hz)
    return detect_placement(
        vp.up, walking=walk.walking_, still=still, fs_hz=rec.fs_hz, gyro_rad_s=gyro
    )


def _rep_result(
    r: Rep,
    rec: Recording,
    t_s: np.ndarray,
    body_mass_kg: float | None,
    placement: str | None,
    *,
    need_ldlj: bool = True,
) -> RepResult:
    """The detector's rep with its GRF estimate; LDLJ-A over the whole rep window only when
    ``need_ldlj`` (rep quality measures it on the controlled part of the movement, which
    replaces this one when it exists)."""
    fs = rec.fs_hz
    grf_bw = grf_n = None
    if body_mass_kg is not None and r.exercise != "sit_to_stand":
        est = estimate_peak_grf(
            r.peak_acc_g,
            body_mass_kg=body_mass_kg,
            placement=placement or "waist",
            activity="jumping",
        )
        if est is not None:
            grf_bw, grf_n = est.peak_grf_bw, est.peak_grf_n
    ldlj = None
    i0, i1 = (int(i) for i in np.searchsorted(t_s, [r.start_s, r.end_s]))
    if need_ldlj and i1 - i0 >= round(0.3 * fs):
        gyro = None if rec.gyro_rad_s is None else rec.gyro_rad_s[i0:i1]
        if gyro is not None and np.isnan(gyro).any():
            gyro = None
        try:
            ldlj = float(ldlj_a(rec.acc_m_s2[i0:i1], fs_hz=fs, gyro_rad_s=gyro))
        except AnalysisError:
            ldlj = None
        if ldlj is not None and not np.isfinite(ldlj):
            ldlj = None
    return RepResult(
        start_s=r.start_s,
        end_s=r.end_s,
        impact_s=r.impact_s,
        peak_acc_g=r.peak_acc_g,
        duration_s=r.duration_s,
        clipped=r.clipped,
        loading_rate_g_s=r.loading_rate_g_s,
        peak_grf_bw=grf_bw,
        peak_grf_n=grf_n,
        phases_s=dict(r.phases_s),
        ldlj_a=ldlj,
        vertical_displacement_m=r.vertical_displacement_m,
        peak_vertical_velocity_m_s=r.peak_vertical_velocity_m_s,
    )


def _set_signals(rec: Recording, t_s: np.ndarray, start_s: float, end_s: float) -> RepSignals:
    """Rep-quality signals of one set: the recording from :data:`SET_SIGNAL_MARGIN_S` before
    its first rep to as long after its last (rep quality never looks further), so their cost
    follows the exercise time, not the recording's length."""
    i0, i1 = (
        int(i)
        for i in np.searchsorted(
            t_s, [start_s - SET_SIGNAL_MARGIN_S, end_s + SET_SIGNAL_MARGIN_S], side="right"
        )
    )
    i0 = max(0, i0 - 1)
    sl = slice(i0, max(i1, i0 + 1))
    gyro = None if rec.gyro_rad_s is None else rec.gyro_rad_s[sl]
    return rep_signals(rec.acc_m_s2[sl], fs_hz=rec.fs_hz, gyro_rad_s=gyro, t_s=t_s[sl])


def _dose(
    rec: Recording,
    impact_index: np.ndarray,
    reps: list[RepResult],
    placement: str | None,
    body_mass_kg: float | None,
) -> DoseResult:
    idx = np.sort(impact_index)
    peaks = np.zeros(0)
    clipped = np.zeros(0, dtype=bool)
    if idx.size:
        # peak height and clipping in a +-2 sample window around each detected impact
        win = np.clip(idx[:, None] + np.arange(-2, 3)[None, :], 0, rec.n_samples - 1)
        around = rec.acc_m_s2[win]  # (k, 5, 3)
        peaks = np.sqrt(np.einsum("ijk,ijk->ij", around, around)).max(axis=1)
        peaks /= STANDARD_GRAVITY_M_S2
        rng = rec.meta.acc_range_g
        if rng is not None:
            ax = np.abs(around).max(axis=(1, 2)) / STANDARD_GRAVITY_M_S2
            clipped = ax >= 0.98 * rng
        else:
            clipped = np.zeros(idx.size, dtype=bool)
    counts = impact_bin_counts(peaks)
    edges = DEFAULT_IMPACT_BINS_G
    bins = [
        ImpactBin(
            lower_g=edges[i],
            upper_g=edges[i + 1] if i + 1 < len(edges) else None,
            count=int(counts[i]),
        )
        for i in range(len(edges))
    ]
    peak = float(peaks.max()) if peaks.size else None
    rep_grf = [r for r in reps if r.peak_grf_n is not None]
    best = max(rep_grf, key=lambda r: r.peak_grf_n or 0.0) if rep_grf else None
    model = None
    if best is not None and body_mass_kg is not None:
        est = estimate_peak_grf(
            best.peak_acc_g,
            body_mass_kg=body_mass_kg,
            placement=placement or "waist",
            activity="jumping",
        )
        model = (
            None if est is None else f"{est.model} ({est.reported_error or 'error not reported'})"
        )
    return DoseResult(
        n_impacts=int((peaks >= edges[0]).sum()),
        impact_bins=bins,
        peak_acc_g=peak,
        peak_grf_bw=None if best is None else best.peak_grf_bw,
        peak_grf_n=None if best is None else best.peak_grf_n,
        grf_model=model,
        osteogenic_index=osteogenic_index(peaks[peaks >= edges[0]]),
        daily_stress_stimulus=daily_stress_stimulus(peaks[peaks >= edges[0]]),
        any_clipped=bool(clipped.any() or any(r.clipped for r in reps)),
    )


def analyze_recording(
    rec: Recording,
    *,
    body_mass_kg: float | None = None,
    placement: str | None = None,
    expect: str | None = None,
    baseline: object | None = None,
    progress: Callable[[str], None] | None = None,
    height_m: float | None = None,
    chair_height_m: float | None = None,
) -> AnalysisResult:
    """Analyse one session: exercise sets with per-rep loading, walking, balance, dose.

    ``placement`` None: taken from the recording's metadata, else detected (``unknown`` when
    unsure; GRF then uses the hip model, stated in the warnings). ``expect`` restricts
    detection to one exercise. ``baseline``: the person's RepBaseline for that exercise (or a
    dict exercise -> RepBaseline) for the rushed/jerky flags (boneimu.detect.quality).
    ``progress`` receives one line per step (with the elapsed time); by default recordings
    of :data:`PROGRESS_MIN_DURATION_S` or longer report to stderr, shorter ones stay quiet.
    ``height_m`` (with ``body_mass_kg``) and ``chair_height_m`` give each sit-to-stand rise
    its estimated power (Alcazar; boneimu.metrics.sts_power).
    """
    _check(rec, placement, expect)
    say = _progress_sink(rec, progress)
    warnings: list[str] = []
    detected = False
    place = placement or rec.meta.placement
    if place is None:
        say("detecting placement")
        guess = _guess_placement(rec)
        detected = guess != "unknown"
        place = guess if detected else None
        if not detected:
            warnings.append("placement not given and not detectable; assuming a trunk sensor")
    say(f"detecting exercise, walking and balance in {rec.duration_s / 3600:.1f} h of data")
    seg = segment_recording(rec, placement=place, expect=expect)
    t_s = rec.t_s  # a property computed on each access: once here
    sets: list[SetResult] = []
    all_reps: list[RepResult] = []
    ex_bouts = [b for b in seg.bouts if b.kind in EXPECT_CHOICES]
    say(f"rep quality of {sum(len(b.reps) for b in ex_bouts)} reps in {len(ex_bouts)} sets")
    for b in seg.bouts:
        if b.kind in EXPECT_CHOICES:
            # rep quality (issue 5): phases, smoothness, rushed/jerky flags, STS performance
            sig = _set_signals(rec, t_s, b.start_s, b.end_s)
            quals = assess_reps(
                b.kind,
                b.reps,
                sig,
                baseline=baseline_for(baseline, b.kind),
                body_mass_kg=body_mass_kg,
                height_m=height_m,
                chair_height_m=chair_height_m,
            )
            reps = [
                _rep_result(r, rec, t_s, body_mass_kg, place, need_ldlj=q.ldlj_a is None)
                for r, q in zip(b.reps, quals, strict=True)
            ]
            reps = merge_quality(reps, quals)
            extra = (
                sts_set_extra(quals, body_mass_kg=body_mass_kg) if b.kind == "sit_to_stand" else {}
            )
            all_reps += reps
            sets.append(
                SetResult(
                    exercise=b.kind,  # type: ignore[arg-type]
                    start_s=b.start_s,
                    end_s=b.end_s,
                    reps=reps,
                    n_reps=len(reps),
                    extra=extra,
                )
            )
    walking = [
        WalkingResult(
            start_s=b.start_s,
            end_s=b.end_s,
            steps=b.steps,
            cadence_spm=60.0 * b.steps / max(b.end_s - b.start_s, 1e-9),
        )
        for b in seg.of_kind("walking")
    ]
    say("balance holds and impact dose")
    balance = assess_balance(seg.bouts, rec.acc_m_s2, fs_hz=rec.fs_hz, t_s=rec.t_s, placement=place)
    dose = _dose(rec, seg.impact_index, all_reps, place, body_mass_kg)
    if body_mass_kg is not None and place in ("chest", "thigh"):
        warnings.append(f"no validated GRF model for placement {place}; GRF not estimated")
    if dose.any_clipped:
        warnings.append(
            "some impacts are clipped by the sensor range: their peaks are lower bounds"
        )
    if rec.meta.gaps:
        warnings.append(f"{len(rec.meta.gaps)} gap(s) in the data split bouts")
    summary = RecordingSummary(
        path=rec.meta.source_path,
        format=rec.meta.source_format,
        duration_s=rec.duration_s,
        n_samples=rec.n_samples,
        sample_rate_hz=rec.fs_hz,
        has_gyro=rec.has_gyro,
        placement=place,
        placement_detected=detected,
        start_time_utc=rec.meta.start_time_utc,
        body_mass_kg=body_mass_kg,
        height_m=height_m,
        chair_height_m=chair_height_m,
    )
    say("done")
    return AnalysisResult(
        recording=summary,
        sets=sets,
        balance=balance,
        walking=walking,
        dose=dose,
        warnings=warnings,
    )
