"""``boneimu record`` / ``replay`` / ``devices`` end to end on simulated devices."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from boneimu.cli.main import main
from boneimu.io import read_recording


def test_record_sim_then_replay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rec.bimu"
    code = main(
        [
            "record",
            "--sim",
            "polar-verity",
            "--out",
            str(out),
            "--duration",
            "10",
            "--sim-speed",
            "20",
            "--exercise",
            "heel_drop",
            "--json",
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stop_reason"] == "duration reached" and doc["samples_written"] > 300
    rec = read_recording(out)
    assert rec.has_gyro and rec.meta.extra["exercise"] == "heel_drop"
    assert rec.fs_hz == pytest.approx(52, rel=0.02)

    again = tmp_path / "again.bimu"
    code = main(["replay", str(out), "--speed", "40", "--as", "thingy52", "--out", str(again)])
    assert code == 0
    text = capsys.readouterr().out
    assert "recorded" in text and "0 malformed" in text
    rep = read_recording(again)
    assert rep.has_gyro and rep.duration_s > 0.8 * rec.duration_s


def test_record_needs_exactly_one_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "x.bimu")
    assert main(["record", "--out", out]) == 2
    assert main(["record", "--sim", "thingy52", "--device", "AA", "--out", out]) == 2
    err = capsys.readouterr().err
    assert err.count("give exactly one of") == 2


def test_devices_without_an_adapter_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["devices", "--timeout", "0.2"])
    if code == 0:
        pytest.skip("a Bluetooth adapter is present")
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("boneimu: error:")


def _rep_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("rep ")]


def test_record_sim_live_cues_then_analyze(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "heel.bimu"
    args = ["--sim", "polar-h10", "--sim-program", "heel_drop:12@rushed=0.3"]
    code = main(
        ["record", *args, "--exercise", "heel_drop", "--sim-speed", "50", "--out", str(out)]
    )
    assert code == 0
    text = capsys.readouterr().out
    reps = _rep_lines(text)
    assert abs(len(reps) - 12) <= 1, text
    assert reps[0] == "rep 1" or reps[0].startswith("rep 1 — ")
    assert any("slow down: rushed (" in line for line in reps), text
    assert "0 dropped, 0 gap(s)" in text  # the statistics summary is kept
    assert f"live: {len(reps)} heel_drop rep(s)" in text

    assert main(["analyze", str(out)]) == 0
    analysed = capsys.readouterr().out
    assert re.search(r"heel[- ]drop", analysed), analysed


def test_replay_bundled_recording_with_exercise(capsys: pytest.CaptureFixture[str]) -> None:
    path = Path(__file__).parents[2] / "recordings" / "rushed_jerky_waist_sensor_logger_android.zip"
    code = main(
        ["replay", str(path), "--speed", "100", "--as", "polar-h10", "--exercise", "heel_drop"]
    )
    assert code == 0
    reps = _rep_lines(capsys.readouterr().out)
    assert len(reps) >= 20  # 2 x 12 heel drops in the program
    assert any("rushed" in line for line in reps) and any("jerky" in line for line in reps)


def test_record_without_exercise_says_live_counting_needs_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "taps.bimu"
    args = ["--sim", "polar-h10", "--duration", "4", "--sim-speed", "20", "--out", str(out)]
    code = main(["record", *args])
    assert code == 0
    cap = capsys.readouterr()
    assert "live rep counting needs --exercise" in cap.err
    assert not _rep_lines(cap.out) and "live:" not in cap.out


def test_record_json_has_live_reps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "hop.bimu"
    sim = ["--sim", "polar-h10", "--sim-program", "hop:8", "--sim-speed", "50"]
    code = main(["record", *sim, "--exercise", "hop", "--out", str(out), "--json"])
    assert code == 0
    doc = json.loads(capsys.readouterr().out)  # cue lines do not break the JSON
    live = doc["live"]
    assert live["exercise"] == "hop" and abs(live["reps"] - 8) <= 1
    assert len(live["events"]) == live["reps"]
    for ev in live["events"]:
        assert 0 < ev["emitted_s"] - ev["rep_end_s"] < 1.0


def test_record_profile_baseline_from_dose_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(tmp_path / "dose.db")
    out = str(tmp_path / "x.bimu")
    base = ["record", "--sim", "polar-h10", "--duration", "5", "--sim-speed", "20", "--out", out]
    assert main([*base, "--exercise", "heel_drop", "--profile", "ann", "--db", db]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no profile 'ann'" in err[0]

    assert main(["log", "--db", db, "profile", "add", "ann"]) == 0
    assert main([*base, "--exercise", "heel_drop", "--profile", "ann", "--db", db]) == 0
    assert "no heel_drop reps logged for 'ann' yet" in capsys.readouterr().err
    assert read_recording(out).meta.extra["profile"] == "ann"


def test_thingy_record_and_replay_fast_are_lossless(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The simulated Thingy:52 at 60x real time: no spurious drops, gaps or drift, 100 Hz.
    out = tmp_path / "thingy.bimu"
    sim = ["--sim", "thingy52", "--sim-speed", "60", "--duration", "30"]
    assert main(["record", *sim, "--out", str(out), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["dropped_samples"] == 0 and doc["gaps"] == []
    assert abs(doc["drift_ppm"]) < 50
    rec = read_recording(out)
    assert rec.has_gyro and rec.fs_hz == pytest.approx(100, rel=1e-3)

    again = tmp_path / "again.bimu"
    assert main(["replay", str(out), "--speed", "60", "--out", str(again), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["dropped_samples"] == 0 and doc["gaps"] == []
    assert abs(doc["drift_ppm"]) < 50
    rep = read_recording(again)
    assert rep.fs_hz == pytest.approx(100, rel=1e-3)
    assert rep.duration_s == pytest.approx(rec.duration_s, abs=0.5)


@pytest.mark.parametrize(
    ("kind", "extra", "placement"),
    [
        ("polar-h10", [], "chest"),
        ("polar-verity", [], "waist"),
        ("thingy52", [], "waist"),
        ("polar-h10", ["--sim-placement", "waist"], "waist"),
        ("thingy52", ["--placement", "thigh"], "thigh"),
    ],
)
def test_sim_motion_placement_matches_the_header(
    kind: str,
    extra: list[str],
    placement: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import inspect

    import firmware_sims.ble as sim_ble

    real = sim_ble.motion_for_program
    default = inspect.signature(real).parameters["placement"].default
    simulated: list[str] = []

    def spy(program: str | None, **kw: object) -> object:
        simulated.append(str(kw.get("placement", default)))
        return real(program, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(sim_ble, "motion_for_program", spy)
    out = tmp_path / "x.bimu"
    args = ["record", "--sim", kind, *extra, "--sim-program", "heel_drop:2", "--duration", "5"]
    assert main([*args, "--sim-speed", "30", "--out", str(out)]) == 0
    assert simulated == [placement]
    assert read_recording(out).meta.placement == placement


def test_sim_placement_conflicts_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "x.bimu")
    both = ["--placement", "chest", "--sim-placement", "waist"]
    assert main(["record", "--sim", "polar-h10", *both, "--out", out]) == 2
    assert main(["record", "--device", "AA", "--sim-placement", "chest", "--out", out]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(err) == 2 and "disagree" in err[0] and "need --sim" in err[1]
