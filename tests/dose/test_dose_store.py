"""The dose log store: privacy, migrations, idempotency, edits, baseline."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import date
from pathlib import Path

import platformdirs
import pytest
from dose_builders import make_result

from boneimu.dose.migrations import MIGRATIONS, Migration, current_version, migrate
from boneimu.dose.models import ManualEntry, ProfileIn
from boneimu.dose.store import DoseLog, content_hash
from boneimu.errors import DoseLogError

D = date(2026, 11, 16)


def mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_file_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "new" / "dose.sqlite3"
        with DoseLog(path) as db:
            db.add_profile(ProfileIn(name="ann"))
            assert mode(path) == 0o600
            assert mode(path.parent) == 0o700
            for side in ("-wal", "-shm"):
                f = path.with_name(path.name + side)
                assert f.exists() and mode(f) == 0o600, side
    finally:
        os.umask(old)


def test_wider_existing_file_is_fixed(tmp_path: Path) -> None:
    tmp_path.chmod(0o755)
    path = tmp_path / "dose.sqlite3"
    DoseLog(path).close()
    path.chmod(0o644)
    DoseLog(path).close()
    assert mode(path) == 0o600
    assert mode(tmp_path) == 0o755  # a folder the user chose (and we did not create) is theirs


def test_default_location_is_private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "share" / "boneimu"
    data_dir.mkdir(parents=True, mode=0o755)
    data_dir.chmod(0o755)
    monkeypatch.delenv("BONEIMU_DB", raising=False)
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / "share" / app))
    with DoseLog() as db:
        assert db.path == data_dir / "dose.sqlite3"
    assert mode(data_dir) == 0o700 and mode(data_dir / "dose.sqlite3") == 0o600


def test_env_var_sets_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BONEIMU_DB", str(tmp_path / "env.sqlite3"))
    with DoseLog() as db:
        assert db.path == tmp_path / "env.sqlite3"
    assert (tmp_path / "env.sqlite3").exists()


def test_wal_and_migrations_recorded(db: DoseLog) -> None:
    assert db.execute("PRAGMA journal_mode")[0][0] == "wal"
    assert db.execute("PRAGMA busy_timeout")[0][0] >= 1000
    rows = db.execute("SELECT version, name FROM schema_migrations")
    assert [(r[0], r[1]) for r in rows] == [(m.version, m.name) for m in MIGRATIONS]


def test_failed_migration_rolls_back(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    last = MIGRATIONS[-1].version
    broken = Migration(last + 1, "broken", "CREATE TABLE extra (x INTEGER); SELEC oops")
    with pytest.raises(DoseLogError, match=f"migration {last + 1}"):
        migrate(conn, (*MIGRATIONS, broken))
    assert current_version(conn) == last
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "extra" not in tables and "sessions" in tables


def test_newer_schema_refused(db_path: Path) -> None:
    DoseLog(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'x')")
    conn.commit()
    conn.close()
    with pytest.raises(DoseLogError, match="newer"):
        DoseLog(db_path)


def test_not_a_database(tmp_path: Path) -> None:
    p = tmp_path / "junk.sqlite3"
    p.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DoseLogError, match=str(p)):
        DoseLog(p)


def test_profiles(db: DoseLog) -> None:
    db.add_profile(ProfileIn(name="ann", body_mass_kg=60, date_of_birth=date(1955, 3, 1)))
    with pytest.raises(DoseLogError, match="already exists"):
        db.add_profile(ProfileIn(name="ann"))
    p = db.edit_profile("ann", body_mass_kg=61.5, vertebral_fracture=True)
    assert p.body_mass_kg == 61.5 and p.vertebral_fracture and p.date_of_birth == date(1955, 3, 1)
    with pytest.raises(DoseLogError, match="no profile 'zed'"):
        db.profile("zed")


def test_add_analysis_is_idempotent_and_stores_children(db: DoseLog) -> None:
    db.add_profile(ProfileIn(name="ann"))
    r = make_result(
        sets=[("heel_drop", 12, 2.5, 3)],
        walking=[("walk", 5, 500)],
        balance=[("tandem", 30.0)],
        bins=[(1.1, None, 12)],
    )
    row = db.add_analysis("ann", r, content_hash="sha256:x", date=D)
    assert row is not None and row.n_reps == 12 and row.n_impacts == 12
    assert db.add_analysis("ann", r, content_hash="sha256:x", date=D) is None
    counts = {
        t: db.execute(f"SELECT COUNT(*) FROM {t}")[0][0]
        for t in ("sessions", "sets", "reps", "flags", "impact_bins", "balance", "walking")
    }
    assert counts == {
        "sessions": 1,
        "sets": 1,
        "reps": 12,
        "flags": 3,
        "impact_bins": 1,
        "balance": 1,
        "walking": 1,
    }
    assert db.analysis(row.id) == r
    db.delete_session(row.id)
    assert db.execute("SELECT COUNT(*) FROM reps")[0][0] == 0


def test_manual_edit_and_delete(db: DoseLog) -> None:
    db.add_profile(ProfileIn(name="ann"))
    row = db.add_manual("ann", ManualEntry(date=D, exercise="band_row", sets=3, reps=10))
    assert row is not None and row.n_reps == 30
    row = db.edit_session(row.id, reps=12, load_kg=2.5)
    assert row.n_reps == 36 and db.manual_entry(row.id).load_kg == 2.5
    rec = db.add_analysis("ann", make_result(), content_hash="h", date=D)
    assert rec is not None
    with pytest.raises(DoseLogError, match="only date and notes"):
        db.edit_session(rec.id, reps=3)
    assert db.edit_session(rec.id, date=date(2026, 11, 17)).date == date(2026, 11, 17)
    db.delete_session(row.id)
    with pytest.raises(DoseLogError, match="no session"):
        db.delete_session(row.id)


def test_rep_baseline_uses_recent_unflagged_reps(db: DoseLog) -> None:
    db.add_profile(ProfileIn(name="ann"))
    db.add_analysis("ann", make_result(sets=[("heel_drop", 10, 2.5, 4)]), content_hash="a", date=D)
    db.add_analysis(
        "ann", make_result(sets=[("sit_to_stand", 5, 1.5, 0)]), content_hash="b", date=D
    )
    b = db.rep_baseline("ann", "heel_drop")
    assert b.n == 6 and b.n_sessions == 1
    assert b.median_duration_s() == 2.0 and b.median_phase_s("rise") == 0.8
    assert b.ldlj_a == (-6.0,) * 6
    assert db.rep_baseline("ann", "heel_drop", max_reps=2).n == 2
    assert db.rep_baseline("ann", "hop").empty


def test_content_hash_file_and_folder(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_bytes(b"1,2,3\n")
    d = tmp_path / "folder"
    d.mkdir()
    (d / "Accelerometer.csv").write_bytes(b"x")
    h1 = content_hash(d)
    assert content_hash(f) != content_hash(d)
    (d / "Accelerometer.csv").write_bytes(b"y")
    assert content_hash(d) != h1
