"""Sit-to-stand phase timing (boneimu.detect.sts_phases) against the simulator's labelled
phase boundaries, per placement, and its building blocks on synthetic signals."""

from __future__ import annotations

import numpy as np
import pytest

from boneimu.detect.events import Rep
from boneimu.detect.quality import assess_reps, rep_signals
from boneimu.detect.sts_phases import _hip_velocity, _pitch
from firmware_sims import simulate_session

PROGRAM = "sit_to_stand:1x8@rushed=0.2,jerky=0.2"
TOL_S = 0.2


def _durations(ph: dict[str, float]) -> dict[str, float]:
    out = dict(ph)
    if {"flexion", "rise", "extension"} <= ph.keys():
        out["transition"] = ph["flexion"] + ph["rise"] + ph["extension"]
    if {"flexion", "rise", "extension", "stand", "descent"} <= ph.keys():
        out["cycle"] = sum(ph.values())
    return out


def _errors(placement: str, seeds: tuple[int, ...]) -> dict[str, np.ndarray]:
    """|measured - labelled| per duration over the labelled rep windows (inf: not measured)."""
    err: dict[str, list[float]] = {}
    for seed in seeds:
        sim = simulate_session(program=PROGRAM, placement=placement, seed=seed)
        rec = sim.recording
        sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s, t_s=rec.t_s)
        s = sim.labels.sets[0]
        reps = []
        for r in s.reps:  # the detector's rep: the rise
            a = r.start_s + r.phases_s["flexion"]
            reps.append(Rep("sit_to_stand", a, a + r.phases_s["rise"], 1.0))
        for lab, q in zip(s.reps, assess_reps("sit_to_stand", reps, sig), strict=True):
            got, want = _durations(q.phases_s), _durations(lab.phases_s)
            for k, x in want.items():
                err.setdefault(k, []).append(abs(got[k] - x) if k in got else np.inf)
    return {k: np.asarray(v) for k, v in err.items()}


@pytest.mark.parametrize("placement", ["waist", "lower_back"])
def test_pelvis_sensor_times_every_phase(placement: str) -> None:
    """Pelvis sensors: every duration within ±0.2 s for >= 85 % of reps (the published
    held-out figures are 88-100 %; before the pitch-based timing extension / stand were
    within for 40 % and the lower back's descent for 15 %)."""
    err = _errors(placement, (41, 42))
    for k in ("flexion", "rise", "extension", "stand", "descent", "transition", "cycle"):
        assert np.mean(err[k] <= TOL_S) >= 0.85, (placement, k, np.round(err[k], 2))


def test_chest_sensor_times_flexion_rise_descent_and_cycle() -> None:
    """Chest: the labels' trunk-upright instant is the pelvis's; the chest segment re-extends
    later (a simulator labelling choice), so extension and stand are not held to the floor."""
    err = _errors("chest", (43, 44))
    for k in ("flexion", "rise", "descent", "cycle"):
        assert np.mean(err[k] <= TOL_S) >= 0.85, (k, np.round(err[k], 2))


def test_thigh_sensor_times_the_rise_and_omits_trunk_phases() -> None:
    """A thigh sensor turns with the thigh (the labels' seat-off / standing-height angle):
    its rise is timed from that; the trunk's flexion and re-extension are not reported."""
    err = _errors("thigh", (45, 46))
    assert np.mean(err["rise"] <= TOL_S) >= 0.85, np.round(err["rise"], 2)
    assert np.isinf(err["flexion"]).mean() >= 0.9
    assert np.isinf(err["extension"]).mean() >= 0.9


class _Sig:
    """The two RepSignals fields :func:`_pitch` reads."""

    def __init__(self, gyro: np.ndarray, fs_hz: float) -> None:
        self.gyro_rad_s = gyro
        self.fs_hz = fs_hz


def test_pitch_is_signed_and_debiased() -> None:
    """A lean forward and back about a tilted axis, plus a gyroscope bias: the pitch is
    positive while leaning and flat (not drifting) while still."""
    fs = 100.0
    t = np.arange(0, 8.0, 1 / fs)
    lean = 0.5 * np.clip((t - 2.0) / 1.0, 0, 1) - 0.5 * np.clip((t - 4.0) / 1.0, 0, 1)
    rate = np.gradient(lean, 1 / fs)
    axis = np.array([0.2, -0.9, 0.3]) / np.linalg.norm([0.2, -0.9, 0.3])
    gyro = rate[:, None] * axis[None, :] + np.array([0.02, -0.01, 0.015])
    p = _pitch(_Sig(gyro, fs), 0, t.size, 150, 350)  # type: ignore[arg-type]
    assert p is not None
    assert p[300] - p[150] == pytest.approx(0.5, abs=0.03)
    still = (t > 5.5) & (t < 7.9)
    assert np.ptp(p[still]) < 0.02  # the bias would add 0.06 rad here
    assert np.ptp(p[t < 1.9]) < 0.02


def test_hip_velocity_removes_the_lever_arm() -> None:
    """The sensor's vertical velocity = the hip's + lever x pitch rate; the hip is still
    during the lean before seat-off, so the lever is found there and removed."""
    fs = 100.0
    t = np.arange(0, 6.0, 1 / fs)
    pitch = 0.5 / (1 + np.exp(-(t - 1.5) * 8)) - 0.5 / (1 + np.exp(-(t - 4.5) * 8))
    hip_v = np.where((t > 2.2) & (t < 3.2), np.sin(np.pi * (t - 2.2)) ** 2 * 0.8, 0.0)
    rate = np.diff(pitch, prepend=pitch[0]) * fs
    v = hip_v + 0.12 * rate
    got = _hip_velocity(v, pitch, 50, 220, fs)
    assert np.max(np.abs(got - hip_v)) < 0.03
    assert np.max(np.abs(v - hip_v)) > 0.1  # the lever arm was there to remove


def test_without_gyroscope_phases_are_still_timed() -> None:
    sim = simulate_session(program="sit_to_stand:1x4", placement="waist", seed=47, gyro=False)
    rec = sim.recording
    sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=None, t_s=rec.t_s)
    s = sim.labels.sets[0]
    reps = []
    for r in s.reps:
        a = r.start_s + r.phases_s["flexion"]
        reps.append(Rep("sit_to_stand", a, a + r.phases_s["rise"], 1.0))
    qs = assess_reps("sit_to_stand", reps, sig)
    rise_err = [
        abs(q.phases_s["rise"] - lab.phases_s["rise"]) for q, lab in zip(qs, s.reps, strict=True)
    ]
    assert np.median(rise_err) <= TOL_S
    assert all("descent" in q.phases_s for q in qs)


def test_rise_kinematics_against_truth() -> None:
    """Each rise's vertical displacement against the label's hip displacement, and its peak
    vertical velocity against the device's true one (world-frame acceleration integrated over
    the labelled rise): medians within 0.05 m and 0.1 m/s (published: docs/validation.md)."""
    sim = simulate_session(program=PROGRAM, placement="waist", seed=48)
    rec, tr = sim.recording, sim.truth
    sig = rep_signals(rec.acc_m_s2, fs_hz=rec.fs_hz, gyro_rad_s=rec.gyro_rad_s, t_s=rec.t_s)
    s = sim.labels.sets[0]
    reps = []
    for r in s.reps:
        a = r.start_s + r.phases_s["flexion"]
        reps.append(Rep("sit_to_stand", a, a + r.phases_s["rise"], 1.0))
    dz, dv = [], []
    for lab, q in zip(s.reps, assess_reps("sit_to_stand", reps, sig), strict=True):
        assert q.vertical_displacement_m is not None and q.peak_vertical_velocity_m_s is not None
        a = lab.start_s + lab.phases_s["flexion"]
        sl = (tr.t_s >= a - 0.3) & (tr.t_s <= a + lab.phases_s["rise"] + 0.3)
        v = np.cumsum(tr.acc_world_m_s2[sl, 2]) / tr.fs_hz
        v -= np.linspace(0.0, v[-1], v.size)
        dz.append(q.vertical_displacement_m - (lab.vertical_displacement_m or 0.0))
        dv.append(q.peak_vertical_velocity_m_s - float(v.max()))
    assert abs(np.median(dz)) < 0.05, np.round(dz, 3)
    assert abs(np.median(dv)) < 0.1, np.round(dv, 3)


def test_half_width_of_a_pulse_cut_at_the_data_end_stops_there() -> None:
    """A pulse still above half maximum at the end of the data (a live stream cuts rises
    there) has its right edge at the last sample: it used to be extrapolated from the last
    two samples, landing thousands of samples away, and crashed the timing (empty argmin)."""
    from boneimu.detect.phases import _half_width

    v = np.concatenate([np.zeros(20), np.linspace(0.0, 1.0, 30), 0.9 + 1e-6 * np.arange(10)])
    k = int(np.argmax(v[:50]))
    left, right = _half_width(v, k, 0, v.size)
    assert 20 < left < k and right == v.size - 1
    left, right = _half_width(v[40:], k - 40, 0, v.size - 40)  # starts above half
    assert left == 0.0
