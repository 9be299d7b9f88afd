"""Build AnalysisResult objects for dose-log tests."""

from __future__ import annotations

from collections.abc import Sequence

from boneimu.results import (
    AnalysisResult,
    BalanceResult,
    DoseResult,
    Flag,
    ImpactBin,
    RecordingSummary,
    RepResult,
    SetResult,
    WalkingResult,
)


def make_result(
    *,
    sets: Sequence[tuple[str, int, float, int]] = (),
    walking: Sequence[tuple[str, float, int]] = (),
    balance: Sequence[tuple[str, float] | tuple[str, float, float, bool]] = (),
    osteogenic_index: float | None = None,
    bins: Sequence[tuple[float, float | None, int]] = (),
) -> AnalysisResult:
    """sets: (exercise, n_reps, peak_g, n_flagged); walking: (kind, minutes, steps);
    balance: (stance, hold_s) or (stance, hold_s, sway_score, probable_rest); the sway score
    is 80 when not given. Impacts = reps with an impact (heel drops, hops)."""
    t = 0.0
    out_sets = []
    n_impacts = 0
    for exercise, n_reps, peak_g, n_flagged in sets:
        reps = []
        for i in range(n_reps):
            flags = (
                [Flag(name="rushed", reason="fast", value=0.4, threshold=0.6)]
                if i < n_flagged
                else []
            )
            impact = None if exercise == "sit_to_stand" else t + 0.5
            n_impacts += impact is not None
            reps.append(
                RepResult(
                    start_s=t,
                    end_s=t + 2.0,
                    impact_s=impact,
                    peak_acc_g=peak_g,
                    flags=flags,
                    duration_s=2.0,
                    phases_s={"rise": 0.8, "drop": 0.4},
                    ldlj_a=-6.0,
                )
            )
            t += 2.5
        out_sets.append(
            SetResult(
                exercise=exercise,
                start_s=reps[0].start_s,
                end_s=t,
                reps=reps,  # type: ignore[arg-type]
                n_reps=n_reps,
            )
        )
        t += 30.0
    walks = []
    for kind, minutes, steps in walking:
        walks.append(
            WalkingResult(
                start_s=t,
                end_s=t + 60 * minutes,
                kind=kind,
                steps=steps,  # type: ignore[arg-type]
                cadence_spm=steps / minutes,
            )
        )
        t += 60 * minutes + 10
    holds = []
    for stance, hold_s, *more in balance:
        holds.append(
            BalanceResult(
                start_s=t,
                end_s=t + hold_s,
                stance=stance,
                sway_score=more[0] if more else 80.0,
                hold_s=hold_s,
                probable_rest=bool(more[1]) if len(more) > 1 else False,
            )
        )
        t += hold_s + 10
    oi = float(n_impacts) / 10 if osteogenic_index is None else osteogenic_index
    peaks = [r.peak_acc_g for s in out_sets for r in s.reps]
    return AnalysisResult(
        recording=RecordingSummary(
            path="session.csv",
            format="test",
            duration_s=t,
            n_samples=int(t * 100),
            sample_rate_hz=100.0,
            has_gyro=True,
            placement="waist",
        ),
        sets=out_sets,
        walking=walks,
        balance=holds,
        dose=DoseResult(
            n_impacts=n_impacts,
            osteogenic_index=oi,
            peak_acc_g=max(peaks) if peaks else None,
            impact_bins=[ImpactBin(lower_g=lo, upper_g=hi, count=n) for lo, hi, n in bins],
        ),
    )
