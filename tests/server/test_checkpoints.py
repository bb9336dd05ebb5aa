"""A serving process's SQLite checkpoints: taken by its thread, not by the commits."""

from __future__ import annotations

import time

from sqlalchemy import text

from server.db.checkpoints import BACKSTOP_PAGES, Checkpointer
from server.db.engine import open_engine, write_tx


def _fill(engine, pages: int) -> None:
    """Write about ``pages`` pages of 4 KB to the log."""
    with write_tx(engine) as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS filler (body TEXT)"))
    for _ in range(pages // 50):
        with write_tx(engine) as conn:
            conn.execute(text("INSERT INTO filler VALUES (:b)"), [{"b": "x" * 3000}] * 50)


def test_commits_leave_checkpoints_to_the_thread(tmp_path):
    engine = open_engine(str(tmp_path / "wal.db"))
    checkpoints = Checkpointer(engine, every=3600).start()  # started, but its round never comes
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BACKSTOP_PAGES
        _fill(engine, 1500)  # past SQLite's own threshold of 1,000 pages
        wal = tmp_path / "wal.db-wal"
        # no commit copied the log back and restarted it: it holds every page written
        assert wal.stat().st_size > 1400 * 4096
    finally:
        checkpoints.stop()


def test_the_thread_copies_the_log_back(tmp_path):
    engine = open_engine(str(tmp_path / "wal.db"))
    checkpoints = Checkpointer(engine, every=0.05).start()
    try:
        _fill(engine, 200)
        deadline = time.monotonic() + 10
        # the test's own look is a checkpoint too: watch the database file instead
        db = tmp_path / "wal.db"
        while db.stat().st_size < 150 * 4096:
            assert time.monotonic() < deadline, "the thread never checkpointed"
            time.sleep(0.05)
    finally:
        checkpoints.stop()
    assert checkpoints._thread is None
