"""The dose log: a private SQLite database of profiles and logged sessions.

Location: ``$BONEIMU_DB`` if set, else ``platformdirs.user_data_dir("boneimu")/dose.sqlite3``;
every command also takes ``--db``. The file is created 0600 (its folder 0700) whatever the
umask, WAL mode lets readers work while one writer commits, ``busy_timeout`` makes concurrent
writers wait instead of failing, and every write is one ``BEGIN IMMEDIATE`` transaction, so a
writer killed at any moment leaves either all of a session or none of it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date as Date
from pathlib import Path
from typing import Any

import platformdirs

from boneimu.dose._rows import (
    insert_children,
    insert_manual_sets,
    manual_values,
    now_utc,
    profile_values,
)
from boneimu.dose.baseline import RepBaseline
from boneimu.dose.migrations import migrate
from boneimu.dose.models import ManualEntry, Profile, ProfileIn, SessionRow
from boneimu.errors import DoseLogError
from boneimu.labels import EXERCISES
from boneimu.results import AnalysisResult

DB_ENV = "BONEIMU_DB"
BUSY_TIMEOUT_MS = 30_000
BASELINE_MAX_REPS = 60
_PROFILE_COLS = (
    "name, body_mass_kg, height_m, date_of_birth, age_band, osteopenia, osteoporosis, "
    "vertebral_fracture, medical_clearance, program"
)


def default_db_path() -> Path:
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("boneimu")) / "dose.sqlite3"


def content_hash(path: str | Path) -> str:
    """sha256 of a file's bytes, or of a folder's files (relative names and bytes, sorted)."""
    p = Path(path)
    h = hashlib.sha256()
    try:
        if p.is_dir():
            for f in sorted(x for x in p.rglob("*") if x.is_file()):
                h.update(f.relative_to(p).as_posix().encode() + b"\0")
                h.update(hashlib.sha256(f.read_bytes()).digest())
        else:
            with p.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
    except OSError as exc:
        raise DoseLogError(f"{p}: cannot read for hashing ({exc.strerror or exc})") from None
    return "sha256:" + h.hexdigest()


def _make_private(path: Path, *, own_dir: bool) -> None:
    """Create ``path`` 0600 (and its folder 0700 when it is ours), fixing wider modes."""
    parent = path.parent
    try:
        if not parent.exists():
            parent.mkdir(mode=0o700, parents=True)
            own_dir = True
        pst = parent.stat()
        mine = hasattr(os, "getuid") and pst.st_uid == os.getuid()
        if own_dir and mine and stat.S_IMODE(pst.st_mode) != 0o700:
            parent.chmod(0o700)
        if not path.exists():
            # create 0600 atomically: never a moment with the umask's wider mode. Only before
            # SQLite opens the file: closing any descriptor of an open database would drop
            # this process's POSIX locks on it.
            flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            with contextlib.suppress(FileExistsError):  # another process was first
                os.close(os.open(path, flags, 0o600))
        for side in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            if side.exists() and stat.S_IMODE(side.stat().st_mode) & 0o077:
                side.chmod(0o600)
    except OSError as exc:
        raise DoseLogError(f"{path}: cannot create dose log ({exc.strerror or exc})") from None


class DoseLog:
    """Open (creating and migrating if needed) the dose log at ``path``."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path is not None else default_db_path()
        own_dir = path is None and DB_ENV not in os.environ
        _make_private(self.path, own_dir=own_dir)
        try:
            self._conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
            )
            self._conn.row_factory = sqlite3.Row
            self._conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._conn.execute("PRAGMA foreign_keys = ON")
            mode = self._conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            self._conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.DatabaseError as exc:
            raise DoseLogError(f"{self.path}: not a usable dose log ({exc})") from None
        if str(mode).lower() != "wal":
            raise DoseLogError(f"{self.path}: cannot switch to WAL journal mode (got {mode})")
        migrate(self._conn, where=str(self.path))
        _make_private(self.path, own_dir=False)  # the -wal/-shm files now exist

    # -- plumbing ---------------------------------------------------------------------------
    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> DoseLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all or nothing."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise DoseLogError(f"{self.path}: database busy or read-only ({exc})") from None
        try:
            yield self._conn
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        self._conn.execute("COMMIT")

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Read-only query helper for the week report and tests."""
        return list(self._conn.execute(sql, params))

    # -- profiles ---------------------------------------------------------------------------
    def add_profile(self, profile: ProfileIn) -> Profile:
        values = profile_values(profile)
        with self._write() as c:
            if c.execute("SELECT 1 FROM profiles WHERE name = ?", (profile.name,)).fetchone():
                raise DoseLogError(f"{self.path}: profile {profile.name!r} already exists")
            c.execute(
                f"INSERT INTO profiles ({_PROFILE_COLS}, created_utc) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, now_utc()),
            )
        return self.profile(profile.name)

    def profile(self, name: str) -> Profile:
        row = self._conn.execute("SELECT * FROM profiles WHERE name = ?", (name,)).fetchone()
        if row is None:
            known = ", ".join(p.name for p in self.profiles()) or "none yet"
            raise DoseLogError(f"{self.path}: no profile {name!r} (known: {known})")
        return Profile.model_validate(dict(row))

    def profiles(self) -> list[Profile]:
        rows = self._conn.execute("SELECT * FROM profiles ORDER BY name")
        return [Profile.model_validate(dict(r)) for r in rows]

    def edit_profile(self, name: str, **changes: Any) -> Profile:
        current = self.profile(name)
        merged = ProfileIn.model_validate(
            {**current.model_dump(exclude={"id", "created_utc"}), **changes}
        )
        values = profile_values(merged)
        sets = ", ".join(f"{c.strip()} = ?" for c in _PROFILE_COLS.split(","))
        with self._write() as c:
            try:
                c.execute(f"UPDATE profiles SET {sets} WHERE id = ?", (*values, current.id))
            except sqlite3.IntegrityError:
                raise DoseLogError(f"{self.path}: profile {merged.name!r} exists") from None
        return self.profile(merged.name)

    # -- sessions ---------------------------------------------------------------------------
    def add_analysis(
        self,
        profile: str,
        result: AnalysisResult,
        *,
        content_hash: str,
        date: Date | None = None,
        notes: str | None = None,
    ) -> SessionRow | None:
        """Store an analysed recording; ``None`` when this content is already logged."""
        prof = self.profile(profile)
        rec = result.recording
        if date is None:
            if rec.start_time_utc is None:
                raise DoseLogError(f"{rec.path}: recording has no start time; give a date")
            date = rec.start_time_utc.astimezone().date()
        d = result.dose
        n_reps = sum(len(s.reps) for s in result.sets)
        with self._write() as c:
            cur = c.execute(
                "INSERT INTO sessions (profile_id, kind, content_hash, date, start_time_utc, "
                "source_path, format, duration_s, placement, body_mass_kg, notes, n_sets, "
                "n_reps, n_impacts, osteogenic_index, daily_stress_stimulus, peak_acc_g, "
                "peak_grf_bw, any_clipped, analysis_json, created_utc) VALUES "
                "(?, 'recording', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (profile_id, content_hash) DO NOTHING",
                (
                    prof.id,
                    content_hash,
                    date.isoformat(),
                    rec.start_time_utc.isoformat() if rec.start_time_utc else None,
                    rec.path,
                    rec.format,
                    rec.duration_s,
                    rec.placement,
                    rec.body_mass_kg if rec.body_mass_kg is not None else prof.body_mass_kg,
                    notes,
                    len(result.sets),
                    n_reps,
                    d.n_impacts,
                    d.osteogenic_index,
                    d.daily_stress_stimulus,
                    d.peak_acc_g,
                    d.peak_grf_bw,
                    int(d.any_clipped),
                    result.model_dump_json(),
                    now_utc(),
                ),
            )
            if cur.rowcount == 0:
                return None
            sid = cur.lastrowid
            insert_children(c, sid, result)
        return self.session(int(sid or 0))

    def add_manual(self, profile: str, entry: ManualEntry) -> SessionRow | None:
        """Store a manual entry; ``None`` when its ``key`` is already logged (import)."""
        prof = self.profile(profile)
        key = entry.key or f"manual:{uuid.uuid4().hex}"
        with self._write() as c:
            cur = c.execute(
                "INSERT INTO sessions (profile_id, kind, content_hash, date, exercise, minutes, "
                "flights, notes, n_sets, n_reps, created_utc) VALUES "
                "(?, 'manual', ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (profile_id, content_hash) DO NOTHING",
                (prof.id, key, *manual_values(entry), now_utc()),
            )
            if cur.rowcount == 0:
                return None
            sid = int(cur.lastrowid or 0)
            insert_manual_sets(c, sid, entry)
        return self.session(sid)

    def has_content(self, profile: str, content_hash: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM sessions WHERE profile_id = ? AND content_hash = ?",
            (self.profile(profile).id, content_hash),
        ).fetchone()
        return row is not None

    def session(self, session_id: int) -> SessionRow:
        rows = self._sessions("s.id = ?", (session_id,))
        if not rows:
            raise DoseLogError(f"{self.path}: no session {session_id}")
        return rows[0]

    def sessions(
        self, profile: str | None = None, *, start: Date | None = None, end: Date | None = None
    ) -> list[SessionRow]:
        """Sessions, oldest first; ``start``/``end`` are inclusive dates."""
        where: list[str] = ["1"]
        params: list[Any] = []
        if profile is not None:
            where.append("s.profile_id = ?")
            params.append(self.profile(profile).id)
        if start is not None:
            where.append("s.date >= ?")
            params.append(start.isoformat())
        if end is not None:
            where.append("s.date <= ?")
            params.append(end.isoformat())
        return self._sessions(" AND ".join(where), tuple(params))

    def _sessions(self, where: str, params: tuple[Any, ...]) -> list[SessionRow]:
        rows = self._conn.execute(
            "SELECT s.*, p.name AS profile FROM sessions s JOIN profiles p ON p.id = s.profile_id "
            f"WHERE {where} ORDER BY s.date, s.id",
            params,
        )
        out = []
        for r in rows:
            skip = ("profile_id", "analysis_json")
            data = {k: r[k] for k in r.keys() if k not in skip}  # noqa: SIM118 (Row iterates values)
            out.append(SessionRow.model_validate(data))
        return out

    def analysis(self, session_id: int) -> AnalysisResult | None:
        row = self._conn.execute(
            "SELECT analysis_json FROM sessions WHERE id = ?", (session_id,)
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return AnalysisResult.model_validate_json(row[0])

    def manual_entry(self, session_id: int) -> ManualEntry:
        s = self.session(session_id)
        if s.kind != "manual":
            raise DoseLogError(f"{self.path}: session {session_id} is a recording, not manual")
        sets = self._conn.execute(
            "SELECT n_reps, load_kg, seconds FROM sets WHERE session_id = ? ORDER BY idx",
            (session_id,),
        ).fetchall()
        first = sets[0] if sets else None
        return ManualEntry(
            date=s.date,
            exercise=s.exercise or "",
            sets=len(sets) or None,
            reps=first["n_reps"] if first else None,
            load_kg=first["load_kg"] if first else None,
            seconds=first["seconds"] if first else None,
            minutes=s.minutes,
            flights=s.flights,
            notes=s.notes,
            key=s.content_hash,
        )

    def edit_session(self, session_id: int, **changes: Any) -> SessionRow:
        """Change a session's ``date``/``notes``; a manual entry's other fields too."""
        s = self.session(session_id)
        if s.kind == "recording":
            bad = set(changes) - {"date", "notes"}
            if bad:
                raise DoseLogError(
                    f"{self.path}: session {session_id} is a recording; only date and notes "
                    f"can be edited (not {', '.join(sorted(bad))})"
                )
            with self._write() as c:
                for k, v in changes.items():
                    c.execute(
                        f"UPDATE sessions SET {k} = ? WHERE id = ?",
                        (v.isoformat() if isinstance(v, Date) else v, session_id),
                    )
            return self.session(session_id)
        entry = ManualEntry.model_validate(
            {**self.manual_entry(session_id).model_dump(), **changes}
        )
        with self._write() as c:
            c.execute(
                "UPDATE sessions SET date = ?, exercise = ?, minutes = ?, flights = ?, notes = ?, "
                "n_sets = ?, n_reps = ? WHERE id = ?",
                (*manual_values(entry), session_id),
            )
            c.execute("DELETE FROM sets WHERE session_id = ?", (session_id,))
            insert_manual_sets(c, session_id, entry)
        return self.session(session_id)

    def delete_session(self, session_id: int) -> None:
        with self._write() as c:
            if c.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount == 0:
                raise DoseLogError(f"{self.path}: no session {session_id}")

    # -- baseline ---------------------------------------------------------------------------
    def rep_baselines(
        self, profile: str, exercises: Sequence[str] = EXERCISES
    ) -> dict[str, RepBaseline]:
        """:meth:`rep_baseline` for each exercise (the analysis takes this mapping)."""
        return {ex: self.rep_baseline(profile, ex) for ex in exercises}

    def rep_baseline(
        self, profile: str, exercise: str, *, max_reps: int = BASELINE_MAX_REPS
    ) -> RepBaseline:
        """The person's most recent unflagged reps of ``exercise`` (a detector name)."""
        prof = self.profile(profile)
        rows = self._conn.execute(
            "SELECT r.duration_s, r.start_s, r.end_s, r.phases_json, r.ldlj_a, r.sparc, "
            "s.id AS sid FROM reps r JOIN sets t ON t.id = r.set_id "
            "JOIN sessions s ON s.id = t.session_id "
            "WHERE s.profile_id = ? AND t.exercise = ? AND r.rushed = 0 AND r.jerky = 0 "
            "ORDER BY s.date DESC, s.id DESC, t.idx, r.idx LIMIT ?",
            (prof.id, exercise, max_reps),
        ).fetchall()
        phases: dict[str, list[float]] = {}
        for r in rows:
            for name, value in json.loads(r["phases_json"]).items():
                phases.setdefault(name, []).append(float(value))
        return RepBaseline(
            exercise=exercise,
            n=len(rows),
            n_sessions=len({r["sid"] for r in rows}),
            duration_s=tuple(
                r["duration_s"] if r["duration_s"] is not None else r["end_s"] - r["start_s"]
                for r in rows
            ),
            phases_s={k: tuple(v) for k, v in phases.items()},
            ldlj_a=tuple(r["ldlj_a"] for r in rows if r["ldlj_a"] is not None),
            sparc=tuple(r["sparc"] for r in rows if r["sparc"] is not None),
        )
