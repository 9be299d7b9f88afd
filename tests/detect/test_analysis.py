from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _synth import Session

from boneimu.analysis import analyze_recording
from boneimu.errors import AnalysisError
from boneimu.io import finish_recording
from boneimu.labels import Labels, RepLabel, SetLabel
from boneimu.results import analysis_json_schema
from boneimu.units import NS_PER_S, STANDARD_GRAVITY_M_S2

ROOT = Path(__file__).resolve().parents[2]


def _hops_session() -> Session:
    s = Session(seed=5).stand(3)
    for _ in range(10):
        s.hop(peak_g=4.2)
    return s.stand(3)


def test_analysis_result_holds_sets_reps_dose_and_grf() -> None:
    res = analyze_recording(_hops_session().recording(), body_mass_kg=70.0, placement="waist")
    assert [(s.exercise, s.n_reps) for s in res.sets] == [("hop", 10)]
    rep = res.sets[0].reps[0]
    assert rep.peak_acc_g == pytest.approx(4.2, rel=0.05)
    assert rep.impact_s is not None and rep.start_s < rep.impact_s < rep.end_s
    assert rep.peak_grf_bw is not None and rep.peak_grf_bw > 1.5
    assert res.dose.n_impacts >= 10
    assert res.dose.impact_bins[4].lower_g == 3.9 and res.dose.impact_bins[4].count == 10
    assert res.dose.osteogenic_index > 0 and res.dose.daily_stress_stimulus > 4.2
    assert res.dose.grf_model is not None
    assert not res.dose.any_clipped
    json.loads(res.model_dump_json())


def test_clipped_sensor_reports_lower_bounds() -> None:
    rec = _hops_session().recording(tilt_deg=0.0)
    lim = 4.0 * STANDARD_GRAVITY_M_S2
    clipped = finish_recording(
        None,
        time_ns=rec.time_ns,
        acc_m_s2=np.clip(rec.acc_m_s2, -lim, lim),
        source_format="synthetic",
        acc_range_g=4.0,
    )
    res = analyze_recording(clipped)
    assert res.dose.any_clipped
    assert all(r.clipped for s in res.sets for r in s.reps)
    assert any("lower bound" in w for w in res.warnings)


def test_session_without_exercise_gives_empty_sets() -> None:
    res = analyze_recording(Session(seed=6).stand(20).walk(30).stand(20).recording())
    assert res.sets == []
    assert len(res.walking) == 1
    assert res.dose.peak_grf_bw is None


def test_low_rate_and_short_recordings_are_refused() -> None:
    n = 400
    t = (np.arange(n) * (NS_PER_S / 15)).astype(np.int64)
    acc = np.tile([0.0, 0.0, STANDARD_GRAVITY_M_S2], (n, 1))
    rec = finish_recording("slow.csv", time_ns=t, acc_m_s2=acc, source_format="synthetic")
    with pytest.raises(AnalysisError, match=r"slow\.csv: sample rate 15\.0 Hz"):
        analyze_recording(rec)
    short = Session().stand(4).recording()
    with pytest.raises(AnalysisError, match="too short"):
        analyze_recording(short)
    with pytest.raises(AnalysisError, match="unknown exercise"):
        analyze_recording(_hops_session().recording(), expect="squat")


def test_schema_file_is_current() -> None:
    path = ROOT / "docs" / "analysis.schema.json"
    assert path.read_text() == analysis_json_schema(), (
        "docs/analysis.schema.json is stale: regenerate with "
        "python -c 'from boneimu.results import analysis_json_schema as s; "
        'open("docs/analysis.schema.json","w").write(s())\''
    )


def test_validate_scores_a_known_answer() -> None:
    from boneimu.detect.validate import score

    s = _hops_session()
    res = analyze_recording(s.recording())
    true = [
        RepLabel(exercise="hop", start_s=t - 0.4, end_s=t + 0.3, impact_s=t, peak_acc_g=4.2)
        for t in s.impacts_s
    ]
    # one missed true rep added, one true rep dropped (-> a false positive)
    true.append(RepLabel(exercise="hop", start_s=50.0, end_s=50.5, impact_s=50.2))
    del true[3]
    lab = Labels(recording="x", sets=[SetLabel(exercise="hop", start_s=2.0, end_s=60.0, reps=true)])
    d = score(res, lab).to_dict()
    hop = d["exercises"]["hop"]  # type: ignore[index]
    assert hop["true_reps"] == 10 and hop["detected_reps"] == 10
    assert hop["precision"] == pytest.approx(0.9) and hop["recall"] == pytest.approx(0.9)
    assert hop["sets_exact_pct"] == 100.0
    assert hop["peak_g_error_median_pct"] < 5.0
    assert d["false_reps_outside_sets"] == 0


def test_cli_analyze_and_validate(tmp_path: Path) -> None:
    from boneimu.cli.main import main
    from boneimu.io.native import write_recording
    from boneimu.labels import save_labels

    s = _hops_session()
    path = write_recording(s.recording(), tmp_path / "hops.arrow")
    assert main(["analyze", str(path), "--body-mass-kg", "70", "--placement", "waist"]) == 0
    assert main(["analyze", str(path), "--json"]) == 0
    true = [
        RepLabel(exercise="hop", start_s=t - 0.4, end_s=t + 0.3, impact_s=t) for t in s.impacts_s
    ]
    save_labels(
        Labels(
            recording=path.name, sets=[SetLabel(exercise="hop", start_s=2, end_s=20, reps=true)]
        ),
        tmp_path / "hops.labels.json",
    )
    assert main(["validate", str(tmp_path), "--json"]) == 0
    assert main(["analyze", str(tmp_path / "missing.arrow")]) != 0


def test_rep_quality_on_set_windows_matches_the_whole_recording() -> None:
    """Rep quality reads its signals on each set +- SET_SIGNAL_MARGIN_S (speed, issue 4): the
    flags and phases must be those computed on the whole recording."""
    from boneimu.detect.quality import assess_reps, rep_signals
    from boneimu.detect.segment import segment_recording

    s = Session(seed=8).stand(30)
    for _ in range(8):
        s.heel_drop()
    s.stand(40).walk(40)
    for _ in range(4):
        s.sit_to_stand()
    rec = s.stand(30).recording(gyro=True)
    res = analyze_recording(rec, placement="waist")
    seg = segment_recording(rec, placement="waist")
    whole = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s, t_s=rec.t_s)
    bouts = [b for b in seg.bouts if b.kind in ("heel_drop", "sit_to_stand")]
    assert bouts and [b.kind for b in bouts] == [x.exercise for x in res.sets]
    for b, got in zip(bouts, res.sets, strict=True):
        ref = assess_reps(b.kind, b.reps, whole)
        assert [sorted(f.name for f in r.flags) for r in got.reps] == [
            sorted(f.name for f in q.flags) for q in ref
        ]
        for r, q in zip(got.reps, ref, strict=True):
            for k, v in q.phases_s.items():
                assert r.phases_s[k] == pytest.approx(v, abs=0.03)
            if q.ldlj_a is not None:
                assert r.ldlj_a == pytest.approx(q.ldlj_a, abs=0.1)


def test_progress_lines(capsys: pytest.CaptureFixture[str]) -> None:
    lines: list[str] = []
    analyze_recording(_hops_session().recording(), placement="waist", progress=lines.append)
    assert all(x.startswith("[") and " s] " in x for x in lines)
    assert any("detecting exercise" in x for x in lines)
    assert any("rep quality of 10 reps in 1 sets" in x for x in lines)
    assert lines[-1].endswith("done")
    # short recordings stay quiet by default (long ones report on stderr)
    analyze_recording(_hops_session().recording(), placement="waist")
    assert capsys.readouterr().err == ""
