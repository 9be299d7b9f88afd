"""Labels: consistent with the program, with each other and with the published schema."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from boneimu.labels import labels_json_schema
from firmware_sims import SimSession, simulate_session

ROOT = Path(__file__).resolve().parents[2]


def test_published_schema_is_current() -> None:
    published = (ROOT / "docs" / "labels.schema.json").read_text()
    assert published == labels_json_schema(), (
        "docs/labels.schema.json is stale; regenerate it with "
        "python -c 'from boneimu.labels import labels_json_schema as s; print(s(), end=\"\")'"
    )


def test_counts_match_the_program() -> None:
    sim = simulate_session(
        "heel_drop:2x7@rushed=0.3,jerky=0.15, sit_to_stand:2x4, hop:1x9, tandem:2x20s, walk:40s",
        seed=21,
    )
    by_ex: dict[str, list[int]] = {}
    for s in sim.labels.sets:
        by_ex.setdefault(s.exercise, []).append(len(s.reps))
    assert by_ex == {"heel_drop": [7, 7], "sit_to_stand": [4, 4], "hop": [9]}
    hd = [r for s in sim.labels.sets if s.exercise == "heel_drop" for r in s.reps]
    assert sum(r.rushed for r in hd) == 2 * round(0.3 * 7)
    assert sum(r.jerky for r in hd) == 2 * round(0.15 * 7)
    assert [b.stance for b in sim.labels.balance] == ["tandem", "tandem"]
    assert {w.kind for w in sim.labels.walking} == {"walk"}


def test_times_are_ordered_and_inside_the_recording(short_sim: SimSession) -> None:
    lab, dur = short_sim.labels, short_sim.recording.duration_s
    prev_end = -1.0
    for s in lab.sets:
        assert s.start_s >= prev_end
        assert s.start_s == s.reps[0].start_s and s.end_s == s.reps[-1].end_s
        for r in s.reps:
            assert prev_end <= r.start_s < r.end_s <= dur
            if r.impact_s is not None:
                assert r.start_s <= r.impact_s <= r.end_s
            prev_end = r.end_s
    for b in lab.balance:
        assert 0 <= b.start_s < b.end_s <= dur
        assert 0 < b.hold_s <= b.end_s - b.start_s + 1e-6
        assert all(b.start_s < t < b.end_s for t in b.touchdowns_s)


def test_label_peaks_match_the_recorded_signal(short_sim: SimSession) -> None:
    """Recorded peaks (sampled, noisy) sit close to the label's band-limited true peak."""
    rec = short_sim.recording
    mag = np.linalg.norm(rec.acc_m_s2, axis=1) / 9.80665
    t = rec.t_s
    errs = []
    for s in short_sim.labels.sets:
        for r in s.reps:
            if r.impact_s is None:
                continue
            m = np.abs(t - r.impact_s) < 0.05
            errs.append(mag[m].max() / r.peak_acc_g - 1.0)
    assert len(errs) == 8
    assert np.median(np.abs(errs)) < 0.12
    assert max(errs) < 0.1  # sampling never overshoots the band-limited truth by much


def test_touchdowns_end_holds() -> None:
    sim = simulate_session("single_leg:30s@eyes=closed,touchdowns=1", seed=4)
    b = sim.labels.balance[0]
    assert b.touchdowns_s
    assert abs(b.hold_s - (b.touchdowns_s[0] - b.start_s)) < 1e-3


def test_labels_round_trip_json(tmp_path: Path, short_sim: SimSession) -> None:
    from boneimu.labels import load_labels

    path = short_sim.write(tmp_path, fmt="phyphox_csv_semicolon", stem="x")
    lab = load_labels(tmp_path / "x.labels.json")
    assert lab.recording == path.name
    assert lab.sets == short_sim.labels.sets


def test_rushed_reps_are_faster() -> None:
    sim = simulate_session("heel_drop:1x10@rushed=0.4, sit_to_stand:1x8@rushed=0.5", seed=6)
    for s in sim.labels.sets:
        key = ("rise",) if s.exercise == "heel_drop" else ("flexion", "rise", "extension")
        fast = [sum(r.phases_s[k] for k in key) for r in s.reps if r.rushed]
        slow = [sum(r.phases_s[k] for k in key) for r in s.reps if not r.rushed]
        assert fast and slow and max(fast) < min(slow)
        if s.exercise == "sit_to_stand":
            assert max(fast) < 1.1


def test_stairs_and_other_activities_are_labelled() -> None:
    sim = simulate_session("stairs:1min, handling:8s, fidget:10s, sit:15s", seed=2)
    kinds = {w.kind for w in sim.labels.walking}
    assert kinds == {"stairs_up", "stairs_down"}
    acts = {o.activity for o in sim.labels.other}
    assert {"handling", "fidget", "sitting", "stair_landing"} <= acts


def test_hold_starts_when_the_step_in_ends() -> None:
    """The labelled hold starts at the end of the step into the stance: the body is moving
    (the steps) right before it and only sways after it."""
    sim = simulate_session("tandem:1x20s@touchdowns=0, single_leg:1x20s@touchdowns=0", seed=8)
    t, acc = sim.truth.t_s, sim.truth.acc_world_m_s2
    for b in sim.labels.balance:
        before = (t >= b.start_s - 0.5) & (t < b.start_s)
        after = (t >= b.start_s + 1.0) & (t < b.start_s + 6.0)
        step = np.abs(acc[before, :2]).max()
        sway = np.abs(acc[after, :2]).max()
        assert step > 3 * sway, (b.stance, step, sway)


def test_hop_labels_time_the_contact_after_each_landing() -> None:
    sim = simulate_session("hop:3x8@rushed=0.4", seed=9)
    for s in sim.labels.sets:
        assert "contact" not in s.reps[-1].phases_s and not s.reps[-1].rushed
        contacts = [r.phases_s["contact"] for r in s.reps[:-1]]
        fast = [c for c, r in zip(contacts, s.reps[:-1], strict=True) if r.rushed]
        slow = [c for c, r in zip(contacts, s.reps[:-1], strict=True) if not r.rushed]
        assert fast and max(fast) < min(slow)
        # the set spans the first hop's flight, then contact + flight per later hop
        span = s.reps[-1].impact_s - s.reps[0].impact_s
        assert abs(span - sum(contacts) - sum(r.phases_s["flight"] for r in s.reps[1:])) < 0.3
