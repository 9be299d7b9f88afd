"""Figure helpers with known answers: decimation, sway ellipse, hover titles."""

from __future__ import annotations

import math

import numpy as np
import pytest
from report_cases import SessionCase

from boneimu.metrics.sway import sway_metrics
from boneimu.recording import Recording
from boneimu.report.figure import ReportFigure, new_figure
from boneimu.report.hold_figures import five_rep_time_s, sway_path
from boneimu.report.session_figures import signal_trace
from boneimu.report.tempo_figure import tempo_figure
from boneimu.results import AnalysisResult, RepResult, SetResult


def test_signal_trace_keeps_every_peak_and_bounds_the_size() -> None:
    fs_hz = 100.0
    t = np.arange(360_000) / fs_hz  # one hour
    y = np.ones_like(t)
    spikes = np.array([5, 77_777, 200_001, 359_999])
    y[spikes] = [3.0, 4.5, 6.1, 2.2]
    y[123_456] = -1.0
    te, ye = signal_trace(t, y, [slice(0, t.size)], max_points=1000)
    assert te.size == ye.size == 2000
    assert sorted(ye[ye > 1.0].tolist()) == sorted([3.0, 4.5, 6.1, 2.2])
    assert np.nanmin(ye) == -1.0 and not np.isnan(ye).any()
    assert np.all(np.diff(te) >= 0)
    _, short_y = signal_trace(t[:500], y[:500], [slice(0, 500)], max_points=1000)
    assert np.array_equal(short_y, y[:500])  # short signals are drawn sample by sample


def test_sway_ellipse_has_the_area_the_metric_reports(
    sim_session: tuple[Recording, AnalysisResult],
) -> None:
    rec, result = sim_session
    hold = result.balance[0]
    path = sway_path(rec, hold)
    assert path is not None
    i0, i1 = np.searchsorted(rec.t_s, [hold.start_s, hold.end_s])
    m = sway_metrics(rec.acc_m_s2[i0:i1], fs_hz=rec.fs_hz)
    a, b = path.semi_axes_m_s2
    assert a >= b > 0
    assert math.pi * a * b == pytest.approx(m.ellipse_area_m2_s4, rel=1e-6)


def test_short_hold_has_no_sway_path(sim_session: tuple[Recording, AnalysisResult]) -> None:
    rec, result = sim_session
    hold = result.balance[0].model_copy(update={"end_s": result.balance[0].start_s + 1.0})
    assert sway_path(rec, hold) is None


def test_five_rep_time_needs_five_reps(session_case: SessionCase) -> None:
    sts = max(
        (s for s in session_case.result.sets if s.exercise == "sit_to_stand"),
        key=lambda s: len(s.reps),
    )
    plain = sts.model_copy(update={"extra": {}})
    assert five_rep_time_s(plain) == pytest.approx(sts.reps[4].end_s - sts.reps[0].start_s)
    assert five_rep_time_s(plain.model_copy(update={"reps": sts.reps[:4]})) is None
    given = sts.model_copy(update={"extra": {"time_5x_sts_s": 12.5}})
    assert five_rep_time_s(given) == 12.5  # the analysis's own figure wins


def test_svg_gets_titles_ids_and_no_metadata() -> None:
    fig = new_figure(2.0, width_in=3.0)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], gid="line-a")
    rf = ReportFigure("fig-test", "A caption", "A diagonal line", fig, {"line-a": "x < y & z"})
    svg = rf.svg()
    assert svg.startswith('<svg role="img" aria-labelledby="fig-test-svgtitle"')
    assert '<g id="line-a"><title>x &lt; y &amp; z</title>' in svg
    assert "<desc>A diagonal line</desc>" in svg
    assert "<metadata>" not in svg and "purl.org" not in svg


def _sets(n_sets: int, n_reps: int) -> list[SetResult]:
    out, t = [], 0.0
    for k in range(n_sets):
        reps = [
            RepResult(start_s=t + i, end_s=t + i + 0.8, impact_s=t + i + 0.5,
                      peak_acc_g=2.0 + 0.1 * i, ldlj_a=-5.0 - 0.1 * i)
            for i in range(n_reps)
        ]  # fmt: skip
        out.append(SetResult(exercise="heel_drop" if k % 2 else "hop", start_s=t,
                             end_s=t + n_reps, reps=reps, n_reps=n_reps))  # fmt: skip
        t += n_reps + 20.0
    return out


@pytest.mark.parametrize(("n_sets", "n_reps", "n_rows"), [(2, 10, 1), (17, 15, 5), (3, 70, 3)])
def test_tempo_figure_wraps_many_sets_onto_rows(
    session_case: SessionCase, n_sets: int, n_reps: int, n_rows: int
) -> None:
    result = session_case.result.model_copy(update={"sets": _sets(n_sets, n_reps)})
    fig = tempo_figure(result)
    assert fig is not None
    svg = fig.svg()  # warnings are errors: a collapsed layout would fail here
    visible = [ax for ax in fig.figure.get_axes() if ax.get_visible()]
    assert len(visible) == 2 * n_sets
    assert len({round(ax.get_window_extent().y0) for ax in visible}) == 2 * n_rows
    assert svg.count('<g id="tempo-') == n_sets * n_reps


def test_signal_trace_breaks_at_gaps_and_stays_bounded() -> None:
    t = np.arange(100_000) / 100.0
    t[40_000:] += 120.0  # a two-minute gap
    y = np.ones_like(t)
    y[[10, 60_000]] = 5.0
    segments = [slice(0, 40_000), slice(40_000, 100_000)]
    te, ye = signal_trace(t, y, segments, max_points=3000)
    assert te.size == ye.size == 6000
    assert np.isnan(ye).any()  # the gap's buckets are empty: the line breaks
    gap = (te > t[39_999]) & (te < t[40_000] - 1.0)
    assert gap.any() and np.isnan(ye[gap]).all()
    assert np.nanmax(ye) == 5.0 and int((ye == 5.0).sum()) == 2
    ts, ys = signal_trace(t[39_990:40_010], y[39_990:40_010], [slice(0, 10), slice(10, 20)],
                          max_points=3000)  # fmt: skip
    assert ys.size == 21 and np.isnan(ys[10]) and np.isnan(ts[10])
