"""Regenerate the bundled sample sessions in ``recordings/`` and ``recordings/MANIFEST.json``.

``python -m firmware_sims.regenerate [--out recordings] [--check]``. Deterministic: every file
is bit-for-bit the same on every run (fixed seeds, fixed zip timestamps), so a test can
regenerate into a temporary folder and compare SHA-256 digests with the manifest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

from firmware_sims.session import simulate_session

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Spec:
    stem: str
    program: str
    placement: str
    fmt: str
    seed: int
    fs_hz: float = 100.0
    phone: str = "android"
    acc_range_g: float | None = None
    gaps: tuple[tuple[float, float], ...] = ()
    drop_prob: float | None = None
    description: str = ""


SPECS: tuple[Spec, ...] = (
    Spec(
        "demo_session_sensor_logger_android",
        "heel_drop:2x8@rest=15s, sit_to_stand:2x5@rest=15s, tandem:30s, walk:45s",
        "waist",
        "sensor_logger_android",
        101,
        description="demo: waist phone, heel drops, sit-to-stands, a tandem hold and walking",
    ),
    Spec(
        "hops_lower_back_sensor_logger_ios",
        "hop:2x12, stand:10s",
        "lower_back",
        "sensor_logger_ios",
        102,
        fs_hz=50.0,
        phone="ios",
        description="mini hops, phone at the lower back, iPhone export (iOS signs, folder)",
    ),
    Spec(
        "sit_to_stand_thigh_phyphox",
        "sit:20s, sit_to_stand:2x8@rushed=0.25, stand:15s",
        "thigh",
        "phyphox_zip",
        103,
        description="sit-to-stands (some rushed), phone in the front trouser pocket; phyphox zip",
    ),
    Spec(
        "balance_chest_phyphox_semicolon",
        "two_leg:30s, tandem:30s@eyes=closed, single_leg:2x20s",
        "chest",
        "phyphox_csv_semicolon",
        104,
        fs_hz=50.0,
        description="balance holds (two-leg, tandem eyes closed, single-leg), chest; "
        "phyphox bare CSV with semicolons and decimal commas",
    ),
    Spec(
        "walking_waist_native",
        "walk:1min, brisk_walk:1min, stairs:1min, handling:8s, fidget:15s",
        "waist",
        "native",
        105,
        description="slow/brisk walking, stairs, phone handling, fidgeting; boneimu native",
    ),
    Spec(
        "rushed_jerky_waist_sensor_logger_android",
        "heel_drop:2x12@rushed=0.25,jerky=0.25, sit_to_stand:1x8@jerky=0.25,rushed=0.25",
        "waist",
        "sensor_logger_android",
        106,
        description="heel drops and sit-to-stands with labelled rushed and jerky reps",
    ),
    Spec(
        "faults_clipped_gaps_thigh_sensor_logger_android",
        "hop:1x10, heel_drop:1x10, walk:30s",
        "thigh",
        "sensor_logger_android",
        107,
        acc_range_g=4.0,
        gaps=((40.0, 1.5), (75.0, 0.6)),
        drop_prob=0.01,
        description="faults: ±4 g range (clipped landings), two gaps, 1 % dropped samples",
    ),
)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    if path.is_dir():
        for f in sorted(p for p in path.rglob("*") if p.is_file()):
            h.update(f.relative_to(path).as_posix().encode() + b"\0")
            h.update(hashlib.sha256(f.read_bytes()).hexdigest().encode() + b"\n")
    else:
        h.update(path.read_bytes())
    return h.hexdigest()


def content_digest(path: Path) -> str:
    """SHA-256 of what a reader sees: member names and bytes for a zip (independent of the
    zlib build that compressed it), else the same as the file digest."""
    if path.is_file() and zipfile.is_zipfile(path):
        h = hashlib.sha256()
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                h.update(info.filename.encode() + b"\0")
                h.update(hashlib.sha256(zf.read(info)).hexdigest().encode() + b"\n")
        return h.hexdigest()
    return _digest(path)


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    return path.stat().st_size


def build(spec: Spec, out: Path) -> dict[str, object]:
    from firmware_sims.sensors import phone_spec

    sensor = phone_spec(spec.phone, fs_hz=spec.fs_hz, acc_range_g=spec.acc_range_g)
    if spec.gaps or spec.drop_prob is not None:
        changes: dict[str, object] = {"gaps": spec.gaps}
        if spec.drop_prob is not None:
            changes["drop_prob"] = spec.drop_prob
        sensor = sensor.with_faults(**changes)
    sim = simulate_session(spec.program, placement=spec.placement, seed=spec.seed, spec=sensor)
    path = sim.write(out, fmt=spec.fmt, stem=spec.stem)
    labels = out / f"{spec.stem}.labels.json"
    reps = {s.exercise: 0 for s in sim.labels.sets}
    for s in sim.labels.sets:
        reps[s.exercise] += len(s.reps)
    return {
        "file": path.name,
        "labels": labels.name,
        "format": spec.fmt,
        "device": sim.spec.device,
        "rate_hz": spec.fs_hz,
        "acc_range_g": sim.spec.acc_range_g,
        "placement": spec.placement,
        "program": spec.program,
        "seed": spec.seed,
        "duration_s": round(sim.recording.duration_s, 2),
        "contents": spec.description,
        "reps": reps,
        "balance_holds": len(sim.labels.balance),
        "walking_bouts": len(sim.labels.walking),
        "bytes": _size(path),
        "sha256": _digest(path),
        "content_sha256": content_digest(path),
        "labels_sha256": _digest(labels),
    }


def regenerate(out: Path) -> dict[str, object]:
    """Write every sample session and the manifest into ``out``; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    for spec in SPECS:
        for old in out.glob(f"{spec.stem}*"):
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    entries = [build(spec, out) for spec in SPECS]
    manifest: dict[str, object] = {
        "generator": "python -m firmware_sims.regenerate",
        "note": "simulated sessions with exact labels; see docs/simulator.md",
        "recordings": entries,
    }
    (out / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "recordings")
    args = ap.parse_args(argv)
    m = regenerate(args.out)
    entries = m["recordings"]
    assert isinstance(entries, list)
    total = sum(int(e["bytes"]) for e in entries)
    print(f"wrote {len(entries)} recordings ({total / 1e6:.1f} MB) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
