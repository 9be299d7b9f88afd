"""Schema migrations for the dose log, applied in order, each in one transaction.

Every applied migration is recorded in ``schema_migrations`` (version, name, UTC time). A
migration that fails rolls back completely: the database stays at the previous version.
Append new migrations to :data:`MIGRATIONS`; never edit one that has shipped.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from boneimu.errors import DoseLogError


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


_V1 = """
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    body_mass_kg REAL,
    height_m REAL,
    date_of_birth TEXT,
    age_band TEXT,
    osteopenia INTEGER NOT NULL DEFAULT 0,
    osteoporosis INTEGER NOT NULL DEFAULT 0,
    vertebral_fracture INTEGER NOT NULL DEFAULT 0,
    medical_clearance INTEGER NOT NULL DEFAULT 0,
    program TEXT NOT NULL DEFAULT 'default',
    created_utc TEXT NOT NULL
);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('recording', 'manual')),
    content_hash TEXT NOT NULL,
    date TEXT NOT NULL,
    start_time_utc TEXT,
    source_path TEXT,
    format TEXT,
    duration_s REAL,
    placement TEXT,
    body_mass_kg REAL,
    exercise TEXT,
    minutes REAL,
    flights REAL,
    notes TEXT,
    n_sets INTEGER NOT NULL DEFAULT 0,
    n_reps INTEGER NOT NULL DEFAULT 0,
    n_impacts INTEGER NOT NULL DEFAULT 0,
    osteogenic_index REAL NOT NULL DEFAULT 0,
    daily_stress_stimulus REAL NOT NULL DEFAULT 0,
    peak_acc_g REAL,
    peak_grf_bw REAL,
    any_clipped INTEGER NOT NULL DEFAULT 0,
    analysis_json TEXT,
    created_utc TEXT NOT NULL,
    UNIQUE (profile_id, content_hash)
);
CREATE INDEX sessions_profile_date ON sessions (profile_id, date);
CREATE TABLE sets (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    exercise TEXT NOT NULL,
    start_s REAL,
    end_s REAL,
    n_reps INTEGER,
    load_kg REAL,
    seconds REAL
);
CREATE INDEX sets_session ON sets (session_id);
CREATE TABLE reps (
    id INTEGER PRIMARY KEY,
    set_id INTEGER NOT NULL REFERENCES sets(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    impact_s REAL,
    peak_acc_g REAL NOT NULL,
    duration_s REAL,
    clipped INTEGER NOT NULL DEFAULT 0,
    peak_grf_bw REAL,
    peak_grf_n REAL,
    ldlj_a REAL,
    sparc REAL,
    rushed INTEGER NOT NULL DEFAULT 0,
    jerky INTEGER NOT NULL DEFAULT 0,
    phases_json TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX reps_set ON reps (set_id);
CREATE TABLE flags (
    id INTEGER PRIMARY KEY,
    rep_id INTEGER NOT NULL REFERENCES reps(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    reason TEXT NOT NULL,
    value REAL,
    threshold REAL
);
CREATE INDEX flags_rep ON flags (rep_id);
CREATE TABLE impact_bins (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    lower_g REAL NOT NULL,
    upper_g REAL,
    count INTEGER NOT NULL
);
CREATE INDEX impact_bins_session ON impact_bins (session_id);
CREATE TABLE balance (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    stance TEXT NOT NULL,
    sway_score REAL NOT NULL,
    hold_s REAL
);
CREATE INDEX balance_session ON balance (session_id);
CREATE TABLE walking (
    id INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    start_s REAL NOT NULL,
    end_s REAL NOT NULL,
    kind TEXT NOT NULL,
    steps INTEGER NOT NULL,
    cadence_spm REAL NOT NULL
);
CREATE INDEX walking_session ON walking (session_id);
"""

# v2: the analysis marks quiet standing between two holds of one balance exercise
# ``probable_rest`` (probably the rest between them); rows logged before keep 0 (not a rest)
_V2 = "ALTER TABLE balance ADD COLUMN probable_rest INTEGER NOT NULL DEFAULT 0"

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _V1),
    Migration(2, "balance probable_rest", _V2),
)


def current_version(conn: sqlite3.Connection) -> int:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_utc TEXT NOT NULL)"
    )
    row = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
    return int(row[0] or 0)


def migrate(
    conn: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS, *, where: str = ""
) -> list[int]:
    """Apply every migration newer than the database; return the versions applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``). Each migration runs inside
    ``BEGIN IMMEDIATE`` ... ``COMMIT``, so concurrent openers apply it exactly once.
    """
    applied: list[int] = []
    known = max((m.version for m in migrations), default=0)
    for mig in sorted(migrations, key=lambda m: m.version):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if current_version(conn) >= mig.version:
                conn.execute("COMMIT")
                continue
            for statement in _statements(mig.sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO schema_migrations (version, name, applied_utc) VALUES (?, ?, ?)",
                (mig.version, mig.name, datetime.now(UTC).isoformat()),
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            conn.execute("ROLLBACK")
            raise DoseLogError(
                f"{where}: migration {mig.version} ({mig.name}) failed: {exc}"
            ) from None
        applied.append(mig.version)
    version = current_version(conn)
    if version > known:
        raise DoseLogError(
            f"{where}: database schema version {version} is newer than this boneimu ({known})"
        )
    return applied


def _statements(sql: str) -> list[str]:
    """Split a migration script into statements (executescript would auto-commit)."""
    return [s.strip() for s in sql.split(";") if s.strip()]
