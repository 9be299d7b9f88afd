"""Physics sanity of the motion synthesis and the sensor-frame transformation."""

from __future__ import annotations

import numpy as np

from boneimu.units import STANDARD_GRAVITY_M_S2 as G
from firmware_sims import (
    Person,
    SimSession,
    random_mount,
    sensor_truth,
    simulate_session,
    synthesize_motion,
)
from firmware_sims.motion.frames import body_rate, euler_zyx, rotvec_to_matrix


def _window(sim: SimSession, t0: float, t1: float) -> np.ndarray:
    t = sim.truth.t_s
    return (t >= t0) & (t < t1)


def test_quiet_standing_reads_one_g() -> None:
    sim = simulate_session("stand:20s", placement="waist", seed=1, phone="ideal", person=Person())
    stand = next(o for o in sim.labels.other if o.activity == "standing")
    m = _window(sim, stand.start_s + 1.0, stand.end_s - 1.0)
    mag = np.linalg.norm(sim.truth.acc_m_s2[m], axis=1) / G
    assert abs(np.median(mag) - 1.0) < 0.002
    assert np.percentile(np.abs(mag - 1.0), 99) < 0.08


def test_hop_flight_is_free_fall_and_landing_is_an_impact(
    ideal_sims: dict[str, SimSession],
) -> None:
    for place, sim in ideal_sims.items():
        hop = next(s for s in sim.labels.sets if s.exercise == "hop")
        for rep in hop.reps:
            flight = rep.phases_s["flight"]
            assert rep.impact_s is not None and rep.peak_acc_g is not None
            # mid-flight: the impact is the landing, flight ends ~at the impact
            mid = _window(sim, rep.impact_s - 0.6 * flight, rep.impact_s - 0.4 * flight)
            mag = np.linalg.norm(sim.truth.acc_m_s2[mid], axis=1) / G
            assert mag.max() < 0.2, place
            assert rep.peak_acc_g > 2.0, place


def test_rotation_to_sensor_frame_preserves_norms() -> None:
    rng = np.random.default_rng(3)
    motion = synthesize_motion("walk:20s, sit_to_stand:1x2", Person(), rng, 200.0)
    for place in ("waist", "chest", "thigh", "lower_back"):
        tr = sensor_truth(motion, place, random_mount(place, rng), rng)
        f_world = tr.acc_world_m_s2 + np.array([0.0, 0.0, G])
        np.testing.assert_allclose(
            np.linalg.norm(tr.acc_m_s2, axis=1), np.linalg.norm(f_world, axis=1), rtol=1e-9
        )
        np.testing.assert_allclose(np.linalg.norm(tr.gravity_m_s2, axis=1), G, rtol=1e-12)


def test_body_rate_of_constant_spin() -> None:
    fs = 100.0
    t = np.arange(200) / fs
    r = euler_zyx(np.zeros_like(t), np.zeros_like(t), 0.5 * t)
    w = body_rate(r, fs_hz=fs)
    np.testing.assert_allclose(w[5:-5], np.tile([0.0, 0.0, 0.5], (190, 1)), atol=1e-4)
    rv = np.array([[0.3, -0.2, 1.1], [0.0, 0.0, 0.0]])
    m = rotvec_to_matrix(rv)
    np.testing.assert_allclose(
        m @ np.swapaxes(m, -1, -2), np.broadcast_to(np.eye(3), m.shape), atol=1e-12
    )


def test_thigh_rotates_about_90_degrees_in_sit_to_stand(ideal_sims: dict[str, SimSession]) -> None:
    sim = ideal_sims["thigh"]
    sts = next(s for s in sim.labels.sets if s.exercise == "sit_to_stand")
    rep = sts.reps[0]
    m = _window(sim, rep.start_s, rep.end_s)
    tilt = np.degrees(sim.truth.tilt_rad[m])
    assert tilt.max() > 75.0 and tilt.min() < 10.0
    # the device's gravity direction turns by about the same angle
    g = sim.truth.gravity_m_s2[m] / G
    turn = np.degrees(np.arccos(np.clip(np.min(g @ g[0]), -1, 1)))
    assert 70.0 < turn < 100.0
    waist = ideal_sims["waist"]
    wm = _window(waist, rep.start_s, rep.end_s)
    assert np.degrees(waist.truth.tilt_rad[wm]).max() < 60.0


def test_heel_drop_peaks_and_placement_attenuation(ideal_sims: dict[str, SimSession]) -> None:
    peaks = {}
    for place, sim in ideal_sims.items():
        hd = next(s for s in sim.labels.sets if s.exercise == "heel_drop")
        peaks[place] = np.median([r.peak_acc_g for r in hd.reps])
    assert 1.8 < peaks["waist"] < 4.5
    assert peaks["chest"] < peaks["waist"] < peaks["thigh"]


def test_balance_sway_ordering() -> None:
    person = Person()
    rms = {}
    for prog in ("two_leg", "tandem", "single_leg"):
        for eyes in ("open", "closed"):
            sim = simulate_session(
                f"{prog}:30s@eyes={eyes},touchdowns=0", seed=5, person=person, phone="ideal"
            )
            rms[(prog, eyes)] = sim.labels.balance[0].true_sway_rms_m_s2
    for eyes in ("open", "closed"):
        assert rms[("two_leg", eyes)] < rms[("tandem", eyes)] < rms[("single_leg", eyes)]
    for prog in ("two_leg", "tandem", "single_leg"):
        assert rms[(prog, "open")] < rms[(prog, "closed")]
    assert 0.01 < rms[("two_leg", "open")] < 0.1


def test_walking_cadence_and_heel_strikes(short_sim: SimSession) -> None:
    walk = short_sim.labels.walking
    assert walk
    for w in walk:
        assert w.cadence_spm is not None and 80 <= w.cadence_spm <= 135
        dur_min = (w.end_s - w.start_s) / 60.0
        assert abs(w.steps / dur_min - w.cadence_spm) < 0.15 * w.cadence_spm
