"""backup: a consistent copy while another thread keeps writing (SQLite and PostgreSQL)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from server.commands.backup import BackupError, backup_postgres, backup_sqlite, pg_dump_binary
from server.db.changelog import record_change
from server.db.engine import alembic_config, migrate, open_engine, write_tx
from server.db.schema import changes, residents

ROOT = Path(__file__).resolve().parents[2]


def _head(engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


class Writer(threading.Thread):
    """Stamps change-log rows, one transaction each, until stopped."""

    def __init__(self, engine) -> None:
        super().__init__(daemon=True)
        self.engine = engine
        self.stop = threading.Event()
        self.started_writing = threading.Event()
        self.written = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with write_tx(self.engine) as conn:
                    i = self.written
                    record_change(
                        conn,
                        "district",
                        f"bk-{i}",
                        version=1,
                        data={"id": f"bk-{i}", "name": "x"},
                        district_id=f"bk-{i}",
                    )
                self.written += 1
                if self.written >= 20:
                    self.started_writing.set()
        except BaseException as exc:  # surfaced by the test
            self.error = exc
            self.started_writing.set()


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(changes)).scalar_one()


@pytest.fixture
def sqlite_engine(sqlite_template, tmp_path):
    path = tmp_path / "live.db"
    shutil.copyfile(sqlite_template, path)
    eng = open_engine(str(path))
    yield eng, path
    eng.dispose()


def test_sqlite_backup_while_writing_is_consistent_and_at_head(sqlite_engine, tmp_path):
    engine, path = sqlite_engine
    writer = Writer(engine)
    writer.start()
    assert writer.started_writing.wait(30)
    before = _count(engine)
    out = tmp_path / "backups" / "xl.db"
    try:
        backup_sqlite(path, out)
        after = _count(engine)
    finally:
        writer.stop.set()
        writer.join(30)
    assert writer.error is None
    assert after > before  # the writer really wrote during the backup window
    con = sqlite3.connect(out)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == _head(engine)
        n = con.execute("SELECT count(*) FROM changes").fetchone()[0]
        seqs = [r[0] for r in con.execute("SELECT seq FROM changes ORDER BY seq")]
        counter = con.execute("SELECT seq FROM change_sequences").fetchone()[0]
    finally:
        con.close()
    assert before <= n <= after
    # one snapshot: the change counter and the rows it numbered agree, no gap
    assert seqs[-1] == counter and len(seqs) == n
    # the backup opens as a server database
    restored = open_engine(str(out))
    try:
        migrate(restored)
        with restored.connect() as conn:
            assert conn.execute(select(func.count()).select_from(residents)).scalar_one() > 500
    finally:
        restored.dispose()


def test_sqlite_backup_replaces_atomically_and_refuses_missing_db(sqlite_engine, tmp_path):
    _, path = sqlite_engine
    out = tmp_path / "b.db"
    out.write_bytes(b"old backup")
    backup_sqlite(path, out)
    assert out.read_bytes()[:16] == b"SQLite format 3\x00"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    with pytest.raises(BackupError):
        backup_sqlite(tmp_path / "missing.db", tmp_path / "c.db")


def test_cli_backup(sqlite_engine, tmp_path):
    _, path = sqlite_engine
    out = tmp_path / "cli.db"
    r = subprocess.run(
        [sys.executable, "-m", "server", "backup", "--db", str(path), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "integrity ok" in r.stdout and out.is_file()
    bad = subprocess.run(
        [sys.executable, "-m", "server", "backup", "--db", str(tmp_path / "none.db"), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 1


@pytest.mark.postgres
def test_postgres_backup_while_writing_restores(pg_cluster, pg_template, tmp_path):
    url = pg_cluster.create_database(template=pg_template)
    engine = open_engine(url)
    writer = Writer(engine)
    writer.start()
    try:
        assert writer.started_writing.wait(30)
        before = _count(engine)
        out = tmp_path / "xl.dump"
        backup_postgres(url, out)
        after = _count(engine)
    finally:
        writer.stop.set()
        writer.join(30)
        engine.dispose()
    assert writer.error is None and after > before
    restored_url = pg_cluster.create_database()
    pg_restore = str(Path(pg_dump_binary()).with_name("pg_restore"))
    proc = subprocess.run(
        [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={restored_url}", str(out)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    restored = open_engine(restored_url)
    try:
        n = _count(restored)
        with restored.connect() as conn:
            seqs = list(conn.execute(select(changes.c.seq).order_by(changes.c.seq)).scalars())
            version = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
        assert before <= n <= after and len(seqs) == n
        assert version == _head(restored)
    finally:
        restored.dispose()
        for u in (url, restored_url):
            pg_cluster.drop_database(u.rsplit("/", 1)[1])
