"""`boneimu info` and `boneimu convert` on recordings with known properties."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from boneimu.cli.info import InfoReport
from boneimu.cli.main import main
from boneimu.io import native, read_recording, tidy_csv
from boneimu.io._common import finish_recording_gyro_rows
from boneimu.recording import Recording
from boneimu.units import STANDARD_GRAVITY_M_S2 as G


def recording(
    *,
    fs_hz: float = 100.0,
    n: int = 1000,
    gyro: bool = True,
    scale: float = 1.0,
    gap_after: int | None = None,
    clip_g: float | None = None,
    jitter_frac: float = 0.0,
    **meta: object,
) -> Recording:
    rng = np.random.default_rng(5)
    step = 1e9 / fs_hz
    t = np.round(np.arange(n) * step + rng.uniform(-1, 1, n) * jitter_frac * step)
    t = t.astype(np.int64) + 1_700_000_000_000_000_000
    if gap_after is not None:
        t[gap_after + 1 :] += 2_000_000_000
    acc = np.column_stack([rng.normal(0, 0.2, n), G + rng.normal(0, 0.2, n), rng.normal(0, 0.2, n)])
    if clip_g is not None:
        acc[100:103, 2] = clip_g * G
    acc *= scale
    g = rng.normal(0, 0.1, (n, 3)) if gyro else None
    return finish_recording_gyro_rows(
        "mem", time_ns=t, acc_m_s2=acc, gyro_rad_s=g, source_format="sensor_logger_zip", **meta
    )


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def info_json(capsys: pytest.CaptureFixture[str], path: Path) -> InfoReport:
    code, out, err = run(capsys, "info", "--json", str(path))
    assert code == 0, err
    return InfoReport.model_validate_json(out)


def test_info_text_on_a_clean_recording(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = native.write_recording(
        recording(device="Pixel 7", placement="waist", nominal_rate_hz=100.0, timezone="UTC"),
        tmp_path / "clean.bimu",
    )
    code, out, err = run(capsys, "info", p)
    assert code == 0 and err == ""
    assert "Format:       boneimu_native (from sensor_logger_zip, Pixel 7, worn at waist)" in out
    assert "Duration:     9.99 s (1,000 samples)" in out
    assert "100.00 Hz measured (nominal 100 Hz); gyroscope 100.00 Hz" in out
    assert "Gaps:         none" in out
    assert "Clipping:     none detected" in out
    assert "Gravity:      +y up: device upright" in out
    assert "Advice:" not in out


def test_info_json_fields(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rec = recording(gap_after=499)
    r = info_json(capsys, tidy_csv.write_tidy_csv(rec, tmp_path / "r.csv"))
    assert r.format == "boneimu_tidy_csv" and r.recorded_from == "sensor_logger_zip"
    assert r.n_samples == 1000 and r.has_gyro
    assert r.duration_s == pytest.approx(rec.duration_s)
    assert r.sample_rate_hz == pytest.approx(100.0, rel=1e-3)
    assert r.acc_norm_median_m_s2 == pytest.approx(G, abs=0.05)
    assert (r.gap_count, r.gap_longest_s) == (1, pytest.approx(2.01, abs=0.01))
    assert r.gravity.up_axis == "+y" and r.axis_ranges[1].max_g > 1.0
    assert any("gap" in a for a in r.advice)


@pytest.mark.parametrize(
    ("kwargs", "advice"),
    [
        ({"clip_g": 8.0}, "range limit on +z"),
        ({"fs_hz": 12.5, "n": 200}, "below the 20 Hz"),
        ({"jitter_frac": 0.45}, "jitter"),
        ({"scale": 1 / G}, "look like g, not m/s²"),
        ({"gyro": False}, "no gyroscope"),
    ],
)
def test_info_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kwargs: dict[str, object], advice: str
) -> None:
    r = info_json(capsys, native.write_recording(recording(**kwargs), tmp_path / "a.bimu"))  # type: ignore[arg-type]
    assert any(advice in a for a in r.advice), r.advice
    assert len(r.advice) == 1, r.advice


def test_info_generic_csv_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "lab.csv"
    rows = "".join(f"{i / 50:.2f},0.01,1.0,0.02\n" for i in range(300))
    p.write_text("t,ax,ay,az\n" + rows)
    args = ["--csv-time-col", "t", "--csv-time-unit", "s", "--csv-acc-cols", "ax,ay,az"]
    args += ["--csv-acc-unit", "g"]
    code, out, err = run(capsys, "info", "--json", p, *args)
    assert code == 0, err
    r = InfoReport.model_validate_json(out)
    assert r.format == "generic_csv" and r.sample_rate_hz == pytest.approx(50.0)
    assert r.acc_norm_median_m_s2 == pytest.approx(G, rel=1e-3)
    code, _, err = run(capsys, "info", p, "--format", "phyphox", *args)
    assert code == 2 and "only apply with --format generic_csv" in err


def test_convert_round_trip_and_resample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rec = recording(gap_after=599, device="H10")
    src = tidy_csv.write_tidy_csv(rec, tmp_path / "in.csv")
    code, out, err = run(capsys, "convert", src, tmp_path / "out.bimu")
    assert code == 0 and out.startswith(f"wrote {tmp_path / 'out.bimu'} (native, 1,000 samples")
    back = read_recording(tmp_path / "out.bimu")
    assert np.array_equal(back.acc_m_s2, rec.acc_m_s2) and back.meta.device == "H10"
    args = ["--to", "tidy_csv", "--resample", "50"]
    code, out, err = run(capsys, "convert", tmp_path / "out.bimu", tmp_path / "r.txt", *args)
    assert code == 0, err
    res = read_recording(tmp_path / "r.txt")
    assert res.meta.resampled is not None and res.meta.resampled.n_segments == 2
    assert res.meta.measured_rate_hz == pytest.approx(50.0) and len(res.meta.gaps) == 1
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    ("out_name", "extra", "message"),
    [
        ("out.xyz", [], "cannot tell the output format"),
        ("in.csv", ["--to", "native"], "already exists"),
        ("in.csv", ["--to", "tidy_csv", "--overwrite"], "would overwrite the input"),
    ],
)
def test_convert_refusals(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    out_name: str,
    extra: list[str],
    message: str,
) -> None:
    src = tidy_csv.write_tidy_csv(recording(), tmp_path / "in.csv")
    before = src.read_bytes()
    code, _, err = run(capsys, "convert", src, tmp_path / out_name, *extra)
    assert code == 2 and message in err and len(err.splitlines()) == 1
    assert src.read_bytes() == before


@pytest.mark.realdata
def test_real_belt_imu_info_and_lossless_convert(
    realdata: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """McGinnis CMJ belt IMU (128 Hz, m/s², rad/s) through the generic CSV options."""
    src = realdata / "mcginnis-cmj" / "example_data.csv"
    opts = ["--csv-time-col", "t_s", "--csv-time-unit", "s", "--csv-acc-unit", "m/s2"]
    opts += ["--csv-acc-cols", "ax_ms2,ay_ms2,az_ms2", "--csv-gyro-cols", "wx_rads,wy_rads,wz_rads"]
    opts += ["--csv-gyro-unit", "rad/s"]
    code, out, err = run(capsys, "info", "--json", src, *opts)
    assert code == 0, err
    r = InfoReport.model_validate_json(out)
    assert r.sample_rate_hz == pytest.approx(128.0, rel=1e-3) and r.has_gyro
    assert r.acc_norm_median_m_s2 == pytest.approx(G, rel=0.02)
    assert r.duration_s == pytest.approx(97.9, abs=0.1) and r.gap_count == 0
    assert not r.clipping.detected
    code, _, err = run(capsys, "convert", src, tmp_path / "cmj.bimu", *opts)
    assert code == 0, err
    a = read_recording(src, fmt="generic_csv", **_generic_options(opts))
    b = read_recording(tmp_path / "cmj.bimu")
    assert np.array_equal(a.time_ns, b.time_ns) and np.array_equal(a.acc_m_s2, b.acc_m_s2)
    assert np.array_equal(a.gyro_rad_s, b.gyro_rad_s)  # type: ignore[arg-type]


def _generic_options(cli_args: list[str]) -> dict[str, object]:
    from boneimu.io.generic_csv import options_from_cli

    kwargs = {
        cli_args[i].lstrip("-").replace("-", "_"): cli_args[i + 1]
        for i in range(0, len(cli_args), 2)
    }
    opts = options_from_cli(**kwargs)
    assert opts is not None
    return opts


def test_info_shows_actigraph_local_start_when_zone_unknown(
    realdata: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = realdata / "impactr-actigraph" / "hip-raw.csv"
    assert main(["info", str(path)]) == 0
    start = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("Start:")]
    assert len(start) == 1
    assert "2021-04-06T15:43:00 local, time zone unknown" in start[0]


def test_convert_says_when_the_barometer_is_not_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import zipfile

    src = Path(__file__).resolve().parents[2] / "recordings"
    src = src / "demo_session_sensor_logger_android.zip"
    with zipfile.ZipFile(src) as z:
        members = {n: z.read(n) for n in z.namelist()}
    acc = next(n for n in members if n.endswith("TotalAcceleration.csv"))
    t0 = int(members[acc].splitlines()[1].split(b",")[0])
    folder = acc.rsplit("/", 1)[0]
    members[f"{folder}/Barometer.csv"] = (
        "time,seconds_elapsed,relativeAltitude,pressure\n"
        + "".join(f"{t0 + i * 10**9},{i}.0,0.0,{1013.0 + i * 0.01:.2f}\n" for i in range(60))
    ).encode()
    with_baro = tmp_path / "with_baro.zip"
    with zipfile.ZipFile(with_baro, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    assert read_recording(with_baro).baro is not None
    code, out, err = run(capsys, "convert", str(with_baro), str(tmp_path / "x.bimu"))
    assert code == 0 and "wrote" in out
    assert "barometer track (60 samples) is not stored" in err
    code, _, err = run(capsys, "convert", str(src), str(tmp_path / "y.bimu"))
    assert code == 0 and "barometer" not in err
