"""The bundled sample sessions: readable, labelled, and reproducible bit for bit."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from boneimu.io import read_recording
from boneimu.labels import load_labels
from boneimu.recording import PLACEMENTS


def _manifest(recordings_dir: Path) -> list[dict]:
    return json.loads((recordings_dir / "MANIFEST.json").read_text())["recordings"]


def test_manifest_covers_everything(recordings_dir: Path) -> None:
    entries = _manifest(recordings_dir)
    from firmware_sims.writers import FORMATS

    assert {e["format"] for e in entries} == set(FORMATS)
    assert {e["placement"] for e in entries} == set(PLACEMENTS)
    exercises = {ex for e in entries for ex in e["reps"]}
    assert exercises == {"heel_drop", "hop", "sit_to_stand"}
    assert any(e["balance_holds"] for e in entries) and any(e["walking_bouts"] for e in entries)
    assert "demo_session_sensor_logger_android.zip" in {e["file"] for e in entries}
    assert sum(e["bytes"] for e in entries) < 20e6


def test_every_recording_reads_and_matches_its_labels(recordings_dir: Path) -> None:
    for e in _manifest(recordings_dir):
        rec = read_recording(recordings_dir / e["file"])
        lab = load_labels(recordings_dir / e["labels"])
        assert lab.recording == e["file"]
        assert abs(rec.duration_s - e["duration_s"]) < 0.05
        assert abs(rec.fs_hz - e["rate_hz"]) / e["rate_hz"] < 0.02
        ends = [s.end_s for s in lab.sets] + [b.end_s for b in lab.balance]
        assert all(t <= rec.duration_s for t in ends)


@pytest.mark.slow
def test_regenerate_is_bit_for_bit(recordings_dir: Path, tmp_path: Path) -> None:
    from firmware_sims.regenerate import regenerate

    fresh = regenerate(tmp_path)["recordings"]
    assert isinstance(fresh, list)
    # zip members are compared by content: another zlib build may compress differently
    keys = ("content_sha256", "labels_sha256")
    old = {e["file"]: tuple(e[k] for k in keys) for e in _manifest(recordings_dir)}
    new = {e["file"]: tuple(e[k] for k in keys) for e in fresh}
    assert new == old, (
        "recordings/ is stale: run `make recordings` (python -m firmware_sims.regenerate)"
    )
    # the manifest's digests describe the files on disk
    from firmware_sims.regenerate import content_digest

    for e in _manifest(recordings_dir):
        assert content_digest(recordings_dir / e["file"]) == e["content_sha256"], e["file"]
