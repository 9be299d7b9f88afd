"""Real processes: concurrent writers lose nothing; SIGKILL mid-transaction leaves no trace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from boneimu.dose.models import ProfileIn
from boneimu.dose.store import DoseLog

HERE = Path(__file__).parent

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date
    sys.path.insert(0, sys.argv[3])
    from dose_builders import make_result
    from boneimu.dose.models import ManualEntry
    from boneimu.dose.store import DoseLog

    db_path, tag = sys.argv[1], sys.argv[2]
    d = date(2026, 11, 16)
    for i in range(20):
        with DoseLog(db_path) as db:  # reopen: also races the open/migrate path
            db.add_manual("ann", ManualEntry(date=d, exercise="band_row", sets=3, reps=10))
            r = make_result(sets=[("heel_drop", 15, 2.5, 1)])
            assert db.add_analysis("ann", r, content_hash=f"{tag}-{i}", date=d) is not None
    """
)

KILLED = textwrap.dedent(
    """
    import sys, time
    from datetime import date
    sys.path.insert(0, sys.argv[2])
    from dose_builders import make_result
    import boneimu.dose.store as store

    original = store.insert_children
    def slow(c, sid, result):
        original(c, sid, result)  # every row of the session is written, not yet committed
        print("inside", flush=True)
        time.sleep(60)
    store.insert_children = slow
    db = store.DoseLog(sys.argv[1])
    db.add_analysis("ann", make_result(sets=[("heel_drop", 50, 2.5, 5)] * 20),
                    content_hash="doomed", date=date(2026, 11, 16))
    """
)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONWARNINGS": "error"}


def test_concurrent_writers_lose_nothing(db_path: Path) -> None:
    with DoseLog(db_path) as db:
        db.add_profile(ProfileIn(name="ann"))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path), f"w{k}", str(HERE)],
            env=_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for k in range(4)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with DoseLog(db_path) as db:
        assert db.execute("SELECT COUNT(*) FROM sessions")[0][0] == 4 * 20 * 2
        assert db.execute("SELECT COUNT(*) FROM reps")[0][0] == 4 * 20 * 15
        assert db.execute("SELECT COUNT(*) FROM sets WHERE n_reps = 10")[0][0] == 4 * 20 * 3


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_sigkill_mid_transaction_leaves_db_consistent(db_path: Path) -> None:
    with DoseLog(db_path) as db:
        db.add_profile(ProfileIn(name="ann"))
    p = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(db_path), str(HERE)],
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert p.stdout is not None
        line = p.stdout.readline()
        assert line.strip() == "inside", p.stderr.read() if p.stderr else ""
        # the uncommitted rows are in the WAL / page cache of the killed process only
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=30)
    finally:
        if p.poll() is None:
            p.kill()
        if p.stdout:
            p.stdout.close()
        if p.stderr:
            p.stderr.close()
    assert p.returncode == -signal.SIGKILL
    with DoseLog(db_path) as db:
        assert db.execute("PRAGMA integrity_check")[0][0] == "ok"
        assert db.execute("PRAGMA foreign_key_check") == []
        for table in ("sessions", "sets", "reps", "flags"):
            assert db.execute(f"SELECT COUNT(*) FROM {table}")[0][0] == 0, table
        # and the database is writable again (no stale lock)
        from datetime import date

        from dose_builders import make_result

        row = db.add_analysis(
            "ann",
            make_result(sets=[("hop", 5, 3.0, 0)]),
            content_hash="after",
            date=date(2026, 11, 16),
        )
        assert row is not None and row.n_reps == 5
