"""The server's SQLite files (database, -wal, -shm, backups) and the directories made for
them are owner-only, whatever the umask; files found with wider modes are narrowed when the
server starts."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from server.commands.backup import backup_sqlite
from server.db.engine import migrate, open_engine, write_tx
from tests.services.serverproc import ServerProcess


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask():
    """The most permissive usual umask, so only the code's own modes protect the files."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_database_and_its_directory_are_owner_only(tmp_path, open_umask):
    db = tmp_path / "var" / "xianglin" / "server.db"
    engine = open_engine(str(db))
    try:
        migrate(engine)
        with write_tx(engine) as conn:  # leaves the WAL and shared-memory files behind
            conn.execute(text("INSERT INTO meta (key, text_value) VALUES ('probe', 'x')"))
        files = [db, Path(f"{db}-wal"), Path(f"{db}-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: mode(f) for f in files} == {f.name: 0o600 for f in files}
        assert mode(db.parent) == 0o700
    finally:
        engine.dispose()


def test_a_backup_and_a_new_backup_directory_are_owner_only(tmp_path, open_umask):
    db = tmp_path / "server.db"
    engine = open_engine(str(db))
    migrate(engine)
    engine.dispose()
    out = tmp_path / "backups" / "xianglin.db"
    backup_sqlite(db, out)
    assert mode(out) == 0o600 and mode(out.parent) == 0o700


def test_the_server_narrows_files_it_finds_readable_by_others(tmp_path, open_umask):
    db = tmp_path / "server.db"
    con = sqlite3.connect(db)  # made by hand, outside the server: 0644 under this umask
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE t (x)")
    con.execute("INSERT INTO t VALUES (1)")
    con.commit()  # kept open: its WAL and shared-memory files stay
    wal, shm = Path(f"{db}-wal"), Path(f"{db}-shm")
    for f in (db, wal, shm):
        f.chmod(0o644)
    server = ServerProcess(db, log_path=tmp_path / "server.log").start(deadline=60)
    try:
        assert {f.name: mode(f) for f in (db, wal, shm)} == {f.name: 0o600 for f in (db, wal, shm)}
    finally:
        server.stop()
        con.close()
